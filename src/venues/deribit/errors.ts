/** Deribit errors: the venue said no (DeribitApiError), our own parse/request failures, and classify(). */
import { DaemonError, TransportError, VenueRejectedError } from '../../domain/errors.js';
import { classifyTransportError, type ErrorClass, type VenueErrorFacts } from '../shared/command-outcome.js';
import { WirePayloadError } from '../shared/parse-helpers.js';

/** The venue id used in every domain object this adapter produces. */
export const DERIBIT_VENUE_ID = 'deribit';

/** The JSON-RPC `error` object: `{code, message, data?}` (spec section 1.3). */
export interface DeribitRpcErrorBody {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/**
 * The venue answered a request with a JSON-RPC error: definite evidence that it refused.
 * Whether that means "rejected" or "try again" is decided by `classify()`, never by the message
 * (the docs' own 13009 sample says `invalid_token` while the table says `unauthorized`).
 */
export class DeribitApiError extends VenueRejectedError {
  /** The numeric JSON-RPC error code, e.g. 10028 or -32602. */
  readonly rpcCode: number;
  /** The venue's short message, e.g. `too_many_requests`. */
  readonly rpcMessage: string;
  /** The venue's `data` (often `{param, reason}`), or undefined. */
  readonly data: unknown;
  /** The JSON-RPC id of the failed request, when the error frame carried one. */
  readonly requestId: number | string | undefined;

  constructor(error: DeribitRpcErrorBody, method?: string, requestId?: number | string) {
    super(DERIBIT_VENUE_ID, String(error.code), describeRpcError(error), method);
    this.rpcCode = error.code;
    this.rpcMessage = error.message;
    this.data = error.data;
    this.requestId = requestId;
  }

  /** `data.param` when the venue named the offending parameter. */
  get param(): string | undefined {
    return readStringField(this.data, 'param');
  }

  /** `data.reason` when the venue gave one (e.g. `instrument is not open`). */
  get reason(): string | undefined {
    return readStringField(this.data, 'reason');
  }
}

/** A Deribit payload did not have the shape or values we rely on; `field` is the path, e.g. `order.filled_amount`. */
export class DeribitParseError extends WirePayloadError {
  constructor(field: string, detail: string) {
    super(DERIBIT_VENUE_ID, field, detail);
  }
}

/** An outbound request cannot be expressed on Deribit (size below minimum, missing trigger price, label too long…). */
export class DeribitRequestError extends DaemonError {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super('ORDER_REQUEST_INVALID', `${DERIBIT_VENUE_ID}: ${field}: ${detail}`);
  }
}

/** The shared error class (see `ErrorClass`); `retryable` here means after a backoff or a re-auth, see `DeribitErrorAction`. */
export type DeribitErrorClass = ErrorClass;

/** What the caller should do about an error besides the classification. */
export type DeribitErrorAction = 'none' | 'backoff' | 'reauth' | 'reconcile' | 'fix_request' | 'refresh_instruments' | 'alert' | 'stop';

export interface DeribitErrorInfo {
  readonly code: number;
  readonly name: string;
  readonly classification: DeribitErrorClass;
  readonly action: DeribitErrorAction;
}

type Row = readonly [code: number, name: string, classification: DeribitErrorClass, action: DeribitErrorAction];

