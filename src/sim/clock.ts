/** The simulator's clock: a base time source plus an offset that tests can move. */

/** Time as the simulated venue sees it. Tests move it to expire tokens or stale signatures. */
export class SimClock {
  private offsetMs = 0;

  /** `base` defaults to Date.now. */
  constructor(private readonly base: () => number = Date.now) {}

  /** Current simulated time in ms since the epoch. */
  now(): number {
    return this.base() + this.offsetMs;
  }

  /** Moves simulated time forward (or back, with a negative value). */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Sets simulated time so that `now()` returns `ms` at this instant (and moves on from there). */
  set(ms: number): void {
    this.offsetMs = ms - this.base();
  }
}
