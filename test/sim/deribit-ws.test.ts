/**
 * The simulated Deribit over WebSocket: framing, heartbeat, subscriptions and orders, shapes
 * checked against the fixtures.
 */
import { afterEach, describe, expect, it } from 'vitest';

import type { DeribitSim } from '../../src/sim/deribit/index.js';
import { loadFixtureObject } from '../support/load-fixture.js';
import { type RpcFrame, RpcWsClient } from '../support/rpc-ws-client.js';
import { waitFor } from '../support/wait.js';
import { DEPRECATED_FIELDS, loggedInClient, shapeDiff, startTestSim } from './deribit-helpers.js';

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

async function login(s: DeribitSim): Promise<RpcWsClient> {
  const c = await loggedInClient(s);
  clients.push(c);
  return c;
}

function dataOf(frame: RpcFrame): Record<string, unknown> {
  return frame.params?.data as Record<string, unknown>;
}

function fixtureResult(name: string): unknown {
  return loadFixtureObject('deribit', name)['result'];
}

function fixtureData(name: string): unknown {
  return (loadFixtureObject('deribit', name)['params'] as Record<string, unknown>)['data'];
}

describe('framing', () => {
  it('answers unknown methods with -32601, malformed JSON with -32700, and echoes string ids', async () => {
    sim = await startTestSim();
    const c = await connect(sim);
    expect((await c.call('public/no_such_method')).error?.code).toBe(-32601);
    c.sendText('{"jsonrpc":"2.0","id":');
    const parseError = await c.waitForFrame((f) => f.error?.code === -32700);
    expect(parseError.id).toBeUndefined();
    c.sendText(JSON.stringify({ jsonrpc: '2.0', id: 'abc', method: 'public/get_time', params: {} }));
    const byString = await c.waitForFrame((f) => f.id === 'abc');
    expect(typeof byString.result).toBe('number');
    expect(sim.requests.map((r) => r.method)).toEqual(['public/no_such_method', 'public/get_time']);
  });

  it('answers public/test, hello, status and get_time', async () => {
    sim = await startTestSim();
    const c = await connect(sim);
    expect(await c.result('public/test')).toEqual({ version: '1.2.26' });
    expect(await c.result('public/hello', { client_name: 'venue-daemon', client_version: '0.1.0' })).toEqual({ version: '1.2.26' });
    expect((await c.call('public/hello', {})).error?.code).toBe(-32602);
    expect(await c.result('public/status')).toEqual({ locked: 'false', locked_indices: [] });
    expect(Math.abs((await c.result<number>('public/get_time')) - Date.now())).toBeLessThan(5000);
    expect((await c.call('public/test', { expected_result: 'exception' })).error?.code).toBe(11094);
  });
});

describe('heartbeat', () => {
  it('refuses an interval below 10 s', async () => {
    sim = await startTestSim();
    const c = await connect(sim);
    const frame = await c.call('public/set_heartbeat', { interval: 5 });
    expect(frame.error?.code).toBe(-32602);
  });

  it('sends heartbeat and test_request frames and closes the socket when a test_request is ignored', async () => {
    sim = await startTestSim({ heartbeatIntervalScale: 0.005 });
    const c = await connect(sim);
    expect(await c.result('public/set_heartbeat', { interval: 10 })).toBe('ok');
    const beat = await c.waitForFrame((f) => f.method === 'heartbeat' && f.params?.type === 'heartbeat');
    expect(beat).toEqual({ jsonrpc: '2.0', method: 'heartbeat', params: { type: 'heartbeat' } });
    const test = await c.waitForFrame((f) => f.method === 'heartbeat' && f.params?.type === 'test_request');
    expect(shapeDiff(loadFixtureObject('deribit', 'ws_notification_heartbeat_test_request.json'), test)).toEqual([]);
    const closed = await c.waitForClose();
    expect(closed.reason).toBe('test_request not answered');
    expect(sim.connections).toBe(0);
  });

  it('keeps a connection that answers every test_request with public/test', async () => {
    sim = await startTestSim({ heartbeatIntervalScale: 0.01 });
    const c = await connect(sim);
    let answered = 0;
    c.ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as RpcFrame;
      if (msg.method === 'heartbeat' && msg.params?.type === 'test_request') {
        c.send('public/test');
        answered += 1;
      }
    });
    await c.result('public/set_heartbeat', { interval: 10 });
    await c.waitForFrame(() => answered >= 4, 3000);
    expect(c.closeInfo).toBeUndefined();
    expect(await c.result('public/disable_heartbeat')).toBe('ok');
  });
});

