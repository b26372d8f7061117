/**
 * The Bybit adapter trading against a scripted Bybit over real HTTP and sockets: a duplicate
 * orderLinkId settled as the existing order (never a second one), a partially filled then
 * cancelled entry reported with filled = cumExecQty, the rate-limit headers read into the budget,
 * 10006 as throttling, 10002 answered by a clock resync and a resend, inverse sizing in contracts.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { dec } from '../../../src/domain/decimal.js';
import type { VenueEvent } from '../../../src/domain/events.js';
import { waitFor } from '../../support/wait.js';
import { executionRow, type FakeBybit, orderRow, pushPrivate, startFakeBybit } from './fake-bybit.js';

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

describe('bybit trading', () => {
  it('a duplicate orderLinkId (110072) is settled as the existing order, never a second one', async () => {
    const f = await started();
    const existing = orderRow({ orderLinkId: 'dup-1', orderStatus: 'PartiallyFilled', cumExecQty: '0.004', avgPrice: '30000' });
    f.rest.state.orders.push(existing);
    f.rest.script('/v5/order/create', { retCode: 110072, retMsg: 'OrderLinkedID is duplicate' });
    const out = await f.venue.submitOrder({
      clientId: 'dup-1',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      price: dec(30000),
      size: dec('0.01'),
      reduceOnly: false,
    });
    expect(out.status).toBe('accepted');
    if (out.status !== 'accepted') return;
    expect(out.order.venueOrderId).toBe(existing.orderId);
    expect(out.order.filledSize.toString()).toBe('0.004');
    expect(f.rest.calls('/v5/order/create')).toHaveLength(1);
    const lookup = f.rest.calls('/v5/order/realtime').at(-1);
    expect(lookup?.query.get('orderLinkId')).toBe('dup-1');
  });

  it('a duplicate orderLinkId whose order cannot be found yet is unknown, not a resend', async () => {
    const f = await started();
    f.rest.script('/v5/order/create', { retCode: 110072, retMsg: 'OrderLinkedID is duplicate' });
    const out = await f.venue.submitOrder({
      clientId: 'dup-2',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      size: dec('0.01'),
      reduceOnly: false,
    });
    expect(out.status).toBe('unknown');
    expect(f.rest.calls('/v5/order/create')).toHaveLength(1);
  });

  it('a partially filled then cancelled entry is reported with filled = cumExecQty (cancel read-back and order push)', async () => {
    const f = await started();
    const out = await f.venue.submitOrder({
      clientId: 'pf-1',
      symbol: 'BTC/USDT:USDT',
      side: 'buy',
      type: 'limit',
      price: dec(30000),
      size: dec('0.01'),
      reduceOnly: false,
    });
    expect(out.status === 'accepted' && out.order.status).toBe('open');
    const row = f.rest.state.orders.find((r) => r.orderLinkId === 'pf-1');
    if (!row) throw new Error('order not created');
    Object.assign(row, { orderStatus: 'Cancelled', cumExecQty: '0.004', avgPrice: '30000', leavesQty: '0', cancelType: 'CancelByUser' });
    const cancelled = await f.venue.cancelOrder({ symbol: 'BTCUSDT', clientId: 'pf-1' });
    expect(cancelled.status).toBe('accepted');
    if (cancelled.status !== 'accepted') return;
    expect(cancelled.order?.status).toBe('cancelled');
    expect(cancelled.order?.filledSize.toString()).toBe('0.004');
    pushPrivate(f, 'order', [
      { ...row, orderStatus: 'PartiallyFilledCanceled', cumExecQty: '0.006', orderId: 'other-1', orderLinkId: 'pf-2' },
    ]);
    const ev = await waitFor(() =>
      f.events.find((e): e is Extract<VenueEvent, { type: 'order' }> => e.type === 'order' && e.order.clientId === 'pf-2'),
    );
    expect(ev.order.status).toBe('cancelled');
    expect(ev.order.filledSize.toString()).toBe('0.006');
  });

  it('a stop and its cancel are answered from the ack (one round trip each, no order/realtime read-back); a market order is still read back', async () => {
    const f = await started();
    const reads = (): number => f.rest.calls('/v5/order/realtime').length + f.rest.calls('/v5/order/history').length;
    const readsAtStart = reads(); // connect's position-mode check reads open orders
    const stop = await f.venue.submitOrder({
      clientId: 'sl-ack-1',
      symbol: 'BTC/USDT:USDT',
      side: 'sell',
      type: 'stop_market',
      size: dec('0.01'),
      triggerPrice: dec(29000),
      trigger: 'mark',
      reduceOnly: true,
      priority: 'protective',
    });
    const row = f.rest.state.orders.find((r) => r.orderLinkId === 'sl-ack-1');
    if (!row) throw new Error('stop not created');
    expect(stop.status).toBe('accepted');
    if (stop.status !== 'accepted') return;
    expect(stop.order).toMatchObject({ venueOrderId: row.orderId, clientId: 'sl-ack-1', status: 'untriggered', type: 'stop_market' });
    expect(stop.order.filledSize.isZero()).toBe(true);
    expect(stop.order.triggerPrice?.toString()).toBe('29000');
    expect(f.rest.calls('/v5/order/create')).toHaveLength(1);
    expect(reads()).toBe(readsAtStart);

    const cancelled = await f.venue.cancelOrder({ symbol: 'BTCUSDT', clientId: 'sl-ack-1' }, 'protective');
    expect(cancelled).toEqual({ status: 'accepted' });
    expect(f.rest.calls('/v5/order/cancel')).toHaveLength(1);
    expect(reads()).toBe(readsAtStart);

    // A market order may fill at once: its answer still carries the venue's state.
    const market = await f.venue.submitOrder({
      clientId: 'mkt-ack-1',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      size: dec('0.01'),
      reduceOnly: false,
    });
    expect(market.status).toBe('accepted');
    expect(reads()).toBe(readsAtStart + 1);
  });

  it('order pushes are idempotent: terminal never reopens, cumExecQty never decreases, repeats dropped', async () => {
    const f = await started();
    const row = orderRow({ orderLinkId: 'idem-1', orderStatus: 'Filled', cumExecQty: '0.010', avgPrice: '30000', leavesQty: '0' });
    pushPrivate(f, 'order', [row]);
    pushPrivate(f, 'order', [row]);
    pushPrivate(f, 'order', [{ ...row, orderStatus: 'New', cumExecQty: '0' }]);
    pushPrivate(f, 'order', [{ ...row, orderLinkId: 'idem-marker', orderId: 'marker' }]);
    await waitFor(() => f.events.some((e) => e.type === 'order' && e.order.clientId === 'idem-marker'));
    expect(f.events.filter((e) => e.type === 'order' && e.order.clientId === 'idem-1')).toHaveLength(1);
  });

  it('an amend (same status, same cumExecQty, new qty / price / trigger) is not dropped as a repeat', async () => {
    const f = await started();
    const row = orderRow({
      orderLinkId: 'amend-1',
      orderType: 'Market',
      side: 'Sell',
      price: '',
      orderStatus: 'Untriggered',
      triggerPrice: '29000.0',
      triggerDirection: 2,
      triggerBy: 'MarkPrice',
      reduceOnly: true,
      closeOnTrigger: true,
      qty: '0.010',
    });
    pushPrivate(f, 'order', [row]);
    pushPrivate(f, 'order', [{ ...row, qty: '0.020' }]);
    pushPrivate(f, 'order', [{ ...row, qty: '0.020', triggerPrice: '28900.0' }]);
    pushPrivate(f, 'order', [{ ...row, qty: '0.020', triggerPrice: '28900.0' }]);
    pushPrivate(f, 'order', [{ ...row, orderLinkId: 'amend-marker', orderId: 'amend-marker' }]);
    await waitFor(() => f.events.some((e) => e.type === 'order' && e.order.clientId === 'amend-marker'));
    const seen = f.events.filter((e): e is Extract<VenueEvent, { type: 'order' }> => e.type === 'order' && e.order.clientId === 'amend-1');
    expect(seen.map((e) => [e.order.size.toString(), e.order.triggerPrice?.toString()])).toEqual([
      ['0.01', '29000'],
      ['0.02', '29000'],
      ['0.02', '28900'],
    ]);
  });

  it('executions push fills once per execId, with our client id', async () => {
    const f = await started();
    const exec = executionRow({ orderLinkId: 'fill-1', execQty: '0.004' });
    pushPrivate(f, 'execution', [exec, exec, executionRow({ execType: 'Funding', orderLinkId: 'fund' })]);
    pushPrivate(f, 'execution', [executionRow({ orderLinkId: 'fill-marker' })]);
    await waitFor(() => f.events.some((e) => e.type === 'fill' && e.fill.clientId === 'fill-marker'));
    const fills = f.events.filter((e): e is Extract<VenueEvent, { type: 'fill' }> => e.type === 'fill' && e.fill.clientId === 'fill-1');
    expect(fills).toHaveLength(1);
    expect(fills[0]?.fill.size.toString()).toBe('0.004');
    expect(f.events.some((e) => e.type === 'fill' && e.fill.clientId === 'fund')).toBe(false);
  });

  it('reads the X-Bapi-Limit headers into the budget and waits for the reset when it is used up', async () => {
    const f = await started();
    const resetAt = Date.now() + 400;
    f.rest.script('/v5/order/create', {
      result: { orderId: 'rl-order-1', orderLinkId: 'rl-1' },
      headers: { 'X-Bapi-Limit': '10', 'X-Bapi-Limit-Status': '0', 'X-Bapi-Limit-Reset-Timestamp': String(resetAt) },
    });
    const first = await f.venue.submitOrder({
      clientId: 'rl-1',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      price: dec(30000),
      size: dec('0.01'),
      reduceOnly: false,
    });
    expect(first.status).toBe('accepted');
    expect(f.venue.rateBudget('/v5/order/create')).toEqual({ limit: 10, remaining: 0, resetAtMs: resetAt });
    await f.venue.submitOrder({
      clientId: 'rl-2',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      price: dec(30000),
      size: dec('0.01'),
      reduceOnly: false,
    });
    const second = f.rest.calls('/v5/order/create')[1];
    expect(second?.at).toBeGreaterThanOrEqual(resetAt - 20);
    expect(f.log.find('X-Bapi-Limit-Status 0').length).toBeGreaterThan(0);
  });

  it('10006 is throttling: retryable, the order budget held, a protective request still goes first', async () => {
    const f = await started();
    f.rest.script('/v5/order/create', {
      retCode: 10006,
      retMsg: 'Too many visits!',
      headers: { 'X-Bapi-Limit': '10', 'X-Bapi-Limit-Status': '0', 'X-Bapi-Limit-Reset-Timestamp': String(Date.now() + 600) },
    });
    const out = await f.venue.submitOrder({
      clientId: 'th-1',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      size: dec('0.01'),
      reduceOnly: false,
    });
    expect(out).toMatchObject({ status: 'rejected', code: '10006', retryable: true });
    const t0 = Date.now();
    const normal = f.venue.submitOrder({
      clientId: 'th-2',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      size: dec('0.01'),
      reduceOnly: false,
    });
    const protective = f.venue.submitOrder({
      clientId: 'th-3',
      symbol: 'BTCUSDT',
      side: 'sell',
      type: 'stop_market',
      triggerPrice: dec(25000),
      size: dec('0.01'),
      reduceOnly: true,
      priority: 'protective',
    });
    await Promise.all([normal, protective]);
    const creates = f.rest
      .calls('/v5/order/create')
      .slice(1)
      .map((r) => r.body?.orderLinkId);
    expect(creates).toEqual(['th-3', 'th-2']);
    expect((f.rest.calls('/v5/order/create')[2]?.at ?? 0) - t0).toBeGreaterThanOrEqual(400);
  });

  it('10002 is answered by a clock resync and a re-signed resend', async () => {
    const f = await started();
    const timeCalls = f.rest.calls('/v5/market/time').length;
    f.rest.script('/v5/order/create', {
      retCode: 10002,
      retMsg: 'invalid request, please check your server timestamp or recv_window param',
    });
    const out = await f.venue.submitOrder({
      clientId: 'ck-1',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      price: dec(30000),
      size: dec('0.01'),
      reduceOnly: false,
    });
    expect(out.status).toBe('accepted');
    const creates = f.rest.calls('/v5/order/create');
    expect(creates).toHaveLength(2);
    expect(creates[0]?.headers['x-bapi-sign']).not.toBe(creates[1]?.headers['x-bapi-sign']);
    expect(f.rest.calls('/v5/market/time').length).toBeGreaterThan(timeCalls);
  });

  it('signs every private request with the recv window, and sizes inverse orders in USD contracts', async () => {
    const f = await started();
    const out = await f.venue.submitOrder({
      clientId: 'inv-1',
      symbol: 'BTC/USD:BTC',
      side: 'sell',
      type: 'stop_market',
      triggerPrice: dec(25000.3),
      size: dec('500.7'),
      reduceOnly: true,
    });
    expect(out.status === 'accepted' && out.order.status).toBe('untriggered');
    const req = f.rest.calls('/v5/order/create')[0];
    expect(req?.body).toMatchObject({
      category: 'inverse',
      symbol: 'BTCUSD',
      qty: '500',
      triggerPrice: '25000',
      triggerDirection: 2,
      reduceOnly: true,
      closeOnTrigger: true,
      positionIdx: 0,
    });
    expect(req?.headers['x-bapi-recv-window']).toBe('10000');
    expect(req?.headers['x-bapi-api-key']).toBe('KEY');
    expect(f.venue.instrument('BTC/USD:BTC')?.sizeUnit).toBe('quote');
    expect(f.venue.netsPositions('BTCUSDT')).toBe(true);
  });

  it('getOrder falls back to order history, and is not_found when neither lists it', async () => {
    const f = await started();
    f.rest.state.history.push(orderRow({ orderLinkId: 'old-1', orderStatus: 'Filled', cumExecQty: '0.010', avgPrice: '30100' }));
    expect(await f.venue.getOrder({ symbol: 'BTCUSDT', clientId: 'old-1' })).toMatchObject({
      status: 'found',
      order: { status: 'filled' },
    });
    expect(await f.venue.getOrder({ symbol: 'BTCUSDT', clientId: 'never' })).toEqual({ status: 'not_found' });
    expect(await f.venue.cancelOrder({ symbol: 'BTCUSDT', clientId: 'never' })).toMatchObject({ status: 'rejected', notFound: true });
  });

  it('reads positions of both categories, signed, flat rows left out', async () => {
    const f = await started();
    f.rest.state.positions.push(
      { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', size: '0.010', avgPrice: '30000', positionIdx: 0 },
      { category: 'inverse', symbol: 'BTCUSD', side: 'Sell', size: '300', avgPrice: '27464.5', positionIdx: 0 },
      { category: 'linear', symbol: 'ETHUSDT', side: '', size: '0', avgPrice: '0', positionIdx: 0 },
    );
    const ps = await f.venue.positions();
    expect(ps.map((p) => [p.symbol, p.size.toString()])).toEqual([
      ['BTCUSDT', '0.01'],
      ['BTCUSD', '-300'],
    ]);
    expect(
      f.rest
        .calls('/v5/position/list')
        .find((r) => r.query.get('category') === 'linear')
        ?.query.get('settleCoin'),
    ).toBe('USDT');
  });

  it('signs with the venue clock: a host 30 s behind still sends the venue time (offset from market/time)', async () => {
    fake = await startFakeBybit({ clock: { now: () => Date.now() - 30_000 } });
    const f = fake;
    await f.venue.connect();
    expect(Math.abs((f.venue.clockOffset()?.offsetMs ?? 0) - 30_000)).toBeLessThan(500);
    await f.venue.submitOrder({
      clientId: 'clk-1',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      price: dec(30000),
      size: dec('0.01'),
      reduceOnly: false,
    });
    const sent = Number(f.rest.calls('/v5/order/create')[0]?.headers['x-bapi-timestamp']);
    expect(Math.abs(sent - Date.now())).toBeLessThan(1_000);
    // the private stream's auth `expires` is venue time too (now + authExpiresInMs)
    const auth = f.private.framesWithOp('auth')[0]?.json?.args as [string, number, string] | undefined;
    expect(Math.abs((auth?.[1] ?? 0) - (Date.now() + 10_000))).toBeLessThan(1_500);
  });
});
