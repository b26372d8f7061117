/**
 * Bad frames from the venue, as the chaos run sends them: truncated, oversized and out-of-order
 * (an older state of an order after it filled, a fill pushed twice, an answer to a request nobody
 * made). The adapter logs what it could not read, keeps (or re-opens) the connection, and passes on
 * nothing that would double a fill.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { dec } from '../../src/domain/decimal.js';
import type { VenueEvent } from '../../src/domain/events.js';
import { orderToWire, tradeToWire } from '../../src/sim/deribit/wire.js';
import { type DeribitHarness, startDeribitHarness } from '../support/deribit-harness.js';
import { waitFor } from '../support/wait.js';

let h: DeribitHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const PERP = 'BTC-PERPETUAL';

async function stillTrades(harness: DeribitHarness, clientId: string): Promise<void> {
  await waitFor(() => harness.venue.isReady(), { timeoutMs: 5_000, message: 'adapter ready again' });
  const out = await harness.venue.submitOrder({ clientId, symbol: PERP, side: 'buy', type: 'market', size: dec(10), reduceOnly: false });
  expect(out.status).toBe('accepted');
}

describe('bad frames from Deribit (chaos run kinds)', () => {
  it.each([
    ['truncated', '{"jsonrpc":"2.0","method":"subscription","params":{"channel":"ticker.BTC-PERPETUAL.100ms","data":{"mark_price":6'],
    ['not JSON', 'BUY BUY BUY'],
    ['JSON but not an object', '[1,2,3]'],
    [
      'a subscription with a garbage payload',
      '{"jsonrpc":"2.0","method":"subscription","params":{"channel":"user.changes.any.BTC.raw","data":{"orders":[{"order_id":5,"amount":"lots"}]}}}',
    ],
  ])('a %s frame is logged and the connection keeps trading', async (_name, text) => {
    h = await startDeribitHarness();
    const before = h.events.filter((e) => e.type === 'order' || e.type === 'fill').length;
    expect(h.sim.faults.sendMalformedFrame('all', text)).toBeGreaterThan(0);
    await waitFor(() => h!.log.lines.some((l) => (l.level as number) >= 40), { timeoutMs: 3_000, message: 'a warning about the frame' });
    expect(h.events.filter((e) => e.type === 'order' || e.type === 'fill').length).toBe(before);
    await stillTrades(h, 'vd1-after-bad-frame');
  });

  it('an oversized frame (3 MB) does not take the adapter down: it trades afterwards', async () => {
    h = await startDeribitHarness();
    const pad = 'x'.repeat(3_000_000);
    h.sim.faults.sendMalformedFrame(
      'all',
      `{"jsonrpc":"2.0","method":"subscription","params":{"channel":"ticker.BTC-PERPETUAL.100ms","data":{"pad":"${pad}"}}}`,
    );
    await new Promise((r) => setTimeout(r, 200));
    await stillTrades(h, 'vd1-after-big-frame');
  });

  it('out of order: an older state of a filled order and a fill pushed twice keep the fill id, so the store books it once', async () => {
    h = await startDeribitHarness();
    const out = await h.venue.submitOrder({
      clientId: 'vd1-ooo-e',
      symbol: PERP,
      side: 'buy',
      type: 'market',
      size: dec(100),
      reduceOnly: false,
    });
    expect(out.status).toBe('accepted');
    const isFill = (e: VenueEvent) => e.type === 'fill' && e.fill.clientId === 'vd1-ooo-e';
    await waitFor(() => h!.events.find(isFill), { timeoutMs: 3_000, message: 'the fill' });
    const engine = h.sim.engine;
    const order = engine.allOrders().find((o) => o.label === 'vd1-ooo-e')!;
    const fill = engine.trades({ orderId: order.orderId })[0]!;
    const inst = engine.instrument(PERP);
    const stale = {
      ...order,
      state: 'open' as const,
      filledAmount: dec(0),
      averagePrice: dec(0),
      filledNotional: dec(0),
      lastUpdateTimestamp: order.creationTimestamp,
    };
    const data = { instrument_name: PERP, orders: [orderToWire(stale, inst)], trades: [tradeToWire(fill, inst)], positions: [] };
    h.sim.faults.sendMalformedFrame(
      'all',
      JSON.stringify({ jsonrpc: '2.0', method: 'subscription', params: { channel: 'user.changes.any.BTC.raw', data } }),
    );
    // An answer to a request id nobody sent: dropped quietly.
    h.sim.faults.sendMalformedFrame(
      'all',
      JSON.stringify({ jsonrpc: '2.0', id: 987654, result: { order: { order_id: '1' } }, usIn: 0, usOut: 0, usDiff: 0, testnet: true }),
    );
    await waitFor(() => h!.events.filter(isFill).length >= 2, { timeoutMs: 3_000, message: 'the replayed fill' });
    const fills = h.events.filter(isFill).map((e) => (e.type === 'fill' ? e.fill.tradeId : ''));
    expect(new Set(fills).size).toBe(1); // same venue trade id: the store's (venue, trade id) key keeps one
    // The venue's own view is unchanged: the order is filled, looked up by label.
    const looked = await h.venue.getOrder({ symbol: PERP, clientId: 'vd1-ooo-e' });
    expect(looked.status === 'found' ? looked.order.status : looked.status).toBe('filled');
    await stillTrades(h, 'vd1-after-ooo');
  });
});
