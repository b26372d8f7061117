/**
 * Issue 7, defect 1 (second half): protective orders (stop-loss, emergency close, cancels) must
 * never wait behind the budget of entries. The real Deribit adapter against the simulator, over
 * real sockets; the client-side limiter runs with Deribit's default tier-4 matching-engine budget
 * (burst 20, 5 per second).
 */
import { afterEach, describe, expect, it } from 'vitest';

import type { CommandOutcome } from '../../../src/domain/commands.js';
import { dec } from '../../../src/domain/decimal.js';
import type { OrderRequest } from '../../../src/domain/order.js';
import { protectiveReserveOf } from '../../../src/venues/deribit/venue.js';
import { type DeribitHarness, startDeribitHarness } from '../../support/deribit-harness.js';
import { waitFor } from '../../support/wait.js';

const PERP = 'BTC-PERPETUAL';

let h: DeribitHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const entry = (i: number): OrderRequest => ({
  clientId: `vd1-drain${i}-e`,
  symbol: PERP,
  side: 'buy',
  type: 'limit',
  price: dec('50000'),
  size: dec(10),
  reduceOnly: false,
  priority: 'normal',
});

const stop = (clientId: string): OrderRequest => ({
  clientId,
  symbol: PERP,
  side: 'sell',
  type: 'stop_market',
  triggerPrice: dec('40000'),
  trigger: 'mark',
  size: dec(10),
  reduceOnly: true,
  priority: 'protective',
});

const close = (clientId: string): OrderRequest => ({
  clientId,
  symbol: PERP,
  side: 'sell',
  type: 'market',
  size: dec(10),
  reduceOnly: true,
  priority: 'protective',
});

const labelOf = (r: { params: Record<string, unknown> }): unknown => r.params['label'];

