/**
 * Alerts to Telegram through the store's outbox.
 *
 * `send` never blocks and never throws: it applies the per-type limits, writes the formatted
 * message to `alert_outbox` (one short transaction) and wakes the worker. The worker sends the
 * oldest most-severe unsent alert to every chat that has not acknowledged it yet (critical first,
 * so a critical alert jumps any backlog), at most one message a second per chat, honouring 429
 * `retry_after` and backing off on 5xx and network errors. A chat's acknowledgement is recorded
 * as soon as Telegram gives it, so an alert raised during an outage or before a crash goes out
 * once Telegram answers again (after a restart too: it is still in the outbox) and is never sent
 * twice to a chat that acknowledged it.
 */
import type { Logger } from 'pino';

import type { Alerter, Clock, Store } from '../domain/ports.js';
import type { AlertSeverity, OutboxAlert } from '../domain/trade.js';
import { classifyTelegramError, PRIORITY, type TelegramApiPort } from '../telegram/client.js';
import { ALERT_KINDS, type Field, formatAlert, htmlToPlain } from '../telegram/format.js';
import { AlertLimiter, DEFAULT_FOLD_WINDOWS_MS } from './alert-limits.js';

/** Kinds that are critical whatever severity the caller gave. */
export const CRITICAL_KINDS: ReadonlySet<string> = new Set([
  ALERT_KINDS.emergencyClose,
  ALERT_KINDS.missingStop,
  ALERT_KINDS.unprotected,
  ALERT_KINDS.dailyLoss,
]);

const LEVEL: Record<AlertSeverity, 'error' | 'warn' | 'info'> = { critical: 'error', warning: 'warn', info: 'info' };

/** The outbox part of the Store. */
export type OutboxStore = Pick<
  Store,
  | 'enqueueAlert'
  | 'pendingAlerts'
  | 'markAlertSent'
  | 'markAlertFailed'
  | 'countPendingAlerts'
  | 'alertDeliveredChats'
  | 'markAlertDelivered'
>;

export interface TelegramAlert {
  readonly severity: AlertSeverity;
  readonly kind: string;
  readonly text: string;
  readonly venue?: string;
  /** Key/value lines shown aligned under the text. */
  readonly fields?: readonly Field[];
}

export interface TelegramAlerterOptions {
  readonly store: OutboxStore;
  readonly logger: Logger;
  readonly api: TelegramApiPort;
  /** Every alert goes to each of these chats. */
  readonly chatIds: readonly number[];
  readonly clock?: Clock;
  /** Unsent alerts kept; beyond it non-critical alerts are dropped and counted. Default 1 000. */
  readonly maxPending?: number;
  /** Minimum gap between two messages to one chat (Telegram: about 1/s). Default 1 000 ms. */
  readonly perChatIntervalMs?: number;
  /** First backoff after a 5xx or network error; doubles up to `maxBackoffMs`. Default 1 000 ms. */
  readonly backoffBaseMs?: number;
  /** Default 60 000 ms. */
  readonly maxBackoffMs?: number;
  /** Fold windows per kind (default: api_error and reconnect, one minute). */
  readonly foldWindowsMs?: Readonly<Record<string, number>>;
  /** How often folded alerts are summarised. Default 1 000 ms. */
  readonly tickMs?: number;
  /** The bot token, only to make sure it never reaches a log line. */
  readonly token?: string;
}

export class TelegramAlerter implements Alerter {
  private readonly store: OutboxStore;
  private readonly logger: Logger;
  private readonly api: TelegramApiPort;
  private readonly chatIds: readonly number[];
  private readonly clock: Clock;
  private readonly maxPending: number;
  private readonly perChatIntervalMs: number;
  private readonly backoffBaseMs: number;
  private readonly maxBackoffMs: number;
  private readonly tickMs: number;
  private readonly token: string | undefined;
  private readonly limiter: AlertLimiter;

  private readonly chatNextAt = new Map<number, number>();
  /** Chats that refused an alert for good (4xx), per alert id: not retried in this process. */
  private readonly gaveUp = new Map<number, Set<number>>();
  private running = false;
  private loop: Promise<void> | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private inFlight: AbortController | undefined;
  private failures = 0;
  private droppedSinceReport = 0;
  private droppedTotal = 0;
  private foldedTotal = 0;
  private sentTotal = 0;