describe('subscriptions', () => {
  it('returns the channels actually subscribed and streams tickers with the venue shape', async () => {
    sim = await startTestSim();
    const c = await connect(sim);
    const result = await c.result<string[]>('public/subscribe', {
      channels: [
        'ticker.BTC-PERPETUAL.100ms',
        'ticker.NOPE-PERPETUAL.100ms',
        'user.orders.any.any.raw',
        'book.BTC-PERPETUAL.100ms',
        'deribit_price_index.btc_usd',
      ],
    });
    expect(result).toEqual(['ticker.BTC-PERPETUAL.100ms', 'book.BTC-PERPETUAL.100ms', 'deribit_price_index.btc_usd']);
    const optionName = sim.engine.instruments().find((i) => i.kind === 'option' && i.currency === 'BTC')?.name ?? '';
    expect(await c.result<string[]>('public/subscribe', { channels: [`ticker.${optionName}.agg2`] })).toEqual([
      `ticker.${optionName}.agg2`,
    ]);
    const perp = await c.waitForNotification('ticker.BTC-PERPETUAL.100ms');
    expect(shapeDiff(fixtureData('ws_notification_ticker_perpetual_capture.json'), dataOf(perp))).toEqual([]);
    const opt = await c.waitForNotification(`ticker.${optionName}.agg2`);
    expect(shapeDiff(fixtureData('ws_notification_ticker_option_capture.json'), dataOf(opt))).toEqual([]);
    const index = await c.waitForNotification('deribit_price_index.btc_usd');
    expect(dataOf(index)['index_name']).toBe('btc_usd');
    // a price move produces a fresh ticker
    const before = c.notifications('ticker.BTC-PERPETUAL.100ms').length;
    sim.engine.setIndexPrice('BTC', 61000, sim.clock.now());
    const moved = await c.waitForFrame((f) => f.params?.channel === 'ticker.BTC-PERPETUAL.100ms' && dataOf(f)['mark_price'] === 61000);
    expect(c.notifications('ticker.BTC-PERPETUAL.100ms').length).toBeGreaterThan(before);
    expect(moved.params?.channel).toBe('ticker.BTC-PERPETUAL.100ms');
    expect(
      await c.result<string[]>('public/unsubscribe', { channels: ['ticker.BTC-PERPETUAL.100ms', 'ticker.ETH-PERPETUAL.100ms'] }),
    ).toEqual(['ticker.BTC-PERPETUAL.100ms']);
    expect(await c.result('public/unsubscribe_all')).toBe('ok');
  });

  it('needs auth for raw tickers, caps channels per call and per connection', async () => {
    sim = await startTestSim({ maxChannelsPerConnection: 2 });
    const c = await connect(sim);
    expect((await c.call('public/subscribe', { channels: ['ticker.BTC-PERPETUAL.raw'] })).error?.code).toBe(13778);
    const many = Array.from({ length: 501 }, (_, i) => `ticker.BTC-PERPETUAL.${i}`);
    expect((await c.call('public/subscribe', { channels: many })).error?.code).toBe(-32602);
    const capped = await c.result<string[]>('public/subscribe', {
      channels: ['ticker.BTC-PERPETUAL.100ms', 'ticker.ETH-PERPETUAL.100ms', 'ticker.BTC-PERPETUAL.agg2'],
    });
    expect(capped).toEqual(['ticker.BTC-PERPETUAL.100ms', 'ticker.ETH-PERPETUAL.100ms']);
    expect(sim.subscriptionsOf(sim.connectionIds()[0] ?? '')).toEqual(capped);
  });

  it('refuses subscribe over HTTP with 10030', async () => {
    sim = await startTestSim();
    const res = await fetch(`${sim.restUrl}/public/subscribe?channels=ticker.BTC-PERPETUAL.100ms`);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(10030);
  });
});

