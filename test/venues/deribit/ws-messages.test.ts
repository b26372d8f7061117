/** Deribit frame classification before any schema: replies, notifications, heartbeats, channels, malformed frames. */
import { describe, expect, it } from 'vitest';

import { DeribitParseError } from '../../../src/venues/deribit/errors.js';
import {
  DeribitAuthResultSchema,
  DeribitOkResultSchema,
  DeribitSubscribeResultSchema,
  DeribitVersionResultSchema,
  GetInstrumentsResultSchema,
} from '../../../src/venues/deribit/rest-models.js';
import { buildRpcRequest, rpcResponseSchema, unwrapRpcResponse, validateWire } from '../../../src/venues/deribit/rpc.js';
import {
  classifyChannel,
  classifyFrame,
  HeartbeatNotificationSchema,
  SubscriptionNotificationSchema,
  UserChangesDataSchema,
  UserOrdersDataSchema,
} from '../../../src/venues/deribit/ws-messages.js';
import { loadFixture } from '../../support/load-fixture.js';

const fixture = (name: string): unknown => loadFixture('deribit', name);

describe('classifyFrame', () => {
  it('routes a test_request heartbeat', () => {
    expect(classifyFrame(fixture('ws_notification_heartbeat_test_request.json'))).toEqual({ kind: 'heartbeat', testRequest: true });
    expect(classifyFrame({ jsonrpc: '2.0', method: 'heartbeat', params: { type: 'heartbeat' } })).toEqual({
      kind: 'heartbeat',
      testRequest: false,
    });
  });

  it('routes responses by id', () => {
    expect(classifyFrame(fixture('ws_public_set_heartbeat_response.json'))).toEqual({ kind: 'response', id: 9098, result: 'ok' });
    expect(classifyFrame(fixture('ws_public_test_response.json'))).toEqual({ kind: 'response', id: 8212, result: { version: '1.2.26' } });
    const capture = classifyFrame(fixture('ws_private_buy_limit_response_capture.json'));
    expect(capture).toMatchObject({ kind: 'response', id: 3, testnet: false });
  });

  it('routes errors with and without id', () => {
    expect(classifyFrame(fixture('ws_error_13009_invalid_token.json'))).toMatchObject({
      kind: 'error',
      id: 42,
      error: { code: 13009, message: 'invalid_token' },
    });
    expect(classifyFrame({ jsonrpc: '2.0', error: { code: -32600, message: 'request entity too large' } })).toEqual({
      kind: 'error',
      error: { code: -32600, message: 'request entity too large' },
    });
  });

  it('routes subscriptions with channel and data', () => {
    const frame = classifyFrame(fixture('ws_notification_user_portfolio.json'));
    expect(frame.kind).toBe('subscription');
    expect(frame.kind === 'subscription' && frame.channel).toBe('user.portfolio.btc');
    expect(
      classifyFrame({ method: 'subscription', params: { channel: 'user.orders.any.any.raw', data: {}, label: 'exec' } }),
    ).toMatchObject({
      kind: 'subscription',
      label: 'exec',
    });
  });

  it('never throws on junk', () => {
    expect(classifyFrame(null).kind).toBe('unrecognised');
    expect(classifyFrame({ jsonrpc: '2.0', method: 'mystery' }).kind).toBe('unrecognised');
    expect(classifyFrame([1, 2]).kind).toBe('unrecognised');
  });
});

describe('classifyChannel', () => {
  it.each([
    ['ticker.BTC-PERPETUAL.100ms', { kind: 'ticker', instrument: 'BTC-PERPETUAL', interval: '100ms' }],
    ['ticker.BTC-30SEP22-60000-C.100ms', { kind: 'ticker', instrument: 'BTC-30SEP22-60000-C', interval: '100ms' }],
    ['user.orders.BTC-PERPETUAL.raw', { kind: 'user.orders', raw: true }],
    ['user.orders.any.any.100ms', { kind: 'user.orders', raw: false }],
    ['user.trades.future.BTC.raw', { kind: 'user.trades', raw: true }],
    ['user.changes.BTC-PERPETUAL.raw', { kind: 'user.changes', raw: true }],
    ['user.portfolio.btc', { kind: 'user.portfolio', currency: 'BTC' }],
    ['user.portfolio.any', { kind: 'user.portfolio', currency: 'ANY' }],
    ['deribit_price_index.btc_usd', { kind: 'other', prefix: 'deribit_price_index.btc_usd' }],
  ] as const)('%s', (channel, expected) => {
    expect(classifyChannel(channel)).toEqual(expected);
  });
});

