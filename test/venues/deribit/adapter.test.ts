/** The real Deribit adapter against the simulated Deribit, over real sockets. */
import { afterEach, describe, expect, it } from 'vitest';

import { dec } from '../../../src/domain/decimal.js';
import type { VenueEvent } from '../../../src/domain/events.js';
import type { OrderSnapshot, OrderType } from '../../../src/domain/order.js';
import { DeribitCredentials } from '../../../src/venues/deribit/index.js';
import { type DeribitHarness, startDeribitHarness } from '../../support/deribit-harness.js';
import { waitFor } from '../../support/wait.js';

type OrderEvent = Extract<VenueEvent, { type: 'order' }>;
type FillEvent = Extract<VenueEvent, { type: 'fill' }>;

const orderEvent =
  (clientId: string, status?: OrderSnapshot['status']) =>
  (e: VenueEvent): e is OrderEvent =>
    e.type === 'order' && e.order.clientId === clientId && (status === undefined || e.order.status === status);
const fillOf =
  (clientId: string) =>
  (e: VenueEvent): e is FillEvent =>
    e.type === 'fill' && e.fill.clientId === clientId;

let h: DeribitHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const PERP = 'BTC-PERPETUAL';

describe('Deribit adapter against the simulator: session', () => {
  it('logs in with a client signature and reports ready', async () => {
    h = await startDeribitHarness();
    expect(h.venue.isReady()).toBe(true);
    expect(h.venue.connectionState()).toBe('ready');
    const auth = h.sim.requests.find((r) => r.method === 'public/auth');
    expect(auth?.params).toMatchObject({ grant_type: 'client_signature', client_id: h.sim.credentials.clientId });
    // the heartbeat was set up before login: keepalive starts the moment the socket opens
    const methods = h.sim.requests.map((r) => r.method);
    expect(methods.indexOf('public/set_heartbeat')).toBeLessThan(methods.indexOf('public/auth'));
    expect(h.log.text()).not.toContain(h.sim.credentials.clientSecret);
  });

  it('a bad signature is refused, logged with what to check, and never becomes ready', async () => {
    h = await startDeribitHarness({
      connect: false,
      connectTimeoutMs: 1_500,
      credentials: (sim) => new DeribitCredentials(sim.credentials.clientId, 'not-the-secret-at-all'),
    });
    await expect(h.venue.connect()).rejects.toThrow();
    const refused = h.log.find('deribit login refused');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({ code: 13009 });
    expect(h.venue.isReady()).toBe(false);
    // private requests were never answered with data
    expect(h.sim.requests.some((r) => r.method.startsWith('private/') && r.method !== 'private/subscribe')).toBe(false);
  });

  it('instruments that failed to load at start-up are loaded once the connection is ready', async () => {
    h = await startDeribitHarness({ connect: false });
    h.sim.faults.rateLimitNext(1, { method: 'public/get_instruments' });
    await h.venue.connect();
    expect(h.log.find('loading deribit instruments failed (start-up)').length).toBe(1);
    await waitFor(() => h!.venue.instrument(PERP), { timeoutMs: 3_000, message: 'instruments reloaded' });
    const out = await h.venue.submitOrder({
      clientId: 'vd1-reload-e',
      symbol: PERP,
      side: 'buy',
      type: 'market',
      size: dec(10),
      reduceOnly: false,
    });
    expect(out.status).toBe('accepted');
  });

  it('concurrent 13009 answers lead to one re-login, not one each', async () => {
    h = await startDeribitHarness();
    const authsBefore = h.sim.requests.filter((r) => r.method === 'public/auth').length;
    h.sim.faults.rejectNextOrders(2, {}, { code: 13009, message: 'unauthorized' });
    h.sim.faults.delayResponses('public/auth', 300, { times: 1 });
    const outcomes = await Promise.all(
      [1, 2].map((i) =>
        h!.venue.submitOrder({
          clientId: `vd1-reauth${i}-e`,
          symbol: PERP,
          side: 'buy',
          type: 'limit',
          price: dec('50000'),
          size: dec(10),
          reduceOnly: false,
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    await waitFor(() => h!.log.find('deribit re-authenticated on the current connection').length === 1, { timeoutMs: 3_000 });
    expect(h.sim.requests.filter((r) => r.method === 'public/auth').length - authsBefore).toBe(1);
  });

  it('refreshes the token before it expires', async () => {
    h = await startDeribitHarness({ sim: { tokenLifetimeSec: 1 } });
    await waitFor(() => h?.log.find('deribit token refreshed').length, { timeoutMs: 5_000 });
    expect(
      h.sim.requests.some((r) => r.method === 'public/auth' && (r.params as { grant_type?: string }).grant_type === 'refresh_token'),
    ).toBe(true);
    // the refreshed session still trades
    const out = await h.venue.submitOrder({
      clientId: 'vd1-refresh-e',
      symbol: PERP,
      side: 'buy',
      type: 'market',
      size: dec(10),
      reduceOnly: false,
    });
    expect(out.status).toBe('accepted');
  });

  it('answers heartbeat test_requests and keeps the connection', async () => {
    h = await startDeribitHarness();
    await waitFor(() => h!.sim.requests.filter((r) => r.method === 'public/test').length >= 2, { timeoutMs: 5_000 });
    expect(h.sim.connections).toBe(1);
    expect(h.events.filter((e) => e.type === 'connection' && e.state === 'reconnecting')).toHaveLength(0);
  });

  it('an unanswered test_request gets the connection closed; the adapter reconnects, logs in and resubscribes', async () => {
    h = await startDeribitHarness();
    await h.venue.watchTicker(PERP);
    const firstConn = h.sim.connectionIds()[0];
    // the sim swallows the next public/test, as if our answer was lost: it must close the socket
    h.sim.faults.neverAnswer('public/test', { times: 1, execute: false });
    await h.event((e): e is VenueEvent => e.type === 'connection' && e.state === 'reconnecting', 5_000);
    await waitFor(() => h!.venue.isReady() && h!.sim.connectionIds()[0] !== firstConn, { timeoutMs: 5_000 });
    const conn = h.sim.connectionIds()[0]!;
    await waitFor(() => h!.sim.subscriptionsOf(conn).includes(`ticker.${PERP}.100ms`), { timeoutMs: 3_000 });
    expect(h.sim.subscriptionsOf(conn)).toEqual(expect.arrayContaining(['user.changes.any.BTC.raw', 'user.portfolio.BTC']));
    expect(h.sim.requests.filter((r) => r.method === 'public/auth').length).toBe(2);
  });
});

describe('Deribit adapter against the simulator: reconnect and resync', () => {
  it('after a dropped connection it resubscribes and re-reads orders, fills and positions', async () => {
    h = await startDeribitHarness();
    await h.venue.watchTicker(PERP);
    const rest = await h.venue.submitOrder({
      clientId: 'vd1-gap-e',
      symbol: PERP,
      side: 'buy',
      type: 'limit',
      price: dec('59000'),
      size: dec(100),
      reduceOnly: false,
    });
    expect(rest.status).toBe('accepted');
    h.sim.faults.neverAnswer(() => false); // no-op rule, keeps the fault list non-empty
    // cut the connection and fill the resting order while we are away
    h.sim.faults.dropConnections();
    await h.event((e): e is VenueEvent => e.type === 'connection' && e.state === 'reconnecting');
    h.sim.engine.setMarkPrice(PERP, '58000', h.sim.clock.now());
    const resynced = await h.event((e): e is VenueEvent => e.type === 'resynced', 5_000);
    expect(resynced.type).toBe('resynced');
    const position = h.events.find((e) => e.type === 'position' && e.position.symbol === PERP);
    expect(position?.type === 'position' && position.position.size.toString()).toBe('100');
    expect(h.events.some(fillOf('vd1-gap-e'))).toBe(true);
    const conn = h.sim.connectionIds()[0]!;
    expect(h.sim.subscriptionsOf(conn)).toContain(`ticker.${PERP}.100ms`);
  });

  it('a request that times out is an unknown outcome; its late response is dropped quietly', async () => {
    h = await startDeribitHarness({ config: { requestTimeoutMs: 200 } });
    h.sim.faults.delayResponses('private/buy', 600, { times: 1 });
    const out = await h.venue.submitOrder({
      clientId: 'vd1-late-e',
      symbol: PERP,
      side: 'buy',
      type: 'limit',
      price: dec('50000'),
      size: dec(10),
      reduceOnly: false,
    });
    expect(out.status).toBe('unknown');
    // the late answer arrives and is dropped at debug level: nothing pending, connection intact
    await waitFor(() => h!.log.lines.some((l) => l.level === 20 && /unknown or expired|late/i.test(String(l.msg))), { timeoutMs: 3_000 });
    expect(h.venue.isReady()).toBe(true);
    expect(h.log.lines.filter((l) => l.level >= 50)).toEqual([]);
    // the venue did act: looking the order up by label finds it, so no second entry is needed
    const found = await h.venue.getOrder({ symbol: PERP, clientId: 'vd1-late-e' });
    expect(found.status).toBe('found');
  });

  it('a disconnect rejects every pending request at once as unknown', async () => {
    h = await startDeribitHarness({ config: { requestTimeoutMs: 10_000 } });
    h.sim.faults.neverAnswer('private/buy', { times: 3 });
    const pending = [1, 2, 3].map((i) =>
      h!.venue.submitOrder({
        clientId: `vd1-dc${i}-e`,
        symbol: PERP,
        side: 'buy',
        type: 'limit',
        price: dec('50000'),
        size: dec(10),
        reduceOnly: false,
      }),
    );
    await waitFor(() => h!.sim.requests.filter((r) => r.method === 'private/buy').length === 3);
    h.sim.faults.dropConnections();
    const outcomes = await Promise.all(pending);
    expect(outcomes.map((o) => o.status)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(outcomes.every((o) => o.status === 'unknown' && /closed|disconnect/i.test(o.reason))).toBe(true);
  });

  it('a malformed frame is logged and the connection survives', async () => {
    h = await startDeribitHarness();
    expect(h.sim.faults.sendMalformedFrame()).toBe(1);
    await waitFor(() => h!.log.lines.some((l) => l.level === 40 && /malformed|not JSON|invalid JSON/i.test(String(l.msg))));
    expect(h.venue.isReady()).toBe(true);
    const out = await h.venue.submitOrder({
      clientId: 'vd1-after-junk',
      symbol: PERP,
      side: 'buy',
      type: 'market',
      size: dec(10),
      reduceOnly: false,
    });
    expect(out.status).toBe('accepted');
  });
});

describe('Deribit adapter against the simulator: orders', () => {
  it.each<[OrderType, Record<string, string>, OrderSnapshot['status']]>([
    ['market', {}, 'filled'],
    ['limit', { price: '55000' }, 'open'],
    ['stop_market', { triggerPrice: '70000' }, 'untriggered'],
    ['stop_limit', { triggerPrice: '70000', price: '70100' }, 'untriggered'],
    ['take_market', { triggerPrice: '50000' }, 'untriggered'],
    ['take_limit', { triggerPrice: '50000', price: '50100' }, 'untriggered'],
  ])('%s buy is accepted, pushed back with its label, and lands on the venue', async (type, prices, status) => {
    h = await startDeribitHarness();
    const clientId = `vd1-${type.replace('_', '')}-e`;
    const out = await h.venue.submitOrder({
      clientId,
      symbol: PERP,
      side: 'buy',
      type,
      size: dec(100),
      reduceOnly: false,
      ...(prices.price ? { price: dec(prices.price) } : {}),
      ...(prices.triggerPrice ? { triggerPrice: dec(prices.triggerPrice), trigger: 'mark' as const } : {}),
    });
    expect(out.status).toBe('accepted');
    if (out.status !== 'accepted') return;
    expect(out.order).toMatchObject({ clientId, type, side: 'buy', status });
    await h.event(orderEvent(clientId));
    const onVenue = h.sim.engine.allOrders().find((o) => o.label === clientId);
    expect(onVenue?.amount.toString()).toBe('100');
  });

  it('a stop-market sell triggers on the mark price and fills; pushes say so', async () => {
    h = await startDeribitHarness();
    await h.venue.submitOrder({ clientId: 'vd1-long-e', symbol: PERP, side: 'buy', type: 'market', size: dec(100), reduceOnly: false });
    const stop = await h.venue.submitOrder({
      clientId: 'vd1-long-sl',
      symbol: PERP,
      side: 'sell',
      type: 'stop_market',
      triggerPrice: dec('58000'),
      trigger: 'mark',
      size: dec(100),
      reduceOnly: true,
    });
    expect(stop.status === 'accepted' && stop.order.status).toBe('untriggered');
    h.sim.engine.setMarkPrice(PERP, '57900', h.sim.clock.now());
    await h.event(orderEvent('vd1-long-sl', 'filled'));
    await h.event(fillOf('vd1-long-sl'));
    expect(await h.venue.positions()).toEqual([]);
  });

  it('a fired stop_market is looked up as the order it spawned: filled, with its fill price, by venue id and by label', async () => {
    h = await startDeribitHarness();
    await h.venue.submitOrder({ clientId: 'vd1-fire-e', symbol: PERP, side: 'buy', type: 'market', size: dec(100), reduceOnly: false });
    const stop = await h.venue.submitOrder({
      clientId: 'vd1-fire-s',
      symbol: PERP,
      side: 'sell',
      type: 'stop_market',
      triggerPrice: dec('58000'),
      trigger: 'mark',
      size: dec(100),
      reduceOnly: true,
    });
    if (stop.status !== 'accepted') throw new Error('stop not accepted');
    h.sim.engine.setMarkPrice(PERP, '57900', h.sim.clock.now());
    // On the venue: the trigger order is `triggered` (filled 0), a new market order with the same label filled.
    const onVenue = h.sim.engine.allOrders({ label: 'vd1-fire-s' });
    expect(onVenue.map((o) => [o.orderType, o.state, o.triggerOrderId])).toEqual([
      ['stop_market', 'triggered', undefined],
      ['market', 'filled', stop.order.venueOrderId],
    ]);
    for (const ref of [{ venueOrderId: stop.order.venueOrderId }, { clientId: 'vd1-fire-s' }]) {
      const found = await h.venue.getOrder({ symbol: PERP, ...ref });
      expect(found.status).toBe('found');
      if (found.status !== 'found') continue;
      expect(found.order).toMatchObject({ clientId: 'vd1-fire-s', status: 'filled', venueOrderId: onVenue[1]?.orderId });
      expect(found.order.filledSize.toString()).toBe('100');
      expect(found.order.avgFillPrice?.lt(58000)).toBe(true);
    }
  });

  it('a fired stop_limit whose limit rests is found, amended and cancelled through the order it spawned', async () => {
    h = await startDeribitHarness();
    await h.venue.submitOrder({ clientId: 'vd1-sll-e', symbol: PERP, side: 'buy', type: 'market', size: dec(100), reduceOnly: false });
    const stop = await h.venue.submitOrder({
      clientId: 'vd1-sll-s',
      symbol: PERP,
      side: 'sell',
      type: 'stop_limit',
      triggerPrice: dec('58000'),
      price: dec('58500'),
      trigger: 'mark',
      size: dec(100),
      reduceOnly: true,
    });
    if (stop.status !== 'accepted') throw new Error('stop not accepted');
    h.sim.engine.setMarkPrice(PERP, '57900', h.sim.clock.now()); // fires; the sell limit at 58500 rests above the market
    const working = h.sim.engine.openOrders({ label: 'vd1-sll-s' });
    expect(working.map((o) => [o.orderType, o.triggerOrderId])).toEqual([['limit', stop.order.venueOrderId]]);
    const ref = { symbol: PERP, venueOrderId: stop.order.venueOrderId, clientId: 'vd1-sll-s' };

    const found = await h.venue.getOrder(ref);
    expect(found).toMatchObject({ status: 'found', order: { status: 'open', type: 'limit', venueOrderId: working[0]?.orderId } });
    const amended = await h.venue.amendOrder({ ref, price: dec('58400') });
    expect(amended.status === 'accepted' && amended.order.price?.toString()).toBe('58400');
    const cancelled = await h.venue.cancelOrder(ref, 'protective');
    expect(cancelled).toMatchObject({ status: 'accepted', order: { status: 'cancelled', venueOrderId: working[0]?.orderId } });
    expect(h.sim.engine.openOrders()).toEqual([]);
    expect((await h.venue.positions()).map((p) => p.size.toString())).toEqual(['100']);
  });

  it('reduce-only never grows a position: a reduce-only buy with no short is rejected or clipped to nothing', async () => {
    h = await startDeribitHarness();
    const out = await h.venue.submitOrder({
      clientId: 'vd1-ro-e',
      symbol: PERP,
      side: 'buy',
      type: 'market',
      size: dec(100),
      reduceOnly: true,
    });
    expect(await h.venue.positions()).toEqual([]);
    expect(['rejected', 'accepted']).toContain(out.status);
  });

  it('a partial fill is reported with the filled amount, and the rest keeps resting', async () => {
    h = await startDeribitHarness();
    h.sim.faults.partialFillNext(1, { fraction: 0.3 });
    const out = await h.venue.submitOrder({
      clientId: 'vd1-part-e',
      symbol: PERP,
      side: 'buy',
      type: 'limit',
      price: dec('60500'),
      size: dec(100),
      reduceOnly: false,
    });
    expect(out.status).toBe('accepted');
    if (out.status !== 'accepted') return;
    expect(out.order.filledSize.toString()).toBe('30');
    expect(out.order.status).toBe('partially_filled');
    const positions = await h.venue.positions();
    expect(positions.map((p) => p.size.toString())).toEqual(['30']);
  });

  it('the rate-limit error is a retryable rejection, and nothing was placed', async () => {
    h = await startDeribitHarness();
    h.sim.faults.rateLimitNext(1, { method: 'private/buy' });
    const out = await h.venue.submitOrder({
      clientId: 'vd1-rl-e',
      symbol: PERP,
      side: 'buy',
      type: 'market',
      size: dec(10),
      reduceOnly: false,
    });
    expect(out).toMatchObject({ status: 'rejected', code: '10028', retryable: true });
    expect(h.sim.engine.allOrders().some((o) => o.label === 'vd1-rl-e')).toBe(false);
  });

  it('a venue rejection is definite: code and reason come back', async () => {
    h = await startDeribitHarness();
    h.sim.faults.rejectNextOrders(1, { type: 'stop_market' }, { code: 10041, message: 'settlement_in_progress' });
    const out = await h.venue.submitOrder({
      clientId: 'vd1-rej-sl',
      symbol: PERP,
      side: 'sell',
      type: 'stop_market',
      triggerPrice: dec('50000'),
      size: dec(10),
      reduceOnly: false,
    });
    expect(out).toMatchObject({ status: 'rejected', code: '10041' });
  });

  it('a stop whose trigger is already through the market is flagged as one that would fire at once', async () => {
    h = await startDeribitHarness();
    await h.venue.submitOrder({ clientId: 'vd1-imm-e', symbol: PERP, side: 'buy', type: 'market', size: dec(100), reduceOnly: false });
    const mark = h.sim.engine.markPrice(PERP);
    const out = await h.venue.submitOrder({
      clientId: 'vd1-imm-sl',
      symbol: PERP,
      side: 'sell',
      type: 'stop_market',
      triggerPrice: mark.plus(500),
      trigger: 'mark',
      size: dec(100),
      reduceOnly: true,
    });
    expect(out).toMatchObject({ status: 'rejected', code: '10034', wouldTriggerImmediately: true });
  });

  it('rounds to tick and lot before sending: no float artefacts on the wire', async () => {
    h = await startDeribitHarness();
    await h.venue.submitOrder({
      clientId: 'vd1-round-e',
      symbol: PERP,
      side: 'buy',
      type: 'limit',
      price: dec('55000.26'),
      size: dec('105'),
      reduceOnly: false,
    });
    const sent = h.sim.requests.find((r) => r.method === 'private/buy');
    expect(sent?.params).toMatchObject({ price: 55000, amount: 100, label: 'vd1-round-e' });
  });

  it('cancels by venue id and by label, and looks orders up both ways', async () => {
    h = await startDeribitHarness();
    const a = await h.venue.submitOrder({
      clientId: 'vd1-c1-e',
      symbol: PERP,
      side: 'buy',
      type: 'limit',
      price: dec('50000'),
      size: dec(10),
      reduceOnly: false,
    });
    await h.venue.submitOrder({
      clientId: 'vd1-c2-e',
      symbol: PERP,
      side: 'buy',
      type: 'limit',
      price: dec('50000'),
      size: dec(10),
      reduceOnly: false,
    });
    expect(a.status).toBe('accepted');
    if (a.status !== 'accepted') return;
    expect(await h.venue.getOrder({ symbol: PERP, venueOrderId: a.order.venueOrderId })).toMatchObject({ status: 'found' });
    expect(await h.venue.cancelOrder({ symbol: PERP, venueOrderId: a.order.venueOrderId })).toMatchObject({ status: 'accepted' });
    expect(await h.venue.cancelOrder({ symbol: PERP, clientId: 'vd1-c2-e' })).toMatchObject({ status: 'accepted' });
    expect(await h.venue.openOrders()).toEqual([]);
    expect(await h.venue.cancelOrder({ symbol: PERP, venueOrderId: a.order.venueOrderId })).toMatchObject({ status: 'rejected' });
    expect(await h.venue.getOrder({ symbol: PERP, clientId: 'vd1-never-sent' })).toEqual({ status: 'not_found' });
  });
});

describe('Deribit adapter against the simulator: lazy option subscriptions', () => {
  it('subscribes only what is asked, in batches of 50, never twice', async () => {
    h = await startDeribitHarness();
    const options = (await h.venue.loadInstruments()).filter((i) => i.kind === 'option').slice(0, 120);
    expect(options.length).toBe(120);
    const before = h.sim.requests.filter((r) => r.method === 'public/subscribe').length;
    await Promise.all(options.map((o) => h!.venue.watchTicker(o.symbol)));
    await Promise.all(options.slice(0, 30).map((o) => h!.venue.watchTicker(o.symbol)));
    const calls = h.sim.requests.filter((r) => r.method === 'public/subscribe').slice(before);
    expect(calls.map((c) => (c.params as { channels: string[] }).channels.length)).toEqual([50, 50, 20]);
    const conn = h.sim.connectionIds()[0]!;
    expect(h.sim.subscriptionsOf(conn).filter((c) => c.startsWith('ticker.')).length).toBe(120);
    // a ticker push for a watched option carries greeks
    const first = options[0]!;
    const tick = await h.event(
      (e): e is Extract<VenueEvent, { type: 'ticker' }> => e.type === 'ticker' && e.ticker.symbol === first.symbol,
      5_000,
    );
    expect(tick.ticker.greeks?.delta).toBeDefined();
  });

  it('subscribe calls wait for rate-limit budget: each costs several ordinary requests', async () => {
    // 70 requests/s with a burst of 7, subscribes at 10/s: one subscribe drains the burst (cost 7)
    h = await startDeribitHarness({
      config: {
        rateLimit: { nonMatchingEngineRatePerSec: 70, nonMatchingEngineBurst: 7, subscribeRatePerSec: 10 },
        optionSubscriptionBatchSize: 10,
      },
    });
    const options = (await h.venue.loadInstruments()).filter((i) => i.kind === 'option').slice(0, 30);
    const before = h.sim.requests.filter((r) => r.method === 'public/subscribe').length;
    await Promise.all(options.map((o) => h!.venue.watchTicker(o.symbol)));
    const calls = h.sim.requests.filter((r) => r.method === 'public/subscribe').slice(before);
    expect(calls).toHaveLength(3);
    // the limiter spaces them by at least the refill time of 7 units at 70/s (100 ms)
    for (let i = 1; i < calls.length; i += 1) expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(90);
  });

  it('unsubscribes instruments past expiry', async () => {
    h = await startDeribitHarness();
    const options = (await h.venue.loadInstruments()).filter((i) => i.kind === 'option' && i.expiryMs !== undefined);
    const soonest = options.reduce((a, b) => ((a.expiryMs ?? 0) <= (b.expiryMs ?? 0) ? a : b));
    const later = options.find((o) => (o.expiryMs ?? 0) > (soonest.expiryMs ?? 0))!;
    await h.venue.watchTicker(soonest.symbol);
    await h.venue.watchTicker(later.symbol);
    h.clock.offsetMs = (soonest.expiryMs ?? 0) - Date.now() + 1_000;
    expect(await h.venue.pruneExpired()).toEqual([`ticker.${soonest.symbol}.100ms`]);
    const conn = h.sim.connectionIds()[0]!;
    await waitFor(() => !h!.sim.subscriptionsOf(conn).includes(`ticker.${soonest.symbol}.100ms`));
    expect(h.sim.subscriptionsOf(conn)).toContain(`ticker.${later.symbol}.100ms`);
  });

  it('stays under the per-connection cap: past it, tickers go to another connection (no error)', async () => {
    h = await startDeribitHarness({ config: { maxChannelsPerConnection: 8 } });
    const options = (await h.venue.loadInstruments()).filter((i) => i.kind === 'option').slice(0, 6);
    // 4 private channels (2 currencies x changes + portfolio) leave room for 4 tickers
    await Promise.all(options.slice(0, 4).map((o) => h!.venue.watchTicker(o.symbol)));
    await expect(h.venue.watchTicker(options[4]!.symbol)).resolves.toBeUndefined();
    expect(h.venue.tickerSubscriptions().perConnection).toEqual([4, 1]);
    await waitFor(() => h!.sim.connections === 2);
    for (const id of h.sim.connectionIds()) expect(h.sim.subscriptionsOf(id).length).toBeLessThanOrEqual(8);
  });
});
