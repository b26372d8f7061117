/**
 * Fault injection on the simulated Deribit (drops, delays, rejections, rate limits, partial
 * fills).
 */
import { afterEach, describe, expect, it } from 'vitest';

import type { DeribitSim } from '../../src/sim/deribit/index.js';
import type { RpcWsClient } from '../support/rpc-ws-client.js';
import { waitFor } from '../support/wait.js';
import { loggedInClient, startTestSim } from './deribit-helpers.js';

let sim: DeribitSim | undefined;
const clients: RpcWsClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});

async function login(s: DeribitSim): Promise<RpcWsClient> {
  const c = await loggedInClient(s);
  clients.push(c);
  return c;
}

describe('fault injection', () => {
  it('drops all connections or one by id', async () => {
    sim = await startTestSim();
    const a = await login(sim);
    const b = await login(sim);
    expect(sim.connections).toBe(2);
    const [first] = sim.connectionIds();
    expect(sim.faults.dropConnections(first)).toBe(1);
    await a.waitForClose();
    expect(b.closeInfo).toBeUndefined();
    expect(sim.faults.dropConnections()).toBe(1);
    await b.waitForClose();
    await waitFor(() => sim?.connections === 0);
  });

  it('delays a response past a client timeout but executes the request at once', async () => {
    sim = await startTestSim();
    const c = await login(sim);
    sim.faults.delayResponses('private/buy', 300, { times: 1 });
    const started = Date.now();
    const id = c.send('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10, type: 'market', label: 'late' });
    const s = sim;
    await waitFor(() => s.engine.allOrders({ label: 'late' }).length === 1);
    expect(c.frames.some((f) => f.id === id)).toBe(false);
    const late = await c.response(id, 2000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(late.usDiff).toBeGreaterThanOrEqual(290_000);
    // the rule was used up
    expect((await c.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10, type: 'market' })).error).toBeUndefined();
  });

  it('never answers a method (the order still exists)', async () => {
    sim = await startTestSim();
    const c = await login(sim);
    sim.faults.neverAnswer('private/buy', { times: 1 });
    const id = c.send('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10, type: 'market', label: 'lost' });
    // Requests are answered in order, so once a later request is answered the lost one never will be.
    await c.result('public/test');
    expect(c.frames.some((f) => f.id === id)).toBe(false);
    expect(sim.engine.allOrders({ label: 'lost' })).toHaveLength(1);
  });

  it('rejects the next N orders of a kind with the chosen error', async () => {
    sim = await startTestSim();
    const c = await login(sim);
    await c.result('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 100, type: 'market' });
    sim.faults.rejectNextOrders(2, { type: 'stop_market' }, { code: 10040, message: 'retry' });
    const stop = {
      instrument_name: 'BTC-PERPETUAL',
      amount: 100,
      type: 'stop_market',
      trigger: 'mark_price',
      trigger_price: 50000,
      reduce_only: true,
    };
    expect(
      (await c.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10, type: 'limit', price: 50000 })).error,
    ).toBeUndefined();
    expect((await c.call('private/sell', stop)).error).toEqual({ code: 10040, message: 'retry' });
    expect((await c.call('private/sell', stop)).error?.code).toBe(10040);
    expect((await c.call('private/sell', stop)).error).toBeUndefined();
  });

  it('answers a neutral rejection with Deribit’s own code for that reason', async () => {
    sim = await startTestSim();
    const c = await login(sim);
    await c.result('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 100, type: 'market' });
    sim.faults.rejectNextOrders(1, { type: 'stop_market' }, { reason: 'trigger_price_too_high' });
    sim.faults.rejectNextOrders(1, { type: 'stop_market' }, { reason: 'venue_refused', message: 'busy' });
    const stop = {
      instrument_name: 'BTC-PERPETUAL',
      amount: 100,
      type: 'stop_market',
      trigger: 'mark_price',
      trigger_price: 50000,
      reduce_only: true,
    };
    expect((await c.call('private/sell', stop)).error).toMatchObject({ code: 10034, message: 'trigger_price_too_high' });
    expect((await c.call('private/sell', stop)).error).toMatchObject({ code: 10001, message: 'error' });
    expect((await c.call('private/sell', stop)).error).toBeUndefined();
  });

  it('answers the next requests with 10028 too_many_requests', async () => {
    sim = await startTestSim();
    const c = await login(sim);
    sim.faults.rateLimitNext(2);
    const first = await c.call('public/get_time');
    expect(first.error).toEqual({ code: 10028, message: 'too_many_requests', data: null });
    expect((await c.call('private/get_positions')).error?.code).toBe(10028);
    expect((await c.call('public/get_time')).error).toBeUndefined();
  });

  it('exhausts real matching-engine credits (tier 4: burst 20) with a frozen clock', async () => {
    // The session stays open here (rateLimitDisconnect: false) to show the pools; the default cut is tested in deribit-market.
    sim = await startTestSim({ rateLimits: { matchingEngineTier: 4 }, rateLimitDisconnect: false, clock: () => Date.UTC(2026, 0, 5, 12) });
    const c = await login(sim);
    const codes: (number | undefined)[] = [];
    for (let i = 0; i < 21; i++)
      codes.push((await c.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10, type: 'limit', price: 50000 })).error?.code);
    expect(codes.slice(0, 20).every((code) => code === undefined)).toBe(true);
    expect(codes[20]).toBe(10028);
    // reads use another pool
    expect((await c.call('private/get_open_orders_by_currency', { currency: 'BTC' })).error).toBeUndefined();
    sim.clock.advance(1000);
    expect((await c.call('private/cancel_all')).error).toBeUndefined();
  });

  it('fills the next order only partially', async () => {
    sim = await startTestSim();
    const c = await login(sim);
    sim.faults.partialFillNext(1, { fraction: 0.5 });
    const ask = sim.engine.ticker('BTC-PERPETUAL', sim.clock.now()).bestAskPrice?.toNumber() ?? 0;
    const placed = await c.result<{ order: Record<string, unknown>; trades: unknown[] }>('private/buy', {
      instrument_name: 'BTC-PERPETUAL',
      amount: 100,
      type: 'limit',
      price: ask,
    });
    expect(placed.order['order_state']).toBe('open');
    expect(placed.order['filled_amount']).toBe(50);
    expect(placed.trades).toHaveLength(1);
    const market = await c.result<{ order: Record<string, unknown> }>('private/buy', {
      instrument_name: 'BTC-PERPETUAL',
      amount: 100,
      type: 'market',
    });
    expect(market.order['filled_amount']).toBe(100);
  });

  it('cancels the rest of a partially filled market order', async () => {
    sim = await startTestSim();
    const c = await login(sim);
    sim.faults.partialFillNext(1, { amount: 30 });
    const res = await c.result<{ order: Record<string, unknown> }>('private/sell', {
      instrument_name: 'BTC-PERPETUAL',
      amount: 100,
      type: 'market',
    });
    expect(res.order['order_state']).toBe('cancelled');
    expect(res.order['filled_amount']).toBe(30);
  });

  it('sends a malformed frame on the socket', async () => {
    sim = await startTestSim();
    const c = await login(sim);
    expect(sim.faults.sendMalformedFrame('all', 'not json at all')).toBe(1);
    await waitFor(() => c.raw.includes('not json at all'));
  });

  it('leaves channels out of the next subscribe result', async () => {
    sim = await startTestSim();
    const c = await login(sim);
    sim.faults.failNextSubscriptions(1, /^user\.orders/);
    const result = await c.result<string[]>('private/subscribe', { channels: ['user.orders.any.any.raw', 'ticker.BTC-PERPETUAL.100ms'] });
    expect(result).toEqual(['ticker.BTC-PERPETUAL.100ms']);
    expect(await c.result<string[]>('private/subscribe', { channels: ['user.orders.any.any.raw'] })).toEqual(['user.orders.any.any.raw']);
  });

  it('applies the same faults over HTTP', async () => {
    sim = await startTestSim();
    sim.faults.rateLimitNext(1, { method: 'public/get_time' });
    const limited = await fetch(`${sim.restUrl}/public/get_time`);
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { code: number } }).error.code).toBe(10028);
    sim.faults.delayResponses('public/test', 200, { times: 1 });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 50);
    await expect(fetch(`${sim.restUrl}/public/test`, { signal: controller.signal })).rejects.toThrow();
    clearTimeout(timer);
  });
});
