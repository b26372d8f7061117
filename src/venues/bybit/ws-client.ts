/**
 * One Bybit WebSocket (public linear, public inverse, private or trade) on the shared reconnecting
 * socket: JSON `{"op":"ping"}` keepalive from the moment of open with each stream's own pong
 * shape, the auth gate on private and trade (auth ack before any subscription; `success:false` or
 * no ack within the login timeout fails the attempt and reconnects), subscribe with a unique
 * `req_id` and an ack required (a refused subscription reconnects: a socket that lost its private
 * topics would look healthy while deaf), and resubscribe after every reconnect.
 */
import type { Logger } from 'pino';

import { TransportError } from '../../domain/errors.js';
import type { Clock } from '../../domain/ports.js';
import type { BackoffOptions } from '../shared/backoff.js';
import { type ConnectionContext, type InboundFrame, ReconnectingSocket } from '../shared/reconnecting-socket.js';
import { alphanumericIds } from '../shared/request-tracker.js';
import { realTimers, type Timers } from '../shared/timers.js';
import { BYBIT_API_KEY_ENV, BYBIT_API_SECRET_ENV, type BybitCredentials } from './credentials.js';
import { BybitApiError, BybitParseError } from './errors.js';
import { wsAuthFrame } from './signing.js';
import type { BybitSocketKind } from './urls.js';
import {
  type BybitInboundFrame,
  classifyFrame,
  isPong,
  type MalformedCounts,
  newMalformedCounts,
  pingFrame,
  subscriptionFrame,
  topicNeedsAuth,
} from './ws-messages.js';

/** A data push as the classifier hands it on. */
export type BybitPush = Extract<BybitInboundFrame, { kind: 'push' }>;

export interface BybitWsClientOptions {
  readonly kind: BybitSocketKind;
  /** Name in log lines: `bybit.publicLinear`, `bybit.private`... */
  readonly name: string;
  readonly url: string;
  readonly logger: Logger;
  /** The venue's clock (host + measured offset): auth `expires` is venue time. */
  readonly clock: Clock;
  /** Required on private and trade (they authenticate); ignored on public. */
  readonly credentials?: BybitCredentials;
  readonly keepaliveIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly loginTimeoutMs: number;
  readonly subscribeAckTimeoutMs: number;
  /** Auth `expires` = venue now + this. */
  readonly authExpiresInMs: number;
  readonly backoff?: BackoffOptions;
  readonly timers?: Timers;
  /** The topics to subscribe after every (re)connect (and auth). */
  readonly topicsToRestore: () => readonly string[];
  readonly onPush: (push: BybitPush, receivedAtMs: number) => void;
  /** Runs before every auth is signed (the venue measures its clock offset here). Must not throw. */
  readonly beforeAuth?: () => Promise<void>;
}

interface PendingSubscribe {
  readonly op: 'subscribe' | 'unsubscribe';
  readonly topics: readonly string[];
  resolve(): void;
  reject(error: unknown): void;
}

/** Frames this socket could not use, by reason, since it was created (counts survive reconnects). */
export interface BybitFrameProblems {
  readonly counts: Readonly<MalformedCounts>;
  readonly total: number;
  readonly last: string | undefined;
}

export class BybitWsClient {
  readonly socket: ReconnectingSocket;
  readonly kind: BybitSocketKind;
  private readonly log: Logger;
  private readonly counts = newMalformedCounts();
  private lastProblem: string | undefined;
  private readonly nextId = alphanumericIds('s');
  private readonly nextPingId = alphanumericIds('p');
  private seq = 1;
  private pingSeq = 1;
  private readonly pending = new Map<string, PendingSubscribe>();
  private readonly needsAuth: boolean;
  /** Subscriptions the venue refused (each one forced a reconnect on an authenticated socket). */
  private refusals = 0;
  /** True once the venue acknowledged auth on the live connection. */
  private authenticated = false;

