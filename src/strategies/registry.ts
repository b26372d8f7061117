/**
 * The strategies the daemon knows, by name, and how the composition root builds the enabled ones.
 * Example strategies only ever run against simulated venues, whatever the config says.
 */
import type { Logger } from 'pino';
import { z } from 'zod';

import {
  EXAMPLE_MOMENTUM,
  exampleMarkets,
  ExampleMomentum,
  ExampleMomentumConfigSchema,
  usesSingleMarketKeys,
} from './example-momentum.js';
import type { Strategy } from './strategy.js';

export const STRATEGY_NAMES = [EXAMPLE_MOMENTUM] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export const StrategiesConfigSchema = z.strictObject({
  /** Names of the strategies to run. */
  enabled: z.array(z.enum(STRATEGY_NAMES)).default([]),
  [EXAMPLE_MOMENTUM]: ExampleMomentumConfigSchema.prefault({}),
});
export type StrategiesConfig = z.infer<typeof StrategiesConfigSchema>;

/** Strategies that are examples: they trade only venues whose environment is `sim`. */
const SIM_ONLY: ReadonlySet<StrategyName> = new Set([EXAMPLE_MOMENTUM]);

/**
 * Builds the enabled strategies. `environmentOf(venue)` gives each enabled venue's environment
 * (undefined when the venue is not enabled). A sim-only strategy keeps only its markets on sim
 * venues (the others are named in a warning); with none left it is not started.
 */
export function buildStrategies(
  config: StrategiesConfig,
  environmentOf: (venue: string) => string | undefined,
  logger: Logger,
): Strategy[] {
  const out: Strategy[] = [];
  for (const name of new Set(config.enabled)) {
    const simOnly = SIM_ONLY.has(name);
    const strategy = create(name, config, simOnly ? (venue) => environmentOf(venue) === 'sim' : () => true, logger);
    if (strategy) out.push(strategy);
  }
  return out;
}

function create(name: StrategyName, config: StrategiesConfig, allowed: (venue: string) => boolean, logger: Logger): Strategy | undefined {
  switch (name) {
    case EXAMPLE_MOMENTUM: {
      const own = config[EXAMPLE_MOMENTUM];
      if (own.markets !== undefined && usesSingleMarketKeys(own)) {
        logger.warn(
          { strategy: name },
          `strategies.${name}: venue/symbol/size are set, so it trades that one market and ignores markets — remove venue, symbol and size to trade every market listed`,
        );
      }
      const markets = exampleMarkets(own);
      const kept = markets.filter((m) => allowed(m.venue));
      const dropped = markets.filter((m) => !allowed(m.venue));
      if (dropped.length > 0) {
        const where = dropped.map((m) => `${m.venue} ${m.symbol}`).join(', ');
        logger.warn(
          { strategy: name, venues: dropped.map((m) => m.venue) },
          `strategy ${name} is an example and only trades simulated venues; not trading ${where} (venue not enabled or not in sim mode)${kept.length === 0 ? ', so it is not started' : ''} — remove it from strategies.enabled or point it at a sim venue`,
        );
      }
      if (kept.length === 0) return undefined;
      return new ExampleMomentum({ ...own, venue: undefined, symbol: undefined, size: undefined, markets: kept });
    }
  }
}
