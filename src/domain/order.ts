/**
 * Orders, venue-neutral: sides, types, lifecycle states, the request to send and the snapshot a
 * venue reports.
 */
import type { Decimal } from './decimal.js';

export type Side = 'buy' | 'sell';
export type OrderType = 'market' | 'limit' | 'stop_market' | 'stop_limit' | 'take_market' | 'take_limit';
export type TriggerReference = 'mark' | 'last' | 'index';
export type TimeInForce = 'gtc' | 'ioc' | 'fok' | 'gtd';

/**
 * Order lifecycle. `untriggered` is a resting trigger (stop/take) order; `triggered` means the
 * trigger fired and the spawned order is working. Terminal: filled, cancelled, rejected.
 */
export type OrderStatus = 'pending' | 'untriggered' | 'open' | 'partially_filled' | 'triggered' | 'filled' | 'cancelled' | 'rejected';

export const TERMINAL_ORDER_STATUSES: ReadonlySet<OrderStatus> = new Set(['filled', 'cancelled', 'rejected']);

export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL_ORDER_STATUSES.has(status);
}

export function oppositeSide(side: Side): Side {
  return side === 'buy' ? 'sell' : 'buy';
}

export function isTriggerType(type: OrderType): boolean {
  return type === 'stop_market' || type === 'stop_limit' || type === 'take_market' || type === 'take_limit';
}

/** Venue-neutral description of an order to send. Sizes are in the instrument's venue unit. */
export interface OrderRequest {
  readonly clientId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly size: Decimal;
  readonly price?: Decimal;
  readonly triggerPrice?: Decimal;
  readonly trigger?: TriggerReference;
  readonly reduceOnly: boolean;
  readonly postOnly?: boolean;
  readonly timeInForce?: TimeInForce;
  /**
   * Protective orders (stop-loss, emergency close, cancels of orphans) jump the venue's
   * rate-limit queue ahead of new entries.
   */
  readonly priority?: 'protective' | 'normal';
}

/** What the venue says about an order right now. */
export interface OrderSnapshot {
  readonly venue: string;
  readonly venueOrderId: string;
  /** Our client id / label, when the venue echoes one. */
  readonly clientId?: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly status: OrderStatus;
  readonly size: Decimal;
  readonly filledSize: Decimal;
  readonly avgFillPrice?: Decimal;
  readonly price?: Decimal;
  readonly triggerPrice?: Decimal;
  readonly reduceOnly: boolean;
  readonly cancelReason?: string;
  readonly rejectReason?: string;
  readonly updatedAtMs: number;
}

/** Reference to an existing order: by venue id, by client id, or both. */
export interface OrderRef {
  readonly symbol: string;
  readonly venueOrderId?: string;
  readonly clientId?: string;
}

export interface AmendRequest {
  readonly ref: OrderRef;
  readonly size?: Decimal;
  readonly price?: Decimal;
  readonly triggerPrice?: Decimal;
  readonly priority?: 'protective' | 'normal';
}
