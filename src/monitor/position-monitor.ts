/**
 * PositionMonitor: no orphan left behind. Event-driven, it cancels the sibling of a stop or
 * take-profit the moment one fills. Periodically (every 30 s by default), at start-up and after
 * every reconnect it compares the store with each venue's positions and open orders and applies
 * the corrections (cancel companions of closed positions, re-place a missing or undersized stop,
 * book trades closed while the daemon was away, cancel our own orders the store does not know).
 * It never touches orders the daemon did not create. Entries wait until the start-up pass is done.
 */
import type { Logger } from 'pino';

import { parseClientId } from '../domain/client-ids.js';
import type { VenueEvent } from '../domain/events.js';
import type { Alerter, Clock, Store, Venue } from '../domain/ports.js';
import type { OrderManager, TradeEvent } from '../orders/order-manager.js';
import { type Correction, type LocalTrade, reconcile, type VenueSnapshot } from '../orders/reconcile.js';
import { type MonitorConfig, type MonitorConfigInput, MonitorConfigSchema } from './config.js';

const COMPONENT = 'monitor';

/** Order of work within a pass (lower first): restore stops, settle legs, book closed trades, repair take-profits, cancel orphans. */
const RANK_STOP = 0;
const RANK_SETTLE = 1;
const RANK_BOOK = 2;
const RANK_TAKE_PROFIT = 3;
const RANK_ORPHAN = 4;

export interface PositionMonitorOptions {
  readonly orders: OrderManager;
  readonly venues: readonly Venue[];
  readonly store: Store;
  readonly alerter: Alerter;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** The `monitor` config section (defaults from MonitorConfigSchema). */
  readonly config?: MonitorConfigInput;
  /** Delay between start-up pass attempts while a venue is not ready (default 1 000 ms). */
  readonly startupRetryDelayMs?: number;
}

/** What one pass found and did on one venue. */
export interface VenuePassReport {
  readonly venue: string;
  readonly corrections: readonly Correction['kind'][];
  readonly foreignOrders: number;
  readonly errors: readonly string[];
}

export interface PassReport {
  readonly reason: string;
  readonly venues: readonly VenuePassReport[];
  /** True when every venue was reconciled without error. */
  readonly complete: boolean;
}

/** How reconciliation is doing, for /healthz (times are the monitor clock's ms). */
export interface ReconciliationStatus {
  /** True once the start-up pass reconciled every venue (entries are accepted from then on). */
  readonly startupDone: boolean;
  readonly startupDoneAtMs?: number;
  /** End of the last pass that reconciled every venue without error. */
  readonly lastSuccessAtMs?: number;
  /** Passes in a row that did not reconcile every venue (0 after a complete pass). */
  readonly consecutiveFailures: number;
  /** End of the first failed pass of the current run of failures. */
  readonly failingSinceMs?: number;
  /** The errors of the last failed pass (`<venue>: <error>`), empty after a complete pass. */
  readonly lastErrors: readonly string[];
}

export class PositionMonitor {
  readonly config: MonitorConfig;
  private readonly orders: OrderManager;
  private readonly venues: readonly Venue[];
  private readonly store: Store;
  private readonly alerter: Alerter;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly startupRetryDelayMs: number;
  private readonly unsubscribers: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PassReport> | undefined;
  private queued: Promise<PassReport> | undefined;
  private stopped = false;
  private readonly lastMismatch = new Map<string, string>();
  private readonly wasDown = new Set<string>();
  private startup: Promise<void> | undefined;
  private startupDoneAtMs: number | undefined;
  private lastSuccessAtMs: number | undefined;
  private failingSinceMs: number | undefined;
  private consecutiveFailures = 0;
  private lastErrors: readonly string[] = [];

