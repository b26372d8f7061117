/** OKX WS frame classification on every ws_* fixture, the text pong, and malformed / truncated frames (named, counted, never thrown). */
import { describe, expect, it } from 'vitest';

import { classify, isLoginRequired, isWrongWsUrl } from '../../../src/venues/okx/errors.js';
import { wsErrorToApiError } from '../../../src/venues/okx/parse.js';
import {
  businessChannelArgs,
  channelKey,
  channelNeedsLogin,
  classifyFrame,
  classifyText,
  isPongText,
  marketDataArgs,
  newMalformedCounts,
  type OkxInboundFrame,
  privateChannelArgs,
  socketForChannel,
  subscriptionFrame,
} from '../../../src/venues/okx/ws-messages.js';
import { okxFixtureText } from './okx-fixtures.js';

function fromFixture(name: string): OkxInboundFrame {
  return classifyText(okxFixtureText(name).trim());
}

describe('okx classifyText / classifyFrame on the fixtures', () => {
  it('login acks, with and without connId, in either key order', () => {
    expect(fromFixture('ws_login_ok.json')).toEqual({ kind: 'login', ok: true, code: '0', msg: '', connId: 'a4d3ae55' });
    expect(fromFixture('ws_login_ok_capture.json')).toEqual({ kind: 'login', ok: true, code: '0', msg: '', connId: 'f832919c' });
    expect(fromFixture('ws_login_ok_capture_no_connid.json')).toEqual({ kind: 'login', ok: true, code: '0', msg: '' });
  });

  it('a login event with a non-zero code is a failed login', () => {
    expect(classifyText('{"event":"login","code":"60009","msg":"Login failed."}')).toEqual({
      kind: 'login',
      ok: false,
      code: '60009',
      msg: 'Login failed.',
    });
  });

  it('login failures are error events', () => {
    expect(fromFixture('ws_login_error.json')).toEqual({ kind: 'error', code: '60009', msg: 'Login failed.', connId: 'a4d3ae55' });
    const expired = fromFixture('ws_login_error_capture_60006.json');
    expect(expired).toEqual({ kind: 'error', code: '60006', msg: 'Timestamp request expired', connId: '589e9aec' });
  });

  it('subscribe / unsubscribe acks keep the arg and the echoed id', () => {
    expect(fromFixture('ws_subscribe_ack.json')).toEqual({
      kind: 'subscribe',
      id: '1512',
      arg: { channel: 'tickers', instId: 'BTC-USDT' },
      connId: 'accb8e21',
    });
    expect(fromFixture('ws_subscribe_ack_orders.json')).toMatchObject({
      kind: 'subscribe',
      id: '1512',
      arg: { channel: 'orders', instType: 'FUTURES' },
    });
    expect(fromFixture('ws_subscribe_ack_orders_capture.json')).toEqual({
      kind: 'subscribe',
      arg: { channel: 'orders', instType: 'SPOT' },
      connId: 'f832919c',
    });
    expect(fromFixture('ws_subscribe_ack_orders_algo_capture_no_connid.json')).toEqual({
      kind: 'subscribe',
      arg: { channel: 'orders-algo', instType: 'SPOT', instId: 'LTC-USDT' },
    });
    expect(fromFixture('ws_unsubscribe_ack.json')).toEqual({
      kind: 'unsubscribe',
      arg: { channel: 'tickers', instId: 'BTC-USDT' },
      connId: 'd0b44253',
    });
  });

  it('a subscribe error carries the id but no arg', () => {
    const frame = fromFixture('ws_subscribe_error.json');
    expect(frame).toMatchObject({ kind: 'error', id: '1512', code: '60012', connId: 'a4d3ae55' });
    expect(frame).not.toHaveProperty('arg');
  });

  it('notice and channel-conn-count events', () => {
    expect(fromFixture('ws_notice_64008.json')).toMatchObject({ kind: 'notice', code: '64008', connId: 'a4d3ae55' });
    expect(fromFixture('ws_channel_conn_count.json')).toEqual({
      kind: 'channel-conn-count',
      channel: 'orders',
      connCount: '2',
      connId: 'abcd1234',
    });
    expect(fromFixture('ws_channel_conn_count_error.json')).toEqual({
      kind: 'channel-conn-count-error',
      channel: 'orders',
      connCount: '30',
      connId: 'a4d3ae55',
    });
  });

  it('op replies are correlated by id and op', () => {
    const ok = fromFixture('ws_op_order_ok.json');
    expect(ok).toMatchObject({ kind: 'op', id: '1512', op: 'order', code: '0', inTime: '1695190491421339', outTime: '1695190491423240' });
    expect(fromFixture('ws_op_order_format_error.json')).toMatchObject({
      kind: 'op',
      id: '1512',
      op: 'order',
      code: '60013',
      msg: 'Invalid args',
      data: [],
    });
    expect(fromFixture('ws_op_batch_orders_partial.json')).toMatchObject({ kind: 'op', id: '1513', op: 'batch-orders', code: '2' });
    expect(fromFixture('ws_op_cancel_order_ok.json')).toMatchObject({ kind: 'op', id: '1514', op: 'cancel-order', code: '0' });
  });

  it('data pushes by arg.channel, with positions paging', () => {
    expect(fromFixture('ws_push_tickers.json')).toMatchObject({ kind: 'push', channel: 'tickers' });
    expect(fromFixture('ws_push_mark_price.json')).toMatchObject({ kind: 'push', channel: 'mark-price' });
    expect(fromFixture('ws_push_orders_filled.json')).toMatchObject({ kind: 'push', channel: 'orders', arg: { uid: '614488474791936' } });
    expect(fromFixture('ws_push_orders_algo.json')).toMatchObject({ kind: 'push', channel: 'orders-algo' });
    expect(fromFixture('ws_push_balance_and_position.json')).toMatchObject({ kind: 'push', channel: 'balance_and_position' });
    const positions = fromFixture('ws_push_positions.json');
    expect(positions).toMatchObject({ kind: 'push', channel: 'positions', eventType: 'snapshot', curPage: 1, lastPage: true });
    if (positions.kind === 'push') expect(positions.data).toHaveLength(2);
  });

  it('classifyFrame takes an already parsed frame (the socket parses once)', () => {
    expect(classifyFrame(JSON.parse(okxFixtureText('ws_login_ok.json')) as unknown)).toMatchObject({ kind: 'login', ok: true });
  });
});

