/**
 * One OKX WebSocket (public, private or business) on the shared reconnecting socket: text `ping`
 * keepalive from the moment of open (`pong` expected), the login gate on private and business
 * (login ack before any subscription; an error event instead fails the socket), subscribe with a
 * unique `id` per frame and an ack required for every arg, resubscribe after every reconnect, and
 * any error event on a logged-in socket treated as fatal (a `60011` socket is deaf: reconnect).
 */
import type { Logger } from 'pino';

import { TransportError } from '../../domain/errors.js';
import type { Clock } from '../../domain/ports.js';
import type { BackoffOptions } from '../shared/backoff.js';
import { type ConnectionContext, type InboundFrame, ReconnectingSocket } from '../shared/reconnecting-socket.js';
import { alphanumericIds } from '../shared/request-tracker.js';
import { OKX_API_KEY_ENV, OKX_API_PASSPHRASE_ENV, OKX_API_SECRET_ENV, type OkxCredentials } from './credentials.js';
import { classifyLoginError, OkxApiError, OkxParseError } from './errors.js';
import { wsErrorToApiError } from './parse.js';
import { wsLoginFrame } from './signing.js';
import type { OkxSocketKind } from './urls.js';
import {
  channelKey,
  classifyFrame,
  type MalformedCounts,
  newMalformedCounts,
  type OkxChannelArg,
  type OkxInboundFrame,
  PING_TEXT,
  subscriptionFrame,
} from './ws-messages.js';

/** A data push as the classifier hands it on. */
export type OkxPush = Extract<OkxInboundFrame, { kind: 'push' }>;

export interface OkxWsClientOptions {
  readonly kind: OkxSocketKind;
  /** Name in log lines: `okx.public`, `okx.private`, `okx.business`. */
  readonly name: string;
  readonly url: string;
  readonly logger: Logger;
  /** The venue's clock (host + measured offset): the login timestamp is venue time. */
  readonly clock: Clock;
  /** Required on private and business sockets (they log in); ignored on public. */
  readonly credentials?: OkxCredentials;
  /** Text `ping` after this long (default 15 s; OKX closes a socket idle for 30 s). */
  readonly keepaliveIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly loginTimeoutMs: number;
  readonly subscribeAckTimeoutMs: number;
  readonly backoff?: BackoffOptions;
  /** The args to subscribe after every (re)connect (and login). */
  readonly argsToRestore: () => readonly OkxChannelArg[];
  readonly onPush: (push: OkxPush, receivedAtMs: number) => void;
  /** Runs before every login is signed (the venue measures its clock offset here). Must not throw. */
  readonly beforeLogin?: () => Promise<void>;
}

interface PendingSubscribe {
  readonly op: 'subscribe' | 'unsubscribe';
  readonly remaining: Set<string>;
  resolve(): void;
  reject(error: unknown): void;
}

/** Frames this socket could not use, by reason, since it was created (counts survive reconnects). */
export interface OkxFrameProblems {
  readonly counts: Readonly<MalformedCounts>;
  readonly total: number;
  readonly last: string | undefined;
}

export class OkxWsClient {
  readonly socket: ReconnectingSocket;
  readonly kind: OkxSocketKind;
  private readonly log: Logger;
  private readonly counts = newMalformedCounts();
  private lastProblem: string | undefined;
  private readonly nextId = alphanumericIds('s');
  private seq = 1;
  private readonly pending = new Map<string, PendingSubscribe>();
  private readonly needsLogin: boolean;
  /** Error events seen (60011 and the others): each one on a logged-in socket forced a reconnect. */
  private errorEvents = 0;

  constructor(private readonly options: OkxWsClientOptions) {
    this.kind = options.kind;
    this.log = options.logger.child({ socket: options.name });
    this.needsLogin = options.kind !== 'public';
    if (this.needsLogin && !options.credentials) {
      throw new RangeError(
        `${options.name}: the ${options.kind} socket logs in and needs credentials (${OKX_API_KEY_ENV} / ${OKX_API_SECRET_ENV} / ${OKX_API_PASSPHRASE_ENV})`,
      );
    }
    this.socket = new ReconnectingSocket({
      name: options.name,
      url: options.url,
      logger: options.logger,
      keepalive: {
        intervalMs: options.keepaliveIntervalMs,
        // OKX wants the text frame `ping` (not JSON, not an RFC 6455 ping) and answers `pong`.
        ping: PING_TEXT,
        isPong: (frame) => frame.raw === 'pong',
        pongTimeoutMs: options.pongTimeoutMs,
      },
      auth: this.needsLogin ? (ctx) => this.login(ctx) : undefined,
      authTimeoutMs: options.loginTimeoutMs,
      onReady: (ctx) => this.restore(ctx),
      readyTimeoutMs: options.subscribeAckTimeoutMs + 1_000,
      backoff: options.backoff,
    });
    this.socket.on('message', (frame) => this.onFrame(frame));
    this.socket.on('close', ({ code, reason }) =>
      this.rejectPending(
        new TransportError(
          'DISCONNECTED',
          `${options.name}: connection closed (${code} ${reason}) before the subscription was acknowledged`,
        ),
      ),
    );
  }

