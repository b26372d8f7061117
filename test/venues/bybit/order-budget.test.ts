/**
 * The Bybit adapter's client-side order budgets in a burst (chaos seed 1, `--venues bybit`): one
 * budget per endpoint as the venue has them (bybit.md §9: `order/create`, `order/cancel`,
 * `order/amend` 10/s each), so creates never take the cancels' room, and a reserve big enough
 * that entries cannot take the slots one trade's whole protective chain needs (a stop, its
 * retries, an emergency close). "Went at once" is told by order, never by wall-clock speed: the
 * protective requests are answered while entries of the same burst are still queued, and those
 * wait for the 1 s window to slide.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { dec } from '../../../src/domain/decimal.js';
import type { OrderRequest } from '../../../src/domain/order.js';
import { BybitConfigSchema } from '../../../src/venues/bybit/config.js';
import { type FakeBybit, startFakeBybit } from './fake-bybit.js';

let fake: FakeBybit | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function started(config: Record<string, unknown> = {}): Promise<FakeBybit> {
  fake = await startFakeBybit({ config });
  await fake.venue.connect();
  return fake;
}

const entry = (i: number): OrderRequest => ({
  clientId: `burst-e${i}`,
  symbol: 'BTCUSDT',
  side: 'buy',
  type: 'market',
  size: dec('0.01'),
  reduceOnly: false,
});

const stop = (clientId: string): OrderRequest => ({
  clientId,
  symbol: 'BTCUSDT',
  side: 'sell',
  type: 'stop_market',
  triggerPrice: dec(25000),
  size: dec('0.01'),
  reduceOnly: true,
  priority: 'protective',
});

const close = (clientId: string): OrderRequest => ({
  clientId,
  symbol: 'BTCUSDT',
  side: 'sell',
  type: 'market',
  size: dec('0.01'),
  reduceOnly: true,
  priority: 'protective',
});

const createdIds = (f: FakeBybit): unknown[] => f.rest.calls('/v5/order/create').map((r) => r.body?.orderLinkId);

describe('bybit order budgets in a burst', () => {
  it('creates do not use the cancel budget: a cancel goes while creates wait for the window', async () => {
    const f = await started({ rateLimit: { holdAfterRateLimitMs: 200, ordersPerSecond: 4, protectiveReserve: 1 } });
    // Fill the create budget to the last slot (3 entries + 1 protective stop), then one more entry that must wait.
    const burst = [0, 1, 2].map((i) => f.venue.submitOrder(entry(i)));
    const stops = [f.venue.submitOrder(stop('burst-s0'))];
    await Promise.all([...burst, ...stops]);
    const queued = f.venue.submitOrder(entry(3));
    // Normal priority on purpose: only its own (empty) budget may decide.
    const cancel = await f.venue.cancelOrder({ symbol: 'BTCUSDT', clientId: 'burst-s0' });
    expect(cancel.status).not.toBe('unknown');
    expect(f.rest.calls('/v5/order/cancel')).toHaveLength(1);
    expect(createdIds(f)).not.toContain('burst-e3');
    await queued;
    expect(createdIds(f)).toContain('burst-e3');
  });

  it('with the default budget, entries in a burst leave room for one trade whole protective chain (3 stops + a close)', async () => {
    const f = await started();
    // Many entries at once: what the budget lets through goes, the rest queue for the window.
    const entries = Array.from({ length: 12 }, (_, i) => f.venue.submitOrder(entry(i)));
    const protective = [stop('chain-s1'), stop('chain-s2'), stop('chain-s3'), close('chain-c1')].map((r) => f.venue.submitOrder(r));
    const outcomes = await Promise.all(protective);
    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    // Every protective request was answered before the window slid: no more entries have gone
    // than one window lets through, the rest of the burst is still queued.
    const { ordersPerSecond, protectiveReserve } = BybitConfigSchema.parse({}).rateLimit;
    const entriesSent = createdIds(f).filter((id) => String(id).startsWith('burst-e')).length;
    expect(entriesSent).toBeLessThanOrEqual(ordersPerSecond - protectiveReserve);
    await Promise.all(entries);
    expect(createdIds(f)).toHaveLength(16);
  });

  it('X-Bapi-Limit-Status 0 on order/create holds creates only: a cancel still goes', async () => {
    const f = await started();
    const resetAt = Date.now() + 600;
    f.rest.script('/v5/order/create', {
      result: { orderId: 'hold-1', orderLinkId: 'burst-e0' },
      headers: { 'X-Bapi-Limit': '10', 'X-Bapi-Limit-Status': '0', 'X-Bapi-Limit-Reset-Timestamp': String(resetAt) },
    });
    await f.venue.submitOrder(entry(0));
    const held = f.venue.submitOrder(entry(1));
    const cancel = await f.venue.cancelOrder({ symbol: 'BTCUSDT', clientId: 'burst-e0' });
    expect(cancel.status).not.toBe('unknown');
    expect(f.rest.calls('/v5/order/cancel')).toHaveLength(1);
    expect(createdIds(f)).toEqual(['burst-e0']);
    await held;
    expect(createdIds(f)).toEqual(['burst-e0', 'burst-e1']);
  });
});
