/** OKX errors: the venue said no (OkxApiError, incl. per-order sCode), our own parse/request failures, and classify() over the code table of spec 11. */
import { DaemonError, TransportError, VenueRejectedError } from '../../domain/errors.js';

/** The venue id used in every domain object this adapter produces. */
export const OKX_VENUE_ID = 'okx';

/**
 * The venue refused: a top-level `code` other than `0` (with `msg`), or one item's `sCode`/`sMsg`
 * inside a `code` `1`/`2` reply (then `sCode` is the code that counts and `subCode` refines it).
 * Also built from WS `event:"error"` frames (`60011`, `64001`...). Whether that means "rejected" or
 * "try again" is decided by `classify()` from the code, never from the message.
 */
export class OkxApiError extends VenueRejectedError {
  /** The code that decides: the item's `sCode` when there is one, else the top-level `code`. */
  readonly okxCode: string;
  readonly okxMsg: string;
  /** Sub-code (`51008` + `1001`), when the venue sent a non-empty one. */
  readonly subCode: string | undefined;
  /** True when this came from a per-item `sCode` inside a 200 reply. */
  readonly perItem: boolean;
  /** HTTP status, for REST (a 401 body has no `data`; 429/5xx still carry a code). */
  readonly httpStatus: number | undefined;
  /** The WS request `id` the error answered, when there was one. */
  readonly requestId: string | undefined;

  constructor(init: {
    readonly code: string;
    readonly msg: string;
    readonly subCode?: string | undefined;
    readonly perItem?: boolean;
    readonly httpStatus?: number | undefined;
    readonly requestId?: string | undefined;
    readonly method?: string | undefined;
  }) {
    const sub = init.subCode !== undefined && init.subCode !== '' ? init.subCode : undefined;
    super(
      OKX_VENUE_ID,
      sub === undefined ? init.code : `${init.code}_${sub}`,
      init.msg === '' ? (errorInfo(init.code)?.name ?? 'error') : init.msg,
      init.method,
    );
    this.okxCode = init.code;
    this.okxMsg = init.msg;
    this.subCode = sub;
    this.perItem = init.perItem ?? false;
    this.httpStatus = init.httpStatus;
    this.requestId = init.requestId;
  }
}

/** A venue payload did not have the shape or values we rely on; `field` is the path, e.g. `orders.0.accFillSz`. */
export class OkxParseError extends DaemonError {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super('VENUE_PAYLOAD_INVALID', `${OKX_VENUE_ID}: ${field}: ${detail}`);
  }
}

/** An outbound request cannot be expressed on OKX (size below minimum, bad clOrdId, missing trigger price…). */
export class OkxRequestError extends DaemonError {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super('ORDER_REQUEST_INVALID', `${OKX_VENUE_ID}: ${field}: ${detail}`);
  }
}

/**
 * - `rejected`: the venue definitely did nothing, and sending the same request again will not help.
 * - `retryable`: the venue definitely did nothing, and the same request may succeed later
 *   (after a backoff, a clock resync or a re-login, see `OkxErrorAction`).
 * - `unknown`: the request may have been executed; reconcile (query by clOrdId) before sending it again.
 */
export type OkxErrorClass = 'rejected' | 'retryable' | 'unknown';

/** What the caller should do besides the classification. */
export type OkxErrorAction =
  'none' | 'backoff' | 'resync_clock' | 'reauth' | 'reconnect' | 'reconcile' | 'fix_request' | 'refresh_instruments' | 'alert' | 'stop';

/**
 * The venue-neutral family of a code, for the predicates below and for logs:
 * rate_limit, auth (credentials / environment / permissions), clock, request (our bug),
 * not_found, already_closed, duplicate (clOrdId in use), funds, position (reduce-only / no
 * position), trigger (TP/SL on the wrong side), instrument, account_mode, unavailable (venue-side
 * outage or timeout), ws (socket protocol: login gating, wrong URL, notices).
 */
export type OkxErrorFamily =
  | 'rate_limit'
  | 'auth'
  | 'clock'
  | 'request'
  | 'not_found'
  | 'already_closed'
  | 'duplicate'
  | 'funds'
  | 'position'
  | 'trigger'
  | 'instrument'
  | 'account_mode'
  | 'unavailable'
  | 'ws';

export interface OkxErrorInfo {
  readonly code: string;
  readonly name: string;
  readonly family: OkxErrorFamily;
  readonly classification: OkxErrorClass;
  readonly action: OkxErrorAction;
}

type Row = readonly [code: string, name: string, family: OkxErrorFamily, classification: OkxErrorClass, action: OkxErrorAction];

