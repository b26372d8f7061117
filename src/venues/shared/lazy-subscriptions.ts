/**
 * Lazy market-data subscriptions for one connection (venue-neutral): a channel is subscribed only
 * when something asks for it, requests made in the same tick are sent together in batches (Deribit
 * 50), a channel is never requested twice, instruments past expiry are unsubscribed, and the
 * per-connection cap holds. A channel is whatever string the venue adapter keys it by (Deribit
 * `ticker.BTC-PERPETUAL.100ms`, OKX `tickers:BTC-USDT-SWAP`, Bybit `tickers.BTCUSDT`). One instance
 * per connection: the adapter spreads channels over connections (see `DeribitVenue.requestTickers`)
 * so that no instance is asked past its cap.
 */
import type { Logger } from 'pino';

import { DaemonError } from '../../domain/errors.js';

export interface LazySubscriptionsOptions {
  readonly batchSize: number;
  readonly maxChannels: number;
  readonly logger: Logger;
  /** Sends one batch; resolves with the channels the venue confirmed. */
  readonly subscribe: (channels: readonly string[]) => Promise<readonly string[]>;
  readonly unsubscribe: (channels: readonly string[]) => Promise<readonly string[]>;
  /** Whether the connection can take requests now; if not, channels wait for the next restore. */
  readonly isReady: () => boolean;
  /** First delay before a failed subscribe batch is sent again (doubles per failure, up to 30 s). Default 1 000 ms. */
  readonly retryDelayMs?: number;
}

const RETRY_MAX_MS = 30_000;

export class LazySubscriptions {
  /** Every channel we want, confirmed or not: what a reconnect restores. */
  private readonly desired = new Set<string>();
  private readonly confirmed = new Set<string>();
  private pending: string[] = [];
  private flushing: Promise<void> | undefined;
  private readonly batchesSent: number[] = [];
  /** Channels of the batch being sent now. */
  private readonly inFlight = new Set<string>();
  private retryTimer: NodeJS.Timeout | undefined;
  private retryFailures = 0;

  constructor(private readonly options: LazySubscriptionsOptions) {}

  /** Channels to restore after a reconnect. */
  all(): string[] {
    return [...this.desired];
  }

  /** How many channels are wanted here (confirmed or not): what counts against the cap. */
  size(): number {
    return this.desired.size;
  }

  /** Whether `channel` is wanted here. */
  has(channel: string): boolean {
    return this.desired.has(channel);
  }

  isConfirmed(channel: string): boolean {
    return this.confirmed.has(channel);
  }

  /** Sizes of the batches sent so far (for tests and health detail). */
  batchSizes(): readonly number[] {
    return this.batchesSent;
  }

  /** Called after a restore confirmed these channels on a new connection. */
  markRestored(confirmed: readonly string[]): void {
    this.confirmed.clear();
    for (const c of confirmed) if (this.desired.has(c)) this.confirmed.add(c);
  }

  /**
   * Called when the connection is ready: subscribes every wanted channel that is not confirmed on
   * it (asked for while the restore was already running, or whose batch failed).
   */
  resume(): Promise<void> {
    return this.requeueUnconfirmed();
  }

  /** Stops the retry timer (on disconnect). */
  close(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private requeueUnconfirmed(): Promise<void> {
    const queued = new Set(this.pending);
    const missing = [...this.desired].filter((c) => !this.confirmed.has(c) && !queued.has(c) && !this.inFlight.has(c));
    if (missing.length === 0) return this.flushing ?? Promise.resolve();
    this.pending.push(...missing);
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    return this.flushing;
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== undefined) return;
    const delayMs = Math.min(RETRY_MAX_MS, (this.options.retryDelayMs ?? 1_000) * 2 ** this.retryFailures);
    this.retryFailures += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      // Not ready: the restore after the reconnect (and resume()) covers them.
      if (this.options.isReady()) void this.requeueUnconfirmed();
    }, delayMs);
    this.retryTimer.unref();
  }

  /**
   * Ask for channels. Already wanted channels are skipped. Throws SUBSCRIPTION_CAP when the total
   * would pass the per-connection cap (nothing of the request is taken then).
   */
  request(channels: readonly string[]): Promise<void> {
    const fresh = [...new Set(channels)].filter((c) => !this.desired.has(c));
    if (fresh.length === 0) return this.flushing ?? Promise.resolve();
    if (this.desired.size + fresh.length > this.options.maxChannels) {
      return Promise.reject(
        new DaemonError(
          'SUBSCRIPTION_CAP',
          `subscribing ${fresh.length} more channel(s) would pass the cap of ${this.options.maxChannels} per connection ` +
            `(${this.desired.size} held); unwatch something first or raise maxChannelsPerConnection`,
        ),
      );
    }
    for (const c of fresh) this.desired.add(c);
    this.pending.push(...fresh);
    // Coalesce every request made in this tick into one flush.
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    return this.flushing;
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        if (!this.options.isReady()) {
          // the restore after (re)connect subscribes everything desired
          this.pending = [];
          return;
        }
        const batch = this.pending.splice(0, this.options.batchSize);
        this.batchesSent.push(batch.length);
        for (const c of batch) this.inFlight.add(c);
        try {
          const ok = await this.options.subscribe(batch);
          for (const c of ok) if (this.desired.has(c)) this.confirmed.add(c);
          this.retryFailures = 0;
        } catch (err) {
          this.options.logger.warn(
            { err, channels: batch.length },
            'subscribe batch failed; the channels stay wanted and are sent again shortly (and after any reconnect)',
          );
          this.scheduleRetry();
        } finally {
          for (const c of batch) this.inFlight.delete(c);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** Stop wanting channels and unsubscribe the confirmed ones. */
  async release(channels: readonly string[]): Promise<void> {
    const held = channels.filter((c) => this.desired.has(c));
    for (const c of held) this.desired.delete(c);
    this.pending = this.pending.filter((c) => this.desired.has(c));
    const live = held.filter((c) => this.confirmed.has(c));
    for (const c of live) this.confirmed.delete(c);
    if (live.length > 0 && this.options.isReady()) {
      try {
        await this.options.unsubscribe(live);
      } catch (err) {
        this.options.logger.warn(
          { err, channels: live.length },
          'unsubscribe failed; the channels are not restored after the next reconnect',
        );
      }
    }
  }

  /** Release every channel whose instrument has expired at `nowMs`. Returns the released channels. */
  async releaseExpired(nowMs: number, expiryOf: (channel: string) => number | undefined): Promise<string[]> {
    const expired = [...this.desired].filter((c) => {
      const expiry = expiryOf(c);
      return expiry !== undefined && expiry <= nowMs;
    });
    if (expired.length > 0) {
      await this.release(expired);
      this.options.logger.info({ channels: expired }, 'unsubscribed channels of expired instruments');
    }
    return expired;
  }
}
