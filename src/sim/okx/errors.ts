/**
 * OKX error codes and messages the simulator answers with (okx.md §2, §4, §5, §9, §11), their HTTP
 * statuses, and the mapping from the shared engine's neutral rejection reasons to OKX `sCode`s.
 */
import type { RejectReason } from '../engine/types.js';
import { isNeutralRejection, type OrderRejection, type VenueErrorSpec } from '../faults.js';

/** A top-level failure: the whole request is answered with `code`/`msg` (and HTTP `status`). */
export class OkxError extends Error {
  constructor(
    readonly code: string,
    readonly msg: string,
    readonly status = 200,
  ) {
    super(`${code} ${msg}`);
    this.name = 'OkxError';
  }
}

// ---- REST authentication (HTTP 401, body `{"msg","code"}` without `data`) ----
export const authErrors = {
  /** Demo key without `x-simulated-trading: 1`, or a live key with it. */
  envMismatch: () => new OkxError('50101', 'APIKey does not match current environment.', 401),
  expired: () => new OkxError('50102', 'Timestamp request expired', 401),
  /** okx.md gives 50103–50107 as "auth header missing"; the split below follows the docs' table. */
  keyMissing: () => new OkxError('50103', 'Request header "OK-ACCESS-KEY" can not be empty.', 401),
  passphraseMissing: () => new OkxError('50104', 'Request header "OK-ACCESS-PASSPHRASE" can not be empty.', 401),
  passphraseWrong: () => new OkxError('50105', 'Request header "OK-ACCESS-PASSPHRASE" incorrect.', 401),
  signMissing: () => new OkxError('50106', 'Request header "OK-ACCESS-SIGN" can not be empty.', 401),
  timestampMissing: () => new OkxError('50107', 'Request header "OK-ACCESS-TIMESTAMP" can not be empty.', 401),
  invalidKey: () => new OkxError('50111', 'Invalid OK-ACCESS-KEY', 401),
  invalidTimestamp: () => new OkxError('50112', 'Invalid OK-ACCESS-TIMESTAMP', 401),
  invalidSign: () => new OkxError('50113', 'Invalid Sign', 401),
} as const;

// ---- REST request errors ----
export const requestErrors = {
  emptyBody: () => new OkxError('50000', 'Body can not be empty.', 400),
  badJson: () => new OkxError('50002', 'Json data format error', 400),
  paramEmpty: (name: string) => new OkxError('50014', `Parameter ${name} can not be empty.`, 400),
  param: (name: string) => new OkxError('51000', `Parameter ${name} error`, 400),
  rateLimited: () => new OkxError('50011', 'Too Many Requests', 429),
  instrumentMissing: () => new OkxError('51001', "Instrument ID or Spread ID doesn't exist.", 200),
  orderNotFound: () => new OkxError('51603', 'Order does not exist', 200),
  /** The daemon runs net mode only; switching is refused while the sim keeps net mode. */
  positionModeUnsupported: () => new OkxError('51000', 'Parameter posMode error: the simulator supports net_mode only', 400),
} as const;

/** `msg` of a batch where every item failed (real replies; the docs leave it empty). */
export const ALL_FAILED_MSG = 'All operations failed';

/** A per-item failure (`sCode`/`sMsg` inside a 200). */
export interface ItemError {
  readonly sCode: string;
  readonly sMsg: string;
}

export function itemError(sCode: string, sMsg: string): ItemError {
  return { sCode, sMsg };
}

export const itemErrors = {
  param: (name: string) => itemError('51000', `Parameter ${name} error`),
  paramEmpty: (name: string) => itemError('50014', `Parameter ${name} can not be empty.`),
  instrument: () => itemError('51001', "Instrument ID or Spread ID doesn't exist."),
  duplicateClOrdId: () => itemError('51016', 'Duplicated client order ID'),
  posSideInNetMode: () => itemError('51000', 'Parameter posSide error'),
  tdMode: () => itemError('51000', 'Parameter tdMode error'),
  rateLimited: () => itemError('50011', 'Too Many Requests'),
  cancelFinished: () => itemError('51400', 'Order cancellation failed as the order has been filled, canceled or does not exist.'),
  amendFinished: () => itemError('51503', 'Order modification failed as the order has been filled, canceled or does not exist.'),
  algoNotFound: () => itemError('51400', 'Order cancellation failed as the order has been filled, canceled or does not exist.'),
  noPosition: () => itemError('51023', 'Position does not exist.'),
} as const;

/**
 * OKX code and message per neutral engine rejection (okx.md §6, §11). An exhaustive switch: a reason
 * added to the engine's `RejectReason` does not compile until it is mapped here.
 */
