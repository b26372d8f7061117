/** OKX simulator orders: REST place → `orders` push and read-back, sCode failures inside a 200, rate limits, positions, fills, algos and the dead-man switch, compared in shape with the fixtures. */
import { afterEach, describe, expect, it } from 'vitest';

import { dec } from '../../../src/domain/decimal.js';
import { defaultOkxRateLimits, type OkxSim } from '../../../src/sim/okx/index.js';
import { dataOf, fixtureItem, isPush, loadFixture, loggedIn, rest, shapeDiff, startTestSim, WsClient } from './helpers.js';

let sim: OkxSim | undefined;
const clients: WsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});

async function privateSocket(s: OkxSim, args: Record<string, string>[]): Promise<WsClient> {
  const c = await loggedIn(s, s.wsPrivateUrl);
  clients.push(c);
  c.send({ id: 's1', op: 'subscribe', args });
  for (const a of args) await c.next((m) => m.event === 'subscribe' && (m.arg as { channel: string }).channel === a.channel);
  return c;
}

const BTC = 'BTC-USDT-SWAP';

function pushData(m: Record<string, unknown>): Record<string, unknown> {
  return (m.data as Record<string, unknown>[])[0] ?? {};
}

describe('OKX sim orders', () => {
  it('places a market order: sCode 0 "Order placed", an orders push with the fill, read back over REST', async () => {
    const s = (sim = await startTestSim());
    const ws = await privateSocket(s, [{ channel: 'orders', instType: 'SWAP' }]);
    const placed = await rest(s, s.credentials, 'POST', '/api/v5/trade/order', {
      instId: BTC,
      tdMode: 'cross',
      side: 'buy',
      ordType: 'market',
      sz: '2',
      clOrdId: 'bot1a2b3c',
      tag: 'd1',
    });
    expect(placed.status).toBe(200);
    expect(shapeDiff(loadFixture('http_post_trade_order_ok.json'), placed.body)).toEqual([]);
    const item = dataOf(placed)[0] ?? {};
    expect(item).toMatchObject({ sCode: '0', sMsg: 'Order placed', clOrdId: 'bot1a2b3c', tag: 'd1' });
    const ordId = String(item.ordId);
    expect(ordId).toMatch(/^\d+$/);

    const push = await ws.next((m) => isPush('orders')(m) && pushData(m).state === 'filled');
    const fx = loadFixture('ws_push_orders_filled.json');
    expect(shapeDiff({ ...fx, arg: { channel: '', instType: '', uid: '' } }, push)).toEqual([]);
    expect(pushData(push)).toMatchObject({
      ordId,
      clOrdId: 'bot1a2b3c',
      instId: BTC,
      instType: 'SWAP',
      side: 'buy',
      posSide: 'net',
      tdMode: 'cross',
      ordType: 'market',
      sz: '2',
      accFillSz: '2',
      fillSz: '2',
      execType: 'T',
      reduceOnly: 'false',
      feeCcy: 'USDT',
    });
    expect(pushData(push).tradeId).not.toBe('');
    // 2 contracts x 0.01 BTC x 60000.1 x 0.05 % taker = 0.600001 USDT charged: negative on the wire.
    expect(pushData(push).fillFee).toBe('-0.600001');

    const read = await rest(s, s.credentials, 'GET', `/api/v5/trade/order?instId=${BTC}&ordId=${ordId}`);
    expect(shapeDiff(loadFixture('http_get_trade_order.json'), read.body)).toEqual([]);
    expect(dataOf(read)[0]).toMatchObject({ ordId, state: 'filled', accFillSz: '2', avgPx: '60000.1', clOrdId: 'bot1a2b3c' });
    const byClId = await rest(s, s.credentials, 'GET', `/api/v5/trade/order?instId=${BTC}&clOrdId=bot1a2b3c`);
    expect(dataOf(byClId)[0]?.ordId).toBe(ordId);

    const fills = await rest(s, s.credentials, 'GET', `/api/v5/trade/fills?instType=SWAP&instId=${BTC}`);
    expect(shapeDiff(loadFixture('http_get_trade_fills.json'), fills.body)).toEqual([]);
    expect(dataOf(fills)[0]).toMatchObject({ ordId, fillSz: '2', fillPx: '60000.1', side: 'buy', execType: 'T' });

    const positions = await rest(s, s.credentials, 'GET', '/api/v5/account/positions?instType=SWAP');
    expect(shapeDiff(loadFixture('http_get_account_positions.json'), positions.body)).toEqual([]);
    expect(dataOf(positions)[0]).toMatchObject({ instId: BTC, pos: '2', posSide: 'net', mgnMode: 'cross', avgPx: '60000.1', ccy: 'USDT' });

    const balance = await rest(s, s.credentials, 'GET', '/api/v5/account/balance');
    expect(balance.body.code).toBe('0');
    expect((dataOf(balance)[0]?.details as Record<string, unknown>[])[0]).toMatchObject({ ccy: 'USDT', cashBal: '99999.399999' });
  });

  it('a resting limit order: orders-pending in shape, live push, then cancel → canceled with cancelSource 1', async () => {
    const s = (sim = await startTestSim());
    const ws = await privateSocket(s, [{ channel: 'orders', instType: 'ANY' }]);
    const placed = await rest(s, s.credentials, 'POST', '/api/v5/trade/order', {
      instId: BTC,
      tdMode: 'cross',
      side: 'buy',
      ordType: 'limit',
      px: '59000',
      sz: '1',
      clOrdId: 'rest1',
    });
    const ordId = String(dataOf(placed)[0]?.ordId);
    expect(pushData(await ws.next(isPush('orders')))).toMatchObject({ ordId, state: 'live', accFillSz: '0', avgPx: '0', fillSz: '0' });
    const pending = await rest(s, s.credentials, 'GET', '/api/v5/trade/orders-pending?instType=SWAP');
    expect(shapeDiff(loadFixture('http_get_trade_orders_pending.json'), pending.body)).toEqual([]);
    expect(dataOf(pending)[0]).toMatchObject({ ordId, state: 'live', avgPx: '', px: '59000', clOrdId: 'rest1' });

    const dup = await rest(s, s.credentials, 'POST', '/api/v5/trade/order', {
      instId: BTC,
      tdMode: 'cross',
      side: 'buy',
      ordType: 'limit',
      px: '59000',
      sz: '1',
      clOrdId: 'rest1',
    });
    expect(dup.body).toMatchObject({ code: '1', data: [{ sCode: '51016' }] });

    const amended = await rest(s, s.credentials, 'POST', '/api/v5/trade/amend-order', { instId: BTC, ordId, newPx: '59500', reqId: 'r1' });
    expect(amended.body).toMatchObject({ code: '0', data: [{ ordId, reqId: 'r1', sCode: '0' }] });
    expect(pushData(await ws.next(isPush('orders')))).toMatchObject({ ordId, px: '59500', state: 'live', reqId: 'r1', amendResult: '0' });

    const cancelled = await rest(s, s.credentials, 'POST', '/api/v5/trade/cancel-order', { instId: BTC, clOrdId: 'rest1' });
    expect(shapeDiff(loadFixture('http_post_trade_cancel_order_ok.json'), cancelled.body)).toEqual([]);
    expect(pushData(await ws.next(isPush('orders')))).toMatchObject({ ordId, state: 'canceled', cancelSource: '1' });
    const again = await rest(s, s.credentials, 'POST', '/api/v5/trade/cancel-order', { instId: BTC, ordId });
    expect(again.body).toMatchObject({ code: '1', msg: 'All operations failed', data: [{ sCode: '51400' }] });
    const missing = await rest(s, s.credentials, 'GET', `/api/v5/trade/order?instId=${BTC}&ordId=123`);
    expect(missing.body).toEqual({ code: '51603', msg: 'Order does not exist', data: [] });
  });

  it('reports per-item failures inside a 200: the sCode capture shape, and code 2 on a partial batch', async () => {
    const s = (sim = await startTestSim());
    const lot = await rest(s, s.credentials, 'POST', '/api/v5/trade/order', {
      instId: BTC,
      tdMode: 'cross',
      side: 'buy',
      ordType: 'market',
      sz: '0.015',
    });
    expect(lot.status).toBe(200);
    const capture = loadFixture('http_post_trade_order_scode_error_capture.json');
    expect(shapeDiff(capture, lot.body, '$', true)).toEqual([]);
    expect(lot.body).toMatchObject({
      code: '1',
      msg: 'All operations failed',
      data: [{ sCode: '51121', sMsg: (capture.data as { sMsg: string }[])[0]?.sMsg, ordId: '' }],
    });

    const batch = await rest(s, s.credentials, 'POST', '/api/v5/trade/batch-orders', [
      { instId: BTC, tdMode: 'cross', side: 'buy', ordType: 'limit', px: '50000', sz: '1', clOrdId: 'b1' },
      { instId: BTC, tdMode: 'cross', side: 'sell', ordType: 'market', sz: '1', reduceOnly: true, clOrdId: 'b2' },
      { instId: BTC, tdMode: 'cross', side: 'buy', ordType: 'limit', px: '50000', sz: '1', clOrdId: 'b1' },
      { instId: BTC, tdMode: 'isolated', side: 'buy', ordType: 'limit', px: '50000', sz: '1' },
      { instId: 'BTC-USDT-SWAPX', tdMode: 'cross', side: 'buy', ordType: 'limit', px: '50000', sz: '1' },
      { instId: BTC, tdMode: 'cross', side: 'buy', ordType: 'limit', px: '50000', sz: '1', clOrdId: 'has-dash' },
      { instId: BTC, tdMode: 'cross', side: 'buy', ordType: 'limit', px: '50000.05', sz: '1' },
      // 50000 contracts x 0.01 BTC x 50000 = 25M USDT: 250000 USDT of margin at the catalogue's 100x, over the 100000 held.
      { instId: BTC, tdMode: 'cross', side: 'buy', ordType: 'limit', px: '50000', sz: '50000' },
      { instId: BTC, tdMode: 'cross', side: 'buy', ordType: 'market', sz: '12000.01' },
    ]);
    expect(batch.status).toBe(200);
    expect(shapeDiff(loadFixture('ws_op_batch_orders_partial.json'), { ...batch.body, id: '', op: '' })).toEqual([]);
    expect(batch.body.code).toBe('2');
    expect(dataOf(batch).map((d) => d.sCode)).toEqual(['0', '51169', '51016', '51000', '51001', '51000', '51000', '51008', '51202']);
  });

  it('refuses long/short position mode with a clear error and reports net_mode in account/config', async () => {
    const s = (sim = await startTestSim());
    const config = await rest(s, s.credentials, 'GET', '/api/v5/account/config');
    expect(shapeDiff(loadFixture('http_get_account_config.json'), config.body)).toEqual([]);
    expect(dataOf(config)[0]).toMatchObject({ posMode: 'net_mode', acctLv: '2' });
    const mode = await rest(s, s.credentials, 'POST', '/api/v5/account/set-position-mode', { posMode: 'long_short_mode' });
    expect(mode.status).toBe(400);
    expect(mode.body).toMatchObject({ code: '51000', data: [] });
    expect(String(mode.body.msg)).toMatch(/net_mode/);
    const hedged = await rest(s, s.credentials, 'POST', '/api/v5/trade/order', {
      instId: BTC,
      tdMode: 'cross',
      side: 'buy',
      posSide: 'long',
      ordType: 'market',
      sz: '1',
    });
    expect(hedged.body).toMatchObject({ code: '1', data: [{ sCode: '51000', sMsg: 'Parameter posSide error' }] });
  });

  it('answers over the per-instrument order budget with 50011 (HTTP 429); other instruments keep theirs', async () => {
    const s = (sim = await startTestSim({ rateLimits: { ...defaultOkxRateLimits(), order: { limit: 3, windowMs: 60_000 } } }));
    const place = (instId: string) =>
      rest(s, s.credentials, 'POST', '/api/v5/trade/order', {
        instId,
        tdMode: 'cross',
        side: 'buy',
        ordType: 'limit',
        px: instId === BTC ? '50000' : '2000',
        sz: '1',
      });
    for (let i = 0; i < 3; i++) expect((await place(BTC)).body.code).toBe('0');
    const limited = await place(BTC);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ code: '50011', msg: 'Too Many Requests', data: [] });
    expect((await place('ETH-USDT-SWAP')).body.code).toBe('0');
  });

  it('pushes positions and balance_and_position on a fill, and closes the position', async () => {
    const s = (sim = await startTestSim());
    const ws = await privateSocket(s, [{ channel: 'positions', instType: 'SWAP' }, { channel: 'balance_and_position' }]);
    await ws.next((m) => isPush('positions')(m) && m.eventType === 'snapshot');
    await ws.next(isPush('balance_and_position'));
    await rest(s, s.credentials, 'POST', '/api/v5/trade/order', { instId: BTC, tdMode: 'cross', side: 'sell', ordType: 'market', sz: '3' });
    const pos = await ws.next((m) => isPush('positions')(m) && m.eventType === 'event_update');
    const posFx = loadFixture('ws_push_positions.json');
    expect(shapeDiff({ ...posFx, data: [{ ...fixtureItem('ws_push_positions.json'), closeOrderAlgo: [] }] }, pos)).toEqual([]);
    // The engine's book: with the mark on a tick the best bid is the mark (60000), the ask one tick above.
    expect(pushData(pos)).toMatchObject({ instId: BTC, pos: '-3', posSide: 'net', avgPx: '60000' });
    const bp = await ws.next(isPush('balance_and_position'));
    expect(shapeDiff(loadFixture('ws_push_balance_and_position.json'), bp)).toEqual([]);
    expect(pushData(bp)).toMatchObject({ eventType: 'filled', posData: [{ instId: BTC, pos: '-3' }] });

    const close = await rest(s, s.credentials, 'POST', '/api/v5/trade/close-position', { instId: BTC, mgnMode: 'cross' });
    expect(shapeDiff(loadFixture('http_post_trade_close_position_ok.json'), close.body)).toEqual([]);
    expect(pushData(await ws.next((m) => isPush('positions')(m) && pushData(m).pos === '0'))).toMatchObject({ instId: BTC });
    const flat = await rest(s, s.credentials, 'GET', '/api/v5/account/positions');
    expect(dataOf(flat)).toEqual([]);
    const byInst = await rest(s, s.credentials, 'GET', `/api/v5/account/positions?instId=${BTC}`);
    expect(dataOf(byInst)[0]).toMatchObject({ pos: '0' });
    const none = await rest(s, s.credentials, 'POST', '/api/v5/trade/close-position', { instId: BTC, mgnMode: 'cross' });
    expect(none.body).toMatchObject({ code: '51023', data: [] });
  });
});