  constructor(options: TelegramAlerterOptions) {
    this.store = options.store;
    this.logger = options.logger.child({ component: 'telegram-alerter' });
    this.api = options.api;
    this.chatIds = [...new Set(options.chatIds)];
    this.clock = options.clock ?? { now: () => Date.now() };
    this.maxPending = options.maxPending ?? 1_000;
    this.perChatIntervalMs = options.perChatIntervalMs ?? 1_000;
    this.backoffBaseMs = options.backoffBaseMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.tickMs = options.tickMs ?? 1_000;
    this.token = options.token;
    this.limiter = new AlertLimiter(options.foldWindowsMs ?? DEFAULT_FOLD_WINDOWS_MS);
  }

  /** Counters for /status and tests. */
  stats(): { readonly sent: number; readonly dropped: number; readonly folded: number; readonly pending: number } {
    return { sent: this.sentTotal, dropped: this.droppedTotal, folded: this.foldedTotal, pending: this.safePending() };
  }

  /** Enqueues; returns at once; never throws. */
  send(alert: TelegramAlert): void {
    try {
      const severity: AlertSeverity = CRITICAL_KINDS.has(alert.kind) ? 'critical' : alert.severity;
      const normalized: TelegramAlert = { ...alert, severity };
      this.logger[LEVEL[severity]](
        { alert: alert.kind, severity, ...(alert.venue ? { venue: alert.venue } : {}) },
        this.scrub(`ALERT ${alert.text}`),
      );
      const decision = this.limiter.offer(normalized, this.clock.now());
      if (decision === 'fold') {
        this.foldedTotal += 1;
        return;
      }
      if (decision === 'drop') return;
      this.enqueue(normalized);
    } catch (err) {
      this.logger.error({ alert: alert.kind }, this.scrub(`alert could not be queued for Telegram: ${oneLineOf(err)}`));
    }
  }

  private enqueue(alert: TelegramAlert, folded = 0): void {
    if (alert.severity !== 'critical' && this.store.countPendingAlerts() >= this.maxPending) {
      this.droppedSinceReport += 1;
      this.droppedTotal += 1;
      if (this.droppedSinceReport === 1)
        this.logger.warn(
          { maxPending: this.maxPending },
          'Telegram outbox full: dropping non-critical alerts until it drains (critical ones are kept)',
        );
      return;
    }
    const text = this.scrub(formatAlert({ ...alert, folded }));
    this.store.enqueueAlert({ severity: alert.severity, kind: alert.kind, text, createdAtMs: this.clock.now() });
    this.wake?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.ticker = setInterval(() => this.tick(), this.tickMs);
    this.ticker.unref();
    this.loop = this.run();
  }

  /** Stops the worker (an in-flight request is abandoned; its alert stays in the outbox). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.ticker) clearInterval(this.ticker);
    this.inFlight?.abort();
    this.wake?.();
    await this.loop;
  }

  private tick(): void {
    try {
      for (const { alert, folded } of this.limiter.due(this.clock.now())) this.enqueue(alert, folded);
    } catch (err) {
      this.logger.error(this.scrub(`alert summary could not be queued: ${oneLineOf(err)}`));
    }
  }

  private safePending(): number {
    try {
      return this.store.countPendingAlerts();
    } catch {
      return -1;
    }
  }

  /** Waits `ms` or until stopped (or until an alert is enqueued, when `wakeable`). */
  private pause(ms: number, wakeable: boolean): Promise<void> {
    if (!this.running || ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wake = () => {
        if (!this.running || wakeable) finish();
      };
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      let row: OutboxAlert | undefined;
      try {
        row = this.store.pendingAlerts(1)[0];
        if (!row && this.droppedSinceReport > 0) {
          const n = this.droppedSinceReport;
          this.droppedSinceReport = 0;
          this.enqueue({
            severity: 'warning',
            kind: ALERT_KINDS.dropped,
            text: `${n} non-critical alert(s) were dropped while the Telegram outbox was full (bound ${this.maxPending}). See the log for them.`,
          });
          continue;
        }
      } catch (err) {
        this.logger.error(this.scrub(`cannot read the alert outbox: ${oneLineOf(err)}`));
        await this.pause(this.backoffBaseMs, false);
        continue;
      }
      if (!row) {
        await this.pause(60_000, true);
        continue;
      }
      let waitMs: number;
      try {
        waitMs = await this.deliver(row);
      } catch (err) {
        this.logger.error({ alertId: row.id }, this.scrub(`alert outbox update failed: ${oneLineOf(err)}`));
        waitMs = this.backoffBaseMs;
      }
      if (waitMs > 0) await this.pause(waitMs, false);
    }
  }

