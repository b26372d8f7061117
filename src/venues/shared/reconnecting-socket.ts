/** A venue-neutral reconnecting WebSocket: named states, keepalive, login gate, resubscribe hook, backoff with jitter. */
import type { Logger } from 'pino';
import WebSocket, { type ClientOptions, type RawData } from 'ws';

import { TransportError } from '../../domain/errors.js';
import type { ConnectionState } from '../../domain/events.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { realTimers, type TimerHandle, type Timers } from './timers.js';
import { TypedEmitter } from './typed-emitter.js';

export type { ConnectionState } from '../../domain/events.js';

/** What `send` accepts: a string goes out verbatim (OKX's text `ping`), anything else is JSON-encoded. */
export type OutboundFrame = string | object;

/**
 * One inbound text frame. `ok: true` carries the parsed JSON in `data`; `ok: false` carries the
 * parse error (the socket has already logged it and carries on). `raw` is always the text as received.
 */
export type InboundFrame = {
  readonly connectionId: number;
  /** The socket's clock (`timers.now()`, wall time by default) when the frame was read off the socket. */
  readonly receivedAt: number;
  readonly raw: string;
} & ({ readonly ok: true; readonly data: unknown } | { readonly ok: false; readonly error: Error });

/** Handed to every hook: the one connection the hook is working on. */
export interface ConnectionContext {
  /** Increments with every new underlying WebSocket (1, 2, 3, ...). */
  readonly connectionId: number;
  /** Aborted when this connection closes; hooks should stop their work when it fires. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /**
   * Sends on this connection, bypassing the login gate (this is how the auth hook logs in and the
   * ready hook resubscribes). Throws TransportError('NOT_CONNECTED') if this connection is gone,
   * so a hook from an old connection can never write to a new one. Frame contents are never logged.
   */
  send(frame: OutboundFrame): void;
  /**
   * Resolves with the next inbound frame on this connection for which `predicate` is true (login
   * ack, subscribe ack). Rejects with TransportError('TIMEOUT') after `timeoutMs` (default: none,
   * the hook deadline applies) or TransportError('DISCONNECTED') when the connection closes.
   * Register it before, or in the same tick as, the `send` it waits on. The frame is still emitted
   * as a 'message' event as well.
   */
  nextMessage(predicate: (frame: InboundFrame) => boolean, options?: { readonly timeoutMs?: number }): Promise<InboundFrame>;
}

/** Keepalive in the venue's own form. It starts the moment the socket opens, before auth. */
export interface KeepaliveOptions {
  /** Ping period in ms. Default 15 000. */
  readonly intervalMs?: number;
  /**
   * The ping frame sent every `intervalMs`: OKX `'ping'` (a text frame, not JSON), Bybit
   * `{ op: 'ping' }`, or a function that builds one (e.g. with a fresh req_id). Omit it when the
   * venue drives the keepalive itself (Deribit's heartbeat, started from `onOpen`).
   */
  readonly ping?: OutboundFrame | (() => OutboundFrame);
  /**
   * Recognises the venue's pong. Frames it accepts are consumed: they reset the pong deadline and
   * emit a 'pong' event, but are not emitted as 'message'. Must be cheap: it sees every frame.
   */
  readonly isPong?: (frame: InboundFrame) => boolean;
  /** A ping not answered within this many ms means the connection is dead. Default 5 000. Armed only when both `ping` and `isPong` are set. */
  readonly pongTimeoutMs?: number;
  /**
   * Called synchronously when the socket opens, before the auth hook: Deribit sends
   * `public/set_heartbeat` here. Throwing closes the connection and reconnects.
   */
  readonly onOpen?: (ctx: ConnectionContext) => void;
  /**
   * No inbound frame at all for this many ms means the connection is dead, whatever the pings say.
   * Default 2 × intervalMs + pongTimeoutMs (Deribit with a 30 s heartbeat: 60 s + 5 s). 0 disables.
   */
  readonly silenceTimeoutMs?: number;
}

