/** Deribit string unions and explicit maps to domain enums: strict for order/fill/position state, lenient for descriptive fields. */
import type { InstrumentKind } from '../../domain/instrument.js';
import type { OrderStatus, OrderType, Side, TimeInForce, TriggerReference } from '../../domain/order.js';
import { DeribitParseError } from './errors.js';

/** Compile-time exhaustiveness guard: a new union member makes the call site fail to type-check. */
export function neverGuard(value: never, field: string): never {
  throw new DeribitParseError(field, `unhandled value ${JSON.stringify(value)}`);
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

// ---- order_state (strict) -------------------------------------------------------------------

export const DERIBIT_ORDER_STATES = ['open', 'filled', 'rejected', 'cancelled', 'untriggered', 'triggered'] as const;
export type DeribitOrderState = (typeof DERIBIT_ORDER_STATES)[number];

/**
 * Maps `order_state` to the domain status. `open` stays `open` here; the parser turns it into
 * `partially_filled` when `filled_amount` > 0. The trigger-order history reports `rejected:<reason>`,
 * which maps to `rejected`. Anything else throws, naming `field`.
 */
export function orderStatusFromVenue(state: string, field: string): OrderStatus {
  const base = state.startsWith('rejected:') ? 'rejected' : state;
  if (!isOneOf(DERIBIT_ORDER_STATES, base)) throw new DeribitParseError(field, `unknown order state ${JSON.stringify(state)}`);
  switch (base) {
    case 'open':
      return 'open';
    case 'filled':
      return 'filled';
    case 'rejected':
      return 'rejected';
    case 'cancelled':
      return 'cancelled';
    case 'untriggered':
      return 'untriggered';
    case 'triggered':
      return 'triggered';
    default:
      return neverGuard(base, field);
  }
}

// ---- order_type (strict) --------------------------------------------------------------------

export const DERIBIT_ORDER_TYPES = [
  'limit',
  'market',
  'market_limit',
  'stop_limit',
  'stop_market',
  'take_limit',
  'take_market',
  'trailing_stop',
] as const;
export type DeribitOrderType = (typeof DERIBIT_ORDER_TYPES)[number];

/** The order types this adapter sends (`market_limit` and `trailing_stop` are never sent). */
export type DeribitOutboundOrderType = Exclude<DeribitOrderType, 'market_limit' | 'trailing_stop'>;

/**
 * Maps `order_type` to the domain type. `market_limit` (a market order whose remainder rests as a
 * limit) maps to `market`. `trailing_stop` has no domain equivalent and throws, naming `field`.
 */
export function orderTypeFromVenue(type: string, field: string): OrderType {
  if (!isOneOf(DERIBIT_ORDER_TYPES, type)) throw new DeribitParseError(field, `unknown order type ${JSON.stringify(type)}`);
  switch (type) {
    case 'limit':
      return 'limit';
    case 'market':
    case 'market_limit':
      return 'market';
    case 'stop_limit':
      return 'stop_limit';
    case 'stop_market':
      return 'stop_market';
    case 'take_limit':
      return 'take_limit';
    case 'take_market':
      return 'take_market';
    case 'trailing_stop':
      throw new DeribitParseError(field, 'trailing_stop orders have no domain order type');
    default:
      return neverGuard(type, field);
  }
}

/** Maps a domain order type to the `type` param of `private/buy|sell`. */
export function orderTypeToVenue(type: OrderType): DeribitOutboundOrderType {
  switch (type) {
    case 'market':
      return 'market';
    case 'limit':
      return 'limit';
    case 'stop_market':
      return 'stop_market';
    case 'stop_limit':
      return 'stop_limit';
    case 'take_market':
      return 'take_market';
    case 'take_limit':
      return 'take_limit';
    default:
      return neverGuard(type, 'type');
  }
}

// ---- trigger (strict) -----------------------------------------------------------------------

export const DERIBIT_TRIGGERS = ['index_price', 'mark_price', 'last_price'] as const;
export type DeribitTrigger = (typeof DERIBIT_TRIGGERS)[number];

/** Maps `trigger` to the domain reference; unknown values throw, naming `field`. */
export function triggerFromVenue(trigger: string, field: string): TriggerReference {
  if (!isOneOf(DERIBIT_TRIGGERS, trigger)) throw new DeribitParseError(field, `unknown trigger ${JSON.stringify(trigger)}`);
  switch (trigger) {
    case 'index_price':
      return 'index';
    case 'mark_price':
      return 'mark';
    case 'last_price':
      return 'last';
    default:
      return neverGuard(trigger, field);
  }
}

/** Maps a domain trigger reference to the `trigger` param. */
export function triggerToVenue(trigger: TriggerReference): DeribitTrigger {
  switch (trigger) {
    case 'index':
      return 'index_price';
    case 'mark':
      return 'mark_price';
    case 'last':
      return 'last_price';
    default:
      return neverGuard(trigger, 'trigger');
  }
}

// ---- time_in_force (strict) -----------------------------------------------------------------

export const DERIBIT_TIME_IN_FORCE = ['good_til_cancelled', 'good_til_day', 'fill_or_kill', 'immediate_or_cancel'] as const;
export type DeribitTimeInForce = (typeof DERIBIT_TIME_IN_FORCE)[number];

/**
 * Maps `time_in_force` to the domain value. Deribit's `good_til_day` (ends at the next 08:00 UTC)
 * is the only "good till" variant it has, so it maps to `gtd`.
 */
export function timeInForceFromVenue(tif: string, field: string): TimeInForce {
  if (!isOneOf(DERIBIT_TIME_IN_FORCE, tif)) throw new DeribitParseError(field, `unknown time_in_force ${JSON.stringify(tif)}`);
  switch (tif) {
    case 'good_til_cancelled':
      return 'gtc';
    case 'good_til_day':
      return 'gtd';
    case 'fill_or_kill':
      return 'fok';
    case 'immediate_or_cancel':
      return 'ioc';
    default:
      return neverGuard(tif, field);
  }
}

/** Maps a domain time-in-force to the `time_in_force` param (`gtd` → `good_til_day`, next 08:00 UTC). */
export function timeInForceToVenue(tif: TimeInForce): DeribitTimeInForce {
  switch (tif) {
    case 'gtc':
      return 'good_til_cancelled';
    case 'gtd':
      return 'good_til_day';
    case 'fok':
      return 'fill_or_kill';
    case 'ioc':
      return 'immediate_or_cancel';
    default:
      return neverGuard(tif, 'time_in_force');
  }
}

// ---- direction (strict) ---------------------------------------------------------------------

export const DERIBIT_DIRECTIONS = ['buy', 'sell'] as const;
export type DeribitDirection = (typeof DERIBIT_DIRECTIONS)[number];

/** Maps an order/trade `direction` to the domain side; anything else throws, naming `field`. */
export function sideFromVenue(direction: string, field: string): Side {
  if (!isOneOf(DERIBIT_DIRECTIONS, direction)) throw new DeribitParseError(field, `unknown direction ${JSON.stringify(direction)}`);
  switch (direction) {
    case 'buy':
      return 'buy';
    case 'sell':
      return 'sell';
    default:
      return neverGuard(direction, field);
  }
}

/** Maps a domain side to the RPC method that places it. */
export function sideToMethod(side: Side): 'private/buy' | 'private/sell' {
  switch (side) {
    case 'buy':
      return 'private/buy';
    case 'sell':
      return 'private/sell';
    default:
      return neverGuard(side, 'side');
  }
}

export const DERIBIT_POSITION_DIRECTIONS = ['buy', 'sell', 'zero'] as const;
export type DeribitPositionDirection = (typeof DERIBIT_POSITION_DIRECTIONS)[number];

/** Maps a position `direction` to the sign of the net position: buy 1, sell -1, zero 0. Strict. */
export function positionSignFromVenue(direction: string, field: string): 1 | -1 | 0 {
  if (!isOneOf(DERIBIT_POSITION_DIRECTIONS, direction)) {
    throw new DeribitParseError(field, `unknown position direction ${JSON.stringify(direction)}`);
  }
  switch (direction) {
    case 'buy':
      return 1;
    case 'sell':
      return -1;
    case 'zero':
      return 0;
    default:
      return neverGuard(direction, field);
  }
}

// ---- liquidity (lenient) --------------------------------------------------------------------

/** Maps a trade's `liquidity` (`M` maker, `T` taker); anything else, e.g. liquidation `MT`, is `unknown`. */
export function liquidityFromVenue(liquidity: string | undefined): 'maker' | 'taker' | 'unknown' {
  if (liquidity === 'M') return 'maker';
  if (liquidity === 'T') return 'taker';
  return 'unknown';
}

// ---- instrument kind / settlement period / lifecycle (lenient) ------------------------------

export const DERIBIT_KINDS = ['future', 'option', 'spot', 'future_combo', 'option_combo'] as const;
export type DeribitKind = (typeof DERIBIT_KINDS)[number];

export const DERIBIT_SETTLEMENT_PERIODS = ['perpetual', 'month', 'week', 'day'] as const;
export type DeribitSettlementPeriod = (typeof DERIBIT_SETTLEMENT_PERIODS)[number] | 'unknown';

/** Maps `settlement_period`; values outside the known set (the docs enum lacks `day`) become `unknown`. */
export function settlementPeriodFromVenue(period: string | undefined): DeribitSettlementPeriod {
  return period !== undefined && isOneOf(DERIBIT_SETTLEMENT_PERIODS, period) ? period : 'unknown';
}

/**
 * Maps `kind` plus `settlement_period` to the domain kind. A `future` is a perpetual when its
 * settlement period is `perpetual` (or, without one, when the name ends in `-PERPETUAL`).
 * Combos and unknown kinds return `unknown`.
 */
export function instrumentKindFromVenue(
  kind: string,
  settlementPeriod: string | undefined,
  instrumentName: string,
): InstrumentKind | 'unknown' {
  if (!isOneOf(DERIBIT_KINDS, kind)) return 'unknown';
  switch (kind) {
    case 'future': {
      const period = settlementPeriodFromVenue(settlementPeriod);
      if (period === 'perpetual') return 'perpetual';
      if (period === 'unknown' && instrumentName.endsWith('-PERPETUAL')) return 'perpetual';
      return 'future';
    }
    case 'option':
      return 'option';
    case 'spot':
      return 'spot';
    case 'future_combo':
    case 'option_combo':
      return 'unknown';
    default:
      return neverGuard(kind, 'instrument.kind');
  }
}

/** Coarse book lifecycle: trading, not yet trading, temporarily stopped, finished, or unrecognised. */
export type DeribitInstrumentLifecycle = 'open' | 'pending' | 'paused' | 'closed' | 'unknown';

/**
 * Maps a book/instrument `state` (the Jan 2026 set and the older `instrument.state` set) to a
 * coarse lifecycle. Unrecognised values return `unknown`.
 */
export function instrumentLifecycleFromVenue(state: string | undefined): DeribitInstrumentLifecycle {
  switch (state) {
    case 'open':
    case 'started':
      return 'open';
    case 'created':
      return 'pending';
    case 'locked':
    case 'halted':
      return 'paused';
    case 'settlement':
    case 'delivered':
    case 'inactive':
    case 'archivized':
    case 'settled':
    case 'closed':
    case 'deactivated':
    case 'terminated':
      return 'closed';
    default:
      return 'unknown';
  }
}