  start(): void {
    this.socket.start();
  }

  async stop(): Promise<void> {
    await this.socket.close();
    this.rejectPending(new TransportError('NOT_CONNECTED', `${this.options.name}: client stopped`));
  }

  isReady(): boolean {
    return this.socket.isReady();
  }

  /** Malformed frames by reason (not JSON, bad push, unknown event…). */
  frameProblems(): OkxFrameProblems {
    let total = 0;
    for (const n of Object.values(this.counts)) total += n;
    return { counts: { ...this.counts }, total, last: this.lastProblem };
  }

  /** Error events the venue sent on this socket since start. */
  errorEventCount(): number {
    return this.errorEvents;
  }

  /** Subscribes `args` on the live connection (waits for ready) and resolves when every arg is acknowledged. */
  async subscribe(args: readonly OkxChannelArg[]): Promise<void> {
    if (args.length === 0) return;
    await this.socket.whenReady();
    await this.request('subscribe', args, (frame) => this.socket.send(frame));
  }

  async unsubscribe(args: readonly OkxChannelArg[]): Promise<void> {
    if (args.length === 0 || !this.socket.isReady()) return;
    await this.request('unsubscribe', args, (frame) => this.socket.send(frame));
  }

  // ---- session hooks ---------------------------------------------------------------------------

  /**
   * Logs in on this connection: the login frame, then the `login` event with code 0, or an error
   * event (60009, 60024, 60006…) that fails the attempt (the socket reconnects with backoff).
   */
  private async login(ctx: ConnectionContext): Promise<void> {
    const credentials = this.options.credentials;
    if (!credentials) return;
    await this.options.beforeLogin?.();
    const answer = ctx.nextMessage((f) => f.ok && isEvent(f.data, 'login', 'error'), { timeoutMs: this.options.loginTimeoutMs });
    ctx.send(wsLoginFrame(credentials.apiKey, credentials.revealSecret(), credentials.revealPassphrase(), this.options.clock.now()));
    const frame = await answer;
    const msg = frame.ok ? classifyFrame(frame.data) : undefined;
    if (msg?.kind === 'login' && msg.ok) {
      this.log.info({ connId: msg.connId }, `okx ${this.kind} socket logged in`);
      return;
    }
    const err =
      msg?.kind === 'login' || msg?.kind === 'error'
        ? wsErrorToApiError(msg)
        : new OkxParseError('login', 'unexpected answer to the login');
    const kind = classifyLoginError(err);
    const detail = { code: err instanceof OkxApiError ? err.okxCode : undefined, reason: err.message };
    if (kind === 'credentials') {
      this.log.error(
        detail,
        `okx ${this.kind} login refused: check ${OKX_API_KEY_ENV} / ${OKX_API_SECRET_ENV} / ${OKX_API_PASSPHRASE_ENV} and that the key belongs to this environment (demo vs live); retrying with backoff`,
      );
    } else if (kind === 'clock') {
      this.log.warn(
        detail,
        `okx ${this.kind} login refused for its timestamp: the clock offset is measured again before the next try; check NTP on the host if it repeats`,
      );
    } else {
      this.log.warn(detail, `okx ${this.kind} login failed (${kind}); retrying with backoff`);
    }
    throw err;
  }

  /** After every (re)connect and login: subscribe everything again, every arg acknowledged, before the socket counts as ready. */
  private async restore(ctx: ConnectionContext): Promise<void> {
    const args = this.options.argsToRestore();
    if (args.length === 0) return;
    await this.request('subscribe', args, (frame) => ctx.send(frame));
    this.log.info({ channels: args.map((a) => channelKey(a)) }, `okx ${this.kind} subscriptions restored`);
  }

