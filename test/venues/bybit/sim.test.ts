/**
 * The Bybit adapter against the simulated Bybit over real sockets: the keepalive holds against the
 * simulator's (scaled) no-ping drop, inverse orders sized in USD contracts, stop and take-profit
 * as reduce-only conditional orders (the take fires), a resend of an orderLinkId settled as the
 * existing order, and a fill while disconnected booked by the resync.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { dec } from '../../../src/domain/decimal.js';
import type { VenueEvent } from '../../../src/domain/events.js';
import { type BybitSim, startBybitSim } from '../../../src/sim/bybit/server.js';
import { type BybitHarness, startBybitHarness } from '../../support/bybit-harness.js';
import { waitFor } from '../../support/wait.js';

let h: BybitHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const orderEvents = (x: BybitHarness, clientId: string): Array<Extract<VenueEvent, { type: 'order' }>> =>
  x.events.filter((e): e is Extract<VenueEvent, { type: 'order' }> => e.type === 'order' && e.order.clientId === clientId);

describe('bybit adapter on the simulator', () => {
  it('stays connected across many of the simulator’s no-ping windows (ping from open)', async () => {
    h = await startBybitHarness();
    const priv = h.venue.socket('private');
    const first = priv?.connectionId;
    let pongs = 0;
    priv?.on('pong', () => (pongs += 1));
    // The simulator drops a socket that has not pinged for 200 ms (20 s scaled); ping every 100 ms.
    await waitFor(() => pongs >= 8, { timeoutMs: 5_000, message: 'eight pongs' });
    expect(priv?.connectionId).toBe(first);
    expect(h.venue.isReady()).toBe(true);
  });

  it('inverse: an order in USD contracts opens a position in contracts', async () => {
    h = await startBybitHarness();
    const out = await h.venue.submitOrder({
      clientId: 'inv1',
      symbol: 'BTC/USD:BTC',
      side: 'buy',
      type: 'market',
      size: dec(300),
      reduceOnly: false,
    });
    expect(out.status === 'accepted' && out.order.filledSize.toString()).toBe('300');
    const pos = (await h.venue.positions()).find((p) => p.symbol === 'BTCUSD');
    expect(pos?.size.eq(300)).toBe(true);
    expect(h.venue.instrument('BTCUSD')?.settle).toBe('BTC');
  });

  it('stop and take-profit are reduce-only conditional orders; the take fires on the rise and the stop stays untriggered', async () => {
    h = await startBybitHarness();
    const x = h;
    const symbol = 'BTCUSDT';
    const mark = x.sim.engine.ticker(symbol, x.sim.clock.now()).mark;
    await x.venue.submitOrder({ clientId: 'e1', symbol, side: 'buy', type: 'market', size: dec('0.01'), reduceOnly: false });
    const stop = await x.venue.submitOrder({
      clientId: 'e1S1',
      symbol,
      side: 'sell',
      type: 'stop_market',
      triggerPrice: mark.times('0.9'),
      trigger: 'mark',
      size: dec('0.01'),
      reduceOnly: true,
      priority: 'protective',
    });
    const take = await x.venue.submitOrder({
      clientId: 'e1T1',
      symbol,
      side: 'sell',
      type: 'take_market',
      triggerPrice: mark.times('1.1'),
      trigger: 'mark',
      size: dec('0.01'),
      reduceOnly: true,
    });
    expect(stop.status === 'accepted' && stop.order).toMatchObject({ status: 'untriggered', type: 'stop_market', reduceOnly: true });
    expect(take.status === 'accepted' && take.order).toMatchObject({ status: 'untriggered', type: 'take_market', reduceOnly: true });
    x.sim.engine.setMarkPrice(symbol, mark.times('1.2'), x.sim.clock.now());
    await waitFor(() => orderEvents(x, 'e1T1').some((e) => e.order.status === 'filled'), { message: 'take-profit filled' });
    await waitFor(async () => (await x.venue.positions()).every((p) => p.symbol !== symbol));
    const lookup = await x.venue.getOrder({ symbol, clientId: 'e1T1' });
    expect(lookup.status === 'found' && lookup.order.filledSize.toString()).toBe('0.01');
  });

  it('a resend with the same orderLinkId is settled as the existing order, never a second one', async () => {
    h = await startBybitHarness();
    const req = {
      clientId: 'dupA',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      price: dec(30_000),
      size: dec('0.01'),
      reduceOnly: false,
    } as const;
    const a = await h.venue.submitOrder(req);
    const b = await h.venue.submitOrder(req);
    expect(a.status).toBe('accepted');
    expect(b.status).toBe('accepted');
    if (a.status !== 'accepted' || b.status !== 'accepted') return;
    expect(b.order.venueOrderId).toBe(a.order.venueOrderId);
    expect((await h.venue.openOrders('BTCUSDT')).filter((o) => o.clientId === 'dupA')).toHaveLength(1);
  });

  it('a fill while disconnected is booked by the resync after the reconnect', async () => {
    h = await startBybitHarness();
    const x = h;
    const symbol = 'BTCUSDT';
    const mark = x.sim.engine.ticker(symbol, x.sim.clock.now()).mark;
    const below = mark.times('0.99').roundToStep('0.1', 'floor');
    const out = await x.venue.submitOrder({
      clientId: 'gapE',
      symbol,
      side: 'buy',
      type: 'limit',
      price: below,
      size: dec('0.01'),
      reduceOnly: false,
    });
    expect(out.status).toBe('accepted');
    const resyncs = (): number => x.events.filter((e) => e.type === 'resynced').length;
    const before = resyncs();
    x.sim.faults.dropConnections();
    x.sim.engine.setMarkPrice(symbol, mark.times('0.98'), x.sim.clock.now());
    await waitFor(() => resyncs() > before && x.venue.isReady(), { timeoutMs: 5_000, message: 'resynced after the reconnect' });
    await waitFor(() => x.events.some((e) => e.type === 'fill' && e.fill.clientId === 'gapE'), { message: 'the gap fill booked' });
  });
});

describe('bybit position mode at start-up (one-way required)', () => {
  let sim: BybitSim | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('one-way already: switch-mode answers 110025 and the venue trades', async () => {
    h = await startBybitHarness();
    expect(h.log.find('bybit position mode checked: one-way')).toHaveLength(1);
    const switches = h.sim.requests.filter((r) => r.method === 'POST /v5/position/switch-mode');
    expect(switches.map((r) => r.body)).toEqual([{ category: 'linear', coin: 'USDT', mode: 0 }]);
  });

  it('hedge with nothing open: switched to one-way, then orders go through', async () => {
    sim = await startBybitSim({ priceStepMs: 0, timeScale: 0.01 });
    sim.setPositionMode('hedge');
    h = await startBybitHarness({ existingSim: sim });
    expect(h.log.find('switched to one-way mode')).toHaveLength(1);
    const out = await h.venue.submitOrder({
      clientId: 'pm1',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      size: dec('0.01'),
      reduceOnly: false,
    });
    expect(out.status).toBe('accepted');
  });

  it('hedge with a position open: one operator error line, connect refused, no socket, orders refused without reaching the venue', async () => {
    sim = await startBybitSim({ priceStepMs: 0, timeScale: 0.01 });
    const first = await startBybitHarness({ existingSim: sim });
    await first.venue.submitOrder({
      clientId: 'pm2',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      size: dec('0.01'),
      reduceOnly: false,
    });
    await first.close();
    // The operator switches the account to hedge on the website (the API would refuse with the position open).
    sim.setPositionMode('hedge');
    h = await startBybitHarness({ existingSim: sim, connect: false });
    await expect(h.venue.connect()).rejects.toThrow(/hedge position mode.*BTCUSDT.*one-way only.*will not trade/);
    const lines = h.log.lines.filter((l) => l.level >= 50);
    expect(lines).toHaveLength(1);
    expect(String(lines[0]?.msg)).toMatch(/^bybit account is in hedge position mode .*then restart$/);
    expect(String(lines[0]?.msg)).not.toContain('\n');
    expect(h.venue.isReady()).toBe(false);
    expect(sim.connections).toBe(0);
    const creates = (): number => sim?.requests.filter((r) => r.method === 'POST /v5/order/create').length ?? 0;
    const before = creates();
    const out = await h.venue.submitOrder({
      clientId: 'pm3',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      size: dec('0.01'),
      reduceOnly: false,
    });
    expect(out).toMatchObject({ status: 'rejected', code: 'POSITION_MODE', retryable: false });
    expect(creates()).toBe(before);
  });
});

describe('bybit cancel of an order that is already gone (as OKX and Deribit report it to the port)', () => {
  it('filled: the cancel is refused as not found (110001) and the look-up gives the final order with what filled', async () => {
    h = await startBybitHarness();
    const out = await h.venue.submitOrder({
      clientId: 'gone1',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      size: dec('0.01'),
      reduceOnly: false,
    });
    expect(out.status).toBe('accepted');
    const ref = { symbol: 'BTCUSDT', clientId: 'gone1' };
    expect(await h.venue.cancelOrder(ref, 'protective')).toMatchObject({ status: 'rejected', code: '110001', notFound: true });
    const found = await h.venue.getOrder(ref, 'protective');
    expect(found.status === 'found' && [found.order.status, found.order.filledSize.toString()]).toEqual(['filled', '0.01']);
  });

  it('cancelled: a second cancel is refused as not found and the look-up says cancelled; an id never used is not found', async () => {
    h = await startBybitHarness();
    const mark = h.sim.engine.ticker('BTCUSDT', h.sim.clock.now()).mark;
    const price = mark.times('0.5').roundToStep(dec('0.1'), 'floor');
    await h.venue.submitOrder({
      clientId: 'gone2',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      price,
      size: dec('0.01'),
      reduceOnly: false,
    });
    const ref = { symbol: 'BTCUSDT', clientId: 'gone2' };
    expect((await h.venue.cancelOrder(ref)).status).toBe('accepted');
    expect(await h.venue.cancelOrder(ref)).toMatchObject({ status: 'rejected', notFound: true });
    const found = await h.venue.getOrder(ref);
    expect(found.status === 'found' && found.order.status).toBe('cancelled');
    expect(await h.venue.getOrder({ symbol: 'BTCUSDT', clientId: 'never-sent' })).toEqual({ status: 'not_found' });
  });
});

describe('bybit position mode changed while running', () => {
  it('an order refused with 10001 "position idx not match position mode" gives the operator one line naming the fix', async () => {
    h = await startBybitHarness();
    h.sim.setPositionMode('hedge');
    const out = await h.venue.submitOrder({
      clientId: 'pm9',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      size: dec('0.01'),
      reduceOnly: false,
    });
    expect(out).toMatchObject({ status: 'rejected', code: '10001', retryable: false });
    const lines = h.log.find('hedge position mode');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe(50);
    expect(String(lines[0]?.msg)).toMatch(/BTCUSDT.*one-way.*Position Mode/);
  });
});
