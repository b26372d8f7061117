/** The simulated Deribit's HTTP transport. */
import { afterEach, describe, expect, it } from 'vitest';

import type { DeribitSim } from '../../src/sim/deribit/index.js';
import { startTestSim } from './deribit-helpers.js';

let sim: DeribitSim | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

interface Envelope {
  jsonrpc: string;
  id?: number | string;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
  usIn: number;
  usOut: number;
  usDiff: number;
  testnet: boolean;
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: Envelope }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Envelope };
}

describe('HTTP transport', () => {
  it('serves GET with query params, with the envelope extensions and no id', async () => {
    sim = await startTestSim();
    const { status, body } = await getJson(`${sim.restUrl}/public/get_instruments?currency=ETH&kind=future`);
    expect(status).toBe(200);
    expect(body.id).toBeUndefined();
    expect((body.result as { instrument_name: string }[]).map((i) => i.instrument_name)).toContain('ETH-PERPETUAL');
    expect(body.testnet).toBe(true);
    expect(body.usOut - body.usIn).toBe(body.usDiff);
  });

  it('serves POST and GET with a JSON-RPC body and echoes the id', async () => {
    sim = await startTestSim();
    const rpc = JSON.stringify({ jsonrpc: '2.0', id: 77, method: 'public/ticker', params: { instrument_name: 'BTC-PERPETUAL' } });
    const post = await getJson(`${sim.restUrl}/public/ticker`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: rpc,
    });
    expect(post.status).toBe(200);
    expect(post.body.id).toBe(77);
    expect((post.body.result as { instrument_name: string }).instrument_name).toBe('BTC-PERPETUAL');
  });

  it('answers errors with HTTP 400 and the JSON-RPC error body', async () => {
    sim = await startTestSim();
    const missing = await getJson(`${sim.restUrl}/public/ticker`);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toEqual({
      code: -32602,
      message: 'Invalid params',
      data: { param: 'instrument_name', reason: 'must be present' },
    });
    const unknown = await getJson(`${sim.restUrl}/public/unknown_method`);
    expect(unknown.body.error?.code).toBe(-32601);
    const bad = await getJson(`${sim.restUrl}/public/test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"jsonrpc":',
    });
    expect(bad.body.error?.code).toBe(-32700);
    const big = await getJson(`${sim.restUrl}/public/test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(40_000),
    });
    expect(big.status).toBe(413);
    expect(big.body.error?.code).toBe(-32600);
    const hb = await getJson(`${sim.restUrl}/public/set_heartbeat?interval=30`);
    expect(hb.body.error?.code).toBe(10030);
  });

  it('places and reads orders over REST with query-string numbers and booleans', async () => {
    sim = await startTestSim();
    const auth = `Basic ${Buffer.from(`${sim.credentials.clientId}:${sim.credentials.clientSecret}`).toString('base64')}`;
    const buy = await getJson(
      `${sim.restUrl}/private/buy?instrument_name=ETH-PERPETUAL&amount=25&type=limit&price=2000.05&post_only=true&label=rest-1`,
      { headers: { authorization: auth } },
    );
    expect(buy.status).toBe(200);
    const order = (buy.body.result as { order: Record<string, unknown> }).order;
    expect(order['post_only']).toBe(true);
    expect(order['price']).toBe(2000.05);
    const state = await getJson(`${sim.restUrl}/private/get_order_state_by_label?currency=ETH&label=rest-1`, {
      headers: { authorization: auth },
    });
    expect((state.body.result as unknown[]).length).toBe(1);
    const summary = await getJson(`${sim.restUrl}/private/get_account_summary?currency=ETH&extended=true`, {
      headers: { authorization: auth },
    });
    const s = summary.body.result as Record<string, unknown>;
    expect(s['currency']).toBe('ETH');
    expect(s['balance']).toBe(100);
    expect(s['limits']).toBeDefined();
  });
});
