/**
 * Bybit v5 retCodes and messages the simulator answers with (bybit.md §2, §3, §6, §7, §9, §11), and
 * the mapping from the shared engine's neutral rejection reasons to them (one exhaustive switch).
 */
import type { RejectReason } from '../engine/types.js';
import { isNeutralRejection, type OrderRejection, type VenueErrorSpec } from '../faults.js';

/** A failed request: answered with `retCode`/`retMsg` (HTTP `status`, normally 200). */
export class BybitError extends Error {
  constructor(
    readonly retCode: number,
    readonly retMsg: string,
    readonly status = 200,
  ) {
    super(`${retCode} ${retMsg}`);
    this.name = 'BybitError';
  }
}

export const authErrors = {
  /** No `X-BAPI-API-KEY` (or sign/timestamp) at all: HTTP 401 (bybit.md §11). */
  missingHeaders: () => new BybitError(10003, 'API key is invalid.', 401),
  invalidKey: () => new BybitError(10003, 'API key is invalid.'),
  outsideWindow: (reqTs: string, serverTs: number, window: number) =>
    new BybitError(
      10002,
      `invalid request, please check your server timestamp or recv_window param. req_timestamp[${reqTs}],server_timestamp[${serverTs}],recv_window[${window}]`,
    ),
  badSign: (origin: string) => new BybitError(10004, `error sign! origin_string[${origin}]`),
} as const;

export const requestErrors = {
  param: (detail: string) => new BybitError(10001, detail),
  badJson: () => new BybitError(10001, 'Request parameter error.'),
  rateLimited: () => new BybitError(10006, 'Too many visits!'),
  routeNotFound: () => new BybitError(10017, 'route not found', 404),
  /** An unexpected failure inside the simulator (the venue's "server error"). */
  internal: () => new BybitError(10016, 'Internal server error.'),
  positionIdx: () => new BybitError(10001, 'position idx not match position mode'),
  duplicateLinkId: () => new BybitError(110072, 'OrderLinkedID is duplicate'),
  orderNotFound: () => new BybitError(110001, 'order not exists or too late to cancel'),
  noPositionForStop: () => new BybitError(10001, 'can not set tp/sl/ts for zero position'),
  notModified: () => new BybitError(34040, 'not modified'),
  reduceOnlyZero: () => new BybitError(110017, 'orderQty will be truncated to zero.'),
  leverageNotModified: () => new BybitError(110043, 'Set leverage not modified'),
  positionModeNotModified: () => new BybitError(110025, 'Position mode is not modified'),
  oneWayOnly: () => new BybitError(10001, 'params error: the simulator supports one-way mode (mode 0) only'),
} as const;

/**
 * retCode and retMsg per neutral engine rejection. Exhaustive: a reason added to the engine's
 * `RejectReason` does not compile until it is mapped here.
 */
export function rejectionToError(reason: RejectReason, detail: string): BybitError {
  switch (reason) {
    case 'instrument_not_found':
    case 'instrument_not_open':
      return new BybitError(10001, 'params error: symbol invalid');
    case 'invalid_amount':
    case 'amount_not_multiple':
      return new BybitError(10001, 'Qty invalid');
    case 'qty_too_low':
      return new BybitError(10001, 'The number of contracts exceeds minimum limit allowed');
    case 'qty_too_high':
      return new BybitError(10001, 'The number of contracts exceeds maximum limit allowed');
    case 'notional_too_low':
      return new BybitError(110094, 'Order does not meet minimum order value 5USDT');
    case 'invalid_price':
    case 'price_wrong_tick':
      return new BybitError(10001, 'Price invalid');
    case 'trigger_price_wrong_tick':
      return new BybitError(10001, 'TriggerPrice invalid');
    case 'missing_price':
      return new BybitError(10001, 'Missing some parameters that must be filled in, price');
    case 'missing_trigger':
      return new BybitError(10001, 'Missing some parameters that must be filled in, triggerPrice');
    // A rising trigger at or below the reference, a falling one at or above it (bybit.md §6).
    case 'trigger_price_too_low':
      return new BybitError(110092, `expect Rising, but trigger_price[${detail}] ≤ current`);
    case 'trigger_price_too_high':
      return new BybitError(110093, `expect Falling, but trigger_price[${detail}] ≥ current`);
    case 'post_only_reject':
      return new BybitError(10001, 'PostOnly order will take liquidity');
    case 'reduce_only_would_increase':
    case 'no_position':
      return requestErrors.reduceOnlyZero();
    case 'not_enough_funds':
      return new BybitError(110007, 'ab not enough for new order');
    case 'order_not_found':
    case 'not_open_order':
      return requestErrors.orderNotFound();
    case 'invalid_edit':
      return new BybitError(10001, 'params error: the order can not be amended this way');
    // Fault injection: a refusal of the venue's own.
    case 'venue_refused':
      return new BybitError(10001, detail === '' ? 'params error' : detail);
  }
}

/** The fault injector's rate-limit answer on Bybit (`SimFaults.rateLimitNext`). */
export const BYBIT_RATE_LIMIT_ERROR: VenueErrorSpec = { code: 10006, message: 'Too many visits!' };

/** An injected order refusal (`SimFaults.rejectNextOrders`): a venue error as-is, a neutral reason through `rejectionToError`. */
export function injectedToError(rejection: OrderRejection): BybitError {
  if (isNeutralRejection(rejection)) return rejectionToError(rejection.reason, rejection.message ?? '');
  return new BybitError(rejection.code, rejection.message);
}

/** Trade-stream (`/v5/trade`) codes (bybit.md §3, §6). */
export const tradeWsErrors = {
  repeatAuth: () => new BybitError(20001, 'Repeat auth'),
  invalidSign: () => new BybitError(10004, 'Invalid sign'),
  params: () => new BybitError(10001, 'Params Error'),
  invalidKey: () => new BybitError(10003, 'Invalid apikey'),
  notAuthed: () => new BybitError(10003, 'Request not authorized'),
  unknownOp: (op: string) => new BybitError(10404, `op:${op} is not supported`),
  duplicateReqId: () => new BybitError(20006, 'reqId is duplicate'),
} as const;
