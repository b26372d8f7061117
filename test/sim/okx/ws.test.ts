/** OKX simulator WebSockets: the 60011 trap, text ping/pong, the 30 s idle close, acks, wrong-URL errors, conn-count events and public pushes. */
import { afterEach, describe, expect, it } from 'vitest';

import { dec } from '../../../src/domain/decimal.js';
import type { OkxSim } from '../../../src/sim/okx/index.js';
import { dataOf, fixtureItem, isPush, loadFixture, loggedIn, rest, shapeDiff, startTestSim, WsClient } from './helpers.js';

let sim: OkxSim | undefined;
const clients: WsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});
async function connect(url: string): Promise<WsClient> {
  const c = await WsClient.connect(url);
  clients.push(c);
  return c;
}

describe('OKX sim WS', () => {
  it('answers a private subscribe before login with 60011, then sends nothing for it', async () => {
    const s = (sim = await startTestSim());
    const deaf = await connect(s.wsPrivateUrl);
    deaf.send({ id: 'sub1', op: 'subscribe', args: [{ channel: 'orders', instType: 'SWAP' }] });
    const err = await deaf.next((m) => m.id === 'sub1');
    expect(err).toEqual({ id: 'sub1', event: 'error', code: '60011', msg: 'Please log in', connId: expect.any(String) as string });
    expect('arg' in err).toBe(false);
    expect(s.subscriptionsOf(s.connectionIds()[0] ?? '')).toEqual([]);
    // A logged-in socket sees the order; the deaf one gets nothing, not even a close.
    const live = await loggedIn(s, s.wsPrivateUrl);
    clients.push(live);
    live.send({ id: 'sub2', op: 'subscribe', args: [{ channel: 'orders', instType: 'SWAP' }] });
    await live.next((m) => m.event === 'subscribe');
    await rest(s, s.credentials, 'POST', '/api/v5/trade/order', {
      instId: 'BTC-USDT-SWAP',
      tdMode: 'cross',
      side: 'buy',
      ordType: 'limit',
      px: '50000',
      sz: '1',
    });
    await live.next(isPush('orders'));
    expect(deaf.frames).toEqual([]);
    expect(deaf.closed).toBeUndefined();
  });

  it('answers the text ping with the text pong', async () => {
    const s = (sim = await startTestSim());
    const c = await connect(s.wsPublicUrl);
    c.send('ping');
    expect(await c.nextText('pong')).toBe('pong');
  });

  it('closes a socket idle for 30 s (scaled) with 4004; pings keep it open', async () => {
    const s = (sim = await startTestSim({ timeScale: 0.01 }));
    const idle = await connect(s.wsPrivateUrl);
    const pinging = await connect(s.wsPrivateUrl);
    const started = Date.now();
    const keepAlive = setInterval(() => pinging.send('ping'), 100);
    try {
      const closed = await idle.waitClose(3000);
      expect(closed).toEqual({ code: 4004, reason: 'No data received in 30s.' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(pinging.closed).toBeUndefined();
    } finally {
      clearInterval(keepAlive);
    }
  });

  it('acks subscribe and unsubscribe per arg with id and connId, and pushes tickers and mark-price at once', async () => {
    const s = (sim = await startTestSim());
    const c = await connect(s.wsPublicUrl);
    c.send({
      id: '1512',
      op: 'subscribe',
      args: [
        { channel: 'tickers', instId: 'BTC-USDT-SWAP' },
        { channel: 'mark-price', instId: 'BTC-USDT-SWAP' },
      ],
    });
    const ack = await c.next((m) => m.event === 'subscribe');
    expect(shapeDiff(loadFixture('ws_subscribe_ack.json'), ack)).toEqual([]);
    expect(ack.arg).toEqual({ channel: 'tickers', instId: 'BTC-USDT-SWAP' });
    const ticker = await c.next(isPush('tickers'));
    expect(shapeDiff(loadFixture('ws_push_tickers.json'), ticker)).toEqual([]);
    const mark = await c.next(isPush('mark-price'));
    expect(shapeDiff(loadFixture('ws_push_mark_price.json'), mark)).toEqual([]);
    s.engine.setMarkPrice('BTC-USDT-SWAP', dec('61000'), s.clock.now());
    const moved = await c.next(isPush('mark-price'));
    expect((moved.data as { markPx: string }[])[0]?.markPx).toBe('61000');
    c.send({ op: 'unsubscribe', args: [{ channel: 'tickers', instId: 'BTC-USDT-SWAP' }] });
    const unack = await c.next((m) => m.event === 'unsubscribe');
    expect(shapeDiff(loadFixture('ws_unsubscribe_ack.json'), unack)).toEqual([]);
  });

  it('refuses the wrong URL for a channel: 64001 and 64002; unknown channels 60018; bad JSON 60012', async () => {
    const s = (sim = await startTestSim());
    const priv = await loggedIn(s, s.wsPrivateUrl);
    clients.push(priv);
    priv.send({ id: 'a1', op: 'subscribe', args: [{ channel: 'orders-algo', instType: 'ANY' }] });
    expect(await priv.next((m) => m.id === 'a1')).toMatchObject({ event: 'error', code: '64001' });
    const biz = await loggedIn(s, s.wsBusinessUrl);
    clients.push(biz);
    biz.send({ id: 'a2', op: 'subscribe', args: [{ channel: 'orders', instType: 'ANY' }] });
    expect(await biz.next((m) => m.id === 'a2')).toMatchObject({ event: 'error', code: '64002' });
    const pub = await connect(s.wsPublicUrl);
    pub.send({ id: 'a3', op: 'subscribe', args: [{ channel: 'tickerz', instId: 'BTC-USDT-SWAP' }] });
    expect(await pub.next((m) => m.id === 'a3')).toMatchObject({ event: 'error', code: '60018' });
    pub.send({ id: 'a4', op: 'subscribe', args: [{ channel: 'tickers', instId: 'DOGE-USDT-SWAP' }] });
    expect(await pub.next((m) => m.id === 'a4')).toMatchObject({ event: 'error', code: '60018' });
    pub.send('{"op": "subscribe", "argss":');
    const bad = await pub.next((m) => m.event === 'error' && m.code === '60012');
    expect(shapeDiff({ event: '', msg: '', code: '', connId: '' }, bad)).toEqual([]);
    // orders-algo on an unauthenticated business socket: 60011.
    const bizAnon = await connect(s.wsBusinessUrl);
    bizAnon.send({ id: 'a5', op: 'subscribe', args: [{ channel: 'orders-algo', instType: 'ANY' }] });
    expect(await bizAnon.next((m) => m.id === 'a5')).toMatchObject({ event: 'error', code: '60011' });
  });

  it('sends channel-conn-count after a private subscription, and a positions snapshot', async () => {
    const s = (sim = await startTestSim());
    const c = await loggedIn(s, s.wsPrivateUrl);
    clients.push(c);
    c.send({
      id: 'p1',
      op: 'subscribe',
      args: [{ channel: 'orders', instType: 'SWAP' }, { channel: 'positions', instType: 'ANY' }, { channel: 'balance_and_position' }],
    });
    const ack = await c.next((m) => m.event === 'subscribe' && (m.arg as { channel: string }).channel === 'orders');
    expect(shapeDiff(loadFixture('ws_subscribe_ack_orders.json'), { ...ack, arg: { ...(ack.arg as object), instId: '' } })).toEqual([]);
    const count = await c.next((m) => m.event === 'channel-conn-count');
    expect(shapeDiff(loadFixture('ws_channel_conn_count.json'), count)).toEqual([]);
    expect(count).toMatchObject({ channel: 'orders', connCount: '1' });
    const snap = await c.next((m) => isPush('positions')(m) && m.eventType === 'snapshot');
    expect(snap).toMatchObject({ curPage: 1, lastPage: true, data: [] });
    expect((snap.arg as { uid?: string }).uid).toBeDefined();
    const bp = await c.next(isPush('balance_and_position'));
    const fx = loadFixture('ws_push_balance_and_position.json');
    expect(shapeDiff({ ...fx, data: [{ ...fixtureItem('ws_push_balance_and_position.json'), posData: [], trades: [] }] }, bp)).toEqual([]);
    expect(dataOf({ status: 200, body: bp, text: '' })[0]).toMatchObject({
      eventType: 'snapshot',
      balData: [{ ccy: 'USDT', cashBal: '100000' }],
    });
  });

  it('refuses a connection over the per-channel cap with channel-conn-count-error', async () => {
    const s = (sim = await startTestSim({ maxConnsPerChannel: 1 }));
    const a = await loggedIn(s, s.wsPrivateUrl);
    const b = await loggedIn(s, s.wsPrivateUrl);
    clients.push(a, b);
    a.send({ op: 'subscribe', args: [{ channel: 'orders', instType: 'SWAP' }] });
    await a.next((m) => m.event === 'channel-conn-count');
    b.send({ op: 'subscribe', args: [{ channel: 'orders', instType: 'SWAP' }] });
    await b.next((m) => m.event === 'subscribe');
    const err = await b.next((m) => m.event === 'channel-conn-count-error');
    expect(shapeDiff(loadFixture('ws_channel_conn_count_error.json'), err)).toEqual([]);
    expect(s.subscriptionsOf(s.connectionIds()[1] ?? '')).toEqual([]);
  });

  it('repeats positions snapshots at the extraParams updateInterval (scaled); "0" sends events only', async () => {
    const s = (sim = await startTestSim({ timeScale: 0.01 }));
    const c = await loggedIn(s, s.wsPrivateUrl);
    clients.push(c);
    c.send({
      op: 'subscribe',
      args: [
        { channel: 'positions', instType: 'SWAP', extraParams: '{"updateInterval":"2000"}' },
        { channel: 'positions', instType: 'ANY', extraParams: '{"updateInterval":"0"}' },
      ],
    });
    const snapshot = (instType: string) => (m: Record<string, unknown>) =>
      isPush('positions')(m) && m.eventType === 'snapshot' && (m.arg as { instType: string }).instType === instType;
    await c.next(snapshot('SWAP'));
    await c.next(snapshot('ANY'));
    await c.next(snapshot('SWAP'), 2000);
    await c.next(snapshot('SWAP'), 2000);
    expect(c.frames.filter((m) => snapshot('ANY')(m as Record<string, unknown>))).toEqual([]);
  });

  it('answers login/subscribe requests over the per-connection budget with 60014', async () => {
    const s = (sim = await startTestSim({ maxWsOpsPerHour: 2 }));
    const c = await connect(s.wsPublicUrl);
    c.send({ id: 'q1', op: 'subscribe', args: [{ channel: 'tickers', instId: 'BTC-USDT-SWAP' }] });
    c.send({ id: 'q2', op: 'unsubscribe', args: [{ channel: 'tickers', instId: 'BTC-USDT-SWAP' }] });
    c.send({ id: 'q3', op: 'subscribe', args: [{ channel: 'tickers', instId: 'BTC-USDT-SWAP' }] });
    expect(await c.next((m) => m.id === 'q3')).toMatchObject({ event: 'error', code: '60014' });
  });

  it('pushes an unchanged mark every 10 s (scaled), which keeps a quiet public socket open', async () => {
    const s = (sim = await startTestSim({ timeScale: 0.01 }));
    const c = await connect(s.wsPublicUrl);
    c.send({ op: 'subscribe', args: [{ channel: 'mark-price', instId: 'ETH-USDT-SWAP' }] });
    await c.next(isPush('mark-price'));
    for (let i = 0; i < 4; i++)
      expect((await c.next(isPush('mark-price'), 2000)).data).toEqual([expect.objectContaining({ markPx: '3000' })]);
    expect(c.closed).toBeUndefined();
  });
});
