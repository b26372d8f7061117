/**
 * Trades and their legs as the store keeps them (states, client ids, quantities, prices), plus
 * fills, audit entries, outbox alerts and the kill-switch state.
 */
import type { Decimal } from './decimal.js';
import type { OrderStatus, OrderType, Side } from './order.js';

/** Lifecycle of a trade (one entry with its protection). */
export type TradeState =
  | 'pending' // persisted, entry not yet acknowledged
  | 'entry_working' // entry resting / in flight
  | 'open' // some size filled and protected
  | 'closing'
  | 'closed'
  | 'cancelled' // entry never filled
  | 'failed';

/** Trade states in which the daemon may still have orders or a position on the venue. */
export const ACTIVE_TRADE_STATES: readonly TradeState[] = ['pending', 'entry_working', 'open', 'closing'];

export type LegKind = 'entry' | 'stop_loss' | 'take_profit' | 'close';

export type LegState = OrderStatus | 'unknown' | 'lost';

export interface TradeRecord {
  readonly id: string;
  readonly venue: string;
  readonly symbol: string;
  readonly side: Side;
  /** Requested size in the instrument's venue unit. */
  readonly size: Decimal;
  readonly entryType: 'market' | 'limit';
  readonly entryPrice?: Decimal;
  readonly stopPrice: Decimal;
  readonly takeProfitPrice?: Decimal;
  readonly state: TradeState;
  readonly source: string;
  readonly label?: string;
  readonly filledSize: Decimal;
  readonly avgEntryPrice?: Decimal;
  readonly realizedPnl?: Decimal;
  readonly closeReason?: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly closedAtMs?: number;
}

export interface LegRecord {
  readonly tradeId: string;
  readonly kind: LegKind;
  /** Derived from the trade id and the leg; unique. */
  readonly clientId: string;
  readonly venueOrderId?: string;
  readonly state: LegState;
  readonly side: Side;
  readonly type: OrderType;
  readonly size: Decimal;
  readonly filledSize: Decimal;
  readonly price?: Decimal;
  readonly triggerPrice?: Decimal;
  readonly avgFillPrice?: Decimal;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export interface FillRecord {
  readonly venue: string;
  readonly venueTradeId: string;
  readonly venueOrderId: string;
  readonly clientId?: string;
  readonly tradeId?: string;
  readonly symbol: string;
  readonly side: Side;
  readonly size: Decimal;
  readonly price: Decimal;
  readonly fee: Decimal;
  readonly feeCurrency: string;
  readonly tsMs: number;
}

export interface AuditEntry {
  readonly tsMs: number;
  readonly component: string;
  readonly action: string;
  readonly tradeId?: string;
  readonly venue?: string;
  /** Structured detail: what was sent, what came back, what was decided. No secrets. */
  readonly detail?: Record<string, unknown>;
}

export type AlertSeverity = 'critical' | 'warning' | 'info';

export interface OutboxAlert {
  readonly id: number;
  readonly severity: AlertSeverity;
  readonly kind: string;
  readonly text: string;
  readonly createdAtMs: number;
  readonly attempts: number;
}

export interface KillSwitchState {
  readonly active: boolean;
  readonly reason?: string;
  readonly changedAtMs?: number;
}
