/** The latest mark (else last) price per venue and symbol, with waiters for the first one to arrive. */
import type { Decimal } from '../domain/decimal.js';

export class MarkBook {
  private readonly marks = new Map<string, Decimal>();
  private readonly waiters = new Map<string, (() => void)[]>();

  get(venue: string, symbol: string): Decimal | undefined {
    return this.marks.get(`${venue}|${symbol}`);
  }

  has(venue: string, symbol: string): boolean {
    return this.marks.has(`${venue}|${symbol}`);
  }

  /** Records a price and wakes everyone waiting for this venue and symbol. */
  set(venue: string, symbol: string, price: Decimal): void {
    const key = `${venue}|${symbol}`;
    this.marks.set(key, price);
    for (const resolve of this.waiters.get(key) ?? []) resolve();
    this.waiters.delete(key);
  }

  /** Resolves when a price for this venue and symbol arrives, or after `timeoutMs`. */
  waitFor(venue: string, symbol: string, timeoutMs: number): Promise<void> {
    const key = `${venue}|${symbol}`;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      const waiters = this.waiters.get(key) ?? [];
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.waiters.set(key, waiters);
    });
  }
}
