/**
 * OrderManager: no position without a stop. Persists every intent before sending, places a
 * reduce-only stop-loss and take-profit for the quantity actually filled, retries the stop and
 * closes at market when it cannot be placed, settles unknown outcomes by client id (never a second
 * entry), and closes trades (reduce-only market, cancel companions, confirm flat over the API).
 * Every state change is written to the store, with an audit entry saying why, before the next step.
 *
 * This class is the public facade; the work is done by collaborators sharing one OrderContext:
 * - entries.ts        entry gate, validation and risk check, persist-then-send, unknown look-ups
 * - leg-updates.ts    venue events and leg snapshots, and the trade's next step after each
 * - protection.ts     stop-loss / take-profit placement, resizing, retries, emergency close
 * - closing.ts        closeTrade, leg cancels, companions, orphans, booking a trade closed
 * - position-gone.ts  booking a trade whose position vanished, from the venue's fills
 * - flatten.ts        closeAll for the kill switch
 * with the pure rules in leg-rules.ts, requests.ts, settlement.ts and audit-format.ts.
 */
import type { Flattener, FlattenReport } from '../domain/flatten.js';
import type { OrderSnapshot } from '../domain/order.js';
import type { LegRecord } from '../domain/trade.js';
import { Closing } from './closing.js';
import type { OrdersConfig } from './config.js';
import { activeTradesOf, createOrderContext, type OrderContext, type OrderPeers } from './context.js';
import { Entries } from './entries.js';
import { closeAll } from './flatten.js';
import { LegUpdates } from './leg-updates.js';
import { PositionGone } from './position-gone.js';
import { Protection } from './protection.js';
import { IN_FLIGHT_LEG_STATES, type LocalTrade } from './reconcile.js';
import type { CloseResult, OpenTradeResult, OrderManagerOptions, TradeEventListener } from './types.js';
import type { TradeIntent } from './validation.js';

export { mergeLeg } from './leg-rules.js';
export type { CloseResult, OpenTradeResult, OrderManagerOptions, TradeEvent, TradeEventListener } from './types.js';

export class OrderManager implements Flattener {
  readonly config: OrdersConfig;
  private readonly ctx: OrderContext;
  private readonly entries: Entries;
  private readonly legs: LegUpdates;
  private readonly protection: Protection;
  private readonly closing: Closing;
  private readonly positionGone: PositionGone;
  private readonly unsubscribers: (() => void)[] = [];

  constructor(options: OrderManagerOptions) {
    this.ctx = createOrderContext(options);
    this.config = this.ctx.config;
    // The collaborators call into one another (a fill protects, a lost stop closes, ...): each sees
    // the others through `peers`, whose getters resolve once all of them exist.
    const peers: OrderPeers = {
      get legs() {
        return legs;
      },
      get protection() {
        return protection;
      },
      get closing() {
        return closing;
      },
      get positionGone() {
        return positionGone;
      },
    };
    const legs = new LegUpdates(this.ctx, peers);
    const protection = new Protection(this.ctx, peers);
    const closing = new Closing(this.ctx, peers);
    const positionGone = new PositionGone(this.ctx, peers);
    this.legs = legs;
    this.protection = protection;
    this.closing = closing;
    this.positionGone = positionGone;
    this.entries = new Entries(this.ctx, peers, options.guard);
  }

  // ------------------------------------------------------------------ lifecycle and wiring

  /** Subscribes to every venue's events. Idempotent. */
  start(): void {
    if (this.unsubscribers.length > 0) return;
    for (const venue of this.ctx.venues.values()) {
      this.unsubscribers.push(venue.subscribe((event) => this.legs.onVenueEvent(venue, event)));
    }
  }

  /** Unsubscribes from the venues; in-flight work finishes on its own. */
  stop(): void {
    for (const u of this.unsubscribers.splice(0)) u();
  }

  /** Entries wait for `until` (the start-up reconciliation) before anything is validated or sent. */
  holdEntriesUntil(until: Promise<unknown>): void {
    this.entries.holdUntil(until);
  }

  /** True once the start-up reconciliation has finished (or none was asked for). */
  entriesOpen(): boolean {
    return this.entries.isOpen();
  }

  /**
   * What to do when an open position's stop disappears (cancelled or lost on the venue): place
   * it again (default) or close the position. The PositionMonitor sets it from `monitor.onMissingStop`.
   */
  setMissingStopPolicy(policy: 'replace' | 'close'): void {
    this.ctx.missingStopPolicy = policy;
  }

  onTradeEvent(listener: TradeEventListener): () => void {
    this.ctx.listeners.add(listener);
    return () => this.ctx.listeners.delete(listener);
  }

  venueIds(): string[] {
    return [...this.ctx.venues.keys()];
  }

  /** Trades that may still have orders or a position, with their legs. */
  activeTrades(venue?: string): LocalTrade[] {
    return activeTradesOf(this.ctx.store, venue);
  }

