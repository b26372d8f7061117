/** Zod schema for the `orders` config section (OrderManager): strict keys, units in names, defaults here only. */
import { z } from 'zod';

/**
 * The `orders` config section. Unknown keys are rejected.
 * - clientIdPrefix: marks every order the daemon creates; the monitor only ever touches orders
 *   that carry it. Letters and digits only so that one format fits OKX clOrdId (1-32 alphanumerics),
 *   Bybit orderLinkId (≤36, [A-Za-z0-9_-]) and Deribit labels (≤64). Default `vd1`.
 */
export const OrdersConfigSchema = z.strictObject({
  /** Prefix of every client order id / label the daemon sends (default `vd1`, 2-6 letters/digits, starting with a letter). */
  clientIdPrefix: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{1,5}$/, 'use 2-6 letters or digits, starting with a letter (it must fit OKX clOrdId rules)')
    .default('vd1'),
  /** Stop-loss order type placed on every fill (default `stop_market`). */
  stopOrderType: z.enum(['stop_market', 'stop_limit']).default('stop_market'),
  /** For `stop_limit` stops: how far beyond the trigger the limit sits, in percent of the trigger (default 0.5 %). */
  stopLimitSlippagePct: z.number().min(0).max(10).default(0.5),
  /** Price the stop and take-profit triggers watch (default `mark`). */
  triggerReference: z.enum(['mark', 'last', 'index']).default('mark'),
  /** Attempts to place a stop-loss before the position is closed at market (default 3). */
  stopRetryAttempts: z.number().int().min(1).max(10).default(3),
  /**
   * Delay before retrying a stop-loss or close that the venue refused as retryable (rate limit,
   * busy); fixed, never doubled (default 200 ms). A definite rejection or an unknown outcome is
   * retried (after its look-up) at once: the position may be without a stop meanwhile.
   */
  stopRetryBaseDelayMs: z.number().int().min(0).max(10_000).default(200),
  /** Attempts to place a take-profit; a failure is alerted, never fatal (default 3). */
  takeProfitRetryAttempts: z.number().int().min(1).max(10).default(3),
  /** Look-ups by client id after an entry whose outcome is unknown, before the monitor takes over (default 3). */
  unknownLookupAttempts: z.number().int().min(1).max(20).default(3),
  /** Delay between those look-ups; doubles each time (default 250 ms). */
  unknownLookupDelayMs: z.number().int().min(0).max(30_000).default(250),
  /** Attempts to send a reduce-only close before a close is reported as failed (default 3). */
  closeRetryAttempts: z.number().int().min(1).max(10).default(3),
  /** Rounds of the emergency close (each up to closeRetryAttempts orders) before the position is left to the monitor, with a growing pause between rounds. */
  emergencyCloseRounds: z.number().int().min(1).max(20).default(5),
  /** Polls of a close order until it is filled (default 10), `closePollDelayMs` apart (default 200 ms). */
  closePollAttempts: z.number().int().min(1).max(100).default(10),
  closePollDelayMs: z.number().int().min(0).max(10_000).default(200),
  /** Rounds of close / cancel / verify that closeAll and the kill switch run before giving up (default 3). */
  flattenRounds: z.number().int().min(1).max(10).default(3),
  /** How long a new entry waits for the start-up reconciliation before it is refused (default 30 000 ms). */
  entryGateTimeoutMs: z.number().int().min(0).max(600_000).default(30_000),
  /** How long a market entry sized by notional waits for a first ticker to price it (default 2 000 ms). */
  referencePriceWaitMs: z.number().int().min(0).max(60_000).default(2_000),
});

export type OrdersConfig = z.infer<typeof OrdersConfigSchema>;
export type OrdersConfigInput = z.input<typeof OrdersConfigSchema>;
