/**
 * A local fake of the Telegram Bot API over real HTTP: the methods node-telegram-bot-api calls for
 * this daemon (getMe, deleteWebhook, setMyCommands, getUpdates with offset/timeout long polling,
 * sendMessage, editMessageText, answerCallbackQuery). It records what was sent, can answer 429
 * with retry_after or 5xx for a while, and delivers updates (commands, button presses).
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
  readonly chatId: number;
  readonly messageId: number;
  readonly text: string;
  readonly parseMode?: string;
  /** Inline buttons (text and callback data), when the message has a keyboard. */
  readonly buttons: readonly { readonly text: string; readonly data: string }[];
  readonly atMs: number;
}

export interface ApiCall {
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly atMs: number;
  /** HTTP status answered. */
  status: number;
}

/** An HTTP error answer, or `reset`: the connection is dropped without an answer (a network error). */
export type Fault =
  | { readonly status: 429; readonly retryAfter: number }
  | { readonly status: 500 | 502 | 503 }
  | { readonly status: 400; readonly description: string }
  | { readonly status: 'reset' };

interface Waiter {
  readonly offset: number;
  readonly res: ServerResponse;
  readonly timer: NodeJS.Timeout;
}

export class FakeTelegram extends EventEmitter {
  readonly calls: ApiCall[] = [];
  readonly sent: SentMessage[] = [];
  readonly edits: { chatId: number; messageId: number; text: string }[] = [];
  readonly callbackAnswers: { id: string; text?: string }[] = [];
  commands: { command: string; description: string }[] = [];

  private server: Server | undefined;
  private updates: Record<string, unknown>[] = [];
  private nextUpdateId = 1;
  private nextMessageId = 1;
  private waiters: Waiter[] = [];
  private faults: { method: string; fault: Fault; remaining: number }[] = [];
  private down: Fault | undefined;

  constructor(
    readonly token: string,
    readonly botUsername = 'venue_daemon_bot',
  ) {
    super();
  }

