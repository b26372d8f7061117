/** The simulated Deribit's authentication: public/auth over WebSocket and signed REST requests. */
import { createHmac, randomBytes } from 'node:crypto';

import { afterEach, describe, expect, it } from 'vitest';

import type { DeribitSim } from '../../src/sim/deribit/index.js';
import { loadFixtureObject } from '../support/load-fixture.js';
import { RpcWsClient } from '../support/rpc-ws-client.js';
import { loggedInClient, shapeDiff, startTestSim } from './deribit-helpers.js';

const EXAMPLE = { clientId: 'EXAMPLE_ID', clientSecret: 'c2VjcmV0LWZvci1kb2NzLW9ubHk' };
const EXAMPLE_TS = 1735689600000;

let sim: DeribitSim | undefined;
const clients: RpcWsClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});

async function connect(s: DeribitSim): Promise<RpcWsClient> {
  const c = await RpcWsClient.connect(s.wsUrl);
  clients.push(c);
  return c;
}

function sign(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

describe('public/auth over WebSocket', () => {
  it('grants client_credentials with the venue result shape and the envelope extensions', async () => {
    sim = await startTestSim();
    const c = await connect(sim);
    const frame = await c.call('public/auth', {
      grant_type: 'client_credentials',
      client_id: sim.credentials.clientId,
      client_secret: sim.credentials.clientSecret,
    });
    expect(frame.error).toBeUndefined();
    expect(shapeDiff(loadFixtureObject('deribit', 'ws_public_auth_response.json'), frame)).toEqual([]);
    const result = frame.result as Record<string, unknown>;
    expect(result['token_type']).toBe('bearer');
    expect(result['expires_in']).toBe(31536000);
    expect(String(result['scope'])).toMatch(/^connection mainaccount /);
    expect(typeof frame.usIn).toBe('number');
    expect(typeof frame.usOut).toBe('number');
    expect(frame.usDiff).toBe((frame.usOut ?? 0) - (frame.usIn ?? 0));
    expect(frame.testnet).toBe(true);
  });

  it('answers a wrong secret with 13004 invalid_credentials', async () => {
    sim = await startTestSim();
    const c = await connect(sim);
    const frame = await c.call('public/auth', {
      grant_type: 'client_credentials',
      client_id: sim.credentials.clientId,
      client_secret: 'wrong',
    });
    expect(frame.error?.code).toBe(13004);
    expect(frame.error?.message).toBe('invalid_credentials');
  });

  it.each([
    ['', '8f939581252d516260d974d522ba1925b330f18eb467867de77343c30e8e59e3'],
    ['daemon-1', 'db0acd86bf256bd4a21bb2ce3ecab98dc971286ee922b6a24c4ef4a24568f5ce'],
  ])('verifies client_signature against the docs worked example (data %j), nonce single use', async (data, signature) => {
    sim = await startTestSim({ credentials: EXAMPLE, clock: () => EXAMPLE_TS });
    const c = await connect(sim);
    const params = { grant_type: 'client_signature', client_id: 'EXAMPLE_ID', timestamp: EXAMPLE_TS, nonce: 'q7f3k9zx', data, signature };
    const frame = await c.call('public/auth', params);
    expect(frame.error).toBeUndefined();
    expect((frame.result as Record<string, unknown>)['access_token']).toEqual(expect.any(String));
    const replay = await c.call('public/auth', params);
    expect(replay.error?.code).toBe(13009);
  });

  it('refuses a bad signature and a timestamp outside the 60 s window', async () => {
    sim = await startTestSim();
    const c = await connect(sim);
    const { clientId, clientSecret } = sim.credentials;
    const ts = sim.clock.now();
    const bad = await c.call('public/auth', {
      grant_type: 'client_signature',
      client_id: clientId,
      timestamp: ts,
      nonce: 'n1',
      data: '',
      signature: sign('not-the-secret', `${ts}\nn1\n`),
    });
    expect(bad.error?.code).toBe(13009);
    const staleTs = ts - 61_000;
    const stale = await c.call('public/auth', {
      grant_type: 'client_signature',
      client_id: clientId,
      timestamp: staleTs,
      nonce: 'n2',
      data: '',
      signature: sign(clientSecret, `${staleTs}\nn2\n`),
    });
    expect(stale.error?.code).toBe(13009);
    const good = await c.call('public/auth', {
      grant_type: 'client_signature',
      client_id: clientId,
      timestamp: ts,
      nonce: 'n3',
      data: '',
      signature: sign(clientSecret, `${ts}\nn3\n`),
    });
    expect(good.error).toBeUndefined();
  });

  it('refuses private methods before auth with 13009 and accepts them after', async () => {
    sim = await startTestSim();
    const c = await connect(sim);
    const before = await c.call('private/get_positions', { currency: 'BTC' });
    expect(before.error?.code).toBe(13009);
    expect(before.error?.message).toBe('unauthorized');
    const sub = await c.call('private/subscribe', { channels: ['user.orders.any.any.raw'] });
    expect(sub.error?.code).toBe(13009);
    await c.result('public/auth', {
      grant_type: 'client_credentials',
      client_id: sim.credentials.clientId,
      client_secret: sim.credentials.clientSecret,
    });
    const after = await c.call('private/get_positions', { currency: 'BTC' });
    expect(after.result).toEqual([]);
  });

  it('expires tokens on the sim clock and refreshes them with refresh_token', async () => {
    sim = await startTestSim({ tokenLifetimeSec: 60 });
    const c = await connect(sim);
    const auth = await c.result<Record<string, unknown>>('public/auth', {
      grant_type: 'client_credentials',
      client_id: sim.credentials.clientId,
      client_secret: sim.credentials.clientSecret,
    });
    expect(auth['expires_in']).toBe(60);
    expect((await c.call('private/get_positions', {})).error).toBeUndefined();
    sim.clock.advance(61_000);
    const expired = await c.call('private/get_positions', {});
    expect(expired.error?.code).toBe(13009);
    const refreshed = await c.result<Record<string, unknown>>('public/auth', {
      grant_type: 'refresh_token',
      refresh_token: auth['refresh_token'],
    });
    expect(refreshed['access_token']).not.toBe(auth['access_token']);
    expect((await c.call('private/get_positions', {})).error).toBeUndefined();
    // the old refresh token is spent
    const again = await c.call('public/auth', { grant_type: 'refresh_token', refresh_token: auth['refresh_token'] });
    expect(again.error?.code).toBe(13009);
  });

  it('rejects a connection-scoped token on another connection but honours a session-scoped one', async () => {
    sim = await startTestSim();
    const a = await connect(sim);
    const b = await connect(sim);
    const creds = { grant_type: 'client_credentials', client_id: sim.credentials.clientId, client_secret: sim.credentials.clientSecret };
    const conn = await a.result<Record<string, unknown>>('public/auth', creds);
    const reused = await b.call('private/get_positions', { access_token: conn['access_token'] });
    expect(reused.error?.code).toBe(13009);
    const session = await a.result<Record<string, unknown>>('public/auth', { ...creds, scope: 'session:daemon trade:read_write' });
    expect(String(session['scope'])).toContain('session:daemon');
    const ok = await b.call('private/get_positions', { access_token: session['access_token'] });
    expect(ok.error).toBeUndefined();
  });

  it('refuses trading with a read-only scope (13021)', async () => {
    sim = await startTestSim();
    const c = await connect(sim);
    await c.result('public/auth', {
      grant_type: 'client_credentials',
      client_id: sim.credentials.clientId,
      client_secret: sim.credentials.clientSecret,
      scope: 'trade:read',
    });
    const frame = await c.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10, type: 'market' });
    expect(frame.error?.code).toBe(13021);
  });
});

