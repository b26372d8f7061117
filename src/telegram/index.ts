/**
 * Telegram for the composition root: the alerter (built first, since the OrderManager and the
 * kill switch take it) and, once those exist, the commands, the trade alerts, the venue reconnect
 * alerts and the daily report. Without a bot token (or without allowed chats) alerts go to the
 * log only, as before, and there are no commands.
 *
 *   const telegram = createTelegram({ config: config.telegram, botToken: secrets.telegram.botToken, store, logger });
 *   // ... new KillSwitch({ alerter: telegram.alerter, ... }), new OrderManager({ alerter: telegram.alerter, ... })
 *   telegram.start({ trading: orders, killSwitch, venues });
 *   // on shutdown:
 *   await telegram.stop();
 */
import type { Logger } from 'pino';

import { LogAlerter } from '../alerts/log-alerter.js';
import { TelegramAlerter } from '../alerts/telegram-alerter.js';
import type { Config } from '../config/schema.js';
import type { Alerter, Clock } from '../domain/ports.js';
import { TelegramBot } from './bot.js';
import { BotApiClient, DEFAULT_API_ROOT, type TelegramApiPort } from './client.js';
import { buildDailyReport, DAILY_REPORT_SETTING, dailyReportDue } from './daily-report.js';
import { ALERT_KINDS } from './format.js';
import type { KillSwitchPort, TelegramStore, TradingPort, VenuePort } from './ports.js';
import { tradeFields, tradeHeadline } from './replies.js';

export type { KillSwitchPort, TelegramStore, TradingPort, VenuePort } from './ports.js';

export interface TelegramDeps {
  /** The `telegram` config section. */
  readonly config: Config['telegram'];
  /** TELEGRAM_BOT_TOKEN; undefined → log-only alerts, no commands. */
  readonly botToken?: string | undefined;
  readonly store: TelegramStore;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Replaces the Bot API client (tests). */
  readonly api?: TelegramApiPort;
  /** Tuning for tests (defaults follow Telegram's limits). */
  readonly tuning?: {
    readonly perChatIntervalMs?: number;
    readonly backoffBaseMs?: number;
    readonly maxBackoffMs?: number;
    readonly dailyReportCheckMs?: number;
    readonly staleAfterMs?: number;
  };
}

export interface TelegramWiring {
  readonly trading: TradingPort;
  readonly killSwitch: KillSwitchPort;
  readonly venues: readonly VenuePort[];
}

export interface Telegram {
  /** Pass to every component that raises alerts. */
  readonly alerter: Alerter;
  /** True when a bot token and at least one allowed chat are configured. */
  readonly enabled: boolean;
  /** Starts sending alerts, polling commands, trade/reconnect alerts and the daily report. */
  start(wiring: TelegramWiring): void;
  stop(): Promise<void>;
  /** For /healthz and the status line: polling reaches Telegram, alerts waiting in the outbox. */
  status(): { readonly enabled: boolean; readonly connected: boolean; readonly outboxPending: number };
}

