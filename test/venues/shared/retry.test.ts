import { describe, expect, it } from 'vitest';
import { TransportError } from '../../../src/domain/errors.js';
import { backoffDelay, sleep, withRetries, type RetryDecision } from '../../../src/venues/shared/retry.js';

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('withRetries', () => {
  it('retries with capped doubling backoff, then rethrows the last error unchanged', async () => {
    const { waits, sleep: fakeSleep } = recordingSleep();
    const errors = [1, 2, 3, 4, 5].map((n) => new TransportError('NETWORK', `down ${n}`));
    let calls = 0;
    const run = withRetries(
      async () => {
        throw errors[calls++];
      },
      () => 'retry',
      { attempts: 5, baseDelayMs: 100, maxDelayMs: 300, sleep: fakeSleep },
    );
    await expect(run).rejects.toBe(errors[4]);
    expect(calls).toBe(5);
    expect(waits).toEqual([100, 200, 300, 300]);
    expect(backoffDelay(1, 100, 300)).toBe(100);
  });

  it("honours the venue's retry-after, even above the cap", async () => {
    const { waits, sleep: fakeSleep } = recordingSleep();
    let calls = 0;
    const result = await withRetries(
      async (attempt) => {
        calls += 1;
        if (attempt === 1) throw new TransportError('RATE_LIMITED', '429');
        return 'done';
      },
      (): RetryDecision => ({ retryAfterMs: 7_000 }),
      { baseDelayMs: 100, maxDelayMs: 1_000, sleep: fakeSleep },
    );
    expect(result).toBe('done');
    expect(calls).toBe(2);
    expect(waits).toEqual([7_000]);
  });

  it("stops at once when classify says 'fail'", async () => {
    let calls = 0;
    const rejection = new Error('10004 invalid sign');
    await expect(
      withRetries(
        async () => {
          calls += 1;
          throw rejection;
        },
        (error) => (error instanceof TransportError ? 'retry' : 'fail'),
        { attempts: 5 },
      ),
    ).rejects.toBe(rejection);
    expect(calls).toBe(1);
  });

  it('aborts a long wait promptly with the signal reason and makes no further attempt', async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = withRetries(
      async () => {
        calls += 1;
        if (calls === 1) queueMicrotask(() => controller.abort(new Error('shutting down')));
        throw new TransportError('TIMEOUT', 'slow');
      },
      () => ({ retryAfterMs: 60_000 }),
      { attempts: 3, signal: controller.signal },
    );
    await expect(run).rejects.toThrow('shutting down');
    expect(calls).toBe(1);
    await expect(withRetries(async () => 1, () => 'retry', { signal: controller.signal })).rejects.toThrow('shutting down');
  });
});

describe('sleep', () => {
  it('resolves after the delay and rejects at once when aborted', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await expect(sleep(10, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });
});
