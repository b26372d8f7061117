/** OKX simulator under the shared fault knobs: injected sCode and neutral rejections, rate-limit answers, swallowed and late responses, acked-but-dead subscriptions. */
import { afterEach, describe, expect, it } from 'vitest';

import type { OkxSim } from '../../../src/sim/okx/index.js';
import { waitFor } from '../../support/wait.js';
import { dataOf, isPush, loggedIn, rest, startTestSim, type WsClient } from './helpers.js';

let sim: OkxSim | undefined;
const clients: WsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});

const ORDER = { instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'buy', ordType: 'limit', px: '50000', sz: '1' };

describe('OKX sim faults', () => {
  it('rejects the next matching order with the injected sCode inside a 200', async () => {
    const s = (sim = await startTestSim());
    s.faults.rejectNextOrders(1, { type: 'limit' }, { code: 51008, message: 'Order failed. Insufficient USDT margin in account' });
    const refused = await rest(s, s.credentials, 'POST', '/api/v5/trade/order', ORDER);
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({
      code: '1',
      data: [{ sCode: '51008', sMsg: 'Order failed. Insufficient USDT margin in account' }],
    });
    expect((await rest(s, s.credentials, 'POST', '/api/v5/trade/order', ORDER)).body.code).toBe('0');
  });

  it('maps a neutral injected rejection through errors.ts: trigger_price_too_high → 51053 on an algo, not_enough_funds → 51008', async () => {
    const s = (sim = await startTestSim());
    s.faults.rejectNextOrders(1, { type: 'conditional' }, { reason: 'trigger_price_too_high' });
    s.faults.rejectNextOrders(1, { type: 'limit' }, { reason: 'not_enough_funds' });
    const algo = await rest(s, s.credentials, 'POST', '/api/v5/trade/order-algo', {
      instId: 'BTC-USDT-SWAP',
      tdMode: 'cross',
      side: 'buy',
      ordType: 'conditional',
      sz: '1',
      slTriggerPx: '61000',
      slOrdPx: '-1',
    });
    expect(algo.body).toMatchObject({ code: '1', data: [{ sCode: '51053', algoId: '' }] });
    const order = await rest(s, s.credentials, 'POST', '/api/v5/trade/order', ORDER);
    expect(order.body).toMatchObject({ code: '1', data: [{ sCode: '51008', sMsg: 'Order failed. Insufficient USDT margin in account' }] });
    expect((await rest(s, s.credentials, 'POST', '/api/v5/trade/order', ORDER)).body.code).toBe('0');
  });

  it('answers the next request of a route with 50011', async () => {
    const s = (sim = await startTestSim());
    s.faults.rateLimitNext(1, { method: 'POST /api/v5/trade/order' });
    const limited = await rest(s, s.credentials, 'POST', '/api/v5/trade/order', ORDER);
    expect([limited.status, limited.body.code]).toEqual([429, '50011']);
    expect(dataOf(await rest(s, s.credentials, 'GET', '/api/v5/trade/orders-pending'))).toEqual([]);
  });

  it('executes a swallowed order (the unknown-outcome case) and answers a delayed one late', async () => {
    const s = (sim = await startTestSim());
    s.faults.neverAnswer('POST /api/v5/trade/order', { times: 1, execute: true });
    const pending = rest(s, s.credentials, 'POST', '/api/v5/trade/order', { ...ORDER, clOrdId: 'lost1' }).catch((e: unknown) => e);
    // The client never hears back, yet the order exists: query by clOrdId (okx.md pitfall 16).
    await waitFor(() => s.engine.openOrders().length === 1, { message: 'the swallowed order to be placed' });
    const found = await rest(s, s.credentials, 'GET', '/api/v5/trade/order?instId=BTC-USDT-SWAP&clOrdId=lost1');
    expect(dataOf(found)[0]).toMatchObject({ clOrdId: 'lost1', state: 'live' });
    s.faults.delayResponses('POST /api/v5/trade/cancel-order', 150, { times: 1 });
    const started = Date.now();
    const cancelled = await rest(s, s.credentials, 'POST', '/api/v5/trade/cancel-order', { instId: 'BTC-USDT-SWAP', clOrdId: 'lost1' });
    expect(cancelled.body.code).toBe('0');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await s.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it('acks a subscription the fault leaves undelivered', async () => {
    const s = (sim = await startTestSim());
    s.faults.failNextSubscriptions(1, 'orders');
    const c = await loggedIn(s, s.wsPrivateUrl);
    clients.push(c);
    c.send({ id: 'd1', op: 'subscribe', args: [{ channel: 'orders', instType: 'SWAP' }] });
    expect(await c.next((m) => m.id === 'd1')).toMatchObject({ event: 'subscribe' });
    const watcher = await loggedIn(s, s.wsPrivateUrl);
    clients.push(watcher);
    watcher.send({ op: 'subscribe', args: [{ channel: 'orders', instType: 'SWAP' }] });
    await watcher.next((m) => m.event === 'subscribe');
    await rest(s, s.credentials, 'POST', '/api/v5/trade/order', ORDER);
    await watcher.next(isPush('orders'));
    expect(c.frames.filter((m) => isPush('orders')(m as Record<string, unknown>))).toEqual([]);
  });
});
