/** Bybit v5 string unions (spec 5, 6, 10) and explicit maps to the domain enums: order status, side, order type, trigger reference, category. */
import type { OrderStatus, OrderType, Side, TimeInForce, TriggerReference } from '../../domain/order.js';

export const BYBIT_CATEGORIES = ['linear', 'inverse'] as const;
export type BybitCategory = (typeof BYBIT_CATEGORIES)[number];

export const BYBIT_SIDES = ['Buy', 'Sell'] as const;
export type BybitSide = (typeof BYBIT_SIDES)[number];

export const BYBIT_ORDER_TYPES = ['Market', 'Limit'] as const;
export type BybitOrderType = (typeof BYBIT_ORDER_TYPES)[number];

/**
 * Every order status of spec 5, including `PartiallyFilledCanceled` (spot) and the pre-2024
 * `Created`/`Active` kept defensively.
 */
export const BYBIT_ORDER_STATUSES = [
  'Created',
  'New',
  'PartiallyFilled',
  'Untriggered',
  'Triggered',
  'Active',
  'Filled',
  'Cancelled',
  'PartiallyFilledCanceled',
  'Rejected',
  'Deactivated',
] as const;
export type BybitOrderStatus = (typeof BYBIT_ORDER_STATUSES)[number];

export const BYBIT_TRIGGER_BY = ['LastPrice', 'MarkPrice', 'IndexPrice'] as const;
export type BybitTriggerBy = (typeof BYBIT_TRIGGER_BY)[number];

export const BYBIT_TIME_IN_FORCE = ['GTC', 'IOC', 'FOK', 'PostOnly'] as const;
export type BybitTimeInForce = (typeof BYBIT_TIME_IN_FORCE)[number];

/** `execType` values that are trades on the order book (a fill of one of our orders); Funding, Settle, ... are not. */
export const BYBIT_FILL_EXEC_TYPES: ReadonlySet<string> = new Set(['Trade', 'AdlTrade', 'BustTrade', 'BlockTrade']);

export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

/**
 * Venue status → domain status. `Created` is pending; `Active` (old final state of a triggered
 * conditional) and `Triggered` are `triggered`; `PartiallyFilledCanceled` and `Deactivated` are
 * `cancelled` (the filled part is read from `cumExecQty`, never from the status).
 */
export function orderStatusFromVenue(status: BybitOrderStatus): OrderStatus {
  switch (status) {
    case 'Created':
      return 'pending';
    case 'New':
      return 'open';
    case 'PartiallyFilled':
      return 'partially_filled';
    case 'Untriggered':
      return 'untriggered';
    case 'Triggered':
    case 'Active':
      return 'triggered';
    case 'Filled':
      return 'filled';
    case 'Cancelled':
    case 'PartiallyFilledCanceled':
    case 'Deactivated':
      return 'cancelled';
    case 'Rejected':
      return 'rejected';
  }
}

export function sideFromVenue(side: BybitSide): Side {
  return side === 'Buy' ? 'buy' : 'sell';
}

export function sideToVenue(side: Side): BybitSide {
  return side === 'buy' ? 'Buy' : 'Sell';
}

/**
 * The domain order type from the venue's `orderType` plus what makes it conditional: a trigger
 * price (or a `stopOrderType`) turns Market/Limit into a stop or take. `isTake` comes from the
 * `stopOrderType` (`TakeProfit`, `PartialTakeProfit`) or from the trigger direction vs side.
 */
export function orderTypeFromVenue(orderType: BybitOrderType, conditional: boolean, isTake: boolean): OrderType {
  if (!conditional) return orderType === 'Market' ? 'market' : 'limit';
  if (isTake) return orderType === 'Market' ? 'take_market' : 'take_limit';
  return orderType === 'Market' ? 'stop_market' : 'stop_limit';
}

export function triggerToVenue(trigger: TriggerReference | undefined): BybitTriggerBy {
  switch (trigger) {
    case 'last':
      return 'LastPrice';
    case 'index':
      return 'IndexPrice';
    case 'mark':
    case undefined:
      return 'MarkPrice';
  }
}

export function triggerFromVenue(triggerBy: string): TriggerReference | undefined {
  switch (triggerBy) {
    case 'LastPrice':
      return 'last';
    case 'MarkPrice':
      return 'mark';
    case 'IndexPrice':
      return 'index';
    default:
      return undefined;
  }
}

/** Domain time in force → the venue's; `gtd` has no Bybit equivalent (undefined: the caller refuses it). */
export function timeInForceToVenue(tif: TimeInForce | undefined, postOnly: boolean): BybitTimeInForce | undefined {
  if (postOnly) return 'PostOnly';
  switch (tif) {
    case undefined:
    case 'gtc':
      return 'GTC';
    case 'ioc':
      return 'IOC';
    case 'fok':
      return 'FOK';
    case 'gtd':
      return undefined;
  }
}

/**
 * `triggerDirection` for a conditional order: 1 = fires when the price rises to the trigger,
 * 2 = when it falls to it. A sell stop (protecting a long) fires on a fall; a sell take-profit on
 * a rise; mirrored for buys.
 */
export function triggerDirectionFor(side: Side, kind: 'stop' | 'take'): 1 | 2 {
  if (kind === 'stop') return side === 'sell' ? 2 : 1;
  return side === 'sell' ? 1 : 2;
}