  constructor(private readonly options: BybitWsClientOptions) {
    this.kind = options.kind;
    this.log = options.logger.child({ socket: options.name });
    this.needsAuth = options.kind === 'private' || options.kind === 'trade';
    if (this.needsAuth && !options.credentials) {
      throw new RangeError(
        `${options.name}: the ${options.kind} socket authenticates and needs credentials (${BYBIT_API_KEY_ENV} / ${BYBIT_API_SECRET_ENV})`,
      );
    }
    const isTrade = options.kind === 'trade';
    this.socket = new ReconnectingSocket({
      name: options.name,
      url: options.url,
      logger: options.logger,
      keepalive: {
        intervalMs: options.keepaliveIntervalMs,
        // A JSON text frame, not an RFC 6455 ping; the trade stream documents only `{"op":"ping"}`.
        ping: () => (isTrade ? pingFrame() : pingFrame(this.nextPingId(this.pingSeq++))),
        isPong: (frame) => frame.ok && isPong(frame.data),
        pongTimeoutMs: options.pongTimeoutMs,
      },
      auth: this.needsAuth ? (ctx) => this.auth(ctx) : undefined,
      authTimeoutMs: options.loginTimeoutMs,
      onReady: (ctx) => this.restore(ctx),
      readyTimeoutMs: options.subscribeAckTimeoutMs + 1_000,
      backoff: options.backoff,
      ...(options.timers === undefined ? {} : { timers: options.timers }),
    });
    this.socket.on('message', (frame) => this.onFrame(frame));
    this.socket.on('close', ({ code, reason }) => {
      this.authenticated = false;
      this.rejectPending(
        new TransportError(
          'DISCONNECTED',
          `${options.name}: connection closed (${code} ${reason}) before the subscription was acknowledged`,
        ),
      );
    });
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

  /** True while the live connection is authenticated (always false on public sockets). */
  isAuthenticated(): boolean {
    return this.authenticated;
  }

  frameProblems(): BybitFrameProblems {
    let total = 0;
    for (const n of Object.values(this.counts)) total += n;
    return { counts: { ...this.counts }, total, last: this.lastProblem };
  }

  /** Subscriptions the venue refused since start. */
  refusedSubscriptions(): number {
    return this.refusals;
  }

  /**
   * Subscribes `topics` on the live connection (waits for ready, i.e. after auth on private) and
   * resolves when the venue acknowledges. A private topic on a socket that is not authenticated is
   * refused here: the login gate.
   */
  async subscribe(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    await this.socket.whenReady();
    this.gate(topics);
    await this.request('subscribe', topics, (frame) => this.socket.send(frame));
  }

  async unsubscribe(topics: readonly string[]): Promise<void> {
    if (topics.length === 0 || !this.socket.isReady()) return;
    await this.request('unsubscribe', topics, (frame) => this.socket.send(frame));
  }

  /** The login gate: no private topic goes out before the auth ack on this connection. */
  private gate(topics: readonly string[]): void {
    const priv = topics.filter((t) => topicNeedsAuth(t));
    if (priv.length === 0) return;
    if (!this.needsAuth) throw new BybitParseError('topic', `${priv.join(', ')} are private topics: subscribe them on the private socket`);
    if (!this.authenticated) {
      throw new TransportError(
        'NOT_CONNECTED',
        `${this.options.name}: ${priv.join(', ')} not sent: the socket is not authenticated yet (login gate)`,
      );
    }
  }

  // ---- session hooks ---------------------------------------------------------------------------

  /** Authenticates this connection: the auth frame, then `success:true` (or `retCode:0`); anything else fails the attempt. */
  private async auth(ctx: ConnectionContext): Promise<void> {
    const credentials = this.options.credentials;
    if (!credentials) return;
    this.authenticated = false;
    await this.options.beforeAuth?.();
    const answer = ctx.nextMessage((f) => f.ok && isOp(f.data, 'auth'), { timeoutMs: this.options.loginTimeoutMs });
    const expires = this.options.clock.now() + this.options.authExpiresInMs;
    ctx.send(wsAuthFrame(credentials.apiKey, credentials.revealSecret(), expires, this.nextId(this.seq++)));
    const frame = await answer;
    const msg = frame.ok ? classifyFrame(frame.data) : undefined;
    if (msg?.kind === 'auth' && msg.ok) {
      this.authenticated = true;
      this.log.info(`bybit ${this.kind} socket authenticated`);
      return;
    }
    const reason = msg?.kind === 'auth' ? msg.message : 'unexpected answer to auth';
    const retCode = msg?.kind === 'auth' ? msg.retCode : undefined;
    this.log.error(
      { retCode, reason },
      `bybit ${this.kind} auth refused: check ${BYBIT_API_KEY_ENV} / ${BYBIT_API_SECRET_ENV}, that the key belongs to this environment (testnet, demo and mainnet keys differ) and the host clock; retrying with backoff`,
    );
    throw new BybitApiError({ retCode: retCode ?? -1, retMsg: `auth refused: ${reason}`, method: 'ws auth' });
  }

  /** After every (re)connect and auth: subscribe everything again, acknowledged, before the socket counts as ready. */
  private async restore(ctx: ConnectionContext): Promise<void> {
    const topics = this.options.topicsToRestore();
    if (topics.length === 0) return;
    this.gate(topics);
    await this.request('subscribe', topics, (frame) => ctx.send(frame));
    this.log.info({ topics }, `bybit ${this.kind} subscriptions restored`);
  }

  private request(op: 'subscribe' | 'unsubscribe', topics: readonly string[], send: (frame: object) => void): Promise<void> {
    const id = this.nextId(this.seq++);
    const timers = this.options.timers ?? realTimers;
    return new Promise<void>((resolve, reject) => {
      const timer = timers.setTimeout(() => {
        if (!this.pending.delete(id)) return;
        const error = new TransportError(
          'TIMEOUT',
          `bybit ${this.kind} ${op} ${id} not acknowledged within ${this.options.subscribeAckTimeoutMs} ms (${topics.join(', ')})`,
        );
        reject(error);
        if (op === 'subscribe') this.socket.reconnect(error.message);
      }, this.options.subscribeAckTimeoutMs);
      timers.unref?.(timer);
      this.pending.set(id, {
        op,
        topics,
        resolve: () => {
          timers.clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          timers.clearTimeout(timer);
          reject(error);
        },
      });
      try {
        send(subscriptionFrame(op, id, topics));
      } catch (err) {
        this.pending.delete(id);
        timers.clearTimeout(timer);
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
    // The hot path: a push is recognised by `topic` before anything else.
    const msg = classifyFrame(frame.data, this.counts);
    switch (msg.kind) {
      case 'push':
        try {
          this.options.onPush(msg, frame.receivedAt);
        } catch (err) {
          this.log.error(
            { err, topic: msg.topic },
            `handler of a bybit ${msg.topic} push threw; push dropped, connection kept, reconciliation catches up`,
          );
        }
        return;
      case 'subscribe':
      case 'unsubscribe':
        this.onAck(msg);
        return;
      case 'auth':
        // Answered inside the auth hook; a late or repeated one is only noted.
        if (!msg.ok) this.log.debug({ reason: msg.message }, 'bybit auth reply outside an auth attempt ignored');
        return;
      case 'op':
        this.log.debug({ op: msg.op, retCode: msg.retCode }, 'bybit trade op reply ignored (this adapter sends orders over REST)');
        return;
      case 'pong':
        return;
      case 'malformed':
        this.lastProblem = `${msg.reason}: ${msg.detail}`;
        this.log.warn(
          { reason: msg.reason, detail: msg.detail, preview: frame.raw.slice(0, 200) },
          `malformed bybit ${this.kind} frame counted and dropped; connection kept`,
        );
        return;
    }
  }

  /**
   * A subscribe/unsubscribe ack: matched by `req_id` (or, when the venue sent none, the oldest
   * pending request of that op). `success:false` fails the request; on an authenticated socket it
   * also reconnects (the venue keeps nothing of a refused private subscription: spec 3).
   */
  private onAck(msg: Extract<BybitInboundFrame, { kind: 'subscribe' | 'unsubscribe' }>): void {
    let id = msg.reqId !== undefined && this.pending.has(msg.reqId) ? msg.reqId : undefined;
    id ??= [...this.pending.entries()].find(([, p]) => p.op === msg.kind)?.[0];
    const p = id === undefined ? undefined : this.pending.get(id);
    if (id !== undefined) this.pending.delete(id);
    if (msg.ok) {
      p?.resolve();
      return;
    }
    this.refusals += 1;
    const error = new BybitApiError({ retCode: -1, retMsg: `${msg.kind} refused: ${msg.message}`, method: `ws ${msg.kind}` });
    p?.reject(error);
    this.log.error(
      { reason: msg.message, topics: p?.topics },
      `bybit ${this.kind} ${msg.kind} refused (${msg.message}): those topics send nothing${this.needsAuth ? '; reconnecting (auth, resubscribe, resync)' : ''}`,
    );
    if (this.needsAuth && msg.kind === 'subscribe' && this.socket.state === 'ready')
      this.socket.reconnect(`subscribe refused: ${msg.message}`);
  }
}

function isOp(data: unknown, op: string): boolean {
  return typeof data === 'object' && data !== null && (data as Record<string, unknown>).op === op;
}