describe('Deribit adapter: protective requests never wait behind the entries budget', () => {
  it.each<[string, Record<string, unknown>]>([
    // A slow refill (1 per second) makes any wait behind the entries' budget plain to see.
    ['a burst of 20', { rateLimit: { matchingEngineBurst: 20, matchingEngineRatePerSec: 1 } }],
    ['a small budget (burst 3)', { rateLimit: { matchingEngineBurst: 3, matchingEngineRatePerSec: 1 } }],
  ])('with entries having drained %s, a stop-loss goes out at once, ahead of the queued entries', async (_name, config) => {
    h = await startDeribitHarness({ config });
    const opened = await h.venue.submitOrder({ ...close('vd1-pos-e'), side: 'buy', reduceOnly: false, priority: 'normal' });
    expect(opened.status).toBe('accepted');
    // 30 entries at once: more than the burst, so the rest queue in the client-side limiter.
    const entries: Promise<CommandOutcome>[] = [];
    for (let i = 0; i < 30; i += 1) entries.push(h.venue.submitOrder(entry(i)));
    await waitFor(() => h!.sim.requests.filter((r) => r.method === 'private/buy').length >= 3, {
      message: 'the first entries reached the venue',
    });
    const sentBefore = h.sim.requests.filter((r) => r.method === 'private/buy').length;
    expect(sentBefore).toBeLessThan(31); // some entries are still queued behind the budget

    const t0 = Date.now();
    const sl = await h.venue.submitOrder(stop('vd1-pos-sl'));
    const tookMs = Date.now() - t0;
    expect(sl.status).toBe('accepted');
    // Sent at once: no refill of the entries' budget (1 s per request here) was waited for.
    expect(tookMs).toBeLessThan(400);
    const order = h.sim.requests.filter((r) => r.method === 'private/buy' || r.method === 'private/sell').map(labelOf);
    const entriesAhead = order.slice(0, order.indexOf('vd1-pos-sl')).filter((l) => String(l).startsWith('vd1-drain')).length;
    // Only entries already on their way when the stop was asked for (plus at most one that a
    // refill let through meanwhile) reached the venue before it; the rest are still queued.
    expect(entriesAhead).toBeLessThanOrEqual(sentBefore - 1 + 1);
    expect(entriesAhead).toBeLessThan(30);
    expect(h.sim.engine.openOrders({ label: 'vd1-pos-sl' })).toHaveLength(1);
  });

  it('after the venue says 10028 to three stops, the emergency close goes out within a refill, not after a second-long hold each time', async () => {
    // 20 per second: one request refills in 50 ms.
    h = await startDeribitHarness({ config: { rateLimit: { matchingEngineRatePerSec: 20 } } });
    const opened = await h.venue.submitOrder({ ...close('vd1-rl-e'), side: 'buy', reduceOnly: false, priority: 'normal' });
    expect(opened.status).toBe('accepted');
    // The venue's own pool is empty (web UI, another process): it refuses the next three stops.
    h.sim.faults.rateLimitNext(3, { method: 'private/sell' });
    const t0 = Date.now();
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const out = await h.venue.submitOrder(stop(`vd1-rl-sl${attempt}`));
      expect(out).toMatchObject({ status: 'rejected', code: '10028', retryable: true });
    }
    const closed = await h.venue.submitOrder(close('vd1-rl-x'));
    const tookMs = Date.now() - t0;
    expect(closed.status).toBe('accepted');
    expect(h.sim.engine.position(PERP).size.isZero()).toBe(true);
    // Each 10028 costs a protective request at most the venue's refill of one request (50 ms
    // here), so four attempts take a fraction of a second (with a 1 s hold per 10028 it took over
    // 3 s; 3.6 s at tier 4).
    expect(tookMs).toBeLessThan(1_500);
  });

  it('a 10028 holds entries, but protective requests go first once one request has refilled', async () => {
    h = await startDeribitHarness();
    const opened = await h.venue.submitOrder({ ...close('vd1-hold-e'), side: 'buy', reduceOnly: false, priority: 'normal' });
    expect(opened.status).toBe('accepted');
    h.sim.faults.rateLimitNext(1, { method: 'private/buy' });
    const refused = await h.venue.submitOrder(entry(100));
    expect(refused).toMatchObject({ status: 'rejected', code: '10028' });
    // An entry and then a stop are asked for while the venue is throttling us: the stop goes first.
    const late = h.venue.submitOrder(entry(101));
    const t0 = Date.now();
    const sl = await h.venue.submitOrder(stop('vd1-hold-sl'));
    expect(sl.status).toBe('accepted');
    expect(Date.now() - t0).toBeLessThan(500);
    await late;
    const order = h.sim.requests.filter((r) => r.method === 'private/buy' || r.method === 'private/sell').map(labelOf);
    expect(order.indexOf('vd1-hold-sl')).toBeLessThan(order.indexOf('vd1-drain101-e'));
  });

  it('an error that is not a rate limit (10041 settlement in progress) does not throttle the next protective request', async () => {
    h = await startDeribitHarness();
    const opened = await h.venue.submitOrder({ ...close('vd1-stl-e'), side: 'buy', reduceOnly: false, priority: 'normal' });
    expect(opened.status).toBe('accepted');
    h.sim.faults.rejectNextOrders(1, { type: 'stop_market' }, { code: 10041, message: 'settlement_in_progress' });
    const first = await h.venue.submitOrder(stop('vd1-stl-sl1'));
    expect(first).toMatchObject({ status: 'rejected', code: '10041' });
    const t0 = Date.now();
    const second = await h.venue.submitOrder(stop('vd1-stl-sl2'));
    expect(second.status).toBe('accepted');
    expect(Date.now() - t0).toBeLessThan(500);
  });
});

describe('protectiveReserveOf', () => {
  it('keeps at least one matching-engine request for protective work whenever the burst allows it, at most five', () => {
    expect([1, 2, 3, 4, 8, 20, 50, 100].map(protectiveReserveOf)).toEqual([0, 1, 1, 1, 2, 5, 5, 5]);
  });
});
