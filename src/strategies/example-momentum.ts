/**
 * An EXAMPLE strategy, to show the plumbing working end to end — not a trading edge. On each of its
 * markets, when that market holds no trade and its cooldown has passed, it compares the mark with
 * the mark `lookbackSecs` ago and follows the move with a small market entry, a stop and a target a
 * fixed percentage away. It only ever trades venues running in `sim` mode (the composition root
 * enforces that).
 */
import { z } from 'zod';

import { Decimal } from '../domain/decimal.js';
import type { Ticker } from '../domain/position.js';
import type { TradeIntent } from '../orders/validation.js';
import { type MarketRef, type Strategy, strategySource, type StrategyView } from './strategy.js';

export const EXAMPLE_MOMENTUM = 'example-momentum';

const decimalText = z.string().regex(/^\d+(\.\d+)?$/, 'a positive decimal as a string, e.g. "100"');

/** One instrument the example trades, and its entry size: in the venue's unit, or a USD notional. */
export const ExampleMarketSchema = z
  .strictObject({
    venue: z.string().min(1),
    symbol: z.string().min(1),
    /** Entry size in the instrument's venue unit (USD on Deribit perpetuals, contracts of `ctVal` coin on OKX swaps, base coin on Bybit linear). */
    size: decimalText.optional(),
    /** Entry size as a USD notional, converted at the mark into the venue's unit (OKX: notional / (price x ctVal) contracts; Bybit linear: notional / price coin). */
    notional: decimalText.optional(),
  })
  .refine((m) => (m.size === undefined) !== (m.notional === undefined), {
    message: 'give exactly one of size (venue units) or notional (USD)',
    path: ['size'],
  });
export type ExampleMarket = z.infer<typeof ExampleMarketSchema>;

/** The single market of the original form (`venue`, `symbol`, `size`), used when `markets` is not set. */
const SINGLE_MARKET_DEFAULTS = { venue: 'deribit', symbol: 'BTC-PERPETUAL', size: '100' } as const;

export const ExampleMomentumConfigSchema = z.strictObject({
  /** The one-market form (default deribit BTC-PERPETUAL 100); when any of these is set, `markets` is ignored. */
  venue: z.string().min(1).optional(),
  symbol: z.string().min(1).optional(),
  /** Entry size in the instrument's venue unit (USD contracts on Deribit perpetuals). */
  size: decimalText.optional(),
  /** Several markets, each traded on its own (one trade at a time per market). */
  markets: z.array(ExampleMarketSchema).min(1).optional(),
  /** Stop distance from the mark, in percent. */
  stopPct: z.number().positive().max(50).default(0.15),
  /** Target distance from the mark, in percent. */
  takeProfitPct: z.number().positive().max(100).default(0.15),
  /** How far back the move is measured. */
  lookbackSecs: z.number().int().min(1).max(3600).default(10),
  /** Wait after a trade ends before the next one. */
  cooldownSecs: z.number().int().min(0).max(86_400).default(5),
});
export type ExampleMomentumConfig = z.infer<typeof ExampleMomentumConfigSchema>;

/** True when the config uses the one-market keys (they win over `markets`). */
export function usesSingleMarketKeys(config: ExampleMomentumConfig): boolean {
  return config.venue !== undefined || config.symbol !== undefined || config.size !== undefined;
}

/** The markets the example trades: the one-market keys when any is set, else `markets`, else Deribit BTC-PERPETUAL 100. */
export function exampleMarkets(config: ExampleMomentumConfig): readonly ExampleMarket[] {
  if (config.markets !== undefined && !usesSingleMarketKeys(config)) return config.markets;
  return [
    {
      venue: config.venue ?? SINGLE_MARKET_DEFAULTS.venue,
      symbol: config.symbol ?? SINGLE_MARKET_DEFAULTS.symbol,
      size: config.size ?? SINGLE_MARKET_DEFAULTS.size,
    },
  ];
}

interface Sample {
  readonly tsMs: number;
  readonly price: Decimal;
}

/** Per-market state: recent marks, and whether its last entry has ended (then the cooldown runs). */
interface MarketState {
  readonly market: ExampleMarket;
  readonly samples: Sample[];
  wasBusy: boolean;
  readyAtMs: number;
}

export class ExampleMomentum implements Strategy {
  readonly name = EXAMPLE_MOMENTUM;
  readonly watches: readonly MarketRef[];
  private readonly markets: MarketState[];
  /** The market of the last entry asked for (the one an entry in flight belongs to). */
  private lastAsked: MarketState | undefined;

  constructor(private readonly config: ExampleMomentumConfig) {
    this.markets = exampleMarkets(config).map((market) => ({ market, samples: [], wasBusy: false, readyAtMs: 0 }));
    this.watches = this.markets.map(({ market }) => ({ venue: market.venue, symbol: market.symbol }));
  }

  onTicker(ticker: Ticker, view: StrategyView): readonly TradeIntent[] {
    const price = ticker.mark ?? ticker.last;
    const state = this.markets.find((m) => m.market.venue === ticker.venue && m.market.symbol === ticker.symbol);
    if (price === undefined || !state) return [];
    const { market, samples } = state;
    const now = view.nowMs;
    samples.push({ tsMs: now, price });
    const lookbackMs = this.config.lookbackSecs * 1000;
    // keep one sample at least `lookbackMs` old, and nothing older than needed
    while (samples.length > 2 && (samples[1]?.tsMs ?? now) <= now - lookbackMs) samples.shift();
    // an entry of this strategy on its way (on any market): wait; seen on the market that asked, the cooldown follows it
    if (view.entryInFlight) {
      if (state === this.lastAsked) state.wasBusy = true;
      return [];
    }
    if (view.activeTrades.some((t) => t.venue === market.venue && t.symbol === market.symbol)) {
      state.wasBusy = true;
      return [];
    }
    if (state.wasBusy) {
      // its last trade just ended: wait out the cooldown
      state.wasBusy = false;
      state.readyAtMs = now + this.config.cooldownSecs * 1000;
    }
    const first = samples[0];
    if (now < state.readyAtMs || !first || now - first.tsMs < lookbackMs || price.eq(first.price)) return [];
    const side = price.gt(first.price) ? 'buy' : 'sell';
    const stopDistance = price.times(Decimal.from(String(this.config.stopPct / 100)));
    const targetDistance = price.times(Decimal.from(String(this.config.takeProfitPct / 100)));
    this.lastAsked = state;
    return [
      {
        venue: market.venue,
        symbol: market.symbol,
        side,
        // USD notional: converted explicitly at the entry price (OKX swaps: contracts of ctVal coin; Bybit linear: base coin)
        size: market.notional !== undefined ? { unit: 'notional', value: market.notional } : { unit: 'venue', value: market.size ?? '0' },
        entry: { type: 'market', referencePrice: price },
        stopLossPrice: side === 'buy' ? price.minus(stopDistance) : price.plus(stopDistance),
        takeProfitPrice: side === 'buy' ? price.plus(targetDistance) : price.minus(targetDistance),
        source: strategySource(this.name),
        label: `example ${side} after a ${side === 'buy' ? 'rise' : 'fall'} over ${this.config.lookbackSecs}s`,
      },
    ];
  }
}
