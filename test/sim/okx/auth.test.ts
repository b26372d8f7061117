/** OKX simulator: REST signatures over real HTTP (okx.md §2 worked examples) and WS login (§4), with a hand-written client. */
import { afterEach, describe, expect, it } from 'vitest';

import type { OkxSim } from '../../../src/sim/okx/index.js';
import { dataOf, loadFixture, rest, shapeDiff, signLogin, signRest, startTestSim, WsClient } from './helpers.js';

const WORKED = {
  apiKey: 'worked-example-key',
  secretKey: 'A1B2C3D4E5F60718293A4B5C6D7E8F90',
  passphrase: 'WorkedPass1',
};
const WORKED_TS = '2025-03-01T12:00:00.123Z';
const WORKED_BODY =
  '{"instId":"BTC-USDT-SWAP","tdMode":"cross","side":"buy","posSide":"long","ordType":"limit","px":"60000","sz":"1","clOrdId":"bot1a2b3c"}';

let sim: OkxSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('OKX sim REST signing', () => {
  it('the test client reproduces the worked examples of okx.md', () => {
    expect(signRest(WORKED.secretKey, WORKED_TS, 'POST', '/api/v5/trade/order', WORKED_BODY)).toBe(
      'ZtzSDmZxg4XWpr4VTnn8DmMWxCy9aKglO9PXY57bxUI=',
    );
    expect(signRest(WORKED.secretKey, WORKED_TS, 'GET', '/api/v5/account/positions?instType=SWAP&instId=BTC-USDT-SWAP', '')).toBe(
      's3wlYzUvHIi9Cj7JZLpkaqquORjTMJ1FUTdiV+PqUbk=',
    );
    expect(signLogin(WORKED.secretKey, '1740830400')).toBe('wTOGoe0zlBRCKuRZkl2n022je4KIYfIBGp0ckoLLNvs=');
  });

  it('accepts the worked POST and GET examples byte for byte at their timestamp', async () => {
    const at = Date.parse(WORKED_TS);
    const s = (sim = await startTestSim({ credentials: WORKED, clock: () => at }));
    const headers = (sign: string): Record<string, string> => ({
      'OK-ACCESS-KEY': WORKED.apiKey,
      'OK-ACCESS-SIGN': sign,
      'OK-ACCESS-TIMESTAMP': WORKED_TS,
      'OK-ACCESS-PASSPHRASE': WORKED.passphrase,
      'Content-Type': 'application/json',
      'x-simulated-trading': '1',
    });
    const post = await fetch(`${s.restUrl}/api/v5/trade/order`, {
      method: 'POST',
      headers: headers('ZtzSDmZxg4XWpr4VTnn8DmMWxCy9aKglO9PXY57bxUI='),
      body: WORKED_BODY,
    });
    const postBody = (await post.json()) as Record<string, unknown>;
    // Signature accepted; the order itself asks for posSide "long" on a net-mode account: sCode inside a 200.
    expect(post.status).toBe(200);
    expect(postBody).toMatchObject({
      code: '1',
      msg: 'All operations failed',
      data: [{ sCode: '51000', clOrdId: 'bot1a2b3c', ordId: '' }],
    });
    const get = await fetch(`${s.restUrl}/api/v5/account/positions?instType=SWAP&instId=BTC-USDT-SWAP`, {
      headers: headers('s3wlYzUvHIi9Cj7JZLpkaqquORjTMJ1FUTdiV+PqUbk='),
    });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ code: '0', msg: '', data: [] });
  });

  it('answers a bad signature with 401 {"msg","code"} and no data, as the capture', async () => {
    const s = (sim = await startTestSim());
    const reply = await rest(s, s.credentials, 'GET', '/api/v5/account/balance', undefined, { signOverride: 'AAAA' });
    expect(reply.status).toBe(401);
    expect(reply.text).toBe(JSON.stringify(loadFixture('http_error_401_invalid_sign_capture.json')));
  });

  it('refuses a query string signed differently from the one sent (50113)', async () => {
    const s = (sim = await startTestSim());
    const ts = new Date(s.clock.now()).toISOString();
    const sign = signRest(s.credentials.secretKey, ts, 'GET', '/api/v5/account/positions', '');
    const reply = await rest(s, s.credentials, 'GET', '/api/v5/account/positions?instType=SWAP', undefined, {
      signOverride: sign,
      timestamp: ts,
    });
    expect(reply.body).toEqual({ msg: 'Invalid Sign', code: '50113' });
  });

  it.each([
    ['31 s behind', -31_000, '50102'],
    ['31 s ahead', 31_000, '50102'],
  ])('refuses a timestamp %s with 50102', async (_label, offset, code) => {
    const s = (sim = await startTestSim());
    const reply = await rest(s, s.credentials, 'GET', '/api/v5/account/balance', undefined, { nowMs: s.clock.now() + offset });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ msg: 'Timestamp request expired', code });
  });

  it('accepts a timestamp 29 s off', async () => {
    const s = (sim = await startTestSim());
    const reply = await rest(s, s.credentials, 'GET', '/api/v5/account/balance', undefined, { nowMs: s.clock.now() - 29_000 });
    expect(reply.status).toBe(200);
    expect(reply.body.code).toBe('0');
  });

  it('names a wrong passphrase, an unknown key, a malformed timestamp and the demo header', async () => {
    const s = (sim = await startTestSim());
    const wrongPass = await rest(s, { ...s.credentials, passphrase: 'nope' }, 'GET', '/api/v5/account/balance');
    expect([wrongPass.status, wrongPass.body.code, 'data' in wrongPass.body]).toEqual([401, '50105', false]);
    const unknownKey = await rest(s, { ...s.credentials, apiKey: 'not-a-key' }, 'GET', '/api/v5/account/balance');
    expect([unknownKey.status, unknownKey.body.code]).toEqual([401, '50111']);
    const badTs = await rest(s, s.credentials, 'GET', '/api/v5/account/balance', undefined, { timestamp: String(s.clock.now()) });
    expect([badTs.status, badTs.body.code]).toEqual([401, '50112']);
    const noDemo = await rest(s, s.credentials, 'GET', '/api/v5/account/balance', undefined, { demo: false });
    expect([noDemo.status, noDemo.body.code]).toEqual([401, '50101']);
    const noKey = await rest(s, s.credentials, 'GET', '/api/v5/account/balance', undefined, { headers: { 'OK-ACCESS-KEY': undefined } });
    expect([noKey.status, noKey.body.code]).toEqual([401, '50103']);
  });

  it('a live-key simulator refuses the demo header', async () => {
    const s = (sim = await startTestSim({ demo: false }));
    expect((await rest(s, s.credentials, 'GET', '/api/v5/account/balance', undefined, { demo: false })).body.code).toBe('0');
    expect((await rest(s, s.credentials, 'GET', '/api/v5/account/balance', undefined, { demo: true })).body.code).toBe('50101');
  });

  it('serves public endpoints without a signature, in the fixtures shape', async () => {
    const s = (sim = await startTestSim());
    const time = await rest(s, undefined, 'GET', '/api/v5/public/time');
    expect(shapeDiff(loadFixture('http_get_public_time.json'), time.body)).toEqual([]);
    expect(Math.abs(Number(dataOf(time)[0]?.ts) - s.clock.now())).toBeLessThan(5_000);
    const inst = await rest(s, undefined, 'GET', '/api/v5/public/instruments?instType=SWAP');
    const capture = loadFixture('http_get_public_instruments_swap_capture.json');
    expect(shapeDiff(capture, inst.body)).toEqual([]);
    const btc = dataOf(inst).find((i) => i.instId === 'BTC-USDT-SWAP');
    const btcCapture = (capture.data as Record<string, unknown>[]).find((i) => i.instId === 'BTC-USDT-SWAP');
    expect(btc).toMatchObject({
      ctVal: btcCapture?.ctVal,
      lotSz: btcCapture?.lotSz,
      minSz: btcCapture?.minSz,
      tickSz: btcCapture?.tickSz,
      instIdCode: 10459,
      ctType: 'linear',
      settleCcy: 'USDT',
    });
    const missing = await rest(s, undefined, 'GET', '/api/v5/public/instruments');
    expect([missing.status, missing.body.code]).toEqual([400, '50014']);
  });
});

