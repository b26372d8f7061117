/**
 * Runs the enabled strategies on the event loop: feeds each the tickers it watches and the events
 * of its own trades, and sends the intents it returns through `openTrade` (one entry of a strategy
 * on its way at a time). A strategy that throws is logged and skipped for that tick; it never
 * disturbs the venue's event path or the other strategies.
 */
import type { Logger } from 'pino';

import type { Clock, Store, Venue } from '../domain/ports.js';
import type { Ticker } from '../domain/position.js';
import type { TradeRecord } from '../domain/trade.js';
import { ACTIVE_TRADE_STATES } from '../domain/trade.js';
import type { OpenTradeResult, TradeEvent, TradeEventListener } from '../orders/types.js';
import type { TradeIntent } from '../orders/validation.js';
import { type Strategy, strategySource } from './strategy.js';

/** What the runner needs of the order manager. */
export interface StrategyOrders {
  openTrade(intent: TradeIntent): Promise<OpenTradeResult>;
  onTradeEvent(listener: TradeEventListener): () => void;
}

export interface StrategyRunnerOptions {
  readonly strategies: readonly Strategy[];
  readonly venues: readonly Venue[];
  readonly orders: StrategyOrders;
  readonly store: Pick<Store, 'listTrades' | 'getTrade'>;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Re-read the strategies' active trades from the store at most this often (ms). Default 2000. */
  readonly refreshMs?: number;
  /** Retry a ticker subscription that failed after this long (ms). Default 30000. */
  readonly watchRetryMs?: number;
}

interface Running {
  readonly strategy: Strategy;
  readonly source: string;
  readonly log: Logger;
  active: Map<string, TradeRecord>;
  inFlight: boolean;
  refreshedAtMs: number;
  entries: number;
}

const ACTIVE: readonly string[] = ACTIVE_TRADE_STATES;

export class StrategyRunner {
  private readonly running: Running[];
  private readonly clock: Clock;
  private readonly unsubscribers: (() => void)[] = [];
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private stopped = true;