  private request(op: 'subscribe' | 'unsubscribe', args: readonly OkxChannelArg[], send: (frame: object) => void): Promise<void> {
    const id = this.nextId(this.seq++);
    const remaining = new Set(args.map((a) => channelKey(a)));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.pending.delete(id)) return;
        const error = new TransportError(
          'TIMEOUT',
          `okx ${this.kind} ${op} ${id} not acknowledged within ${this.options.subscribeAckTimeoutMs} ms (missing: ${[...remaining].join(', ')})`,
        );
        reject(error);
        // Without the ack the channel may not exist: a deaf socket looks healthy. Start over.
        if (op === 'subscribe') this.socket.reconnect(error.message);
      }, this.options.subscribeAckTimeoutMs);
      timer.unref();
      this.pending.set(id, {
        op,
        remaining,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      try {
        send(subscriptionFrame(op, id, args));
      } catch (err) {
        this.pending.delete(id);
        clearTimeout(timer);
        reject(err);
      }
    });
  }

  private rejectPending(error: unknown): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }

  // ---- inbound ---------------------------------------------------------------------------------

  private onFrame(frame: InboundFrame): void {
    if (!frame.ok) {
      this.counts.not_json += 1;
      this.lastProblem = `not JSON (${frame.raw.length} chars)`;
      return;
    }
    // The hot path: a push is recognised by a few field checks before anything else.
    const msg = classifyFrame(frame.data, this.counts);
    switch (msg.kind) {
      case 'push':
        try {
          this.options.onPush(msg, frame.receivedAt);
        } catch (err) {
          this.log.error(
            { err, channel: msg.channel },
            `handler of an okx ${msg.channel} push threw; push dropped, connection kept, reconciliation catches up`,
          );
        }
        return;
      case 'subscribe':
      case 'unsubscribe':
        this.onAck(msg.kind, msg.arg, msg.id);
        return;
      case 'login':
        // Answered inside the login hook; a late or repeated one is only noted.
        if (!msg.ok) this.log.debug({ code: msg.code }, 'okx login event outside a login attempt ignored');
        return;
      case 'error':
        this.onErrorEvent(msg);
        return;
      case 'notice':
        this.log.warn(
          { code: msg.code, msg: msg.msg },
          `okx ${this.kind} socket: service notice ${msg.code}; reconnecting now (log in, resubscribe, resync) before the venue drops the connection`,
        );
        this.socket.reconnect(`notice ${msg.code}`);
        return;
      case 'channel-conn-count':
        return;
      case 'channel-conn-count-error':
        this.log.error(
          { channel: msg.channel, connCount: msg.connCount },
          `okx dropped the ${msg.channel} subscription: too many connections on this account hold it (another daemon or client on the same key?); reconnecting to subscribe again — stop the other client`,
        );
        this.socket.reconnect(`channel-conn-count-error on ${msg.channel}`);
        return;
      case 'op':
        this.log.debug({ op: msg.op, id: msg.id }, 'okx op reply ignored (this adapter sends orders over REST)');
        return;
      case 'pong':
        return;
      case 'malformed':
        this.lastProblem = `${msg.reason}: ${msg.detail}`;
        this.log.warn(
          { reason: msg.reason, detail: msg.detail, preview: frame.raw.slice(0, 200) },
          `malformed okx ${this.kind} frame counted and dropped; connection kept`,
        );
        return;
    }
  }

  private onAck(op: 'subscribe' | 'unsubscribe', arg: OkxChannelArg, id: string | undefined): void {
    const key = channelKey(arg);
    let entry: [string, PendingSubscribe] | undefined;
    if (id !== undefined) {
      const p = this.pending.get(id);
      if (p) entry = [id, p];
    }
    entry ??= [...this.pending.entries()].find(([, p]) => p.op === op && p.remaining.has(key));
    if (!entry) return;
    const [pid, p] = entry;
    p.remaining.delete(key);
    if (p.remaining.size === 0) {
      this.pending.delete(pid);
      p.resolve();
    }
  }

  /**
   * An `event:"error"`. It fails the request it names (by `id`). On private and business sockets
   * any error event means the socket may be deaf (`60011` before login: no subscription exists,
   * and OKX sends nothing more), so before ready it fails the restore, and once ready it forces a
   * reconnect (log in, resubscribe, resync). On public, an error without a request is logged.
   */
  private onErrorEvent(msg: Extract<OkxInboundFrame, { kind: 'error' }>): void {
    this.errorEvents += 1;
    const error = wsErrorToApiError(msg);
    const named = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
    if (named && msg.id !== undefined) {
      this.pending.delete(msg.id);
      named.reject(error);
    }
    if (!this.needsLogin) {
      if (!named) this.log.warn({ code: msg.code, msg: msg.msg }, 'okx public socket sent an error event; connection kept');
      return;
    }
    if (!named) this.rejectPending(error);
    if (this.socket.state === 'authenticating') return; // the login hook reads it and fails the attempt
    this.log.error(
      { code: msg.code, msg: msg.msg, id: msg.id, state: this.socket.state },
      `okx ${this.kind} socket got error event ${msg.code} (${msg.msg}): its private channels may be gone and OKX would send nothing more; reconnecting (log in, resubscribe, resync)`,
    );
    this.socket.reconnect(`error event ${msg.code}`);
  }
}

function isEvent(data: unknown, ...events: readonly string[]): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const event = (data as Record<string, unknown>).event;
  return typeof event === 'string' && events.includes(event);
}
