/** Bybit simulator authentication: the test's own signer on bybit.md's worked example, REST 10002/10003/10004, WS auth frames per stream, private topics before auth. */
import { afterEach, describe, expect, it } from 'vitest';

import type { BybitSim } from '../../../src/sim/bybit/index.js';
import { authArgs, isPush, loadFixture, rest, shapeDiff, sign, startTestSim, WsClient } from './helpers.js';

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

const EXAMPLE = { apiKey: 'TESTKEY123456789AB', apiSecret: 'TESTSECRET0123456789abcdefghijklmnop' };
const EXAMPLE_BODY =
  '{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"0.001","price":"30000","timeInForce":"GTC","orderLinkId":"demo-0001"}';

describe('the test signer (bybit.md §2, §3 worked examples)', () => {
  it('gives the documented POST, GET and WS auth signatures', () => {
    expect(sign(EXAMPLE.apiSecret, `1700000000000${EXAMPLE.apiKey}5000${EXAMPLE_BODY}`)).toBe(
      'ab9c6d1756600132174217fcd822f21535dac1f302dc8ef54d0fdc61d5d1227a',
    );
    expect(sign(EXAMPLE.apiSecret, `1700000000000${EXAMPLE.apiKey}5000category=linear&symbol=BTCUSDT`)).toBe(
      'f10540e7dd2676060641d9101f66d06f60ffbb4058b9d9775228068024433268',
    );
    expect(sign(EXAMPLE.apiSecret, 'GET/realtime1700000010000')).toBe('3c38213750c3526df4b0846497a7b45b62c2aa007ff17503645e67afc5f4a8d5');
  });

  it('the simulator accepts the worked example as sent, at its timestamp', async () => {
    const s = (sim = await startTestSim({ credentials: EXAMPLE, clock: () => 1_700_000_000_500 }));
    const res = await fetch(`${s.restUrl}/v5/order/create`, {
      method: 'POST',
      body: EXAMPLE_BODY,
      headers: {
        'Content-Type': 'application/json',
        'X-BAPI-API-KEY': EXAMPLE.apiKey,
        'X-BAPI-TIMESTAMP': '1700000000000',
        'X-BAPI-RECV-WINDOW': '5000',
        'X-BAPI-SIGN': 'ab9c6d1756600132174217fcd822f21535dac1f302dc8ef54d0fdc61d5d1227a',
      },
    });
    const body = (await res.json()) as { retCode: number; result: { orderLinkId: string } };
    expect(body.retCode).toBe(0);
    expect(body.result.orderLinkId).toBe('demo-0001');
  });
});

describe('REST signature checks', () => {
  it('accepts a good GET and POST signature', async () => {
    const s = (sim = await startTestSim());
    const get = await rest(s, s.credentials, 'GET', '/v5/position/list', { category: 'linear', symbol: 'BTCUSDT' });
    expect(get.body.retCode).toBe(0);
    const post = await rest(s, s.credentials, 'POST', '/v5/order/create', {
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.001',
      price: '50000',
    });
    expect(post.body.retCode).toBe(0);
  });

  it('refuses a bad signature with 10004, a wrong key with 10003, missing headers with 10003 (HTTP 401)', async () => {
    const s = (sim = await startTestSim());
    const q = { category: 'linear', symbol: 'BTCUSDT' };
    const bad = await rest(s, s.credentials, 'GET', '/v5/position/list', q, { signOverride: '00'.repeat(32) });
    expect(bad.body).toMatchObject({ retCode: 10004, result: {}, retExtInfo: {} });
    expect(String(bad.body.retMsg)).toMatch(/^error sign!/);
    const wrongKey = await rest(s, s.credentials, 'GET', '/v5/position/list', q, { apiKey: 'NOTTHEKEY' });
    expect(wrongKey.body.retCode).toBe(10003);
    const none = await rest(s, undefined, 'GET', '/v5/position/list', q);
    expect(none.status).toBe(401);
    expect(none.body.retCode).toBe(10003);
  });

  it('enforces server − recvWindow ≤ timestamp < server + 1000 with 10002', async () => {
    const s = (sim = await startTestSim());
    const q = { category: 'linear', symbol: 'BTCUSDT' };
    const now = s.clock.now();
    const old = await rest(s, s.credentials, 'GET', '/v5/position/list', q, { timestamp: now - 6000 });
    expect(old.body.retCode).toBe(10002);
    expect(String(old.body.retMsg)).toMatch(/recv_window\[5000\]/);
    const ahead = await rest(s, s.credentials, 'GET', '/v5/position/list', q, { timestamp: now + 1500, recvWindow: '20000' });
    expect(ahead.body.retCode).toBe(10002);
    const wide = await rest(s, s.credentials, 'GET', '/v5/position/list', q, { timestamp: now - 6000, recvWindow: '10000' });
    expect(wide.body.retCode).toBe(0);
  });

  it('serves public market data without a signature', async () => {
    const s = (sim = await startTestSim());
    const t = await rest(s, undefined, 'GET', '/v5/market/time');
    expect(shapeDiff(loadFixture('http_get_market_time.json'), t.body)).toEqual([]);
  });
});

