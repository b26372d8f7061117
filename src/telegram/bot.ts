/**
 * Operator commands over Telegram long polling.
 *
 * A message or a button press is acted on only when its chat is in telegram.allowedChatIds AND its
 * sender is in telegram.allowedUserIds (a group must not let every member flatten the account).
 * Anything else changes nothing, gets no answer, and is logged once per sender with the chat and
 * user id so the operator can add themselves. /kill and /close answer with confirm / cancel
 * buttons; a confirm is single-use and expires (one minute by default). Commands queued while the
 * daemon was down are not replayed blindly: a command older than two minutes is refused.
 * A failing command answers with one line saying what went wrong and what to do.
 */
import { randomBytes } from 'node:crypto';

import type { Logger } from 'pino';

import type { Clock } from '../domain/ports.js';
import type { TradeRecord } from '../domain/trade.js';
import { classifyTelegramError, PRIORITY, type TelegramApiPort, type Update } from './client.js';
import { type Command, COMMAND_MENU, parseCommand } from './command-parser.js';
import { formatError, formatMessage, oneLine } from './format.js';
import type { KillSwitchPort, TelegramStore, TradingPort, VenuePort } from './ports.js';
import {
  formatBalances,
  formatCloseResult,
  formatFlattenReport,
  formatHelp,
  formatOpenResult,
  formatOrders,
  formatPnl,
  formatPositions,
  formatStatus,
  formatTrades,
  type PerVenue,
  pnlWindowStart,
} from './replies.js';

const SOURCE = 'telegram';
const ACTIVE_STATES = ['pending', 'entry_working', 'open', 'closing'] as const;

export interface TelegramBotOptions {
  readonly api: TelegramApiPort;
  readonly logger: Logger;
  readonly store: TelegramStore;
  readonly trading: TradingPort;
  readonly killSwitch: KillSwitchPort;
  readonly venues: readonly VenuePort[];
  readonly allowedChatIds: readonly number[];
  readonly allowedUserIds: readonly number[];
  readonly clock?: Clock;
  /** Default 60 000 ms. */
  readonly confirmTimeoutMs?: number;
  /** getUpdates long-poll wait. Default 30 s. */
  readonly pollTimeoutSecs?: number;
  /** Commands older than this (by Telegram's message date) are refused. Default 120 000 ms. */
  readonly staleAfterMs?: number;
  /** Backoff after a failed poll; doubles up to 60 s. Default 1 000 ms. */
  readonly retryBaseMs?: number;
  /** Process start (for /status uptime). Default: when the bot was built. */
  readonly startedAtMs?: number;
  /** Unsent alerts, for /status. */
  readonly pendingAlerts?: () => number;
  /** The bot token, only to keep it out of log lines. */
  readonly token?: string;
}

type Pending = {
  readonly action: { readonly type: 'kill' } | { readonly type: 'close'; readonly tradeId: string };
  readonly chatId: number;
  readonly expiresAtMs: number;
};

export class TelegramBot {
  private readonly api: TelegramApiPort;
  private readonly logger: Logger;
  private readonly o: TelegramBotOptions;
  private readonly clock: Clock;
  private readonly confirmTimeoutMs: number;
  private readonly staleAfterMs: number;
  private readonly startedAtMs: number;
  private readonly chats: ReadonlySet<number>;
  private readonly users: ReadonlySet<number>;
  private readonly pending = new Map<string, Pending>();
  private readonly reportedStrangers = new Set<string>();
  private readonly tasks = new Set<Promise<void>>();
  private username: string | undefined;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private running = false;

  constructor(options: TelegramBotOptions) {
    this.o = options;
    this.api = options.api;
    this.logger = options.logger.child({ component: 'telegram' });
    this.clock = options.clock ?? { now: () => Date.now() };
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? 60_000;
    this.staleAfterMs = options.staleAfterMs ?? 120_000;
    this.startedAtMs = options.startedAtMs ?? this.clock.now();
    this.chats = new Set(options.allowedChatIds);
    this.users = new Set(options.allowedUserIds);
  }

  /** Starts polling in the background (never throws; Telegram being down is retried). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    if (this.chats.size === 0 || this.users.size === 0) {
      this.logger.warn('Telegram commands are accepted from nobody: set telegram.allowedChatIds and telegram.allowedUserIds');
    }
    this.loop = this.run(this.abort.signal);
  }

  /** Stops polling and waits for the commands being handled. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.abort?.abort();
    await this.loop;
    await Promise.allSettled([...this.tasks]);
  }

  private scrub(text: string): string {
    const t = this.o.token;
    return t && t.length >= 4 ? text.split(t).join('[REDACTED]') : text;
  }

  private async sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** True while the long poll reaches Telegram (menu registered, last poll answered). */
  isConnected(): boolean {
    return this.connected;
  }