describe('OKX sim algo orders', () => {
  it('an OCO stop fires on the mark: orders-algo live → effective, the child order carries algoId and source 7', async () => {
    const s = (sim = await startTestSim());
    await rest(s, s.credentials, 'POST', '/api/v5/trade/order', { instId: BTC, tdMode: 'cross', side: 'buy', ordType: 'market', sz: '1' });
    const biz = await loggedIn(s, s.wsBusinessUrl);
    clients.push(biz);
    biz.send({ id: 'b1', op: 'subscribe', args: [{ channel: 'orders-algo', instType: 'ANY' }] });
    await biz.next((m) => m.event === 'subscribe');
    const orders = await privateSocket(s, [{ channel: 'orders', instType: 'SWAP' }]);

    const placed = await rest(s, s.credentials, 'POST', '/api/v5/trade/order-algo', {
      instId: BTC,
      tdMode: 'cross',
      side: 'sell',
      ordType: 'oco',
      sz: '1',
      reduceOnly: true,
      cxlOnClosePos: true,
      algoClOrdId: 'bot7e12oco',
      tpTriggerPx: '64000',
      tpOrdPx: '-1',
      tpTriggerPxType: 'mark',
      slTriggerPx: '57500',
      slOrdPx: '-1',
      slTriggerPxType: 'mark',
    });
    expect(shapeDiff(loadFixture('http_post_trade_order_algo_ok.json'), placed.body)).toEqual([]);
    const algoId = String(dataOf(placed)[0]?.algoId);
    expect(dataOf(placed)[0]).toMatchObject({ sCode: '0', algoClOrdId: 'bot7e12oco' });
    const live = await biz.next(isPush('orders-algo'));
    expect(
      shapeDiff(
        {
          ...loadFixture('ws_push_orders_algo.json'),
          arg: { channel: '', instType: '', uid: '' },
          data: [{ ...fixtureItem('ws_push_orders_algo.json'), linkedOrd: { ordId: '' } }],
        },
        live,
      ),
    ).toEqual([]);
    expect(pushData(live)).toMatchObject({
      algoId,
      state: 'live',
      ordType: 'oco',
      slTriggerPx: '57500',
      tpTriggerPx: '64000',
      slOrdPx: '-1',
      reduceOnly: 'true',
    });

    const pending = await rest(s, s.credentials, 'GET', '/api/v5/trade/orders-algo-pending?ordType=conditional,oco');
    expect(shapeDiff(loadFixture('http_get_trade_orders_algo_pending.json'), pending.body)).toEqual([]);
    expect(dataOf(pending)[0]).toMatchObject({ algoId, state: 'live' });
    const noType = await rest(s, s.credentials, 'GET', '/api/v5/trade/orders-algo-pending');
    expect(noType.body.code).toBe('50014');

    s.engine.setMarkPrice(BTC, dec('57400'), s.clock.now());
    const fired = await biz.next((m) => isPush('orders-algo')(m) && pushData(m).state === 'effective');
    expect(pushData(fired)).toMatchObject({ algoId, actualSide: 'sl', actualSz: '1' });
    const childId = (pushData(fired).ordIdList as string[])[0];
    const child = await orders.next((m) => isPush('orders')(m) && pushData(m).ordId === childId && pushData(m).state === 'filled');
    expect(pushData(child)).toMatchObject({ algoId, algoClOrdId: 'bot7e12oco', source: '7', side: 'sell', reduceOnly: 'true' });
    expect(dataOf(await rest(s, s.credentials, 'GET', '/api/v5/account/positions'))).toEqual([]);
    expect(dataOf(await rest(s, s.credentials, 'GET', '/api/v5/trade/orders-algo-pending?ordType=oco'))).toEqual([]);
  });

  it('conditional with both legs keeps only the SL; cancel-algos by algoClOrdId; wrong-side trigger is an sCode', async () => {
    const s = (sim = await startTestSim());
    await rest(s, s.credentials, 'POST', '/api/v5/trade/order', { instId: BTC, tdMode: 'cross', side: 'buy', ordType: 'market', sz: '1' });
    const both = await rest(s, s.credentials, 'POST', '/api/v5/trade/order-algo', {
      instId: BTC,
      tdMode: 'cross',
      side: 'sell',
      ordType: 'conditional',
      sz: '1',
      reduceOnly: true,
      algoClOrdId: 'cond1',
      tpTriggerPx: '64000',
      tpOrdPx: '-1',
      slTriggerPx: '57500',
      slOrdPx: '-1',
    });
    expect(both.body.code).toBe('0');
    const pending = await rest(s, s.credentials, 'GET', '/api/v5/trade/orders-algo-pending?ordType=conditional');
    expect(dataOf(pending)[0]).toMatchObject({ algoClOrdId: 'cond1', tpTriggerPx: '', slTriggerPx: '57500' });
    const cancel = await rest(s, s.credentials, 'POST', '/api/v5/trade/cancel-algos', [{ instId: BTC, algoClOrdId: 'cond1' }]);
    expect(shapeDiff(loadFixture('http_post_trade_cancel_algos_ok.json'), cancel.body)).toEqual([]);
    expect(dataOf(cancel)[0]).toMatchObject({ sCode: '0', algoClOrdId: 'cond1' });
    const wrong = await rest(s, s.credentials, 'POST', '/api/v5/trade/order-algo', {
      instId: BTC,
      tdMode: 'cross',
      side: 'sell',
      ordType: 'conditional',
      sz: '1',
      reduceOnly: true,
      slTriggerPx: '61000',
      slOrdPx: '-1',
    });
    expect(wrong.body).toMatchObject({ code: '1', data: [{ sCode: '51053' }] });
  });

  it('cancel-all-after fires (scaled) and cancels resting orders with cancelSource 20; "0" disarms', async () => {
    const s = (sim = await startTestSim({ timeScale: 0.01 }));
    const ws = await privateSocket(s, [{ channel: 'orders', instType: 'SWAP' }]);
    const off = await rest(s, s.credentials, 'POST', '/api/v5/trade/cancel-all-after', { timeOut: '0' });
    expect(shapeDiff(loadFixture('http_post_trade_cancel_all_after_ok.json'), off.body)).toEqual([]);
    expect(dataOf(off)[0]?.triggerTime).toBe('0');
    expect((await rest(s, s.credentials, 'POST', '/api/v5/trade/cancel-all-after', { timeOut: '5' })).body.code).toBe('51000');
    await rest(s, s.credentials, 'POST', '/api/v5/trade/order', {
      instId: BTC,
      tdMode: 'cross',
      side: 'buy',
      ordType: 'limit',
      px: '50000',
      sz: '1',
    });
    await ws.next(isPush('orders'));
    s.clock.advance(1000); // the 1/s budget
    const armed = await rest(s, s.credentials, 'POST', '/api/v5/trade/cancel-all-after', { timeOut: '10' });
    const nowSec = Math.floor(s.clock.now() / 1000);
    expect(dataOf(armed)[0]).toMatchObject({ triggerTime: String(nowSec + 10), ts: String(nowSec) });
    expect(pushData(await ws.next((m) => isPush('orders')(m) && pushData(m).state === 'canceled', 3000))).toMatchObject({
      cancelSource: '20',
    });
  });
});