describe('WS auth', () => {
  it('private stream: success frame (with and without req_id), failure frame as captured', async () => {
    const s = (sim = await startTestSim());
    const c = await connect(s.wsPrivateUrl);
    c.send({ op: 'auth', args: authArgs(s.credentials, s.clock.now()) });
    const ok = await c.next((m) => m.op === 'auth');
    expect(shapeDiff(loadFixture('ws_auth_ok.json'), ok)).toEqual([]);
    expect(ok).toMatchObject({ success: true, ret_msg: '' });

    const d = await connect(s.wsPrivateUrl);
    d.send({ req_id: 'a-1', op: 'auth', args: authArgs(s.credentials, s.clock.now()) });
    const okId = await d.next((m) => m.op === 'auth');
    expect(shapeDiff(loadFixture('ws_auth_ok_req_id.json'), okId)).toEqual([]);
    expect(okId.req_id).toBe('a-1');

    const e = await connect(s.wsPrivateUrl);
    const [key, expires] = authArgs(s.credentials, s.clock.now());
    e.send({ op: 'auth', args: [key, expires, 'f'.repeat(64)] });
    const fail = await e.next((m) => m.op === 'auth');
    expect(shapeDiff(loadFixture('ws_auth_fail.json'), fail)).toEqual([]);
    expect(fail.success).toBe(false);

    const f = await connect(s.wsPrivateUrl);
    f.send({ op: 'auth', args: authArgs(s.credentials, s.clock.now(), -1000) });
    expect(await f.next((m) => m.op === 'auth')).toMatchObject({ success: false, ret_msg: 'Params Error' });
    const g = await connect(s.wsPrivateUrl);
    g.send({ op: 'auth', args: authArgs({ ...s.credentials, apiKey: 'OTHERKEY' }, s.clock.now()) });
    expect(await g.next((m) => m.op === 'auth')).toMatchObject({ success: false });
  });

  it('trade stream: retCode/retMsg/connId envelope, 10004 on a bad sign, 20001 on a repeat', async () => {
    const s = (sim = await startTestSim());
    const c = await connect(s.wsTradeUrl);
    c.send({ op: 'auth', args: authArgs(s.credentials, s.clock.now()) });
    const ok = await c.next((m) => m.op === 'auth');
    expect(shapeDiff(loadFixture('ws_trade_auth_ok.json'), ok)).toEqual([]);
    expect(ok).toMatchObject({ retCode: 0, retMsg: 'OK' });
    c.send({ op: 'auth', args: authArgs(s.credentials, s.clock.now()) });
    expect(await c.next((m) => m.op === 'auth')).toMatchObject({ retCode: 20001 });
    const d = await connect(s.wsTradeUrl);
    const [key, expires] = authArgs(s.credentials, s.clock.now());
    d.send({ op: 'auth', args: [key, expires, '0'.repeat(64)] });
    expect(await d.next((m) => m.op === 'auth')).toMatchObject({ retCode: 10004 });
  });

  it('refuses private topics before auth and does not remember them', async () => {
    const s = (sim = await startTestSim());
    const c = await connect(s.wsPrivateUrl);
    c.send({ op: 'subscribe', args: ['order', 'position'] });
    const refused = await c.next((m) => m.op === 'subscribe');
    expect(refused).toMatchObject({ success: false, ret_msg: 'Request not authorized', op: 'subscribe' });
    expect(s.subscriptionsOf(s.connectionIds()[0] ?? '')).toEqual([]);
    c.send({ op: 'auth', args: authArgs(s.credentials, s.clock.now()) });
    await c.next((m) => m.op === 'auth');
    // Authenticated now, but the refused topics were not kept: an order pushes nothing here.
    const watcher = await connect(s.wsPrivateUrl);
    watcher.send({ op: 'auth', args: authArgs(s.credentials, s.clock.now()) });
    await watcher.next((m) => m.op === 'auth');
    watcher.send({ op: 'subscribe', args: ['order'] });
    expect(shapeDiff(loadFixture('ws_subscribe_ack_private.json'), await watcher.next((m) => m.op === 'subscribe'))).toEqual([]);
    await rest(s, s.credentials, 'POST', '/v5/order/create', {
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.001',
      price: '50000',
    });
    await watcher.next(isPush('order'));
    expect(c.frames.filter((m) => m.topic !== undefined)).toEqual([]);
  });
});
