/**
 * OrderManager: no position without a stop. Persists every intent before sending, places a
 * reduce-only stop-loss and take-profit for the quantity actually filled, retries the stop and
 * closes at market when it cannot be placed, settles unknown outcomes by client id (never a second
 * entry), and closes trades (reduce-only market, cancel companions, confirm flat over the API).
 * Every state change is written to the store, with an audit entry saying why, before the next step.
 */
import type { Logger } from 'pino';
import type { CommandOutcome } from '../domain/commands.js';
import { Decimal } from '../domain/decimal.js';
import type { VenueEvent } from '../domain/events.js';
import { type Instrument, roundPrice, roundSize } from '../domain/instrument.js';
import { type OrderRequest, type OrderSnapshot, type OrderStatus, isTerminal, oppositeSide } from '../domain/order.js';
import type { Fill } from '../domain/position.js';
import type { Alerter, Clock, Store, Venue } from '../domain/ports.js';
import type { AuditEntry, LegKind, LegRecord, LegState, TradeRecord } from '../domain/trade.js';
import type { FlattenReport, Flattener } from '../risk/kill-switch.js';
import type { EntryGuard } from '../risk/risk.js';
import { clientIdFor, newTradeId, parseClientId } from './client-ids.js';
import { type OrdersConfig, OrdersConfigSchema, type OrdersConfigInput } from './config.js';
import { type Execution, averagePrice, realizedPnl } from './pnl.js';
import { ACTIVE_TRADE_STATES, IN_FLIGHT_LEG_STATES, type LocalTrade, isActiveTrade, isLiveLeg, openQuantity } from './reconcile.js';
import { type Refusal, type TradeIntent, type ValidatedIntent, isImmediateTriggerRejection, stopWouldTrigger, validateIntent } from './validation.js';

const COMPONENT = 'orders';

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
  | { readonly type: 'exit_filled'; readonly tradeId: string; readonly leg: LegKind; readonly clientId: string; readonly filledSize: Decimal }
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

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function describeOutcome(outcome: CommandOutcome): Record<string, unknown> {
  switch (outcome.status) {
    case 'accepted':
      return { status: 'accepted', venueOrderId: outcome.order.venueOrderId, orderStatus: outcome.order.status, filled: outcome.order.filledSize.toString() };
    case 'rejected':
      return { status: 'rejected', code: outcome.code, reason: outcome.reason, retryable: outcome.retryable };
    case 'unknown':
      return { status: 'unknown', reason: outcome.reason };
  }
}