// Spec section 10, one row per code. Codes that mean "definitely not executed, try later" are
// `retryable`; codes where the venue may have acted (internal errors, service timeouts) are `unknown`.
const ROWS: readonly Row[] = [
  [10000, 'authorization_required', 'retryable', 'reauth'],
  // A generic failure: the docs say "retry once", but nothing says the order was not placed.
  [10001, 'error', 'unknown', 'reconcile'],
  [10002, 'qty_too_low', 'rejected', 'fix_request'],
  [10003, 'order_overlap', 'rejected', 'none'],
  [10004, 'order_not_found', 'rejected', 'reconcile'],
  [10005, 'price_too_low', 'rejected', 'fix_request'],
  [10006, 'price_too_low4idx', 'rejected', 'fix_request'],
  [10007, 'price_too_high', 'rejected', 'fix_request'],
  [10009, 'not_enough_funds', 'rejected', 'alert'],
  [10010, 'already_closed', 'rejected', 'reconcile'],
  [10012, 'book_closed', 'rejected', 'refresh_instruments'],
  [10019, 'locked_by_admin', 'rejected', 'alert'],
  [10020, 'invalid_or_unsupported_instrument', 'rejected', 'refresh_instruments'],
  [10021, 'invalid_amount', 'rejected', 'fix_request'],
  [10023, 'invalid_price', 'rejected', 'fix_request'],
  [10026, 'price_precision_exceeded', 'rejected', 'fix_request'],
  [10027, 'non_integer_contract_amount', 'rejected', 'fix_request'],
  // The session may be terminated as well: back off, expect a reconnect, protective orders first.
  [10028, 'too_many_requests', 'retryable', 'backoff'],
  [10029, 'not_owner_of_order', 'rejected', 'none'],
  [10030, 'must_be_websocket_request', 'rejected', 'fix_request'],
  [10034, 'trigger_price_too_high', 'rejected', 'fix_request'],
  [10035, 'trigger_price_too_low', 'rejected', 'fix_request'],
  [10040, 'retry', 'retryable', 'backoff'],
  // Daily settlement pause, a few seconds around 08:00 UTC.
  [10041, 'settlement_in_progress', 'retryable', 'backoff'],
  [10043, 'price_wrong_tick', 'rejected', 'fix_request'],
  [10044, 'trigger_price_wrong_tick', 'rejected', 'fix_request'],
  [10047, 'matching_engine_queue_full', 'retryable', 'backoff'],
  [10049, 'cancel_on_disconnect_failed', 'retryable', 'alert'],
  [11008, 'already_filled', 'rejected', 'reconcile'],
  [11029, 'invalid_arguments', 'rejected', 'fix_request'],
  [11035, 'no_more_triggers', 'rejected', 'alert'],
  [11036, 'invalid_trigger_price', 'rejected', 'fix_request'],
  [11043, 'bad_argument', 'rejected', 'fix_request'],
  [11044, 'not_open_order', 'rejected', 'reconcile'],
  [11049, 'bad_arguments', 'rejected', 'fix_request'],
  [11050, 'bad_request', 'rejected', 'fix_request'],
  [11051, 'system_maintenance', 'retryable', 'alert'],
  [11052, 'subscribe_error_unsubscribed', 'rejected', 'none'],
  [11054, 'post_only_reject', 'rejected', 'none'],
  // "Some unhandled error on server": like an HTTP 5xx, the order may exist.
  [11094, 'internal_server_error', 'unknown', 'reconcile'],
  [12998, 'security_key_authorization_over_limit', 'retryable', 'backoff'],
  [13004, 'invalid_credentials', 'rejected', 'stop'],
  [13009, 'unauthorized', 'retryable', 'reauth'],
  [13019, 'orderbook_closed', 'rejected', 'refresh_instruments'],
  [13020, 'not_found', 'rejected', 'refresh_instruments'],
  [13021, 'forbidden', 'rejected', 'alert'],
  [13025, 'method_switched_off_by_admin', 'rejected', 'alert'],
  // "The requested service is not responding or processing the response takes too long":
  // a timeout inside the venue, so the request may still have been executed.
  [13028, 'temporarily_unavailable', 'unknown', 'reconcile'],
  [13032, 'non_unique_order_label', 'rejected', 'fix_request'],
  [13042, 'cod_not_enabled', 'rejected', 'none'],
  [13403, 'scope_exceeded', 'rejected', 'alert'],
  [13503, 'unavailable', 'retryable', 'backoff'],
  // A queued request withdrawn by a later cancel-all: definite, and not a fault.
  [13666, 'request_cancelled_by_user', 'rejected', 'none'],
  [13777, 'replaced', 'rejected', 'reconcile'],
  [13778, 'raw_subscriptions_not_available_for_unauthorized', 'retryable', 'reauth'],
  // `valid_until` passed before the matching engine started on it: definitely not executed,
  // so a fresh request (new valid_until) is safe.
  [13888, 'timed_out', 'retryable', 'backoff'],
  [13901, 'no_more_oto_orders', 'rejected', 'alert'],
  [-32600, 'request entity too large', 'rejected', 'fix_request'],
  [-32601, 'Method not found', 'rejected', 'fix_request'],
  [-32602, 'Invalid params', 'rejected', 'fix_request'],
  [-32700, 'Parse error', 'rejected', 'fix_request'],
  [-32000, 'Missing params', 'rejected', 'fix_request'],
];

