/** The OKX market-data hot path: frame → classify → ticker without any Decimal until a consumer reads one; bad values refused and named, bounded. */
import { afterEach, describe, expect, it, vi } from 'vitest';

import { Decimal } from '../../../src/domain/decimal.js';
import { OkxParseError } from '../../../src/venues/okx/errors.js';
import { readMarkPrice, readTicker } from '../../../src/venues/okx/parse.js';
import { classifyText, newMalformedCounts } from '../../../src/venues/okx/ws-messages.js';

const tickerFrame = (over: Record<string, unknown> = {}): string =>
  JSON.stringify({
    arg: { channel: 'tickers', instId: 'BTC-USDT-SWAP' },
    data: [
      {
        instType: 'SWAP',
        instId: 'BTC-USDT-SWAP',
        last: '60012.3',
        lastSz: '2',
        askPx: '60012.4',
        askSz: '15',
        bidPx: '60012.3',
        bidSz: '8',
        ts: '1740830400123',
        ...over,
      },
    ],
  });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('okx ticker hot path', () => {
  it('creates no Decimal until a field is read, then exactly one per field read (cached)', () => {
    const spy = vi.spyOn(Decimal, 'from');
    const counts = newMalformedCounts();
    const tickers = [];
    for (let i = 0; i < 500; i += 1) {
      const frame = classifyText(tickerFrame(), counts);
      if (frame.kind !== 'push') throw new Error('expected a push');
      for (const item of frame.data) tickers.push(readTicker(item, 0));
    }
    expect(spy).not.toHaveBeenCalled();
    const t = tickers[0];
    expect(t?.bid?.toString()).toBe('60012.3');
    expect(t?.bid?.toString()).toBe('60012.3');
    expect(spy).toHaveBeenCalledTimes(1);
    expect(Object.values(counts).every((n) => n === 0)).toBe(true);
  });

  it('refuses an oversized or exponent-less junk price with a bounded message', () => {
    const frame = classifyText(tickerFrame({ bidPx: '7'.repeat(256 * 1024) }));
    if (frame.kind !== 'push') throw new Error('expected a push');
    let caught: unknown;
    try {
      readTicker(frame.data[0], 0);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OkxParseError);
    expect((caught as OkxParseError).field).toBe('tickers.BTC-USDT-SWAP.bidPx');
    expect((caught as OkxParseError).message.length).toBeLessThan(200);
  });

  it('a truncated ticker frame is malformed, not thrown', () => {
    const counts = newMalformedCounts();
    expect(classifyText(tickerFrame().slice(0, 100), counts)).toMatchObject({ kind: 'malformed', reason: 'not_json' });
    expect(counts.not_json).toBe(1);
  });

  it('mark price stays a string until read as well', () => {
    const spy = vi.spyOn(Decimal, 'from');
    const t = readMarkPrice({ instType: 'SWAP', instId: 'BTC-USDT-SWAP', markPx: '60010.8', ts: '1740830400200' }, 0);
    expect(spy).not.toHaveBeenCalled();
    expect(t.mark?.toString()).toBe('60010.8');
    expect(t.tsMs).toBe(1740830400200);
  });
});