function range(
  from: number,
  to: number,
  name: string,
  family: OkxErrorFamily,
  classification: OkxErrorClass,
  action: OkxErrorAction,
): Row[] {
  const rows: Row[] = [];
  for (let c = from; c <= to; c += 1) rows.push([String(c), name, family, classification, action]);
  return rows;
}

// Spec sections 2, 3, 4, 6, 9 and 11, one row per code. Outages and timeouts where the venue may
// have acted are `unknown`; throttles and expired requests (definitely dropped) are `retryable`.
const ROWS: readonly Row[] = [
  // --- service / transport (HTTP 5xx or timeouts): for writes the outcome is unknown
  ['50001', 'service temporarily unavailable (503)', 'unavailable', 'unknown', 'reconcile'],
  ['50004', 'endpoint request timeout: outcome unknown', 'unavailable', 'unknown', 'reconcile'],
  ['50026', 'system error (500)', 'unavailable', 'unknown', 'reconcile'],
  ['51054', 'request timed out (500)', 'unavailable', 'unknown', 'reconcile'],
  ['63999', 'internal error (WS login), retry', 'unavailable', 'retryable', 'backoff'],
  // --- throttling
  ['50011', 'rate limit reached', 'rate_limit', 'retryable', 'backoff'],
  ['50013', 'system busy (429)', 'rate_limit', 'retryable', 'backoff'],
  ['50061', 'sub-account order rate limit reached', 'rate_limit', 'retryable', 'backoff'],
  ['51113', 'market-price liquidation requests too frequent (429)', 'rate_limit', 'retryable', 'backoff'],
  ['60014', 'WS requests too frequent', 'rate_limit', 'retryable', 'backoff'],
  // --- request expired before the engine took it (expTime): definitely not executed
  ['50036', 'request expired (expTime)', 'clock', 'retryable', 'resync_clock'],
  ['50037', 'order expired (expTime)', 'clock', 'retryable', 'resync_clock'],
  // --- parameters (our bug)
  ['50000', 'body cannot be empty', 'request', 'rejected', 'fix_request'],
  ['50002', 'JSON syntax error', 'request', 'rejected', 'fix_request'],
  ['50014', 'required parameter empty', 'request', 'rejected', 'fix_request'],
  ['50015', 'either of two parameters required', 'request', 'rejected', 'fix_request'],
  ['50016', 'parameters do not match', 'request', 'rejected', 'fix_request'],
  ['51000', 'parameter error', 'request', 'rejected', 'fix_request'],
  ['51333', 'TP/SL not allowed on this order', 'request', 'rejected', 'fix_request'],
  ['51506', 'order type not amendable', 'request', 'rejected', 'fix_request'],
  ['51511', 'amend would violate post-only', 'request', 'rejected', 'none'],
  ['51006', 'price outside the price-limit band', 'request', 'rejected', 'fix_request'],
  ['51020', 'order size below the minimum', 'request', 'rejected', 'fix_request'],
  ['51121', 'order size not a multiple of the lot size', 'request', 'rejected', 'fix_request'],
  ...range(51076, 51093, 'split TP/SL parameters invalid', 'request', 'rejected', 'fix_request'),
  // --- duplicates: the first request may be pending or placed: look it up by clOrdId
  ['50071', 'already exists (e.g. clOrdId)', 'duplicate', 'rejected', 'reconcile'],
  ['51016', 'duplicate clOrdId among pending orders', 'duplicate', 'rejected', 'reconcile'],
  // --- authentication / environment (HTTP 401 bodies carry no data)
  ['50101', 'API key does not match the environment (demo/live)', 'auth', 'rejected', 'stop'],
  ['50102', 'timestamp request expired (> 30 s off)', 'clock', 'retryable', 'resync_clock'],
  ...range(50103, 50107, 'auth header missing', 'auth', 'rejected', 'fix_request'),
  ['50110', 'IP not in the API key whitelist', 'auth', 'rejected', 'stop'],
  ['50111', 'invalid OK-ACCESS-KEY', 'auth', 'rejected', 'stop'],
  ['50112', 'invalid OK-ACCESS-TIMESTAMP format', 'clock', 'rejected', 'fix_request'],
  ['50113', 'invalid sign', 'auth', 'rejected', 'stop'],
  ['50114', 'invalid authorization', 'auth', 'rejected', 'stop'],
  ['50119', 'API key does not exist (wrong region or deleted)', 'auth', 'rejected', 'stop'],
  // --- instrument / account
  ['51001', 'instrument (or instIdCode) does not exist', 'instrument', 'rejected', 'refresh_instruments'],
  ['51022', 'instrument suspended', 'instrument', 'rejected', 'refresh_instruments'],
  ['51027', 'contract expired', 'instrument', 'rejected', 'refresh_instruments'],
  ['54094', 'cool-off period active for the instrument', 'instrument', 'rejected', 'alert'],
  ['51004', 'exceeds the position tier at this leverage', 'funds', 'rejected', 'alert'],
  ['51008', 'insufficient balance / margin', 'funds', 'rejected', 'alert'],
  ['51010', 'not supported in the current account mode', 'account_mode', 'rejected', 'stop'],
  ['59000', 'settings change blocked by open positions/orders', 'account_mode', 'rejected', 'alert'],
  ['51071', 'too many tag-level cancel-all-after timers', 'request', 'rejected', 'alert'],
  // --- TP/SL and trigger prices on the wrong side: the stop would fire at once
  ...range(51046, 51053, 'TP/SL trigger price on the wrong side', 'trigger', 'rejected', 'fix_request'),
  ...range(51277, 51280, 'TP/SL trigger price on the wrong side', 'trigger', 'rejected', 'fix_request'),
  ...range(51300, 51308, 'TP/SL / trigger price invalid for the current price', 'trigger', 'rejected', 'fix_request'),
  // --- position state
  ['51023', 'position does not exist', 'position', 'rejected', 'reconcile'],
  ['51169', 'no position in this direction to reduce', 'position', 'rejected', 'reconcile'],
  ['51170', 'reduce-only order in the same direction as the position', 'position', 'rejected', 'reconcile'],
  ['51205', 'reduce-only not available', 'position', 'rejected', 'reconcile'],
  ['51206', 'conflicting reduce-only order', 'position', 'rejected', 'reconcile'],
  // --- order lifecycle
  ['51400', 'cancel failed: order filled, canceled or does not exist', 'already_closed', 'rejected', 'reconcile'],
  ['51410', 'cancel already in progress', 'already_closed', 'rejected', 'none'],
  ['51503', 'amend failed: order filled or canceled', 'already_closed', 'rejected', 'reconcile'],
  ['51513', 'more than 3 in-flight amends on one order', 'rate_limit', 'retryable', 'backoff'],
  ['51603', 'order does not exist', 'not_found', 'rejected', 'reconcile'],
  // --- WS login (spec 4)
  ['60004', 'invalid login timestamp', 'clock', 'rejected', 'fix_request'],
  ['60005', 'invalid apiKey', 'auth', 'rejected', 'stop'],
  ['60006', 'login timestamp expired', 'clock', 'retryable', 'resync_clock'],
  ['60007', 'invalid sign', 'auth', 'rejected', 'stop'],
  ['60008', 'channel / login not supported on this URL', 'ws', 'rejected', 'fix_request'],
  ['60009', 'login failed', 'auth', 'rejected', 'stop'],
  ['60024', 'wrong passphrase', 'auth', 'rejected', 'stop'],
  ['60032', 'API key does not exist', 'auth', 'rejected', 'stop'],
  ['60031', 'repeated login on the same socket', 'ws', 'rejected', 'fix_request'],
  // Private op or subscribe before the login ack: no subscription exists. Log in, then resend.
  ['60011', 'please log in', 'ws', 'retryable', 'reauth'],
  // --- WS requests
  ['60012', 'invalid request', 'request', 'rejected', 'fix_request'],
  ['60013', 'invalid args', 'request', 'rejected', 'fix_request'],
  ['60018', 'wrong URL or channel / instrument does not exist', 'request', 'rejected', 'fix_request'],
  ['60033', 'parameter error', 'request', 'rejected', 'fix_request'],
  ['64000', 'uly no longer accepted: use instFamily', 'request', 'rejected', 'fix_request'],
  ['64001', 'channel moved to /business: wrong URL', 'ws', 'rejected', 'fix_request'],
  ['64002', 'channel not on /business: wrong URL', 'ws', 'rejected', 'fix_request'],
  ['64003', 'fee tier too low for this channel', 'ws', 'rejected', 'alert'],
  ['64008', 'service upgrade: reconnect soon', 'ws', 'retryable', 'reconnect'],
];

