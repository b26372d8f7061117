/** Bybit errors: the venue said no (BybitApiError, by retCode), our own parse/request failures, and classify() over the retCode table of spec 11. */
import { DaemonError, TransportError, VenueRejectedError } from '../../domain/errors.js';
import type { ErrorClass, VenueErrorFacts } from '../shared/command-outcome.js';

/** The venue id used in every domain object this adapter produces. */
export const BYBIT_VENUE_ID = 'bybit';

/** The venue refused: a non-zero `retCode` (with `retMsg`), from REST, the trade WS or an auth/subscribe ack. */
export class BybitApiError extends VenueRejectedError {
  readonly retCode: number;
  readonly retMsg: string;
  readonly httpStatus: number | undefined;

  constructor(init: { readonly retCode: number; readonly retMsg: string; readonly httpStatus?: number; readonly method?: string }) {
    super(BYBIT_VENUE_ID, String(init.retCode), init.retMsg === '' ? (errorInfo(init.retCode)?.name ?? 'error') : init.retMsg, init.method);
    this.retCode = init.retCode;
    this.retMsg = init.retMsg;
    this.httpStatus = init.httpStatus;
  }
}

/** A venue payload did not have the shape or values we rely on; `field` is the path, e.g. `order.0.cumExecQty`. */
export class BybitParseError extends DaemonError {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super('VENUE_PAYLOAD_INVALID', `${BYBIT_VENUE_ID}: ${field}: ${detail}`);
  }
}

/** An outbound request cannot be expressed on Bybit (size below minimum, bad orderLinkId, missing trigger price…). */
export class BybitRequestError extends DaemonError {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super('ORDER_REQUEST_INVALID', `${BYBIT_VENUE_ID}: ${field}: ${detail}`);
  }
}

/**
 * The family of a code, for the predicates below and for logs: rate_limit, auth, clock, request
 * (our bug), not_found, already_closed, duplicate, funds, position, trigger, unavailable, ws,
 * not_modified (a no-op that counts as success).
 */
export type BybitErrorFamily =
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
  | 'unavailable'
  | 'ws'
  | 'not_modified';

export interface BybitErrorInfo {
  readonly code: number;
  readonly name: string;
  readonly family: BybitErrorFamily;
  readonly classification: ErrorClass;
}

type Row = readonly [code: number, name: string, family: BybitErrorFamily, classification: ErrorClass];

// Spec 11, one row per code. Where the venue may have acted (timeouts, restarts) the class is
// `unknown`; throttles and requests definitely not executed (10002) are `retryable`.
const ROWS: readonly Row[] = [
  [10000, 'server timeout: outcome unknown', 'unavailable', 'unknown'],
  [10016, 'server error or restarting: outcome unknown', 'unavailable', 'unknown'],
  [10014, 'duplicate request', 'duplicate', 'unknown'],
  [10019, 'trade service restarting', 'unavailable', 'retryable'],
  [10001, 'parameter error', 'request', 'rejected'],
  [10017, 'route not found', 'request', 'rejected'],
  [10002, 'timestamp outside recv_window (not executed)', 'clock', 'retryable'],
  [10003, 'invalid API key or key/host environment mismatch', 'auth', 'rejected'],
  [10004, 'signature error', 'auth', 'rejected'],
  [10005, 'permission denied', 'auth', 'rejected'],
  [10010, 'request IP not bound to the key', 'auth', 'rejected'],
  [10009, 'region not allowed', 'auth', 'rejected'],
  [10024, 'compliance rules', 'auth', 'rejected'],
  [10027, 'trading banned', 'auth', 'rejected'],
  [10006, 'too many visits (per-UID rate limit)', 'rate_limit', 'retryable'],
  [10018, 'IP rate limit (legacy)', 'rate_limit', 'retryable'],
  [10403, 'trade WS: IP over its request limit', 'rate_limit', 'retryable'],
  [10429, 'trade WS: system throttling', 'rate_limit', 'retryable'],
  [20003, 'trade WS: too frequent on this session', 'rate_limit', 'retryable'],
  [10404, 'trade WS: unknown op or category', 'request', 'rejected'],
  [20001, 'trade WS: repeated auth', 'ws', 'rejected'],
  [20006, 'trade WS: duplicate reqId', 'ws', 'rejected'],
  [110001, 'order does not exist', 'not_found', 'rejected'],
  [110003, 'price outside the allowed band', 'request', 'rejected'],
  [110004, 'insufficient wallet balance', 'funds', 'rejected'],
  [110007, 'insufficient available balance', 'funds', 'rejected'],
  [110012, 'insufficient available balance', 'funds', 'rejected'],
  [110044, 'insufficient available margin', 'funds', 'rejected'],
  [110045, 'insufficient wallet balance', 'funds', 'rejected'],
  [110008, 'order already completed', 'already_closed', 'rejected'],
  [110010, 'order already cancelled', 'already_closed', 'rejected'],
  [110009, 'too many stop orders (10 conditional per symbol)', 'request', 'rejected'],
  [110017, 'reduce-only would be zero: no or too small position', 'position', 'rejected'],
  [110020, 'more than 500 active orders', 'request', 'rejected'],
  [110025, 'position mode not modified', 'not_modified', 'rejected'],
  [110043, 'leverage not modified', 'not_modified', 'rejected'],
  [34040, 'TP/SL not modified (or a required parameter missing)', 'not_modified', 'rejected'],
  [110057, 'TP/SL parameter conflict', 'request', 'rejected'],
  [110058, 'TP/SL parameter conflict', 'request', 'rejected'],
  [110059, 'TP/SL parameter conflict', 'request', 'rejected'],
  [110060, 'TP/SL parameter conflict', 'request', 'rejected'],
  [110061, 'too many partial TP/SL orders', 'request', 'rejected'],
  [110072, 'duplicate orderLinkId: the order already exists', 'duplicate', 'rejected'],
  [110092, 'trigger price on the wrong side (expected rising)', 'trigger', 'rejected'],
  [110093, 'trigger price on the wrong side (expected falling)', 'trigger', 'rejected'],
  [110094, 'notional below the minimum', 'request', 'rejected'],
];

