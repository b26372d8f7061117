/**
 * The ports the trading core depends on: the clock, the Venue interface every adapter implements,
 * and the durable Store.
 */
import type { CancelOutcome, CommandOutcome, OrderLookup } from './commands.js';
import type { ConnectionState, VenueEventListener } from './events.js';
import type { Instrument } from './instrument.js';
import type { AmendRequest, OrderRef, OrderRequest, OrderSnapshot } from './order.js';
import type { Balance, Fill, Position } from './position.js';
import type { AlertSeverity, AuditEntry, FillRecord, KillSwitchState, LegRecord, OutboxAlert, TradeRecord, TradeState } from './trade.js';

export interface Clock {
  now(): number;
}

export interface ClockOffset {
  /** Venue clock minus host clock, in ms (negative: the venue is behind). */
  readonly offsetMs: number;
  /** Round trip of the measurement, in ms (the offset is good to about half of it). */
  readonly rttMs: number;
  /** Host time of the measurement. */
  readonly measuredAtMs: number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A trading venue, venue-neutral. The OrderManager and PositionMonitor see only this.
 * connect()/disconnect() are safe to call more than once.
 */
export interface Venue {
  readonly id: string;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  connectionState(): ConnectionState;
  /** True when the session is connected and, if it trades, logged in. */
  isReady(): boolean;
  /**
   * True when the venue nets every position on an instrument into one (Deribit; OKX net mode;
   * Bybit one-way mode): a long and a short trade on one instrument would cancel each other out.
   */
  netsPositions(symbol: string): boolean;
  /**
   * The measured venue clock minus the host clock (ms) and when it was measured (host ms), or
   * undefined before the first measurement. Times crossing this interface are host times: the
   * adapter converts venue timestamps with this offset.
   */
  clockOffset(): ClockOffset | undefined;

  /**
   * The venue's native name for `symbol`, given natively or in the unified form
   * `BASE/QUOTE:SETTLE` (e.g. `BTC/USD:BTC` → `BTC-PERPETUAL` on Deribit). A symbol it cannot map
   * comes back unchanged (and `instrument()` then says whether it exists).
   */
  nativeSymbol(symbol: string): string;
  loadInstruments(): Promise<readonly Instrument[]>;
  instrument(symbol: string): Instrument | undefined;

  submitOrder(request: OrderRequest): Promise<CommandOutcome>;
  cancelOrder(ref: OrderRef, priority?: 'protective' | 'normal'): Promise<CancelOutcome>;
  amendOrder(request: AmendRequest): Promise<CommandOutcome>;
  /** Look an order up by venue id or client id (used to settle unknown outcomes). */
  /** `protective`: the look-up decides whether a stop or close is sent again, so it gets the shorter protective deadline. */
  getOrder(ref: OrderRef, priority?: 'protective' | 'normal'): Promise<OrderLookup>;

  openOrders(symbol?: string): Promise<readonly OrderSnapshot[]>;
  /**
   * `protective`: the read sizes a close or decides a stop (emergency close, closing a trade), so
   * it goes ahead of routine reads on a venue with a client-side read budget.
   */
  positions(priority?: 'protective' | 'normal'): Promise<readonly Position[]>;
  balances(): Promise<readonly Balance[]>;
  fillsSince(sinceMs: number, symbol?: string): Promise<readonly Fill[]>;

  /** Market data is subscribed lazily: only symbols someone asked for. */
  watchTicker(symbol: string): Promise<void>;
  unwatchTicker(symbol: string): Promise<void>;