export function rejectionToItem(reason: RejectReason, detail: string): ItemError {
  switch (reason) {
    case 'instrument_not_found':
    case 'instrument_not_open':
      return itemErrors.instrument();
    case 'invalid_amount':
      return itemErrors.param('sz');
    case 'amount_not_multiple':
      return itemError('51121', 'Order quantity must be a multiple of the lot size.');
    case 'qty_too_low':
    case 'notional_too_low':
      return itemError('51020', 'Order quantity is less than the minimum.');
    case 'qty_too_high':
      return itemError('51202', 'Market order amount exceeds the maximum amount.');
    case 'invalid_price':
    case 'price_wrong_tick':
      return itemErrors.param('px');
    case 'trigger_price_wrong_tick':
      return itemErrors.param('triggerPx');
    case 'missing_price':
      return itemErrors.paramEmpty('px');
    case 'missing_trigger':
      return itemErrors.paramEmpty('triggerPx');
    // A trigger on the wrong side of its reference price (okx.md §6: 51046–51053; the sim answers 51053).
    case 'trigger_price_too_high':
      return itemError('51053', `The trigger price must be lower than the current price. ${detail}`.trim());
    case 'trigger_price_too_low':
      return itemError('51053', `The trigger price must be higher than the current price. ${detail}`.trim());
    case 'post_only_reject':
      return itemErrors.param('ordType');
    // Reduce-only with nothing to reduce in that direction (flat, or the position is on the same side).
    case 'reduce_only_would_increase':
    case 'no_position':
      return itemError(
        '51169',
        "Order failed because you don't have any positions in this direction for this contract to reduce or close.",
      );
    case 'not_enough_funds':
      return itemError('51008', 'Order failed. Insufficient USDT margin in account');
    case 'order_not_found':
      return itemError('51603', 'Order does not exist');
    case 'not_open_order':
      return itemErrors.cancelFinished();
    case 'invalid_edit':
      return itemErrors.param('newPx');
    // Fault injection: a refusal of the venue's own (a neutral rejection without a more specific code).
    case 'venue_refused':
      return itemError('51000', detail === '' ? 'Parameter error' : detail);
  }
}

/** The fault injector's rate-limit answer on OKX (`SimFaults.rateLimitNext`). */
export const OKX_RATE_LIMIT_ERROR: VenueErrorSpec = { code: 50011, message: 'Too Many Requests' };

/** An injected order refusal (`SimFaults.rejectNextOrders`) as an `sCode`: a venue error as-is, a neutral reason through `rejectionToItem`. */
export function injectedToItem(rejection: OrderRejection): ItemError {
  if (isNeutralRejection(rejection)) return rejectionToItem(rejection.reason, rejection.message ?? '');
  return itemError(String(rejection.code), rejection.message);
}

// ---- WebSocket (event frames `{"event":"error","code","msg","connId"}`) ----
export const wsErrors = {
  badRequest: (text: string) => ({ code: '60012', msg: `Invalid request: ${text}` }),
  badArgs: (detail: string) => ({ code: '60013', msg: `Invalid args: ${detail}` }),
  pleaseLogIn: () => ({ code: '60011', msg: 'Please log in' }),
  tooFrequent: () => ({ code: '60014', msg: 'Requests too frequent' }),
  loginTimestampFormat: () => ({ code: '60004', msg: 'Invalid timestamp' }),
  loginInvalidKey: () => ({ code: '60005', msg: 'Invalid apiKey' }),
  loginExpired: () => ({ code: '60006', msg: 'Timestamp request expired' }),
  loginInvalidSign: () => ({ code: '60007', msg: 'Invalid sign' }),
  loginFailed: () => ({ code: '60009', msg: 'Login failed.' }),
  loginWrongPassphrase: () => ({ code: '60024', msg: 'Wrong passphrase' }),
  loginRepeated: () => ({ code: '60031', msg: 'The WS login is not allowed repeatedly' }),
  unknownChannel: (detail: string) => ({
    code: '60018',
    msg: `Wrong URL or channel:${detail} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`,
  }),
  movedToBusiness: (channel: string) => ({
    code: '64001',
    msg: `This channel has been migrated to the '/business' URL. Please subscribe using the new URL. channel:${channel}`,
  }),
  notOnBusiness: (channel: string) => ({
    code: '64002',
    msg: `This channel is not supported by "business" URL. Please use "private" URL(for private channels), or "public" URL(for public channels). channel:${channel}`,
  }),
  wrongEndpoint: (channel: string) => ({
    code: '60008',
    msg: `The current WebSocket endpoint does not support subscribing to ${channel} channels. Please check the WebSocket URL`,
  }),
} as const;

/** Close frames (okx.md §3). */
export const CLOSE_IDLE = { code: 4004, reason: 'No data received in 30s.' } as const;