/** Every error code of spec section 10 with its classification and suggested action. */
export const DERIBIT_ERROR_CODES: ReadonlyMap<number, DeribitErrorInfo> = new Map(
  ROWS.map(([code, name, classification, action]) => [code, { code, name, classification, action }]),
);

/** The table entry for a code, or undefined for a code the spec does not list. */
export function errorInfo(code: number): DeribitErrorInfo | undefined {
  return DERIBIT_ERROR_CODES.get(code);
}

/**
 * Classifies any error from a Deribit call. Venue errors go by code (unlisted codes are `unknown`:
 * we cannot tell whether the venue acted). A request that never left (`NOT_CONNECTED`) is
 * `retryable`; every other transport failure (timeout, disconnect, network, 5xx, 429) and any
 * other error is `unknown`.
 */
export function classify(error: unknown): DeribitErrorClass {
  if (error instanceof DeribitApiError) return errorInfo(error.rpcCode)?.classification ?? 'unknown';
  if (error instanceof TransportError) return classifyTransportError(error);
  return 'unknown';
}

/** The suggested follow-up for an error: `reauth` for 13009, `backoff` for 10028, `none` when nothing applies. */
export function errorAction(error: unknown): DeribitErrorAction {
  if (error instanceof DeribitApiError) return errorInfo(error.rpcCode)?.action ?? 'none';
  if (error instanceof TransportError) return error.code === 'NOT_CONNECTED' ? 'none' : 'reconcile';
  return 'none';
}

function codeOf(error: unknown): number | undefined {
  if (error instanceof DeribitApiError) return error.rpcCode;
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number') return error.code;
  return undefined;
}

/**
 * Why a `public/auth` failed, for the operator: `rate_limited` (10028, the account's credits are
 * spent: wait and retry), `credentials` (a bad key, secret, signature or scope: retrying will not
 * help until the operator fixes it), or `transient` (maintenance, unavailable, timeouts: retry).
 */
export type LoginFailureKind = 'rate_limited' | 'transient' | 'credentials';

const CREDENTIAL_CODES: ReadonlySet<number> = new Set([10000, 13004, 13009, 13021, 13403]);

export function classifyLoginError(error: unknown): LoginFailureKind {
  const code = codeOf(error);
  if (code === 10028 || code === 12998) return 'rate_limited';
  if (!(error instanceof DeribitApiError) || code === undefined) return 'transient';
  if (CREDENTIAL_CODES.has(code)) return 'credentials';
  // A definite refusal we have no better word for is about the request we signed: the key.
  return classify(error) === 'rejected' ? 'credentials' : 'transient';
}

/**
 * True for `10028 too_many_requests`: the account's credit pool for that kind of request is empty.
 * The other `backoff` codes (settlement, queue full, `retry`) say nothing about our budget.
 */
export function isRateLimited(error: unknown): boolean {
  return codeOf(error) === 10028;
}

/** True for `10004 order_not_found`: the venue does not know the order id or label. */
export function isOrderNotFound(error: unknown): boolean {
  return codeOf(error) === 10004;
}

/**
 * True when the venue says the order exists but is no longer open: `10010 already_closed`,
 * `11008 already_filled`, `11044 not_open_order`. Reconcile to learn whether it filled or was cancelled.
 */
export function isOrderAlreadyClosed(error: unknown): boolean {
  const code = codeOf(error);
  return code === 10010 || code === 11008 || code === 11044;
}

function readStringField(data: unknown, key: string): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const value: unknown = (data as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

function describeRpcError(error: DeribitRpcErrorBody): string {
  const param = readStringField(error.data, 'param');
  const reason = readStringField(error.data, 'reason');
  const details = [param !== undefined ? `param=${param}` : undefined, reason !== undefined ? `reason=${reason}` : undefined]
    .filter((part): part is string => part !== undefined)
    .join(', ');
  return details === '' ? error.message : `${error.message} (${details})`;
}

/**
 * True for `10034 trigger_price_too_high` / `10035 trigger_price_too_low`: the trigger is already
 * on the wrong side of the market, so the stop or take would fire at once.
 */
export function isImmediateTrigger(error: unknown): boolean {
  const code = codeOf(error);
  return code === 10034 || code === 10035;
}

/** Deribit's code table as the shared error-class → outcome mapping (`commandOutcomeOf`, `cancelOutcomeOf`) reads it. */
export const DERIBIT_ERROR_FACTS: VenueErrorFacts = { classify, isOrderNotFound, wouldTriggerImmediately: isImmediateTrigger };
