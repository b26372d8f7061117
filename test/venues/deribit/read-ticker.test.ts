/** readTicker, the hand-written ticker check on the hot path: good frames, lazy decimals, every malformed field caught. */
import { describe, expect, it } from 'vitest';

import { DeribitParseError } from '../../../src/venues/deribit/errors.js';
import { readTicker } from '../../../src/venues/deribit/parse.js';
import { loadFixture } from '../../support/load-fixture.js';

const AT = 1_700_000_000_000;
const str = (d: { toString(): string } | undefined): string | undefined => d?.toString();
const dataOf = (name: string): Record<string, unknown> =>
  (loadFixture('deribit', name) as { params: { data: Record<string, unknown> } }).params.data;

describe('readTicker (the hand-written ticker check on the hot path)', () => {
  it('reads the option capture: prices, mark_iv and greeks, decimals exactly as sent', () => {
    const t = readTicker(dataOf('ws_notification_ticker_option_capture.json'), AT, 'ticker.BTC-30SEP22-60000-C.100ms');
    expect(t).toMatchObject({ venue: 'deribit', symbol: 'BTC-30SEP22-60000-C', tsMs: 1654161839367 });
    expect([str(t.bid), str(t.ask), str(t.last), str(t.mark), str(t.index), str(t.markIv)]).toEqual([
      '0.008',
      '0.009',
      '0.009',
      '0.0084',
      '29939.43',
      '67.7',
    ]);
    expect([str(t.greeks?.delta), str(t.greeks?.gamma), str(t.greeks?.vega), str(t.greeks?.theta), str(t.greeks?.rho)]).toEqual([
      '0.05785',
      '0.00001',
      '20.05335',
      '-5.65962',
      '4.91491',
    ]);
  });

  it('takes decimals sent as strings (as OKX and Bybit send every price) and a string timestamp', () => {
    const t = readTicker(
      {
        instrument_name: 'BTC-PERPETUAL',
        timestamp: '1623060194301',
        mark_price: '36446.51',
        best_bid_price: '36442.5',
        best_bid_amount: '0',
      },
      AT,
      't',
      1_000,
    );
    expect(t.tsMs).toBe(1623060193301);
    expect(str(t.mark)).toBe('36446.51');
    expect(t.bid).toBeUndefined(); // empty book side
  });

  it.each<[string, unknown, RegExp]>([
    ['mark_price as junk', { instrument_name: 'X', timestamp: 1, mark_price: 'abc' }, /t\.mark_price: not a number: "abc"/],
    [
      'best_ask_price as an object',
      { instrument_name: 'X', timestamp: 1, best_ask_price: {} },
      /t\.best_ask_price: not a number: an object/,
    ],
    ['best_bid_amount as a boolean', { instrument_name: 'X', timestamp: 1, best_bid_amount: true }, /t\.best_bid_amount/],
    ['a greek missing', { instrument_name: 'X', timestamp: 1, greeks: { delta: 1, gamma: 1, vega: 1 } }, /t\.greeks\.theta: missing/],
    ['greeks not an object', { instrument_name: 'X', timestamp: 1, greeks: 5 }, /t\.greeks: expected an object/],
    ['no instrument name', { timestamp: 1, mark_price: 1 }, /t\.instrument_name/],
    ['a fractional timestamp', { instrument_name: 'X', timestamp: 1.5 }, /t\.timestamp: expected an integer/],
    ['data not an object', [1, 2], /: t: expected an object, got an array/],
    [
      'an oversized value',
      { instrument_name: 'X', timestamp: 1, mark_price: '9'.repeat(100_000) },
      /t\.mark_price: not a number: "9{40}…"/,
    ],
  ])('refuses %s, naming the field', (_what, data, message) => {
    let error: unknown;
    try {
      readTicker(data, AT, 't');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DeribitParseError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.length).toBeLessThan(200);
  });
});
