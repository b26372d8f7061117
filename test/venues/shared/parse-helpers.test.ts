/** The shared wire readers: exact decimals, unparsed hot-path decimals, epoch ms, strings, schemas; failures name the field with one error code. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import {
  createWireReader,
  PAYLOAD_INVALID,
  readOptionalWireDecimal,
  readWireDecimal,
  WirePayloadError,
} from '../../../src/venues/shared/parse-helpers.js';

const okx = createWireReader({ venue: 'okx', emptyStringIsAbsent: true });
const strict = createWireReader({ venue: 'deribit' });

describe('wire readers', () => {
  it('decimal accepts JSON numbers and numeric strings without float artefacts', () => {
    expect(okx.decimal('0.1', 'order.price').plus(okx.decimal(0.2, 'order.price')).toString()).toBe('0.3');
    expect(okx.decimal('-60.0', 'position.size').toString()).toBe('-60');
    expect(okx.decimal('1e-8', 'x').toString()).toBe('0.00000001');
  });

  it('decimal names the field path and carries the one payload code when it fails', () => {
    for (const bad of ['abc', null, undefined, Number.NaN, {}, 'market_price', '1.2.3', '']) {
      expect(() => okx.decimal(bad, 'data.0.accFillSz')).toThrow(WirePayloadError);
      expect(() => okx.decimal(bad, 'data.0.accFillSz')).toThrow(/^okx: data\.0\.accFillSz: (missing|not a number)/);
    }
    expect(() => okx.decimal('abc', 'data.0.accFillSz')).toThrow(
      expect.objectContaining({ code: PAYLOAD_INVALID, venue: 'okx', field: 'data.0.accFillSz' }),
    );
  });

  it('optionalDecimal: absent gives undefined, "" only where the venue means "unset", garbage still throws', () => {
    expect(okx.optionalDecimal(undefined, 'x')).toBeUndefined();
    expect(okx.optionalDecimal(null, 'x')).toBeUndefined();
    expect(okx.optionalDecimal('', 'x')).toBeUndefined();
    expect(() => strict.optionalDecimal('', 'x')).toThrow(/deribit: x: not a number/);
    expect(okx.optionalDecimal('0.5', 'x')?.toString()).toBe('0.5');
    expect(() => okx.optionalDecimal('n/a', 'position.takeProfit')).toThrow(/position\.takeProfit/);
  });

  it('wire decimals stay unparsed and are checked by syntax; the path is built only on failure', () => {
    expect(okx.wireDecimalAt('63000.5', 'tickers', 'last')).toBe('63000.5');
    expect(okx.optionalWireDecimalAt('', 'tickers', 'bidPx')).toBeUndefined();
    expect(() => okx.wireDecimalAt(undefined, 'tickers', 'last')).toThrow(/tickers\.last: missing/);
    expect(() => okx.wireDecimalAt('9'.repeat(1000), 'tickers', 'last')).toThrow(/tickers\.last: not a number: "9{40}…"/);
    // the hot-path forms agree with the reader
    expect(readWireDecimal(okx, 5, 'tickers', 'last')).toBe(5);
    expect(readOptionalWireDecimal(okx, '', 'tickers', 'bidPx')).toBeUndefined();
    expect(() => readOptionalWireDecimal(strict, '', 'ticker', 'mark_price')).toThrow(/deribit: ticker\.mark_price: not a number/);
    expect(() => readWireDecimal(okx, null, 'tickers', 'last')).toThrow(/tickers\.last: missing/);
  });

  it('millisAt accepts integer numbers and strings; stringAt wants a non-empty string', () => {
    expect(okx.millisAt(1700000001234, 'o', 'uTime')).toBe(1700000001234);
    expect(okx.millisAt('1700000001234', 'o', 'uTime')).toBe(1700000001234);
    for (const bad of ['1700000001234.5', 'soon', 1.5, null])
      expect(() => okx.millisAt(bad, 'o', 'uTime')).toThrow(/o\.uTime: expected an integer/);
    expect(okx.stringAt('BTC-USDT-SWAP', 'o', 'instId')).toBe('BTC-USDT-SWAP');
    expect(() => okx.stringAt('', 'o', 'ordId')).toThrow(/o\.ordId: expected a non-empty string/);
  });

  it('validate names the first bad field under the root', () => {
    const schema = z.object({ order: z.object({ amount: z.number() }) });
    expect(() => strict.validate(schema, { order: { amount: 'x' } }, 'private/buy.result')).toThrow(
      /^deribit: private\/buy\.result\.order\.amount: /,
    );
  });

  it('a venue may bring its own error subclass', () => {
    class ToyError extends WirePayloadError {}
    const toy = createWireReader({ venue: 'toy', fail: (f, d) => new ToyError('toy', f, d) });
    expect(() => toy.decimal(null, 'x')).toThrow(ToyError);
  });
});
