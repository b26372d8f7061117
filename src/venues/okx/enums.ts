/** OKX string unions and explicit maps to domain enums: strict for order/algo/fill state and sides, lenient for descriptive fields. */
import type { InstrumentKind } from '../../domain/instrument.js';
import type { OrderStatus, OrderType, Side, TriggerReference } from '../../domain/order.js';
import { OkxParseError } from './errors.js';

/** Compile-time exhaustiveness guard: a new union member makes the call site fail to type-check. */
export function neverGuard(value: never, field: string): never {
  throw new OkxParseError(field, `unhandled value ${JSON.stringify(value)}`);
}

export function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

// ---- order state (strict) -------------------------------------------------------------------

export const OKX_ORDER_STATES = ['live', 'partially_filled', 'filled', 'canceled', 'mmp_canceled'] as const;
export type OkxOrderState = (typeof OKX_ORDER_STATES)[number];

/** Terminal order states: filled, canceled, mmp_canceled (canceled ones can carry `accFillSz` > 0). */
export function isTerminalOrderState(state: OkxOrderState): boolean {
  return state === 'filled' || state === 'canceled' || state === 'mmp_canceled';
}

/**
 * Maps `state` to the domain status. `live` is `open`; the parser keeps `partially_filled` as
 * sent. `mmp_canceled` is `cancelled`. Anything else throws, naming `field`.
 */
export function orderStatusFromVenue(state: string, field: string): OrderStatus {
  if (!isOneOf(OKX_ORDER_STATES, state)) throw new OkxParseError(field, `unknown order state ${JSON.stringify(state)}`);
  switch (state) {
    case 'live':
      return 'open';
    case 'partially_filled':
      return 'partially_filled';
    case 'filled':
      return 'filled';
    case 'canceled':
    case 'mmp_canceled':
      return 'cancelled';
    default:
      return neverGuard(state, field);
  }
}

// ---- algo state (strict) --------------------------------------------------------------------

export const OKX_ALGO_STATES = [
  'live',
  'pause',
  'effective',
  'partially_effective',
  'canceled',
  'order_failed',
  'partially_failed',
] as const;
export type OkxAlgoState = (typeof OKX_ALGO_STATES)[number];

/**
 * Maps an algo `state` to the domain status of the stop/take leg: `live`/`pause` are
 * `untriggered` (waiting), `effective`/`partially_effective` are `triggered` (the child order was
 * placed: follow it through `ordIdList` on the `orders` channel), `canceled` is `cancelled`,
 * `order_failed`/`partially_failed` are `rejected` (see `failCode`). Anything else throws.
 */
export function algoStatusFromVenue(state: string, field: string): OrderStatus {
  if (!isOneOf(OKX_ALGO_STATES, state)) throw new OkxParseError(field, `unknown algo state ${JSON.stringify(state)}`);
  switch (state) {
    case 'live':
    case 'pause':
      return 'untriggered';
    case 'effective':
    case 'partially_effective':
      return 'triggered';
    case 'canceled':
      return 'cancelled';
    case 'order_failed':
    case 'partially_failed':
      return 'rejected';
    default:
      return neverGuard(state, field);
  }
}

// ---- side / posSide (strict) ----------------------------------------------------------------

export const OKX_SIDES = ['buy', 'sell'] as const;
export type OkxSide = (typeof OKX_SIDES)[number];

/** Maps `side`; anything else throws, naming `field`. */
export function sideFromVenue(side: string, field: string): Side {
  if (!isOneOf(OKX_SIDES, side)) throw new OkxParseError(field, `unknown side ${JSON.stringify(side)}`);
  return side;
}

export const OKX_POS_SIDES = ['net', 'long', 'short'] as const;
export type OkxPosSide = (typeof OKX_POS_SIDES)[number];

/** Maps `posSide`; `""` (spot records) reads as `net`. Anything else throws. */
export function posSideFromVenue(posSide: string, field: string): OkxPosSide {
  if (posSide === '') return 'net';
  if (!isOneOf(OKX_POS_SIDES, posSide)) throw new OkxParseError(field, `unknown posSide ${JSON.stringify(posSide)}`);
  return posSide;
}

// ---- ordType ---------------------------------------------------------------------------------

export const OKX_ORDER_TYPES = [
  'market',
  'limit',
  'post_only',
  'fok',
  'ioc',
  'optimal_limit_ioc',
  'mmp',
  'mmp_and_post_only',
  'rpi',
  'elp',
] as const;
export type OkxOrderType = (typeof OKX_ORDER_TYPES)[number];

/** The ordTypes this adapter sends on `trade/order`. */
export type OkxOutboundOrderType = 'market' | 'limit' | 'post_only' | 'fok' | 'ioc';

/**
 * Maps an order-book `ordType` to the domain type: `market` and `optimal_limit_ioc` are market;
 * every priced type (limit, post_only, fok, ioc, mmp…) is limit. Unknown values throw.
 */
