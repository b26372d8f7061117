/**
 * OKX credentials and signature checks (okx.md §2, §4): REST prehash = ISO-ms timestamp + METHOD +
 * path-with-query + body, WS login prehash = seconds + "GET" + "/users/self/verify", both base64
 * HMAC-SHA256 with the secret; 30 s clock tolerance; demo keys need `x-simulated-trading: 1`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import { authErrors, OkxError, wsErrors } from './errors.js';

export interface OkxCredentials {
  apiKey: string;
  secretKey: string;
  passphrase: string;
}

/** Random credentials in OKX's formats (key a UUID, secret 32 hex upper-case). */
export function randomCredentials(): OkxCredentials {
  const hex = randomBytes(16).toString('hex');
  const apiKey = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { apiKey, secretKey: randomBytes(16).toString('hex').toUpperCase(), passphrase: `Sim${randomBytes(6).toString('base64url')}` };
}

export function hmacBase64(secret: string, prehash: string): string {
  return createHmac('sha256', secret).update(prehash).digest('base64');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `2025-03-01T12:00:00.123Z` (milliseconds required, UTC `Z`). */
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export interface RestAuthInput {
  readonly key: string | undefined;
  readonly sign: string | undefined;
  readonly timestamp: string | undefined;
  readonly passphrase: string | undefined;
  readonly simulated: string | undefined;
  readonly method: string;
  /** Path with the query string exactly as sent. */
  readonly requestPath: string;
  readonly body: string;
}

export interface AuthSettings {
  /** Max |header time − server time|. OKX: 30 s. */
  readonly skewMs: number;
  /** The key is a demo key: requests need `x-simulated-trading: 1` (a live key must not send it). */
  readonly demo: boolean;
}

/** Checks one REST request; throws the OKX 401 error it deserves. */
export function verifyRest(creds: OkxCredentials, input: RestAuthInput, nowMs: number, settings: AuthSettings): void {
  if (!input.key) throw authErrors.keyMissing();
  if (!input.sign) throw authErrors.signMissing();
  if (!input.timestamp) throw authErrors.timestampMissing();
  if (!input.passphrase) throw authErrors.passphraseMissing();
  if (!ISO_MS.test(input.timestamp) || Number.isNaN(Date.parse(input.timestamp))) throw authErrors.invalidTimestamp();
  if (Math.abs(Date.parse(input.timestamp) - nowMs) > settings.skewMs) throw authErrors.expired();
  if (input.key !== creds.apiKey) throw authErrors.invalidKey();
  if ((input.simulated === '1') !== settings.demo) throw authErrors.envMismatch();
  if (input.passphrase !== creds.passphrase) throw authErrors.passphraseWrong();
  const expected = hmacBase64(creds.secretKey, input.timestamp + input.method.toUpperCase() + input.requestPath + input.body);
  if (!sameText(expected, input.sign)) throw authErrors.invalidSign();
}

export interface LoginArg {
  readonly apiKey?: unknown;
  readonly passphrase?: unknown;
  readonly timestamp?: unknown;
  readonly sign?: unknown;
}

/** Checks a WS login arg; returns undefined when good, else the error event's code and msg. */
export function verifyLogin(
  creds: OkxCredentials,
  arg: LoginArg,
  nowMs: number,
  skewMs: number,
): { code: string; msg: string } | undefined {
  const { apiKey, passphrase, timestamp, sign } = arg;
  if (typeof apiKey !== 'string' || typeof passphrase !== 'string' || typeof timestamp !== 'string' || typeof sign !== 'string')
    return wsErrors.loginFailed();
  if (!/^\d+(\.\d+)?$/.test(timestamp)) return wsErrors.loginTimestampFormat();
  // Seconds; a millisecond value lands ~55 000 years ahead and expires (python-okx #64).
  if (Math.abs(Number(timestamp) * 1000 - nowMs) > skewMs) return wsErrors.loginExpired();
  if (apiKey !== creds.apiKey) return wsErrors.loginInvalidKey();
  if (passphrase !== creds.passphrase) return wsErrors.loginWrongPassphrase();
  if (!sameText(hmacBase64(creds.secretKey, `${timestamp}GET/users/self/verify`), sign)) return wsErrors.loginInvalidSign();
  return undefined;
}

export { OkxError };
