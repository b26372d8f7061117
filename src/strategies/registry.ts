/**
 * The strategies the daemon knows, by name, and how the composition root builds the enabled ones.
 * Example strategies only ever run against simulated venues, whatever the config says.
 */
import type { Logger } from 'pino';
import { z } from 'zod';

import { EXAMPLE_MOMENTUM, ExampleMomentum, ExampleMomentumConfigSchema } from './example-momentum.js';
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
 * (undefined when the venue is not enabled); a sim-only strategy aimed at a real venue is skipped
 * with a log line saying why.
 */
export function buildStrategies(
  config: StrategiesConfig,
  environmentOf: (venue: string) => string | undefined,
  logger: Logger,
): Strategy[] {
  const out: Strategy[] = [];
  for (const name of new Set(config.enabled)) {
    const strategy = create(name, config);
    const offSim = strategy.watches.filter((w) => environmentOf(w.venue) !== 'sim');
    if (SIM_ONLY.has(name) && offSim.length > 0) {
      const where = offSim.map((w) => `${w.venue} (${environmentOf(w.venue) ?? 'not enabled'})`).join(', ');
      logger.warn(
        { strategy: name },
        `strategy ${name} is an example and only trades simulated venues; not started on ${where} — remove it from strategies.enabled or point it at a sim venue`,
      );
      continue;
    }
    out.push(strategy);
  }
  return out;
}

function create(name: StrategyName, config: StrategiesConfig): Strategy {
  switch (name) {
    case EXAMPLE_MOMENTUM:
      return new ExampleMomentum(config[EXAMPLE_MOMENTUM]);
  }
}
