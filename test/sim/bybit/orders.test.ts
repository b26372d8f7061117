/** Bybit simulator order entry and reads: every REST read and private push against the fixtures' shapes, the order lifecycle, conditional orders, reduce-only, cancel-all filters, trading-stop and the venue's refusals. */
import { afterEach, describe, expect, it } from 'vitest';

import { dec } from '../../../src/domain/decimal.js';
import { type BybitSim, type BybitSimOptions, defaultBybitRateLimits } from '../../../src/sim/bybit/index.js';
import {
  authArgs,
  fixtureRow,
  isPush,
  listOf,
  loadFixture,
  orderPush,
  privateSocket,
  rest,
  resultOf,
  shapeDiff,
  startTestSim,
  WsClient,
} from './helpers.js';

let sim: BybitSim | undefined;
const clients: WsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});
async function start(options: BybitSimOptions = {}): Promise<BybitSim> {
  sim = await startTestSim(options);
  return sim;
}
async function watch(s: BybitSim, topics = ['order', 'execution', 'position', 'wallet']): Promise<WsClient> {
  const c = await privateSocket(s, topics);
  clients.push(c);
  return c;
}
const OPAQUE = { opaque: ['cumFeeDetail'] };

function create(s: BybitSim, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  return rest(s, s.credentials, 'POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', ...params }).then((r) => r.body);
}
function orderId(body: Record<string, unknown>): string {
  if (body.retCode !== 0) throw new Error(JSON.stringify(body));
  return String((body.result as { orderId: string }).orderId);
}
async function realtime(s: BybitSim, params: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  return listOf(await rest(s, s.credentials, 'GET', '/v5/order/realtime', { category: 'linear', ...params }));
}
async function position(s: BybitSim, symbol = 'BTCUSDT', category = 'linear'): Promise<Record<string, unknown>> {
  const rows = listOf(await rest(s, s.credentials, 'GET', '/v5/position/list', { category, symbol }));
  return rows[0] ?? {};
}
function rowOf(push: Record<string, unknown>, id?: string): Record<string, unknown> {
  const rows = push.data as Record<string, unknown>[];
  return rows.find((r) => id === undefined || r.orderId === id) ?? {};
}

