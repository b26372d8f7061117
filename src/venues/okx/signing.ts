/** OKX request signing (spec 2 and 4): REST prehash and OK-ACCESS-* headers, WS login args; pure, time passed in. */
import { createHmac } from 'node:crypto';

export type OkxHttpMethod = 'GET' | 'POST';

/** base64(HMAC-SHA256(secret, message)): the one signature primitive OKX uses for REST and WS login. */
export function okxSign(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('base64');
}

/**
 * The REST timestamp: ISO-8601 UTC with milliseconds (`2025-03-01T12:00:00.123Z`). Pass the
 * venue's time (host now plus the measured offset): more than 30 s off gives `50102`.
 */
export function restTimestamp(venueNowMs: number): string {
  if (!Number.isFinite(venueNowMs)) throw new RangeError(`not a timestamp: ${venueNowMs}`);
  return new Date(Math.floor(venueNowMs)).toISOString();
}

/**
 * The REST prehash: `timestamp + METHOD + requestPath + body`. `requestPath` includes the query
 * string exactly as sent; `body` is the exact JSON text sent (`""` for GET).
 */
export function restPrehash(timestamp: string, method: OkxHttpMethod, requestPath: string, body: string): string {
  return `${timestamp}${method}${requestPath}${body}`;
}

/** The OK-ACCESS-SIGN value for one REST request. */
export function restSignature(secret: string, timestamp: string, method: OkxHttpMethod, requestPath: string, body: string): string {
  return okxSign(secret, restPrehash(timestamp, method, requestPath, body));
}

export interface OkxRestAuthInput {
  readonly apiKey: string;
  readonly secret: string;
  readonly passphrase: string;
  readonly method: OkxHttpMethod;
  /** Path with query, e.g. `/api/v5/account/positions?instType=SWAP`. */
  readonly requestPath: string;
  /** The exact body text that will be sent; `""` for GET. Serialize once, sign and send that string. */
  readonly body: string;
  /** Venue time in ms (host now + offset). */
  readonly venueNowMs: number;
}

/**
 * The private-request headers: OK-ACCESS-KEY/SIGN/TIMESTAMP/PASSPHRASE and `Content-Type`. The
 * environment's own headers (`x-simulated-trading`) come from `OkxEndpoints.restHeaders`.
 */
export function restAuthHeaders(input: OkxRestAuthInput): Record<string, string> {
  const timestamp = restTimestamp(input.venueNowMs);
  return {
    'OK-ACCESS-KEY': input.apiKey,
    'OK-ACCESS-SIGN': restSignature(input.secret, timestamp, input.method, input.requestPath, input.body),
    'OK-ACCESS-TIMESTAMP': timestamp,
    'OK-ACCESS-PASSPHRASE': input.passphrase,
    'Content-Type': 'application/json',
  };
}

/** The path the WS login signs (with `GET` and no body). */
export const WS_LOGIN_PATH = '/users/self/verify';

/** The WS login timestamp: whole Unix seconds as a string (never milliseconds: that gives `60006`). */
export function wsLoginTimestamp(venueNowMs: number): string {
  if (!Number.isFinite(venueNowMs)) throw new RangeError(`not a timestamp: ${venueNowMs}`);
  return String(Math.floor(venueNowMs / 1000));
}

/** The WS login sign: base64 HMAC-SHA256 of `timestamp + "GET" + "/users/self/verify"`. */
export function wsLoginSignature(secret: string, timestampSecs: string): string {
  return okxSign(secret, `${timestampSecs}GET${WS_LOGIN_PATH}`);
}

/** One `args` item of `{"op":"login"}`. */
export interface OkxLoginArg {
  readonly apiKey: string;
  readonly passphrase: string;
  readonly timestamp: string;
  readonly sign: string;
}

/** The login arg for one key at venue time `venueNowMs`. */
export function wsLoginArg(apiKey: string, secret: string, passphrase: string, venueNowMs: number): OkxLoginArg {
  const timestamp = wsLoginTimestamp(venueNowMs);
  return { apiKey, passphrase, timestamp, sign: wsLoginSignature(secret, timestamp) };
}

/** The login frame text, one key per socket: `{"op":"login","args":[{apiKey,passphrase,timestamp,sign}]}`. */
export function wsLoginFrame(apiKey: string, secret: string, passphrase: string, venueNowMs: number): string {
  return JSON.stringify({ op: 'login', args: [wsLoginArg(apiKey, secret, passphrase, venueNowMs)] });
}
