/**
 * The simulated Deribit as a market (issue 9 item 6), over real sockets with the raw JSON-RPC
 * client (not the project's adapter): 10 Hz tickers that move, the crowd's trades on the tape,
 * synthetic books with change_id sequencing, public/get_currencies, refused channels, and the
 * default matching-engine tier with the session cut on abuse.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { type DeribitSim, type DeribitSimOptions, startDeribitSim } from '../../src/sim/deribit/index.js';
import { FULL_BOOK_DEPTH } from '../../src/sim/deribit/publisher.js';
import { DEFAULT_MATCHING_ENGINE_TIER, MATCHING_ENGINE_TIERS } from '../../src/sim/deribit/rate-limit.js';
import { DeribitRateLimitSchema } from '../../src/venues/deribit/config.js';
import { type RpcFrame, RpcWsClient } from '../support/rpc-ws-client.js';
import { waitFor } from '../support/wait.js';
import { loggedInClient, startTestSim } from './deribit-helpers.js';

let sim: DeribitSim | undefined;
const clients: RpcWsClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});

/** A simulator with the walk running at its default period (startTestSim freezes prices). */
function startMovingSim(options: DeribitSimOptions = {}): Promise<DeribitSim> {
  return startDeribitSim({ rateLimits: false, ...options });
}

async function connect(s: DeribitSim): Promise<RpcWsClient> {
  const c = await RpcWsClient.connect(s.wsUrl);
  clients.push(c);
  return c;
}

async function login(s: DeribitSim): Promise<RpcWsClient> {
  const c = await loggedInClient(s);
  clients.push(c);
  return c;
}

type Json = Record<string, unknown>;

function data(frame: RpcFrame): Json {
  return frame.params?.data as Json;
}

function datas(c: RpcWsClient, channel: string): Json[] {
  return c.notifications(channel).map(data);
}

describe('a market that moves', () => {
  it('pushes ticker.*.100ms up to 10 times a second; last price, volume, high/low and bid/ask sizes evolve', async () => {
    sim = await startMovingSim({ engine: { tradeRates: { perpetual: 20 } } });
    const c = await connect(sim);
    const channel = 'ticker.BTC-PERPETUAL.100ms';
    expect(await c.result('public/subscribe', { channels: [channel] })).toEqual([channel]);
    // 15 tickers within 5 s (deadline for loaded machines; at 10 Hz they take 1.5 s, at the old 1 Hz 15 s).
    await waitFor(() => c.notifications(channel).length >= 15, { timeoutMs: 5000, message: '15 tickers' });
    const ticks = datas(c, channel).slice(0, 15);
    const times = ticks.map((t) => t['timestamp'] as number);
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(80);
    const distinct = (f: (t: Json) => unknown): number => new Set(ticks.map((t) => JSON.stringify(f(t)))).size;
    expect(distinct((t) => t['mark_price'])).toBeGreaterThan(5);
    expect(distinct((t) => t['last_price'])).toBeGreaterThan(1);
    expect(distinct((t) => t['best_bid_amount'])).toBeGreaterThan(1);
    expect(distinct((t) => t['best_ask_amount'])).toBeGreaterThan(1);
    const stats = ticks.map((t) => t['stats'] as { volume: number; high: number; low: number });
    const first = stats[0];
    const last = stats.at(-1);
    expect(last?.volume).toBeGreaterThan(first?.volume ?? Infinity);
    for (const s of stats) expect(s.high).toBeGreaterThanOrEqual(s.low);
    expect((last?.high ?? 0) - (last?.low ?? 0)).toBeGreaterThan(0);
    for (const t of ticks) {
      expect(t['best_bid_price'] as number).toBeLessThan(t['best_ask_price'] as number);
      expect((t['best_bid_amount'] as number) % 10).toBe(0);
    }
  });

  it('publishes a ticker only for instruments whose ticker changed', async () => {
    sim = await startTestSim();
    const s = sim;
    const c = await connect(s);
    const btc = 'ticker.BTC-PERPETUAL.100ms';
    const eth = 'ticker.ETH-PERPETUAL.100ms';
    await c.result('public/subscribe', { channels: [btc, eth] });
    await waitFor(() => c.notifications(btc).length === 1 && c.notifications(eth).length === 1, { message: 'first tickers' });
    s.engine.setMarkPrice('ETH-PERPETUAL', 3100, s.clock.now());
    await c.waitForNotification(eth, (d) => (d as Json)['mark_price'] === 3100);
    s.engine.setMarkPrice('ETH-PERPETUAL', 3200, s.clock.now());
    await c.waitForNotification(eth, (d) => (d as Json)['mark_price'] === 3200);
    expect(c.notifications(eth)).toHaveLength(3);
    expect(c.notifications(btc)).toHaveLength(1);
  });

  it('serves quote.{instrument} with the best bid and ask', async () => {
    sim = await startTestSim();
    const c = await connect(sim);
    await c.result('public/subscribe', { channels: ['quote.BTC-PERPETUAL'] });
    const q = data(await c.waitForNotification('quote.BTC-PERPETUAL'));
    expect(Object.keys(q).sort()).toEqual([
      'best_ask_amount',
      'best_ask_price',
      'best_bid_amount',
      'best_bid_price',
      'instrument_name',
      'timestamp',
    ]);
    expect(q['best_bid_price'] as number).toBeLessThan(q['best_ask_price'] as number);
  });
});