describe('REST shapes against the fixtures', () => {
  it('create, realtime, history, cancel, execution list, position list, wallet, instruments, trading-stop', async () => {
    const s = await start();
    const created = await create(s, { side: 'Buy', orderType: 'Limit', qty: '0.010', price: '59000', orderLinkId: 'shape-1' });
    expect(shapeDiff(loadFixture('http_post_order_create.json'), created)).toEqual([]);
    const id = orderId(created);

    const rt = await rest(s, s.credentials, 'GET', '/v5/order/realtime', { category: 'linear', symbol: 'BTCUSDT' });
    expect(shapeDiff(loadFixture('http_get_order_realtime.json'), rt.body, OPAQUE)).toEqual([]);
    const row = listOf(rt)[0] ?? {};
    expect(row).toMatchObject({
      orderId: id,
      orderLinkId: 'shape-1',
      orderStatus: 'New',
      price: '59000.00',
      qty: '0.010',
      cumExecQty: '0.000',
      avgPrice: '0',
      leavesQty: '0.010',
      leavesValue: '590',
      stopOrderType: 'UNKNOWN',
      triggerPrice: '0.00',
      triggerBy: 'UNKNOWN',
      positionIdx: 0,
      reduceOnly: false,
      timeInForce: 'GTC',
    });

    const cancelled = await rest(s, s.credentials, 'POST', '/v5/order/cancel', { category: 'linear', symbol: 'BTCUSDT', orderId: id });
    expect(shapeDiff(loadFixture('http_post_order_cancel.json'), cancelled.body)).toEqual([]);

    await create(s, { side: 'Buy', orderType: 'Market', qty: '0.010' });
    const hist = await rest(s, s.credentials, 'GET', '/v5/order/history', { category: 'linear', symbol: 'BTCUSDT' });
    expect(shapeDiff(loadFixture('http_get_order_history.json'), hist.body, OPAQUE)).toEqual([]);
    expect(listOf(hist).map((r) => r.orderStatus)).toEqual(['Filled', 'Cancelled']);

    const execs = await rest(s, s.credentials, 'GET', '/v5/execution/list', { category: 'linear', symbol: 'BTCUSDT' });
    expect(shapeDiff(loadFixture('http_get_execution_list.json'), execs.body)).toEqual([]);
    expect(listOf(execs)[0]).toMatchObject({ execType: 'Trade', execQty: '0.010', isMaker: false, feeRate: '0.00055' });

    const pos = await rest(s, s.credentials, 'GET', '/v5/position/list', { category: 'linear', symbol: 'BTCUSDT' });
    expect(shapeDiff(loadFixture('http_get_position_list.json'), pos.body)).toEqual([]);
    expect(listOf(pos)[0]).toMatchObject({ side: 'Buy', size: '0.010', positionIdx: 0, takeProfit: '0.00' });

    const wallet = await rest(s, s.credentials, 'GET', '/v5/account/wallet-balance', { accountType: 'UNIFIED', coin: 'USDT' });
    expect(shapeDiff(loadFixture('http_get_account_wallet_balance.json'), wallet.body)).toEqual([]);

    const inst = await rest(s, undefined, 'GET', '/v5/market/instruments-info', { category: 'linear', symbol: 'BTCUSDT' });
    expect(shapeDiff(loadFixture('http_get_market_instruments_info_linear.json'), inst.body)).toEqual([]);
    expect(listOf(inst)[0]).toMatchObject({
      priceScale: '2',
      priceFilter: { minPrice: '0.10', maxPrice: '1999999.80', tickSize: '0.10' },
      lotSizeFilter: { maxOrderQty: '1190.000', minOrderQty: '0.001', qtyStep: '0.001', maxMktOrderQty: '500.000', minNotionalValue: '5' },
    });

    const stop = await rest(s, s.credentials, 'POST', '/v5/position/trading-stop', {
      category: 'linear',
      symbol: 'BTCUSDT',
      positionIdx: 0,
      tpslMode: 'Full',
      stopLoss: '50000',
    });
    expect(shapeDiff(loadFixture('http_post_position_trading_stop.json'), stop.body)).toEqual([]);
  });

  it('lists the inverse instruments (USD contracts, coin-settled) and an inverse position row', async () => {
    const s = await start();
    const inst = listOf(await rest(s, undefined, 'GET', '/v5/market/instruments-info', { category: 'inverse' }));
    expect(inst.map((i) => i.symbol)).toEqual(['BTCUSD', 'ETHUSD']);
    expect(inst[0]).toMatchObject({
      contractType: 'InversePerpetual',
      quoteCoin: 'USD',
      settleCoin: 'BTC',
      lotSizeFilter: { qtyStep: '1', minOrderQty: '1' },
    });
    expect(orderId(await create(s, { category: 'inverse', symbol: 'BTCUSD', side: 'Sell', orderType: 'Market', qty: '300' }))).toBeTruthy();
    const row = await position(s, 'BTCUSD', 'inverse');
    expect(shapeDiff(fixtureRow('http_get_position_list.json'), row)).toEqual([]);
    expect(row).toMatchObject({ side: 'Sell', size: '300' });
    // positionValue in coin: 300 USD / entry.
    expect(Number(row.positionValue)).toBeCloseTo(300 / Number(row.avgPrice), 8);
  });
});

describe('account and market extras clients read (ccxt)', () => {
  it('account/info, user/query-api, asset/coin/query-info and market/tickers', async () => {
    const s = await start();
    const info = resultOf(await rest(s, s.credentials, 'GET', '/v5/account/info'));
    expect(info).toMatchObject({ unifiedMarginStatus: 6, marginMode: 'REGULAR_MARGIN' });
    const key = resultOf(await rest(s, s.credentials, 'GET', '/v5/user/query-api'));
    expect(key).toMatchObject({ apiKey: s.credentials.apiKey, uta: 1, readOnly: 0 });
    const coins = resultOf(await rest(s, s.credentials, 'GET', '/v5/asset/coin/query-info'));
    expect((coins.rows as { coin: string }[]).map((r) => r.coin)).toEqual(['BTC', 'ETH', 'USDT']);
    const tickers = listOf(await rest(s, undefined, 'GET', '/v5/market/tickers', { category: 'inverse', symbol: 'BTCUSD' }));
    expect(tickers).toHaveLength(1);
    expect(tickers[0]).toMatchObject({ symbol: 'BTCUSD', markPrice: expect.any(String) as string });
  });
});

