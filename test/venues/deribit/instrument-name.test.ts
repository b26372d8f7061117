/** Deribit instrument names: perpetuals, futures, options and their expiry codes, parsed and rejected. */
import { describe, expect, it } from 'vitest';

import { DeribitParseError, DeribitRequestError } from '../../../src/venues/deribit/errors.js';
import {
  formatExpiryCode,
  MAX_LABEL_LENGTH,
  parseExpiryCode,
  parseInstrumentName,
  validateLabel,
} from '../../../src/venues/deribit/instrument-name.js';

describe('parseInstrumentName', () => {
  it('parses an inverse perpetual', () => {
    expect(parseInstrumentName('BTC-PERPETUAL')).toEqual({
      kind: 'perpetual',
      name: 'BTC-PERPETUAL',
      base: 'BTC',
      quote: 'USD',
      linear: false,
    });
  });

  it('parses a linear USDC perpetual', () => {
    expect(parseInstrumentName('BTC_USDC-PERPETUAL')).toEqual({
      kind: 'perpetual',
      name: 'BTC_USDC-PERPETUAL',
      base: 'BTC',
      quote: 'USDC',
      linear: true,
    });
  });

  it('parses a dated future expiring 08:00 UTC', () => {
    const parsed = parseInstrumentName('BTC-27DEC26');
    expect(parsed).toMatchObject({ kind: 'future', base: 'BTC', quote: 'USD', linear: false });
    expect(parsed.kind === 'future' && new Date(parsed.expiryMs).toISOString()).toBe('2026-12-27T08:00:00.000Z');
  });

  it('parses a single-digit day without zero pad', () => {
    const parsed = parseInstrumentName('BTC-5AUG23');
    expect(parsed.kind === 'future' && new Date(parsed.expiryMs).toISOString()).toBe('2023-08-05T08:00:00.000Z');
  });

  it('agrees with the instrument record expiry (BTC-29SEP23 → 1695974400000)', () => {
    const parsed = parseInstrumentName('BTC-29SEP23');
    expect(parsed.kind === 'future' && parsed.expiryMs).toBe(1695974400000);
  });

  it('parses an inverse option', () => {
    const parsed = parseInstrumentName('BTC-27DEC26-60000-C');
    expect(parsed).toMatchObject({ kind: 'option', base: 'BTC', quote: 'USD', linear: false, optionType: 'call' });
    if (parsed.kind !== 'option') throw new Error('expected option');
    expect(parsed.strike.toString()).toBe('60000');
    expect(new Date(parsed.expiryMs).toISOString()).toBe('2026-12-27T08:00:00.000Z');
  });

  it('parses a linear option with a decimal strike', () => {
    const parsed = parseInstrumentName('XRP_USDC-30JUN23-0d625-C');
    expect(parsed).toMatchObject({ kind: 'option', base: 'XRP', quote: 'USDC', linear: true, optionType: 'call' });
    if (parsed.kind !== 'option') throw new Error('expected option');
    expect(parsed.strike.toString()).toBe('0.625');
    expect(new Date(parsed.expiryMs).toISOString()).toBe('2023-06-30T08:00:00.000Z');
  });

  it('parses a put and the option names from the fixtures', () => {
    expect(parseInstrumentName('BTC-13JAN23-16000-P')).toMatchObject({ kind: 'option', optionType: 'put', expiryMs: 1673596800000 });
    expect(parseInstrumentName('ETH-6JUL25-1500-C')).toMatchObject({ kind: 'option', base: 'ETH', expiryMs: 1751788800000 });
  });

  it('parses spot and a future combo', () => {
    expect(parseInstrumentName('BTC_USDC')).toEqual({ kind: 'spot', name: 'BTC_USDC', base: 'BTC', quote: 'USDC' });
    expect(parseInstrumentName('BTC-FS-26DEC25_PERP')).toEqual({
      kind: 'future_combo',
      name: 'BTC-FS-26DEC25_PERP',
      base: 'BTC',
      quote: 'USD',
      linear: false,
      legs: ['26DEC25', 'PERP'],
    });
  });

  it.each(['btc-perpetual', 'BTC-05AUG23', 'BTC-31FEB25', 'BTC-27DEC26-60000', 'BTC-27DEC26-60000-X', 'BTC', 'BTC-27XYZ26', ''])(
    'reports %j as unrecognised, naming it',
    (name) => {
      expect(() => parseInstrumentName(name)).toThrow(DeribitParseError);
      expect(() => parseInstrumentName(name)).toThrow(JSON.stringify(name));
    },
  );
});

describe('expiry codes', () => {
  it('round-trips', () => {
    for (const code of ['27DEC26', '5AUG23', '1JAN30', '29FEB28']) expect(formatExpiryCode(parseExpiryCode(code))).toBe(code);
  });

  it('rejects impossible dates', () => {
    expect(() => parseExpiryCode('29FEB27')).toThrow(/no such date/);
  });
});

describe('validateLabel', () => {
  it('accepts up to 64 characters', () => {
    const label = 'x'.repeat(MAX_LABEL_LENGTH);
    expect(validateLabel(label)).toBe(label);
    expect(validateLabel('d1-t42-entry')).toBe('d1-t42-entry');
  });

  it('rejects 65 characters and empty labels', () => {
    expect(() => validateLabel('x'.repeat(65))).toThrow(DeribitRequestError);
    expect(() => validateLabel('x'.repeat(65))).toThrow(/label: is 65 characters; Deribit allows at most 64/);
    expect(() => validateLabel('')).toThrow(/label: must not be empty/);
  });
});