describe('trades.* channels', () => {
  it('streams the crowd’s trades on trades.{instrument}.100ms and trades.{kind}.{currency}.100ms in the venue shape', async () => {
    sim = await startMovingSim({ engine: { tradeRates: { perpetual: 20, future: 20 } } });
    const c = await connect(sim);
    const channels = ['trades.BTC-PERPETUAL.100ms', 'trades.future.BTC.100ms'];
    expect(await c.result('public/subscribe', { channels })).toEqual(channels);
    const frame = await c.waitForNotification('trades.BTC-PERPETUAL.100ms');
    const trades = data(frame) as unknown as Json[];
    expect(Array.isArray(trades)).toBe(true);
    const t = trades[0] ?? {};
    expect(Object.keys(t).sort()).toEqual(
      [
        'amount',
        'contracts',
        'direction',
        'index_price',
        'instrument_name',
        'mark_price',
        'price',
        'tick_direction',
        'timestamp',
        'trade_id',
        'trade_seq',
      ].sort(),
    );
    expect(t['instrument_name']).toBe('BTC-PERPETUAL');
    expect(['buy', 'sell']).toContain(t['direction']);
    expect(typeof t['trade_id']).toBe('string');
    expect((t['amount'] as number) % 10).toBe(0);
    // The whole-currency channel carries the dated future as well as the perpetual.
    await waitFor(
      () =>
        datas(c, 'trades.future.BTC.100ms').some((batch) =>
          (batch as unknown as Json[]).some((x) => x['instrument_name'] !== 'BTC-PERPETUAL'),
        ),
      {
        timeoutMs: 3000,
        message: 'a dated-future trade',
      },
    );
  });

  it('shows the account’s own fills on the tape (taker side), raw channels one message per print', async () => {
    sim = await startTestSim();
    const c = await login(sim);
    const channels = ['trades.BTC-PERPETUAL.raw', 'user.trades.BTC-PERPETUAL.raw'];
    expect(await c.result('private/subscribe', { channels })).toEqual(channels);
    await c.result('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 100, type: 'market' });
    const mine = (data(await c.waitForNotification('user.trades.BTC-PERPETUAL.raw')) as unknown as Json[])[0] ?? {};
    const tape = (data(await c.waitForNotification('trades.BTC-PERPETUAL.raw')) as unknown as Json[])[0] ?? {};
    expect(tape['trade_id']).toBe(mine['trade_id']);
    expect(tape['direction']).toBe('buy');
    expect(tape['amount']).toBe(100);
    expect(tape).not.toHaveProperty('order_id');
    expect(tape).not.toHaveProperty('fee');
  });

  it('refuses raw book and trades channels before auth with 13778', async () => {
    sim = await startTestSim();
    const c = await connect(sim);
    expect((await c.call('public/subscribe', { channels: ['trades.BTC-PERPETUAL.raw'] })).error?.code).toBe(13778);
    expect((await c.call('public/subscribe', { channels: ['book.BTC-PERPETUAL.raw'] })).error?.code).toBe(13778);
  });
});

describe('book.* channels', () => {
  it('sends a snapshot, then changes whose prev_change_id is the change_id before; sizes vary', async () => {
    sim = await startMovingSim();
    const c = await connect(sim);
    const channel = 'book.BTC-PERPETUAL.100ms';
    expect(await c.result('public/subscribe', { channels: [channel] })).toEqual([channel]);
    await waitFor(() => c.notifications(channel).length >= 8, { timeoutMs: 5000, message: '8 book messages' });
    const msgs = datas(c, channel).slice(0, 8);
    const [snap, ...changes] = msgs;
    expect(snap?.['type']).toBe('snapshot');
    expect(snap).not.toHaveProperty('prev_change_id');
    expect(Object.keys(snap ?? {}).sort()).toEqual(['asks', 'bids', 'change_id', 'instrument_name', 'timestamp', 'type']);
    const bids = new Map<number, number>();
    const asks = new Map<number, number>();
    const apply = (book: Map<number, number>, entries: [string, number, number][]): void => {
      for (const [action, price, amount] of entries) {
        expect(['new', 'change', 'delete']).toContain(action);
        if (action === 'delete') {
          expect(book.has(price)).toBe(true);
          book.delete(price);
        } else {
          expect(book.has(price)).toBe(action === 'change');
          book.set(price, amount);
        }
      }
    };
    apply(bids, snap?.['bids'] as [string, number, number][]);
    apply(asks, snap?.['asks'] as [string, number, number][]);
    expect(bids.size).toBe(FULL_BOOK_DEPTH);
    let prev = snap?.['change_id'] as number;
    for (const ch of changes) {
      expect(ch['type']).toBe('change');
      expect(ch['prev_change_id']).toBe(prev);
      expect(ch['change_id'] as number).toBeGreaterThan(prev);
      prev = ch['change_id'] as number;
      apply(bids, ch['bids'] as [string, number, number][]);
      apply(asks, ch['asks'] as [string, number, number][]);
      expect(bids.size).toBe(FULL_BOOK_DEPTH);
      expect(asks.size).toBe(FULL_BOOK_DEPTH);
      expect(Math.max(...bids.keys())).toBeLessThan(Math.min(...asks.keys()));
    }
    expect(new Set(bids.values()).size).toBeGreaterThan(1);
  });

  it('serves the grouped top-N channel (group none, BTC 10, ETH 5 = 0.05) and leaves out an undocumented group', async () => {
    sim = await startTestSim();
    const c = await connect(sim);
    const channels = ['book.BTC-PERPETUAL.none.10.100ms', 'book.BTC-PERPETUAL.10.20.agg2', 'book.ETH-PERPETUAL.5.1.100ms'];
    expect(
      await c.result('public/subscribe', { channels: [...channels, 'book.BTC-PERPETUAL.25.10.100ms', 'book.BTC-PERPETUAL.none.7.100ms'] }),
    ).toEqual(channels);
    const none = data(await c.waitForNotification(channels[0] ?? ''));
    expect(Object.keys(none).sort()).toEqual(['asks', 'bids', 'change_id', 'instrument_name', 'timestamp']);
    const noneBids = none['bids'] as [number, number][];
    expect(noneBids).toHaveLength(10);
    expect(noneBids[0]?.[0]).toBe(sim.engine.ticker('BTC-PERPETUAL', sim.clock.now()).bestBidPrice?.toNumber());
    expect((noneBids[0]?.[0] ?? 0) - (noneBids[1]?.[0] ?? 0)).toBe(0.5);
    const grouped = data(await c.waitForNotification(channels[1] ?? ''));
    const gb = grouped['bids'] as [number, number][];
    const ga = grouped['asks'] as [number, number][];
    expect(gb).toHaveLength(20);
    for (const [price] of [...gb, ...ga]) expect(price % 10).toBe(0);
    // A full group of 10 USD holds 20 levels of 0.5 (sizes stay at their base while prices are frozen).
    expect(gb[1]?.[1]).toBe(20 * (noneBids[1]?.[1] ?? 0));
    const eth = data(await c.waitForNotification(channels[2] ?? ''));
    const ethBid = (eth['bids'] as [number, number][])[0]?.[0] ?? 0;
    expect(Math.abs(Math.round(ethBid / 0.05) * 0.05 - ethBid)).toBeLessThan(1e-9);
    expect(eth['bids']).toHaveLength(1);
  });
});

describe('channels the simulator does not serve', () => {
  it('refuses the call with 11052 naming them, instead of leaving them out of the result', async () => {
    sim = await startTestSim();
    const c = await connect(sim);
    const frame = await c.call('public/subscribe', {
      channels: ['ticker.BTC-PERPETUAL.100ms', 'incremental_ticker.BTC-PERPETUAL', 'markprice.options.btc_usd'],
    });
    expect(frame.error).toEqual({
      code: 11052,
      message: 'subscribe_error_unsubscribed',
      data: { channels: ['incremental_ticker.BTC-PERPETUAL', 'markprice.options.btc_usd'], reason: 'channel not served by the simulator' },
    });
    const id = sim.connectionIds()[0] ?? '';
    expect(sim.subscriptionsOf(id)).toEqual([]);
    // Names that are not channels at all, or unknown instruments, are left out as on the venue.
    expect(
      await c.result('public/subscribe', { channels: ['ticker.NOPE-PERPETUAL.100ms', 'nonsense', 'trades.BTC-PERPETUAL.100ms'] }),
    ).toEqual(['trades.BTC-PERPETUAL.100ms']);
  });
});

describe('public/get_currencies', () => {
  const shape = {
    coin_type: 'string',
    currency: 'string',
    currency_long: 'string',
    fee_precision: 'number',
    in_cross_collateral_pool: 'boolean',
    min_confirmations: 'number',
    min_withdrawal_fee: 'number',
    withdrawal_fee: 'number',
    withdrawal_priorities: 'object',
  };

  it('lists BTC and ETH in the docs’ shape over WebSocket and HTTP', async () => {
    sim = await startTestSim();
    const c = await connect(sim);
    const ws = await c.result<Json[]>('public/get_currencies');
    expect(ws.map((x) => x['currency'])).toEqual(['BTC', 'ETH']);
    for (const cur of ws) for (const [key, type] of Object.entries(shape)) expect(typeof cur[key], key).toBe(type);
    expect(ws[0]?.['withdrawal_priorities']).toContainEqual({ name: 'very_low', value: 0.15 });
    const res = await fetch(`${sim.restUrl}/public/get_currencies`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: unknown }).result).toEqual(ws);
  });
});

