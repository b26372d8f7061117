/** Linear (coin, USDT P&L) and inverse (USD contracts, coin P&L) sizing and P&L against bybit.md section 10's formulas and worked numbers. */
import { describe, expect, it } from 'vitest';

import { dec } from '../../../src/domain/decimal.js';
import type { Instrument } from '../../../src/domain/instrument.js';
import { BybitRequestError } from '../../../src/venues/bybit/errors.js';
import {
  averageEntry,
  coinToQty,
  inversePnl,
  linearPnl,
  pnlOf,
  priceToWire,
  qtyToCoin,
  qtyToWire,
  unitName,
} from '../../../src/venues/bybit/sizing.js';

const base = { venue: 'bybit', kind: 'perpetual', tickSteps: [], contractSize: dec(1), active: true } as const;
const linear: Instrument = {
  ...base,
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  settle: 'USDT',
  inverse: false,
  tickSize: dec('0.1'),
  lotSize: dec('0.001'),
  minSize: dec('0.001'),
  sizeUnit: 'base',
};
const inverse: Instrument = {
  ...base,
  symbol: 'BTCUSD',
  base: 'BTC',
  quote: 'USD',
  settle: 'BTC',
  inverse: true,
  tickSize: dec('0.5'),
  lotSize: dec(1),
  minSize: dec(1),
  sizeUnit: 'quote',
};

describe('bybit sizing', () => {
  it('linear P&L: long 0.1 BTCUSDT 50000 → 55000 = +500 USDT; short mirrored', () => {
    expect(linearPnl('buy', dec('0.1'), dec(50000), dec(55000)).eq(500)).toBe(true);
    expect(linearPnl('sell', dec('0.1'), dec(50000), dec(55000)).eq(-500)).toBe(true);
    expect(pnlOf(linear, 'buy', dec('0.1'), dec(50000), dec(55000)).eq(500)).toBe(true);
  });

  it('inverse P&L: long 1000 BTCUSD 50000 → 55000 = +0.00181818 BTC; → 45000 = −0.00222222 BTC', () => {
    expect(inversePnl('buy', dec(1000), dec(50000), dec(55000)).roundToStep('0.00000001', 'trunc').toString()).toBe('0.00181818');
    expect(inversePnl('buy', dec(1000), dec(50000), dec(45000)).roundToStep('0.00000001', 'trunc').toString()).toBe('-0.00222222');
    // short = qty × (1/exit − 1/entry)
    expect(inversePnl('sell', dec(1000), dec(50000), dec(45000)).roundToStep('0.00000001', 'trunc').toString()).toBe('0.00222222');
    expect(pnlOf(inverse, 'buy', dec(1000), dec(50000), dec(55000)).eq(inversePnl('buy', dec(1000), dec(50000), dec(55000)))).toBe(true);
  });

  it('converts inverse contracts to coin (1000 USD at 50000 = 0.02 BTC) and back; linear qty is coin', () => {
    expect(qtyToCoin(inverse, dec(1000), dec(50000)).eq('0.02')).toBe(true);
    expect(coinToQty(inverse, dec('0.02'), dec(50000)).eq(1000)).toBe(true);
    expect(qtyToCoin(linear, dec('0.5'), dec(50000)).eq('0.5')).toBe(true);
    expect(coinToQty(linear, dec('0.12345'), dec(50000)).toString()).toBe('0.123');
    expect(unitName(inverse)).toBe('USD contracts');
    expect(unitName(linear)).toBe('BTC');
  });

  it('rounds qty down to the step and price to the tick, as strings without float artefacts', () => {
    expect(qtyToWire(linear, dec('0.0109'))).toBe('0.01');
    expect(qtyToWire(inverse, dec('500.9'))).toBe('500');
    expect(priceToWire(linear, dec('30000.06'))).toBe('30000.1');
    expect(priceToWire(inverse, dec('36500.7'), 'floor')).toBe('36500.5');
    expect(() => qtyToWire(linear, dec('0.0009'))).toThrow(BybitRequestError);
    expect(() => qtyToWire(inverse, dec('0.5'))).toThrow(/USD contracts/);
  });

  it('averages entries: linear value-weighted, inverse harmonic', () => {
    expect(
      averageEntry(linear, [
        { qty: dec(1), price: dec(100) },
        { qty: dec(1), price: dec(200) },
      ]).eq(150),
    ).toBe(true);
    expect(
      averageEntry(inverse, [
        { qty: dec(100), price: dec(100) },
        { qty: dec(100), price: dec(200) },
      ]).toString(),
    ).toBe('133.33333333');
  });
});