describe('okx keepalive text', () => {
  it('recognises the literal pong before any JSON parse', () => {
    expect(isPongText('pong')).toBe(true);
    expect(isPongText('"pong"')).toBe(false);
    expect(classifyText('pong')).toEqual({ kind: 'pong' });
    // a JSON string "pong" is not the keepalive answer
    expect(classifyText('"pong"')).toMatchObject({ kind: 'malformed', reason: 'not_object' });
  });
});

describe('okx malformed frames are named and counted, never thrown', () => {
  const cases: readonly [string, string, string][] = [
    ['truncated push', okxFixtureText('ws_push_tickers.json').slice(0, 80), 'not_json'],
    ['truncated login', '{"event":"login","code":"0"', 'not_json'],
    ['empty text', '', 'not_json'],
    ['ping echoed', 'ping', 'not_json'],
    ['null', 'null', 'not_object'],
    ['array', '[1,2]', 'not_object'],
    ['number', '42', 'not_object'],
    ['push without data', '{"arg":{"channel":"tickers","instId":"BTC-USDT"}}', 'bad_push'],
    ['push with object data', '{"arg":{"channel":"tickers"},"data":{}}', 'bad_push'],
    ['push without channel', '{"arg":{"instId":"BTC-USDT"},"data":[]}', 'bad_push'],
    ['push with a string arg', '{"arg":"tickers","data":[]}', 'bad_push'],
    ['login without code', '{"event":"login","msg":""}', 'bad_event'],
    ['error without code', '{"event":"error","msg":"x"}', 'bad_event'],
    ['subscribe ack without arg', '{"event":"subscribe","connId":"1"}', 'bad_event'],
    ['conn count without count', '{"event":"channel-conn-count","channel":"orders"}', 'bad_event'],
    ['numeric event', '{"event":1}', 'bad_event'],
    ['unknown event', '{"event":"party","code":"0"}', 'unknown_event'],
    ['op reply without id', '{"op":"order","code":"0","data":[]}', 'bad_op_response'],
    ['op reply with object data', '{"id":"1","op":"order","code":"0","data":{}}', 'bad_op_response'],
    ['nothing known', '{"hello":"world"}', 'unrecognised'],
  ];

  it.each(cases)('%s', (_label, text, reason) => {
    const counts = newMalformedCounts();
    let frame: OkxInboundFrame | undefined;
    expect(() => {
      frame = classifyText(text, counts);
    }).not.toThrow();
    expect(frame).toMatchObject({ kind: 'malformed', reason });
    expect(counts[reason as keyof typeof counts]).toBe(1);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('a huge garbage frame gets a bounded detail', () => {
    const frame = classifyText('x'.repeat(100_000));
    expect(frame.kind).toBe('malformed');
    if (frame.kind === 'malformed') expect(frame.detail.length).toBeLessThan(120);
  });

  it('counts accumulate over a stream; good frames do not count', () => {
    const counts = newMalformedCounts();
    for (const text of ['pong', '{', '{"event":"login","code":"0"}', '[]', '{']) classifyText(text, counts);
    expect(counts).toMatchObject({ not_json: 2, not_object: 1 });
  });

  it('tolerates a numeric code', () => {
    expect(classifyText('{"event":"error","code":60011,"msg":"Please log in"}')).toMatchObject({ kind: 'error', code: '60011' });
  });
});

describe('okx error events become classified errors', () => {
  it('60011 before login is retryable after a login (the socket is deaf until then)', () => {
    const frame = classifyText('{"event":"error","msg":"Please log in","code":"60011","connId":"a"}');
    expect(frame.kind).toBe('error');
    if (frame.kind !== 'error') return;
    const error = wsErrorToApiError(frame);
    expect(isLoginRequired(error)).toBe(true);
    expect(classify(error)).toBe('retryable');
  });

  it('64001 wrong URL is a request fix, not a retry', () => {
    const error = wsErrorToApiError({ code: '64001', msg: 'channel moved to business', id: 'b1' });
    expect(isWrongWsUrl(error)).toBe(true);
    expect(error.requestId).toBe('b1');
    expect(classify(error)).toBe('rejected');
  });
});

describe('okx channels and subscription frames', () => {
  it('routes channels to their socket', () => {
    expect(socketForChannel('tickers')).toBe('public');
    expect(socketForChannel('mark-price')).toBe('public');
    expect(socketForChannel('orders')).toBe('private');
    expect(socketForChannel('positions')).toBe('private');
    expect(socketForChannel('balance_and_position')).toBe('private');
    expect(socketForChannel('orders-algo')).toBe('business');
    expect(socketForChannel('candle1m')).toBe('business');
    expect(channelNeedsLogin('orders-algo')).toBe(true);
    expect(channelNeedsLogin('tickers')).toBe(false);
  });

  it('has the args the daemon subscribes, each on the right socket', () => {
    expect(marketDataArgs('BTC-USDT-SWAP').map((a) => socketForChannel(a.channel))).toEqual(['public', 'public']);
    const priv = privateChannelArgs();
    expect(priv.map((a) => socketForChannel(a.channel))).toEqual(['private', 'private', 'private']);
    expect(JSON.stringify(subscriptionFrame('subscribe', 'p1', priv))).toBe(
      '{"id":"p1","op":"subscribe","args":[{"channel":"orders","instType":"SWAP"},{"channel":"positions","instType":"ANY","extraParams":"{\\"updateInterval\\":\\"0\\"}"},{"channel":"balance_and_position"}]}',
    );
    expect(businessChannelArgs()).toEqual([{ channel: 'orders-algo', instType: 'ANY' }]);
  });

  it('builds subscribe frames with an id and keys args stably', () => {
    const frame = subscriptionFrame('subscribe', 'sub1', [
      { channel: 'tickers', instId: 'BTC-USDT-SWAP' },
      { channel: 'mark-price', instId: 'BTC-USDT-SWAP' },
    ]);
    expect(JSON.stringify(frame)).toBe(
      '{"id":"sub1","op":"subscribe","args":[{"channel":"tickers","instId":"BTC-USDT-SWAP"},{"channel":"mark-price","instId":"BTC-USDT-SWAP"}]}',
    );
    expect(channelKey({ channel: 'orders', instType: 'SWAP' })).toBe('orders|SWAP||');
  });
});
