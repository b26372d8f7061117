/** The OKX front-end on the shared engine: algos as trigger orders (stop fires, OCO sibling cancel, failed child), partial fills through the fault knob, and exact USDT P&L of a linear swap round trip. */
import { afterEach, describe, expect, it } from 'vitest';

import { dec } from '../../../src/domain/decimal.js';
import { OkxEngineBinding, type OkxSim } from '../../../src/sim/okx/index.js';
import { dataOf, isPush, loggedIn, rest, startTestSim, WsClient } from './helpers.js';

let sim: OkxSim | undefined;
const clients: WsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});

const BTC = 'BTC-USDT-SWAP';

function pushData(m: Record<string, unknown>): Record<string, unknown> {
  return (m.data as Record<string, unknown>[])[0] ?? {};
}

async function subscribed(s: OkxSim, url: string, channel: string): Promise<WsClient> {
  const c = await loggedIn(s, url);
  clients.push(c);
  c.send({ id: 'sub1', op: 'subscribe', args: [{ channel, instType: 'SWAP' }] });
  await c.next((m) => m.event === 'subscribe');
  return c;
}

async function market(s: OkxSim, side: 'buy' | 'sell', sz: string): Promise<string> {
  const placed = await rest(s, s.credentials, 'POST', '/api/v5/trade/order', { instId: BTC, tdMode: 'cross', side, ordType: 'market', sz });
  expect(dataOf(placed)[0]).toMatchObject({ sCode: '0' });
  return String(dataOf(placed)[0]?.ordId);
}

