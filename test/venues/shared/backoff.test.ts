/** Exponential backoff with jitter for reconnects: growth, cap, reset. */
import { describe, expect, it } from 'vitest';

import { Backoff } from '../../../src/venues/shared/backoff.js';

describe('Backoff', () => {
  it('grows the ceiling by the multiplier up to the max, and draws the delay under it (full jitter)', () => {
    const draws = [1, 1, 1, 1, 1, 0.5, 0.5, 0];
    let i = 0;
    const backoff = new Backoff({ initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 3, random: () => draws[i++] ?? 0 });
    const delays = draws.map(() => backoff.next());
    expect(delays).toEqual([100, 300, 900, 1_000, 1_000, 500, 500, 0]);
    expect(backoff.attempt).toBe(8);
  });

  it('starts over after reset and respects the floor', () => {
    const backoff = new Backoff({ initialDelayMs: 100, maxDelayMs: 10_000, minDelayMs: 20, random: () => 0 });
    backoff.next();
    backoff.next();
    expect(backoff.ceilingMs()).toBe(400);
    backoff.reset();
    expect(backoff.ceilingMs()).toBe(100);
    expect(backoff.next()).toBe(20);
  });

  it('rejects nonsense settings', () => {
    expect(() => new Backoff({ multiplier: 0.5 })).toThrow(RangeError);
  });
});