describe('orders over WebSocket', () => {
  it('pushes a market buy on user.orders (raw object, 100ms array), user.trades, user.changes and user.portfolio', async () => {
    sim = await startTestSim();
    const c = await login(sim);
    const channels = [
      'user.orders.BTC-PERPETUAL.raw',
      'user.orders.any.any.100ms',
      'user.trades.BTC-PERPETUAL.raw',
      'user.changes.future.BTC.100ms',
      'user.portfolio.btc',
      'user.orders.ETH-PERPETUAL.raw',
    ];
    expect(await c.result<string[]>('private/subscribe', { channels, label: 'sim-test' })).toEqual(channels);
    const buy = await c.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 100, type: 'market', label: 'entry-1' });
    expect(buy.error).toBeUndefined();
    expect(shapeDiff(fixtureResult('ws_private_buy_market_response.json'), buy.result)).toEqual([]);
    const order = (buy.result as { order: Record<string, unknown> }).order;
    expect(order['order_state']).toBe('filled');
    expect(order['label']).toBe('entry-1');
    expect(order['contracts']).toBe(10);

    const raw = await c.waitForNotification('user.orders.BTC-PERPETUAL.raw');
    expect(raw.params?.label).toBe('sim-test');
    expect(dataOf(raw)['order_id']).toBe(order['order_id']);
    // original_order_type only appears on market orders the venue turned into limits
    expect(
      shapeDiff(
        fixtureData('ws_notification_user_orders_raw.json'),
        dataOf(raw),
        '$',
        new Set([...DEPRECATED_FIELDS, 'original_order_type']),
      ),
    ).toEqual([]);
    const batched = await c.waitForNotification('user.orders.any.any.100ms');
    expect(Array.isArray(batched.params?.data)).toBe(true);
    const trades = await c.waitForNotification('user.trades.BTC-PERPETUAL.raw');
    expect((trades.params?.data as unknown[]).length).toBe(1);
    const changes = await c.waitForNotification('user.changes.future.BTC.100ms');
    expect(shapeDiff(fixtureData('ws_notification_user_changes.json'), dataOf(changes))).toEqual([]);
    const portfolio = await c.waitForNotification('user.portfolio.btc');
    expect(shapeDiff(fixtureData('ws_notification_user_portfolio.json'), dataOf(portfolio))).toEqual([]);
    expect(c.notifications('user.orders.ETH-PERPETUAL.raw')).toEqual([]);
  });

  it('places every supported order type; trigger orders look like the venue untriggered ones', async () => {
    sim = await startTestSim();
    const c = await login(sim);
    await c.result('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 200, type: 'market' });
    const stop = await c.call('private/sell', {
      instrument_name: 'BTC-PERPETUAL',
      amount: 200,
      type: 'stop_market',
      trigger: 'mark_price',
      trigger_price: 55000,
      reduce_only: true,
      label: 'sl',
    });
    expect(shapeDiff(fixtureResult('ws_private_sell_stop_market_no_filled_amount.json'), stop.result)).toEqual([]);
    const stopOrder = (stop.result as { order: Record<string, unknown> }).order;
    expect(stopOrder['price']).toBe('market_price');
    expect(stopOrder['order_state']).toBe('untriggered');
    expect('filled_amount' in stopOrder).toBe(false);
    for (const params of [
      { type: 'limit', price: 65000 },
      { type: 'stop_limit', trigger: 'last_price', trigger_price: 55000, price: 54900 },
      { type: 'take_limit', trigger: 'index_price', trigger_price: 65000, price: 64900 },
      { type: 'take_market', trigger: 'mark_price', trigger_price: 66000 },
    ]) {
      const f = await c.call('private/sell', { instrument_name: 'BTC-PERPETUAL', amount: 10, reduce_only: true, ...params });
      expect(f.error, JSON.stringify(params)).toBeUndefined();
    }
    expect(
      (
        await c.call('private/sell', {
          instrument_name: 'BTC-PERPETUAL',
          amount: 10,
          type: 'trailing_stop',
          trigger: 'mark_price',
          trigger_offset: 100,
        })
      ).error?.code,
    ).toBe(-32602);
    const open = await c.result<unknown[]>('private/get_open_orders_by_currency', { currency: 'BTC' });
    expect(open).toHaveLength(5);
    expect(
      await c.result<unknown[]>('private/get_open_orders_by_instrument', { instrument_name: 'BTC-PERPETUAL', type: 'stop_all' }),
    ).toHaveLength(2);
    // the stop fires on the mark and its spawned market order closes the position
    sim.engine.setMarkPrice('BTC-PERPETUAL', 54000, sim.clock.now());
    const state = await c.result<Record<string, unknown>>('private/get_order_state', { order_id: stopOrder['order_id'] });
    expect(state['order_state']).toBe('triggered');
    const position = await c.result<Record<string, unknown>>('private/get_position', { instrument_name: 'BTC-PERPETUAL' });
    expect(position['size']).toBe(0);
  });

  it('rejects amounts that are not a multiple of the contract size with -32602', async () => {
    sim = await startTestSim();
    const c = await login(sim);
    const frame = await c.call('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 15, type: 'market' });
    expect(frame.error?.code).toBe(-32602);
    expect((frame.error?.data as Record<string, unknown>)['param']).toBe('amount');
    const byContracts = await c.call('private/buy', { instrument_name: 'BTC-PERPETUAL', contracts: 3, type: 'market' });
    expect((byContracts.result as { order: Record<string, unknown> }).order['amount']).toBe(30);
  });

  it('edits, cancels and reports short positions with negative size', async () => {
    sim = await startTestSim();
    const c = await login(sim);
    const placed = await c.result<{ order: Record<string, unknown> }>('private/buy', {
      instrument_name: 'BTC-PERPETUAL',
      amount: 100,
      type: 'limit',
      price: 59000,
      label: 'rest',
    });
    const id = placed.order['order_id'];
    const edited = await c.result<{ order: Record<string, unknown> }>('private/edit', { order_id: id, amount: 50, price: 58500 });
    expect(edited.order['price']).toBe(58500);
    expect(edited.order['replaced']).toBe(true);
    const cancel = await c.call('private/cancel', { order_id: id });
    expect(shapeDiff(fixtureResult('ws_private_cancel_response_capture.json'), cancel.result)).toEqual([]);
    expect((cancel.result as Record<string, unknown>)['cancel_reason']).toBe('user_request');
    expect((await c.call('private/cancel', { order_id: id })).error?.code).toBe(11044);
    expect((await c.call('private/cancel', { order_id: 'nope' })).error?.code).toBe(10004);

    await c.result('private/sell', { instrument_name: 'BTC-PERPETUAL', amount: 60, type: 'market' });
    const positions = await c.result<Record<string, unknown>[]>('private/get_positions', { currency: 'BTC', kind: 'future' });
    // estimated_liquidation_price is null in the venue's own short-position example; the sim does not estimate it
    expect(
      shapeDiff(
        fixtureResult('http_private_get_positions.json'),
        positions,
        '$',
        new Set([...DEPRECATED_FIELDS, 'estimated_liquidation_price']),
      ),
    ).toEqual([]);
    expect(positions[0]?.['size']).toBe(-60);
    expect(positions[0]?.['direction']).toBe('sell');
    expect(positions[0]?.['size_currency']).toBeLessThan(0);
    const trades = await c.result<{ trades: unknown[]; has_more: boolean }>('private/get_user_trades_by_currency', { currency: 'BTC' });
    expect(trades.trades).toHaveLength(1);
    expect(trades.has_more).toBe(false);

    await c.result('private/buy', { instrument_name: 'BTC-PERPETUAL', amount: 10, type: 'limit', price: 50000, label: 'a' });
    await c.result('private/buy', { instrument_name: 'ETH-PERPETUAL', amount: 10, type: 'limit', price: 2000, label: 'a' });
    expect(await c.result('private/cancel_by_label', { label: 'a', currency: 'BTC' })).toBe(1);
    expect(await c.result('private/cancel_all')).toBe(1);
    const closed = await c.result<{ order: Record<string, unknown> }>('private/close_position', {
      instrument_name: 'BTC-PERPETUAL',
      type: 'market',
    });
    expect(closed.order['reduce_only']).toBe(true);
    expect((await c.result<Record<string, unknown>>('private/get_position', { instrument_name: 'BTC-PERPETUAL' }))['size']).toBe(0);
  });

  it('serves instruments in the venue shape', async () => {
    sim = await startTestSim();
    const c = await connect(sim);
    const futures = await c.result<Record<string, unknown>[]>('public/get_instruments', { currency: 'BTC', kind: 'future' });
    expect(futures.map((i) => i['instrument_name'])).toContain('BTC-PERPETUAL');
    expect(shapeDiff(fixtureResult('http_public_get_instruments_btc_future.json'), futures)).toEqual([]);
    const options = await c.result<Record<string, unknown>[]>('public/get_instruments', { currency: 'ETH', kind: 'option' });
    expect(options.length).toBeGreaterThan(20);
    expect(shapeDiff(fixtureResult('http_public_get_instruments_eth_option_capture.json'), options)).toEqual([]);
    expect((await c.call('public/get_instrument', { instrument_name: 'NOPE' })).error?.code).toBe(-32602);
  });

  it('cancels the orders of a connection with cancel-on-disconnect when it drops', async () => {
    sim = await startTestSim();
    const c = await login(sim);
    expect(await c.result('private/enable_cancel_on_disconnect', { scope: 'connection' })).toBe('ok');
    const placed = await c.result<{ order: Record<string, unknown> }>('private/buy', {
      instrument_name: 'BTC-PERPETUAL',
      amount: 10,
      type: 'limit',
      price: 50000,
    });
    c.ws.terminate();
    const s = sim;
    const order = await waitFor(() => {
      const o = s.engine.getOrder(String(placed.order['order_id']));
      return o?.state === 'cancelled' ? o : undefined;
    });
    expect(order.cancelReason).toBe('disconnect');
  });
});
