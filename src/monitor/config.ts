/** Zod schema for the `monitor` config section (PositionMonitor): strict keys, units in names, defaults here only. */
import { z } from 'zod';

/** The `monitor` config section. Unknown keys are rejected. */
export const MonitorConfigSchema = z.strictObject({
  /** Period of the reconciliation pass (default 30 000 ms); a pass also runs at start-up and after every reconnect. */
  reconcileIntervalMs: z.number().int().min(1_000).max(3_600_000).default(30_000),
  /** What to do with an open position whose stop is missing or too small: place it again (default) or close the position. */
  onMissingStop: z.enum(['replace', 'close']).default('replace'),
  /** Consecutive "not found" answers after which an order whose outcome was unknown is marked lost (default 3). */
  lostAfterNotFound: z.number().int().min(1).max(100).default(3),
});

export type MonitorConfig = z.infer<typeof MonitorConfigSchema>;
export type MonitorConfigInput = z.input<typeof MonitorConfigSchema>;
