import { describe, expect, it } from 'vitest';
import {
  WireParseError,
  parseDecimal,
  parseMillis,
  parseOptionalDecimal,
  parseOptionalMillis,
  parseString,
} from '../../../src/venues/shared/parse-helpers.js';

describe('parse helpers', () => {
  it('parseDecimal accepts JSON numbers and numeric strings without float artefacts', () => {
    expect(parseDecimal('0.1', 'order.price').plus(parseDecimal(0.2, 'order.price')).toString()).toBe('0.3');
    expect(parseDecimal('-60.0', 'position.size').toString()).toBe('-60');
    expect(parseDecimal('1e-8', 'x').toString()).toBe('0.00000001');
    expect(parseDecimal(' 42 ', 'x').toString()).toBe('42');
  });

  it('parseDecimal names the field path when it fails', () => {
    for (const bad of ['', 'abc', null, undefined, Number.NaN, {}, 'market_price', '1.2.3']) {
      expect(() => parseDecimal(bad, 'order.filled_amount')).toThrow(WireParseError);
      expect(() => parseDecimal(bad, 'order.filled_amount')).toThrow(/^order\.filled_amount: expected a/);
    }
    try {
      parseDecimal('abc', 'data[0].accFillSz');
    } catch (err) {
      expect(err).toMatchObject({ code: 'WIRE_PARSE', fieldPath: 'data[0].accFillSz', received: 'abc' });
    }
  });

  it('parseOptionalDecimal maps missing, null and "" to undefined but still rejects garbage', () => {
    expect(parseOptionalDecimal(undefined, 'x')).toBeUndefined();
    expect(parseOptionalDecimal(null, 'x')).toBeUndefined();
    expect(parseOptionalDecimal('', 'x')).toBeUndefined();
    expect(parseOptionalDecimal('0.5', 'x')?.toString()).toBe('0.5');
    expect(() => parseOptionalDecimal('n/a', 'position.takeProfit')).toThrow(/position\.takeProfit/);
  });

  it('parseMillis accepts integer numbers and strings, rejects fractions and negatives with the field path', () => {
    expect(parseMillis(1700000001234, 'ts')).toBe(1700000001234);
    expect(parseMillis('1700000001234', 'ts')).toBe(1700000001234);
    for (const bad of ['1700000001234.5', -1, 'soon', 1.5, null, '9007199254740993']) {
      expect(() => parseMillis(bad, 'order.creation_timestamp')).toThrow(/^order\.creation_timestamp: expected epoch milliseconds/);
    }
    expect(parseOptionalMillis('', 'x')).toBeUndefined();
    expect(parseOptionalMillis('0', 'x')).toBeUndefined();
    expect(parseOptionalMillis('5', 'x')).toBe(5);
  });

  it('parseString requires a non-empty string', () => {
    expect(parseString('BTC-PERPETUAL', 'instrument_name')).toBe('BTC-PERPETUAL');
    expect(() => parseString('', 'order.order_id')).toThrow(/order\.order_id/);
  });
});
