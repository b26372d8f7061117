/**
 * The Bot API as this daemon uses it: node-telegram-bot-api's `Api` with its own retries off (the
 * outbox worker decides when to retry), behind one p-queue that keeps every call within
 * Telegram's global limit (30 requests/s) and lets urgent calls go first.
 */
import type { BotCommand, InlineKeyboardMarkup, Update } from 'node-telegram-bot-api';
import { Api, NetworkError, ParseError, TelegramApiError, TimeoutError } from 'node-telegram-bot-api';
import PQueue from 'p-queue';

export type { Update } from 'node-telegram-bot-api';

export const DEFAULT_API_ROOT = 'https://api.telegram.org';

/** Queue priorities: higher goes first. */
export const PRIORITY = { critical: 3, command: 2, warning: 1, info: 0 } as const;

export interface InlineButton {
  readonly text: string;
  readonly data: string;
}

/** What the alerter and the command handler need from Telegram. */
export interface TelegramApiPort {
  /** Sends an HTML message (plain text with `plain`); resolves with the message id. */
  sendMessage(
    chatId: number,
    text: string,
    options?: {
      readonly buttons?: readonly InlineButton[];
      readonly priority?: number;
      readonly plain?: boolean;
      readonly signal?: AbortSignal;
    },
  ): Promise<number>;
  editMessageText(chatId: number, messageId: number, html: string): Promise<void>;
  answerCallbackQuery(callbackQueryId: string, text?: string): Promise<void>;
  setMyCommands(commands: readonly { readonly command: string; readonly description: string }[]): Promise<void>;
  /** The bot's username (commands may be addressed as /status@username). */
  getMe(): Promise<{ readonly username?: string }>;
  deleteWebhook(): Promise<void>;
  getUpdates(offset: number | undefined, timeoutSecs: number, signal: AbortSignal): Promise<Update[]>;
}

export interface BotApiClientOptions {
  readonly token: string;
  /** Default https://api.telegram.org (tests point it at a local fake). */
  readonly apiRoot?: string;
  /** Per-request timeout for ordinary calls. Default 15 000 ms. */
  readonly timeoutMs?: number;
  /** Global cap on Bot API calls per second. Default 30. */
  readonly maxPerSecond?: number;
}

/** TelegramApiPort on node-telegram-bot-api. */
export class BotApiClient implements TelegramApiPort {
  private readonly api: Api;
  private readonly queue: PQueue;

  constructor(options: BotApiClientOptions) {
    this.api = new Api(options.token, {
      apiRoot: options.apiRoot ?? DEFAULT_API_ROOT,
      maxRetries: 0,
      timeoutMs: options.timeoutMs ?? 15_000,
    });
    this.queue = new PQueue({ intervalCap: options.maxPerSecond ?? 30, interval: 1_000 });
  }

  private call<T>(fn: () => Promise<T>, priority: number = PRIORITY.command): Promise<T> {
    return this.queue.add(fn, { priority }) as Promise<T>;
  }

  async sendMessage(
    chatId: number,
    text: string,
    options: {
      readonly buttons?: readonly InlineButton[];
      readonly priority?: number;
      readonly plain?: boolean;
      readonly signal?: AbortSignal;
    } = {},
  ): Promise<number> {
    const reply_markup: InlineKeyboardMarkup | undefined = options.buttons
      ? { inline_keyboard: [options.buttons.map((b) => ({ text: b.text, callback_data: b.data }))] }
      : undefined;
    const message = await this.call(
      () =>
        this.api.sendMessage(
          {
            chat_id: chatId,
            text,
            ...(options.plain ? {} : { parse_mode: 'HTML' }),
            link_preview_options: { is_disabled: true },
            ...(reply_markup ? { reply_markup } : {}),
          },
          options.signal,
        ),
      options.priority,
    );
    return message.message_id;
  }

  async editMessageText(chatId: number, messageId: number, html: string): Promise<void> {
    await this.call(() => this.api.editMessageText({ chat_id: chatId, message_id: messageId, text: html, parse_mode: 'HTML' }));
  }

