/** Injectable time source and one-shot timers, so rate limits and timeouts can run on fake time in tests. */

/** Opaque handle returned by `Timers.setTimeout`. */
export type TimerHandle = object;

/** The clock and timer functions the shared venue machinery reads; `realTimers` in production. */
export interface Timers {
  /** Milliseconds since the epoch (or any monotonic origin, as long as it is consistent). */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Lets the process exit while this timer is pending (Node's `unref`); optional, fake timers need not have it. */
  unref?(handle: TimerHandle): void;
}

/** Wall-clock time and Node's timers. */
export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, Math.max(0, delayMs)),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  unref: (handle) => {
    (handle as NodeJS.Timeout).unref();
  },
};