  /** Client ids of live legs whose venue outcome is not yet known (for the monitor). */
  inFlightLegs(venue: string): LegRecord[] {
    return this.activeTrades(venue).flatMap((t) => t.legs.filter((l) => IN_FLIGHT_LEG_STATES.includes(l.state)));
  }

  // ------------------------------------------------------------------ entries

  /**
   * Validates, checks risk and the kill switch, persists the trade and its entry leg, then sends
   * the entry. Waits for the start-up reconciliation first (up to `entryGateTimeoutMs`).
   */
  async openTrade(intent: TradeIntent): Promise<OpenTradeResult> {
    return this.entries.openTrade(intent);
  }

  /** Cancels a working entry; what filled stays protected. */
  async cancelEntry(tradeId: string, reason = 'cancel requested'): Promise<boolean> {
    return this.entries.cancelEntry(tradeId, reason);
  }

  // ------------------------------------------------------------------ applying venue state

  /** Applies a venue snapshot of one of our orders (from the monitor). */
  async applyLegSnapshot(clientId: string, order: OrderSnapshot, source = 'reconcile'): Promise<void> {
    return this.legs.applyLegSnapshot(clientId, order, source);
  }

  /**
   * Asks the venue for one of our orders by client id and applies the answer. A leg whose outcome
   * was unknown is marked lost after `lostAfterNotFound` consecutive "not found" answers; a leg
   * the venue had acknowledged is marked lost at the first one.
   */
  async refreshLeg(clientId: string, options: { lostAfterNotFound?: number } = {}): Promise<'found' | 'not_found' | 'unknown'> {
    return this.legs.refreshLeg(clientId, options.lostAfterNotFound ?? Number.POSITIVE_INFINITY);
  }

  /** After a restart: books the venue's fills of active trades that the store lacks (pushes the killed process never got). */
  async bookGapFills(venueId: string): Promise<number> {
    const venue = this.ctx.venues.get(venueId);
    return venue ? this.legs.bookGapFills(venue) : 0;
  }

  // ------------------------------------------------------------------ protection

  /**
   * Places a missing stop, resizes an undersized one (from the monitor); or closes the position when
   * `mode` is 'close'. With `stopOnly` the take-profit is left alone (the monitor repairs it later in the pass).
   */
  async ensureStop(
    tradeId: string,
    mode: 'replace' | 'close',
    reason: string,
    options: { readonly stopOnly?: boolean } = {},
  ): Promise<void> {
    return this.protection.ensureStop(tradeId, mode, reason, options);
  }

  /** True while a take-profit refused as already through the market waits for the mark (or a growing delay) before it is sent again. */
  takeProfitOnHold(tradeId: string): boolean {
    return this.protection.takeProfitOnHold(tradeId);
  }

  // ------------------------------------------------------------------ closing

  /** Reduce-only market close, then cancel the trade's remaining orders, then confirm flat over the API. */
  async closeTrade(tradeId: string, reason = 'close requested'): Promise<CloseResult> {
    return this.closing.closeTrade(tradeId, reason);
  }

  /** Finishes a close interrupted by a crash (the trade is still 'closing' and no close is running); undefined when there was none. */
  async resumeClose(tradeId: string, why: string): Promise<CloseResult | undefined> {
    return this.closing.resumeClose(tradeId, why);
  }

  /**
   * Books an open trade whose exit legs filled its whole entry closed from its own legs (from the
   * monitor), cancelling what still rests. False when it no longer qualifies.
   */
  async settleExited(tradeId: string, why: string): Promise<boolean> {
    return this.closing.settleExited(tradeId, why);
  }

  /** Cancels the trade's live companions (stop, take-profit): the sibling of a filled exit. */
  async cancelCompanions(tradeId: string, reason: string): Promise<string[]> {
    return this.closing.cancelCompanions(tradeId, reason);
  }

  /**
   * Cancels one of our orders that no active trade accounts for. Refuses anything without our prefix,
   * and (re-checked under the trade's lock) a live leg of an active trade unless `evenIfLive`.
   */
  async cancelOrphan(
    venueId: string,
    order: OrderSnapshot,
    reason: string,
    options: { readonly evenIfLive?: boolean } = {},
  ): Promise<boolean> {
    return this.closing.cancelOrphan(venueId, order, reason, options);
  }

  /**
   * The venue shows no position for an open trade (closed by hand, or its stop filled while the
   * daemon was away): re-check, settle its legs, cancel its companions and book it closed with
   * the P&L from the venue's fills.
   */
  async handlePositionGone(tradeId: string, reason: string): Promise<boolean> {
    return this.positionGone.handlePositionGone(tradeId, reason);
  }

  /**
   * Flattens everything the daemon owns: closes every active trade, cancels every order carrying
   * our prefix, verifies over the API that no daemon position or order remains, and retries what
   * failed for up to `flattenRounds` rounds. Never touches orders without our prefix.
   */
  async closeAll(reason: string): Promise<FlattenReport> {
    return closeAll(this.ctx, this, reason);
  }
}

export type { TradeIntent } from './validation.js';