  constructor(options: PositionMonitorOptions) {
    this.config = MonitorConfigSchema.parse(options.config ?? {});
    this.orders = options.orders;
    this.venues = options.venues;
    this.store = options.store;
    this.alerter = options.alerter;
    this.logger = options.logger.child({ component: COMPONENT });
    this.clock = options.clock ?? { now: () => Date.now() };
    this.startupRetryDelayMs = options.startupRetryDelayMs ?? 1_000;
    this.orders.setMissingStopPolicy(this.config.onMissingStop);
  }

  /**
   * Subscribes to trade and venue events, holds new entries, runs the start-up pass (retrying
   * until every venue was reconciled), then releases entries and starts the periodic pass.
   * Resolves when the start-up pass has finished.
   */
  start(): Promise<void> {
    if (this.startup) return this.startup;
    this.stopped = false;
    this.unsubscribers.push(this.orders.onTradeEvent((e) => this.onTradeEvent(e)));
    for (const venue of this.venues) this.unsubscribers.push(venue.subscribe((e) => this.onVenueEvent(venue, e)));
    this.startup = (async () => {
      for (let attempt = 1; ; attempt += 1) {
        const report = await this.runPass('startup');
        if (report.complete || this.stopped) break;
        const waiting = this.venues.filter((v) => !v.isReady()).map((v) => v.id);
        if (waiting.length === 0) {
          this.logger.warn(
            { report },
            `start-up reconciliation incomplete; entries stay blocked; retrying in ${this.startupRetryDelayMs} ms`,
          );
        } else if (attempt === 1 || attempt % 30 === 0) {
          // not a fault: the venues are still connecting (or reconnecting with backoff)
          this.logger.info({ waiting, attempt }, 'start-up reconciliation waits for venues to connect; entries stay blocked until then');
        }
        await new Promise((resolve) => setTimeout(resolve, this.startupRetryDelayMs));
      }
      if (this.stopped) return;
      this.timer = setInterval(() => {
        void this.runPass('periodic');
      }, this.config.reconcileIntervalMs);
      this.logger.info(
        { intervalMs: this.config.reconcileIntervalMs },
        'start-up reconciliation done; entries allowed; periodic pass scheduled',
      );
    })();
    this.orders.holdEntriesUntil(this.startup);
    void this.startup.then(
      () => this.markStartupDone(),
      () => undefined,
    );
    return this.startup;
  }

  /** Stops the periodic pass and unsubscribes; a pass in progress finishes. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const u of this.unsubscribers.splice(0)) u();
    await this.running?.catch(() => undefined);
  }

  /** When reconciliation last succeeded, how many passes failed since, and whether the start-up pass is done. */
  reconciliationStatus(): ReconciliationStatus {
    return {
      startupDone: this.startupDoneAtMs !== undefined,
      ...(this.startupDoneAtMs !== undefined ? { startupDoneAtMs: this.startupDoneAtMs } : {}),
      ...(this.lastSuccessAtMs !== undefined ? { lastSuccessAtMs: this.lastSuccessAtMs } : {}),
      consecutiveFailures: this.consecutiveFailures,
      ...(this.failingSinceMs !== undefined ? { failingSinceMs: this.failingSinceMs } : {}),
      lastErrors: this.lastErrors,
    };
  }

  private markStartupDone(): void {
    if (!this.stopped) this.startupDoneAtMs = this.clock.now();
  }

  private recordPass(reports: readonly VenuePassReport[], complete: boolean): void {
    const now = this.clock.now();
    if (complete) {
      this.lastSuccessAtMs = now;
      this.consecutiveFailures = 0;
      this.failingSinceMs = undefined;
      this.lastErrors = [];
      return;
    }
    this.consecutiveFailures += 1;
    this.failingSinceMs ??= now;
    this.lastErrors = reports.flatMap((r) => r.errors.map((e) => `${r.venue}: ${e}`));
  }