describe('position settings', () => {
  it('set-leverage shows on the position (110043 when unchanged); switch-mode stays one-way (110025)', async () => {
    const s = await start();
    const set = (lev: string): Promise<Record<string, unknown>> =>
      rest(s, s.credentials, 'POST', '/v5/position/set-leverage', {
        category: 'linear',
        symbol: 'BTCUSDT',
        buyLeverage: lev,
        sellLeverage: lev,
      }).then((r) => r.body);
    expect((await set('10')).retCode).toBe(0);
    expect((await position(s)).leverage).toBe('10');
    expect((await set('10')).retCode).toBe(110043);
    const mode = (m: number): Promise<Record<string, unknown>> =>
      rest(s, s.credentials, 'POST', '/v5/position/switch-mode', { category: 'linear', symbol: 'BTCUSDT', mode: m }).then((r) => r.body);
    expect((await mode(0)).retCode).toBe(110025);
    expect((await mode(3)).retCode).toBe(10001);
  });

  it('an inverse order sweeping several levels averages harmonically', async () => {
    const s = await start();
    const id = orderId(await create(s, { category: 'inverse', symbol: 'BTCUSD', side: 'Buy', orderType: 'Market', qty: '25000' }));
    const [row] = await realtime(s, { category: 'inverse', orderId: id });
    const fills = listOf(await rest(s, s.credentials, 'GET', '/v5/execution/list', { category: 'inverse', orderId: id }));
    expect(fills.length).toBeGreaterThan(1);
    const perPrice = fills.reduce((sum, f) => sum + Number(f.execQty) / Number(f.execPrice), 0);
    expect(Number(row?.avgPrice)).toBeCloseTo(25000 / perPrice, 3);
  });
});

describe('private pushes against the fixtures', () => {
  it('order, execution, position and wallet on a fill', async () => {
    const s = await start();
    const c = await watch(s);
    const id = orderId(await create(s, { side: 'Buy', orderType: 'Market', qty: '0.010', orderLinkId: 'push-1' }));
    const order = await c.next(orderPush('Filled', id));
    expect(shapeDiff(loadFixture('ws_push_order.json'), order, { ...OPAQUE, extraAllowed: ['createType'] })).toEqual([]);
    expect(rowOf(order, id)).toMatchObject({ category: 'linear', orderLinkId: 'push-1', cumExecQty: '0.010', leavesQty: '0.000' });
    const exec = await c.next(isPush('execution'));
    expect(shapeDiff(loadFixture('ws_push_execution.json'), exec)).toEqual([]);
    expect(rowOf(exec)).toMatchObject({ orderId: id, orderLinkId: 'push-1', execQty: '0.010', feeCurrency: 'USDT' });
    const pos = await c.next(isPush('position'));
    expect(shapeDiff(loadFixture('ws_push_position.json'), pos)).toEqual([]);
    expect(rowOf(pos)).toMatchObject({ side: 'Buy', size: '0.010', positionIdx: 0 });
    const wallet = await c.next(isPush('wallet'));
    expect(shapeDiff(loadFixture('ws_push_wallet.json'), wallet)).toEqual([]);
  });

  it('a position push on every order action, even with nothing changed; per-category topics', async () => {
    const s = await start();
    const c = await watch(s, ['order.inverse', 'position.linear']);
    await create(s, { side: 'Buy', orderType: 'Limit', qty: '0.001', price: '50000' });
    const pos = await c.next(isPush('position.linear'));
    expect(rowOf(pos)).toMatchObject({ side: '', size: '0.000' });
    await create(s, { category: 'inverse', symbol: 'BTCUSD', side: 'Buy', orderType: 'Limit', qty: '10', price: '50000' });
    const order = await c.next(isPush('order.inverse'));
    expect(rowOf(order)).toMatchObject({ category: 'inverse', symbol: 'BTCUSD' });
    expect(c.frames.filter((m) => m.topic === 'order.inverse' && rowOf(m).category === 'linear')).toEqual([]);
  });
});