  private connected = false;

  private async run(signal: AbortSignal): Promise<void> {
    const base = this.o.retryBaseMs ?? 1_000;
    let failures = 0;
    let ready = false;
    let offset: number | undefined;
    while (!signal.aborted) {
      try {
        if (!ready) {
          await this.api.deleteWebhook();
          this.username = (await this.api.getMe()).username;
          await this.api.setMyCommands(COMMAND_MENU.map((c) => ({ command: c.command, description: c.description })));
          ready = true;
          this.connected = true;
          this.logger.info({ bot: this.username }, 'Telegram commands ready (menu registered)');
        }
        const updates = await this.api.getUpdates(offset, this.o.pollTimeoutSecs ?? 30, signal);
        if (failures > 0) this.logger.info({ failures }, 'Telegram polling works again');
        failures = 0;
        this.connected = true;
        for (const update of updates) {
          offset = update.update_id + 1;
          this.track(this.handleUpdate(update));
        }
      } catch (err) {
        if (signal.aborted) break;
        failures += 1;
        this.connected = false;
        const failure = classifyTelegramError(err, this.o.token);
        const wait = failure.kind === 'rate_limited' ? failure.retryAfterMs : Math.min(60_000, base * 2 ** Math.min(failures - 1, 16));
        const hint =
          failure.kind === 'rejected_bot' || failure.kind === 'permanent' ? '; check TELEGRAM_BOT_TOKEN and telegram.apiRoot' : '';
        if (failures === 1 || failures % 20 === 0)
          this.logger.warn({ failures, retryInMs: wait }, this.scrub(`Telegram polling failed: ${failure.message}${hint}`));
        await this.sleep(wait, signal);
      }
    }
  }