describe('envelopes and session results', () => {
  it('unwraps the auth response', () => {
    const result = unwrapRpcResponse(fixture('ws_public_auth_response.json'), DeribitAuthResultSchema, 'public/auth');
    expect(result.expires_in).toBe(31536000);
    expect(result.scope).toBe('connection mainaccount');
    expect(result.token_type).toBe('bearer');
    expect(result.enabled_features).toEqual([]);
    expect(result.access_token.startsWith('1582628593469.')).toBe(true);
    expect(result.refresh_token.startsWith('1582628593469.')).toBe(true);
  });

  it('unwraps heartbeat, test and subscribe results', () => {
    expect(unwrapRpcResponse(fixture('ws_public_set_heartbeat_response.json'), DeribitOkResultSchema, 'public/set_heartbeat')).toBe('ok');
    expect(unwrapRpcResponse(fixture('ws_public_test_response.json'), DeribitVersionResultSchema, 'public/test')).toEqual({
      version: '1.2.26',
    });
    expect(unwrapRpcResponse(fixture('ws_private_subscribe_response.json'), DeribitSubscribeResultSchema, 'private/subscribe')).toEqual([
      'deribit_price_index.btc_usd',
    ]);
  });

  it('normalises string usIn/usOut to numbers', () => {
    const parsed = rpcResponseSchema(DeribitVersionResultSchema).parse(fixture('ws_error_32602_invalid_params_capture.json'));
    expect(parsed.usIn).toBe(1655391709417993);
    expect(parsed.usOut).toBe(1655391709418049);
    const capture = rpcResponseSchema(GetInstrumentsResultSchema).parse(fixture('http_public_get_instruments_eth_option_capture.json'));
    expect(capture.usIn).toBe(1751758217174939);
    expect(capture.testnet).toBe(false);
  });

  it('names the field when a result has the wrong shape', () => {
    const frame = { jsonrpc: '2.0', id: 1, result: { version: 12 } };
    expect(() => unwrapRpcResponse(frame, DeribitVersionResultSchema, 'public/test')).toThrow(DeribitParseError);
    expect(() => unwrapRpcResponse(frame, DeribitVersionResultSchema, 'public/test')).toThrow(/public\/test\.result\.version/);
    expect(() => unwrapRpcResponse({ jsonrpc: '2.0', id: 1 }, DeribitVersionResultSchema, 'public/test')).toThrow(
      /public\/test\.result: missing/,
    );
  });

  it('builds request frames', () => {
    expect(buildRpcRequest(2, 'public/set_heartbeat', { interval: 30 })).toEqual({
      jsonrpc: '2.0',
      id: 2,
      method: 'public/set_heartbeat',
      params: { interval: 30 },
    });
  });
});

describe('notification schemas', () => {
  it('parses the heartbeat fixture', () => {
    expect(HeartbeatNotificationSchema.parse(fixture('ws_notification_heartbeat_test_request.json')).params.type).toBe('test_request');
  });

  it('normalises user.orders raw (object) and 100ms (array) to arrays', () => {
    const raw = SubscriptionNotificationSchema.parse(fixture('ws_notification_user_orders_raw.json'));
    const batched = SubscriptionNotificationSchema.parse(fixture('ws_notification_user_orders_100ms.json'));
    const rawOrders = UserOrdersDataSchema.parse(raw.params.data);
    const batchedOrders = UserOrdersDataSchema.parse(batched.params.data);
    expect(rawOrders.map((o) => o.order_id)).toEqual(['5']);
    expect(batchedOrders.map((o) => o.order_id)).toEqual(['4']);
  });

  it('accepts user.changes with `positions` or with `position`', () => {
    const order = {
      order_id: '1',
      instrument_name: 'BTC-PERPETUAL',
      direction: 'buy',
      order_state: 'open',
      order_type: 'limit',
      amount: 10,
    };
    const position = { instrument_name: 'BTC-PERPETUAL', direction: 'buy', size: 10, average_price: 100 };
    const a = UserChangesDataSchema.parse({ instrument_name: 'BTC-PERPETUAL', orders: [order], positions: [position], trades: [] });
    const b = UserChangesDataSchema.parse({ instrument_name: 'BTC-PERPETUAL', position: [position] });
    expect(a.positions).toHaveLength(1);
    expect(b.positions).toHaveLength(1);
    expect(b.orders).toEqual([]);
    expect(b.trades).toEqual([]);
  });

  it('strips unknown keys instead of rejecting them', () => {
    const parsed = validateWire(
      HeartbeatNotificationSchema,
      { method: 'heartbeat', params: { type: 'heartbeat', extra: 1 }, x: 2 },
      'frame',
    );
    expect(parsed).toEqual({ method: 'heartbeat', params: { type: 'heartbeat' } });
  });
});
