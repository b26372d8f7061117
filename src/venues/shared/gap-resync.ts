/** The reconnect-gap resync: after a reconnect (and resubscribe), re-read open orders, fills and positions and hand them on, because pushes in the gap are lost. */
import type { Logger } from 'pino';

import type { ConnectionState, VenueEvent } from '../../domain/events.js';
import type { OrderSnapshot } from '../../domain/order.js';
import type { Clock } from '../../domain/ports.js';
import type { Fill, Position } from '../../domain/position.js';

/** The snapshot reads a resync needs (REST on every venue so far; WS reads fit as well). */
export interface ResyncReads {
  openOrders(): Promise<readonly OrderSnapshot[]>;
  positions(): Promise<readonly Position[]>;
  /** Fills at or after `sinceMs` (host time). */
  fillsSince(sinceMs: number): Promise<readonly Fill[]>;
}

export interface GapResyncOptions {
  /** Venue id on the emitted events and in log lines. */
  readonly venue: string;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly reads: ResyncReads;
  readonly emit: (event: VenueEvent) => void;
  /** Whether there is a private session to resync (false without credentials). */
  readonly enabled: boolean;
  /** Venue timestamps vs our clock: fills are read from this long before the connection was lost. Default 5 000 ms. */
  readonly clockMarginMs?: number;
}

const DEFAULT_CLOCK_MARGIN_MS = 5_000;
/** Fills are read again from this long before the last one seen. */
const LAST_FILL_MARGIN_MS = 1_000;

/**
 * Tracks when the private connection was lost and the last fill seen, and after every reconnect
 * (not the first connect) re-reads orders, positions and the fills of the gap, emits them as
 * ordinary events (consumers deduplicate fills by trade id) and then a `resynced` event.
 */
export class GapResync {
  private everReady = false;
  private lastFillMs = 0;
  /** Our clock when the last ready connection was lost and no resync has covered it yet. */
  private gapStartMs: number | undefined;

  constructor(private readonly options: GapResyncOptions) {}

  /** Call for every fill handed on (pushes and order acks), so the next resync starts from it. */
  noteFill(fill: Fill): void {
    if (fill.tsMs > this.lastFillMs) this.lastFillMs = fill.tsMs;
  }

  /** Call on every state change of the private connection: leaving 'ready' opens a gap. */
  noteState(from: ConnectionState, to: ConnectionState): void {
    if (from === 'ready' && to !== 'ready' && this.gapStartMs === undefined) this.gapStartMs = this.options.clock.now();
  }

  /**
   * Call when the private connection is ready again (after its resubscribe): the first ready only
   * marks the session live; every later one starts a resync in the background (never rejects; a
   * failure is logged and left to the periodic reconciliation).
   */
  afterReady(): void {
    if (!this.everReady) {
      this.everReady = true;
      return;
    }
    if (!this.options.enabled) return;
    void this.run().catch((err: unknown) => {
      this.options.logger.error({ err }, `${this.options.venue} resync after reconnect failed; the position monitor pass will reconcile`);
    });
  }

  /**
   * From the last fill seen or from when the connection was lost, whichever is earlier: fills
   * pushed while the restore was running move the last fill past the gap, and with no fill seen
   * yet it is 0 (which would read the account's oldest trades instead of the gap).
   */
  fillsFromMs(): number {
    const starts: number[] = [];
    if (this.lastFillMs > 0) starts.push(this.lastFillMs - LAST_FILL_MARGIN_MS);
    if (this.gapStartMs !== undefined) starts.push(this.gapStartMs - (this.options.clockMarginMs ?? DEFAULT_CLOCK_MARGIN_MS));
    return Math.max(0, starts.length > 0 ? Math.min(...starts) : 0);
  }

  /** Re-reads orders, positions and the gap's fills and emits them, then `resynced`. Rejects when a read fails. */
  async run(): Promise<void> {
    const { venue, reads, emit } = this.options;
    const gap = this.gapStartMs;
    const since = this.fillsFromMs();
    const [orders, positions, fills] = await Promise.all([reads.openOrders(), reads.positions(), reads.fillsSince(since)]);
    if (this.gapStartMs === gap) this.gapStartMs = undefined;
    for (const order of orders) emit({ type: 'order', venue, order });
    for (const fill of fills) {
      this.noteFill(fill);
      emit({ type: 'fill', venue, fill });
    }
    for (const position of positions) emit({ type: 'position', venue, position });
    this.options.logger.info(
      { orders: orders.length, positions: positions.length, fills: fills.length },
      `${venue} resynced after reconnect`,
    );
    emit({ type: 'resynced', venue, atMs: this.options.clock.now() });
  }
}
