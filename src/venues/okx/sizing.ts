/**
 * OKX sizing (spec 10), exact Decimal only: contracts ↔ coin conversion through `ctVal × ctMult`,
 * rounding to `lotSz`/`tickSz` with the `minSz` check. SWAP/FUTURES/OPTION sizes are contracts;
 * SPOT sizes are base coin. Linear contracts (and options) are worth `contractSize` base coin;
 * inverse swaps/futures `contractSize` USD, so their coin value needs a price.
 */
import { Decimal } from '../../domain/decimal.js';
import type { Instrument } from '../../domain/instrument.js';
import type { Side } from '../../domain/order.js';
import { OkxRequestError } from './errors.js';

/** Decimal places kept when a conversion has to divide (results are then rounded to the lot). */
const DIV_SCALE = 18;

/**
 * True when one contract is worth `contractSize` of the quote currency (USD): inverse swaps and
 * futures (`ctValCcy` USD). Linear contracts and options are worth `contractSize` of the base coin
 * (`parseInstrument` checks `ctValCcy` against this rule and skips records that break it).
 */
export function isQuoteValued(instrument: Instrument): boolean {
  return instrument.sizeUnit === 'contracts' && instrument.inverse && instrument.kind !== 'option';
}

/**
 * Base-coin quantity of `size` in the instrument's unit. Linear contracts: `size × contractSize`
 * (BTC-USDT-SWAP: 3 contracts × 0.01 = 0.03 BTC). Inverse contracts: `size × contractSize / price`
 * (BTC-USD-SWAP: 2 × 100 USD / 50000 = 0.004 BTC; needs a positive `price`). Spot: unchanged.
 */
export function contractsToBase(instrument: Instrument, size: Decimal, price?: Decimal): Decimal {
  if (instrument.sizeUnit !== 'contracts') return size;
  const value = size.times(instrument.contractSize);
  if (!isQuoteValued(instrument)) return value;
  if (price === undefined || !price.isPositive()) {
    throw new OkxRequestError(
      'price',
      `converting ${instrument.symbol} contracts to coin needs a positive price (inverse contract worth ${instrument.contractSize.toString()} USD)`,
    );
  }
  return value.div(price, DIV_SCALE, 'trunc');
}

/**
 * Contracts for a base-coin quantity, rounded to the lot with `mode` (default floor: never more
 * than asked). Not checked against `minSz`: `roundContracts` does that for orders. Inverse needs a price.
 */
export function baseToContracts(
  instrument: Instrument,
  baseQty: Decimal,
  price?: Decimal,
  mode: 'floor' | 'ceil' | 'half-up' = 'floor',
): Decimal {
  if (instrument.sizeUnit !== 'contracts') return baseQty.roundToStep(instrument.lotSize, mode);
  let contracts: Decimal;
  if (isQuoteValued(instrument)) {
    if (price === undefined || !price.isPositive()) {
      throw new OkxRequestError('price', `converting coin to ${instrument.symbol} contracts needs a positive price`);
    }
    contracts = baseQty.times(price).div(instrument.contractSize, DIV_SCALE, 'trunc');
  } else {
    contracts = baseQty.div(instrument.contractSize, DIV_SCALE, 'trunc');
  }
  return contracts.roundToStep(instrument.lotSize, mode);
}

/** Quote-currency notional of `size` at `price`: linear `size × contractSize × price`, inverse `size × contractSize` (USD), spot `size × price`. */
export function notionalOf(instrument: Instrument, size: Decimal, price: Decimal): Decimal {
  if (isQuoteValued(instrument)) return size.times(instrument.contractSize);
  return contractsToBase(instrument, size, price).times(price);
}

/**
 * Rounds an order size down to the lot (never send more than asked) and checks the minimum;
 * throws an OkxRequestError naming `field` when it is not positive or rounds below `minSz`
 * (OKX would answer `51020`/`51121`).
 */
export function roundContracts(instrument: Instrument, size: Decimal, field = 'sz'): Decimal {
  if (!size.isPositive()) throw new OkxRequestError(field, `must be positive, got ${size.toString()}`);
  const rounded = size.roundToStep(instrument.lotSize, 'floor');
  if (rounded.lt(instrument.minSize) || rounded.isZero()) {
    throw new OkxRequestError(
      field,
      `${size.toString()} ${instrument.sizeUnit} rounds down to ${rounded.toString()} at lot ${instrument.lotSize.toString()}, ` +
        `below the minimum ${instrument.minSize.toString()} for ${instrument.symbol}`,
    );
  }
  return rounded;
}

/** Rounds a price to `tickSz` with `mode`; throws an OkxRequestError naming `field` when it is not positive before or after. */
export function roundToTick(instrument: Instrument, price: Decimal, mode: 'floor' | 'ceil' | 'half-up', field = 'px'): Decimal {
  if (!price.isPositive()) throw new OkxRequestError(field, `must be positive, got ${price.toString()}`);
  const rounded = price.roundToStep(instrument.tickSize, mode);
  if (!rounded.isPositive())
    throw new OkxRequestError(field, `${price.toString()} rounds to ${rounded.toString()} at tick ${instrument.tickSize.toString()}`);
  return rounded;
}

/**
 * Rounds a price to the tick toward the side's safe direction: buys round down (never pay more; a
 * buy stop triggers no later), sells round up (never sell for less; a sell stop triggers no later).
 */
export function roundPriceForSide(instrument: Instrument, price: Decimal, side: Side, field = 'px'): Decimal {
  return roundToTick(instrument, price, side === 'buy' ? 'floor' : 'ceil', field);
}
