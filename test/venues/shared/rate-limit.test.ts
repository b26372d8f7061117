/** RateLimiter: buckets and windows per axis, protective requests ahead of entries, reserves and aborts. */
import { describe, expect, it } from 'vitest';

import { type AxisSpec, RateLimiter, type RatePriority } from '../../../src/venues/shared/rate-limit.js';
import { FakeTimers, flushMicrotasks } from '../../support/fake-timers.js';

function makeLimiter(axes: Record<string, AxisSpec>) {
  const timers = new FakeTimers();
  const limiter = new RateLimiter({ name: 'test', axes, timers });
  const served: string[] = [];
  const take = (label: string, cost: Parameters<RateLimiter['acquire']>[0], priority: RatePriority = 'normal', signal?: AbortSignal) =>
    limiter.acquire(cost, priority, signal ? { signal } : {}).then(() => {
      served.push(label);
    });
  return { limiter, timers, served, take };
}

describe('RateLimiter', () => {
  it('serves protective requests before normal ones when the budget is short, FIFO within a priority', async () => {
    // Deribit matching-engine tier 4 in miniature: burst 2, 1 per second.
    const { timers, served, take } = makeLimiter({ me: { kind: 'bucket', capacity: 2, refillPerSecond: 1 } });
    void take('burst-1', 1);
    void take('burst-2', 1);
    void take('entry-A', 1);
    void take('entry-B', 1);
    void take('stop-loss', 1, 'protective');
    void take('entry-C', 1);
    void take('cancel-orphan', 1, 'protective');
    await flushMicrotasks();
    expect(served).toEqual(['burst-1', 'burst-2']);
    for (let i = 0; i < 5; i += 1) await timers.advance(1_000);
    expect(served).toEqual(['burst-1', 'burst-2', 'stop-loss', 'cancel-orphan', 'entry-A', 'entry-B', 'entry-C']);
  });

  it('models Deribit credits: cost 500 from a 50 000 pool refilled at 10 000/s', async () => {
    const { limiter, timers, served, take } = makeLimiter({
      nonMe: { kind: 'bucket', capacity: 50_000, refillPerSecond: 10_000 },
    });
    for (let i = 0; i < 101; i += 1) void take(`r${i}`, { nonMe: 500 });
    await flushMicrotasks();
    expect(served).toHaveLength(100);
    await timers.advance(49);
    expect(served).toHaveLength(100);
    await timers.advance(1);
    expect(served).toHaveLength(101);
    expect(limiter.available('nonMe')).toBeCloseTo(0);
  });

  it('enforces a sliding request window (OKX 60 / 2 s style)', async () => {
    const { timers, served, take } = makeLimiter({ order: { kind: 'window', limit: 3, windowMs: 2_000 } });
    for (const label of ['a', 'b', 'c', 'd', 'e']) void take(label, 1);
    await flushMicrotasks();
    expect(served).toEqual(['a', 'b', 'c']);
    await timers.advance(1_999);
    expect(served).toEqual(['a', 'b', 'c']);
    await timers.advance(1);
    expect(served).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('gives each key of a templated axis its own budget, so one busy instrument does not block another', async () => {
    const { limiter, timers, served, take } = makeLimiter({
      order: { kind: 'window', limit: 1, windowMs: 1_000 },
      uid: { kind: 'window', limit: 10, windowMs: 1_000 },
    });
    void take('btc-1', { 'order:BTC-USDT-SWAP': 1, uid: 1 });
    void take('btc-2', { 'order:BTC-USDT-SWAP': 1, uid: 1 });
    void take('eth-1', { 'order:ETH-USDT-SWAP': 1, uid: 1 });
    await flushMicrotasks();
    expect(served).toEqual(['btc-1', 'eth-1']);
    expect(limiter.queued()).toEqual({ protective: 0, normal: 1 });
    await timers.advance(1_000);
    expect(served).toEqual(['btc-1', 'eth-1', 'btc-2']);
  });

  it('keeps a protective reserve that normal requests cannot use', async () => {
    const { served, take } = makeLimiter({ me: { kind: 'bucket', capacity: 5, refillPerSecond: 1, protectiveReserve: 2 } });
    for (const label of ['n1', 'n2', 'n3', 'n4']) void take(label, 1);
    void take('p1', 1, 'protective');
    void take('p2', 1, 'protective');
    await flushMicrotasks();
    expect(served).toEqual(['n1', 'n2', 'n3', 'p1', 'p2']);
  });

  it('window with a reserve (Bybit per endpoint): entries queue at limit - reserve, a protective request takes the reserve at once past them', async () => {
    const { limiter, timers, served, take } = makeLimiter({ create: { kind: 'window', limit: 9, windowMs: 1_000, protectiveReserve: 4 } });
    for (let i = 0; i < 8; i += 1) void take(`e${i}`, { create: 1 });
    await flushMicrotasks();
    expect(served).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(limiter.queued()).toEqual({ protective: 0, normal: 3 });
    // Only the reserve is left: every protective request of one trade's chain goes now, without waiting.
    for (const label of ['s1', 's2', 's3', 'c1']) void take(label, { create: 1 }, 'protective');
    await flushMicrotasks();
    expect(served.slice(5)).toEqual(['s1', 's2', 's3', 'c1']);
    expect(limiter.queued()).toEqual({ protective: 0, normal: 3 });
    // A fifth protective request finds the window full: it waits, and goes first when the window slides.
    void take('c2', { create: 1 }, 'protective');
    await flushMicrotasks();
    expect(limiter.queued()).toEqual({ protective: 1, normal: 3 });
    await timers.advance(1_000);
    expect(served.slice(9)).toEqual(['c2', 'e5', 'e6', 'e7']);
  });

  it('stops waiting when aborted, charges nothing, and lets the next waiter through', async () => {
    const { limiter, timers, served, take } = makeLimiter({ me: { kind: 'bucket', capacity: 1, refillPerSecond: 1 } });
    await take('first', 1);
    const controller = new AbortController();
    const aborted = take('aborted', 1, 'normal', controller.signal);
    void take('next', 1);
    controller.abort(new Error('shutdown'));
    await expect(aborted).rejects.toThrow('shutdown');
    expect(limiter.queued()).toEqual({ protective: 0, normal: 1 });
    await timers.advance(1_000);
    expect(served).toEqual(['first', 'next']);
    await expect(limiter.acquire(1, 'normal', { signal: AbortSignal.abort(new Error('already')) })).rejects.toThrow('already');
  });

  it('rejects a cost that can never fit, and an unknown axis', async () => {
    const { limiter } = makeLimiter({ me: { kind: 'bucket', capacity: 5, refillPerSecond: 1, protectiveReserve: 1 } });
    await expect(limiter.acquire(6, 'protective')).rejects.toThrow(/exceeds/);
    await expect(limiter.acquire(5, 'normal')).rejects.toThrow(/exceeds/);
    await expect(limiter.acquire({ nope: 1 })).rejects.toThrow(/unknown rate-limit axis 'nope'/);
  });

  it('holds normal requests on an axis after the venue throttles us; the bucket refills from zero meanwhile', async () => {
    const { limiter, timers, served, take } = makeLimiter({ nonMe: { kind: 'bucket', capacity: 4, refillPerSecond: 2 } });
    limiter.holdUntil(timers.now() + 1_000, 'nonMe');
    void take('after-hold', 1);
    await flushMicrotasks();
    expect(served).toEqual([]);
    await timers.advance(999);
    expect(served).toEqual([]);
    await timers.advance(1);
    expect(served).toEqual(['after-hold']);
    expect(limiter.available('nonMe')).toBeCloseTo(1);
  });

  it('a venue throttle does not hold protective requests: they go after one request has refilled, ahead of held entries', async () => {
    // Tier 4 in miniature: 5 per second, reserve 1. The venue said 10028: its pool is empty.
    const { limiter, timers, served, take } = makeLimiter({
      me: { kind: 'bucket', capacity: 20, refillPerSecond: 5, protectiveReserve: 1 },
      nonMe: { kind: 'bucket', capacity: 10, refillPerSecond: 10 },
    });
    limiter.holdUntil(timers.now() + 1_000, 'me');
    void take('entry', { me: 1 }, 'normal');
    void take('stop-1', { me: 1 }, 'protective');
    void take('other-pool', { nonMe: 1 }, 'normal');
    await flushMicrotasks();
    expect(served).toEqual(['other-pool']); // only the throttled pool is held
    await timers.advance(199);
    expect(served).toEqual(['other-pool']);
    await timers.advance(1);
    expect(served).toEqual(['other-pool', 'stop-1']);
    void take('stop-2', { me: 1 }, 'protective');
    await timers.advance(200);
    expect(served).toEqual(['other-pool', 'stop-1', 'stop-2']);
    // The entry waits out the hold and then for budget beyond the reserve.
    await timers.advance(599);
    expect(served).not.toContain('entry');
    await timers.advance(1_000);
    expect(served.at(-1)).toBe('entry');
  });

  it('tryAcquire charges only when it fits now and nobody is queued ahead', async () => {
    const { limiter } = makeLimiter({ me: { kind: 'bucket', capacity: 1, refillPerSecond: 1 } });
    expect(limiter.tryAcquire(1)).toBe(true);
    expect(limiter.tryAcquire(1)).toBe(false);
    const waiting = limiter.acquire(1);
    limiter.close(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
  });
});
