/** Public types of the OrderManager facade: what its methods return, the events it emits, its options. */
import type { Logger } from 'pino';

import type { Decimal } from '../domain/decimal.js';
import type { EntryGuard } from '../domain/entry-checks.js';
import type { Alerter, Clock, Store, Venue } from '../domain/ports.js';
import type { LegKind, TradeRecord } from '../domain/trade.js';
import type { OrdersConfigInput } from './config.js';
import type { Refusal } from './validation.js';

/** What came of openTrade. */
export type OpenTradeResult =
  /** Refused before anything was persisted or sent. */
  | ({ readonly status: 'refused' } & Refusal)
  /** The venue acknowledged the entry (it may already be filled and protected). */
  | { readonly status: 'accepted'; readonly tradeId: string; readonly trade: TradeRecord }
  /** The venue said no to the entry; the trade is recorded as failed. */
  | { readonly status: 'rejected'; readonly tradeId: string; readonly code: string; readonly reason: string }
  /** No answer: the entry may exist. It is looked up by client id and never sent again. */
  | { readonly status: 'unknown'; readonly tradeId: string; readonly reason: string };

/** What closeTrade did. */
export interface CloseResult {
  readonly tradeId: string;
  /** True when the API confirmed the trade's position is gone. */
  readonly flat: boolean;
  /** Size the close order filled (venue units). */
  readonly closedSize: Decimal;
  /** Client ids of the companions cancelled. */
  readonly cancelled: readonly string[];
  readonly failedCancels: readonly { readonly clientId: string; readonly error: string }[];
  readonly error?: string;
}

/** Things that happened to a trade, for the monitor, the risk manager and the operator interface. */
export type TradeEvent =
  | { readonly type: 'entry_filled'; readonly tradeId: string; readonly filledSize: Decimal }
  | { readonly type: 'protected'; readonly tradeId: string; readonly stopSize: Decimal }
  | {
      readonly type: 'exit_filled';
      readonly tradeId: string;
      readonly leg: LegKind;
      readonly clientId: string;
      readonly filledSize: Decimal;
    }
  | { readonly type: 'emergency_close'; readonly tradeId: string; readonly reason: string }
  | { readonly type: 'closed'; readonly tradeId: string; readonly reason: string; readonly realizedPnl: Decimal };

export type TradeEventListener = (event: TradeEvent) => void;

export interface OrderManagerOptions {
  readonly venues: readonly Venue[];
  readonly store: Store;
  readonly alerter: Alerter;
  readonly logger: Logger;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** The `orders` config section (defaults from OrdersConfigSchema). */
  readonly config?: OrdersConfigInput;
  /** Kill switch, pause and risk limits (default: none — every valid entry goes). */
  readonly guard?: EntryGuard;
  /** Replaces the backoff wait (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Outcome of cancelling one leg. */
export type CancelLegResult = { readonly ok: true } | { readonly ok: false; readonly error: string };