  /** Sends one alert to every chat still owing it; returns how long to wait before the next try (0: go on). */
  private async deliver(row: OutboxAlert): Promise<number> {
    const acked = new Set(this.store.alertDeliveredChats(row.id));
    const gaveUp = this.gaveUp.get(row.id) ?? new Set<number>();
    for (const chatId of this.chatIds) {
      if (!this.running) return 0;
      if (acked.has(chatId) || gaveUp.has(chatId)) continue;
      const spacing = (this.chatNextAt.get(chatId) ?? 0) - Date.now();
      if (spacing > 0) await this.pause(spacing, false);
      if (!this.running) return 0;
      const outcome = await this.sendOne(row, chatId);
      this.chatNextAt.set(chatId, Date.now() + this.perChatIntervalMs);
      if (outcome === 'sent') {
        this.store.markAlertDelivered(row.id, chatId);
        this.failures = 0;
        this.sentTotal += 1;
        continue;
      }
      if (outcome === 'gave_up') {
        gaveUp.add(chatId);
        this.gaveUp.set(row.id, gaveUp);
        continue;
      }
      return outcome.retryInMs;
    }
    this.store.markAlertSent(row.id, this.clock.now());
    this.gaveUp.delete(row.id);
    return 0;
  }

  private async sendOne(row: OutboxAlert, chatId: number): Promise<'sent' | 'gave_up' | { retryInMs: number }> {
    const priority = row.severity === 'critical' ? PRIORITY.critical : row.severity === 'warning' ? PRIORITY.warning : PRIORITY.info;
    let plain = false;
    for (;;) {
      const controller = new AbortController();
      this.inFlight = controller;
      try {
        await this.api.sendMessage(chatId, plain ? htmlToPlain(row.text) : row.text, { priority, plain, signal: controller.signal });
        return 'sent';
      } catch (err) {
        if (!this.running) return { retryInMs: 0 };
        const failure = classifyTelegramError(err, this.token);
        this.store.markAlertFailed(row.id, failure.message);
        if (failure.kind === 'unparsable' && !plain) {
          this.logger.warn(
            { alertId: row.id, chatId },
            `Telegram could not parse an alert as HTML; sending it as plain text (${failure.message})`,
          );
          plain = true;
          continue;
        }
        if (failure.kind === 'rate_limited') {
          this.logger.warn(
            { alertId: row.id, chatId, retryAfterMs: failure.retryAfterMs },
            'Telegram rate limit hit; waiting as told (retry_after)',
          );
          return { retryInMs: failure.retryAfterMs };
        }
        if (failure.kind === 'rejected_bot') {
          this.failures += 1;
          if (this.failures === 1 || this.failures % 10 === 0) {
            this.logger.error(
              { alertId: row.id },
              `Telegram rejects the bot (${failure.message}); alerts wait in the outbox; check TELEGRAM_BOT_TOKEN and telegram.apiRoot`,
            );
          }
          return { retryInMs: this.maxBackoffMs };
        }
        if (failure.kind === 'transient') {
          this.failures += 1;
          const wait = Math.min(this.maxBackoffMs, this.backoffBaseMs * 2 ** Math.min(this.failures - 1, 16));
          const log = this.failures === 1 || this.failures % 10 === 0 ? 'warn' : 'debug';
          this.logger[log](
            { alertId: row.id, chatId, failures: this.failures, retryInMs: wait },
            `Telegram alert not delivered, will retry: ${failure.message}`,
          );
          return { retryInMs: wait };
        }
        this.logger.error(
          { alertId: row.id, chatId },
          `Telegram refused an alert for this chat; not retrying it (${failure.message}); check telegram.allowedChatIds and that the bot is in the chat`,
        );
        return 'gave_up';
      } finally {
        this.inFlight = undefined;
      }
    }
  }

  private scrub(text: string): string {
    return this.token && this.token.length >= 4 ? text.split(this.token).join('[REDACTED]') : text;
  }
}

function oneLineOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? '';
}
