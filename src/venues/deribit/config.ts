/** Zod schema for the `deribit` section of the config file: strict keys, units in names, defaults here only. */
import { z } from 'zod';

export const DERIBIT_ENVIRONMENTS = ['sim', 'testnet', 'live'] as const;
export type DeribitEnvironment = (typeof DERIBIT_ENVIRONMENTS)[number];

/** Client-side rate limits; defaults are Deribit's default-tier numbers (spec 9). */
export const DeribitRateLimitSchema = z.strictObject({
  /** Non-matching-engine requests per second (default 20: 500 credits each, 10,000/s refill). */
  nonMatchingEngineRatePerSec: z.number().positive().default(20),
  /** Non-matching-engine burst (default 100). */
  nonMatchingEngineBurst: z.number().int().positive().default(100),
  /** Matching-engine requests (buy/sell/edit/cancel…) per second (default 5: tier 4, the lowest). */
  matchingEngineRatePerSec: z.number().positive().default(5),
  /** Matching-engine burst (default 20: tier 4). */
  matchingEngineBurst: z.number().int().positive().default(20),
  /** `public|private/subscribe` calls per second (default 3: 3,000 credits each, ≈3.3/s). */
  subscribeRatePerSec: z.number().positive().default(3),
  /** Minimum gap between `public/get_instruments` calls (default 10 s, the older, stricter limit). */
  getInstrumentsMinIntervalSecs: z.number().min(0).default(10),
});

/** A currency code as Deribit writes it (`BTC`, `ETH`, `USDC`, `USDT`, `EURR`). */
const CurrencySchema = z.string().regex(/^[A-Z0-9]{2,10}$/, 'use an upper-case currency code such as BTC');

/**
 * The `deribit` config section. Unknown keys are rejected. `environment: 'live'` also needs
 * `liveOptIn: true`; `sim` takes its URLs from the simulator at runtime unless overridden.
 */
export const DeribitConfigSchema = z
  .strictObject({
    /** Whether the daemon connects to Deribit at all (default false). */
    enabled: z.boolean().default(false),
    /** `sim` (local simulator, default), `testnet` (test.deribit.com) or `live` (www.deribit.com, real money). */
    environment: z.enum(DERIBIT_ENVIRONMENTS).default('sim'),
    /** Must be true to run with `environment: 'live'` (default false). */
    liveOptIn: z.boolean().default(false),
    /** REST base URL including `/api/v2`, overriding the environment's (no default). */
    restUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** WebSocket URL, overriding the environment's (no default). */
    wsUrl: z.url({ protocol: /^wss?$/ }).optional(),
    /** Currencies whose instruments, orders and portfolio are tracked (default BTC and ETH). */
    currencies: z.array(CurrencySchema).min(1).default(['BTC', 'ETH']),
    /** `public/set_heartbeat` interval in seconds (default 30, venue minimum 10). */
    heartbeatIntervalSecs: z.number().int().min(10).default(30),
    /** How long to wait for a JSON-RPC reply before the outcome is unknown (default 10,000 ms). */
    requestTimeoutMs: z.number().int().positive().default(10_000),
    /** The same for protective requests (stop-loss, emergency close, cancels of orphans and siblings): a swallowed answer is looked up sooner (default 3,000 ms; never longer than requestTimeoutMs). */
    protectiveRequestTimeoutMs: z.number().int().positive().default(3_000),
    /** How long to wait for the `public/auth` reply (default 5,000 ms). */
    loginTimeoutMs: z.number().int().positive().default(5_000),
    /** Channels per subscribe call for option chains (default 50; venue cap 500 and 32 kB per frame). */
    optionSubscriptionBatchSize: z.number().int().min(1).max(500).default(50),
    /** Channels one connection may hold before another is opened (default 500; the venue documents no cap). */
    maxChannelsPerConnection: z.number().int().positive().default(500),
    /** Name for the `session:<name>` token scope; at most 16 sessions per key (default `venue-daemon`). */
    sessionName: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/, 'use 1-32 letters, digits, "_" or "-"')
      .default('venue-daemon'),
    rateLimit: DeribitRateLimitSchema.prefault({}),
    /** First reconnect delay; doubles with full jitter up to reconnectMaxDelayMs (default 500 ms). */
    reconnectInitialDelayMs: z.number().int().min(10).default(500),
    /** Ceiling of the reconnect delay (default 30,000 ms). */
    reconnectMaxDelayMs: z.number().int().min(100).default(30_000),
    /**
     * Warn when the venue's clock and this host's differ by more than this many ms (default 1,000).
     * Times are corrected with the measured offset either way; a large one means the host's NTP is off.
     */
    clockSkewWarnMs: z.number().int().positive().default(1_000),
    /** How often the venue-host clock offset is measured again with `public/get_time`, besides after every reconnect (default 300 s). */
    clockSyncIntervalSecs: z.number().int().min(10).default(300),
    /** Instruments whose ticker the daemon watches from start-up (default BTC-PERPETUAL). */
    watchSymbols: z.array(z.string().min(1)).default(['BTC-PERPETUAL']),
  })
  .superRefine((config, ctx) => {
    if (config.environment === 'live' && !config.liveOptIn) {
      ctx.addIssue({
        code: 'custom',
        path: ['liveOptIn'],
        message:
          'environment is "live" but live trading was not opted in — set venues.deribit.liveOptIn to true to trade real money, or use "testnet" or "sim"',
      });
    }
  });

/** The validated `deribit` section, every default filled in. */
export type DeribitConfig = z.output<typeof DeribitConfigSchema>;
/** The `deribit` section as written in the config file. */
export type DeribitConfigInput = z.input<typeof DeribitConfigSchema>;