  private track(task: Promise<void>): void {
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  private allowed(chatId: number | undefined, userId: number | undefined): boolean {
    return chatId !== undefined && userId !== undefined && this.chats.has(chatId) && this.users.has(userId);
  }

  private reportStranger(chatId: number | undefined, userId: number | undefined, what: string): void {
    const key = `${chatId}:${userId}`;
    if (this.reportedStrangers.has(key)) return;
    if (this.reportedStrangers.size >= 10_000) this.reportedStrangers.clear();
    this.reportedStrangers.add(key);
    this.logger.warn(
      { chatId, userId, what },
      `Telegram: ignored ${what} from chat ${chatId} / user ${userId} (not allow-listed); to allow it add the chat to telegram.allowedChatIds and the user to telegram.allowedUserIds (logged once per sender)`,
    );
  }

  /** Handles one update; never throws. Exposed for tests. */
  async handleUpdate(update: Update): Promise<void> {
    try {
      if ('message' in update && update.message) {
        const m = update.message;
        if (typeof m.text !== 'string') return;
        const chatId = m.chat.id;
        const userId = m.from?.id;
        const parsed = parseCommand(m.text, this.username);
        if (!parsed) return;
        if (!this.allowed(chatId, userId)) return this.reportStranger(chatId, userId, 'a command');
        if (this.clock.now() - m.date * 1_000 > this.staleAfterMs) {
          this.logger.warn(
            { chatId, userId, command: m.text.split(/\s/)[0] },
            'Telegram: refused a stale command (sent while the daemon was down)',
          );
          return void (await this.reply(
            chatId,
            formatError(
              'Ignored an old command',
              `It was sent ${Math.round((this.clock.now() - m.date * 1_000) / 1000)} s ago, probably while the daemon was down. Send it again if you still want it.`,
            ),
          ));
        }
        if (!parsed.ok)
          return void (await this.reply(chatId, formatError(parsed.error, parsed.usage ? `Usage: ${parsed.usage}` : undefined)));
        this.logger.info({ chatId, userId, command: parsed.command.name }, 'Telegram command');
        return await this.execute(chatId, parsed.command);
      }
      if ('callback_query' in update && update.callback_query) {
        const q = update.callback_query;
        const chatId = q.message?.chat.id;
        if (!this.allowed(chatId, q.from.id)) return this.reportStranger(chatId, q.from.id, 'a button press');
        return await this.handleButton(q.id, chatId!, q.message?.message_id, q.data ?? '');
      }
    } catch (err) {
      this.logger.error(
        { updateId: update.update_id },
        this.scrub(`Telegram update could not be handled: ${oneLine(err instanceof Error ? err.message : String(err))}`),
      );
    }
  }

  private async reply(chatId: number, html: string, buttons?: { text: string; data: string }[]): Promise<number | undefined> {
    try {
      return await this.api.sendMessage(chatId, html, { priority: PRIORITY.command, ...(buttons ? { buttons } : {}) });
    } catch (err) {
      this.logger.warn({ chatId }, this.scrub(`Telegram answer not delivered: ${classifyTelegramError(err, this.o.token).message}`));
      return undefined;
    }
  }

  private async execute(chatId: number, command: Command): Promise<void> {
    try {
      const html = await this.answer(chatId, command);
      if (html !== undefined) await this.reply(chatId, html);
    } catch (err) {
      const message = oneLine(err instanceof Error ? err.message : String(err));
      this.logger.error({ chatId, command: command.name }, this.scrub(`Telegram /${command.name} failed: ${message}`));
      await this.reply(chatId, formatError(`/${command.name} failed: ${message}`, 'Check /status and the daemon log, then try again.'));
    }
  }

  /** The answer to send, or undefined when the command already answered (a confirm question). */
  private async answer(chatId: number, command: Command): Promise<string | undefined> {
    switch (command.name) {
      case 'help':
        return formatHelp();
      case 'status':
        return formatStatus({
          venues: this.o.venues.map((v) => {
            const rtt = v.clockOffset()?.rttMs;
            return { id: v.id, state: v.connectionState(), ready: v.isReady(), ...(rtt === undefined ? {} : { rttMs: rtt }) };
          }),
          openTrades: this.o.trading.activeTrades().length,
          killSwitch: this.o.killSwitch.state(),
          paused: this.o.killSwitch.isPaused(),
          uptimeMs: this.clock.now() - this.startedAtMs,
          ...(this.o.pendingAlerts ? { pendingAlerts: this.o.pendingAlerts() } : {}),
        });
      case 'positions':
        return formatPositions(await this.perVenue((v) => v.positions()));
      case 'orders':
        return formatOrders(await this.perVenue((v) => v.openOrders()));
      case 'balance':
        return formatBalances(await this.perVenue((v) => v.balances()));
      case 'pnl': {
        const since = pnlWindowStart(command.period, this.clock.now());
        return formatPnl(command.period, since, this.o.store.listTrades({ states: ['closed'], closedSinceMs: since }));
      }
      case 'trades':
        return formatTrades(lastClosed(this.o.store.listTrades({ states: ['closed'] }), command.count));
      case 'pause':
        this.o.killSwitch.pause(SOURCE);
        return formatMessage({
          emoji: '⏸️',
          title: 'Entries paused',
          text: 'Open positions keep their stops. /resume to allow entries again.',
        });
      case 'resume':
        this.o.killSwitch.resume(SOURCE);
        return formatMessage({ emoji: '▶️', title: 'Entries allowed', text: 'Kill switch off, pause lifted.' });
      case 'kill':
        if (command.now) return formatFlattenReport(await this.o.killSwitch.activate('operator /kill now via Telegram', SOURCE));
        return this.ask(
          chatId,
          { type: 'kill' },
          formatMessage({
            emoji: '🛑',
            title: 'Kill switch?',
            text: `Closes every daemon position, cancels its orders and refuses entries until /resume. Confirm within ${Math.round(this.confirmTimeoutMs / 1000)} s.`,
            fields: [['open trades', String(this.o.trading.activeTrades().length)]],
          }),
        );
      case 'close': {
        const trade = this.o.store.getTrade(command.tradeId);
        if (!trade) return formatError(`No trade "${command.tradeId}"`, 'See /positions or /trades for trade ids.');
        if (!(ACTIVE_STATES as readonly string[]).includes(trade.state))
          return formatError(`Trade ${trade.id} is ${trade.state}`, 'Only an active trade can be closed.');
        return this.ask(
          chatId,
          { type: 'close', tradeId: trade.id },
          formatMessage({
            emoji: '❓',
            title: `Close ${trade.id}?`,
            text: `${trade.side === 'buy' ? 'Long' : 'Short'} ${trade.symbol} on ${trade.venue}, closed at market. Confirm within ${Math.round(this.confirmTimeoutMs / 1000)} s.`,
            fields: [
              ['size', trade.filledSize.toString()],
              ['state', trade.state],
            ],
          }),
        );
      }
      case 'open': {
        if (!this.o.venues.some((v) => v.id === command.venue)) {
          return formatError(
            `Unknown venue "${command.venue}"`,
            `Use one of: ${this.o.venues.map((v) => v.id).join(', ') || 'none configured'}.`,
          );
        }
        const result = await this.o.trading.openTrade({
          venue: command.venue,
          symbol: command.symbol,
          side: command.side,
          size: { unit: 'venue', value: command.size },
          entry: command.limit === undefined ? { type: 'market' } : { type: 'limit', price: command.limit },
          stopLossPrice: command.stopLoss,
          ...(command.takeProfit === undefined ? {} : { takeProfitPrice: command.takeProfit }),
          source: SOURCE,
        });
        return formatOpenResult(result, command);
      }
    }
  }

  /** Sends the question with confirm / cancel buttons (single use, expiring). */
  private async ask(chatId: number, action: Pending['action'], question: string): Promise<undefined> {
    const token = randomBytes(6).toString('hex');
    this.pending.set(token, { action, chatId, expiresAtMs: this.clock.now() + this.confirmTimeoutMs });
    this.prune();
    await this.api.sendMessage(chatId, question, {
      priority: PRIORITY.command,
      buttons: [
        { text: action.type === 'kill' ? '🛑 Confirm: flatten all' : '✅ Confirm close', data: `ok:${token}` },
        { text: 'Cancel', data: `no:${token}` },
      ],
    });
    return undefined;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [k, p] of this.pending) if (p.expiresAtMs + 3_600_000 < now) this.pending.delete(k);
  }

