/** OKX instIds, unified symbols, clOrdId rules, and exact contracts ↔ coin conversion with lot/tick rounding. */
import { describe, expect, it } from 'vitest';

import { Decimal } from '../../../src/domain/decimal.js';
import type { Instrument } from '../../../src/domain/instrument.js';
import { OkxParseError, OkxRequestError } from '../../../src/venues/okx/errors.js';
import {
  isValidClientOrderId,
  parseInstId,
  swapInstId,
  toWsRequestId,
  validateClientOrderId,
  validateTag,
} from '../../../src/venues/okx/instrument-name.js';
import { parseInstruments } from '../../../src/venues/okx/parse.js';
import {
  baseToContracts,
  contractsToBase,
  notionalOf,
  roundContracts,
  roundPriceForSide,
  roundToTick,
} from '../../../src/venues/okx/sizing.js';
import { isUnifiedSymbol, okxToUnified, toOkxInstId, unifiedToOkx } from '../../../src/venues/okx/unified-symbol.js';
import { okxFixtureData } from './okx-fixtures.js';

const d = (v: string): Decimal => Decimal.from(v);
const catalogue = new Map(
  parseInstruments(okxFixtureData('http_get_public_instruments_swap_capture.json')).instruments.map((i) => [
    i.instrument.symbol,
    i.instrument,
  ]),
);
function inst(id: string): Instrument {
  const found = catalogue.get(id);
  if (found === undefined) throw new Error(`no ${id} in the fixture`);
  return found;
}
const BTC = inst('BTC-USDT-SWAP');
const ETH = inst('ETH-USDT-SWAP');
const INV = inst('BTC-USD-SWAP');
const SPOT = parseInstruments(okxFixtureData('http_get_public_instruments_spot.json')).instruments[0]?.instrument as Instrument;

describe('okx instIds', () => {
  it('parses every kind', () => {
    expect(parseInstId('BTC-USDT-SWAP')).toEqual({
      kind: 'perpetual',
      instId: 'BTC-USDT-SWAP',
      base: 'BTC',
      quote: 'USDT',
      usdMargined: false,
    });
    expect(parseInstId('BTC-USD-SWAP')).toMatchObject({ kind: 'perpetual', quote: 'USD' });
    expect(parseInstId('BTC-USD_UM-SWAP')).toMatchObject({ kind: 'perpetual', quote: 'USD', usdMargined: true });
    expect(parseInstId('BTC-USDT')).toEqual({ kind: 'spot', instId: 'BTC-USDT', base: 'BTC', quote: 'USDT' });
    expect(parseInstId('BTC-USD-250328')).toMatchObject({ kind: 'future', expiry: '250328' });
    const opt = parseInstId('BTC-USD-250328-60000-C');
    expect(opt).toMatchObject({ kind: 'option', optionType: 'call', expiry: '250328' });
    if (opt.kind === 'option') expect(opt.strike.toString()).toBe('60000');
    expect(swapInstId('ETH', 'USDT')).toBe('ETH-USDT-SWAP');
  });

  it('refuses other patterns and impossible dates', () => {
    for (const bad of ['BTCUSDT', 'BTC-USDT-PERP-X', 'btc-usdt-swap', 'BTC-USD-251332', 'BTC-USD-250230', '']) {
      expect(() => parseInstId(bad)).toThrow(OkxParseError);
    }
  });
});

describe('okx unified symbols', () => {
  it('maps both ways', () => {
    const pairs: [string, string][] = [
      ['BTC/USDT:USDT', 'BTC-USDT-SWAP'],
      ['BTC/USD:BTC', 'BTC-USD-SWAP'],
      ['ETH/USDC:USDC', 'ETH-USDC-SWAP'],
      ['BTC/USDT', 'BTC-USDT'],
      ['BTC/USD:BTC-250328', 'BTC-USD-250328'],
      ['BTC/USDT:USDT-250328', 'BTC-USDT-250328'],
      ['BTC/USD:BTC-250328-60000-C', 'BTC-USD-250328-60000-C'],
    ];
    for (const [unified, okx] of pairs) {
      expect(unifiedToOkx(unified)).toBe(okx);
      expect(okxToUnified(okx)).toBe(unified);
    }
    expect(unifiedToOkx('btc/usdt:usdt')).toBe('BTC-USDT-SWAP');
  });

  it('refuses what OKX does not list', () => {
    expect(unifiedToOkx('BTC/USDT:BTC')).toBeUndefined();
    expect(unifiedToOkx('BTC/USD:USD')).toBeUndefined();
    expect(unifiedToOkx('BTC/USD:BTC-251340')).toBeUndefined();
    expect(unifiedToOkx('BTC-USDT-SWAP')).toBeUndefined();
    expect(okxToUnified('BTC-USD_UM-SWAP')).toBeUndefined();
    expect(okxToUnified('nonsense')).toBeUndefined();
  });

  it('resolves a symbol given either way', () => {
    expect(isUnifiedSymbol('BTC/USDT:USDT')).toBe(true);
    expect(toOkxInstId('BTC/USDT:USDT')).toBe('BTC-USDT-SWAP');
    expect(toOkxInstId('BTC-USDT-SWAP')).toBe('BTC-USDT-SWAP');
    expect(toOkxInstId('FOO/BAR:BAZ')).toBe('FOO/BAR:BAZ');
  });
});

