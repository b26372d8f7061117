/**
 * An EXAMPLE strategy, to show the plumbing working end to end — not a trading edge. When it holds
 * no trade and its cooldown has passed, it compares the mark with the mark `lookbackSecs` ago and
 * follows the move with a small market entry, a stop and a target a fixed percentage away. It only
 * ever trades venues running in `sim` mode (the composition root enforces that).
 */
import { z } from 'zod';

import { Decimal } from '../domain/decimal.js';
import type { Ticker } from '../domain/position.js';
import type { TradeIntent } from '../orders/validation.js';
import { type MarketRef, type Strategy, strategySource, type StrategyView } from './strategy.js';

export const EXAMPLE_MOMENTUM = 'example-momentum';

export const ExampleMomentumConfigSchema = z.strictObject({
  venue: z.string().min(1).default('deribit'),
  symbol: z.string().min(1).default('BTC-PERPETUAL'),
  /** Entry size in the instrument's venue unit (USD contracts on Deribit perpetuals). */
  size: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'a positive decimal as a string, e.g. "100"')
    .default('100'),
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

interface Sample {
  readonly tsMs: number;
  readonly price: Decimal;
}

export class ExampleMomentum implements Strategy {
  readonly name = EXAMPLE_MOMENTUM;
  readonly watches: readonly MarketRef[];
  private readonly samples: Sample[] = [];
  private wasBusy = false;
  private readyAtMs = 0;

  constructor(private readonly config: ExampleMomentumConfig) {
    this.watches = [{ venue: config.venue, symbol: config.symbol }];
  }

  onTicker(ticker: Ticker, view: StrategyView): readonly TradeIntent[] {
    const price = ticker.mark ?? ticker.last;
    if (price === undefined || ticker.venue !== this.config.venue || ticker.symbol !== this.config.symbol) return [];
    const now = view.nowMs;
    this.samples.push({ tsMs: now, price });
    const lookbackMs = this.config.lookbackSecs * 1000;
    // keep one sample at least `lookbackMs` old, and nothing older than needed
    while (this.samples.length > 2 && (this.samples[1]?.tsMs ?? now) <= now - lookbackMs) this.samples.shift();
    const busy = view.entryInFlight || view.activeTrades.length > 0;
    if (busy) {
      this.wasBusy = true;
      return [];
    }
    if (this.wasBusy) {
      // its last trade just ended: wait out the cooldown
      this.wasBusy = false;
      this.readyAtMs = now + this.config.cooldownSecs * 1000;
    }
    const first = this.samples[0];
    if (now < this.readyAtMs || !first || now - first.tsMs < lookbackMs || price.eq(first.price)) return [];
    const side = price.gt(first.price) ? 'buy' : 'sell';
    const stopDistance = price.times(Decimal.from(String(this.config.stopPct / 100)));
    const targetDistance = price.times(Decimal.from(String(this.config.takeProfitPct / 100)));
    return [
      {
        venue: this.config.venue,
        symbol: this.config.symbol,
        side,
        size: { unit: 'venue', value: this.config.size },
        entry: { type: 'market', referencePrice: price },
        stopLossPrice: side === 'buy' ? price.minus(stopDistance) : price.plus(stopDistance),
        takeProfitPrice: side === 'buy' ? price.plus(targetDistance) : price.minus(targetDistance),
        source: strategySource(this.name),
        label: `example ${side} after a ${side === 'buy' ? 'rise' : 'fall'} over ${this.config.lookbackSecs}s`,
      },
    ];
  }
}
