/** Zod schema for the `bybit` section of the config file: strict keys, units in names, defaults here only (keeps the planned entry's keys). */
import { z } from 'zod';

import { requireLiveOptIn, venueBaseShape } from '../section-schema.js';

/**
 * Client-side rate limits (spec 9): one budget per endpoint, as Bybit counts them (per UID, rolling
 * 1 s, per endpoint: `order/create`, `order/cancel`, `order/amend` and `order/cancel-all` 10/s
 * each on linear + inverse, assumed shared by the two categories). Defaults are those numbers less
 * a margin: this sliding window counts when a request leaves, the venue when it arrives.
 */
export const BybitRateLimitSchema = z.strictObject({
  /** `order/create` requests per second, linear and inverse together (default 9; venue 10/s per UID). Entries, stops and closes are all creates. */
  ordersPerSecond: z.number().int().positive().default(9),
  /** `order/cancel` requests per second, a budget of its own (default 9; venue 10/s per UID). */
  cancelsPerSecond: z.number().int().positive().default(9),
  /** `order/amend` requests per second, a budget of its own (default 9; venue 10/s per UID). */
  amendsPerSecond: z.number().int().positive().default(9),
  /** `order/cancel-all` requests per second, a budget of its own (default 9; venue 10/s per UID). */
  cancelAllPerSecond: z.number().int().positive().default(9),
  /**
   * Of each of the order budgets above, what only protective requests (stops, emergency closes,
   * cancels of orphans) may use; new entries get the rest (default 4: one trade's whole protective
   * chain, a stop, its two retries and an emergency close, so a burst of entries cannot take it).
   * Kept below each budget (at most the budget less one).
   */
  protectiveReserve: z.number().int().min(0).default(4),
  /** Private reads (order/realtime, execution/list, position/list, wallet) per second (default 40; venue 50/s per endpoint). */
  readsPerSecond: z.number().int().positive().default(40),
  /** After a `10006` answer without a reset header, new requests on that endpoint's budget wait this long (default 1,000 ms). */
  holdAfterRateLimitMs: z.number().int().min(0).default(1_000),
});

/**
 * The `bybit` section. The four WS URLs may be given one by one; `wsUrl` (from the shared base
 * shape) is a WS *base* to which the paths `/v5/public/linear`, `/v5/public/inverse`,
 * `/v5/private` and `/v5/trade` are appended.
 */
export const BybitConfigSchema = z
  .strictObject({
    ...venueBaseShape,
    environment: z.enum(['sim', 'testnet', 'demo', 'live']).default('sim'),
    wsPublicLinearUrl: z.url({ protocol: /^wss?$/ }).optional(),
    wsPublicInverseUrl: z.url({ protocol: /^wss?$/ }).optional(),
    wsPrivateUrl: z.url({ protocol: /^wss?$/ }).optional(),
    wsTradeUrl: z.url({ protocol: /^wss?$/ }).optional(),
    /** The trade (order-entry) socket. Orders go over REST; off by default (demo has none). */
    tradeSocket: z.boolean().default(false),
    /** Protective requests (stop-loss, emergency close, cancels of orphans) get this shorter deadline (default 3,000 ms). */
    protectiveRequestTimeoutMs: z.number().int().positive().default(3_000),
    /** A `{"op":"ping"}` not answered within this means the socket is dead (default 5,000 ms). */
    pongTimeoutMs: z.number().int().positive().default(5_000),
    /** Every subscribe must be acknowledged within this, or the socket is reconnected (default 10,000 ms). */
    subscribeAckTimeoutMs: z.number().int().positive().default(10_000),
    /** `X-BAPI-RECV-WINDOW`: how long a signed request stays valid (default 10,000 ms; spec 12.11 advises widening 5,000). */
    recvWindowMs: z.number().int().min(1_000).max(60_000).default(10_000),
    /** WS auth `expires` is venue now plus this (default 10,000 ms). */
    authExpiresInMs: z.number().int().min(1_000).max(60_000).default(10_000),
    /** Categories traded: `linear` (USDT, sized in coin) and/or `inverse` (USD contracts, settled in coin). */
    categories: z
      .array(z.enum(['linear', 'inverse']))
      .min(1)
      .default(['linear', 'inverse']),
    /** Instruments whose ticker the daemon watches from start-up (default BTCUSDT). */
    watchSymbols: z.array(z.string().min(1)).default(['BTCUSDT']),
    /** Warn when Bybit's clock and this host's differ by more than this many ms (default 1,000). */
    clockSkewWarnMs: z.number().int().positive().default(1_000),
    /** How often the clock offset is measured again with `market/time` (default 300 s). */
    clockSyncIntervalSecs: z.number().int().min(10).default(300),
    rateLimit: BybitRateLimitSchema.prefault({}),
  })
  .superRefine(requireLiveOptIn('bybit'));

/** The validated `bybit` section, every default filled in. */
export type BybitConfig = z.output<typeof BybitConfigSchema>;
/** The `bybit` section as written in the config file. */
export type BybitConfigInput = z.input<typeof BybitConfigSchema>;
