/** Bybit simulator WebSockets: pong shape per stream, the scaled 20 s no-ping drop, subscribe acks, ticker snapshot then delta. */
import { afterEach, describe, expect, it } from 'vitest';

import { dec } from '../../../src/domain/decimal.js';
import type { BybitSim } from '../../../src/sim/bybit/index.js';
import { waitFor } from '../../support/wait.js';
import { authArgs, loadFixture, shapeDiff, startTestSim, WsClient } from './helpers.js';

let sim: BybitSim | undefined;
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

describe('Bybit sim WS keepalive', () => {
  it('answers {"op":"ping"} with each stream’s own pong', async () => {
    const s = (sim = await startTestSim());
    const linear = await connect(s.wsPublicLinearUrl);
    linear.send({ op: 'ping' });
    const pl = await linear.next((m) => m.ret_msg === 'pong');
    expect(shapeDiff(loadFixture('ws_pong_linear.json'), pl)).toEqual([]);
    expect(pl).toMatchObject({ success: true, op: 'ping', req_id: '' });
    const inverse = await connect(s.wsPublicInverseUrl);
    inverse.send({ req_id: 'p-17', op: 'ping' });
    expect(await inverse.next((m) => m.ret_msg === 'pong')).toMatchObject({ req_id: 'p-17', op: 'ping' });

    const priv = await connect(s.wsPrivateUrl);
    priv.send({ req_id: 'test', op: 'ping' });
    const pp = await priv.next((m) => m.op === 'pong');
    expect(shapeDiff(loadFixture('ws_pong_private.json'), pp)).toEqual([]);
    expect(pp.req_id).toBe('test');
    expect(Number((pp.args as string[])[0])).toBeGreaterThan(1_600_000_000_000);

    const trade = await connect(s.wsTradeUrl);
    trade.send({ op: 'ping' });
    const tp = await trade.next((m) => m.op === 'pong');
    expect(shapeDiff(loadFixture('ws_trade_pong.json'), tp)).toEqual([]);
    expect(tp).toMatchObject({ retCode: 0, retMsg: 'OK' });
  });

  it('drops a connection that has not pinged for 20 s (scaled), keeps one that pings', async () => {
    const s = (sim = await startTestSim({ timeScale: 0.01 }));
    const silent = await connect(s.wsPrivateUrl);
    const pinging = await connect(s.wsPublicLinearUrl);
    const started = Date.now();
    const keepAlive = setInterval(() => pinging.send({ op: 'ping' }), 50);
    try {
      await silent.waitClose(3000);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(150);
      // Held well past the 200 ms deadline while pinging.
      await waitFor(() => Date.now() - started > 600, { timeoutMs: 2000 });
      expect(pinging.closed).toBeUndefined();
    } finally {
      clearInterval(keepAlive);
    }
    await pinging.waitClose(3000);
  });

  it('has the drop on by default at 20 s and lets it be switched off', async () => {
    const s = (sim = await startTestSim({ idleTimeoutMs: false, timeScale: 0.001 }));
    const c = await connect(s.wsPrivateUrl);
    await waitFor(() => s.connections === 1);
    // 20 s x 0.001 = 20 ms would have dropped it long before this deadline.
    const t0 = Date.now();
    await waitFor(() => Date.now() - t0 > 150, { timeoutMs: 2000 });
    expect(c.closed).toBeUndefined();
  });
});

describe('Bybit sim subscriptions and tickers', () => {
  it('acks subscribe and unsubscribe like the linear stream; refuses unknown topics', async () => {
    const s = (sim = await startTestSim());
    const c = await connect(s.wsPublicLinearUrl);
    c.send({ op: 'subscribe', args: ['tickers.BTCUSDT'] });
    expect(shapeDiff(loadFixture('ws_subscribe_ack_linear.json'), await c.next((m) => m.op === 'subscribe'))).toEqual([]);
    c.send({ req_id: '3', op: 'unsubscribe', args: ['tickers.BTCUSDT'] });
    const un = await c.next((m) => m.op === 'unsubscribe');
    expect(shapeDiff(loadFixture('ws_unsubscribe_ack_linear.json'), un)).toEqual([]);
    expect(un.req_id).toBe('3');
    c.send({ req_id: 'x', op: 'subscribe', args: ['orderbook.500.BTCUSDT'] });
    expect(await c.next((m) => m.req_id === 'x')).toMatchObject({
      success: false,
      ret_msg: 'error:handler not found,topic:orderbook.500.BTCUSDT',
    });
    // An inverse symbol is not served on the linear stream.
    c.send({ req_id: 'y', op: 'subscribe', args: ['tickers.BTCUSD'] });
    expect(await c.next((m) => m.req_id === 'y')).toMatchObject({ success: false });
  });

  it('sends a ticker snapshot, then deltas carrying only what changed', async () => {
    const s = (sim = await startTestSim());
    const c = await connect(s.wsPublicLinearUrl);
    c.send({ op: 'subscribe', args: ['tickers.BTCUSDT'] });
    const snap = await c.next((m) => m.type === 'snapshot');
    expect(shapeDiff(loadFixture('ws_push_tickers_linear_snapshot.json'), snap)).toEqual([]);
    const before = snap.data as Record<string, string>;
    s.engine.setMarkPrice('BTCUSDT', dec(61000), s.clock.now());
    const delta = await c.next((m) => m.type === 'delta');
    const fixture = loadFixture('ws_push_tickers_linear_delta.json');
    expect(Object.keys(delta).sort()).toEqual(Object.keys(fixture).sort());
    const data = delta.data as Record<string, string>;
    expect(data.symbol).toBe('BTCUSDT');
    expect(data.markPrice).toBe('61000.00');
    for (const [k, v] of Object.entries(data)) if (k !== 'symbol') expect(v).not.toBe(before[k]);
    expect(Object.keys(data).length).toBeLessThan(Object.keys(before).length);
    expect(data.fundingIntervalHour).toBeUndefined();
    expect(typeof delta.cs).toBe('number');
  });

  it('serves inverse tickers on the inverse stream', async () => {
    const s = (sim = await startTestSim());
    const c = await connect(s.wsPublicInverseUrl);
    c.send({ op: 'subscribe', args: ['tickers.BTCUSD'] });
    const snap = await c.next((m) => m.type === 'snapshot');
    expect((snap.data as Record<string, string>).symbol).toBe('BTCUSD');
  });

  it('lists what a connection holds', async () => {
    const s = (sim = await startTestSim());
    const c = await connect(s.wsPrivateUrl);
    c.send({ op: 'auth', args: authArgs(s.credentials, s.clock.now()) });
    await c.next((m) => m.op === 'auth');
    c.send({ op: 'subscribe', args: ['order', 'execution', 'position', 'wallet'] });
    await c.next((m) => m.op === 'subscribe');
    expect(s.subscriptionsOf(s.connectionIds()[0] ?? '')).toEqual(['order', 'execution', 'position', 'wallet']);
  });
});
