/**
 * What an entry check speaks: a refusal, an intent after validation, and the gate (risk) the
 * OrderManager asks before every entry. Shared by orders/ and risk/ so neither imports the other.
 */
import type { Decimal } from './decimal.js';
import type { Side } from './order.js';

/** A refusal: a stable code and a sentence an operator can act on. */
export interface Refusal {
  readonly code: string;
  readonly reason: string;
}

/** An intent after validation: every figure rounded to the instrument's grid. */
export interface ValidatedIntent {
  readonly venue: string;
  readonly symbol: string;
  readonly side: Side;
  /** In the instrument's venue unit, rounded down to the lot. */
  readonly size: Decimal;
  readonly entryType: 'market' | 'limit';
  readonly entryPrice?: Decimal;
  /** The price risk is measured from: the limit price, or the market reference. */
  readonly referencePrice: Decimal;
  readonly stopPrice: Decimal;
  readonly takeProfitPrice?: Decimal;
  /** Notional in the quote currency at the reference price. */
  readonly notional: Decimal;
  /** Loss in the quote currency if the stop fills at its price. */
  readonly lossAtStop: Decimal;
  readonly source: string;
  readonly label?: string;
}

/** Gate the OrderManager asks before every entry. */
export interface EntryGuard {
  /** Returns why the entry must be refused, or undefined. Called after validation, before anything is persisted. */
  checkEntry(intent: ValidatedIntent): Refusal | undefined;
}
