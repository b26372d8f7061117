/**
 * Size units and P&L per category (spec 10), explicit: linear `qty` is base coin (BTCUSDT: BTC)
 * with P&L in the quote (USDT); inverse `qty` is USD contracts (BTCUSD: 1 contract = 1 USD) with
 * P&L in the coin. Rounding to tick and lot from instrument metadata. Pure, exact decimals.
 */
import { Decimal } from '../../domain/decimal.js';
import type { Instrument } from '../../domain/instrument.js';
import type { Side } from '../../domain/order.js';
import { BybitRequestError } from './errors.js';

/** Coin decimals kept by inverse P&L and contract → coin conversions. */
const COIN_SCALE = 12;

/**
 * A size in the instrument's venue unit, rounded down to `qtyStep` (never more than asked), as the
 * wire string. Below `minOrderQty` (after rounding) it is refused, naming the numbers.
 */
export function qtyToWire(instrument: Instrument, size: Decimal, what = 'qty'): string {
  if (!size.isPositive()) throw new BybitRequestError(what, `size must be positive, got ${size.toString()}`);
  const rounded = size.roundToStep(instrument.lotSize, 'floor');
  if (rounded.lt(instrument.minSize) || rounded.isZero()) {
    throw new BybitRequestError(
      what,
      `${size.toString()} ${unitName(instrument)} rounds down to ${rounded.toString()}, below the ${instrument.symbol} minimum ${instrument.minSize.toString()} (step ${instrument.lotSize.toString()})`,
    );
  }
  return rounded.toString();
}

/** A price rounded to `tickSize` (`mode` lets a stop round conservatively), as the wire string. */
export function priceToWire(
  instrument: Instrument,
  price: Decimal,
  mode: 'floor' | 'ceil' | 'half-up' = 'half-up',
  what = 'price',
): string {
  if (!price.isPositive()) throw new BybitRequestError(what, `price must be positive, got ${price.toString()}`);
  return price.roundToStep(instrument.tickSize, mode).toString();
}

/** What one unit of an order's size is: `BTC` for linear BTCUSDT, `USD contracts` for inverse BTCUSD. */
export function unitName(instrument: Instrument): string {
  return instrument.inverse ? `${instrument.quote} contracts` : instrument.base;
}

/** Linear: the base-coin quantity is the qty itself. Inverse: USD contracts → coin at `price` (qty × contractSize / price). */
export function qtyToCoin(instrument: Instrument, qty: Decimal, price: Decimal): Decimal {
  if (!instrument.inverse) return qty;
  if (!price.isPositive()) throw new RangeError(`cannot convert ${instrument.symbol} contracts to coin at price ${price.toString()}`);
  return qty.times(instrument.contractSize).div(price, COIN_SCALE, 'trunc');
}

/** Coin quantity → venue qty, rounded down to the lot: linear the coin itself, inverse coin × price / contractSize. */
export function coinToQty(instrument: Instrument, coin: Decimal, price: Decimal): Decimal {
  const raw = instrument.inverse ? coin.times(price).div(instrument.contractSize, COIN_SCALE, 'trunc') : coin;
  return raw.roundToStep(instrument.lotSize, 'floor');
}

/** Linear P&L in the quote currency: long `qty × (exit − entry)`, short `qty × (entry − exit)`. */
export function linearPnl(side: Side, qty: Decimal, entry: Decimal, exit: Decimal): Decimal {
  const diff = exit.minus(entry);
  return (side === 'buy' ? diff : diff.neg()).times(qty);
}

/**
 * Inverse P&L in the coin: long `qty × (1/entry − 1/exit)`, short `qty × (1/exit − 1/entry)`,
 * computed as `qty × (exit − entry) / (entry × exit)` (one rounding, to 12 decimals, toward zero).
 */
export function inversePnl(side: Side, qty: Decimal, entry: Decimal, exit: Decimal): Decimal {
  if (!entry.isPositive() || !exit.isPositive()) throw new RangeError('inverse P&L needs positive entry and exit prices');
  const diff = exit.minus(entry);
  const signed = side === 'buy' ? diff : diff.neg();
  return qty.times(signed).div(entry.times(exit), COIN_SCALE, 'trunc');
}

/** The P&L of closing `qty` from `entry` to `exit` in the instrument's settlement unit (its `settle` currency). */
export function pnlOf(instrument: Instrument, side: Side, qty: Decimal, entry: Decimal, exit: Decimal): Decimal {
  return instrument.inverse ? inversePnl(side, qty, entry, exit) : linearPnl(side, qty, entry, exit);
}

/** Average entry when adding to a position: linear value-weighted Σ(q·p)/Σq, inverse harmonic Σq / Σ(q/p). */
export function averageEntry(instrument: Instrument, legs: ReadonlyArray<{ readonly qty: Decimal; readonly price: Decimal }>): Decimal {
  let qty = Decimal.ZERO;
  let acc = Decimal.ZERO;
  for (const leg of legs) {
    qty = qty.plus(leg.qty);
    acc = acc.plus(instrument.inverse ? leg.qty.div(leg.price, 18, 'half-up') : leg.qty.times(leg.price));
  }
  if (qty.isZero()) return Decimal.ZERO;
  return instrument.inverse ? qty.div(acc, 8, 'half-up') : acc.div(qty, 8, 'half-up');
}
