/** Fills, positions, balances and tickers as the venues report them, venue-neutral. */
import type { Decimal } from './decimal.js';
import type { Side } from './order.js';

export interface Fill {
  readonly venue: string;
  readonly tradeId: string;
  readonly venueOrderId: string;
  readonly clientId?: string;
  readonly symbol: string;
  readonly side: Side;
  /** In the instrument's venue unit. */
  readonly size: Decimal;
  readonly price: Decimal;
  readonly fee: Decimal;
  readonly feeCurrency: string;
  readonly liquidity: 'maker' | 'taker' | 'unknown';
  readonly tsMs: number;
}

/** Net position; `size` is signed (negative = short) in the instrument's venue unit. */
export interface Position {
  readonly venue: string;
  readonly symbol: string;
  readonly size: Decimal;
  readonly avgPrice: Decimal;
  readonly markPrice?: Decimal;
  readonly unrealizedPnl?: Decimal;
  readonly realizedPnl?: Decimal;
  readonly updatedAtMs: number;
}

export interface Balance {
  readonly venue: string;
  readonly currency: string;
  readonly equity: Decimal;
  readonly available: Decimal;
  readonly updatedAtMs: number;
}

export interface Greeks {
  readonly delta: Decimal;
  readonly gamma: Decimal;
  readonly vega: Decimal;
  readonly theta: Decimal;
  readonly rho?: Decimal;
}

export interface Ticker {
  readonly venue: string;
  readonly symbol: string;
  readonly bid?: Decimal;
  readonly ask?: Decimal;
  readonly last?: Decimal;
  readonly mark?: Decimal;
  readonly index?: Decimal;
  readonly markIv?: Decimal;
  readonly greeks?: Greeks;
  readonly tsMs: number;
}