describe('REST authentication', () => {
  it('accepts the docs worked deri-hmac-sha256 examples (GET and POST)', async () => {
    sim = await startTestSim({ credentials: EXAMPLE, clock: () => EXAMPLE_TS });
    const get = await fetch(`${sim.restUrl}/private/get_account_summary?currency=BTC`, {
      headers: {
        authorization:
          'deri-hmac-sha256 id=EXAMPLE_ID,ts=1735689600000,sig=311b6e636ff84b872516547b602c9859bc4749d40b4531bd42347bb269f4a4f8,nonce=q7f3k9zx',
      },
    });
    expect(get.status).toBe(200);
    const summary = (await get.json()) as { result: Record<string, unknown> };
    expect(summary.result['currency']).toBe('BTC');
    const body = '{"jsonrpc":"2.0","id":1,"method":"private/get_positions","params":{"currency":"BTC","kind":"future"}}';
    const post = await fetch(`${sim.restUrl}/private/get_positions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization:
          'deri-hmac-sha256 id=EXAMPLE_ID,ts=1735689600000,nonce=q7f3k9zx,sig=ce25ba79451829d90d7c387a5303270d553ae3ee756d0bd3c2f1da3a70fd209a',
      },
      body,
    });
    // same nonce+ts as the GET: a replay, so it is refused
    expect(post.status).toBe(400);
    expect(((await post.json()) as { error: { code: number } }).error.code).toBe(13009);
  });

  it('verifies a fresh per-request signature and refuses a tampered one', async () => {
    sim = await startTestSim();
    const { clientId, clientSecret } = sim.credentials;
    const uri = '/api/v2/private/get_positions?currency=BTC';
    const ts = sim.clock.now();
    const nonce = randomBytes(6).toString('hex');
    const sig = sign(clientSecret, `${ts}\n${nonce}\nGET\n${uri}\n\n`);
    const base = sim.restUrl.replace(/\/api\/v2$/, '');
    const ok = await fetch(`${base}${uri}`, {
      headers: { authorization: `deri-hmac-sha256 id=${clientId},ts=${ts},sig=${sig},nonce=${nonce}` },
    });
    expect(ok.status).toBe(200);
    const tampered = await fetch(`${base}/api/v2/private/get_positions?currency=ETH`, {
      headers: { authorization: `deri-hmac-sha256 id=${clientId},ts=${ts},sig=${sig},nonce=x${nonce}` },
    });
    expect(tampered.status).toBe(400);
    expect(((await tampered.json()) as { error: { code: number } }).error.code).toBe(13009);
  });

  it('accepts Bearer tokens and Basic credentials, refuses missing auth', async () => {
    sim = await startTestSim();
    const { clientId, clientSecret } = sim.credentials;
    const none = await fetch(`${sim.restUrl}/private/get_positions`);
    expect(none.status).toBe(400);
    expect(((await none.json()) as { error: { code: number } }).error.code).toBe(13009);
    const basic = await fetch(`${sim.restUrl}/private/get_positions`, {
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
    });
    expect(basic.status).toBe(200);
    const wrongBasic = await fetch(`${sim.restUrl}/private/get_positions`, {
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:nope`).toString('base64')}` },
    });
    expect(((await wrongBasic.json()) as { error: { code: number } }).error.code).toBe(13004);
    const auth = (await (
      await fetch(`${sim.restUrl}/public/auth?grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`)
    ).json()) as { result: { access_token: string } };
    const bearer = await fetch(`${sim.restUrl}/private/get_positions`, {
      headers: { authorization: `Bearer ${auth.result.access_token}` },
    });
    expect(bearer.status).toBe(200);
    const ws = await loggedInClient(sim);
    clients.push(ws);
    expect(sim.connections).toBe(1);
  });
});
