/** OKX-shaped numeric ids for the shared engine: 19-digit order and algo ids from one sequence (as `ordId`/`algoId`), 9-digit trade ids. */
import type { IdScheme } from '../engine/types.js';

/** First id handed out (a real ordId of 2025 is of this size). */
const ORDER_ID_BASE = 1837000000000000000n;

/**
 * One sequence for order ids, trigger-order ids and algo ids, so every id the front-end shows is a
 * distinct 19-digit number; trade ids are the engine's trade sequence (9 digits).
 */
export class OkxIds implements IdScheme {
  private seq = 0n;

  /** The next id of the shared sequence (the binding draws algo ids here). */
  next(): string {
    this.seq += 1n;
    return (ORDER_ID_BASE + this.seq).toString();
  }

  order(): string {
    return this.next();
  }

  trigger(): string {
    return this.next();
  }

  trade(_inst: unknown, seq: number): string {
    return String(seq);
  }
}