/** Every error code of the spec with its family, classification and suggested action. */
export const OKX_ERROR_CODES: ReadonlyMap<string, OkxErrorInfo> = new Map(
  ROWS.map(([code, name, family, classification, action]) => [code, { code, name, family, classification, action }]),
);

/** The table entry for a code, or undefined for a code the spec does not list. */
export function errorInfo(code: string): OkxErrorInfo | undefined {
  return OKX_ERROR_CODES.get(code);
}

/**
 * Classifies any error from an OKX call. Venue errors go by code; an unlisted code is `unknown`
 * (we cannot tell whether the venue acted). A request that never left (`NOT_CONNECTED`) is
 * `retryable`; every other transport failure (timeout, disconnect, network, 5xx, 429 without a
 * body) and any other error is `unknown`.
 */
export function classify(error: unknown): OkxErrorClass {
  if (error instanceof OkxApiError) return errorInfo(error.okxCode)?.classification ?? 'unknown';
  if (error instanceof TransportError) return error.code === 'NOT_CONNECTED' ? 'retryable' : 'unknown';
  return 'unknown';
}

/** The suggested follow-up: `resync_clock` for 50102/60006, `backoff` for 50011, `reauth` for 60011… */
export function errorAction(error: unknown): OkxErrorAction {
  if (error instanceof OkxApiError) return errorInfo(error.okxCode)?.action ?? 'none';
  if (error instanceof TransportError) {
    if (error.code === 'NOT_CONNECTED') return 'none';
    return error.code === 'RATE_LIMITED' ? 'backoff' : 'reconcile';
  }
  return 'none';
}