describe('okx client ids', () => {
  it("accepts 1–32 letters/digits and the daemon's own ids", () => {
    expect(validateClientOrderId('vd1lq8z3k1m00a1b2c3S1')).toBe('vd1lq8z3k1m00a1b2c3S1');
    expect(isValidClientOrderId('a'.repeat(32))).toBe(true);
    expect(isValidClientOrderId('a'.repeat(33))).toBe(false);
  });

  it('refuses dashes, underscores, empty and long ids, naming the field', () => {
    expect(() => validateClientOrderId('')).toThrow(OkxRequestError);
    expect(() => validateClientOrderId('6b9ad766-b55d-4bcd')).toThrow(/clOrdId.*letters and digits/);
    expect(() => validateClientOrderId('a_b', 'algoClOrdId')).toThrow(/algoClOrdId/);
    expect(() => validateClientOrderId('a'.repeat(33))).toThrow(/33 characters/);
    expect(() => validateClientOrderId('ä')).toThrow(OkxRequestError);
    expect(validateTag('d1')).toBe('d1');
    expect(() => validateTag('a'.repeat(17))).toThrow(/tag/);
  });

  it('makes WS request ids from any text', () => {
    expect(toWsRequestId('123e4567-e89b-12d3-a456-426614174000')).toBe('123e4567e89b12d3a456426614174000');
    expect(toWsRequestId('sub-1')).toBe('sub1');
    expect(() => toWsRequestId('---')).toThrow(OkxRequestError);
  });
});

describe('okx contracts ↔ coin (exact)', () => {
  it('linear swaps: contracts × ctVal', () => {
    expect(contractsToBase(BTC, d('3')).toString()).toBe('0.03');
    expect(contractsToBase(ETH, d('0.37')).toString()).toBe('0.037');
    expect(baseToContracts(BTC, d('0.0345')).toString()).toBe('3.45');
    expect(baseToContracts(BTC, d('0.03456')).toString()).toBe('3.45');
    expect(baseToContracts(BTC, d('0.03456'), undefined, 'ceil').toString()).toBe('3.46');
    expect(notionalOf(BTC, d('3'), d('60000.1')).toString()).toBe('1800.003');
  });

  it('inverse swaps need a price: contracts × 100 USD / price', () => {
    expect(contractsToBase(INV, d('2'), d('50000')).toString()).toBe('0.004');
    expect(baseToContracts(INV, d('0.0041'), d('50000')).toString()).toBe('2');
    expect(notionalOf(INV, d('2'), d('50000')).toString()).toBe('200');
    expect(() => contractsToBase(INV, d('2'))).toThrow(/positive price/);
    expect(() => baseToContracts(INV, d('1'), d('0'))).toThrow(OkxRequestError);
  });

  it('spot is sized in base coin already', () => {
    expect(contractsToBase(SPOT, d('0.5')).toString()).toBe('0.5');
    expect(baseToContracts(SPOT, d('0.123456789')).toString()).toBe('0.12345678');
  });

  it('no float artefacts: 0.1 + 0.2 contracts of ETH', () => {
    expect(contractsToBase(ETH, d('0.1').plus('0.2')).toString()).toBe('0.03');
  });
});

describe('okx instrument value currency', () => {
  const records = okxFixtureData('http_get_public_instruments_swap_capture.json') as Record<string, unknown>[];
  it('an option is valued in its coin even though it settles in it', () => {
    const option = {
      ...records[0],
      instType: 'OPTION',
      instId: 'BTC-USD-250328-60000-C',
      ctType: '',
      ctVal: '0.01',
      ctValCcy: 'BTC',
      lotSz: '1',
      minSz: '1',
      tickSz: '0.0005',
      expTime: '1743148800000',
      optType: 'C',
      stk: '60000',
    };
    const { instruments, skipped } = parseInstruments([option]);
    expect(skipped).toEqual([]);
    const o = instruments[0]?.instrument as Instrument;
    expect(o).toMatchObject({ kind: 'option', inverse: true, optionType: 'call', expiryMs: 1743148800000 });
    expect(o.strike?.toString()).toBe('60000');
    expect(contractsToBase(o, d('3')).toString()).toBe('0.03');
  });

  it('a record whose ctValCcy breaks the sizing rule is skipped, not mis-sized', () => {
    const { skipped } = parseInstruments([{ ...records[2], ctValCcy: 'USDT' }]);
    expect(skipped[0]?.reason).toMatch(/ctValCcy: contract value is in USDT, expected BTC/);
  });
});

describe('okx rounding to lot and tick', () => {
  it('rounds sizes down to the lot and enforces minSz', () => {
    expect(roundContracts(BTC, d('1.239')).toString()).toBe('1.23');
    expect(roundContracts(INV, d('7.9')).toString()).toBe('7');
    expect(() => roundContracts(BTC, d('0.009'))).toThrow(/below the minimum 0.01/);
    expect(() => roundContracts(INV, d('0.5'))).toThrow(/sz/);
    expect(() => roundContracts(BTC, d('-1'), 'size')).toThrow(/size: must be positive/);
  });

  it('rounds prices to the tick toward the safe side', () => {
    expect(roundPriceForSide(BTC, d('60000.15'), 'buy').toString()).toBe('60000.1');
    expect(roundPriceForSide(BTC, d('60000.11'), 'sell').toString()).toBe('60000.2');
    expect(roundPriceForSide(ETH, d('3000.005'), 'sell').toString()).toBe('3000.01');
    expect(roundToTick(BTC, d('60000.15'), 'half-up').toString()).toBe('60000.2');
    expect(roundToTick(BTC, d('60000.1'), 'floor').toString()).toBe('60000.1');
    expect(() => roundPriceForSide(BTC, d('0.04'), 'buy', 'triggerPrice')).toThrow(/triggerPrice: 0.04 rounds to 0/);
  });
});