function describeRequest(r: OrderRequest): Record<string, unknown> {
  return {
    clientId: r.clientId,
    symbol: r.symbol,
    side: r.side,
    type: r.type,
    size: r.size.toString(),
    ...(r.price !== undefined ? { price: r.price.toString() } : {}),
    ...(r.triggerPrice !== undefined ? { triggerPrice: r.triggerPrice.toString(), trigger: r.trigger } : {}),
    reduceOnly: r.reduceOnly,
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Merges a venue snapshot into a leg: filled size never decreases; a terminal leg does not go
 * back to a working state on a stale event. Returns the new state and fill, and whether anything changed.
 */
export function mergeLeg(leg: LegRecord, order: OrderSnapshot): { state: LegState; filledSize: Decimal; changed: boolean } {
  const filledSize = Decimal.max(leg.filledSize, order.filledSize);
  const legTerminal = isTerminal(leg.state as OrderStatus) && leg.state !== 'pending';
  let state: LegState = order.status;
  if (legTerminal && !isTerminal(order.status)) state = leg.state;
  if (leg.state === 'filled' && order.status !== 'filled') state = 'filled';
  const changed =
    state !== leg.state ||
    !filledSize.eq(leg.filledSize) ||
    (order.venueOrderId !== leg.venueOrderId && leg.venueOrderId === undefined) ||
    (order.avgFillPrice !== undefined && (leg.avgFillPrice === undefined || !order.avgFillPrice.eq(leg.avgFillPrice)));
  return { state, filledSize, changed };
}

export class OrderManager implements Flattener {
  readonly config: OrdersConfig;
  private readonly venues = new Map<string, Venue>();
  private readonly store: Store;
  private readonly alerter: Alerter;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly guard: EntryGuard | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly unsubscribers: (() => void)[] = [];
  private readonly locks = new Map<string, Promise<void>>();
  private readonly listeners = new Set<TradeEventListener>();
  private readonly marks = new Map<string, Decimal>();
  private readonly markWaiters = new Map<string, (() => void)[]>();
  /** Client ids whose cancel we asked for: their cancellation is expected, not a lost stop. */
  private readonly cancelling = new Set<string>();
  /** Consecutive "not found" answers per in-flight client id. */
  private readonly notFoundCounts = new Map<string, number>();
  /** Trades whose vanished position is being settled (their legs' terminal states are expected). */
  private readonly settlingGone = new Set<string>();
  private missingStopPolicy: 'replace' | 'close' = 'replace';
  private entryGate: Promise<unknown> = Promise.resolve();
  private gateOpen = true;

  constructor(options: OrderManagerOptions) {
    this.config = OrdersConfigSchema.parse(options.config ?? {});
    for (const v of options.venues) this.venues.set(v.id, v);
    this.store = options.store;
    this.alerter = options.alerter;
    this.logger = options.logger.child({ component: COMPONENT });
    this.clock = options.clock ?? { now: () => Date.now() };
    this.guard = options.guard;
    this.sleep = options.sleep ?? defaultSleep;
  }

  // ------------------------------------------------------------------ lifecycle and wiring

  /** Subscribes to every venue's events. Idempotent. */
  start(): void {
    if (this.unsubscribers.length > 0) return;
    for (const venue of this.venues.values()) {
      this.unsubscribers.push(venue.subscribe((event) => this.onVenueEvent(venue, event)));
    }
  }

  /** Unsubscribes from the venues; in-flight work finishes on its own. */
  stop(): void {
    for (const u of this.unsubscribers.splice(0)) u();
  }

  /** Entries wait for `until` (the start-up reconciliation) before anything is validated or sent. */
  holdEntriesUntil(until: Promise<unknown>): void {
    this.gateOpen = false;
    const gate = until.then(() => {
      if (this.entryGate === gate) this.gateOpen = true;
    });
    this.entryGate = gate;
  }

  /** True once the start-up reconciliation has finished (or none was asked for). */
  entriesOpen(): boolean {
    return this.gateOpen;
  }

  /**
   * What to do when an open position's stop disappears (cancelled or lost on the venue): place
   * it again (default) or close the position. The PositionMonitor sets it from `monitor.onMissingStop`.
   */
  setMissingStopPolicy(policy: 'replace' | 'close'): void {
    this.missingStopPolicy = policy;
  }

  onTradeEvent(listener: TradeEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  venueIds(): string[] {
    return [...this.venues.keys()];
  }

  /** Trades that may still have orders or a position, with their legs. */
  activeTrades(venue?: string): LocalTrade[] {
    return this.store
      .listTrades({ states: ACTIVE_TRADE_STATES, ...(venue !== undefined ? { venue } : {}) })
      .map((trade) => ({ trade, legs: this.store.legsOf(trade.id) }));
  }

  private emit(event: TradeEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.logger.error({ err, event: event.type, tradeId: event.tradeId }, 'trade event listener threw; other listeners still notified');
      }
    }
  }

  /** Runs `fn` after every earlier task of the same trade has finished (one trade, one task at a time). */
  private withLock<T>(tradeId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(tradeId) ?? Promise.resolve();
    const run = prev.then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(tradeId, tail);
    void tail.then(() => {
      if (this.locks.get(tradeId) === tail) this.locks.delete(tradeId);
    });
    return run;
  }

  private audit(action: string, trade: { id: string; venue: string } | undefined, detail: Record<string, unknown>): AuditEntry {
    return {
      tsMs: this.clock.now(),
      component: COMPONENT,
      action,
      ...(trade ? { tradeId: trade.id, venue: trade.venue } : {}),
      detail,
    };
  }

  private venueOf(trade: TradeRecord): Venue {
    const venue = this.venues.get(trade.venue);
    if (!venue) throw new Error(`trade ${trade.id} is on venue ${trade.venue}, which is not configured`);
    return venue;
  }

  private instrumentOf(trade: TradeRecord): Instrument | undefined {
    return this.venues.get(trade.venue)?.instrument(trade.symbol);
  }

  // ------------------------------------------------------------------ venue events

  private onVenueEvent(venue: Venue, event: VenueEvent): void {
    switch (event.type) {
      case 'order':
        this.onOrderEvent(venue, event.order);
        return;
      case 'fill':
        this.onFillEvent(venue, event.fill);
        return;
      case 'ticker': {
        const price = event.ticker.mark ?? event.ticker.last;
        if (price === undefined) return;
        const key = `${venue.id}|${event.ticker.symbol}`;
        this.marks.set(key, price);
        for (const resolve of this.markWaiters.get(key) ?? []) resolve();
        this.markWaiters.delete(key);
        return;
      }
      default:
        return;
    }
  }

  private findLeg(venue: Venue, order: { clientId?: string; venueOrderId: string }): LegRecord | undefined {
    if (order.clientId !== undefined && parseClientId(order.clientId, this.config.clientIdPrefix)) {
      const leg = this.store.getLeg(order.clientId);
      if (leg) return leg;
    }
    return this.store.legByVenueOrderId(venue.id, order.venueOrderId);
  }

  private onOrderEvent(venue: Venue, order: OrderSnapshot): void {
    const leg = this.findLeg(venue, order);
    if (!leg) return; // not ours (operator) or unknown to the store: the monitor decides
    this.withLock(leg.tradeId, () => this.applySnapshotLocked(leg.clientId, order, 'push')).catch((err: unknown) => {
      this.logger.error(
        { err, venue: venue.id, tradeId: leg.tradeId, clientId: leg.clientId },
        'applying an order update failed; the next reconciliation pass re-reads this order',
      );
    });
  }

  private onFillEvent(venue: Venue, fill: Fill): void {
    const leg = this.findLeg(venue, fill);
    if (!leg) return;
    this.bookFill(venue, fill, leg.tradeId, 'push');
  }

  private bookFill(venue: Venue, fill: Fill, tradeId: string, source: string): boolean {
    try {
      const added = this.store.recordFill({
        venue: venue.id,
        venueTradeId: fill.tradeId,
        venueOrderId: fill.venueOrderId,
        ...(fill.clientId !== undefined ? { clientId: fill.clientId } : {}),
        tradeId,
        symbol: fill.symbol,
        side: fill.side,
        size: fill.size,
        price: fill.price,
        fee: fill.fee,
        feeCurrency: fill.feeCurrency,
        tsMs: fill.tsMs,
      });
      if (added) {
        this.store.appendAudit(
          this.audit('fill', { id: tradeId, venue: venue.id }, {
            source,
            clientId: fill.clientId,
            venueTradeId: fill.tradeId,
            side: fill.side,
            size: fill.size.toString(),
            price: fill.price.toString(),
            fee: fill.fee.toString(),
          }),
        );
      }
      return added;
    } catch (err) {
      this.logger.error({ err, venue: venue.id, tradeId, venueTradeId: fill.tradeId }, 'recording a fill failed; P&L will be rebuilt from the venue fills at close');
      return false;
    }
  }

  // ------------------------------------------------------------------ entries

  /**
   * Validates, checks risk and the kill switch, persists the trade and its entry leg, then sends
   * the entry. Waits for the start-up reconciliation first (up to `entryGateTimeoutMs`).
   */
  async openTrade(intent: TradeIntent): Promise<OpenTradeResult> {
    if (!this.gateOpen) {
      const opened = await Promise.race([
        this.entryGate.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), this.config.entryGateTimeoutMs)),
      ]);
      if (!opened || !this.gateOpen) {
        return this.refuse(intent, {
          code: 'STARTUP_RECONCILE_PENDING',
          reason: 'the start-up reconciliation has not finished; entries wait until every venue was compared with the store',
        });
      }
    }
    const venue = this.venues.get(intent.venue);
    if (!venue) return this.refuse(intent, { code: 'UNKNOWN_VENUE', reason: `venue ${intent.venue} is not configured` });
    if (!venue.isReady()) return this.refuse(intent, { code: 'VENUE_NOT_READY', reason: `${intent.venue} is ${venue.connectionState()}, not ready to trade` });
    const instrument = venue.instrument(intent.symbol);
    if (!instrument) return this.refuse(intent, { code: 'UNKNOWN_INSTRUMENT', reason: `${intent.venue} has no instrument ${intent.symbol}` });
    let marketPrice: Decimal | undefined;
    if (intent.entry.type === 'market' && intent.entry.referencePrice === undefined) marketPrice = await this.referencePrice(venue, intent.symbol);

    // From here to createTrade nothing awaits: the risk check and the insert are one step on the event loop.
    const validated = validateIntent(intent, instrument, marketPrice);
    if (!validated.ok) return this.refuse(intent, validated);
    const refusal = this.guard?.checkEntry(validated.value);
    if (refusal) return this.refuse(intent, refusal);
    return this.sendEntry(venue, validated.value);
  }

  private refuse(intent: TradeIntent, refusal: Refusal): OpenTradeResult {
    this.store.appendAudit({
      tsMs: this.clock.now(),
      component: COMPONENT,
      action: 'entry_refused',
      venue: intent.venue,
      detail: { code: refusal.code, reason: refusal.reason, symbol: intent.symbol, side: intent.side, source: intent.source },
    });
    this.logger.warn({ venue: intent.venue, symbol: intent.symbol, code: refusal.code, source: intent.source }, `entry refused: ${refusal.reason}`);
    return { status: 'refused', code: refusal.code, reason: refusal.reason };
  }

  private async referencePrice(venue: Venue, symbol: string): Promise<Decimal | undefined> {
    const key = `${venue.id}|${symbol}`;
    const cached = this.marks.get(key);
    if (cached) return cached;
    try {
      await venue.watchTicker(symbol);
    } catch (err) {
      this.logger.warn({ err, venue: venue.id, symbol }, 'could not subscribe to the ticker to price a market entry; the entry will be refused without a reference price');
      return undefined;
    }
    if (!this.marks.has(key)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.config.referencePriceWaitMs);
        const waiters = this.markWaiters.get(key) ?? [];
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
        this.markWaiters.set(key, waiters);
      });
    }
    return this.marks.get(key);
  }

  private async sendEntry(venue: Venue, v: ValidatedIntent): Promise<OpenTradeResult> {
    const now = this.clock.now();
    const tradeId = newTradeId(now);
    const clientId = clientIdFor(tradeId, 'entry', 1, this.config.clientIdPrefix);
    const request: OrderRequest = {
      clientId,
      symbol: v.symbol,
      side: v.side,
      type: v.entryType,
      size: v.size,
      ...(v.entryPrice !== undefined ? { price: v.entryPrice } : {}),
      reduceOnly: false,
      priority: 'normal',
    };
    const trade: TradeRecord = {
      id: tradeId,
      venue: v.venue,
      symbol: v.symbol,
      side: v.side,
      size: v.size,
      entryType: v.entryType,
      ...(v.entryPrice !== undefined ? { entryPrice: v.entryPrice } : {}),
      stopPrice: v.stopPrice,
      ...(v.takeProfitPrice !== undefined ? { takeProfitPrice: v.takeProfitPrice } : {}),
      state: 'pending',
      source: v.source,
      ...(v.label !== undefined ? { label: v.label } : {}),
      filledSize: Decimal.ZERO,
      createdAtMs: now,
      updatedAtMs: now,
    };
    const leg: LegRecord = {
      tradeId,
      kind: 'entry',
      clientId,
      state: 'pending',
      side: v.side,
      type: v.entryType,
      size: v.size,
      filledSize: Decimal.ZERO,
      ...(v.entryPrice !== undefined ? { price: v.entryPrice } : {}),
      createdAtMs: now,
      updatedAtMs: now,
    };
    this.store.createTrade(
      trade,
      [leg],
      this.audit('trade_created', trade, {
        source: v.source,
        label: v.label,
        request: describeRequest(request),
        stopPrice: v.stopPrice.toString(),
        takeProfitPrice: v.takeProfitPrice?.toString(),
        referencePrice: v.referencePrice.toString(),
        lossAtStop: v.lossAtStop.toString(),
        decided: 'persisted before sending the entry',
      }),
    );
    this.logger.info({ tradeId, venue: v.venue, symbol: v.symbol, side: v.side, size: v.size.toString(), clientId }, 'trade persisted; sending entry');

    const handled = await this.withLock(tradeId, async (): Promise<OpenTradeResult | 'lookup'> => {
      const outcome = await venue.submitOrder(request);
      this.store.appendAudit(this.audit('entry_outcome', trade, { clientId, outcome: describeOutcome(outcome) }));
      switch (outcome.status) {
        case 'accepted':
          await this.applySnapshotLocked(clientId, outcome.order, 'submit response');
          return { status: 'accepted', tradeId, trade: this.store.getTrade(tradeId) ?? trade };
        case 'rejected': {
          const at = this.clock.now();
          this.store.updateLeg(clientId, { state: 'rejected' }, at);
          this.store.updateTrade(
            tradeId,
            { state: 'failed', closeReason: `entry rejected: ${outcome.code} ${outcome.reason}`, closedAtMs: at },
            at,
            this.audit('entry_rejected', trade, { code: outcome.code, reason: outcome.reason, decided: 'trade failed; nothing to protect' }),
          );
          this.logger.warn({ tradeId, venue: v.venue, code: outcome.code }, `entry rejected by the venue: ${outcome.reason}; trade marked failed`);
          return { status: 'rejected', tradeId, code: outcome.code, reason: outcome.reason };
        }
        case 'unknown':
          this.store.updateLeg(
            clientId,
            { state: 'unknown' },
            this.clock.now(),
            this.audit('entry_unknown', trade, { reason: outcome.reason, decided: 'look the entry up by client id; never send it again' }),
          );
          this.store.updateTrade(tradeId, { state: 'entry_working' }, this.clock.now());
          this.logger.warn({ tradeId, venue: v.venue, clientId, reason: outcome.reason }, 'entry outcome unknown; looking it up by client id, it will not be resent');
          return 'lookup';
      }
    });
    if (handled !== 'lookup') return handled;

    // Unknown: ask the venue by client id (each answer applied under the trade's lock); never resend.
    for (let attempt = 1; attempt <= this.config.unknownLookupAttempts; attempt += 1) {
      const result = await this.refreshLeg(clientId);
      if (result === 'found') {
        const t = this.store.getTrade(tradeId) ?? trade;
        return { status: 'accepted', tradeId, trade: t };
      }
      const current = this.store.getLeg(clientId);
      if (current && current.state !== 'unknown') return { status: 'accepted', tradeId, trade: this.store.getTrade(tradeId) ?? trade };
      if (attempt < this.config.unknownLookupAttempts) await this.sleep(this.config.unknownLookupDelayMs * 2 ** (attempt - 1));
    }
    return { status: 'unknown', tradeId, reason: 'the venue did not answer and does not (yet) show the entry; the monitor keeps looking it up, it is never resent' };
  }

  /** Cancels a working entry; what filled stays protected. */
  async cancelEntry(tradeId: string, reason = 'cancel requested'): Promise<boolean> {
    return this.withLock(tradeId, async () => {
      const trade = this.store.getTrade(tradeId);
      if (!trade) return false;
      const entry = this.store.legsOf(tradeId).find((l) => l.kind === 'entry');
      if (!entry || !isLiveLeg(entry.state)) return false;
      const r = await this.cancelLegLocked(trade, entry, reason);
      return r.ok;
    });
  }

  // ------------------------------------------------------------------ applying venue state

  /** Applies a venue snapshot of one of our orders (from the monitor). */
  async applyLegSnapshot(clientId: string, order: OrderSnapshot, source = 'reconcile'): Promise<void> {
    const leg = this.store.getLeg(clientId);
    if (!leg) return;
    await this.withLock(leg.tradeId, () => this.applySnapshotLocked(clientId, order, source));
  }

  /**
   * Asks the venue for one of our orders by client id and applies the answer. A leg whose outcome
   * was unknown is marked lost after `lostAfterNotFound` consecutive "not found" answers; a leg
   * the venue had acknowledged is marked lost at the first one.
   */
  async refreshLeg(clientId: string, options: { lostAfterNotFound?: number } = {}): Promise<'found' | 'not_found' | 'unknown'> {
    const leg = this.store.getLeg(clientId);
    if (!leg) return 'not_found';
    return this.withLock(leg.tradeId, () => this.refreshLegLocked(clientId, options.lostAfterNotFound ?? Number.POSITIVE_INFINITY));
  }

  private async refreshLegLocked(clientId: string, lostAfterNotFound: number): Promise<'found' | 'not_found' | 'unknown'> {
    const leg = this.store.getLeg(clientId);
    const trade = leg ? this.store.getTrade(leg.tradeId) : undefined;
    if (!leg || !trade) return 'not_found';
    const venue = this.venueOf(trade);
    const lookup = await venue.getOrder({ symbol: trade.symbol, clientId, ...(leg.venueOrderId !== undefined ? { venueOrderId: leg.venueOrderId } : {}) });
    if (lookup.status === 'found') {
      this.notFoundCounts.delete(clientId);
      await this.applySnapshotLocked(clientId, lookup.order, 'lookup');
      return 'found';
    }
    if (lookup.status === 'unknown') {
      this.logger.warn({ tradeId: trade.id, clientId, reason: lookup.reason }, 'order look-up got no answer; will ask again on the next pass');
      return 'unknown';
    }
    const count = (this.notFoundCounts.get(clientId) ?? 0) + 1;
    this.notFoundCounts.set(clientId, count);
    const inFlight = IN_FLIGHT_LEG_STATES.includes(leg.state);
    // A stop or take-profit of an open trade is never in flight while its trade's lock is free
    // (placing it holds the lock until the venue answered or it was settled), except after a
    // crash between persisting it and the venue's answer. Waiting for more "not found" answers
    // would leave the position unprotected, and new entries held, for several passes: it is lost
    // at the first one and placed again (should the old request still arrive, the next pass adopts it).
    const threshold = inFlight && (leg.kind === 'stop_loss' || leg.kind === 'take_profit') && trade.state === 'open' ? 1 : lostAfterNotFound;
    if (!isLiveLeg(leg.state) || (inFlight && count < threshold)) {
      this.store.appendAudit(this.audit('lookup_not_found', trade, { clientId, legState: leg.state, count, decided: 'ask again later' }));
      return 'not_found';
    }
    this.notFoundCounts.delete(clientId);
    this.store.updateLeg(
      clientId,
      { state: 'lost' },
      this.clock.now(),
      this.audit('leg_lost', trade, { clientId, kind: leg.kind, previousState: leg.state, notFoundCount: count, decided: leg.kind === 'entry' ? 'entry never reached the venue' : 're-check protection' }),
    );
    if (leg.kind === 'entry') {
      const t = this.store.getTrade(trade.id);
      if (t && (t.state === 'pending' || t.state === 'entry_working') && t.filledSize.isZero()) {
        this.store.updateTrade(
          t.id,
          { state: 'failed', closeReason: 'entry lost: the venue never showed it', closedAtMs: this.clock.now() },
          this.clock.now(),
          this.audit('trade_failed', t, { reason: 'entry not found on the venue after repeated look-ups', decided: 'no position; nothing to protect' }),
        );
        this.alerter.send({ severity: 'warning', kind: 'entry_lost', text: `${t.venue} ${t.symbol} trade ${t.id}: the entry's outcome was unknown and the venue never showed it; marked failed, not resent.` });
      }
    } else if (trade.state === 'open') {
      await this.onProtectionLostLocked(trade, leg.kind, `${leg.kind} ${clientId} lost on the venue`);
    }
    return 'not_found';
  }

  private async applySnapshotLocked(clientId: string, order: OrderSnapshot, source: string): Promise<void> {
    const leg = this.store.getLeg(clientId);
    const trade = leg ? this.store.getTrade(leg.tradeId) : undefined;
    if (!leg || !trade) return;
    const merged = mergeLeg(leg, order);
    if (!merged.changed) return;
    this.store.updateLeg(
      clientId,
      {
        ...(leg.venueOrderId === undefined ? { venueOrderId: order.venueOrderId } : {}),
        state: merged.state,
        filledSize: merged.filledSize,
        ...(order.avgFillPrice !== undefined ? { avgFillPrice: order.avgFillPrice } : {}),
      },
      this.clock.now(),
      this.audit('leg_update', trade, {
        source,
        clientId,
        kind: leg.kind,
        from: leg.state,
        to: merged.state,
        filled: merged.filledSize.toString(),
        avgFillPrice: order.avgFillPrice?.toString(),
        venueStatus: order.status,
        cancelReason: order.cancelReason,
        rejectReason: order.rejectReason,
      }),
    );
    if (leg.kind === 'entry') await this.afterEntryUpdate(trade.id);
    else await this.afterExitUpdate(trade.id, leg, merged.state, merged.filledSize);
  }

  private async afterEntryUpdate(tradeId: string): Promise<void> {
    const trade = this.store.getTrade(tradeId);
    const entry = this.store.legsOf(tradeId).find((l) => l.kind === 'entry');
    if (!trade || !entry) return;
    const now = this.clock.now();
    if (entry.filledSize.gt(trade.filledSize)) {
      const state = trade.state === 'pending' || trade.state === 'entry_working' ? 'open' : trade.state;
      this.store.updateTrade(
        tradeId,
        { filledSize: entry.filledSize, ...(entry.avgFillPrice !== undefined ? { avgEntryPrice: entry.avgFillPrice } : {}), state },
        now,
        this.audit('entry_filled', trade, {
          filled: entry.filledSize.toString(),
          previouslyFilled: trade.filledSize.toString(),
          avgFillPrice: entry.avgFillPrice?.toString(),
          entryState: entry.state,
          decided: state === 'open' ? 'protect the filled quantity' : `trade is ${state}; no new protection`,
        }),
      );
      this.logger.info({ tradeId, filled: entry.filledSize.toString(), entryState: entry.state }, 'entry filled; protecting the filled quantity');
      this.emit({ type: 'entry_filled', tradeId, filledSize: entry.filledSize });
      if (state === 'open') await this.ensureProtectionLocked(tradeId, 'entry fill');
      return;
    }
    if (isTerminal(entry.state as OrderStatus) && entry.filledSize.isZero() && (trade.state === 'pending' || trade.state === 'entry_working')) {
      const state = entry.state === 'rejected' ? 'failed' : 'cancelled';
      this.store.updateTrade(
        tradeId,
        { state, closeReason: `entry ${entry.state} with nothing filled`, closedAtMs: now },
        now,
        this.audit('entry_ended', trade, { entryState: entry.state, decided: `trade ${state}; nothing to protect` }),
      );
      return;
    }
    if (isTerminal(entry.state as OrderStatus) && trade.state === 'open') {
      this.store.appendAudit(this.audit('entry_done', trade, { entryState: entry.state, filled: entry.filledSize.toString(), decided: 'protection stays sized to the filled quantity' }));
      return;
    }
    if (trade.state === 'pending' && isLiveLeg(entry.state) && entry.state !== 'pending' && entry.state !== 'unknown') {
      this.store.updateTrade(tradeId, { state: 'entry_working' }, now, this.audit('entry_working', trade, { entryState: entry.state }));
    }
  }

  private async afterExitUpdate(tradeId: string, before: LegRecord, state: LegState, filledSize: Decimal): Promise<void> {
    const trade = this.store.getTrade(tradeId);
    if (!trade) return;
    const legs = this.store.legsOf(tradeId);
    if (filledSize.gt(before.filledSize)) {
      this.emit({ type: 'exit_filled', tradeId, leg: before.kind, clientId: before.clientId, filledSize });
      if (trade.state !== 'open') return;
      const open = openQuantity(trade, legs);
      if (!open.isPositive()) {
        const reason = before.kind === 'stop_loss' ? 'stop-loss filled' : before.kind === 'take_profit' ? 'take-profit filled' : 'closed';
        await this.finalizeClosed(trade, reason, 'exit leg filled the whole position');
        return;
      }
      // Still working: it covers the rest. Ended short of the open quantity (reduce-only clipped it
      // to what the venue held, or it was cancelled part-filled): the rest is unprotected, or gone.
      if (!isTerminal(state as OrderStatus)) return;
    }
    if (
      isTerminal(state as OrderStatus) &&
      state !== 'filled' &&
      trade.state === 'open' &&
      !this.cancelling.has(before.clientId) &&
      (before.kind === 'stop_loss' || before.kind === 'take_profit')
    ) {
      this.store.appendAudit(this.audit('protection_lost', trade, { clientId: before.clientId, kind: before.kind, state }));
      await this.onProtectionLostLocked(trade, before.kind, `${before.kind} ${before.clientId} ${state} on the venue`);
    }
  }

  /** The venue's signed position in the trade's symbol, or undefined when it cannot be read. */
  private async venuePositionOf(trade: TradeRecord): Promise<Decimal | undefined> {
    try {
      return (await this.venueOf(trade).positions()).find((p) => p.symbol === trade.symbol)?.size ?? Decimal.ZERO;
    } catch (err) {
      this.logger.warn({ err, tradeId: trade.id, venue: trade.venue }, 'could not read the venue position; assuming it is still held');
      return undefined;
    }
  }

  private async onProtectionLostLocked(trade: TradeRecord, kind: LegKind, why: string): Promise<void> {
    if (this.settlingGone.has(trade.id)) return; // the vanished position is being booked; nothing to protect
    // A protective order that ended without filling while the venue holds no position (closed by
    // hand, then the stop fired and reduce-only left it nothing: rejected or cancelled with a
    // reduce-only reason) means the position is gone, not the protection: book it closed from the
    // venue fills. Re-placing would be refused at once (the trigger is through the market) and
    // turn into a false emergency close.
    const held = await this.venuePositionOf(trade);
    if (held !== undefined && held.isZero()) {
      this.store.appendAudit(this.audit('protection_lost_flat', trade, { why, kind, venuePosition: '0', decided: 'nothing to protect: book the trade closed from the venue fills' }));
      this.logger.warn({ tradeId: trade.id, why }, `${kind} gone and the venue holds no position; booking the trade closed instead of placing protection`);
      await this.positionGoneLocked(trade.id, `${why}; the venue holds no position`);
      return;
    }
    if (kind === 'stop_loss' && this.missingStopPolicy === 'close') {
      this.store.appendAudit(this.audit('stop_missing', trade, { why, decided: 'close the position (onMissingStop=close)' }));
      this.logger.warn({ tradeId: trade.id, why }, 'stop gone while the position is open; closing it (onMissingStop=close)');
      this.alerter.send({ severity: 'critical', kind: 'missing_stop', text: `${trade.venue} ${trade.symbol} trade ${trade.id}: ${why}; closing the position (monitor.onMissingStop=close).` });
      await this.closeTradeLocked(trade.id, `stop missing: ${why}`);
      return;
    }
    this.store.appendAudit(this.audit('protection_replace', trade, { why, decided: 'place it again' }));
    this.logger.warn({ tradeId: trade.id, why }, `${kind} gone while the position is open; placing it again`);
    await this.ensureProtectionLocked(trade.id, why);
  }

  // ------------------------------------------------------------------ protection

  /** Places a missing stop, resizes an undersized one (from the monitor); or closes the position when `mode` is 'close'. */
  async ensureStop(tradeId: string, mode: 'replace' | 'close', reason: string): Promise<void> {
    await this.withLock(tradeId, async () => {
      const trade = this.store.getTrade(tradeId);
      if (!trade || trade.state !== 'open') return;
      if (mode === 'close') {
        this.alerter.send({ severity: 'critical', kind: 'missing_stop', text: `${trade.venue} ${trade.symbol} trade ${trade.id}: ${reason}; closing the position (monitor.onMissingStop=close).` });
        await this.closeTradeLocked(tradeId, `stop missing: ${reason}`);
        return;
      }
      await this.ensureProtectionLocked(tradeId, reason);
    });
  }

  private nextSeq(legs: readonly LegRecord[], kind: LegKind): number {
    let max = 0;
    for (const l of legs) {
      if (l.kind !== kind) continue;
      const parsed = parseClientId(l.clientId, this.config.clientIdPrefix);
      if (parsed && parsed.seq > max) max = parsed.seq;
    }
    return max + 1;
  }

  private async ensureProtectionLocked(tradeId: string, why: string): Promise<void> {
    let trade = this.store.getTrade(tradeId);
    if (!trade || trade.state !== 'open') return;
    // Settle protective legs left in flight (a crash between persisting and the venue's answer).
    for (const leg of this.store.legsOf(tradeId)) {
      if ((leg.kind === 'stop_loss' || leg.kind === 'take_profit') && IN_FLIGHT_LEG_STATES.includes(leg.state)) {
        await this.refreshLegLocked(leg.clientId, 1);
      }
    }
    trade = this.store.getTrade(tradeId);
    if (!trade || trade.state !== 'open') return;
    const qty = openQuantity(trade, this.store.legsOf(tradeId));
    if (!qty.isPositive()) return;
    const stopOk = await this.ensureLegLocked(trade, 'stop_loss', qty, why);
    if (!stopOk) return;
    if (trade.takeProfitPrice !== undefined) await this.ensureLegLocked(trade, 'take_profit', qty, why);
    this.emit({ type: 'protected', tradeId, stopSize: qty });
  }

  /** Makes sure live legs of `kind` cover `qty`: place, or resize (amend; else place anew and cancel the old). */
  private async ensureLegLocked(trade: TradeRecord, kind: 'stop_loss' | 'take_profit', qty: Decimal, why: string): Promise<boolean> {
    const legs = this.store.legsOf(trade.id).filter((l) => l.kind === kind && isLiveLeg(l.state));
    let covered = Decimal.ZERO;
    for (const l of legs) covered = covered.plus(l.size.minus(l.filledSize));
    if (covered.gte(qty)) return true;
    const venue = this.venueOf(trade);
    const current = legs.at(-1);
    if (current && legs.length === 1 && current.venueOrderId !== undefined && current.filledSize.isZero()) {
      const outcome = await venue.amendOrder({
        ref: { symbol: trade.symbol, venueOrderId: current.venueOrderId, clientId: current.clientId },
        size: qty,
        priority: kind === 'stop_loss' ? 'protective' : 'normal',
      });
      this.store.appendAudit(this.audit(`${kind}_resize_outcome`, trade, { clientId: current.clientId, from: current.size.toString(), to: qty.toString(), why, outcome: describeOutcome(outcome) }));
      if (outcome.status === 'accepted') {
        this.store.updateLeg(current.clientId, { size: outcome.order.size, state: mergeLeg(current, outcome.order).state }, this.clock.now(), this.audit(`${kind}_resized`, trade, { clientId: current.clientId, size: outcome.order.size.toString() }));
        return true;
      }
      this.logger.warn({ tradeId: trade.id, clientId: current.clientId, outcome: describeOutcome(outcome) }, `${kind} resize not accepted; placing a new one for the full quantity, then cancelling the old`);
    }
    const placed = kind === 'stop_loss' ? await this.placeStopLocked(trade, qty, why) : await this.placeTakeProfitLocked(trade, qty, why);
    if (placed) {
      for (const old of legs) await this.cancelLegLocked(trade, old, `replaced by a ${kind} for ${qty.toString()}`);
    }
    return placed;
  }

  private protectiveRequest(trade: TradeRecord, kind: 'stop_loss' | 'take_profit', clientId: string, qty: Decimal): OrderRequest {
    const side = oppositeSide(trade.side);
    const instrument = this.instrumentOf(trade);
    if (kind === 'stop_loss') {
      const limit = this.config.stopOrderType === 'stop_limit';
      let price: Decimal | undefined;
      if (limit) {
        const slip = trade.stopPrice.times(this.config.stopLimitSlippagePct).div(100, 12);
        const raw = side === 'sell' ? trade.stopPrice.minus(slip) : trade.stopPrice.plus(slip);
        price = instrument ? roundPrice(instrument, raw, side === 'sell' ? 'floor' : 'ceil') : raw;
      }
      return {
        clientId,
        symbol: trade.symbol,
        side,
        type: this.config.stopOrderType,
        size: qty,
        triggerPrice: trade.stopPrice,
        trigger: this.config.triggerReference,
        ...(price !== undefined ? { price } : {}),
        reduceOnly: true,
        priority: 'protective',
      };
    }
    return {
      clientId,
      symbol: trade.symbol,
      side,
      type: 'take_market',
      size: qty,
      triggerPrice: trade.takeProfitPrice ?? trade.stopPrice,
      trigger: this.config.triggerReference,
      reduceOnly: true,
      priority: 'normal',
    };
  }

  private async placeStopLocked(trade: TradeRecord, qty: Decimal, why: string): Promise<boolean> {
    const reference = this.marks.get(`${trade.venue}|${trade.symbol}`) ?? trade.avgEntryPrice;
    if (reference !== undefined && stopWouldTrigger(trade.side, trade.stopPrice, reference)) {
      const reason = `stop ${trade.stopPrice.toString()} is already through the market (${reference.toString()}); it would trigger at once`;
      this.store.appendAudit(this.audit('stop_would_trigger', trade, { stopPrice: trade.stopPrice.toString(), reference: reference.toString(), decided: 'close the position at market' }));
      await this.emergencyCloseLocked(trade.id, reason);
      return false;
    }
    const result = await this.placeProtectiveLocked(trade, 'stop_loss', qty, why, this.config.stopRetryAttempts);
    if (result.placed) return true;
    const reason = result.immediate
      ? `the venue says the stop would trigger at once (${result.lastError})`
      : `the stop could not be placed after ${this.config.stopRetryAttempts} attempts (last: ${result.lastError})`;
    await this.emergencyCloseLocked(trade.id, reason);
    return false;
  }

  private async placeTakeProfitLocked(trade: TradeRecord, qty: Decimal, why: string): Promise<boolean> {
    const result = await this.placeProtectiveLocked(trade, 'take_profit', qty, why, this.config.takeProfitRetryAttempts);
    if (result.placed) return true;
    this.logger.error({ tradeId: trade.id, lastError: result.lastError }, 'take-profit could not be placed; the position stays protected by its stop; operator alerted');
    this.alerter.send({
      severity: 'warning',
      kind: 'take_profit_failed',
      text: `${trade.venue} ${trade.symbol} trade ${trade.id}: take-profit at ${trade.takeProfitPrice?.toString() ?? '?'} could not be placed (${result.lastError}). The stop is in place; the monitor places it again on its next pass.`,
    });
    return false;
  }

  /**
   * Sends a protective order with retries. After an unknown outcome the venue is asked by client
   * id before the next attempt, so an order that did arrive is adopted, never doubled.
   */
  private async placeProtectiveLocked(
    trade: TradeRecord,
    kind: 'stop_loss' | 'take_profit',
    qty: Decimal,
    why: string,
    attempts: number,
  ): Promise<{ placed: boolean; immediate: boolean; lastError: string }> {
    const venue = this.venueOf(trade);
    const seq = this.nextSeq(this.store.legsOf(trade.id), kind);
    const clientId = clientIdFor(trade.id, kind, seq, this.config.clientIdPrefix);
    const request = this.protectiveRequest(trade, kind, clientId, qty);
    const now = this.clock.now();
    this.store.upsertLeg(
      {
        tradeId: trade.id,
        kind,
        clientId,
        state: 'pending',
        side: request.side,
        type: request.type,
        size: qty,
        filledSize: Decimal.ZERO,
        ...(request.price !== undefined ? { price: request.price } : {}),
        ...(request.triggerPrice !== undefined ? { triggerPrice: request.triggerPrice } : {}),
        createdAtMs: now,
        updatedAtMs: now,
      },
      this.audit(`${kind}_submit`, trade, { why, request: describeRequest(request) }),
    );
    let lastUnknown = false;
    let lastError = 'no attempt made';
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (lastUnknown && (await this.adoptIfExists(trade, clientId, attempt))) return { placed: true, immediate: false, lastError };
      // A definite rejection means the order does not exist: the same client id is free for the next attempt.
      if (attempt > 1) this.store.updateLeg(clientId, { state: 'pending' }, this.clock.now());
      const outcome = await venue.submitOrder(request);
      this.store.appendAudit(this.audit(`${kind}_outcome`, trade, { clientId, attempt, outcome: describeOutcome(outcome) }));
      if (outcome.status === 'accepted') {
        this.notFoundCounts.delete(clientId);
        await this.applySnapshotLocked(clientId, outcome.order, 'submit response');
        this.logger.info({ tradeId: trade.id, clientId, size: qty.toString(), attempt }, `${kind} placed`);
        return { placed: true, immediate: false, lastError };
      }
      if (outcome.status === 'rejected') {
        lastUnknown = false;
        lastError = `${outcome.code} ${outcome.reason}`;
        this.store.updateLeg(clientId, { state: 'rejected' }, this.clock.now());
        if (kind === 'stop_loss' && isImmediateTriggerRejection(outcome.code, outcome.reason)) {
          return { placed: false, immediate: true, lastError };
        }
      } else {
        lastUnknown = true;
        lastError = `unknown: ${outcome.reason}`;
        this.store.updateLeg(clientId, { state: 'unknown' }, this.clock.now());
      }
      this.logger.warn({ tradeId: trade.id, clientId, attempt, attempts, lastError }, `${kind} attempt failed; ${attempt < attempts ? 'retrying after backoff' : 'no attempts left'}`);
      if (attempt < attempts) await this.sleep(this.config.stopRetryBaseDelayMs * 2 ** (attempt - 1));
    }
    if (lastUnknown && (await this.adoptIfExists(trade, clientId, attempts + 1))) return { placed: true, immediate: false, lastError };
    this.store.updateLeg(
      clientId,
      { state: lastUnknown ? 'lost' : 'rejected' },
      this.clock.now(),
      this.audit(`${kind}_failed`, trade, { clientId, attempts, lastError, decided: kind === 'stop_loss' ? 'close the position at market' : 'alert; the stop still protects' }),
    );
    return { placed: false, immediate: false, lastError };
  }

  private async adoptIfExists(trade: TradeRecord, clientId: string, attempt: number): Promise<boolean> {
    const lookup = await this.venueOf(trade).getOrder({ symbol: trade.symbol, clientId });
    this.store.appendAudit(this.audit('lookup_before_retry', trade, { clientId, attempt, result: lookup.status }));
    if (lookup.status !== 'found') return false;
    await this.applySnapshotLocked(clientId, lookup.order, 'lookup before retry');
    return isLiveLeg(lookup.order.status) || lookup.order.status === 'filled';
  }

  private async emergencyCloseLocked(tradeId: string, reason: string): Promise<void> {
    const trade = this.store.getTrade(tradeId);
    if (!trade) return;
    this.store.appendAudit(this.audit('emergency_close', trade, { reason, decided: 'close at market (reduce-only) now' }));
    this.logger.error({ tradeId, venue: trade.venue, symbol: trade.symbol }, `no stop on an open position: ${reason}; closing at market`);
    this.alerter.send({
      severity: 'critical',
      kind: 'emergency_close',
      text: `EMERGENCY CLOSE ${trade.venue} ${trade.symbol} trade ${trade.id}: ${reason}. Closing the position at market.`,
    });
    this.emit({ type: 'emergency_close', tradeId, reason });
    const result = await this.closeTradeLocked(tradeId, `emergency: ${reason}`);
    if (!result.flat) {
      this.alerter.send({
        severity: 'critical',
        kind: 'emergency_close',
        text: `EMERGENCY CLOSE of ${trade.venue} ${trade.symbol} trade ${trade.id} NOT confirmed flat (${result.error ?? 'position remains'}). Check the venue by hand.`,
      });
    }
  }

  // ------------------------------------------------------------------ closing

  /** Reduce-only market close, then cancel the trade's remaining orders, then confirm flat over the API. */
  async closeTrade(tradeId: string, reason = 'close requested'): Promise<CloseResult> {
    return this.withLock(tradeId, () => this.closeTradeLocked(tradeId, reason));
  }

  private async closeTradeLocked(tradeId: string, reason: string): Promise<CloseResult> {
    const trade = this.store.getTrade(tradeId);
    const none: CloseResult = { tradeId, flat: true, closedSize: Decimal.ZERO, cancelled: [], failedCancels: [] };
    if (!trade) return { ...none, flat: false, error: `trade ${tradeId} is not in the store` };
    if (!isActiveTrade(trade.state)) return none;
    const venue = this.venueOf(trade);
    const cancelled: string[] = [];
    const failedCancels: { clientId: string; error: string }[] = [];
    this.store.updateTrade(tradeId, { state: 'closing', closeReason: reason }, this.clock.now(), this.audit('close_requested', trade, { reason, previousState: trade.state }));

    // 1. A working entry must not fill any more.
    const entry = this.store.legsOf(tradeId).find((l) => l.kind === 'entry');
    if (entry && isLiveLeg(entry.state)) {
      const r = await this.cancelLegLocked(trade, entry, 'closing the trade');
      if (r.ok) cancelled.push(entry.clientId);
      else failedCancels.push({ clientId: entry.clientId, error: r.error });
    }

    // 2. Close what is open, bounded by what the venue actually holds.
    let closedSize = Decimal.ZERO;
    let current = this.store.getTrade(tradeId) ?? trade;
    const qty = openQuantity(current, this.store.legsOf(tradeId));
    if (qty.isPositive()) {
      let position: Decimal;
      try {
        position = (await venue.positions()).find((p) => p.symbol === trade.symbol)?.size ?? Decimal.ZERO;
      } catch (err) {
        return this.closeFailed(trade, `could not read positions: ${errorText(err)}`, cancelled, failedCancels);
      }
      const sameSide = trade.side === 'buy' ? position.isPositive() : position.isNegative();
      const instrument = this.instrumentOf(trade);
      let closeQty = sameSide ? Decimal.min(qty, position.abs()) : Decimal.ZERO;
      if (instrument) closeQty = roundSize(instrument, closeQty);
      this.store.appendAudit(this.audit('close_sizing', trade, { openQty: qty.toString(), venuePosition: position.toString(), closeQty: closeQty.toString() }));
      if (closeQty.isPositive()) {
        const sent = await this.sendCloseLocked(trade, closeQty);
        if (!sent.ok) return this.closeFailed(trade, sent.error, cancelled, failedCancels);
        closedSize = sent.filled;
      }
    }

    // 3. Cancel the companions.
    for (const leg of this.store.legsOf(tradeId)) {
      if (leg.kind === 'close' || !isLiveLeg(leg.state)) continue;
      const r = await this.cancelLegLocked(trade, leg, 'trade closed');
      if (r.ok) cancelled.push(leg.clientId);
      else failedCancels.push({ clientId: leg.clientId, error: r.error });
    }

    // 4. Confirm flat over the API: the venue holds no more than the daemon's other trades there.
    const flat = await this.confirmFlat(trade);
    current = this.store.getTrade(tradeId) ?? trade;
    if (!flat.ok) {
      this.store.appendAudit(this.audit('close_not_flat', trade, { detail: flat.detail, decided: 'report; the caller retries' }));
      if (current.state === 'closing') {
        this.store.updateTrade(tradeId, { state: 'open' }, this.clock.now(), this.audit('close_failed', trade, { error: flat.detail, decided: 'back to open so the monitor keeps it protected' }));
      }
      return { tradeId, flat: false, closedSize, cancelled, failedCancels, error: flat.detail };
    }
    if (isActiveTrade(current.state)) await this.finalizeClosed(current, reason, 'close confirmed flat over the API');
    return { tradeId, flat: true, closedSize, cancelled, failedCancels };
  }

  private closeFailed(trade: TradeRecord, error: string, cancelled: string[], failedCancels: { clientId: string; error: string }[]): CloseResult {
    const current = this.store.getTrade(trade.id);
    this.logger.error({ tradeId: trade.id, venue: trade.venue, symbol: trade.symbol }, `close failed: ${error}; trade kept open with its stop; retry or close by hand`);
    if (current?.state === 'closing') {
      this.store.updateTrade(trade.id, { state: 'open' }, this.clock.now(), this.audit('close_failed', trade, { error, decided: 'back to open so the monitor keeps it protected' }));
    }
    return { tradeId: trade.id, flat: false, closedSize: Decimal.ZERO, cancelled, failedCancels, error };
  }

  private async confirmFlat(trade: TradeRecord): Promise<{ ok: boolean; detail: string }> {
    let position: Decimal;
    try {
      position = (await this.venueOf(trade).positions()).find((p) => p.symbol === trade.symbol)?.size ?? Decimal.ZERO;
    } catch (err) {
      return { ok: false, detail: `could not read positions: ${errorText(err)}` };
    }
    let others = Decimal.ZERO;
    for (const t of this.store.listTrades({ states: ['open', 'closing'], venue: trade.venue })) {
      if (t.id === trade.id || t.symbol !== trade.symbol) continue;
      const q = openQuantity(t, this.store.legsOf(t.id));
      others = others.plus(t.side === 'buy' ? q : q.neg());
    }
    const ok = position.eq(others);
    return { ok, detail: `venue position ${position.toString()}, other daemon trades ${others.toString()}` };
  }

  private async sendCloseLocked(trade: TradeRecord, qty: Decimal): Promise<{ ok: true; filled: Decimal } | { ok: false; error: string }> {
    const venue = this.venueOf(trade);
    const clientId = clientIdFor(trade.id, 'close', this.nextSeq(this.store.legsOf(trade.id), 'close'), this.config.clientIdPrefix);
    const request: OrderRequest = { clientId, symbol: trade.symbol, side: oppositeSide(trade.side), type: 'market', size: qty, reduceOnly: true, priority: 'protective' };
    const now = this.clock.now();
    this.store.upsertLeg(
      { tradeId: trade.id, kind: 'close', clientId, state: 'pending', side: request.side, type: 'market', size: qty, filledSize: Decimal.ZERO, createdAtMs: now, updatedAtMs: now },
      this.audit('close_submit', trade, { request: describeRequest(request) }),
    );
    let lastUnknown = false;
    let lastError = '';
    let accepted = false;
    for (let attempt = 1; attempt <= this.config.closeRetryAttempts && !accepted; attempt += 1) {
      if (lastUnknown && (await this.adoptIfExists(trade, clientId, attempt))) {
        accepted = true;
        break;
      }
      if (attempt > 1) this.store.updateLeg(clientId, { state: 'pending' }, this.clock.now());
      const outcome = await venue.submitOrder(request);
      this.store.appendAudit(this.audit('close_outcome', trade, { clientId, attempt, outcome: describeOutcome(outcome) }));
      if (outcome.status === 'accepted') {
        await this.applySnapshotLocked(clientId, outcome.order, 'submit response');
        accepted = true;
        break;
      }
      lastUnknown = outcome.status === 'unknown';
      lastError = outcome.status === 'rejected' ? `${outcome.code} ${outcome.reason}` : `unknown: ${outcome.reason}`;
      this.store.updateLeg(clientId, { state: lastUnknown ? 'unknown' : 'rejected' }, this.clock.now());
      this.logger.warn({ tradeId: trade.id, clientId, attempt, lastError }, 'close order attempt failed; retrying after backoff');
      if (attempt < this.config.closeRetryAttempts) await this.sleep(this.config.stopRetryBaseDelayMs * 2 ** (attempt - 1));
    }
    if (!accepted && lastUnknown && (await this.adoptIfExists(trade, clientId, this.config.closeRetryAttempts + 1))) accepted = true;
    if (!accepted) {
      this.store.updateLeg(clientId, { state: lastUnknown ? 'lost' : 'rejected' }, this.clock.now(), this.audit('close_order_failed', trade, { clientId, lastError }));
      return { ok: false, error: `close order not accepted: ${lastError}` };
    }
    // Market orders normally fill at once; poll until the leg is terminal.
    for (let poll = 0; poll < this.config.closePollAttempts; poll += 1) {
      const leg = this.store.getLeg(clientId);
      if (leg && isTerminal(leg.state as OrderStatus)) return { ok: true, filled: leg.filledSize };
      await this.sleep(this.config.closePollDelayMs);
      const lookup = await venue.getOrder({ symbol: trade.symbol, clientId });
      if (lookup.status === 'found') await this.applySnapshotLocked(clientId, lookup.order, 'close poll');
    }
    const leg = this.store.getLeg(clientId);
    return leg && leg.filledSize.isPositive() ? { ok: true, filled: leg.filledSize } : { ok: false, error: 'close order did not fill in time' };
  }

  /** Cancels one leg on the venue and records the result; a "not found" answer is settled by a look-up. */
  private async cancelLegLocked(trade: TradeRecord, leg: LegRecord, reason: string): Promise<{ ok: true } | { ok: false; error: string }> {
    const venue = this.venueOf(trade);
    this.cancelling.add(leg.clientId);
    const outcome = await venue.cancelOrder(
      { symbol: trade.symbol, clientId: leg.clientId, ...(leg.venueOrderId !== undefined ? { venueOrderId: leg.venueOrderId } : {}) },
      'protective',
    );
    this.store.appendAudit(
      this.audit('cancel_outcome', trade, {
        clientId: leg.clientId,
        kind: leg.kind,
        reason,
        outcome: outcome.status === 'rejected' ? { status: 'rejected', code: outcome.code, reason: outcome.reason, notFound: outcome.notFound } : { status: outcome.status },
      }),
    );
    if (outcome.status === 'accepted') {
      if (outcome.order) await this.applySnapshotLocked(leg.clientId, outcome.order, 'cancel response');
      const after = this.store.getLeg(leg.clientId);
      if (after && isLiveLeg(after.state)) this.store.updateLeg(leg.clientId, { state: 'cancelled' }, this.clock.now());
      return { ok: true };
    }
    // Rejected as not found, or no answer: ask what the order is now.
    const lookup = await venue.getOrder({ symbol: trade.symbol, clientId: leg.clientId, ...(leg.venueOrderId !== undefined ? { venueOrderId: leg.venueOrderId } : {}) });
    if (lookup.status === 'found') {
      await this.applySnapshotLocked(leg.clientId, lookup.order, 'lookup after cancel');
      if (isTerminal(lookup.order.status)) return { ok: true };
      return { ok: false, error: outcome.status === 'rejected' ? `${outcome.code} ${outcome.reason}` : `unknown: ${outcome.reason}` };
    }
    if (lookup.status === 'not_found' && (outcome.status !== 'rejected' || outcome.notFound)) {
      this.store.updateLeg(leg.clientId, { state: IN_FLIGHT_LEG_STATES.includes(leg.state) ? 'lost' : 'cancelled' }, this.clock.now(), this.audit('cancel_not_found', trade, { clientId: leg.clientId, decided: 'nothing left on the venue' }));
      return { ok: true };
    }
    const error = outcome.status === 'rejected' ? `${outcome.code} ${outcome.reason}` : `unknown: ${outcome.reason}`;
    this.logger.warn({ tradeId: trade.id, clientId: leg.clientId, error }, 'cancel not confirmed; the monitor retries on its next pass');
    return { ok: false, error };
  }

  /** Cancels the trade's live companions (stop, take-profit): the sibling of a filled exit. */
  async cancelCompanions(tradeId: string, reason: string): Promise<string[]> {
    return this.withLock(tradeId, async () => {
      const trade = this.store.getTrade(tradeId);
      if (!trade) return [];
      const done: string[] = [];
      for (const leg of this.store.legsOf(tradeId)) {
        if ((leg.kind !== 'stop_loss' && leg.kind !== 'take_profit') || !isLiveLeg(leg.state)) continue;
        if (trade.state === 'open' && openQuantity(trade, this.store.legsOf(tradeId)).isPositive()) continue; // still needed
        const r = await this.cancelLegLocked(trade, leg, reason);
        if (r.ok) done.push(leg.clientId);
      }
      return done;
    });
  }

  /** Cancels one of our orders that no active trade accounts for. Refuses anything without our prefix. */
  async cancelOrphan(venueId: string, order: OrderSnapshot, reason: string): Promise<boolean> {
    const parsed = parseClientId(order.clientId, this.config.clientIdPrefix);
    const venue = this.venues.get(venueId);
    if (!parsed || !venue) return false; // never touch an order the daemon did not create
    const outcome = await venue.cancelOrder({ symbol: order.symbol, venueOrderId: order.venueOrderId, ...(order.clientId !== undefined ? { clientId: order.clientId } : {}) }, 'protective');
    const ok = outcome.status === 'accepted' || (outcome.status === 'rejected' && outcome.notFound);
    const knownTrade = this.store.getTrade(parsed.tradeId);
    this.store.appendAudit({
      tsMs: this.clock.now(),
      component: COMPONENT,
      action: ok ? 'orphan_cancelled' : 'orphan_cancel_failed',
      ...(knownTrade ? { tradeId: knownTrade.id } : {}),
      venue: venueId,
      detail: { clientId: order.clientId, venueOrderId: order.venueOrderId, reason, outcome: outcome.status },
    });
    const leg = order.clientId !== undefined ? this.store.getLeg(order.clientId) : undefined;
    if (ok && leg && isLiveLeg(leg.state)) this.store.updateLeg(leg.clientId, { state: 'cancelled' }, this.clock.now());
    if (ok) this.logger.info({ venue: venueId, clientId: order.clientId, reason }, 'orphaned daemon order cancelled');
    else this.logger.warn({ venue: venueId, clientId: order.clientId, reason, outcome: outcome.status }, 'orphan cancel not confirmed; retried on the next pass');
    return ok;
  }

  /**
   * The venue shows no position for an open trade (closed by hand, or its stop filled while the
   * daemon was away): re-check, settle its legs, cancel its companions and book it closed with
   * the P&L from the venue's fills.
   */
  async handlePositionGone(tradeId: string, reason: string): Promise<boolean> {
    return this.withLock(tradeId, () => this.positionGoneLocked(tradeId, reason));
  }

  private async positionGoneLocked(tradeId: string, reason: string): Promise<boolean> {
    if (this.settlingGone.has(tradeId)) return false;
    this.settlingGone.add(tradeId);
    try {
      return await this.settlePositionGoneLocked(tradeId, reason);
    } finally {
      this.settlingGone.delete(tradeId);
    }
  }

  private async settlePositionGoneLocked(tradeId: string, reason: string): Promise<boolean> {
    const trade = this.store.getTrade(tradeId);
    if (!trade || !isActiveTrade(trade.state)) return false;
    const venue = this.venueOf(trade);
    const position = (await venue.positions()).find((p) => p.symbol === trade.symbol)?.size ?? Decimal.ZERO;
    if (!position.isZero()) {
      this.store.appendAudit(this.audit('position_gone_recheck', trade, { position: position.toString(), decided: 'position is back; leave the trade as it is' }));
      return false;
    }
    // Settle every live leg from the venue (an exit that filled while we were away books the close).
    for (const leg of this.store.legsOf(tradeId)) {
      if (isLiveLeg(leg.state)) await this.refreshLegLocked(leg.clientId, 1);
    }
    // Fills from the venue: ours are booked to their legs; foreign opposite-side fills after our
    // entry close the remainder (a hand close).
    const fills = await venue.fillsSince(trade.createdAtMs, trade.symbol);
    const legs = this.store.legsOf(tradeId);
    const byClient = new Map(legs.map((l) => [l.clientId, l]));
    const byVenueId = new Map(legs.filter((l) => l.venueOrderId !== undefined).map((l) => [l.venueOrderId as string, l]));
    const entries: Execution[] = [];
    const exits: Execution[] = [];
    let exitQty = Decimal.ZERO;
    const foreign: Fill[] = [];
    for (const f of fills) {
      const leg = (f.clientId !== undefined ? byClient.get(f.clientId) : undefined) ?? byVenueId.get(f.venueOrderId);
      if (!leg) {
        if (f.side !== trade.side && parseClientId(f.clientId, this.config.clientIdPrefix) === undefined) foreign.push(f);
        continue;
      }
      this.bookFill(venue, f, tradeId, 'reconcile');
      const ex: Execution = { size: f.size, price: f.price, fee: f.fee, feeCurrency: f.feeCurrency };
      if (leg.kind === 'entry') entries.push(ex);
      else {
        exits.push(ex);
        exitQty = exitQty.plus(f.size);
      }
    }
    const current = this.store.getTrade(tradeId) ?? trade;
    let outsideQty = Decimal.ZERO;
    const lastEntryTs = Math.max(trade.createdAtMs, ...fills.filter((f) => byClient.get(f.clientId ?? '')?.kind === 'entry').map((f) => f.tsMs));
    for (const f of foreign) {
      const remaining = current.filledSize.minus(exitQty).minus(outsideQty);
      if (!remaining.isPositive()) break;
      if (f.tsMs < lastEntryTs) continue;
      const size = Decimal.min(remaining, f.size);
      exits.push({ size, price: f.price, fee: f.fee, feeCurrency: f.feeCurrency });
      outsideQty = outsideQty.plus(size);
      this.bookFill(venue, f, tradeId, 'reconcile: closed outside the daemon');
    }
    // Cancel the companions still on the venue.
    for (const leg of this.store.legsOf(tradeId)) {
      if (!isLiveLeg(leg.state)) continue;
      await this.cancelLegLocked(current, leg, 'position gone');
    }
    const after = this.store.getTrade(tradeId) ?? current;
    if (!isActiveTrade(after.state)) return true; // an exit leg's fill already booked it
    const instrument = this.instrumentOf(after);
    const pnl = instrument ? realizedPnl(instrument, after.side, entries.length > 0 ? entries : this.entryExecutions(after), exits) : Decimal.ZERO;
    const now = this.clock.now();
    const closeReason = outsideQty.isPositive() ? `closed outside the daemon (${reason})` : `position gone (${reason})`;
    this.store.updateTrade(
      tradeId,
      { state: 'closed', realizedPnl: pnl, closedAtMs: now, closeReason },
      now,
      this.audit('booked_closed', after, {
        reason,
        venuePosition: '0',
        exitsByDaemon: exitQty.toString(),
        exitsOutside: outsideQty.toString(),
        exitAvgPrice: averagePrice(exits)?.toString(),
        realizedPnl: pnl.toString(),
        decided: 'companions cancelled; trade booked closed from the venue fills',
      }),
    );
    this.logger.warn({ tradeId, venue: after.venue, symbol: after.symbol, pnl: pnl.toString() }, 'position closed outside the daemon; companions cancelled and trade booked closed');
    this.alerter.send({ severity: 'warning', kind: 'closed_outside', text: `${after.venue} ${after.symbol} trade ${after.id} was closed outside the daemon; its orders were cancelled and it is booked closed (P&L ${pnl.toString()}).` });
    this.emit({ type: 'closed', tradeId, reason: closeReason, realizedPnl: pnl });
    return true;
  }

  private entryExecutions(trade: TradeRecord): Execution[] {
    return trade.avgEntryPrice !== undefined && trade.filledSize.isPositive() ? [{ size: trade.filledSize, price: trade.avgEntryPrice }] : [];
  }

  /** Books a trade closed with P&L from its legs (fees from the recorded fills). */
  private async finalizeClosed(trade: TradeRecord, reason: string, why: string): Promise<void> {
    const legs = this.store.legsOf(trade.id);
    const instrument = this.instrumentOf(trade);
    const fills = this.store.fillsOf(trade.id);
    const feeOf = (clientId: string): { fee: Decimal; feeCurrency?: string } => {
      let fee = Decimal.ZERO;
      let feeCurrency: string | undefined;
      for (const f of fills) {
        if (f.clientId !== clientId) continue;
        fee = fee.plus(f.fee);
        feeCurrency = f.feeCurrency;
      }
      return { fee, ...(feeCurrency !== undefined ? { feeCurrency } : {}) };
    };
    const entries: Execution[] = [];
    const exits: Execution[] = [];
    for (const leg of legs) {
      if (!leg.filledSize.isPositive() || leg.avgFillPrice === undefined) continue;
      const ex: Execution = { size: leg.filledSize, price: leg.avgFillPrice, ...feeOf(leg.clientId) };
      if (leg.kind === 'entry') entries.push(ex);
      else exits.push(ex);
    }
    const pnl = instrument ? realizedPnl(instrument, trade.side, entries, exits) : Decimal.ZERO;
    const now = this.clock.now();
    this.store.updateTrade(
      trade.id,
      { state: 'closed', realizedPnl: pnl, closedAtMs: now, closeReason: reason },
      now,
      this.audit('trade_closed', trade, { reason, why, realizedPnl: pnl.toString(), exitAvgPrice: averagePrice(exits)?.toString() }),
    );
    this.logger.info({ tradeId: trade.id, venue: trade.venue, symbol: trade.symbol, pnl: pnl.toString(), reason }, 'trade closed');
    this.emit({ type: 'closed', tradeId: trade.id, reason, realizedPnl: pnl });
  }

  /**
   * Flattens everything the daemon owns: closes every active trade, cancels every order carrying
   * our prefix, verifies over the API that no daemon position or order remains, and retries what
   * failed for up to `flattenRounds` rounds. Never touches orders without our prefix.
   */
  async closeAll(reason: string): Promise<FlattenReport> {
    const closed = new Set<string>();
    const cancelledOrders: string[] = [];
    let failedTrades: { tradeId: string; error: string }[] = [];
    let failedCancels: { venue: string; clientId: string; error: string }[] = [];
    const symbols = new Map<string, Set<string>>();
    let flat = false;
    let round = 0;
    this.store.appendAudit({ tsMs: this.clock.now(), component: COMPONENT, action: 'close_all', detail: { reason } });
    while (round < this.config.flattenRounds && !flat) {
      round += 1;
      failedTrades = [];
      failedCancels = [];
      for (const { trade } of this.activeTrades()) {
        const set = symbols.get(trade.venue) ?? new Set<string>();
        set.add(trade.symbol);
        symbols.set(trade.venue, set);
        try {
          const r = await this.closeTrade(trade.id, reason);
          for (const c of r.cancelled) cancelledOrders.push(c);
          if (r.flat) closed.add(trade.id);
          else failedTrades.push({ tradeId: trade.id, error: r.error ?? 'not flat' });
        } catch (err) {
          this.logger.error({ err, tradeId: trade.id }, 'closing a trade during flatten threw; retried in the next round');
          failedTrades.push({ tradeId: trade.id, error: errorText(err) });
        }
      }
      flat = failedTrades.length === 0;
      for (const venue of this.venues.values()) {
        try {
          for (const order of await venue.openOrders()) {
            if (!parseClientId(order.clientId, this.config.clientIdPrefix)) continue;
            if (await this.cancelOrphan(venue.id, order, reason)) cancelledOrders.push(order.clientId ?? order.venueOrderId);
            else {
              failedCancels.push({ venue: venue.id, clientId: order.clientId ?? order.venueOrderId, error: 'cancel not confirmed' });
              flat = false;
            }
          }
          // Verify: no daemon order left, no position on a symbol the daemon traded.
          const left = (await venue.openOrders()).filter((o) => parseClientId(o.clientId, this.config.clientIdPrefix));
          const positions = (await venue.positions()).filter((p) => symbols.get(venue.id)?.has(p.symbol) && !p.size.isZero());
          if (left.length > 0 || positions.length > 0) flat = false;
        } catch (err) {
          this.logger.error({ err, venue: venue.id }, 'flatten could not read or cancel orders on this venue; retried in the next round');
          failedCancels.push({ venue: venue.id, clientId: '*', error: errorText(err) });
          flat = false;
        }
      }
      if (!flat && round < this.config.flattenRounds) await this.sleep(this.config.closePollDelayMs);
    }
    const report: FlattenReport = { reason, closedTrades: [...closed], failedTrades, cancelledOrders: [...new Set(cancelledOrders)], failedCancels, flat, rounds: round };
    this.store.appendAudit({ tsMs: this.clock.now(), component: COMPONENT, action: 'close_all_done', detail: { ...report } });
    return report;
  }

  /** Client ids of live legs whose venue outcome is not yet known (for the monitor). */
  inFlightLegs(venue: string): LegRecord[] {
    return this.activeTrades(venue).flatMap((t) => t.legs.filter((l) => IN_FLIGHT_LEG_STATES.includes(l.state)));
  }
}

export type { TradeIntent } from './validation.js';