describe('order lifecycle', () => {
  it('partial fill, then cancel: Cancelled with its cumExecQty (derivatives; bybit.md §5)', async () => {
    const s = await start();
    const c = await watch(s, ['order']);
    s.faults.partialFillNext(1, { fraction: 0.4 });
    const id = orderId(await create(s, { side: 'Buy', orderType: 'Limit', qty: '0.010', price: '60100', orderLinkId: 'pf-1' }));
    const partial = rowOf(await c.next(orderPush('PartiallyFilled', id)), id);
    expect(partial).toMatchObject({ cumExecQty: '0.004', leavesQty: '0.006' });
    await rest(s, s.credentials, 'POST', '/v5/order/cancel', { category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'pf-1' });
    const done = rowOf(await c.next(orderPush('Cancelled', id)), id);
    expect(done).toMatchObject({ cumExecQty: '0.004', leavesQty: '0.000', cancelType: 'CancelByUser' });
    expect(Number(done.avgPrice)).toBeGreaterThan(0);
    const [row] = await realtime(s, { orderLinkId: 'pf-1' });
    expect(row).toMatchObject({ orderStatus: 'Cancelled', cumExecQty: '0.004' });
  });

  it('amends price and qty, then refuses to cancel a finished order (110001)', async () => {
    const s = await start();
    const id = orderId(await create(s, { side: 'Sell', orderType: 'Limit', qty: '0.010', price: '61000' }));
    const amended = await rest(s, s.credentials, 'POST', '/v5/order/amend', {
      category: 'linear',
      symbol: 'BTCUSDT',
      orderId: id,
      qty: '0.020',
      price: '61500',
    });
    expect(amended.body.retCode).toBe(0);
    expect((await realtime(s, { orderId: id }))[0]).toMatchObject({ price: '61500.00', qty: '0.020' });
    await rest(s, s.credentials, 'POST', '/v5/order/cancel', { category: 'linear', symbol: 'BTCUSDT', orderId: id });
    const again = await rest(s, s.credentials, 'POST', '/v5/order/cancel', { category: 'linear', symbol: 'BTCUSDT', orderId: id });
    expect(again.body.retCode).toBe(110001);
  });

  it('conditional order: Untriggered → Triggered → Filled under one orderId', async () => {
    const s = await start();
    const c = await watch(s, ['order']);
    const id = orderId(
      await create(s, {
        side: 'Buy',
        orderType: 'Market',
        qty: '0.010',
        triggerPrice: '61000',
        triggerDirection: 1,
        triggerBy: 'MarkPrice',
        orderLinkId: 'brk-1',
      }),
    );
    const waiting = rowOf(await c.next(orderPush('Untriggered', id)), id);
    expect(waiting).toMatchObject({ stopOrderType: 'Stop', triggerPrice: '61000.00', triggerDirection: 1, triggerBy: 'MarkPrice' });
    const [open] = await realtime(s, { symbol: 'BTCUSDT', orderFilter: 'StopOrder' });
    expect(open).toMatchObject({ orderId: id, orderStatus: 'Untriggered', stopOrderType: 'Stop' });
    s.engine.setMarkPrice('BTCUSDT', dec(61200), s.clock.now());
    await c.next(orderPush('Triggered', id));
    const filled = rowOf(await c.next(orderPush('Filled', id)), id);
    expect(filled).toMatchObject({ orderLinkId: 'brk-1', cumExecQty: '0.010' });
    expect((await position(s)).size).toBe('0.010');
  });

  it('refuses a trigger on the wrong side: 110092 rising, 110093 falling', async () => {
    const s = await start();
    const rising = await create(s, {
      side: 'Buy',
      orderType: 'Market',
      qty: '0.010',
      triggerPrice: '59000',
      triggerDirection: 1,
      triggerBy: 'MarkPrice',
    });
    expect(rising.retCode).toBe(110092);
    const falling = await create(s, {
      side: 'Sell',
      orderType: 'Market',
      qty: '0.010',
      triggerPrice: '61000',
      triggerDirection: 2,
      triggerBy: 'MarkPrice',
    });
    expect(falling.retCode).toBe(110093);
  });

  it('reduceOnly never grows a position; qty "0" + reduceOnly + closeOnTrigger closes it when triggered', async () => {
    const s = await start();
    expect((await create(s, { side: 'Sell', orderType: 'Market', qty: '0.010', reduceOnly: true })).retCode).toBe(110017);
    await create(s, { side: 'Buy', orderType: 'Market', qty: '0.010' });
    // A reduce-only sell larger than the long only closes it.
    const c = await watch(s, ['order', 'position']);
    const trim = orderId(await create(s, { side: 'Sell', orderType: 'Market', qty: '0.030', reduceOnly: true }));
    expect(rowOf(await c.next(orderPush('Cancelled', trim)), trim)).toMatchObject({ cumExecQty: '0.010', reduceOnly: true });
    expect((await position(s)).size).toBe('0.000');
    // qty "0" needs both flags.
    await create(s, { side: 'Buy', orderType: 'Market', qty: '0.020' });
    expect((await create(s, { side: 'Sell', orderType: 'Market', qty: '0', reduceOnly: true })).retCode).toBe(10001);
    const stop = orderId(
      await create(s, {
        side: 'Sell',
        orderType: 'Market',
        qty: '0',
        reduceOnly: true,
        closeOnTrigger: true,
        triggerPrice: '59000',
        triggerDirection: 2,
        triggerBy: 'MarkPrice',
      }),
    );
    expect((await realtime(s, { orderId: stop }))[0]).toMatchObject({ orderStatus: 'Untriggered', closeOnTrigger: true, reduceOnly: true });
    s.engine.setMarkPrice('BTCUSDT', dec(58900), s.clock.now());
    expect(rowOf(await c.next(orderPush('Filled', stop)), stop)).toMatchObject({ cumExecQty: '0.020', closeOnTrigger: true });
    expect((await position(s)).side).toBe('');
  });

  it('cancel-all: orderFilter "Order" keeps conditional orders; no filter cancels them too (Deactivated)', async () => {
    const s = await start();
    const a = orderId(await create(s, { side: 'Buy', orderType: 'Limit', qty: '0.001', price: '50000', orderLinkId: 'ca-1' }));
    const b = orderId(await create(s, { side: 'Sell', orderType: 'Limit', qty: '0.001', price: '70000', orderLinkId: 'ca-2' }));
    const stop = orderId(
      await create(s, {
        side: 'Buy',
        orderType: 'Market',
        qty: '0.001',
        triggerPrice: '65000',
        triggerDirection: 1,
        triggerBy: 'LastPrice',
      }),
    );
    const first = await rest(s, s.credentials, 'POST', '/v5/order/cancel-all', {
      category: 'linear',
      settleCoin: 'USDT',
      orderFilter: 'Order',
    });
    expect(shapeDiff(loadFixture('http_post_order_cancel_all.json'), first.body)).toEqual([]);
    expect((resultOf(first).list as { orderId: string }[]).map((r) => r.orderId).sort()).toEqual([a, b].sort());
    expect(resultOf(first).success).toBe('1');
    expect((await realtime(s, { symbol: 'BTCUSDT' })).map((r) => r.orderId)).toEqual([stop]);
    const second = await rest(s, s.credentials, 'POST', '/v5/order/cancel-all', { category: 'linear', symbol: 'BTCUSDT' });
    expect((resultOf(second).list as { orderId: string }[]).map((r) => r.orderId)).toEqual([stop]);
    expect((await realtime(s, { orderId: stop }))[0]).toMatchObject({ orderStatus: 'Deactivated' });
    expect((await rest(s, s.credentials, 'POST', '/v5/order/cancel-all', { category: 'linear' })).body.retCode).toBe(10001);
  });

  it('trading-stop: TP/SL on the position, the SL fires and the TP is deactivated', async () => {
    const s = await start();
    const flat = await rest(s, s.credentials, 'POST', '/v5/position/trading-stop', {
      category: 'linear',
      symbol: 'BTCUSDT',
      positionIdx: 0,
      tpslMode: 'Full',
      stopLoss: '55000',
    });
    expect(flat.body.retCode).toBe(10001);
    await create(s, { side: 'Buy', orderType: 'Market', qty: '0.010' });
    const set = await rest(s, s.credentials, 'POST', '/v5/position/trading-stop', {
      category: 'linear',
      symbol: 'BTCUSDT',
      positionIdx: 0,
      tpslMode: 'Full',
      takeProfit: '65000',
      stopLoss: '55000',
      tpTriggerBy: 'MarkPrice',
      slTriggerBy: 'MarkPrice',
    });
    expect(set.body.retCode).toBe(0);
    expect(await position(s)).toMatchObject({ takeProfit: '65000.00', stopLoss: '55000.00' });
    const stops = await realtime(s, { symbol: 'BTCUSDT' });
    expect(stops.map((r) => [r.stopOrderType, r.orderStatus]).sort()).toEqual([
      ['StopLoss', 'Untriggered'],
      ['TakeProfit', 'Untriggered'],
    ]);
    const tpId = String(stops.find((r) => r.stopOrderType === 'TakeProfit')?.orderId);
    const c = await watch(s, ['order']);
    s.engine.setMarkPrice('BTCUSDT', dec(54000), s.clock.now());
    const tp = rowOf(await c.next(orderPush('Deactivated', tpId)), tpId);
    expect(tp).toMatchObject({ cancelType: 'CancelByTpSlTsClear', stopOrderType: 'TakeProfit' });
    expect((await position(s)).size).toBe('0.000');
  });

  it('trading-stop without tpslMode: the captured 10001', async () => {
    const s = await start();
    await create(s, { side: 'Buy', orderType: 'Market', qty: '0.010' });
    const bad = await rest(s, s.credentials, 'POST', '/v5/position/trading-stop', {
      category: 'linear',
      symbol: 'BTCUSDT',
      positionIdx: 0,
      tpSlMode: 'Full',
      stopLoss: '55000',
      slOrderType: 'Market',
    });
    const fixture = loadFixture('http_error_10001_trading_stop.json');
    expect(shapeDiff(fixture, bad.body)).toEqual([]);
    expect(bad.body.retMsg).toBe(fixture.retMsg);
  });

  it('attached TP/SL go onto the position once the entry fills', async () => {
    const s = await start();
    await create(s, {
      side: 'Buy',
      orderType: 'Market',
      qty: '0.010',
      takeProfit: '66000',
      stopLoss: '54000',
      tpslMode: 'Full',
      orderLinkId: 'entry-tpsl',
    });
    expect(await position(s)).toMatchObject({ takeProfit: '66000.00', stopLoss: '54000.00' });
    // The legs are the position's own orders: they do not inherit the entry's orderLinkId.
    const legs = await realtime(s, { symbol: 'BTCUSDT' });
    expect(legs.map((r) => [r.stopOrderType, r.orderLinkId]).sort()).toEqual([
      ['StopLoss', ''],
      ['TakeProfit', ''],
    ]);
  });
});