/** Every retCode of the spec with its family and classification. */
export const BYBIT_ERROR_CODES: ReadonlyMap<number, BybitErrorInfo> = new Map(
  ROWS.map(([code, name, family, classification]) => [code, { code, name, family, classification }]),
);

export function errorInfo(code: number): BybitErrorInfo | undefined {
  return BYBIT_ERROR_CODES.get(code);
}

function codeOf(error: unknown): number | undefined {
  return error instanceof BybitApiError ? error.retCode : undefined;
}

function familyOf(error: unknown): BybitErrorFamily | undefined {
  const code = codeOf(error);
  return code === undefined ? undefined : errorInfo(code)?.family;
}

/**
 * Classifies any error from a Bybit call. Venue errors go by retCode; an unlisted code is
 * `unknown` (we cannot tell whether the venue acted). Our own request errors are `rejected`
 * (nothing was sent). A request that never left (`NOT_CONNECTED`) is `retryable`; every other
 * transport failure (timeout, disconnect, 5xx, HTTP 429/403) is `unknown`.
 */
export function classify(error: unknown): ErrorClass {
  if (error instanceof BybitApiError) return errorInfo(error.retCode)?.classification ?? 'unknown';
  if (error instanceof BybitRequestError) return 'rejected';
  if (error instanceof TransportError) return error.code === 'NOT_CONNECTED' ? 'retryable' : 'unknown';
  return 'unknown';
}

/** 10006 (and the WS throttles), or a transport `RATE_LIMITED` (HTTP 429/403 without an envelope). */
export function isRateLimited(error: unknown): boolean {
  if (error instanceof TransportError) return error.code === 'RATE_LIMITED';
  return familyOf(error) === 'rate_limit';
}

export function isRateLimitCode(retCode: number): boolean {
  return errorInfo(retCode)?.family === 'rate_limit';
}

/** Key, signature, permission, IP or environment: retrying does not help until the operator fixes it. */
export function isAuthError(error: unknown): boolean {
  return familyOf(error) === 'auth';
}

/** 10002: the timestamp was outside recv_window; resync the clock and resend (not executed). */
export function isClockSkew(error: unknown): boolean {
  return codeOf(error) === 10002;
}

/** 110001 (order does not exist). */
export function isOrderNotFound(error: unknown): boolean {
  return codeOf(error) === 110001;
}

/** 110008 / 110010: the order is already final (cancel is done; read it for what filled). */
export function isOrderAlreadyClosed(error: unknown): boolean {
  return familyOf(error) === 'already_closed';
}

/** 110072: an order with this orderLinkId already exists: look it up, never send a second one. */
export function isDuplicateClientId(error: unknown): boolean {
  return codeOf(error) === 110072;
}

/** 110017: a reduce-only order on a flat (or smaller) position. */
export function isNoPosition(error: unknown): boolean {
  return codeOf(error) === 110017;
}

/** 110092 / 110093: the trigger is already on the wrong side of the market, so it would fire at once. */
export function isImmediateTrigger(error: unknown): boolean {
  return familyOf(error) === 'trigger';
}

/** What only Bybit knows about its errors, for the shared outcome mapping. */
export const BYBIT_ERROR_FACTS: VenueErrorFacts = {
  classify,
  isOrderNotFound,
  wouldTriggerImmediately: isImmediateTrigger,
};