  /** Base URL to pass as apiRoot. */
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      this.reply(w.res, 200, { ok: true, result: [] });
    }
    this.waiters = [];
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next `count` calls of `method` ('*' for any but getUpdates) answer with `fault`. */
  failNext(method: string, fault: Fault, count = 1): void {
    this.faults.push({ method, fault, remaining: count });
  }

  /** Until `setDown(undefined)`, every call but getUpdates answers with `fault` (an outage). */
  setDown(fault: Fault | undefined): void {
    this.down = fault;
  }

  /** Sent messages to a chat whose text contains `fragment`. */
  messagesWith(fragment: string, chatId?: number): SentMessage[] {
    return this.sent.filter((m) => m.text.includes(fragment) && (chatId === undefined || m.chatId === chatId));
  }

  /** Queues a text message (a command) from a user in a chat. */
  pushMessage(options: { chatId: number; userId: number; text: string; dateSecs?: number; chatType?: string }): number {
    const updateId = this.nextUpdateId++;
    this.updates.push({
      update_id: updateId,
      message: {
        message_id: this.nextMessageId++,
        date: options.dateSecs ?? Math.floor(Date.now() / 1000),
        chat: { id: options.chatId, type: options.chatType ?? (options.chatId < 0 ? 'group' : 'private') },
        from: { id: options.userId, is_bot: false, first_name: `user${options.userId}` },
        text: options.text,
        ...(options.text.startsWith('/')
          ? { entities: [{ type: 'bot_command', offset: 0, length: options.text.split(/\s/)[0]!.length }] }
          : {}),
      },
    });
    this.flushWaiters();
    return updateId;
  }

  /** Queues a button press on a message the bot sent. */
  pushCallback(options: { chatId: number; userId: number; data: string; messageId: number }): string {
    const updateId = this.nextUpdateId++;
    const id = `cb${updateId}`;
    this.updates.push({
      update_id: updateId,
      callback_query: {
        id,
        from: { id: options.userId, is_bot: false, first_name: `user${options.userId}` },
        chat_instance: `ci${options.chatId}`,
        data: options.data,
        message: {
          message_id: options.messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: options.chatId, type: 'private' },
          text: '',
        },
      },
    });
    this.flushWaiters();
    return id;
  }

  /** Updates not yet confirmed by an offset. */
  pendingUpdates(): number {
    return this.updates.length;
  }

  private pending(offset: number): Record<string, unknown>[] {
    return this.updates.filter((u) => (u.update_id as number) >= offset);
  }

  private flushWaiters(): void {
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      const ready = this.pending(w.offset);
      if (ready.length === 0) {
        still.push(w);
        continue;
      }
      clearTimeout(w.timer);
      this.reply(w.res, 200, { ok: true, result: ready });
    }
    this.waiters = still;
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    if (res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
    if (!match) return this.reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = match as unknown as [string, string, string];
    const params = parseBody(raw, req.headers['content-type']);
    const call: ApiCall = { method, params, atMs: Date.now(), status: 200 };
    this.calls.push(call);
    if (token !== this.token) {
      call.status = 401;
      this.emit('call', call);
      return this.reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }

    if (method !== 'getUpdates') {
      const fault = this.takeFault(method);
      if (fault) {
        call.status = fault.status === 'reset' ? 0 : fault.status;
        this.emit('call', call);
        if (fault.status === 'reset') return void req.socket.destroy();
        if (fault.status === 429)
          return this.reply(res, 429, {
            ok: false,
            error_code: 429,
            description: `Too Many Requests: retry after ${fault.retryAfter}`,
            parameters: { retry_after: fault.retryAfter },
          });
        if (fault.status === 400) return this.reply(res, 400, { ok: false, error_code: 400, description: fault.description });
        return this.reply(res, fault.status, { ok: false, error_code: fault.status, description: 'Internal Server Error' });
      }
    }
    this.emit('call', call);

    switch (method) {
      case 'getMe':
        return this.reply(res, 200, {
          ok: true,
          result: { id: 4242, is_bot: true, first_name: 'Venue daemon', username: this.botUsername },
        });
      case 'deleteWebhook':
        return this.reply(res, 200, { ok: true, result: true });
      case 'setMyCommands':
        this.commands = (asJson(params.commands) as { command: string; description: string }[]) ?? [];
        return this.reply(res, 200, { ok: true, result: true });
      case 'getUpdates': {
        const offset = Number(params.offset ?? 0);
        // Confirming an offset forgets the updates before it, as Telegram does.
        this.updates = this.updates.filter((u) => (u.update_id as number) >= offset);
        const ready = this.pending(offset);
        const timeout = Number(params.timeout ?? 0);
        if (ready.length > 0 || timeout <= 0) return this.reply(res, 200, { ok: true, result: ready });
        const timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w.res !== res);
          this.reply(res, 200, { ok: true, result: [] });
        }, timeout * 1000);
        this.waiters.push({ offset, res, timer });
        res.on('close', () => {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w.res !== res);
        });
        return;
      }
      case 'sendMessage': {
        const markup = asJson(params.reply_markup) as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined;
        const message: SentMessage = {
          chatId: Number(params.chat_id),
          messageId: this.nextMessageId++,
          text: String(params.text ?? ''),
          ...(params.parse_mode ? { parseMode: String(params.parse_mode) } : {}),
          buttons: (markup?.inline_keyboard ?? []).flat().map((b) => ({ text: b.text, data: b.callback_data ?? '' })),
          atMs: Date.now(),
        };
        this.sent.push(message);
        this.emit('message', message);
        return this.reply(res, 200, {
          ok: true,
          result: {
            message_id: message.messageId,
            date: Math.floor(Date.now() / 1000),
            chat: { id: message.chatId, type: 'private' },
            text: message.text,
          },
        });
      }
      case 'editMessageText': {
        const edit = { chatId: Number(params.chat_id), messageId: Number(params.message_id), text: String(params.text ?? '') };
        this.edits.push(edit);
        this.emit('edit', edit);
        return this.reply(res, 200, { ok: true, result: true });
      }
      case 'answerCallbackQuery': {
        const answer = { id: String(params.callback_query_id), ...(params.text ? { text: String(params.text) } : {}) };
        this.callbackAnswers.push(answer);
        this.emit('answer', answer);
        return this.reply(res, 200, { ok: true, result: true });
      }
      default:
        return this.reply(res, 404, { ok: false, error_code: 404, description: `Not Found: method ${method}` });
    }
  }

  private takeFault(method: string): Fault | undefined {
    if (this.down) return this.down;
    const f = this.faults.find((x) => x.remaining > 0 && (x.method === method || x.method === '*'));
    if (!f) return undefined;
    f.remaining -= 1;
    return f.fault;
  }
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(raw));
}

function asJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
