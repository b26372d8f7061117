/** withRetries(): retry a task with capped doubling backoff, decided per error by a classify function; abortable sleep. */

/**
 * What to do after a failed attempt:
 * - 'retry': try again after the backoff delay (transport errors on idempotent calls)
 * - { retryAfterMs }: try again after exactly this long (the venue's retry-after)
 * - 'fail': give up now and rethrow (venue rejections, auth errors, non-idempotent timeouts)
 */
export type RetryDecision = 'retry' | 'fail' | { readonly retryAfterMs: number };

/** Information passed to `onRetry` before each wait. */
export interface RetryInfo {
  /** The attempt that just failed, from 1. */
  readonly attempt: number;
  readonly error: unknown;
  readonly delayMs: number;
}

/** Settings of withRetries. Durations in ms. */
export interface RetryOptions {
  /** Total attempts including the first. Default 3. */
  readonly attempts?: number;
  /** Delay after the first failure; doubles after each further one. Default 250 ms. */
  readonly baseDelayMs?: number;
  /** Cap on the doubling delay (a venue's retry-after is honoured even above it). Default 5 000 ms. */
  readonly maxDelayMs?: number;
  /** Aborts the current wait or prevents the next attempt; withRetries then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Called before each wait (log the retry here). */
  readonly onRetry?: (info: RetryInfo) => void;
  /** Replaces `sleep` (tests). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Resolves after `ms` milliseconds; rejects with `signal.reason` as soon as the signal aborts
 * (at once if it already has).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The capped doubling delay after failed attempt number `attempt` (from 1): base, 2·base, 4·base, … ≤ max. */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Runs `task` until it succeeds, `classify` says 'fail', or `attempts` are used up; then rethrows
 * the last error unchanged. `task` receives the attempt number (from 1) and the signal. Waits use
 * capped doubling backoff, or exactly `retryAfterMs` when classify returns one. Only pass tasks
 * that are safe to repeat: a non-idempotent call whose outcome is unknown must be reconciled, not
 * retried (classify → 'fail').
 */
export async function withRetries<T>(
  task: (attempt: number, signal: AbortSignal | undefined) => Promise<T>,
  classify: (error: unknown, attempt: number) => RetryDecision,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = Math.max(1, Math.floor(options.attempts ?? 3));
  const baseDelayMs = options.baseDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const wait = options.sleep ?? sleep;
  const { signal } = options;
  for (let attempt = 1; ; attempt += 1) {
    if (signal?.aborted) throw signal.reason;
    try {
      return await task(attempt, signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (attempt >= attempts) throw error;
      const decision = classify(error, attempt);
      if (decision === 'fail') throw error;
      const delayMs =
        decision === 'retry' ? backoffDelay(attempt, baseDelayMs, maxDelayMs) : Math.max(0, decision.retryAfterMs);
      options.onRetry?.({ attempt, error, delayMs });
      await wait(delayMs, signal);
    }
  }
}
