/**
 * Instruments: kind, size unit, tick and lot grids, and the pure rounding and size-unit
 * conversions sent orders go through.
 */
import { Decimal } from './decimal.js';

export type InstrumentKind = 'perpetual' | 'future' | 'option' | 'spot';
export type OptionType = 'call' | 'put';

/**
 * The unit an order's size is expressed in on this instrument's venue.
 * - `contracts`: number of contracts (OKX swaps); base quantity = contracts x contractSize
 * - `base`: base-coin quantity (Bybit linear, Deribit options)
 * - `quote`: quote-currency notional, e.g. USD on Deribit inverse perpetuals
 */
export type SizeUnit = 'contracts' | 'base' | 'quote';

export interface TickStep {
  /** Above this price the coarser tick applies. */
  readonly abovePrice: Decimal;
  readonly tickSize: Decimal;
}

export interface Instrument {
  readonly venue: string;
  /** The venue's own instrument name, e.g. BTC-PERPETUAL, BTC-USDT-SWAP, BTCUSDT. */
  readonly symbol: string;
  readonly kind: InstrumentKind;
  readonly base: string;
  readonly quote: string;
  readonly settle: string;
  /** Inverse (coin-margined) contract: P&L is in the base coin. */
  readonly inverse: boolean;
  readonly tickSize: Decimal;
  /** Price-dependent tick sizes (Deribit options); ordered by abovePrice ascending. */
  readonly tickSteps: readonly TickStep[];
  /** Size increment in `sizeUnit`. */
  readonly lotSize: Decimal;
  /** Minimum order size in `sizeUnit`. */
  readonly minSize: Decimal;
  /** Value of one contract (USD for inverse, base coin for linear). */
  readonly contractSize: Decimal;
  readonly sizeUnit: SizeUnit;
  readonly expiryMs?: number;
  readonly strike?: Decimal;
  readonly optionType?: OptionType;
  readonly active: boolean;
}

/** The tick that applies at `price`: the coarsest step whose threshold the price exceeds. */
export function tickAt(instrument: Instrument, price: Decimal): Decimal {
  let tick = instrument.tickSize;
  for (const step of instrument.tickSteps) {
    if (price.gt(step.abovePrice)) tick = step.tickSize;
  }
  return tick;
}

/**
 * Round a price to the instrument's tick. `mode` lets the caller round conservatively
 * (e.g. a long's stop rounded up stays on the losing side of where it was asked).
 */
export function roundPrice(instrument: Instrument, price: Decimal, mode: 'floor' | 'ceil' | 'half-up' = 'half-up'): Decimal {
  return price.roundToStep(tickAt(instrument, price), mode);
}

/** Round a size down to the lot size (never send more than asked). */
export function roundSize(instrument: Instrument, size: Decimal): Decimal {
  return size.roundToStep(instrument.lotSize, 'floor');
}

/**
 * Convert a size in the instrument's venue unit to base-coin quantity at `price`.
 * Inverse quote-sized contracts (Deribit BTC-PERPETUAL, USD) need the price.
 */
export function sizeToBase(instrument: Instrument, size: Decimal, price: Decimal): Decimal {
  switch (instrument.sizeUnit) {
    case 'base':
      return size;
    case 'contracts':
      return size.times(instrument.contractSize);
    case 'quote':
      if (price.isZero()) throw new RangeError(`cannot convert ${instrument.symbol} size to base at price 0`);
      return size.div(price, 12, 'trunc');
  }
}

/** Convert a quote-currency notional (USD) into the venue unit at `price`, rounded down to the lot. */
export function notionalToSize(instrument: Instrument, notional: Decimal, price: Decimal): Decimal {
  let size: Decimal;
  switch (instrument.sizeUnit) {
    case 'quote':
      size = notional;
      break;
    case 'base':
      size = notional.div(price, 12, 'trunc');
      break;
    case 'contracts':
      size = notional.div(price.times(instrument.contractSize), 12, 'trunc');
      break;
  }
  return roundSize(instrument, size);
}
