/**
 * How long positions on the venue went without a resting stop for their full size, from samples
 * of the simulator's own state. Pure: the chaos runner feeds it samples; tests feed it by hand.
 *
 * An interval is continuous time one position (one instrument) was unprotected. Each stretch
 * between two samples is booked to the daemon being up or down (the state the caller passes for
 * that stretch), so an interval that spans a SIGKILL and a restart has an "up" part (the daemon's
 * responsibility) and a "down" part (reported for information).
 */

/** One non-flat position as sampled. */
export interface Exposure {
  /** Venue and instrument, e.g. `deribit:BTC-PERPETUAL`. */
  readonly key: string;
  /** Absolute position size. */
  readonly size: number;
  /** Sum of resting reduce-only stops on the closing side (their unfilled amounts). */
  readonly stopQty: number;
  /** Time of the latest fill on the instrument (wall clock), from the venue's trade ledger. */
  readonly lastFillMs?: number;
}

export interface UnprotectedInterval {
  readonly key: string;
  readonly startMs: number;
  endMs: number;
  upMs: number;
  downMs: number;
  /** Size and stop quantity at the first sample that saw it. */
  readonly size: number;
  readonly stopQty: number;
}

export function isProtected(e: Exposure): boolean {
  return e.stopQty + 1e-9 >= e.size;
}

export class UnprotectionTracker {
  private readonly open = new Map<string, UnprotectedInterval>();
  private lastSampleMs: number | undefined;
  private readonly closed: UnprotectedInterval[] = [];
  private worstUp: UnprotectedInterval | undefined;
  private worstDown: UnprotectedInterval | undefined;
  samples = 0;

  /**
   * One sample at `nowMs`. `daemonUp`: whether the daemon process was running during the stretch
   * since the previous sample. `exposures`: every non-flat position now.
   */
  sample(nowMs: number, daemonUp: boolean, exposures: readonly Exposure[]): void {
    this.samples += 1;
    const prev = this.lastSampleMs;
    this.lastSampleMs = nowMs;
    const still = new Set<string>();
    for (const e of exposures) {
      if (isProtected(e)) continue;
      still.add(e.key);
      let iv = this.open.get(e.key);
      if (!iv) {
        // It became unprotected between two samples: from the fill that made it so, if that fill
        // happened since the last sample; otherwise (a stop went away) from now.
        const start =
          e.lastFillMs !== undefined && prev !== undefined && e.lastFillMs > prev && e.lastFillMs <= nowMs ? e.lastFillMs : nowMs;
        iv = { key: e.key, startMs: start, endMs: start, upMs: 0, downMs: 0, size: e.size, stopQty: e.stopQty };
        this.open.set(e.key, iv);
      }
      this.book(iv, nowMs, daemonUp);
    }
    for (const [key, iv] of this.open) {
      if (still.has(key)) continue;
      // Protected (or flat) again: it ended somewhere in the last stretch; book it up to now.
      this.book(iv, nowMs, daemonUp);
      this.open.delete(key);
      this.closed.push(iv);
    }
  }

  private book(iv: UnprotectedInterval, nowMs: number, up: boolean): void {
    const delta = Math.max(0, nowMs - iv.endMs);
    iv.endMs = Math.max(iv.endMs, nowMs);
    if (up) iv.upMs += delta;
    else iv.downMs += delta;
    if (!this.worstUp || iv.upMs > this.worstUp.upMs) this.worstUp = iv;
    if (!this.worstDown || iv.downMs > this.worstDown.downMs) this.worstDown = iv;
  }

  /** Longest time one interval was unprotected while the daemon ran. */
  maxUpMs(): number {
    return Math.round(this.worstUp?.upMs ?? 0);
  }

  /** Longest time one interval was unprotected while the daemon was down. */
  maxDownMs(): number {
    return Math.round(this.worstDown?.downMs ?? 0);
  }

  worst(): UnprotectedInterval | undefined {
    return this.worstUp ? { ...this.worstUp } : undefined;
  }

  /** Intervals seen so far (closed and still open). */
  intervals(): number {
    return this.closed.length + this.open.size;
  }

  /** Intervals still open (positions unprotected now). */
  openKeys(): string[] {
    return [...this.open.keys()];
  }
}
