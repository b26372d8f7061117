/** Zod schema for the `risk` config section: entry limits and the daily loss limit. Strict keys, units in names. */
import { z } from 'zod';

const DecimalString = z
  .union([z.string().regex(/^\d+(\.\d+)?$/, 'use a plain positive decimal such as "1000" or "0.5"'), z.number().positive()])
  .transform((v) => String(v));

/** A size cap in the instrument's venue unit (USD for Deribit inverse perpetuals, contracts on OKX swaps, coin on Bybit linear). */
export const SizeLimitSchema = z.strictObject({
  /** Venue id this cap applies to; omitted = every venue. */
  venue: z.string().min(1).optional(),
  /** Symbol this cap applies to (the venue's own name); omitted = every symbol. */
  symbol: z.string().min(1).optional(),
  /** Largest entry size, in the instrument's venue unit. */
  maxSize: DecimalString,
});

/** The `risk` config section. Unknown keys are rejected. */
export const RiskConfigSchema = z.strictObject({
  /** Trades open at once (pending, working, open or closing), across venues (default 3). */
  maxOpenTrades: z.number().int().min(0).max(1_000).default(3),
  /** Size caps per venue/symbol; the most specific match wins (venue+symbol, then symbol, then venue, then generic). Default none. */
  maxSizePerTrade: z.array(SizeLimitSchema).default([]),
  /** Largest notional of one entry in USD (quote currency), optional (no default = no cap). */
  maxNotionalUsdPerTrade: z.number().positive().optional(),
  /** Largest loss one trade may take if its stop fills at the stop price, in USD (quote currency) (default 100). */
  maxLossAtStopUsd: z.number().positive().default(100),
  /** Realized loss since the daily reset that activates the kill switch, in USD (default 300). */
  maxDailyLossUsd: z.number().positive().default(300),
  /** UTC hour (0-23) at which the daily loss resets (default 0). */
  dailyResetUtcHour: z.number().int().min(0).max(23).default(0),
});

export type RiskConfig = z.infer<typeof RiskConfigSchema>;
export type RiskConfigInput = z.input<typeof RiskConfigSchema>;