describe('rate limits by default', () => {
  it('uses the matching-engine tier the daemon’s Deribit config assumes', () => {
    const adapter = DeribitRateLimitSchema.parse({});
    const tier = MATCHING_ENGINE_TIERS[DEFAULT_MATCHING_ENGINE_TIER];
    expect({ rate: tier.rate, burst: tier.burst }).toEqual({ rate: adapter.matchingEngineRatePerSec, burst: adapter.matchingEngineBurst });
  });

  it('refuses the 21st order of a burst with 10028 and terminates the session (tier 4, burst 20)', async () => {
    sim = await startDeribitSim({ priceStepMs: 0, clock: () => Date.UTC(2026, 0, 5, 12) });
    const c = await login(sim);
    const limits = (await c.result<Json>('private/get_account_summary', { currency: 'BTC' }))['limits'] as Json;
    expect((limits['matching_engine'] as Json)['trading']).toEqual({ total: { rate: 5, burst: 20 } });
    for (let i = 0; i < 20; i++) c.send('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10, type: 'limit', price: 50000 });
    const refused = await c.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10, type: 'limit', price: 50000 });
    expect(refused.error?.code).toBe(10028);
    expect(
      c.frames.filter(
        (f) => f.id !== undefined && f.error === undefined && typeof f.result === 'object' && f.result !== null && 'order' in f.result,
      ),
    ).toHaveLength(20);
    expect((await c.waitForClose()).reason).toBe('too_many_requests');
    await waitFor(() => sim?.connections === 0, { message: 'session gone' });
  });

  it('keeps the session open after 10028 with rateLimitDisconnect: false', async () => {
    sim = await startDeribitSim({ priceStepMs: 0, rateLimitDisconnect: false, clock: () => Date.UTC(2026, 0, 5, 12) });
    const c = await login(sim);
    for (let i = 0; i < 20; i++) c.send('private/cancel_all');
    expect((await c.call('private/cancel_all')).error?.code).toBe(10028);
    expect((await c.call('public/get_time')).error).toBeUndefined();
    expect(c.closeInfo).toBeUndefined();
  });
});
