/** Zod schema for the `okx` section of the config file: strict keys, units in names, defaults here only (keeps the planned entry's keys). */
import { z } from 'zod';

import { requireLiveOptIn, venueBaseShape } from '../section-schema.js';

/** Client-side rate limits (spec 9); defaults are OKX's documented numbers less a margin. */
export const OkxRateLimitSchema = z.strictObject({
  /** Order placement/cancel/amend per instrument (UID + instId) within `orderWindowMs` (default 50; venue 60 / 2 s). */
  ordersPerInstrumentPerWindow: z.number().int().positive().default(50),
  /** The window of the per-instrument order budget (default 2,000 ms). */
  orderWindowMs: z.number().int().positive().default(2_000),
  /** Of that budget, what only protective orders (stops, closes, cancels of orphans) may use (default 10). */
  protectiveReserve: z.number().int().min(0).default(10),
  /** Other private REST requests (reads) per IP/UID within `restWindowMs` (default 15; the tightest read limits are 20 / 2 s). */
  restRequestsPerWindow: z.number().int().positive().default(15),
  /** The window of the read budget (default 2,000 ms). */
  restWindowMs: z.number().int().positive().default(2_000),
  /** After a `50011`/`50061` answer, new entries on that axis wait this long (default 1,000 ms). */
  holdAfterRateLimitMs: z.number().int().min(0).default(1_000),
});

/**
 * The `okx` section. `wsUrl` (from the shared base shape) is the WS *base* (the three paths
 * `/ws/v5/public|private|business` are appended); the three WS URLs may also be given one by one.
 */
export const OkxConfigSchema = z
  .strictObject({
    ...venueBaseShape,
    environment: z.enum(['sim', 'demo', 'live']).default('sim'),
    /** Explicit WS URLs (win over `wsUrl`). */
    wsPublicUrl: z.url({ protocol: /^wss?$/ }).optional(),
    wsPrivateUrl: z.url({ protocol: /^wss?$/ }).optional(),
    wsBusinessUrl: z.url({ protocol: /^wss?$/ }).optional(),
    /** Protective requests (stop-loss, emergency close, cancels of orphans) get this shorter deadline (default 3,000 ms). */
    protectiveRequestTimeoutMs: z.number().int().positive().default(3_000),
    /** A text `ping` not answered by `pong` within this means the socket is dead (default 5,000 ms). */
    pongTimeoutMs: z.number().int().positive().default(5_000),
    /** Every subscribe must be acknowledged within this, or the socket is reconnected (default 10,000 ms). */
    subscribeAckTimeoutMs: z.number().int().positive().default(10_000),
    /** Instruments whose ticker the daemon watches from start-up (default BTC-USDT-SWAP). */
    watchSymbols: z.array(z.string().min(1)).default(['BTC-USDT-SWAP']),
    /** Warn when OKX's clock and this host's differ by more than this many ms (default 1,000). */
    clockSkewWarnMs: z.number().int().positive().default(1_000),
    /** How often the clock offset is measured again with `public/time` (default 300 s). */
    clockSyncIntervalSecs: z.number().int().min(10).default(300),
    rateLimit: OkxRateLimitSchema.prefault({}),
  })
  .superRefine(requireLiveOptIn('okx'));

/** The validated `okx` section, every default filled in. */
export type OkxConfig = z.output<typeof OkxConfigSchema>;
/** The `okx` section as written in the config file. */
export type OkxConfigInput = z.input<typeof OkxConfigSchema>;
