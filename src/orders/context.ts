/**
 * What the OrderManager's collaborators share: the ports (venues, store, alerter, logger, clock),
 * the config, the per-trade lock, the trade-event listeners, the latest marks, and the small
 * in-memory bookkeeping that lives for the process (expected cancels, "not found" counts, trades
 * being settled). Built once by the facade and handed to each collaborator explicitly.
 */
import type { Logger } from 'pino';

import type { Instrument } from '../domain/instrument.js';
import type { Alerter, Clock, Store, Venue } from '../domain/ports.js';
import type { AuditEntry, TradeRecord } from '../domain/trade.js';
import { ACTIVE_TRADE_STATES } from '../domain/trade.js';
import type { Closing } from './closing.js';
import { type OrdersConfig, OrdersConfigSchema } from './config.js';
import type { LegUpdates } from './leg-updates.js';
import { MarkBook } from './marks.js';
import type { PositionGone } from './position-gone.js';
import type { Protection } from './protection.js';
import type { LocalTrade } from './reconcile.js';
import type { OrderManagerOptions, TradeEvent, TradeEventListener } from './types.js';

export const COMPONENT = 'orders';

export type MissingStopPolicy = 'replace' | 'close';

export interface OrderContext {
  readonly config: OrdersConfig;
  readonly venues: ReadonlyMap<string, Venue>;
  readonly store: Store;
  readonly alerter: Alerter;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly listeners: Set<TradeEventListener>;
  /** Latest mark (else last) price per venue and symbol. */
  readonly marks: MarkBook;
  /** Client ids whose cancel we asked for: their cancellation is expected, not a lost stop. */
  readonly cancelling: Set<string>;
  /** Consecutive "not found" answers per in-flight client id. */
  readonly notFoundCounts: Map<string, number>;
  /** Trades whose vanished position is being settled (their legs' terminal states are expected). */
  readonly settlingGone: Set<string>;
  /**
   * Entries whose submit request is on the wire (sent, not yet answered), by client id, with a
   * promise settled once the answer (or its absence) is known. A look-up meanwhile says nothing
   * (the request may not have arrived), so none counts as "not found"; a close or cancel of the
   * trade waits for it, so that an entry still on its way cannot land after the trade was closed.
   */
  readonly submitting: Map<string, Promise<void>>;
  /** Resolves once no submit of this trade's entry is on the wire. */
  entrySubmitted(tradeId: string): Promise<void>;
  /** What to do when an open position's stop disappears. */
  missingStopPolicy: MissingStopPolicy;
  /**
   * Drops the in-memory bookkeeping of a leg whose order is done (terminal on the venue and in the
   * store): without it, `cancelling` and `notFoundCounts` would grow with every trade for the life
   * of the process.
   */
  forgetLeg(clientId: string): void;
  /** Runs `fn` after every earlier task of the same trade has finished (one trade, one task at a time). */
  withLock<T>(tradeId: string, fn: () => Promise<T>): Promise<T>;
  audit(action: string, trade: { id: string; venue: string } | undefined, detail: Record<string, unknown>): AuditEntry;
  emit(event: TradeEvent): void;
  venueOf(trade: TradeRecord): Venue;
  instrumentOf(trade: TradeRecord): Instrument | undefined;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Serialises async tasks per key: a task starts after every earlier task of its key has settled. */
export function createKeyedLock(): <T>(key: string, fn: () => Promise<T>) => Promise<T> {
  const locks = new Map<string, Promise<void>>();
  return <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const prev = locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    locks.set(key, tail);
    void tail.then(() => {
      if (locks.get(key) === tail) locks.delete(key);
    });
    return run;
  };
}

export function createOrderContext(options: OrderManagerOptions): OrderContext {
  const config = OrdersConfigSchema.parse(options.config ?? {});
  const venues = new Map<string, Venue>();
  for (const v of options.venues) venues.set(v.id, v);
  const logger = options.logger.child({ component: COMPONENT });
  const clock = options.clock ?? { now: () => Date.now() };
  const listeners = new Set<TradeEventListener>();
  const cancelling = new Set<string>();
  const notFoundCounts = new Map<string, number>();
  const submitting = new Map<string, Promise<void>>();
  return {
    config,
    venues,
    store: options.store,
    alerter: options.alerter,
    logger,
    clock,
    sleep: options.sleep ?? defaultSleep,
    listeners,
    marks: new MarkBook(),
    cancelling,
    notFoundCounts,
    settlingGone: new Set(),
    submitting,
    async entrySubmitted(tradeId) {
      const entry = options.store.legsOf(tradeId).find((l) => l.kind === 'entry');
      if (entry) await submitting.get(entry.clientId);
    },
    missingStopPolicy: 'replace',
    forgetLeg(clientId) {
      cancelling.delete(clientId);
      notFoundCounts.delete(clientId);
    },
    withLock: createKeyedLock(),
    audit(action, trade, detail) {
      return {
        tsMs: clock.now(),
        component: COMPONENT,
        action,
        ...(trade ? { tradeId: trade.id, venue: trade.venue } : {}),
        detail,
      };
    },
    emit(event) {
      for (const l of listeners) {
        try {
          l(event);
        } catch (err) {
          logger.error({ err, event: event.type, tradeId: event.tradeId }, 'trade event listener threw; other listeners still notified');
        }
      }
    },
    venueOf(trade) {
      const venue = venues.get(trade.venue);
      if (!venue) throw new Error(`trade ${trade.id} is on venue ${trade.venue}, which is not configured`);
      return venue;
    },
    instrumentOf(trade) {
      return venues.get(trade.venue)?.instrument(trade.symbol);
    },
  };
}

/** Trades that may still have orders or a position, with their legs. */
export function activeTradesOf(store: Store, venue?: string): LocalTrade[] {
  return store
    .listTrades({ states: ACTIVE_TRADE_STATES, ...(venue !== undefined ? { venue } : {}) })
    .map((trade) => ({ trade, legs: store.legsOf(trade.id) }));
}

/** The collaborators, for the calls they make into one another (a fill protects, a lost stop closes, ...). */
export interface OrderPeers {
  readonly legs: LegUpdates;
  readonly protection: Protection;
  readonly closing: Closing;
  readonly positionGone: PositionGone;
}
