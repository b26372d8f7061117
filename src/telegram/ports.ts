/** The small slices of the daemon the Telegram interface needs (main.ts passes the real objects). */
import type { Store, Venue } from '../domain/ports.js';
import type { KillSwitchState, LegRecord, TradeRecord } from '../domain/trade.js';
import type { CloseResult, OpenTradeResult, TradeEventListener } from '../orders/types.js';
import type { TradeIntent } from '../orders/validation.js';
import type { FlattenReport } from '../risk/kill-switch.js';

/** The OrderManager facade, as far as Telegram goes. */
export interface TradingPort {
  activeTrades(venue?: string): readonly { readonly trade: TradeRecord; readonly legs: readonly LegRecord[] }[];
  openTrade(intent: TradeIntent): Promise<OpenTradeResult>;
  closeTrade(tradeId: string, reason?: string): Promise<CloseResult>;
  onTradeEvent(listener: TradeEventListener): () => void;
}

/** The kill switch and the pause. */
export interface KillSwitchPort {
  state(): KillSwitchState;
  isPaused(): boolean;
  activate(reason: string, source: string): Promise<FlattenReport>;
  pause(source: string): void;
  resume(source: string): void;
}

/** What /status, /positions, /orders and /balance read from a venue. */
export type VenuePort = Pick<
  Venue,
  'id' | 'connectionState' | 'isReady' | 'clockOffset' | 'positions' | 'openOrders' | 'balances' | 'subscribe'
>;

/** The store, as far as Telegram goes (trades for /pnl and /trades, the outbox, one setting). */
export type TelegramStore = Pick<
  Store,
  | 'listTrades'
  | 'getTrade'
  | 'getSetting'
  | 'setSetting'
  | 'enqueueAlert'
  | 'pendingAlerts'
  | 'markAlertSent'
  | 'markAlertFailed'
  | 'countPendingAlerts'
  | 'alertDeliveredChats'
  | 'markAlertDelivered'
>;
