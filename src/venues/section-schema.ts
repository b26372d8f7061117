/**
 * Zod pieces shared by venue config sections: the environment names, the fields every section has,
 * and the live-trading opt-in rule.
 */
import { z } from 'zod';

export const environmentSchema = z.enum(['sim', 'testnet', 'demo', 'live']);
export type VenueEnvironment = z.infer<typeof environmentSchema>;

const urlSchema = z.url({ protocol: /^(https?|wss?)$/ });

/** Fields every venue section has. */
export const venueBaseShape = {
  enabled: z.boolean().default(false),
  /** sim: in-process simulator; testnet/demo: the venue's test environment; live: real money. */
  environment: environmentSchema.default('sim'),
  /** Live trading needs this explicit opt-in as well as environment "live". */
  liveOptIn: z.boolean().default(false),
  restUrl: urlSchema.optional(),
  wsUrl: urlSchema.optional(),
  requestTimeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  loginTimeoutMs: z.number().int().min(100).max(60_000).default(5_000),
  keepaliveIntervalMs: z.number().int().min(1_000).max(120_000).optional(),
  reconnectInitialDelayMs: z.number().int().min(10).default(500),
  reconnectMaxDelayMs: z.number().int().min(100).default(30_000),
};

/** Refuses `environment: "live"` without `liveOptIn: true`, naming the key to set. */
export function requireLiveOptIn(venue: string) {
  return (value: { environment: VenueEnvironment; liveOptIn: boolean }, ctx: z.RefinementCtx): void => {
    if (value.environment === 'live' && !value.liveOptIn) {
      ctx.addIssue({
        code: 'custom',
        path: ['liveOptIn'],
        message: `environment is "live" but live trading was not opted in — set venues.${venue}.liveOptIn to true to trade real money, or use "testnet"/"demo"/"sim"`,
      });
    }
  };
}