  async answerCallbackQuery(callbackQueryId: string, text?: string): Promise<void> {
    await this.call(() => this.api.answerCallbackQuery({ callback_query_id: callbackQueryId, ...(text ? { text } : {}) }));
  }

  async setMyCommands(commands: readonly { readonly command: string; readonly description: string }[]): Promise<void> {
    const list: BotCommand[] = commands.map((c) => ({ command: c.command, description: c.description }));
    await this.call(() => this.api.setMyCommands({ commands: list }));
  }

  async getMe(): Promise<{ readonly username?: string }> {
    const me = await this.call(() => this.api.getMe());
    return me.username === undefined ? {} : { username: me.username };
  }

  async deleteWebhook(): Promise<void> {
    await this.call(() => this.api.deleteWebhook({ drop_pending_updates: false }));
  }

  getUpdates(offset: number | undefined, timeoutSecs: number, signal: AbortSignal): Promise<Update[]> {
    // Long polls do not go through the queue: one is always open and would hold a slot.
    return this.api.getUpdates(
      { ...(offset === undefined ? {} : { offset }), timeout: timeoutSecs, allowed_updates: ['message', 'callback_query'] },
      signal,
    );
  }
}

/** What a failed Bot API call means for the caller. */
export type TelegramFailure =
  /** 429: wait `retryAfterMs`, then retry. */
  | { readonly kind: 'rate_limited'; readonly retryAfterMs: number; readonly message: string }
  /** Network error, timeout, 5xx: retry with backoff. */
  | { readonly kind: 'transient'; readonly message: string }
  /** 401 / 404: the token or the API root is wrong; nothing will get through until it is fixed. */
  | { readonly kind: 'rejected_bot'; readonly message: string }
  /** 400 "can't parse entities": the HTML is at fault; send it as plain text. */
  | { readonly kind: 'unparsable'; readonly message: string }
  /** Any other 4xx (chat not found, bot blocked): retrying will not help. */
  | { readonly kind: 'permanent'; readonly message: string };

/** Removes the bot token from a text (library errors carry no URL, but a cause might). */
export function redactToken(text: string, token: string | undefined): string {
  if (!token || token.length < 4) return text;
  return text.split(token).join('[REDACTED]').split(encodeURIComponent(token)).join('[REDACTED]');
}

/** Classifies a Bot API error into one line an operator can read (never the token, never a stack). */
export function classifyTelegramError(err: unknown, token?: string): TelegramFailure {
  const line = (text: string): string => redactToken(text.split('\n')[0] ?? '', token);
  if (err instanceof TelegramApiError) {
    const message = line(`Telegram answered ${err.errorCode}: ${err.description}`);
    if (err.errorCode === 429) return { kind: 'rate_limited', retryAfterMs: Math.max(1, err.retryAfter ?? 1) * 1_000, message };
    if (err.errorCode >= 500) return { kind: 'transient', message };
    if (err.errorCode === 401 || err.errorCode === 404) return { kind: 'rejected_bot', message };
    if (err.errorCode === 400 && /can't parse entities|unsupported start tag|can't find end/i.test(err.description))
      return { kind: 'unparsable', message };
    return { kind: 'permanent', message };
  }
  if (err instanceof TimeoutError) return { kind: 'transient', message: line(`Telegram did not answer in time (${err.message})`) };
  if (err instanceof NetworkError) {
    const cause = (err as { cause?: { message?: string; cause?: { code?: string; message?: string } } }).cause;
    const code = cause?.cause?.code ?? cause?.cause?.message ?? cause?.message;
    return { kind: 'transient', message: line(`cannot reach Telegram (${err.message}${code ? `: ${code}` : ''})`) };
  }
  if (err instanceof ParseError)
    return { kind: 'transient', message: line(`Telegram answered something that is not JSON (${err.message})`) };
  return { kind: 'transient', message: line(err instanceof Error ? err.message : String(err)) };
}
