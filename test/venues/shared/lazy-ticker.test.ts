/** LazyTicker and wire decimals: venue strings kept until read, parsed exactly once, bad values caught. */
import { describe, expect, it } from 'vitest';

import { Decimal } from '../../../src/domain/decimal.js';
import { isWireDecimal, LazyGreeks, LazyTicker } from '../../../src/venues/shared/lazy-ticker.js';

describe('isWireDecimal', () => {
  it('accepts finite numbers and decimal strings as Deribit, OKX and Bybit send them', () => {
    for (const ok of [0, -1.5, 2.11e-5, '0', '92283.5', '-5.65962', '+1', '.5', '5.', '1e-8', '2.5E+3'])
      expect(isWireDecimal(ok), String(ok)).toBe(true);
  });

  it('refuses everything Decimal.from would refuse, and non-finite numbers', () => {
    for (const bad of [
      NaN,
      Infinity,
      '',
      '.',
      '-',
      'abc',
      '1.2.3',
      '1e',
      '1e+',
      ' 1',
      '1 ',
      '0x10',
      'NaN',
      '1,5',
      null,
      undefined,
      true,
      {},
      [],
      '9'.repeat(65),
    ]) {
      expect(isWireDecimal(bad), JSON.stringify(bad) ?? String(bad)).toBe(false);
    }
  });

  it('whatever it accepts, Decimal.from parses', () => {
    for (const s of ['0.0084', '1e-8', '-.5', '+7.', '123456789012345678901234567890']) {
      expect(isWireDecimal(s)).toBe(true);
      expect(() => Decimal.from(s)).not.toThrow();
    }
  });
});

describe('LazyTicker', () => {
  it('reads decimals on demand, returns the same Decimal each time, and leaves absent fields undefined', () => {
    const t = new LazyTicker('okx', 'BTC-USDT-SWAP', 5, '100.5', '101', undefined, 100.75, '99', undefined, undefined);
    expect(t).toMatchObject({ venue: 'okx', symbol: 'BTC-USDT-SWAP', tsMs: 5 });
    expect(t.mark).toBeInstanceOf(Decimal);
    expect(t.mark?.toString()).toBe('100.75');
    expect(t.mark).toBe(t.mark);
    expect(t.bid?.toString()).toBe('100.5');
    expect(t.last).toBeUndefined();
    expect(t.markIv).toBeUndefined();
    expect(t.greeks).toBeUndefined();
    expect(JSON.parse(JSON.stringify(t))).toEqual({
      venue: 'okx',
      symbol: 'BTC-USDT-SWAP',
      tsMs: 5,
      bid: '100.5',
      ask: '101',
      mark: '100.75',
      index: '99',
    });
  });

  it('greeks likewise', () => {
    const g = new LazyGreeks(0.05785, '0.00001', 20.05335, -5.65962, undefined);
    expect(g.delta.toString()).toBe('0.05785');
    expect(g.theta.toString()).toBe('-5.65962');
    expect(g.rho).toBeUndefined();
  });
});
