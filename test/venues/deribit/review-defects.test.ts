/**
 * Regression tests for production defects found in review of the Deribit adapter: each one runs
 * the real adapter against the simulator over real sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { dec } from '../../../src/domain/decimal.js';
import type { VenueEvent } from '../../../src/domain/events.js';
import { type DeribitHarness, startDeribitHarness } from '../../support/deribit-harness.js';
import { waitFor } from '../../support/wait.js';

type FillEvent = Extract<VenueEvent, { type: 'fill' }>;

let h: DeribitHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const PERP = 'BTC-PERPETUAL';
const TICKER = `ticker.${PERP}.100ms`;

describe('Deribit review: lazy subscriptions are not lost', () => {
  it('a subscribe batch the venue refused (10028) is retried on the same connection, without a reconnect', async () => {
    h = await startDeribitHarness();
    h.sim.faults.rateLimitNext(1, { method: 'public/subscribe' });
    await h.venue.watchTicker(PERP);
    const conn = h.sim.connectionIds()[0]!;
    await waitFor(() => h!.sim.subscriptionsOf(conn).includes(TICKER), {
      timeoutMs: 5_000,
      message: 'ticker subscribed after the failed batch',
    });
    expect(h.sim.connectionIds()).toEqual([conn]);
  });

  it('a channel asked for while the reconnect restore is running is subscribed once the socket is ready', async () => {
    h = await startDeribitHarness();
    const before = h.sim.requests.filter((r) => r.method === 'private/subscribe').length;
    // slow down the restore, so the watch lands after the restore list was taken but before 'ready'
    h.sim.faults.delayResponses('private/subscribe', 400, { times: 1 });
    h.sim.faults.dropConnections();
    await waitFor(() => h!.sim.requests.filter((r) => r.method === 'private/subscribe').length > before, { message: 'restore started' });
    expect(h.venue.isReady()).toBe(false);
    await h.venue.watchTicker(PERP);
    await waitFor(() => h!.venue.isReady(), { timeoutMs: 5_000 });
    await waitFor(
      () => {
        const conn = h!.sim.connectionIds()[0];
        return conn !== undefined && h!.sim.subscriptionsOf(conn).includes(TICKER);
      },
      { timeoutMs: 5_000, message: 'ticker subscribed on the new connection' },
    );
  });
});

describe('Deribit review: one bad item does not drop a whole push', () => {
  it('a user.changes push with one unparseable order still delivers its fill and position', async () => {
    h = await startDeribitHarness();
    const push = {
      jsonrpc: '2.0',
      method: 'subscription',
      params: {
        channel: `user.changes.any.BTC.raw`,
        data: {
          instrument_name: PERP,
          orders: [
            // an operator's trailing stop: no domain order type, cannot be parsed
            {
              order_id: 'manual-ts-1',
              instrument_name: PERP,
              direction: 'sell',
              order_state: 'untriggered',
              order_type: 'trailing_stop',
              amount: 10,
              label: '',
            },
          ],
          trades: [
            {
              trade_id: 'T-review-1',
              order_id: 'O-review-1',
              instrument_name: PERP,
              direction: 'buy',
              amount: 10,
              price: 60000,
              fee: 0.0000001,
              fee_currency: 'BTC',
              liquidity: 'T',
              timestamp: Date.now(),
              label: 'vd1-review-e',
            },
          ],
          positions: [{ instrument_name: PERP, direction: 'buy', size: 10, average_price: 60000 }],
        },
      },
    };
    expect(h.sim.faults.sendMalformedFrame('all', JSON.stringify(push))).toBe(1);
    const fill = await h.event((e): e is FillEvent => e.type === 'fill' && e.fill.tradeId === 'T-review-1');
    expect(fill.fill.clientId).toBe('vd1-review-e');
    await h.event((e): e is VenueEvent => e.type === 'position' && e.position.symbol === PERP && e.position.size.toString() === '10');
    // the bad item is reported, naming it
    expect(h.log.lines.some((l) => l.level >= 50 && JSON.stringify(l).includes('trailing_stop'))).toBe(true);
  });
});

describe('Deribit review: fills during a reconnect gap are not lost', () => {
  it('fillsSince pages past the first 1000 trades', async () => {
    h = await startDeribitHarness();
    const now = h.sim.clock.now();
    for (let i = 0; i < 1005; i += 1) {
      h.sim.engine.placeOrder(
        {
          instrumentName: PERP,
          direction: i % 2 === 0 ? 'buy' : 'sell',
          amount: dec(10),
          type: 'market',
          label: `hist-${i}`,
          origin: 'web',
        },
        now - 5_000 + i,
      );
    }
    const fills = await h.venue.fillsSince(0, PERP);
    expect(fills.length).toBeGreaterThanOrEqual(1005);
    expect(fills.some((f) => f.clientId === 'hist-1004')).toBe(true);
  });

  it('on an account with a long history, a fill in the gap is replayed after reconnect even though no fill was seen before', async () => {
    h = await startDeribitHarness({ connect: false });
    const past = h.sim.clock.now() - 3_600_000;
    for (let i = 0; i < 1005; i += 1) {
      h.sim.engine.placeOrder(
        {
          instrumentName: PERP,
          direction: i % 2 === 0 ? 'buy' : 'sell',
          amount: dec(10),
          type: 'market',
          label: `old-${i}`,
          origin: 'web',
        },
        past + i,
      );
    }
    await h.venue.connect();
    const rest = await h.venue.submitOrder({
      clientId: 'vd1-gap2-e',
      symbol: PERP,
      side: 'buy',
      type: 'limit',
      price: dec('59000'),
      size: dec(100),
      reduceOnly: false,
    });
    expect(rest.status).toBe('accepted');
    h.sim.faults.dropConnections();
    await h.event((e): e is VenueEvent => e.type === 'connection' && e.state === 'reconnecting');
    h.sim.engine.setMarkPrice(PERP, '58000', h.sim.clock.now());
    await h.event((e): e is VenueEvent => e.type === 'resynced', 5_000);
    expect(h.events.some((e) => e.type === 'fill' && e.fill.clientId === 'vd1-gap2-e')).toBe(true);
    // and the resync read from around the gap, not the account's whole history
    const tradeQueries = h.sim.requests.filter((r) => r.method === 'private/get_user_trades_by_currency');
    expect(tradeQueries.length).toBeGreaterThan(0);
    for (const q of tradeQueries) expect(Number((q.params as { start_timestamp?: unknown }).start_timestamp)).toBeGreaterThan(past + 1_005);
    expect(h.events.some((e) => e.type === 'fill' && e.fill.clientId?.startsWith('old-') === true)).toBe(false);
  });
});

describe('Deribit review: token refresh failures', () => {
  it('a refresh that fails, followed by a re-login that fails, neither crashes the process nor stops refreshing', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      h = await startDeribitHarness({ sim: { tokenLifetimeSec: 1 }, config: { loginTimeoutMs: 300 } });
      // the refresh (at ~1 s) and the fallback signature login both go unanswered
      h.sim.faults.neverAnswer('public/auth', { times: 2, execute: false });
      // (a timeout is transient: reported as a warning; only a credentials problem is an error)
      await waitFor(
        () => unhandled.length > 0 || h!.log.lines.some((l) => /re-authentication failed/i.test(String(l.msg)) && l.level >= 40),
        {
          timeoutMs: 5_000,
          message: 'the failed re-login is reported',
        },
      );
      expect(unhandled).toEqual([]);
      // and a later attempt gets through
      await waitFor(() => h!.log.find('deribit token refreshed').length > 0 || h!.log.find('deribit re-authenticated').length > 0, {
        timeoutMs: 8_000,
        message: 'refresh retried',
      });
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
