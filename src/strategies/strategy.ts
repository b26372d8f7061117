/**
 * A strategy is an entry source: it sees the tickers of the instruments it watches and the events
 * of its own trades, and answers with trade intents. It never talks to a venue: every intent goes
 * through `openTrade`, its validation and its risk checks, and every entry gets its stop.
 */
import type { Ticker } from '../domain/position.js';
import type { TradeRecord } from '../domain/trade.js';
import type { TradeEvent } from '../orders/types.js';
import type { TradeIntent } from '../orders/validation.js';

/** An instrument on a venue. */
export interface MarketRef {
  readonly venue: string;
  readonly symbol: string;
}

/** What a strategy knows when a ticker arrives. */
export interface StrategyView {
  readonly nowMs: number;
  /** Its trades that are not finished (entry working, open or closing), and whether an entry of its is on its way. */
  readonly activeTrades: readonly TradeRecord[];
  readonly entryInFlight: boolean;
}

export interface Strategy {
  /** Unique name; trades it opens carry `source: "strategy:<name>"`. */
  readonly name: string;
  /** Instruments whose tickers it is fed. */
  readonly watches: readonly MarketRef[];
  /** A new ticker of a watched instrument. Returns the entries it wants now (often none). */
  onTicker(ticker: Ticker, view: StrategyView): readonly TradeIntent[];
  /** Something happened to one of its trades (filled, protected, exit filled, closed with P&L). */
  onTradeEvent?(event: TradeEvent, trade: TradeRecord | undefined): void;
}

/** The `source` of the trades a strategy opens. */
export function strategySource(name: string): string {
  return `strategy:${name}`;
}