/** Settings for one ReconnectingSocket. Durations in ms. */
export interface ReconnectingSocketOptions {
  /** Name used in log lines, e.g. 'deribit.ws' or 'okx.private'. */
  readonly name: string;
  /** The URL, or a function resolving it on every (re)connect (a different host per attempt, a fresh query). */
  readonly url: string | (() => string | Promise<string>);
  readonly logger: Logger;
  readonly keepalive?: KeepaliveOptions;
  /**
   * Logs in on each new connection. The socket is 'authenticating' until it resolves, and private
   * sends wait. Rejecting, or not resolving within `authTimeoutMs`, closes the connection and
   * reconnects with backoff. Omit for public-only sockets.
   */
  readonly auth?: (ctx: ConnectionContext) => Promise<void>;
  /** Login deadline. Default 5 000 ms (DESIGN: no ack within 5 s → disconnect and retry). */
  readonly authTimeoutMs?: number;
  /**
   * Called after every (re)connect and login, before the state becomes 'ready': resubscribe
   * everything here (send via ctx.send; sendPrivate would wait for 'ready'). Rejecting, or not
   * resolving within `readyTimeoutMs`, closes the connection and reconnects.
   */
  readonly onReady?: (ctx: ConnectionContext) => Promise<void> | void;
  /** Deadline for `onReady`. Default 10 000 ms. */
  readonly readyTimeoutMs?: number;
  /** The WebSocket handshake must finish within this. Default 10 000 ms. */
  readonly connectTimeoutMs?: number;
  /** Reconnect backoff (full jitter). Defaults: 500 ms initial, 30 s max, ×2. */
  readonly backoff?: BackoffOptions;
  /** After this long in 'ready', the backoff resets to its first step. Default 30 000 ms. */
  readonly stableAfterMs?: number;
  /** Default wait of `whenReady`/`sendPrivate`. Default 10 000 ms. */
  readonly readyWaitTimeoutMs?: number;
  /** Passed to `new WebSocket(url, options)` (headers, perMessageDeflate, ...). */
  readonly wsOptions?: ClientOptions;
  /** Clock and timers for every deadline, keepalive and backoff (fake ones in tests). Default the real ones. */
  readonly timers?: Timers;
}

export interface StateChange {
  readonly from: ConnectionState;
  readonly to: ConnectionState;
  readonly reason?: string;
}

/** Where an 'error' event came from. */
export type SocketErrorStage = 'connect' | 'socket' | 'keepalive' | 'auth' | 'ready' | 'send';

/** The typed event map of ReconnectingSocket. */
export type ReconnectingSocketEvents = {
  /** Every state transition, with the reason when there is one. */
  readonly state: StateChange;
  /** A new underlying WebSocket opened (keepalive has already started). */
  readonly open: { readonly connectionId: number; readonly url: string };
  /** Every inbound frame except pongs, in every state (the auth hook's ack too). */
  readonly message: InboundFrame;
  /** The underlying WebSocket closed. Reject pending requests here. */
  readonly close: {
    readonly connectionId: number;
    readonly code: number;
    readonly reason: string;
    readonly willReconnect: boolean;
  };
  /** Something failed; the socket has already logged it and decided what to do next. */
  readonly error: { readonly connectionId?: number; readonly stage: SocketErrorStage; readonly error: Error };
  /** A reconnect is scheduled after `delayMs` (attempt counts from 1 since the last stable period). */
  readonly reconnecting: { readonly attempt: number; readonly delayMs: number; readonly reason: string };
  /** A pong arrived; latency is measured from the moment the ping was handed to the socket. */
  readonly pong: { readonly connectionId: number; readonly latencyMs: number };
};

interface ReadyWaiter {
  resolve(): void;
  reject(error: unknown): void;
}

interface MessageWaiter {
  predicate(frame: InboundFrame): boolean;
  resolve(frame: InboundFrame): void;
}

interface Connection {
  readonly id: number;
  readonly url: string;
  readonly ws: WebSocket;
  readonly controller: AbortController;
  readonly ctx: ConnectionContext;
  readonly messageWaiters: Set<MessageWaiter>;
  opened: boolean;
  lastInboundAt: number;
  pingSentAt: number | undefined;
  connectTimer: TimerHandle | undefined;
  pingTimer: TimerHandle | undefined;
  pongTimer: TimerHandle | undefined;
  silenceTimer: TimerHandle | undefined;
  /** Why we closed it ourselves, if we did. */
  closeReason: string | undefined;
}