describe('OKX sim on the shared engine: algos', () => {
  it('a conditional stop (closeFraction 1) fires on the mark and spawns a market order that closes the position', async () => {
    const s = (sim = await startTestSim());
    const algos = await subscribed(s, s.wsBusinessUrl, 'orders-algo');
    const orders = await subscribed(s, s.wsPrivateUrl, 'orders');
    await market(s, 'buy', '2');
    await orders.next((m) => isPush('orders')(m) && pushData(m).state === 'filled');

    const placed = await rest(s, s.credentials, 'POST', '/api/v5/trade/order-algo', {
      instId: BTC,
      tdMode: 'cross',
      side: 'sell',
      ordType: 'conditional',
      closeFraction: '1',
      reduceOnly: true,
      algoClOrdId: 'stop1',
      slTriggerPx: '59000',
      slOrdPx: '-1',
      slTriggerPxType: 'mark',
    });
    const algoId = String(dataOf(placed)[0]?.algoId);
    expect(algoId).toMatch(/^\d{19}$/);
    expect(pushData(await algos.next(isPush('orders-algo')))).toMatchObject({
      algoId,
      state: 'live',
      ordType: 'conditional',
      closeFraction: '1',
      sz: '',
      ordId: '',
    });

    // The position grows after the algo was placed: closeFraction 1 closes what is there when it fires.
    await market(s, 'buy', '1');
    await orders.next((m) => isPush('orders')(m) && pushData(m).state === 'filled');
    s.engine.setMarkPrice(BTC, dec('59100'), s.clock.now()); // above the trigger: nothing
    s.engine.setMarkPrice(BTC, dec('58990'), s.clock.now());
    const fired = pushData(await algos.next(isPush('orders-algo')));
    expect(fired).toMatchObject({ algoId, state: 'effective', actualSide: 'sl', actualSz: '3', failCode: '' });
    const childId = String(fired.ordId);
    expect(childId).toMatch(/^\d{19}$/);
    expect(fired.ordIdList).toEqual([childId]);

    const child = pushData(
      await orders.next((m) => isPush('orders')(m) && pushData(m).ordId === childId && pushData(m).state === 'filled'),
    );
    // The mark sits on a tick, so the best bid is the mark itself.
    expect(child).toMatchObject({
      algoId,
      algoClOrdId: 'stop1',
      source: '7',
      side: 'sell',
      ordType: 'market',
      reduceOnly: 'true',
      sz: '3',
      accFillSz: '3',
      avgPx: '58990',
      execType: 'T',
    });
    expect(child.tradeId).toMatch(/^\d+$/);
    expect(dataOf(await rest(s, s.credentials, 'GET', '/api/v5/account/positions'))).toEqual([]);
    expect(dataOf(await rest(s, s.credentials, 'GET', '/api/v5/trade/orders-algo-pending?ordType=conditional'))).toEqual([]);
  });

  it('OCO: the take-profit fires, the stop leg is cancelled with it, one orders-algo push per change', async () => {
    const binding = new OkxEngineBinding({ startTime: Date.now() });
    const s = (sim = await startTestSim({ engine: binding }));
    const algos = await subscribed(s, s.wsBusinessUrl, 'orders-algo');
    const orders = await subscribed(s, s.wsPrivateUrl, 'orders');
    await market(s, 'buy', '1');
    const placed = await rest(s, s.credentials, 'POST', '/api/v5/trade/order-algo', {
      instId: BTC,
      tdMode: 'cross',
      side: 'sell',
      ordType: 'oco',
      sz: '1',
      reduceOnly: true,
      cxlOnClosePos: true,
      tpTriggerPx: '61000',
      tpOrdPx: '-1',
      tpTriggerPxType: 'mark',
      slTriggerPx: '59000',
      slOrdPx: '-1',
      slTriggerPxType: 'mark',
    });
    const algoId = String(dataOf(placed)[0]?.algoId);
    expect(pushData(await algos.next(isPush('orders-algo')))).toMatchObject({ algoId, state: 'live', ordType: 'oco' });
    // In the engine: two trigger orders sharing the algo id as their OCO group, tied to the position.
    const legs = binding.engine.openOrders({ instrumentName: BTC }).filter((o) => o.ocoGroup === algoId);
    expect(legs.map((o) => [o.orderType, o.state, o.cancelOnPositionClose])).toEqual([
      ['take_market', 'untriggered', true],
      ['stop_market', 'untriggered', true],
    ]);

    s.engine.setMarkPrice(BTC, dec('61000'), s.clock.now());
    const fired = pushData(await algos.next(isPush('orders-algo')));
    expect(fired).toMatchObject({ algoId, state: 'effective', actualSide: 'tp', actualSz: '1' });
    const child = pushData(
      await orders.next((m) => isPush('orders')(m) && pushData(m).ordId === fired.ordId && pushData(m).state === 'filled'),
    );
    expect(child).toMatchObject({ algoId, source: '7', avgPx: '61000' });
    const after = binding.engine.allOrders({ predicate: (o) => o.ocoGroup === algoId });
    expect(after.map((o) => [o.orderType, o.state, o.cancelReason])).toEqual([
      ['take_market', 'triggered', undefined],
      ['stop_market', 'cancelled', 'oco_sibling'],
    ]);
    expect(dataOf(await rest(s, s.credentials, 'GET', '/api/v5/trade/orders-algo-pending?ordType=oco'))).toEqual([]);
    // The sibling cancel is part of the same change: no separate push.
    await market(s, 'buy', '1');
    await orders.next((m) => isPush('orders')(m) && pushData(m).state === 'filled' && pushData(m).algoId === '');
    expect(algos.frames.filter((m) => isPush('orders-algo')(m as Record<string, unknown>))).toEqual([]);
  });

  it('a reduce-only stop whose position is gone when it fires ends order_failed with the child’s code', async () => {
    const s = (sim = await startTestSim());
    const algos = await subscribed(s, s.wsBusinessUrl, 'orders-algo');
    await market(s, 'buy', '1');
    await rest(s, s.credentials, 'POST', '/api/v5/trade/order-algo', {
      instId: BTC,
      tdMode: 'cross',
      side: 'sell',
      ordType: 'conditional',
      sz: '1',
      reduceOnly: true,
      slTriggerPx: '59000',
      slOrdPx: '-1',
      slTriggerPxType: 'mark',
    });
    await algos.next(isPush('orders-algo'));
    await rest(s, s.credentials, 'POST', '/api/v5/trade/close-position', { instId: BTC, mgnMode: 'cross' });
    s.engine.setMarkPrice(BTC, dec('58000'), s.clock.now());
    expect(pushData(await algos.next(isPush('orders-algo')))).toMatchObject({ state: 'order_failed', failCode: '51169', actualSide: 'sl' });
  });
});