describe('refusals', () => {
  it('duplicate orderLinkId 110072; bad orderLinkId 10001', async () => {
    const s = await start();
    orderId(await create(s, { side: 'Buy', orderType: 'Limit', qty: '0.001', price: '50000', orderLinkId: 'dup-1' }));
    const dup = await create(s, { side: 'Buy', orderType: 'Limit', qty: '0.001', price: '50000', orderLinkId: 'dup-1' });
    expect(dup).toMatchObject({ retCode: 110072, result: {} });
    expect((await create(s, { side: 'Buy', orderType: 'Limit', qty: '0.001', price: '50000', orderLinkId: 'x'.repeat(37) })).retCode).toBe(
      10001,
    );
    expect((await create(s, { side: 'Buy', orderType: 'Limit', qty: '0.001', price: '50000', orderLinkId: 'bad id!' })).retCode).toBe(
      10001,
    );
  });

  it('positionIdx other than 0 (one-way mode): the captured 10001', async () => {
    const s = await start();
    const body = await create(s, { side: 'Buy', orderType: 'Limit', qty: '0.001', price: '50000', positionIdx: 1 });
    const fixture = loadFixture('http_error_10001_position_idx.json');
    expect(shapeDiff(fixture, body)).toEqual([]);
    expect(body.retMsg).toBe(fixture.retMsg);
  });

  it('insufficient balance: the captured 110007', async () => {
    const s = await start();
    const body = await create(s, { side: 'Buy', orderType: 'Limit', qty: '1000', price: '50000' });
    const fixture = loadFixture('http_error_110007.json');
    expect(shapeDiff(fixture, body)).toEqual([]);
    expect(body).toMatchObject({ retCode: 110007, retMsg: fixture.retMsg });
  });

  it('order/create over 10 per second: 10006 with the X-Bapi-Limit headers', async () => {
    const s = await start({ rateLimits: defaultBybitRateLimits(), clock: () => 1_800_000_000_000 });
    const replies = [];
    for (let i = 0; i < 11; i++) {
      replies.push(
        await rest(s, s.credentials, 'POST', '/v5/order/create', {
          category: 'linear',
          symbol: 'BTCUSDT',
          side: 'Buy',
          orderType: 'Limit',
          qty: '0.001',
          price: '50000',
        }),
      );
    }
    expect(replies[0]?.headers.get('X-Bapi-Limit')).toBe('10');
    expect(replies[0]?.headers.get('X-Bapi-Limit-Status')).toBe('9');
    expect(replies[9]?.body.retCode).toBe(0);
    const last = replies[10];
    expect(last?.body).toMatchObject({ retCode: 10006, retMsg: 'Too many visits!' });
    expect(last?.headers.get('X-Bapi-Limit-Status')).toBe('0');
    expect(Number(last?.headers.get('X-Bapi-Limit-Reset-Timestamp'))).toBe(1_800_000_001_000);
    // Reads have their own bucket.
    expect((await rest(s, s.credentials, 'GET', '/v5/order/realtime', { category: 'linear', symbol: 'BTCUSDT' })).body.retCode).toBe(0);
  });
});

