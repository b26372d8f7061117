/** Bybit v5 request signing (spec 2 and 3): REST prehash and X-BAPI-* headers, WS auth args; pure, time passed in. */
import { createHmac } from 'node:crypto';

/** Lower-case hex HMAC-SHA256(secret, message): the one signature primitive Bybit uses for REST and WS auth. */
export function bybitSign(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('hex');
}

/**
 * The REST prehash: `timestamp + apiKey + recvWindow + payload`, where payload is the query string
 * exactly as sent (no leading `?`) for GET, or the exact JSON body text for POST.
 */
export function restPrehash(timestampMs: number, apiKey: string, recvWindowMs: number, payload: string): string {
  return `${timestampMs}${apiKey}${recvWindowMs}${payload}`;
}

export interface BybitRestAuthInput {
  readonly apiKey: string;
  readonly secret: string;
  /** Query string as sent (GET) or the body text as sent (POST). Serialize once, sign and send that string. */
  readonly payload: string;
  readonly recvWindowMs: number;
  /** Venue time in ms (host now + measured offset). */
  readonly venueNowMs: number;
}

/** The private-request headers: X-BAPI-API-KEY / TIMESTAMP / RECV-WINDOW / SIGN. */
export function restAuthHeaders(input: BybitRestAuthInput): Record<string, string> {
  if (!Number.isFinite(input.venueNowMs)) throw new RangeError(`not a timestamp: ${input.venueNowMs}`);
  const ts = Math.floor(input.venueNowMs);
  return {
    'X-BAPI-API-KEY': input.apiKey,
    'X-BAPI-TIMESTAMP': String(ts),
    'X-BAPI-RECV-WINDOW': String(input.recvWindowMs),
    'X-BAPI-SIGN': bybitSign(input.secret, restPrehash(ts, input.apiKey, input.recvWindowMs, input.payload)),
  };
}

/** The WS auth signature: hex HMAC-SHA256 of `"GET/realtime" + expires`. */
export function wsAuthSignature(secret: string, expiresMs: number): string {
  return bybitSign(secret, `GET/realtime${expiresMs}`);
}

/** The auth frame for the private and trade streams: `{"req_id","op":"auth","args":[apiKey, expires, signature]}`. */
export function wsAuthFrame(
  apiKey: string,
  secret: string,
  expiresMs: number,
  reqId: string,
): { readonly req_id: string; readonly op: 'auth'; readonly args: readonly [string, number, string] } {
  const expires = Math.floor(expiresMs);
  return { req_id: reqId, op: 'auth', args: [apiKey, expires, wsAuthSignature(secret, expires)] };
}