export function orderTypeFromVenue(ordType: string, field: string): OrderType {
  if (!isOneOf(OKX_ORDER_TYPES, ordType)) throw new OkxParseError(field, `unknown ordType ${JSON.stringify(ordType)}`);
  switch (ordType) {
    case 'market':
    case 'optimal_limit_ioc':
      return 'market';
    case 'limit':
    case 'post_only':
    case 'fok':
    case 'ioc':
    case 'mmp':
    case 'mmp_and_post_only':
    case 'rpi':
    case 'elp':
      return 'limit';
    default:
      return neverGuard(ordType, field);
  }
}

export const OKX_ALGO_ORDER_TYPES = [
  'conditional',
  'oco',
  'trigger',
  'move_order_stop',
  'chase',
  'twap',
  'iceberg',
  'smart_iceberg',
] as const;
export type OkxAlgoOrderType = (typeof OKX_ALGO_ORDER_TYPES)[number];

/** Maps an algo `ordType`; unknown values throw. */
export function algoOrderTypeFromVenue(ordType: string, field: string): OkxAlgoOrderType {
  if (!isOneOf(OKX_ALGO_ORDER_TYPES, ordType)) throw new OkxParseError(field, `unknown algo ordType ${JSON.stringify(ordType)}`);
  return ordType;
}

// ---- tdMode / position mode -----------------------------------------------------------------

export const OKX_TD_MODES = ['cross', 'isolated', 'cash', 'spot_isolated'] as const;
export type OkxTdMode = (typeof OKX_TD_MODES)[number];

export const OKX_POS_MODES = ['net_mode', 'long_short_mode'] as const;
export type OkxPosMode = (typeof OKX_POS_MODES)[number];

// ---- trigger price type (strict) ------------------------------------------------------------

export const OKX_TRIGGER_PX_TYPES = ['last', 'index', 'mark'] as const;
export type OkxTriggerPxType = (typeof OKX_TRIGGER_PX_TYPES)[number];

/** Maps `*TriggerPxType`; `""` (not set) → undefined, unknown values throw. */
export function triggerFromVenue(value: string, field: string): TriggerReference | undefined {
  if (value === '') return undefined;
  if (!isOneOf(OKX_TRIGGER_PX_TYPES, value)) throw new OkxParseError(field, `unknown trigger price type ${JSON.stringify(value)}`);
  return value;
}

/** The domain trigger reference is OKX's `*TriggerPxType` word for word. */
export function triggerToVenue(trigger: TriggerReference): OkxTriggerPxType {
  return trigger;
}

// ---- instType / instrument state (lenient) --------------------------------------------------

export const OKX_INST_TYPES = ['SPOT', 'MARGIN', 'SWAP', 'FUTURES', 'OPTION', 'EVENTS'] as const;
export type OkxInstType = (typeof OKX_INST_TYPES)[number];

/** Maps `instType` to the domain kind; MARGIN trades the spot pair; EVENTS and unknown types are `unknown`. */
export function instrumentKindFromVenue(instType: string): InstrumentKind | 'unknown' {
  switch (instType) {
    case 'SPOT':
    case 'MARGIN':
      return 'spot';
    case 'SWAP':
      return 'perpetual';
    case 'FUTURES':
      return 'future';
    case 'OPTION':
      return 'option';
    default:
      return 'unknown';
  }
}

export const OKX_INSTRUMENT_STATES = ['live', 'suspend', 'preopen', 'post_only', 'rebase', 'test', 'settling'] as const;

/** Only `live` instruments are traded (spec 10); `post_only`, `preopen`, `suspend`… are not. */
export function isTradableState(state: string): boolean {
  return state === 'live';
}

// ---- execType / cancelSource / source (lenient) ---------------------------------------------

/** Maps `execType` (`T` taker, `M` maker); anything else (`""`) is `unknown`. */
export function liquidityFromVenue(execType: string | undefined): 'maker' | 'taker' | 'unknown' {
  if (execType === 'M') return 'maker';
  if (execType === 'T') return 'taker';
  return 'unknown';
}

const CANCEL_SOURCES: Readonly<Record<string, string>> = {
  '0': 'canceled by system',
  '1': 'canceled by user',
  '3': 'canceled: risk (pre-reduce)',
  '6': 'canceled: ADL',
  '7': 'canceled: delivery/expiry',
  '13': 'FOK not filled',
  '14': 'IOC remainder canceled',
  '15': 'price outside the price limit',
  '20': 'cancel-all-after fired',
  '21': 'TP/SL canceled because the position closed',
  '31': 'post-only would take',
  '32': 'self-trade prevention',
};

/** A readable reason for a `cancelSource` code (unknown codes are kept as `cancelSource <n>`); undefined for `""`. */
export function cancelReasonFromVenue(cancelSource: string): string | undefined {
  if (cancelSource === '') return undefined;
  return CANCEL_SOURCES[cancelSource] ?? `cancelSource ${cancelSource}`;
}

/** `source` values that mean the order was spawned by an algo: 6 trigger, 7 TP/SL, 13 other algo, 25 trailing stop, 34 chase. */
export function isAlgoSpawned(source: string): boolean {
  return source === '6' || source === '7' || source === '13' || source === '25' || source === '34';
}
