/** Decimal parsing on the venue-price fast path (no regex, no BigInt arithmetic). */
import { describe, expect, it } from 'vitest';

import { Decimal } from '../../src/domain/decimal.js';

/** A leading space sends a string down the regex path (the fast path refuses whitespace): the oracle. */
const slow = (s: string): Decimal => Decimal.from(` ${s}`);
const same = (a: Decimal, b: Decimal): boolean => a.units === b.units && a.scale === b.scale;

describe('Decimal parsing without regex or BigInt arithmetic (the venue-price fast path)', () => {
  it('agrees with the regex parser on venue-style prices, normalised the same way', () => {
    const cases = [
      '0',
      '-0',
      '0.0',
      '1',
      '10',
      '100.00',
      '0.0084',
      '-5.65962',
      '+3.5',
      '92283.5',
      '0.00001',
      '.5',
      '5.',
      '1132329370.0',
      '000012.3400',
      '123456789012345',
      '0.000000000000001',
      '-0.10',
    ];
    for (const s of cases) {
      const fast = Decimal.from(s);
      expect(same(fast, slow(s)), s).toBe(true);
    }
  });

  it('agrees on random numbers, as JSON numbers and as strings', () => {
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 5_000; i += 1) {
      const digits = Math.floor(rand() * 9);
      const x = Math.round((rand() - 0.5) * 10 ** (1 + Math.floor(rand() * 8)) * 10 ** digits) / 10 ** digits;
      const s = String(x);
      if (/e/i.test(s)) continue;
      expect(same(Decimal.from(x), slow(s)), s).toBe(true);
      expect(same(Decimal.from(s), slow(s)), s).toBe(true);
    }
  });

  it('leaves long numbers, exponents and malformed text to the exact path (which still refuses junk)', () => {
    expect(Decimal.from('12345678901234567890.123').toString()).toBe('12345678901234567890.123');
    expect(Decimal.from('1e-8').toString()).toBe('0.00000001');
    expect(Decimal.from(2.11e-5).toString()).toBe('0.0000211');
    expect(Decimal.from(9007199254740993n).toString()).toBe('9007199254740993');
    for (const bad of ['', '.', '-', '+', '1.2.3', 'abc', '1,5', '--1', '0x10', 'NaN']) {
      expect(() => Decimal.from(bad), bad).toThrow(RangeError);
    }
  });
});
