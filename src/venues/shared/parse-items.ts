/** Parses the items of a push or a snapshot list one at a time: a bad item is counted and skipped, the others still count. */
import { errorMessage } from './command-outcome.js';

/** One item that failed to parse: where it was (e.g. `user.changes.BTC.orders.2`) and why. */
export interface SkippedItem {
  readonly path: string;
  readonly error: unknown;
}

/**
 * Parses every item with `parse(item, path)`, `path` being `${prefix}.${index}`. An item that
 * throws is handed to `onSkip` and left out; the result holds the others in order.
 */
export function parseItems<W, D>(
  items: readonly W[],
  prefix: string,
  parse: (item: W, path: string, index: number) => D,
  onSkip: (skipped: SkippedItem) => void,
): D[] {
  const out: D[] = [];
  for (let i = 0; i < items.length; i += 1) {
    const path = `${prefix}.${i}`;
    try {
      out.push(parse(items[i] as W, path, i));
    } catch (error) {
      onSkip({ path, error });
    }
  }
  return out;
}

/** Counts inbound data an adapter could not use (whole pushes or single items), keeping the last reason for health detail. */
export class RejectionCounter {
  private n = 0;
  private lastReason: string | undefined;

  note(error: unknown): void {
    this.n += 1;
    this.lastReason = errorMessage(error);
  }

  get count(): number {
    return this.n;
  }

  get last(): string | undefined {
    return this.lastReason;
  }
}
