/** Pure realized-P&L arithmetic of one trade, in the instrument's quote currency (USD for USD-quoted contracts). */
import { Decimal } from '../domain/decimal.js';
import { type Instrument, sizeToBase } from '../domain/instrument.js';
import type { Side } from '../domain/order.js';

/** One execution: size in the venue unit, price, and fee in `feeCurrency`. */
export interface Execution {
  readonly size: Decimal;
  readonly price: Decimal;
  readonly fee?: Decimal;
  readonly feeCurrency?: string;
}

/** Volume-weighted average price of `executions`; undefined when there are none. */
export function averagePrice(executions: readonly Execution[]): Decimal | undefined {
  let size = Decimal.ZERO;
  let notional = Decimal.ZERO;
  for (const e of executions) {
    size = size.plus(e.size);
    notional = notional.plus(e.size.times(e.price));
  }
  return size.isPositive() ? notional.div(size, 10) : undefined;
}

/**
 * Realized P&L of a trade in the quote currency: for each exit, the base quantity it closed
 * (converted at the average entry price, which is exact for linear contracts and gives the USD
 * P&L at the exit for inverse ones) times the price move, minus fees (fees in the base coin are
 * converted at the execution price). Returns zero when nothing was entered.
 */
export function realizedPnl(instrument: Instrument, side: Side, entries: readonly Execution[], exits: readonly Execution[]): Decimal {
  const avgEntry = averagePrice(entries);
  if (avgEntry === undefined) return Decimal.ZERO;
  const direction = side === 'buy' ? 1 : -1;
  let pnl = Decimal.ZERO;
  for (const exit of exits) {
    const base = sizeToBase(instrument, exit.size, avgEntry);
    pnl = pnl.plus(base.times(exit.price.minus(avgEntry)).times(direction));
  }
  for (const e of [...entries, ...exits]) {
    if (e.fee === undefined || e.fee.isZero()) continue;
    const inBase = e.feeCurrency !== undefined && e.feeCurrency === instrument.base && instrument.quote !== instrument.base;
    pnl = pnl.minus(inBase ? e.fee.times(e.price) : e.fee);
  }
  return pnl.roundToStep('0.00000001', 'half-up');
}
