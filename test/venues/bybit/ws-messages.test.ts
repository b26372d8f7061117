/** Bybit WS frame classification on every ack, pong and push fixture (each stream's own shape), malformed frames named and counted, and outbound frames. */
import { describe, expect, it } from 'vitest';

import {
  classifyFrame,
  isPong,
  newMalformedCounts,
  pingFrame,
  subscriptionFrame,
  tickerTopic,
  topicNeedsAuth,
} from '../../../src/venues/bybit/ws-messages.js';
import { bybitFixtureObject } from './bybit-fixtures.js';

describe('bybit ws messages', () => {
  it.each(['ws_pong_linear.json', 'ws_pong_private.json', 'ws_trade_pong.json'])('%s is a pong', (name) => {
    const frame = bybitFixtureObject(name);
    expect(isPong(frame)).toBe(true);
    expect(classifyFrame(frame)).toEqual({ kind: 'pong' });
  });

  it('auth acks of the private (success) and trade (retCode) streams, and the failure', () => {
    expect(classifyFrame(bybitFixtureObject('ws_auth_ok.json'))).toMatchObject({ kind: 'auth', ok: true });
    expect(classifyFrame(bybitFixtureObject('ws_auth_ok_req_id.json'))).toMatchObject({ kind: 'auth', ok: true });
    expect(classifyFrame(bybitFixtureObject('ws_trade_auth_ok.json'))).toMatchObject({ kind: 'auth', ok: true, retCode: 0 });
    expect(classifyFrame(bybitFixtureObject('ws_auth_fail.json'))).toMatchObject({ kind: 'auth', ok: false, message: 'Params Error' });
  });

  it('subscribe and unsubscribe acks', () => {
    expect(classifyFrame(bybitFixtureObject('ws_subscribe_ack_linear.json'))).toEqual({ kind: 'subscribe', ok: true, message: '' });
    expect(classifyFrame(bybitFixtureObject('ws_subscribe_ack_private.json'))).toMatchObject({ kind: 'subscribe', ok: true });
    expect(classifyFrame(bybitFixtureObject('ws_unsubscribe_ack_linear.json'))).toEqual({
      kind: 'unsubscribe',
      ok: true,
      message: '',
      reqId: '3',
    });
    expect(
      classifyFrame({ success: false, ret_msg: 'error:handler not found,topic:orderbook.500.BTCUSDT', req_id: 's9', op: 'subscribe' }),
    ).toMatchObject({
      kind: 'subscribe',
      ok: false,
      reqId: 's9',
    });
  });

  it.each([
    'ws_push_tickers_linear_snapshot.json',
    'ws_push_tickers_linear_delta.json',
    'ws_push_order.json',
    'ws_push_execution.json',
    'ws_push_position.json',
    'ws_push_wallet.json',
  ])('%s is a push', (name) => {
    const frame = classifyFrame(bybitFixtureObject(name));
    expect(frame.kind).toBe('push');
  });

  it('the trade stream order.create reply is an op reply', () => {
    expect(classifyFrame(bybitFixtureObject('ws_trade_order_create_ok.json'))).toMatchObject({
      kind: 'op',
      op: 'order.create',
      retCode: 0,
    });
  });

  it('names and counts malformed frames, never throws', () => {
    const counts = newMalformedCounts();
    expect(classifyFrame([], counts)).toMatchObject({ kind: 'malformed', reason: 'not_object' });
    expect(classifyFrame({ topic: 5, data: {} }, counts)).toMatchObject({ reason: 'bad_push' });
    expect(classifyFrame({ topic: 'tickers.X' }, counts)).toMatchObject({ reason: 'bad_push' });
    expect(classifyFrame({ op: 'auth' }, counts)).toMatchObject({ reason: 'bad_ack' });
    expect(classifyFrame({ op: 'weird' }, counts)).toMatchObject({ reason: 'unknown_op' });
    expect(classifyFrame({ hello: 1 }, counts)).toMatchObject({ reason: 'unrecognised' });
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(6);
  });

  it('builds outbound frames and knows private topics', () => {
    expect(pingFrame('p1')).toEqual({ op: 'ping', req_id: 'p1' });
    expect(pingFrame()).toEqual({ op: 'ping' });
    expect(subscriptionFrame('subscribe', 's1', [tickerTopic('BTCUSDT')])).toEqual({
      req_id: 's1',
      op: 'subscribe',
      args: ['tickers.BTCUSDT'],
    });
    expect(topicNeedsAuth('order')).toBe(true);
    expect(topicNeedsAuth('execution.linear')).toBe(true);
    expect(topicNeedsAuth('tickers.BTCUSDT')).toBe(false);
  });
});
