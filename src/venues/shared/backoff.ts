/** Exponential backoff with full jitter for reconnects: each delay is uniform in [0, min(max, initial * multiplier^n)]. */

/** Backoff settings. All durations in milliseconds. */
export interface BackoffOptions {
  /** Ceiling of the first delay. Default 500 ms. */
  readonly initialDelayMs?: number;
  /** Largest ceiling any delay can reach. Default 30 000 ms. */
  readonly maxDelayMs?: number;
  /** Growth of the ceiling per attempt. Default 2. */
  readonly multiplier?: number;
  /** Floor under every delay, so a jitter draw of 0 never produces a tight reconnect loop. Default 0 ms. */
  readonly minDelayMs?: number;
  /** Uniform random source in [0, 1). Default Math.random; tests inject a fixed sequence. */
  readonly random?: () => number;
}

export const DEFAULT_BACKOFF = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  multiplier: 2,
  minDelayMs: 0,
} as const;

/**
 * Stateful backoff ("full jitter", as in the AWS architecture note): the ceiling grows with every
 * `next()` until `reset()`, and the delay is a uniform draw below the ceiling so that many clients
 * reconnecting after the same outage do not arrive in lockstep.
 */
export class Backoff {
  private attemptCount = 0;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly multiplier: number;
  private readonly minDelayMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialDelayMs = options.initialDelayMs ?? DEFAULT_BACKOFF.initialDelayMs;
    this.maxDelayMs = options.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs;
    this.multiplier = options.multiplier ?? DEFAULT_BACKOFF.multiplier;
    this.minDelayMs = options.minDelayMs ?? DEFAULT_BACKOFF.minDelayMs;
    this.random = options.random ?? Math.random;
    if (!(this.initialDelayMs >= 0) || !(this.maxDelayMs >= 0) || !(this.multiplier >= 1) || !(this.minDelayMs >= 0)) {
      throw new RangeError(
        `invalid backoff: initialDelayMs=${this.initialDelayMs} maxDelayMs=${this.maxDelayMs} multiplier=${this.multiplier} minDelayMs=${this.minDelayMs} (delays must be >= 0, multiplier >= 1)`,
      );
    }
  }

  /** Number of delays handed out since the last reset. */
  get attempt(): number {
    return this.attemptCount;
  }

  /** The ceiling the next delay will be drawn under. */
  ceilingMs(): number {
    const grown = this.initialDelayMs * this.multiplier ** this.attemptCount;
    return Math.min(this.maxDelayMs, Number.isFinite(grown) ? grown : this.maxDelayMs);
  }

  /** Returns the next delay (ms, integer) and grows the ceiling. */
  next(): number {
    const ceiling = this.ceilingMs();
    this.attemptCount += 1;
    const r = Math.min(Math.max(this.random(), 0), 1);
    return Math.max(this.minDelayMs, Math.round(r * ceiling));
  }

  /** Back to the first ceiling: call after a connection has been stable for a while. */
  reset(): void {
    this.attemptCount = 0;
  }
}
