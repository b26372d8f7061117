/** Decimal arithmetic, and instrument rounding and size-unit conversion. */
import { describe, expect, it } from 'vitest';

import { dec, Decimal } from '../../src/domain/decimal.js';
import { type Instrument, notionalToSize, roundPrice, roundSize, sizeToBase } from '../../src/domain/instrument.js';

describe('Decimal', () => {
  it('parses strings, numbers and exponents exactly and prints plain notation', () => {
    expect(dec('0.1').plus('0.2').toString()).toBe('0.3');
    expect(dec(0.1).plus(0.2).toString()).toBe('0.3');
    expect(dec('1e-8').toString()).toBe('0.00000001');
    expect(dec('-12.500').toString()).toBe('-12.5');
    expect(dec('2.5E3').toString()).toBe('2500');
    expect(dec('.5').toString()).toBe('0.5');
    expect(() => dec('abc')).toThrow(/not a decimal: "abc"/);
    expect(() => dec(Number.NaN)).toThrow(/not a finite number/);
    expect(Decimal.tryFrom('x')).toBeUndefined();
  });

  it('multiplies, divides and compares exactly', () => {
    expect(dec('1.1').times('1.1').toString()).toBe('1.21');
    expect(dec('1').div('3', 8).toString()).toBe('0.33333333');
    expect(dec('2').div('3', 4).toString()).toBe('0.6667');
    expect(dec('-2').div('3', 4, 'trunc').toString()).toBe('-0.6666');
    expect(dec('10').cmp('9.99')).toBe(1);
    expect(dec('1.0').eq('1')).toBe(true);
    expect(() => dec(1).div(0)).toThrow(/division by zero/);
  });

  it('rounds to a step in every mode, negatives included', () => {
    expect(dec('60000.26').roundToStep('0.5').toString()).toBe('60000.5');
    expect(dec('60000.24').roundToStep('0.5').toString()).toBe('60000');
    expect(dec('60000.26').roundToStep('0.5', 'floor').toString()).toBe('60000');
    expect(dec('60000.01').roundToStep('0.5', 'ceil').toString()).toBe('60000.5');
    expect(dec('-1.25').roundToStep('0.5', 'floor').toString()).toBe('-1.5');
    expect(dec('-1.25').roundToStep('0.5', 'half-up').toString()).toBe('-1.5');
    expect(dec('0.0415').roundToStep('0.0005').toString()).toBe('0.0415');
    expect(dec('105').isMultipleOf('10')).toBe(false);
    expect(dec('110').isMultipleOf('10')).toBe(true);
  });
});

const perp: Instrument = {
  venue: 'deribit',
  symbol: 'BTC-PERPETUAL',
  kind: 'perpetual',
  base: 'BTC',
  quote: 'USD',
  settle: 'BTC',
  inverse: true,
  tickSize: dec('0.5'),
  tickSteps: [],
  lotSize: dec('10'),
  minSize: dec('10'),
  contractSize: dec('10'),
  sizeUnit: 'quote',
  active: true,
};

const option: Instrument = {
  ...perp,
  symbol: 'BTC-27DEC26-60000-C',
  kind: 'option',
  tickSize: dec('0.0001'),
  tickSteps: [{ abovePrice: dec('0.005'), tickSize: dec('0.0005') }],
  lotSize: dec('0.1'),
  minSize: dec('0.1'),
  contractSize: dec('1'),
  sizeUnit: 'base',
};

describe('instrument rounding and size units', () => {
  it('rounds prices to the tick, using the coarser step above its threshold', () => {
    expect(roundPrice(perp, dec('60000.3')).toString()).toBe('60000.5');
    expect(roundPrice(option, dec('0.0042')).toString()).toBe('0.0042');
    expect(roundPrice(option, dec('0.0417')).toString()).toBe('0.0415');
    expect(roundPrice(perp, dec('58000.4'), 'ceil').toString()).toBe('58000.5');
  });

  it('rounds sizes down to the lot', () => {
    expect(roundSize(perp, dec('105')).toString()).toBe('100');
    expect(roundSize(option, dec('0.55')).toString()).toBe('0.5');
  });

  it('converts USD-sized inverse contracts to coin and notionals to venue units explicitly', () => {
    expect(sizeToBase(perp, dec('600'), dec('60000')).toString()).toBe('0.01');
    expect(notionalToSize(perp, dec('1234'), dec('60000')).toString()).toBe('1230');
    expect(notionalToSize(option, dec('3100'), dec('60000')).toString()).toBe('0');
    expect(
      notionalToSize(
        { ...perp, sizeUnit: 'contracts', contractSize: dec('0.01'), lotSize: dec('1') },
        dec('1500'),
        dec('60000'),
      ).toString(),
    ).toBe('2');
  });
});