describe('OKX sim WS order entry', () => {
  it('places by instIdCode over /private; instId alone is 50014; an unknown code 51001; before login 60011', async () => {
    const s = (sim = await startTestSim());
    const c = await privateSocket(s, [{ channel: 'orders', instType: 'SWAP' }]);
    c.send({
      id: '1512',
      op: 'order',
      args: [{ instIdCode: 10459, tdMode: 'cross', side: 'buy', ordType: 'limit', px: '50000', sz: '1', clOrdId: 'ws1' }],
    });
    const ok = await c.next((m) => m.id === '1512' && m.op === 'order');
    expect(shapeDiff(loadFixture('ws_op_order_ok.json'), ok, '$', true)).toEqual([]);
    expect(ok).toMatchObject({ code: '0', data: [{ sCode: '0', clOrdId: 'ws1' }] });
    const ordId = String((ok.data as { ordId: string }[])[0]?.ordId);
    expect(pushData(await c.next(isPush('orders')))).toMatchObject({ ordId, instId: BTC, state: 'live' });

    c.send({
      id: '1513',
      op: 'batch-orders',
      args: [
        { instIdCode: 10459, tdMode: 'cross', side: 'buy', ordType: 'limit', px: '50000', sz: '1' },
        { instId: BTC, tdMode: 'cross', side: 'buy', ordType: 'limit', px: '50000', sz: '1' },
        { instIdCode: 999, tdMode: 'cross', side: 'buy', ordType: 'limit', px: '50000', sz: '1' },
      ],
    });
    const partial = await c.next((m) => m.id === '1513');
    expect(shapeDiff(loadFixture('ws_op_batch_orders_partial.json'), partial)).toEqual([]);
    expect(partial.code).toBe('2');
    expect((partial.data as { sCode: string }[]).map((d) => d.sCode)).toEqual(['0', '50014', '51001']);

    c.send({ id: '1514', op: 'cancel-order', args: [{ instIdCode: 10459, ordId }] });
    const cancelled = await c.next((m) => m.id === '1514');
    expect(shapeDiff(loadFixture('ws_op_cancel_order_ok.json'), cancelled)).toEqual([]);
    expect(cancelled).toMatchObject({ code: '0', data: [{ ordId, sCode: '0' }] });

    c.send({ id: '1515', op: 'order', args: [] });
    const format = await c.next((m) => m.id === '1515');
    expect(shapeDiff(loadFixture('ws_op_order_format_error.json'), format)).toEqual([]);
    expect(format).toMatchObject({ code: '60013', data: [] });

    const raw = await WsClient.connect(s.wsPrivateUrl);
    clients.push(raw);
    raw.send({ id: '1516', op: 'order', args: [{ instIdCode: 10459, tdMode: 'cross', side: 'buy', ordType: 'market', sz: '1' }] });
    expect(await raw.next((m) => m.id === '1516')).toMatchObject({ event: 'error', code: '60011' });
  });
});