describe('OKX sim on the shared engine: fills and money', () => {
  it('a market order through several book levels: one orders push per fill, accFillSz growing to sz', async () => {
    const s = (sim = await startTestSim());
    const orders = await subscribed(s, s.wsPrivateUrl, 'orders');
    // Levels hold at most 2 x 100 contracts, so 300 takes at least two.
    const ordId = await market(s, 'buy', '300');
    const pushes: Record<string, unknown>[] = [];
    for (;;) {
      const d = pushData(await orders.next((m) => isPush('orders')(m) && pushData(m).ordId === ordId));
      pushes.push(d);
      if (d.state === 'filled') break;
    }
    expect(pushes.length).toBeGreaterThanOrEqual(2);
    const acc = pushes.map((d) => dec(String(d.accFillSz)));
    for (let i = 1; i < acc.length; i++) expect(acc[i]?.gt(acc[i - 1] ?? dec(0))).toBe(true);
    expect(pushes.map((d) => d.state)).toEqual([...pushes.slice(1).map(() => 'partially_filled'), 'filled']);
    expect(pushes.reduce((sum, d) => sum.plus(String(d.fillSz)), dec(0)).toString()).toBe('300');
    expect(new Set(pushes.map((d) => d.tradeId)).size).toBe(pushes.length);
    const fills = dataOf(await rest(s, s.credentials, 'GET', `/api/v5/trade/fills?instId=${BTC}&ordId=${ordId}`));
    expect(fills.length).toBe(pushes.length);
  });

  it('partialFillNext: a resting order fills partly (accFillSz 0 → 0.4), and a cancel keeps accFillSz', async () => {
    const s = (sim = await startTestSim());
    const orders = await subscribed(s, s.wsPrivateUrl, 'orders');
    const placed = await rest(s, s.credentials, 'POST', '/api/v5/trade/order', {
      instId: BTC,
      tdMode: 'cross',
      side: 'buy',
      ordType: 'limit',
      px: '59990',
      sz: '1',
    });
    const ordId = String(dataOf(placed)[0]?.ordId);
    expect(pushData(await orders.next(isPush('orders')))).toMatchObject({ ordId, state: 'live', accFillSz: '0' });
    s.faults.partialFillNext(1, { amount: '0.4' });
    s.engine.setMarkPrice(BTC, dec('59980'), s.clock.now());
    expect(pushData(await orders.next(isPush('orders')))).toMatchObject({
      ordId,
      state: 'partially_filled',
      accFillSz: '0.4',
      fillSz: '0.4',
      fillPx: '59990',
      execType: 'M',
      avgPx: '59990',
    });
    s.engine.setMarkPrice(BTC, dec('60000'), s.clock.now()); // the book moves away: the rest keeps resting
    const cancelled = await rest(s, s.credentials, 'POST', '/api/v5/trade/cancel-order', { instId: BTC, ordId });
    expect(dataOf(cancelled)[0]).toMatchObject({ sCode: '0' });
    expect(pushData(await orders.next(isPush('orders')))).toMatchObject({ ordId, state: 'canceled', accFillSz: '0.4', cancelSource: '1' });
    const read = dataOf(await rest(s, s.credentials, 'GET', `/api/v5/trade/order?instId=${BTC}&ordId=${ordId}`))[0];
    expect(read).toMatchObject({ state: 'canceled', accFillSz: '0.4', avgPx: '59990' });
    expect(dataOf(await rest(s, s.credentials, 'GET', '/api/v5/account/positions'))[0]).toMatchObject({ pos: '0.4' });
  });

  it('post_only that would take is accepted, then cancelled with cancelSource 31; one that rests is live', async () => {
    const s = (sim = await startTestSim());
    const orders = await subscribed(s, s.wsPrivateUrl, 'orders');
    const taking = await rest(s, s.credentials, 'POST', '/api/v5/trade/order', {
      instId: BTC,
      tdMode: 'cross',
      side: 'buy',
      ordType: 'post_only',
      px: '60000.1',
      sz: '1',
    });
    const takingId = String(dataOf(taking)[0]?.ordId);
    expect(dataOf(taking)[0]).toMatchObject({ sCode: '0' });
    expect(pushData(await orders.next(isPush('orders')))).toMatchObject({
      ordId: takingId,
      ordType: 'post_only',
      state: 'canceled',
      cancelSource: '31',
      accFillSz: '0',
    });
    const resting = await rest(s, s.credentials, 'POST', '/api/v5/trade/order', {
      instId: BTC,
      tdMode: 'cross',
      side: 'buy',
      ordType: 'post_only',
      px: '59999.9',
      sz: '1',
    });
    expect(pushData(await orders.next(isPush('orders')))).toMatchObject({ ordId: dataOf(resting)[0]?.ordId, state: 'live', px: '59999.9' });
  });

  it('a linear swap round trip: P&L and fees in USDT, exact', async () => {
    const s = (sim = await startTestSim());
    const orders = await subscribed(s, s.wsPrivateUrl, 'orders');
    await market(s, 'buy', '3'); // at the ask 60000.1
    await orders.next((m) => isPush('orders')(m) && pushData(m).state === 'filled');
    s.engine.setMarkPrice(BTC, dec('61000'), s.clock.now());
    const closeId = await market(s, 'sell', '3'); // at the bid 61000
    const close = pushData(
      await orders.next((m) => isPush('orders')(m) && pushData(m).ordId === closeId && pushData(m).state === 'filled'),
    );
    // 3 contracts x 0.01 BTC x (61000 − 60000.1) = 29.997 USDT; taker fees 0.03 x 60000.1 x 0.05 % = 0.9000015 and 0.03 x 61000 x 0.05 % = 0.915.
    expect(close).toMatchObject({ fillPnl: '29.997', pnl: '29.997', fillFee: '-0.915', fee: '-0.915', avgPx: '61000' });
    const fills = dataOf(await rest(s, s.credentials, 'GET', `/api/v5/trade/fills?instId=${BTC}`));
    expect(fills.map((f) => [f.side, f.fillPx, f.fillPnl, f.fee])).toEqual([
      ['sell', '61000', '29.997', '-0.915'],
      ['buy', '60000.1', '0', '-0.9000015'],
    ]);
    const details = (dataOf(await rest(s, s.credentials, 'GET', '/api/v5/account/balance'))[0]?.details as Record<string, unknown>[])[0];
    // 100000 − 0.9000015 + 29.997 − 0.915
    expect(details).toMatchObject({ ccy: 'USDT', cashBal: '100028.1819985' });
    const pos = dataOf(await rest(s, s.credentials, 'GET', `/api/v5/account/positions?instId=${BTC}`))[0];
    expect(pos).toMatchObject({ pos: '0', realizedPnl: '28.1819985', fee: '-1.8150015', pnl: '29.997' });
  });
});

describe('OKX sim on the shared engine: market data', () => {
  it('tickers follow the engine’s random walk and crowd trades while the price step runs', async () => {
    const s = (sim = await startTestSim({ priceStepMs: 20 }));
    const c = await WsClient.connect(s.wsPublicUrl);
    clients.push(c);
    c.send({ id: 't1', op: 'subscribe', args: [{ channel: 'tickers', instId: BTC }] });
    await c.next((m) => m.event === 'subscribe');
    const first = pushData(await c.next(isPush('tickers')));
    const later = pushData(await c.next((m) => isPush('tickers')(m) && pushData(m).ts !== first.ts, 3000));
    expect(later).toMatchObject({ instId: BTC, instType: 'SWAP' });
    expect(Number(later.ts)).toBeGreaterThan(Number(first.ts));
    expect(dec(String(later.askPx)).gt(String(later.bidPx))).toBe(true);
  });
});