  constructor(private readonly options: StrategyRunnerOptions) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.running = options.strategies.map((strategy) => ({
      strategy,
      source: strategySource(strategy.name),
      log: options.logger.child({ strategy: strategy.name }),
      active: new Map(),
      inFlight: false,
      refreshedAtMs: 0,
      entries: 0,
    }));
  }

  /** Names of the strategies running. */
  names(): string[] {
    return this.running.map((r) => r.strategy.name);
  }

  /** Entries sent per strategy since start. */
  stats(): Record<string, { entries: number; active: number }> {
    return Object.fromEntries(this.running.map((r) => [r.strategy.name, { entries: r.entries, active: r.active.size }]));
  }

  start(): void {
    if (!this.stopped || this.running.length === 0) return;
    this.stopped = false;
    for (const r of this.running) this.refresh(r);
    this.unsubscribers.push(this.options.orders.onTradeEvent((event) => this.onTradeEvent(event)));
    const byVenue = new Map(this.options.venues.map((v) => [v.id, v]));
    const subscribed = new Set<string>();
    for (const r of this.running) {
      for (const w of r.strategy.watches) {
        const venue = byVenue.get(w.venue);
        if (!venue) {
          r.log.error(
            { venue: w.venue, symbol: w.symbol },
            `strategy ${r.strategy.name} watches ${w.venue} ${w.symbol}, but venue ${w.venue} is not enabled; it gets no prices there — enable the venue or change the strategy's settings`,
          );
          continue;
        }
        if (!subscribed.has(venue.id)) {
          subscribed.add(venue.id);
          this.unsubscribers.push(
            venue.subscribe((event) => {
              if (event.type === 'ticker') this.onTicker(event.ticker);
            }),
          );
        }
        this.watch(venue, w.symbol, r.log);
      }
      r.log.info({ watches: r.strategy.watches }, `strategy ${r.strategy.name} started`);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const u of this.unsubscribers.splice(0)) u();
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
  }

  private watch(venue: Venue, symbol: string, log: Logger): void {
    venue.watchTicker(symbol).catch((err: unknown) => {
      if (this.stopped) return;
      const retryMs = this.options.watchRetryMs ?? 30_000;
      log.warn(
        { venue: venue.id, symbol, error: (err as Error)?.message ?? String(err) },
        `could not subscribe to the ${symbol} ticker on ${venue.id}; retrying in ${Math.round(retryMs / 1000)} s`,
      );
      const t = setTimeout(() => {
        this.retryTimers.delete(t);
        if (!this.stopped) this.watch(venue, symbol, log);
      }, retryMs);
      t.unref();
      this.retryTimers.add(t);
    });
  }

  /** Re-reads the strategy's unfinished trades from the store. */
  private refresh(r: Running): void {
    const trades = this.options.store.listTrades({ states: ACTIVE_TRADE_STATES }).filter((t) => t.source === r.source);
    r.active = new Map(trades.map((t) => [t.id, t]));
    r.refreshedAtMs = this.clock.now();
  }

  private onTicker(ticker: Ticker): void {
    if (this.stopped) return;
    const now = this.clock.now();
    for (const r of this.running) {
      if (!r.strategy.watches.some((w) => w.venue === ticker.venue && w.symbol === ticker.symbol)) continue;
      if (now - r.refreshedAtMs >= (this.options.refreshMs ?? 2_000)) this.refresh(r);
      let intents: readonly TradeIntent[];
      try {
        intents = r.strategy.onTicker(ticker, { nowMs: now, activeTrades: [...r.active.values()], entryInFlight: r.inFlight });
      } catch (err) {
        r.log.error(
          { error: (err as Error)?.message ?? String(err), symbol: ticker.symbol },
          `strategy ${r.strategy.name} failed on a ticker; skipped this tick (fix the strategy)`,
        );
        continue;
      }
      for (const intent of intents) this.send(r, intent);
    }
  }

  private send(r: Running, intent: TradeIntent): void {
    if (r.inFlight) {
      r.log.debug({ symbol: intent.symbol, side: intent.side }, 'an entry of this strategy is already on its way; intent dropped');
      return;
    }
    const source = intent.source === r.source ? intent : { ...intent, source: r.source };
    r.inFlight = true;
    r.entries += 1;
    r.log.info(
      {
        venue: source.venue,
        symbol: source.symbol,
        side: source.side,
        size: String(source.size.value),
        stop: String(source.stopLossPrice),
        target: source.takeProfitPrice !== undefined ? String(source.takeProfitPrice) : undefined,
      },
      `strategy ${r.strategy.name} asks for an entry`,
    );
    this.options.orders
      .openTrade(source)
      .then((result) => {
        if (result.status === 'refused') {
          r.log.warn({ code: result.code }, `strategy ${r.strategy.name}: entry refused: ${result.reason}`);
          return;
        }
        if (result.status === 'rejected') {
          r.log.warn(
            { code: result.code, tradeId: result.tradeId },
            `strategy ${r.strategy.name}: entry rejected by the venue: ${result.reason}`,
          );
          return;
        }
        const trade = this.options.store.getTrade(result.tradeId);
        if (trade && ACTIVE.includes(trade.state)) r.active.set(trade.id, trade);
      })
      .catch((err: unknown) => {
        r.log.error(
          { error: (err as Error)?.message ?? String(err) },
          `strategy ${r.strategy.name}: openTrade failed; the next tick may try again`,
        );
      })
      .finally(() => {
        r.inFlight = false;
      });
  }

  private onTradeEvent(event: TradeEvent): void {
    const trade = this.options.store.getTrade(event.tradeId);
    for (const r of this.running) {
      const known = r.active.get(event.tradeId);
      if (!known && trade?.source !== r.source) continue;
      if (trade && ACTIVE.includes(trade.state)) r.active.set(trade.id, trade);
      else r.active.delete(event.tradeId);
      try {
        r.strategy.onTradeEvent?.(event, trade);
      } catch (err) {
        r.log.error(
          { error: (err as Error)?.message ?? String(err), tradeId: event.tradeId },
          `strategy ${r.strategy.name} failed on a trade event; ignored`,
        );
      }
    }
  }
}