  private onTradeEvent(event: TradeEvent): void {
    if (event.type !== 'exit_filled' || (event.leg !== 'stop_loss' && event.leg !== 'take_profit')) return;
    // A stop or take-profit filled: its sibling goes at once (the OrderManager keeps it if part of the position is still open).
    this.orders.cancelCompanions(event.tradeId, `${event.leg} ${event.clientId} filled`).then(
      (cancelled) => {
        if (cancelled.length > 0) {
          this.store.appendAudit({
            tsMs: this.clock.now(),
            component: COMPONENT,
            action: 'sibling_cancelled',
            tradeId: event.tradeId,
            detail: { filledLeg: event.clientId, cancelled },
          });
        }
      },
      (err: unknown) => {
        this.logger.error(
          { err, tradeId: event.tradeId },
          'cancelling the sibling of a filled exit failed; the next pass cancels it as an orphan',
        );
      },
    );
  }

  private onVenueEvent(venue: Venue, event: VenueEvent): void {
    if (event.type === 'connection') {
      if (event.state === 'reconnecting' || event.state === 'connecting') this.wasDown.add(venue.id);
      if (event.state === 'ready' && this.wasDown.delete(venue.id)) void this.runPass(`reconnect ${venue.id}`);
      return;
    }
    if (event.type === 'resynced') void this.runPass(`resynced ${venue.id}`);
  }

