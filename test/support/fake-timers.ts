/** A manual clock implementing the venues' `Timers`: time moves only when a test calls `advance`. */
import type { TimerHandle, Timers } from '../../src/venues/shared/timers.js';

interface Scheduled {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/** Fake time for rate limiters and request trackers: no real waiting, deterministic order. */
export class FakeTimers implements Timers {
  private current: number;
  private seq = 0;
  private readonly scheduled = new Map<number, Scheduled>();

  constructor(startMs = 1_700_000_000_000) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = ++this.seq;
    this.scheduled.set(id, { id, at: this.current + Math.max(0, delayMs), callback });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const id = (handle as { id?: unknown }).id;
    if (typeof id === 'number') this.scheduled.delete(id);
  }

  /** Timers not yet fired. */
  pending(): number {
    return this.scheduled.size;
  }

  /**
   * Moves time forward by `ms`, firing due timers in time order (timers they schedule inside the
   * span fire too), then lets promise continuations run.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      let next: Scheduled | undefined;
      for (const s of this.scheduled.values()) {
        if (s.at <= target && (!next || s.at < next.at || (s.at === next.at && s.id < next.id))) next = s;
      }
      if (!next) break;
      this.scheduled.delete(next.id);
      this.current = next.at;
      next.callback();
      await flushMicrotasks();
    }
    this.current = target;
    await flushMicrotasks();
  }
}

/** Lets every queued promise continuation run (a few turns, for chained awaits). */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}