export function createTelegram(deps: TelegramDeps): Telegram {
  const logger = deps.logger.child({ component: 'telegram' });
  const clock = deps.clock ?? { now: () => Date.now() };
  const { config } = deps;
  const token = deps.botToken?.trim() || undefined;
  if (!token || config.allowedChatIds.length === 0) {
    const alerter = new LogAlerter(deps.logger.child({ component: 'alerts' }));
    return {
      alerter,
      enabled: false,
      start() {
        logger.info(
          token
            ? 'Telegram: a bot token is set but telegram.allowedChatIds is empty; alerts go to the log only and commands are off'
            : 'Telegram: no bot token (TELEGRAM_BOT_TOKEN); alerts go to the log only',
        );
      },
      async stop() {},
      status: () => ({ enabled: false, connected: false, outboxPending: 0 }),
    };
  }

  const api = deps.api ?? new BotApiClient({ token, apiRoot: config.apiRoot ?? DEFAULT_API_ROOT });
  const t = deps.tuning ?? {};
  const alerter = new TelegramAlerter({
    store: deps.store,
    logger: deps.logger,
    api,
    chatIds: config.allowedChatIds,
    clock,
    maxPending: config.maxPendingAlerts,
    token,
    ...(t.perChatIntervalMs === undefined ? {} : { perChatIntervalMs: t.perChatIntervalMs }),
    ...(t.backoffBaseMs === undefined ? {} : { backoffBaseMs: t.backoffBaseMs }),
    ...(t.maxBackoffMs === undefined ? {} : { maxBackoffMs: t.maxBackoffMs }),
  });
  // Alerts raised before start() are kept in the outbox and sent once the worker runs.
  let bot: TelegramBot | undefined;
  let reportTimer: NodeJS.Timeout | undefined;
  const unsubscribes: (() => void)[] = [];

  return {
    alerter,
    enabled: true,
    start(wiring) {
      if (bot) return;
      alerter.start();
      bot = new TelegramBot({
        api,
        logger: deps.logger,
        store: deps.store,
        trading: wiring.trading,
        killSwitch: wiring.killSwitch,
        venues: wiring.venues,
        allowedChatIds: config.allowedChatIds,
        allowedUserIds: config.allowedUserIds,
        clock,
        confirmTimeoutMs: config.confirmTimeoutMs,
        pollTimeoutSecs: config.pollTimeoutSecs,
        pendingAlerts: () => alerter.stats().pending,
        token,
        ...(t.staleAfterMs === undefined ? {} : { staleAfterMs: t.staleAfterMs }),
        ...(t.backoffBaseMs === undefined ? {} : { retryBaseMs: t.backoffBaseMs }),
      });
      bot.start();

      const opened = new Set<string>();
      unsubscribes.push(
        wiring.trading.onTradeEvent((event) => {
          try {
            // "Opened" once the stop (and target) rest on the venue: the message says the trade is protected.
            if (event.type === 'protected' && !opened.has(event.tradeId)) {
              const trade = deps.store.getTrade(event.tradeId);
              if (!trade) return;
              opened.add(event.tradeId);
              const what = trade.takeProfitPrice !== undefined ? 'stop and target resting' : 'stop resting';
              alerter.send({
                severity: 'info',
                kind: ALERT_KINDS.tradeOpened,
                venue: trade.venue,
                text: `${tradeHeadline(trade)}, protected: ${what} for ${event.stopSize.toString()}`,
                fields: tradeFields(trade),
              });
            } else if (event.type === 'closed') {
              opened.delete(event.tradeId);
              const trade = deps.store.getTrade(event.tradeId);
              if (!trade) return;
              alerter.send({
                severity: 'info',
                kind: ALERT_KINDS.tradeClosed,
                venue: trade.venue,
                text: `${tradeHeadline(trade)}: ${event.reason}`,
                fields: [...tradeFields(trade), ['P&L', event.realizedPnl.toString()]],
              });
            }
          } catch (err) {
            logger.error(`trade alert failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
          }
        }),
      );
      for (const venue of wiring.venues) {
        unsubscribes.push(
          venue.subscribe((event) => {
            if (event.type !== 'connection' || event.state !== 'reconnecting') return;
            alerter.send({
              severity: 'warning',
              kind: ALERT_KINDS.reconnect,
              venue: event.venue,
              text: `Connection lost, reconnecting${event.detail ? `: ${event.detail}` : ''}.`,
            });
          }),
        );
      }

      const checkDailyReport = (): void => {
        try {
          const day = dailyReportDue(clock.now(), config.dailyReportUtcHour, deps.store.getSetting(DAILY_REPORT_SETTING));
          if (!day) return;
          deps.store.setSetting(DAILY_REPORT_SETTING, day, clock.now());
          const closed = deps.store.listTrades({ states: ['closed'], closedSinceMs: clock.now() - 86_400_000 });
          const report = buildDailyReport(
            closed,
            wiring.trading.activeTrades().length,
            wiring.killSwitch.state(),
            wiring.killSwitch.isPaused(),
          );
          alerter.send({ severity: 'info', kind: ALERT_KINDS.dailyReport, ...report });
        } catch (err) {
          logger.error(`daily report failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        }
      };
      checkDailyReport();
      reportTimer = setInterval(checkDailyReport, t.dailyReportCheckMs ?? 60_000);
      reportTimer.unref();
    },
    status() {
      return { enabled: true, connected: bot?.isConnected() ?? false, outboxPending: alerter.stats().pending };
    },
    async stop() {
      if (reportTimer) clearInterval(reportTimer);
      for (const u of unsubscribes.splice(0)) u();
      await bot?.stop();
      await alerter.stop();
    },
  };
}