describe('OKX sim WS login', () => {
  it('logs in with a seconds timestamp: the real success event', async () => {
    const s = (sim = await startTestSim());
    const c = await WsClient.connect(s.wsPrivateUrl);
    const ack = await c.login(s.credentials, s.clock.now());
    expect(shapeDiff(loadFixture('ws_login_ok_capture.json'), ack)).toEqual([]);
    expect(Object.keys(ack)).toEqual(['event', 'msg', 'code', 'connId']);
    expect(ack).toMatchObject({ event: 'login', code: '0', msg: '' });
    c.send({ op: 'login', args: [{ apiKey: s.credentials.apiKey, passphrase: s.credentials.passphrase, timestamp: '1', sign: 'x' }] });
    expect(await c.next((m) => m.event === 'error')).toMatchObject({ code: '60031' });
    c.close();
  });

  it('logs in on the worked example at its time', async () => {
    const s = (sim = await startTestSim({ credentials: WORKED, clock: () => 1740830400_000 }));
    const c = await WsClient.connect(s.wsBusinessUrl);
    c.send({
      op: 'login',
      args: [
        {
          apiKey: WORKED.apiKey,
          passphrase: WORKED.passphrase,
          timestamp: '1740830400',
          sign: 'wTOGoe0zlBRCKuRZkl2n022je4KIYfIBGp0ckoLLNvs=',
        },
      ],
    });
    expect(await c.next((m) => m.event === 'login')).toMatchObject({ code: '0' });
    c.close();
  });

  it.each([
    ['a bad sign', (k: { secretKey: string }, ts: string) => ({ ts, sign: signLogin(`${k.secretKey}x`, ts) }), {}, '60007'],
    [
      'a millisecond timestamp',
      (k: { secretKey: string }, ts: string) => ({ ts: `${ts}000`, sign: signLogin(k.secretKey, `${ts}000`) }),
      {},
      '60006',
    ],
    [
      'a wrong passphrase',
      (k: { secretKey: string }, ts: string) => ({ ts, sign: signLogin(k.secretKey, ts) }),
      { passphrase: 'wrong' },
      '60024',
    ],
    ['an unknown key', (k: { secretKey: string }, ts: string) => ({ ts, sign: signLogin(k.secretKey, ts) }), { apiKey: 'nope' }, '60005'],
  ])('refuses %s with an error event', async (_label, make, override, code) => {
    const s = (sim = await startTestSim());
    const c = await WsClient.connect(s.wsPrivateUrl);
    const { ts, sign } = make(s.credentials, String(Math.floor(s.clock.now() / 1000)));
    c.send({
      op: 'login',
      args: [{ apiKey: s.credentials.apiKey, passphrase: s.credentials.passphrase, ...override, timestamp: ts, sign }],
    });
    const err = await c.next((m) => m.event === 'error');
    expect(shapeDiff(loadFixture('ws_login_error_capture_60006.json'), err)).toEqual([]);
    expect(err.code).toBe(code);
    // Still not logged in: a private subscribe is refused.
    c.send({ id: 'p1', op: 'subscribe', args: [{ channel: 'orders', instType: 'SWAP' }] });
    expect(await c.next((m) => m.id === 'p1')).toMatchObject({ event: 'error', code: '60011' });
    c.close();
  });
});
