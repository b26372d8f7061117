/**
 * Pure position and P&L arithmetic, in the settle currency. Inverse futures (USD notional, coin-settled)
 * use harmonic average prices and coin P&L `usd * (1/avg - 1/price)`; linear futures (coin quantity,
 * USDT-settled) value-weighted averages and P&L `coin * (price - avg)`; inverse options are priced in
 * coin, so their P&L is linear: `size * (price - avg)`. `usd` / `coin` = amount x unitValue.
 */
import { Decimal } from '../../domain/decimal.js';
import { unitValue } from './instruments.js';
import type { Direction, SimInstrument } from './types.js';

/** Decimal places kept for coin amounts (fees, P&L, balances). */
export const COIN_SCALE = 9;
/** Decimal places kept for average prices. */
export const AVG_SCALE = 8;

export interface PositionState {
  /** Signed: negative for shorts. */
  readonly size: Decimal;
  readonly averagePrice: Decimal;
  /** Cumulative realized P&L in coin. */
  readonly realized: Decimal;
}

export const FLAT: PositionState = { size: Decimal.ZERO, averagePrice: Decimal.ZERO, realized: Decimal.ZERO };

function signed(direction: Direction, amount: Decimal): Decimal {
  return direction === 'buy' ? amount : amount.neg();
}

/** True when P&L and averages are linear in price: options (coin-priced) and linear futures. */
function linearInPrice(instrument: SimInstrument): boolean {
  return instrument.kind === 'option' || instrument.contractType === 'linear';
}

/**
 * Futures: the amount in the contract's denomination — USD notional for inverse, coin quantity for
 * linear — i.e. `amount x unitValue` (Deribit's USD amounts and Bybit's coin amounts are 1:1).
 */
export function contractQuantity(instrument: SimInstrument, amount: Decimal): Decimal {
  return amount.times(unitValue(instrument));
}

/** P&L in the settle currency of `size` (signed, amount unit) opened at `entry` and valued at `price`. */
export function pnlOf(instrument: SimInstrument, size: Decimal, entry: Decimal, price: Decimal): Decimal {
  if (size.isZero() || entry.isZero() || price.isZero()) return Decimal.ZERO;
  if (instrument.kind === 'option') return size.times(price.minus(entry)).roundToStep('1e-9', 'half-up');
  const qty = contractQuantity(instrument, size);
  if (instrument.contractType === 'linear') return qty.times(price.minus(entry)).roundToStep('1e-9', 'half-up');
  const perUsd = Decimal.from(1).div(entry, 18).minus(Decimal.from(1).div(price, 18));
  return qty.times(perUsd).roundToStep('1e-9', 'half-up');
}

/** Absolute value of `amount` at `price` in the settle currency (futures): coin for inverse, USDT for linear. */
export function notionalOf(instrument: SimInstrument, amount: Decimal, price: Decimal): Decimal {
  const qty = contractQuantity(instrument, amount.abs());
  if (instrument.contractType === 'linear') return qty.times(price);
  return price.isPositive() ? qty.div(price, COIN_SCALE) : Decimal.ZERO;
}

/** Futures: signed size in the underlying coin (inverse: at `price`). */
export function coinSizeOf(instrument: SimInstrument, size: Decimal, price: Decimal): Decimal {
  const qty = contractQuantity(instrument, size);
  if (instrument.contractType === 'linear') return qty;
  return price.isPositive() ? qty.div(price, COIN_SCALE) : Decimal.ZERO;
}

/** Amount (unsigned) that an order in `direction` could take off the position. */
export function reducibleAmount(state: PositionState, direction: Direction): Decimal {
  if (state.size.isZero()) return Decimal.ZERO;
  const reduces = (state.size.isPositive() && direction === 'sell') || (state.size.isNegative() && direction === 'buy');
  return reduces ? state.size.abs() : Decimal.ZERO;
}

export interface FillOutcome {
  readonly next: PositionState;
  /** P&L realized by this fill (coin). */
  readonly realized: Decimal;
}

/** Applies one fill to a position: extends it, reduces it (realizing P&L), or flips it. */
export function applyFill(
  state: PositionState,
  instrument: SimInstrument,
  direction: Direction,
  amount: Decimal,
  price: Decimal,
): FillOutcome {
  const delta = signed(direction, amount);
  const size = state.size;
  if (size.isZero() || size.sign() === delta.sign()) {
    const newSize = size.plus(delta);
    const avg = averageAfterAdd(instrument, size.abs(), state.averagePrice, amount, price);
    return { next: { size: newSize, averagePrice: avg, realized: state.realized }, realized: Decimal.ZERO };
  }
  const closeQty = Decimal.min(size.abs(), amount);
  const closedSigned = size.isPositive() ? closeQty : closeQty.neg();
  const realized = pnlOf(instrument, closedSigned, state.averagePrice, price);
  const newSize = size.plus(delta);
  let avg = state.averagePrice;
  if (newSize.isZero()) avg = Decimal.ZERO;
  else if (newSize.sign() !== size.sign()) avg = price; // flipped: the remainder opened at this price
  return { next: { size: newSize, averagePrice: avg, realized: state.realized.plus(realized) }, realized };
}

function averageAfterAdd(instrument: SimInstrument, oldQty: Decimal, oldAvg: Decimal, addQty: Decimal, price: Decimal): Decimal {
  if (oldQty.isZero()) return price;
  const total = oldQty.plus(addQty);
  if (linearInPrice(instrument)) {
    // Value-weighted: sum(q * p) / sum(q) (the unit value cancels out).
    return oldQty.times(oldAvg).plus(addQty.times(price)).div(total, AVG_SCALE);
  }
  // Inverse: the average that keeps coin value consistent is harmonic.
  const coin = oldQty.div(oldAvg, 18).plus(addQty.div(price, 18));
  return total.div(coin, AVG_SCALE);
}

/**
 * Fee for a fill in the settle currency. Futures: rate x notional (inverse: USD / price in coin;
 * linear: coin x price in USDT). Options: per-contract rate capped at 12.5 % of the premium.
 */
export function feeFor(instrument: SimInstrument, amount: Decimal, price: Decimal, liquidity: 'M' | 'T'): Decimal {
  const rate = liquidity === 'M' ? instrument.makerCommission : instrument.takerCommission;
  if (instrument.kind === 'option') {
    const fee = amount.times(rate);
    const cap = amount.times(price).times('0.125');
    return Decimal.min(fee, cap).roundToStep('1e-8', 'half-up');
  }
  const qty = contractQuantity(instrument, amount);
  if (instrument.contractType === 'linear') return qty.times(price).times(rate).roundToStep('1e-8', 'half-up');
  return qty.div(price, 18).times(rate).roundToStep('1e-8', 'half-up');
}

/** Futures margins from the absolute notional in the settle currency: initial 1 / max leverage, maintenance 70 % of it. */
export function futuresMargins(instrument: SimInstrument, notionalAbs: Decimal): { initial: Decimal; maintenance: Decimal } {
  const initial = notionalAbs.div(instrument.maxLeverage, COIN_SCALE);
  return { initial, maintenance: initial.times('0.7').roundToStep('1e-9', 'half-up') };
}

/** Simple short-option margin: 15 % (initial) / 7.5 % (maintenance) of the underlying plus the mark. */
export function optionMargins(size: Decimal, mark: Decimal): { initial: Decimal; maintenance: Decimal } {
  if (!size.isNegative()) return { initial: Decimal.ZERO, maintenance: Decimal.ZERO };
  const q = size.abs();
  return { initial: q.times(mark.plus('0.15')), maintenance: q.times(mark.plus('0.075')) };
}