/** The family of an error's code, or undefined (transport errors, unlisted codes). */
export function errorFamily(error: unknown): OkxErrorFamily | undefined {
  const code = codeOf(error);
  return code === undefined ? undefined : errorInfo(code)?.family;
}

function codeOf(error: unknown): string | undefined {
  if (error instanceof OkxApiError) return error.okxCode;
  return undefined;
}

/** True for the throttle codes (50011, 50013, 50061, 51113, 60014, 51513) and a transport `RATE_LIMITED` (HTTP 429 without a body). */
export function isRateLimited(error: unknown): boolean {
  if (error instanceof TransportError) return error.code === 'RATE_LIMITED';
  return errorFamily(error) === 'rate_limit';
}

/** True for credential / environment / permission failures (REST 501xx, WS login 600xx): retrying will not help until the operator fixes the key. */
export function isAuthError(error: unknown): boolean {
  return errorFamily(error) === 'auth';
}

/** True for `50102` (REST timestamp > 30 s off) and `60006` (WS login expired): resync the clock offset from `public/time`, then retry. */
export function isClockSkew(error: unknown): boolean {
  const code = codeOf(error);
  return code === '50102' || code === '60006' || code === '50036' || code === '50037';
}

/** True for `51603 order does not exist`. */
export function isOrderNotFound(error: unknown): boolean {
  return codeOf(error) === '51603';
}

/**
 * True when the order is (or is about to be) no longer open: `51400` (cancel failed: filled,
 * canceled or unknown), `51503` (amend failed: filled/canceled), `51410` (cancel in progress).
 * Query the order to learn whether it filled.
 */
export function isOrderAlreadyClosed(error: unknown): boolean {
  return errorFamily(error) === 'already_closed';
}

/** True for `50071`/`51016`: an order with this clOrdId already exists; query it rather than send again. */
export function isDuplicateClientId(error: unknown): boolean {
  return errorFamily(error) === 'duplicate';
}

/** True for `51023` (close-position: no position): already flat, reconcile. */
export function isNoPosition(error: unknown): boolean {
  return codeOf(error) === '51023';
}

/** True for the TP/SL trigger-direction codes: the trigger is already on the wrong side of the market, so it would fire at once. */
export function isImmediateTrigger(error: unknown): boolean {
  return errorFamily(error) === 'trigger';
}

/** True for `60011 Please log in`: a private subscribe/op went out before the login ack (the socket is deaf until it logs in and resubscribes). */
export function isLoginRequired(error: unknown): boolean {
  return codeOf(error) === '60011';
}

/** True for `64001`/`64002`: the channel lives on the other WS URL (`orders-algo` is on /business). */
export function isWrongWsUrl(error: unknown): boolean {
  const code = codeOf(error);
  return code === '64001' || code === '64002';
}

/**
 * Why a WS login failed, for the operator: `rate_limited` (wait), `clock` (resync the offset and
 * retry), `credentials` (bad key, sign, passphrase, environment: no tight reconnect loop), or
 * `transient` (internal error, anything else).
 */
export type LoginFailureKind = 'rate_limited' | 'clock' | 'credentials' | 'transient';

export function classifyLoginError(error: unknown): LoginFailureKind {
  if (isRateLimited(error)) return 'rate_limited';
  if (isClockSkew(error) || codeOf(error) === '60004') return 'clock';
  if (isAuthError(error)) return 'credentials';
  return 'transient';
}