  private async handleButton(callbackId: string, chatId: number, messageId: number | undefined, data: string): Promise<void> {
    const [verb, token = ''] = data.split(':');
    const pending = this.pending.get(token);
    const edit = async (html: string): Promise<void> => {
      if (messageId === undefined) return;
      try {
        await this.api.editMessageText(chatId, messageId, html);
      } catch (err) {
        this.logger.debug(this.scrub(`could not edit the question: ${classifyTelegramError(err, this.o.token).message}`));
      }
    };
    const answerQuery = async (text: string): Promise<void> => {
      try {
        await this.api.answerCallbackQuery(callbackId, text);
      } catch (err) {
        this.logger.debug(this.scrub(`could not answer the button: ${classifyTelegramError(err, this.o.token).message}`));
      }
    };
    if (!pending || pending.chatId !== chatId) {
      await answerQuery('This button is no longer valid.');
      await edit(formatMessage({ emoji: '⌛', title: 'No longer valid', text: 'Nothing was done. Send the command again.' }));
      return;
    }
    this.pending.delete(token);
    const what = pending.action.type === 'kill' ? '/kill' : `/close ${pending.action.tradeId}`;
    if (this.clock.now() > pending.expiresAtMs) {
      this.logger.info({ chatId, what }, 'Telegram: an expired confirm button was pressed; nothing done');
      await answerQuery('Expired: nothing was done.');
      await edit(formatMessage({ emoji: '⌛', title: 'Expired', text: `Nothing was done. Send ${what} again.` }));
      return;
    }
    if (verb !== 'ok') {
      await answerQuery('Cancelled.');
      await edit(formatMessage({ emoji: '✖️', title: 'Cancelled', text: `${what}: nothing was done.` }));
      return;
    }
    await answerQuery('Working on it…');
    await edit(formatMessage({ emoji: '⏳', title: 'Confirmed', text: `${what}: working on it.` }));
    this.logger.warn({ chatId, what }, 'Telegram: operator confirmed');
    try {
      if (pending.action.type === 'kill') {
        await this.reply(chatId, formatFlattenReport(await this.o.killSwitch.activate('operator /kill via Telegram', SOURCE)));
      } else {
        await this.reply(
          chatId,
          formatCloseResult(await this.o.trading.closeTrade(pending.action.tradeId, 'operator /close via Telegram')),
        );
      }
    } catch (err) {
      const message = oneLine(err instanceof Error ? err.message : String(err));
      this.logger.error({ chatId, what }, this.scrub(`Telegram ${what} failed: ${message}`));
      await this.reply(
        chatId,
        formatError(`${what} failed: ${message}`, 'Check /status and /positions; close by hand on the venue if needed.'),
      );
    }
  }

  private async perVenue<T>(read: (v: VenuePort) => Promise<readonly T[]>): Promise<PerVenue<T>[]> {
    return Promise.all(
      this.o.venues.map(async (v): Promise<PerVenue<T>> => {
        try {
          return { venue: v.id, ok: true, items: await read(v) };
        } catch (err) {
          return { venue: v.id, ok: false, error: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
  }
}

function lastClosed(trades: readonly TradeRecord[], n: number): TradeRecord[] {
  return [...trades].sort((a, b) => (b.closedAtMs ?? 0) - (a.closedAtMs ?? 0)).slice(0, n);
}
