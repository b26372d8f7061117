/** Bybit simulator fault knobs (SimFaults, as on OKX and Deribit): dropped sockets, rate-limit and injected rejections, unanswered and late answers, partial fills. */
import { afterEach, describe, expect, it } from 'vitest';

import type { BybitSim } from '../../../src/sim/bybit/index.js';
import { waitFor } from '../../support/wait.js';
import { authArgs, listOf, privateSocket, rest, startTestSim, WsClient } from './helpers.js';

let sim: BybitSim | undefined;
const clients: WsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});
const ORDER = { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '50000' };

describe('Bybit sim faults', () => {
  it('drops every connection, or one', async () => {
    const s = (sim = await startTestSim());
    const a = await privateSocket(s, ['order']);
    const b = await WsClient.connect(s.wsPublicLinearUrl);
    clients.push(a, b);
    await waitFor(() => s.connections === 2);
    expect(s.faults.dropConnections(s.connectionIds()[0] ?? '')).toBe(1);
    await a.waitClose();
    expect(s.faults.dropConnections()).toBe(1);
    await b.waitClose();
  });

  it('answers the next request with 10006, rejects the next order with a neutral reason or a venue error', async () => {
    const s = (sim = await startTestSim());
    s.faults.rateLimitNext(1, { method: 'POST /v5/order/create' });
    expect((await rest(s, s.credentials, 'POST', '/v5/order/create', ORDER)).body).toMatchObject({
      retCode: 10006,
      retMsg: 'Too many visits!',
    });
    s.faults.rejectNextOrders(1, { type: 'limit' }, { reason: 'not_enough_funds' });
    expect((await rest(s, s.credentials, 'POST', '/v5/order/create', ORDER)).body).toMatchObject({ retCode: 110007 });
    s.faults.rejectNextOrders(1, {}, { code: 10016, message: 'Internal system error.' });
    expect((await rest(s, s.credentials, 'POST', '/v5/order/create', ORDER)).body).toMatchObject({ retCode: 10016 });
    expect((await rest(s, s.credentials, 'POST', '/v5/order/create', ORDER)).body.retCode).toBe(0);
    // Conditional orders are `stop_market` / `stop_limit`; trading-stop legs `take_profit` / `stop_loss`.
    s.faults.rejectNextOrders(1, { type: 'stop_market' }, { reason: 'venue_refused', message: 'refused' });
    const cond = { ...ORDER, orderType: 'Market', triggerPrice: '70000', triggerDirection: 1, triggerBy: 'MarkPrice' };
    expect((await rest(s, s.credentials, 'POST', '/v5/order/create', cond)).body).toMatchObject({ retCode: 10001, retMsg: 'refused' });
    await rest(s, s.credentials, 'POST', '/v5/order/create', { ...ORDER, orderType: 'Market' });
    s.faults.rejectNextOrders(1, { type: 'stop_loss' }, { reason: 'not_enough_funds' });
    const stop = { category: 'linear', symbol: 'BTCUSDT', positionIdx: 0, tpslMode: 'Full', stopLoss: '50000' };
    expect((await rest(s, s.credentials, 'POST', '/v5/position/trading-stop', stop)).body.retCode).toBe(110007);
    expect((await rest(s, s.credentials, 'POST', '/v5/position/trading-stop', stop)).body.retCode).toBe(0);
  });

  it('never answers a REST create but executes it; answers a WS trade create late', async () => {
    const s = (sim = await startTestSim());
    s.faults.neverAnswer('POST /v5/order/create', { times: 1 });
    // The reply never comes (the socket is destroyed at close); the order exists all the same.
    const signed = rest(s, s.credentials, 'POST', '/v5/order/create', { ...ORDER, orderLinkId: 'lost-1' }).catch(() => undefined);
    await waitFor(
      async () =>
        listOf(await rest(s, s.credentials, 'GET', '/v5/order/realtime', { category: 'linear', orderLinkId: 'lost-1' })).length === 1,
    );
    void signed;

    const t = await WsClient.connect(s.wsTradeUrl);
    clients.push(t);
    t.send({ op: 'auth', args: authArgs(s.credentials, s.clock.now()) });
    await t.next((m) => m.op === 'auth');
    s.faults.delayResponses('order.create', 150, { times: 1 });
    const sentAt = Date.now();
    t.send({ reqId: 'late', header: { 'X-BAPI-TIMESTAMP': String(s.clock.now()) }, op: 'order.create', args: [ORDER] });
    expect((await t.next((m) => m.reqId === 'late')).retCode).toBe(0);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(140);
  });

  it('fills the next order only partly', async () => {
    const s = (sim = await startTestSim());
    s.faults.partialFillNext(1, { amount: '0.003' });
    await rest(s, s.credentials, 'POST', '/v5/order/create', { ...ORDER, qty: '0.010', price: '60100', orderLinkId: 'part-1' });
    const [row] = listOf(await rest(s, s.credentials, 'GET', '/v5/order/realtime', { category: 'linear', orderLinkId: 'part-1' }));
    expect(row).toMatchObject({ orderStatus: 'PartiallyFilled', cumExecQty: '0.003', leavesQty: '0.007' });
  });
});
