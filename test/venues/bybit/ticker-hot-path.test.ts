/** The Bybit ticker hot path's edge cases: a size that empties a book side (in any spelling), one that does not, and a bad field still named in full. */
import { describe, expect, it } from 'vitest';

import { type BybitQuote, readTicker } from '../../../src/venues/bybit/parse.js';
import { bybitFixtureObject } from './bybit-fixtures.js';

describe('bybit ticker hot path', () => {
  const snapshot = bybitFixtureObject('ws_push_tickers_linear_snapshot.json');

  const fresh = (): Map<string, BybitQuote> => {
    const quotes = new Map<string, BybitQuote>();
    readTicker(snapshot.data, snapshot.type, snapshot.ts, 5, quotes);
    return quotes;
  };

  it('a size of "0", "0.000" or ".0" empties its side; "0.37" and "10" do not', () => {
    for (const zero of ['0', '0.000', '.0', '-0']) {
      const t = readTicker({ symbol: 'BTCUSDT', bid1Size: zero, ask1Size: zero }, 'delta', 1, 5, fresh());
      expect(t?.bid, zero).toBeUndefined();
      expect(t?.ask, zero).toBeUndefined();
    }
    for (const size of ['0.37', '10', '.5']) {
      const t = readTicker({ symbol: 'BTCUSDT', bid1Size: size, ask1Price: '66670.10', ask1Size: size }, 'delta', 1, 5, fresh());
      expect(t?.bid?.eq('66666.60'), size).toBe(true);
      expect(t?.ask?.eq('66670.10'), size).toBe(true);
    }
  });

  it('a bad field is named with its symbol; "" reads as absent', () => {
    expect(() => readTicker({ symbol: 'BTCUSDT', markPrice: 'lots' }, 'delta', 1, 5, fresh())).toThrow(/tickers\.BTCUSDT\.markPrice/);
    const t = readTicker({ symbol: 'BTCUSDT', markPrice: '', lastPrice: '66000.00' }, 'delta', 1, 5, fresh());
    expect(t?.mark?.eq('66666.60')).toBe(true);
    expect(t?.last?.eq(66000)).toBe(true);
  });
});