  subscribe(listener: VenueEventListener): () => void;
}

export interface LegUpdate {
  readonly venueOrderId?: string;
  readonly state?: LegRecord['state'];
  readonly size?: LegRecord['size'];
  readonly filledSize?: LegRecord['filledSize'];
  readonly avgFillPrice?: LegRecord['avgFillPrice'];
  readonly triggerPrice?: LegRecord['triggerPrice'];
  readonly price?: LegRecord['price'];
}

export interface TradeUpdate {
  readonly state?: TradeState;
  readonly filledSize?: TradeRecord['filledSize'];
  readonly avgEntryPrice?: TradeRecord['avgEntryPrice'];
  readonly realizedPnl?: TradeRecord['realizedPnl'];
  readonly closeReason?: string;
  readonly closedAtMs?: number;
}

/**
 * Durable state. Every method is one short transaction: a crash between two calls leaves each
 * call either fully applied or not at all. An audit entry may be passed to be written in the
 * same transaction as the change it explains. A committed call survives the process being killed;
 * it survives power loss once `flush()` has returned (group commit: one disk sync per step that
 * leaves the process, not one per call).
 */
export interface Store {
  /**
   * Durability barrier: everything committed so far is on the disk when this returns. Called
   * before each order, cancel or amend goes to a venue and before an HTTP caller is told its
   * signal was taken; a no-op when nothing was written since the last one.
   */
  flush(): void;
  createTrade(trade: TradeRecord, legs: readonly LegRecord[], audit?: AuditEntry): void;
  getTrade(id: string): TradeRecord | undefined;
  /** Trades in creation order, filtered in the database (states, venue, closed at or after a time). */
  listTrades(filter?: { readonly states?: readonly TradeState[]; readonly venue?: string; readonly closedSinceMs?: number }): TradeRecord[];
  updateTrade(id: string, update: TradeUpdate, nowMs: number, audit?: AuditEntry): void;

  upsertLeg(leg: LegRecord, audit?: AuditEntry): void;
  updateLeg(clientId: string, update: LegUpdate, nowMs: number, audit?: AuditEntry): void;
  getLeg(clientId: string): LegRecord | undefined;
  legsOf(tradeId: string): LegRecord[];
  legByVenueOrderId(venue: string, venueOrderId: string): LegRecord | undefined;

  /** Idempotent by (venue, venueTradeId): returns false when the fill was already booked. */
  recordFill(fill: FillRecord): boolean;
  fillsOf(tradeId: string): FillRecord[];

  appendAudit(entry: AuditEntry): void;
  audit(filter?: { readonly tradeId?: string; readonly limit?: number }): AuditEntry[];

  getKillSwitch(): KillSwitchState;
  setKillSwitch(state: KillSwitchState, audit?: AuditEntry): void;
  getSetting(key: string): string | undefined;
  setSetting(key: string, value: string, nowMs: number): void;

  enqueueAlert(alert: { severity: AlertSeverity; kind: string; text: string; createdAtMs: number }): number;
  pendingAlerts(limit: number): OutboxAlert[];
  markAlertSent(id: number, nowMs: number): void;
  markAlertFailed(id: number, error: string): void;
  /** Number of alerts not yet sent (bounds the outbox). */
  countPendingAlerts(): number;
  /** Chats that acknowledged an alert (it is never sent to them again). */
  alertDeliveredChats(id: number): number[];
  /** Records that `chatId` acknowledged the alert (one transaction; idempotent). */
  markAlertDelivered(id: number, chatId: number): void;

  /**
   * Claims a signal id of an entry source (idempotency): returns undefined when the id is new and
   * is now recorded as in progress, or the earlier record when the id was seen before.
   */
  claimSignal(source: string, id: string, nowMs: number): SignalRecord | undefined;
  /** Records what came of a claimed signal (`result` is the answer given, as JSON). */
  finishSignal(source: string, id: string, result: string, tradeId: string | undefined, nowMs: number): void;

  schemaVersion(): number;
  close(): void;
}

/** A signal an entry source has seen, and what came of it. */
export interface SignalRecord {
  readonly source: string;
  readonly id: string;
  readonly receivedAtMs: number;
  /** The answer given the first time (JSON); undefined while (or if) the first delivery did not finish. */
  readonly result?: string;
  readonly tradeId?: string;
  readonly finishedAtMs?: number;
}

/**
 * Where operator alerts go (Telegram, or the log without a bot token). `send` returns at once:
 * it only enqueues, so the trading path never waits on the network. Critical alerts bypass
 * rate limits and jump the queue.
 */
export interface Alerter {
  send(alert: { readonly severity: AlertSeverity; readonly kind: string; readonly text: string; readonly venue?: string }): void;
}
