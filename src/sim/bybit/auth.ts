/**
 * Bybit v5 authentication as the venue checks it (bybit.md §2, §3): REST `X-BAPI-*` headers with a
 * hex HMAC-SHA256 over `timestamp + apiKey + recvWindow + (query | body)` and the window rule
 * `server − recvWindow ≤ timestamp < server + 1000`; WS `op:"auth"` with `[apiKey, expires, hex
 * HMAC("GET/realtime" + expires)]`. Written from the spec only (no code shared with the adapter).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import { authErrors, BybitError } from './errors.js';

export interface BybitCredentials {
  readonly apiKey: string;
  readonly apiSecret: string;
}

/** Random credentials shaped like Bybit's (18-char key, 36-char secret). */
export function randomCredentials(): BybitCredentials {
  const alnum = (n: number): string =>
    [...randomBytes(n)].map((b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.charAt(b % 62)).join('');
  return { apiKey: alnum(18), apiSecret: alnum(36) };
}

export function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface RestAuthInput {
  readonly key: string | undefined;
  readonly sign: string | undefined;
  readonly timestamp: string | undefined;
  readonly recvWindow: string | undefined;
  /** GET: the query string as sent (no `?`); POST: the raw body. */
  readonly payload: string;
}

const DEFAULT_RECV_WINDOW = 5000;

/** Throws the venue's BybitError (10003 key, 10002 window, 10004 sign) or returns. */
export function verifyRest(creds: BybitCredentials, input: RestAuthInput, serverTime: number): void {
  if (input.key === undefined || input.key === '') throw authErrors.missingHeaders();
  if (input.key !== creds.apiKey) throw authErrors.invalidKey();
  if (input.sign === undefined || input.timestamp === undefined) throw authErrors.missingHeaders();
  const ts = Number(input.timestamp);
  const window = input.recvWindow === undefined || input.recvWindow === '' ? DEFAULT_RECV_WINDOW : Number(input.recvWindow);
  if (!/^\d+$/.test(input.timestamp) || !Number.isFinite(window) || window <= 0)
    throw authErrors.outsideWindow(input.timestamp, serverTime, window);
  if (!(serverTime - window <= ts && ts < serverTime + 1000)) throw authErrors.outsideWindow(input.timestamp, serverTime, window);
  const prehash = `${input.timestamp}${input.key}${input.recvWindow ?? ''}${input.payload}`;
  if (!sameHex(hmacHex(creds.apiSecret, prehash), input.sign.toLowerCase())) throw authErrors.badSign(prehash);
}

/** Why a WS auth failed (the frame builders turn it into the stream's own shape). */
export type WsAuthProblem = 'params' | 'key' | 'sign' | 'expired';

/** Checks `args = [apiKey, expires, signature]`; undefined when good. */
export function verifyWsAuth(creds: BybitCredentials, args: unknown, serverTime: number): WsAuthProblem | undefined {
  if (!Array.isArray(args) || args.length !== 3) return 'params';
  const [key, expires, sign] = args as unknown[];
  if (typeof key !== 'string' || typeof sign !== 'string') return 'params';
  const exp = typeof expires === 'number' ? expires : typeof expires === 'string' && /^\d+$/.test(expires) ? Number(expires) : NaN;
  if (!Number.isFinite(exp)) return 'params';
  if (key !== creds.apiKey) return 'key';
  if (exp <= serverTime) return 'expired';
  if (!sameHex(hmacHex(creds.apiSecret, `GET/realtime${String(expires)}`), sign.toLowerCase())) return 'sign';
  return undefined;
}

export { BybitError };