  /**
   * Runs one reconciliation pass over every venue. Passes never overlap: a call during a pass
   * queues one more pass after it (further calls share that queued pass).
   */
  runPass(reason: string): Promise<PassReport> {
    if (!this.running) {
      this.running = this.pass(reason).finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    if (!this.queued) {
      this.queued = this.running
        .catch(() => undefined)
        .then(() => {
          this.queued = undefined;
          return this.runPass(reason);
        });
    }
    return this.queued;
  }

  private async pass(reason: string): Promise<PassReport> {
    const reports: VenuePassReport[] = [];
    for (const venue of this.venues) reports.push(await this.passVenue(venue, reason));
    const complete = reports.every((r) => r.errors.length === 0);
    this.recordPass(reports, complete);
    return { reason, venues: reports, complete };
  }

  private loadLocal(venue: string): LocalTrade[] {
    return this.orders.activeTrades(venue);
  }

  private async snapshot(venue: Venue): Promise<VenueSnapshot> {
    const [positions, openOrders] = await Promise.all([venue.positions(), venue.openOrders()]);
    return { venue: venue.id, positions, openOrders };
  }

  /** Store first, then the venue: a trade that changes in between is re-checked under its lock before anything is done. */
  private async compare(venue: Venue): Promise<{ corrections: readonly Correction[]; foreignOrders: number }> {
    const local = this.loadLocal(venue.id);
    const snap = await this.snapshot(venue);
    // Trades our open orders point to but that are no longer active: the reason reads better with them.
    const known = new Set(local.map((l) => l.trade.id));
    const extra: LocalTrade[] = [];
    for (const o of snap.openOrders) {
      const parsed = parseClientId(o.clientId, this.orders.config.clientIdPrefix);
      if (!parsed || known.has(parsed.tradeId)) continue;
      const trade = this.store.getTrade(parsed.tradeId);
      if (trade) {
        extra.push({ trade, legs: this.store.legsOf(trade.id) });
        known.add(trade.id);
      }
    }
    return reconcile([...local, ...extra], snap, this.orders.config.clientIdPrefix);
  }

  private async passVenue(venue: Venue, reason: string): Promise<VenuePassReport> {
    const errors: string[] = [];
    if (!venue.isReady()) {
      return { venue: venue.id, corrections: [], foreignOrders: 0, errors: [`${venue.id} is ${venue.connectionState()}`] };
    }
    try {
      // After a restart, first book the fills the killed process never got pushed.
      if (reason === 'startup') await this.orders.bookGapFills(venue.id);
      // Under a short order budget every request can wait seconds, so the order of work matters:
      // Phase 1: restore stops first, across all trades: missing or short stops, interrupted
      // closes, and the look-ups of stop legs the venue no longer lists (a lost stop is re-placed
      // by its look-up). Then settle the other legs whose venue state differs or is unknown, and
      // compare again.
      let result = this.withoutHeldTakeProfits(await this.compare(venue));
      const first = [...result.corrections].sort((a, b) => this.rank(a) - this.rank(b));
      const urgent = first.filter((c) => this.rank(c) === RANK_STOP);
      const settle = first.filter((c) => this.rank(c) === RANK_SETTLE);
      for (const c of urgent) await this.apply(venue, c, errors);
      for (const c of settle) await this.apply(venue, c, errors);
      if (urgent.length + settle.length > 0) result = this.withoutHeldTakeProfits(await this.compare(venue));
      // Phase 2: everything else, stops still first, then bookings, take-profit repairs and orphan
      // cleanup (refreshes still outstanding count towards "lost"). A stop or a close already
      // tried in phase 1 is not tried twice in one pass.
      const triedFirst = new Set(
        urgent
          .filter((c) => c.kind === 'ensure_stop' || c.kind === 'resume_close')
          .map((c) => `${c.kind}|${'tradeId' in c ? c.tradeId : ''}`),
      );
      const rest = [...result.corrections]
        .filter((c) => !triedFirst.has(`${c.kind}|${'tradeId' in c ? c.tradeId : ''}`))
        .sort((a, b) => this.rank(a) - this.rank(b));
      for (const c of rest) await this.apply(venue, c, errors);
      const applied = [...urgent, ...settle, ...rest];
      const kinds = applied.map((c) => c.kind);
      if (kinds.length > 0 || errors.length > 0) {
        this.store.appendAudit({
          tsMs: this.clock.now(),
          component: COMPONENT,
          action: 'reconcile_pass',
          venue: venue.id,
          detail: { reason, corrections: applied.map(describeCorrection), foreignOrders: result.foreignOrders, errors },
        });
        this.logger.info({ venue: venue.id, reason, corrections: kinds, errors }, 'reconciliation pass applied corrections');
      }
      return { venue: venue.id, corrections: kinds, foreignOrders: result.foreignOrders, errors };
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      this.logger.error({ err, venue: venue.id, reason }, 'reconciliation pass failed on this venue; retried on the next pass');
      return { venue: venue.id, corrections: [], foreignOrders: 0, errors: [...errors, text] };
    }
  }

  /** Where a correction goes in a pass: lower first (see passVenue). */
  private rank(c: Correction): number {
    switch (c.kind) {
      case 'ensure_stop':
      case 'resume_close':
        return RANK_STOP;
      case 'refresh_leg':
      case 'apply_snapshot':
        return parseClientId(c.clientId, this.orders.config.clientIdPrefix)?.kind === 'stop_loss' ? RANK_STOP : RANK_SETTLE;
      case 'position_gone':
      case 'settle_exited':
      case 'position_mismatch':
        return RANK_BOOK;
      case 'ensure_take_profit':
        return RANK_TAKE_PROFIT;
      case 'cancel_orphan':
        return RANK_ORPHAN;
    }
  }

  /**
   * Drops the take-profit repairs the OrderManager holds back (refused as through the market, not
   * due again yet): they would send nothing, and would otherwise be audited on every pass.
   */
  private withoutHeldTakeProfits(result: { corrections: readonly Correction[]; foreignOrders: number }): {
    corrections: readonly Correction[];
    foreignOrders: number;
  } {
    const corrections = result.corrections.filter((c) => c.kind !== 'ensure_take_profit' || !this.orders.takeProfitOnHold(c.tradeId));
    return corrections.length === result.corrections.length ? result : { corrections, foreignOrders: result.foreignOrders };
  }

  private async apply(venue: Venue, c: Correction, errors: string[]): Promise<void> {
    try {
      switch (c.kind) {
        case 'refresh_leg':
          await this.orders.refreshLeg(c.clientId, { lostAfterNotFound: this.config.lostAfterNotFound });
          return;
        case 'apply_snapshot':
          await this.orders.applyLegSnapshot(c.clientId, c.order, 'reconcile');
          return;
        case 'position_gone':
          await this.orders.handlePositionGone(c.tradeId, c.reason);
          return;
        case 'settle_exited':
          await this.orders.settleExited(c.tradeId, `reconcile: ${c.reason}`);
          return;
        case 'ensure_stop':
          this.logger.warn(
            { venue: venue.id, tradeId: c.tradeId, openQty: c.openQty.toString(), covered: c.coveredQty.toString() },
            `stop ${c.reason}; ${this.config.onMissingStop === 'replace' ? 'placing it again' : 'closing the position'}`,
          );
          this.alerter.send({
            severity: 'warning',
            kind: 'missing_stop',
            text: `${venue.id} trade ${c.tradeId}: stop ${c.reason} (covers ${c.coveredQty.toString()} of ${c.openQty.toString()}); ${this.config.onMissingStop === 'replace' ? 'placing it again' : 'closing the position'}.`,
          });
          // The stop alone: this trade's take-profit is repaired later in the pass, after every stop.
          await this.orders.ensureStop(c.tradeId, this.config.onMissingStop, `reconcile: stop ${c.reason}`, { stopOnly: true });
          return;
        case 'ensure_take_profit':
          await this.orders.ensureStop(c.tradeId, 'replace', 'reconcile: take-profit missing');
          return;
        case 'cancel_orphan':
          await this.orders.cancelOrphan(venue.id, c.order, c.reason);
          return;
        case 'resume_close': {
          const r = await this.orders.resumeClose(c.tradeId, c.reason);
          if (r && !r.flat) {
            this.alerter.send({
              severity: 'critical',
              kind: 'close_failed',
              text: `${venue.id} trade ${c.tradeId}: finishing an interrupted close did not end flat (${r.error ?? 'position remains'}); it is back to open under its stop. Check the venue.`,
            });
          }
          return;
        }
        case 'position_mismatch': {
          const key = `${venue.id}|${c.symbol}`;
          const text = `${c.expected.toString()}/${c.actual.toString()}`;
          if (this.lastMismatch.get(key) === text) return;
          this.lastMismatch.set(key, text);
          this.alerter.send({
            severity: 'warning',
            kind: 'position_mismatch',
            text: `${venue.id} ${c.symbol}: the daemon's trades add up to ${c.expected.toString()} but the venue shows ${c.actual.toString()}; not adjusting, check by hand.`,
          });
          return;
        }
      }
    } catch (err) {
      const text = `${c.kind}: ${err instanceof Error ? err.message : String(err)}`;
      errors.push(text);
      this.logger.error({ err, venue: venue.id, correction: c.kind }, 'applying a correction failed; retried on the next pass');
    }
  }
}

function describeCorrection(c: Correction): Record<string, unknown> {
  switch (c.kind) {
    case 'refresh_leg':
      return { kind: c.kind, tradeId: c.tradeId, clientId: c.clientId, reason: c.reason };
    case 'apply_snapshot':
      return { kind: c.kind, tradeId: c.tradeId, clientId: c.clientId, venueStatus: c.order.status, filled: c.order.filledSize.toString() };
    case 'position_gone':
      return { kind: c.kind, tradeId: c.tradeId, symbol: c.symbol, reason: c.reason };
    case 'settle_exited':
      return { kind: c.kind, tradeId: c.tradeId, reason: c.reason };
    case 'ensure_stop':
      return { kind: c.kind, tradeId: c.tradeId, openQty: c.openQty.toString(), covered: c.coveredQty.toString(), reason: c.reason };
    case 'ensure_take_profit':
      return { kind: c.kind, tradeId: c.tradeId, openQty: c.openQty.toString(), covered: c.coveredQty.toString() };
    case 'cancel_orphan':
      return { kind: c.kind, tradeId: c.tradeId, clientId: c.order.clientId, venueOrderId: c.order.venueOrderId, reason: c.reason };
    case 'resume_close':
      return { kind: c.kind, tradeId: c.tradeId, reason: c.reason };
    case 'position_mismatch':
      return { kind: c.kind, symbol: c.symbol, expected: c.expected.toString(), actual: c.actual.toString() };
  }
}