describe('the trade stream (/v5/trade)', () => {
  it('order.create / order.amend / order.cancel after auth, with the header block', async () => {
    const s = await start();
    const t = await WsClient.connect(s.wsTradeUrl);
    clients.push(t);
    const header = (): Record<string, string> => ({ 'X-BAPI-TIMESTAMP': String(s.clock.now()), 'X-BAPI-RECV-WINDOW': '5000' });
    const args = {
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.001',
      price: '50000',
      orderLinkId: 'ws-1',
    };
    t.send({ reqId: 'early', header: header(), op: 'order.create', args: [args] });
    expect((await t.next((m) => m.reqId === 'early')).retCode).not.toBe(0);
    t.send({ op: 'auth', args: authArgs(s.credentials, s.clock.now()) });
    await t.next((m) => m.op === 'auth');
    t.send({ reqId: 'test-005', header: header(), op: 'order.create', args: [args] });
    const ok = await t.next((m) => m.reqId === 'test-005');
    expect(shapeDiff(loadFixture('ws_trade_order_create_ok.json'), ok)).toEqual([]);
    const id = String((ok.data as { orderId: string }).orderId);
    expect(ok.data).toEqual({ orderId: id, orderLinkId: 'ws-1' });
    t.send({
      reqId: 'a1',
      header: header(),
      op: 'order.amend',
      args: [{ category: 'linear', symbol: 'BTCUSDT', orderId: id, price: '50100' }],
    });
    expect(await t.next((m) => m.reqId === 'a1')).toMatchObject({ retCode: 0, op: 'order.amend' });
    t.send({ reqId: 'c1', header: header(), op: 'order.cancel', args: [{ category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'ws-1' }] });
    expect(await t.next((m) => m.reqId === 'c1')).toMatchObject({
      retCode: 0,
      op: 'order.cancel',
      data: { orderId: id, orderLinkId: 'ws-1' },
    });
    t.send({ reqId: 'c1', header: header(), op: 'order.cancel', args: [{ category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'ws-1' }] });
    expect(await t.next((m) => m.reqId === 'c1')).toMatchObject({ retCode: 20006 });
    t.send({ reqId: 'dup', header: header(), op: 'order.create', args: [args] });
    expect(await t.next((m) => m.reqId === 'dup')).toMatchObject({ retCode: 110072, data: {} });
    t.send({ reqId: 'old', header: { 'X-BAPI-TIMESTAMP': String(s.clock.now() - 10_000) }, op: 'order.create', args: [args] });
    expect(await t.next((m) => m.reqId === 'old')).toMatchObject({ retCode: 10002 });
  });
});