const DEFAULTS = {
  keepaliveIntervalMs: 15_000,
  pongTimeoutMs: 5_000,
  authTimeoutMs: 5_000,
  readyTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  stableAfterMs: 30_000,
  readyWaitTimeoutMs: 10_000,
  /** After a polite close(1000), wait this long for the server's close frame, then terminate. */
  closeGraceMs: 1_000,
} as const;

const PREVIEW_CHARS = 200;

function preview(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}… (${text.length} chars)` : text;
}

function toText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function encode(frame: OutboundFrame): string {
  return typeof frame === 'string' ? frame : JSON.stringify(frame);
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/**
 * A WebSocket that keeps itself connected. Lifecycle:
 * `idle → connecting → (authenticating) → ready → reconnecting → connecting → … → stopped`.
 *
 * On every new connection, in this order: keepalive starts (timers + `keepalive.onOpen`), the
 * `auth` hook runs under its deadline (state 'authenticating'), the `onReady` hook resubscribes,
 * then the state becomes 'ready' and the login gate opens for `sendPrivate`. A missed pong, a
 * silent connection, a failed or late login or a failed resubscribe terminates the connection and
 * schedules a reconnect with full-jitter backoff. Malformed frames are logged and emitted with
 * `ok: false`; they never close the socket. `close()` is idempotent and final until `start()`.
 */
export class ReconnectingSocket extends TypedEmitter<ReconnectingSocketEvents> {
  private currentState: ConnectionState = 'idle';
  private current: Connection | undefined;
  private nextConnectionId = 1;
  /** Bumped by start() and close(), so an async connect from an older run gives up. */
  private runId = 0;
  private stopped = true;
  private reconnectTimer: TimerHandle | undefined;
  private stableTimer: TimerHandle | undefined;
  private readonly readyWaiters = new Set<ReadyWaiter>();
  private closeWaiters: Array<() => void> = [];
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private readonly timers: Timers;

  constructor(private readonly options: ReconnectingSocketOptions) {
    const log = options.logger.child({ socket: options.name });
    super(log);
    this.log = log;
    this.backoff = new Backoff(options.backoff);
    this.timers = options.timers ?? realTimers;
  }

  /** The current named state. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** Id of the live underlying connection, or undefined between connections. */
  get connectionId(): number | undefined {
    return this.current?.id;
  }

  /** True when logged in (if auth is configured), resubscribed, and open. */
  isReady(): boolean {
    return this.currentState === 'ready';
  }

  /**
   * Starts connecting (no-op when already running; allowed again after `close()`). Use
   * `whenReady()` to wait for the first ready.
   */
  start(): void {
    if (!this.stopped) return;
    const closing = this.current;
    if (closing) {
      // Restarted before the previous close finished: finish it now, so its close() promise settles.
      this.current = undefined;
      this.cleanupConnection(closing);
      closing.ws.terminate();
      this.flushCloseWaiters();
    }
    this.stopped = false;
    this.runId += 1;
    this.backoff.reset();
    void this.connect(this.runId);
  }

  /**
   * Stops for good: cancels any reconnect, closes the connection (code 1000, then terminate after
   * 1 s if the server does not answer), rejects `whenReady`/`sendPrivate` waiters with
   * TransportError('NOT_CONNECTED'). Idempotent; resolves once the socket is closed.
   */
  close(): Promise<void> {
    if (this.stopped && !this.current) {
      this.setState('stopped', 'closed by caller');
      this.rejectReadyWaiters(new TransportError('NOT_CONNECTED', `${this.options.name}: socket stopped; nothing was sent`));
      return Promise.resolve();
    }
    const closed = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    if (this.stopped) return closed;
    this.stopped = true;
    this.runId += 1;
    this.clearReconnectTimers();
    this.setState('stopped', 'closed by caller');
    this.rejectReadyWaiters(new TransportError('NOT_CONNECTED', `${this.options.name}: socket stopped; nothing was sent`));
    const conn = this.current;
    if (!conn) {
      this.flushCloseWaiters();
      return closed;
    }
    conn.closeReason = 'closed by caller';
    this.log.info({ connectionId: conn.id }, 'closing socket on request; no reconnect will follow');
    if (conn.ws.readyState === WebSocket.OPEN) {
      conn.ws.close(1000, 'client stop');
      const grace = this.timers.setTimeout(() => conn.ws.terminate(), DEFAULTS.closeGraceMs);
      this.timers.unref?.(grace);
    } else {
      conn.ws.terminate();
    }
    return closed;
  }

  /**
   * Drops the live connection as unusable (a venue error event that leaves it deaf, an upgrade
   * notice): 'close' follows and the socket reconnects with backoff, logs in and resubscribes. A
   * no-op when there is no connection or the socket is stopped.
   */
  reconnect(reason: string): void {
    const conn = this.current;
    if (!conn || this.stopped) return;
    this.kill(conn, reason);
  }

  /** Alias of `close()`. */
  stop(): Promise<void> {
    return this.close();
  }

  /**
   * Sends a public frame on the live connection, in any state where the socket is open (also while
   * authenticating). Throws TransportError('NOT_CONNECTED') when there is no open connection:
   * nothing was sent. Frame contents are never logged.
   */
  send(frame: OutboundFrame): void {
    const conn = this.current;
    if (!conn || !conn.opened || conn.ws.readyState !== WebSocket.OPEN) {
      throw new TransportError('NOT_CONNECTED', `${this.options.name}: no open connection (state ${this.currentState}); frame not sent`);
    }
    this.write(conn, frame);
  }

  /**
   * Resolves when the socket is 'ready' (logged in and resubscribed). Rejects with
   * TransportError('NOT_CONNECTED') after `timeoutMs` (default `readyWaitTimeoutMs`, 10 s) or when
   * the socket is stopped, and with the signal's reason when `signal` aborts.
   */
  whenReady(options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}): Promise<void> {
    if (this.currentState === 'ready') return Promise.resolve();
    if (this.stopped && this.currentState === 'stopped') {
      return Promise.reject(new TransportError('NOT_CONNECTED', `${this.options.name}: socket stopped; nothing was sent`));
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const timeoutMs = options.timeoutMs ?? this.options.readyWaitTimeoutMs ?? DEFAULTS.readyWaitTimeoutMs;
    return new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        this.cancel(timer);
        signal?.removeEventListener('abort', onAbort);
        this.readyWaiters.delete(waiter);
      };
      const waiter: ReadyWaiter = {
        resolve: () => {
          cleanup();
          resolve();
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      };
      const onAbort = (): void => waiter.reject(signal?.reason);
      const timer = this.timers.setTimeout(
        () =>
          waiter.reject(
            new TransportError(
              'NOT_CONNECTED',
              `${this.options.name}: not ready within ${timeoutMs} ms (state ${this.currentState}); nothing was sent`,
            ),
          ),
        timeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      this.readyWaiters.add(waiter);
    });
  }

  /**
   * The login gate: waits for 'ready' (see `whenReady`), then sends on the live connection. A
   * rejection with code 'NOT_CONNECTED' means the frame was definitely not sent.
   */
  async sendPrivate(frame: OutboundFrame, options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}): Promise<void> {
    await this.whenReady(options);
    this.send(frame);
  }

  // ---- connection lifecycle ---------------------------------------------------------------

  private async connect(runId: number): Promise<void> {
    if (this.stopped || runId !== this.runId) return;
    this.setState('connecting');
    let url: string;
    try {
      url = typeof this.options.url === 'string' ? this.options.url : await this.options.url();
    } catch (err) {
      const error = asError(err);
      this.log.error({ err: error }, 'could not resolve the socket URL; will retry after backoff');
      this.emit('error', { stage: 'connect', error });
      this.scheduleReconnect(runId, `url resolution failed: ${error.message}`);
      return;
    }
    if (this.stopped || runId !== this.runId) return;

    const id = this.nextConnectionId++;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, this.options.wsOptions);
    } catch (err) {
      const error = asError(err);
      this.log.error(
        { err: error, connectionId: id, url },
        'could not create the WebSocket (bad URL or options?); will retry after backoff',
      );
      this.emit('error', { connectionId: id, stage: 'connect', error });
      this.scheduleReconnect(runId, `socket creation failed: ${error.message}`);
      return;
    }
    const controller = new AbortController();
    const messageWaiters = new Set<MessageWaiter>();
    const conn: Connection = {
      id,
      url,
      ws,
      controller,
      messageWaiters,
      ctx: this.makeContext(id, controller.signal, messageWaiters),
      opened: false,
      lastInboundAt: this.timers.now(),
      pingSentAt: undefined,
      connectTimer: undefined,
      pingTimer: undefined,
      pongTimer: undefined,
      silenceTimer: undefined,
      closeReason: undefined,
    };
    this.current = conn;
    this.log.debug({ connectionId: id, url }, 'connecting');
    const connectTimeoutMs = this.options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
    conn.connectTimer = this.timers.setTimeout(() => {
      this.kill(conn, `handshake not finished within ${connectTimeoutMs} ms`);
    }, connectTimeoutMs);

    ws.on('open', () => this.onOpen(conn));
    ws.on('message', (data: RawData) => this.onMessage(conn, data));
    ws.on('error', (err: Error) => {
      // ws always follows 'error' with 'close', where the reconnect is scheduled.
      if (conn.closeReason !== undefined) {
        this.log.debug({ err, connectionId: conn.id }, 'socket error while we were closing it');
        return;
      }
      this.log.warn({ err, connectionId: conn.id }, 'socket error; the connection will close and be re-established');
      this.emit('error', { connectionId: conn.id, stage: conn.opened ? 'socket' : 'connect', error: err });
    });
    ws.on('close', (code: number, reason: Buffer) => this.onClose(conn, code, reason.toString('utf8')));
  }

  private onOpen(conn: Connection): void {
    if (conn !== this.current) return;
    conn.opened = true;
    this.cancel(conn.connectTimer);
    conn.connectTimer = undefined;
    conn.lastInboundAt = this.timers.now();
    // Keepalive first: before auth, before any listener gets to do start-up work.
    this.startKeepalive(conn);
    if (conn !== this.current || conn.closeReason !== undefined) return;
    this.log.info({ connectionId: conn.id, url: conn.url }, 'socket open');
    this.emit('open', { connectionId: conn.id, url: conn.url });
    void this.runSession(conn);
  }

  private async runSession(conn: Connection): Promise<void> {
    const { auth, onReady } = this.options;
    if (auth) {
      this.setState('authenticating');
      const authTimeoutMs = this.options.authTimeoutMs ?? DEFAULTS.authTimeoutMs;
      try {
        await this.withDeadline(conn, () => auth(conn.ctx), authTimeoutMs, 'login');
      } catch (err) {
        if (!this.isLive(conn)) return;
        const error = asError(err);
        this.log.warn(
          { err: error, connectionId: conn.id },
          `login failed or not acknowledged within ${authTimeoutMs} ms; closing the connection and reconnecting`,
        );
        this.emit('error', { connectionId: conn.id, stage: 'auth', error });
        this.kill(conn, `login failed: ${error.message}`);
        return;
      }
      if (!this.isLive(conn)) return;
      this.log.info({ connectionId: conn.id }, 'logged in');
    }
    if (onReady) {
      const readyTimeoutMs = this.options.readyTimeoutMs ?? DEFAULTS.readyTimeoutMs;
      try {
        await this.withDeadline(conn, async () => onReady(conn.ctx), readyTimeoutMs, 'resubscribe');
      } catch (err) {
        if (!this.isLive(conn)) return;
        const error = asError(err);
        this.log.warn(
          { err: error, connectionId: conn.id },
          `resubscribe (onReady) failed or took over ${readyTimeoutMs} ms; closing the connection and reconnecting`,
        );
        this.emit('error', { connectionId: conn.id, stage: 'ready', error });
        this.kill(conn, `resubscribe failed: ${error.message}`);
        return;
      }
      if (!this.isLive(conn)) return;
    }
    this.setState('ready');
    this.log.info({ connectionId: conn.id }, 'socket ready');
    for (const waiter of [...this.readyWaiters]) waiter.resolve();
    this.cancel(this.stableTimer);
    const stableAfterMs = this.options.stableAfterMs ?? DEFAULTS.stableAfterMs;
    this.stableTimer = this.timers.setTimeout(() => {
      if (this.current === conn && this.currentState === 'ready') {
        this.backoff.reset();
        this.log.debug({ connectionId: conn.id, stableAfterMs }, 'connection stable; reconnect backoff reset');
      }
    }, stableAfterMs);
  }

  private onMessage(conn: Connection, data: RawData): void {
    if (conn !== this.current) return;
    const receivedAt = this.timers.now();
    conn.lastInboundAt = receivedAt;
    const raw = toText(data);
    let frame: InboundFrame;
    try {
      frame = { connectionId: conn.id, receivedAt, raw, ok: true, data: JSON.parse(raw) as unknown };
    } catch (err) {
      frame = { connectionId: conn.id, receivedAt, raw, ok: false, error: asError(err) };
    }

    const isPong = this.options.keepalive?.isPong;
    if (isPong) {
      let pong = false;
      try {
        pong = isPong(frame);
      } catch (err) {
        this.log.error({ err, connectionId: conn.id }, 'keepalive.isPong threw; treating the frame as a normal message');
      }
      if (pong) {
        this.onPong(conn, receivedAt);
        return;
      }
    }

    if (!frame.ok) {
      this.log.warn(
        { connectionId: conn.id, preview: preview(raw), err: frame.error },
        'malformed frame from venue (not JSON); passed on as a parse error, connection kept',
      );
    }

    if (conn.messageWaiters.size > 0) this.resolveWaiters(conn, frame);
    this.emit('message', frame);
  }

  private resolveWaiters(conn: Connection, frame: InboundFrame): void {
    for (const waiter of [...conn.messageWaiters]) {
      let match = false;
      try {
        match = waiter.predicate(frame);
      } catch (err) {
        this.log.error({ err, connectionId: conn.id }, 'a nextMessage predicate threw; treated as no match');
      }
      if (match) waiter.resolve(frame);
    }
  }

  private onClose(conn: Connection, code: number, wireReason: string): void {
    this.cleanupConnection(conn);
    if (this.current !== conn) return;
    this.current = undefined;
    this.cancel(this.stableTimer);
    this.stableTimer = undefined;
    const reason = conn.closeReason ?? (wireReason !== '' ? `closed by peer: ${code} ${wireReason}` : `closed: code ${code}`);
    const willReconnect = !this.stopped;
    if (willReconnect) {
      this.log.warn({ connectionId: conn.id, code, wireReason, reason }, 'connection lost; reconnecting after backoff');
    } else {
      this.log.info({ connectionId: conn.id, code }, 'socket closed');
    }
    this.emit('close', { connectionId: conn.id, code, reason, willReconnect });
    if (willReconnect) {
      this.scheduleReconnect(this.runId, reason);
    } else {
      this.flushCloseWaiters();
    }
  }

  private scheduleReconnect(runId: number, reason: string): void {
    if (this.stopped || runId !== this.runId) return;
    const delayMs = this.backoff.next();
    const attempt = this.backoff.attempt;
    this.setState('reconnecting', reason);
    this.log.info({ attempt, delayMs, reason }, 'reconnect scheduled');
    this.emit('reconnecting', { attempt, delayMs, reason });
    this.cancel(this.reconnectTimer);
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect(runId);
    }, delayMs);
  }

  /** Terminates a connection we consider dead or unusable; 'close' follows and reconnects. */
  private kill(conn: Connection, reason: string): void {
    if (conn.closeReason === undefined) conn.closeReason = reason;
    if (conn === this.current) this.log.warn({ connectionId: conn.id, reason }, 'terminating connection');
    conn.ws.terminate();
  }

  private cleanupConnection(conn: Connection): void {
    this.cancel(conn.connectTimer);
    this.cancel(conn.pingTimer);
    this.cancel(conn.pongTimer);
    this.cancel(conn.silenceTimer);
    conn.connectTimer = conn.pingTimer = conn.pongTimer = conn.silenceTimer = undefined;
    if (!conn.controller.signal.aborted) {
      conn.controller.abort(new TransportError('DISCONNECTED', `${this.options.name}: connection ${conn.id} closed`));
    }
  }

  private isLive(conn: Connection): boolean {
    return conn === this.current && conn.closeReason === undefined && conn.ws.readyState === WebSocket.OPEN && !this.stopped;
  }

  // ---- keepalive ------------------------------------------------------------------------

  private startKeepalive(conn: Connection): void {
    const keepalive = this.options.keepalive;
    if (!keepalive) return;
    const intervalMs = keepalive.intervalMs ?? DEFAULTS.keepaliveIntervalMs;
    const pongTimeoutMs = keepalive.pongTimeoutMs ?? DEFAULTS.pongTimeoutMs;
    if (keepalive.ping !== undefined) {
      this.schedulePing(conn, intervalMs, pongTimeoutMs);
    }
    const silenceMs = keepalive.silenceTimeoutMs ?? 2 * intervalMs + pongTimeoutMs;
    if (silenceMs > 0) this.armSilenceCheck(conn, silenceMs, silenceMs);
    if (keepalive.onOpen) {
      try {
        keepalive.onOpen(conn.ctx);
      } catch (err) {
        const error = asError(err);
        this.log.error({ err: error, connectionId: conn.id }, 'keepalive.onOpen threw; closing the connection and reconnecting');
        this.emit('error', { connectionId: conn.id, stage: 'keepalive', error });
        this.kill(conn, `keepalive start failed: ${error.message}`);
      }
    }
  }

  /** The ping timer: one timeout re-armed after each ping (the injectable timers have no interval). */
  private schedulePing(conn: Connection, intervalMs: number, pongTimeoutMs: number): void {
    conn.pingTimer = this.timers.setTimeout(() => {
      conn.pingTimer = undefined;
      this.sendPing(conn, pongTimeoutMs);
      // Not after the connection is gone: cleanup has cleared the timers and aborted the signal.
      if (!conn.controller.signal.aborted) this.schedulePing(conn, intervalMs, pongTimeoutMs);
    }, intervalMs);
  }

  private sendPing(conn: Connection, pongTimeoutMs: number): void {
    const keepalive = this.options.keepalive;
    if (!keepalive?.ping || conn !== this.current || conn.ws.readyState !== WebSocket.OPEN) return;
    // One outstanding ping at a time: its deadline decides.
    if (conn.pongTimer !== undefined) return;
    let frame: OutboundFrame;
    try {
      frame = typeof keepalive.ping === 'function' ? keepalive.ping() : keepalive.ping;
    } catch (err) {
      this.log.error({ err, connectionId: conn.id }, 'keepalive.ping threw; ping skipped');
      return;
    }
    if (!this.write(conn, frame)) return;
    conn.pingSentAt = this.timers.now();
    if (keepalive.isPong) {
      conn.pongTimer = this.timers.setTimeout(() => {
        conn.pongTimer = undefined;
        const error = new TransportError('TIMEOUT', `no pong within ${pongTimeoutMs} ms`);
        this.emit('error', { connectionId: conn.id, stage: 'keepalive', error });
        this.kill(conn, `dead connection: no pong within ${pongTimeoutMs} ms`);
      }, pongTimeoutMs);
    }
  }

  private onPong(conn: Connection, receivedAt: number): void {
    this.cancel(conn.pongTimer);
    conn.pongTimer = undefined;
    const latencyMs = conn.pingSentAt === undefined ? 0 : receivedAt - conn.pingSentAt;
    conn.pingSentAt = undefined;
    this.log.trace({ connectionId: conn.id, latencyMs }, 'pong');
    this.emit('pong', { connectionId: conn.id, latencyMs });
  }

  /** One timer per connection, re-armed for the remaining time instead of on every frame. */
  private armSilenceCheck(conn: Connection, silenceMs: number, delayMs: number): void {
    conn.silenceTimer = this.timers.setTimeout(() => {
      conn.silenceTimer = undefined;
      if (conn !== this.current) return;
      const silentFor = this.timers.now() - conn.lastInboundAt;
      if (silentFor >= silenceMs) {
        const error = new TransportError('TIMEOUT', `no inbound frame for ${silentFor} ms`);
        this.emit('error', { connectionId: conn.id, stage: 'keepalive', error });
        this.kill(conn, `dead connection: nothing received for ${silentFor} ms (limit ${silenceMs} ms)`);
        return;
      }
      this.armSilenceCheck(conn, silenceMs, silenceMs - silentFor);
    }, delayMs);
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** Writes one frame; never logs its contents (it may be a login). Returns false if it could not be handed to ws. */
  private write(conn: Connection, frame: OutboundFrame): boolean {
    let text: string;
    try {
      text = encode(frame);
    } catch (err) {
      throw new TypeError(`${this.options.name}: frame could not be JSON-encoded: ${asError(err).message}`, { cause: err });
    }
    try {
      conn.ws.send(text, (err) => {
        if (err) {
          this.log.warn({ err, connectionId: conn.id }, 'send failed; the connection will close and be re-established');
          this.emit('error', { connectionId: conn.id, stage: 'send', error: err });
        }
      });
      return true;
    } catch (err) {
      const error = asError(err);
      this.log.warn({ err: error, connectionId: conn.id }, 'send threw; frame not sent');
      this.emit('error', { connectionId: conn.id, stage: 'send', error });
      return false;
    }
  }

  private makeContext(id: number, signal: AbortSignal, messageWaiters: Set<MessageWaiter>): ConnectionContext {
    const logger = this.log.child({ connectionId: id });
    return {
      connectionId: id,
      signal,
      logger,
      send: (frame) => {
        const conn = this.current;
        if (!conn || conn.id !== id || conn.ws.readyState !== WebSocket.OPEN || signal.aborted) {
          throw new TransportError('NOT_CONNECTED', `${this.options.name}: connection ${id} is gone; frame not sent`);
        }
        if (!this.write(conn, frame)) {
          throw new TransportError('NOT_CONNECTED', `${this.options.name}: connection ${id} refused the frame; not sent`);
        }
      },
      nextMessage: (predicate, options = {}) =>
        new Promise<InboundFrame>((resolve, reject) => {
          if (signal.aborted) {
            reject(new TransportError('DISCONNECTED', `${this.options.name}: connection ${id} closed`));
            return;
          }
          let timer: TimerHandle | undefined;
          const cleanup = (): void => {
            this.cancel(timer);
            signal.removeEventListener('abort', onAbort);
            messageWaiters.delete(waiter);
          };
          const waiter: MessageWaiter = {
            predicate,
            resolve: (frame) => {
              cleanup();
              resolve(frame);
            },
          };
          const onAbort = (): void => {
            cleanup();
            reject(new TransportError('DISCONNECTED', `${this.options.name}: connection ${id} closed while waiting for a reply`));
          };
          if (options.timeoutMs !== undefined) {
            const timeoutMs = options.timeoutMs;
            timer = this.timers.setTimeout(() => {
              cleanup();
              reject(new TransportError('TIMEOUT', `${this.options.name}: no matching frame within ${timeoutMs} ms`));
            }, timeoutMs);
          }
          signal.addEventListener('abort', onAbort, { once: true });
          messageWaiters.add(waiter);
        }),
    };
  }

  /** Runs a hook under a deadline; a hook that settles after the deadline is ignored (its rejection too). */
  private withDeadline(conn: Connection, hook: () => Promise<void>, timeoutMs: number, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const timer = this.timers.setTimeout(() => {
        if (settled) return;
        settled = true;
        reject(new TransportError('TIMEOUT', `${what} not completed within ${timeoutMs} ms`));
      }, timeoutMs);
      const onAbort = (): void => {
        if (settled) return;
        settled = true;
        this.cancel(timer);
        reject(new TransportError('DISCONNECTED', `connection ${conn.id} closed during ${what}`));
      };
      conn.controller.signal.addEventListener('abort', onAbort, { once: true });
      let promise: Promise<void>;
      try {
        promise = hook();
      } catch (err) {
        promise = Promise.reject(err);
      }
      promise.then(
        () => {
          if (settled) return;
          settled = true;
          this.cancel(timer);
          conn.controller.signal.removeEventListener('abort', onAbort);
          resolve();
        },
        (err: unknown) => {
          if (settled) return;
          settled = true;
          this.cancel(timer);
          conn.controller.signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  }

  /** Clears a timer if there is one. */
  private cancel(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.timers.clearTimeout(handle);
  }

  private setState(to: ConnectionState, reason?: string): void {
    const from = this.currentState;
    if (from === to) return;
    this.currentState = to;
    this.log.debug({ from, to, reason }, 'state change');
    this.emit('state', reason === undefined ? { from, to } : { from, to, reason });
  }

  private clearReconnectTimers(): void {
    this.cancel(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.cancel(this.stableTimer);
    this.stableTimer = undefined;
  }

  private rejectReadyWaiters(error: Error): void {
    for (const waiter of [...this.readyWaiters]) waiter.reject(error);
  }

  private flushCloseWaiters(): void {
    const waiters = this.closeWaiters;
    this.closeWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
