/**
 * Deribit WebSocket session: JSON-RPC request correlation, heartbeat (set_heartbeat + answering
 * every test_request), client_signature login with a session-scoped token, token refresh, and
 * resubscription after every reconnect. Emits validated notifications; knows nothing of orders.
 */
import type { Logger } from 'pino';

import type { Clock } from '../../domain/ports.js';
import type { BackoffOptions } from '../shared/backoff.js';
import { type ConnectionContext, type InboundFrame, ReconnectingSocket } from '../shared/reconnecting-socket.js';
import { RequestTracker } from '../shared/request-tracker.js';
import {
  buildClientSignatureAuthParams,
  buildRefreshTokenAuthParams,
  DERIBIT_CLIENT_ID_ENV,
  DERIBIT_CLIENT_SECRET_ENV,
  type DeribitCredentials,
  generateNonce,
  sessionScope,
} from './credentials.js';
import { classifyLoginError, DeribitApiError } from './errors.js';
import { DeribitAuthResultSchema, DeribitSubscribeResultSchema } from './rest-models.js';
import { buildRpcRequest, type RpcErrorObject, validateWire } from './rpc.js';
import { classifyFrame, type DeribitNotification, notificationOf } from './ws-messages.js';

type RpcOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: RpcErrorObject };

export type { DeribitNotification } from './ws-messages.js';

/** Inbound frames this connection could not use, by kind, and the last one named. */
export interface DeribitFrameProblems {
  /** Frames that were not JSON (truncated, garbage). */
  unparseable: number;
  /** JSON frames that were neither a response, an error, a notification nor a heartbeat. */
  unrecognised: number;
  /** What the last problem was. */
  last: string | undefined;
}

export interface DeribitWsClientOptions {
  /** Name of the socket in log lines. Default `deribit.ws`. */
  readonly name?: string;
  readonly wsUrl: string;
  readonly logger: Logger;
  /** The venue's clock (host time + measured offset): signature timestamps are venue time. */
  readonly clock: Clock;
  /** Without credentials the session is public only (market data). */
  readonly credentials?: DeribitCredentials;
  readonly sessionName: string;
  readonly heartbeatIntervalSecs: number;
  /** Silence (no frame at all) after which the connection is declared dead. Default 2 x heartbeat + 5 s. */
  readonly silenceTimeoutMs?: number;
  readonly requestTimeoutMs: number;
  readonly loginTimeoutMs: number;
  readonly subscribeBatchSize: number;
  readonly backoff?: BackoffOptions;
  /** Channels to restore after every (re)connect, split by the method that subscribes them. */
  readonly channelsToRestore: () => { readonly public: readonly string[]; readonly private: readonly string[] };
  readonly onNotification: (notification: DeribitNotification) => void;
  /** Told which channels the venue confirmed after each (re)connect restore. */
  readonly onRestored?: (confirmed: readonly string[]) => void;
  /** Waits for rate-limit budget before each subscribe call (restores included). */
  readonly beforeSubscribe?: () => Promise<void>;
  /**
   * Runs on every new connection before the login is signed, with a way to call public methods
   * on that connection (the venue measures the clock offset here, so the signature's timestamp is
   * the venue's time). Must not throw; it counts against the login timeout.
   */
  readonly beforeLogin?: (call: (method: string, params: object, timeoutMs?: number) => Promise<unknown>) => Promise<void>;
}

const PRIVATE_CHANNEL = /^user\./;

/** After a refresh and the fallback signature login both failed, try again after this long (doubling, capped). */
const REFRESH_RETRY_MS = 1_000;
const REFRESH_RETRY_MAX_MS = 60_000;

export function isPrivateChannel(channel: string): boolean {
  return PRIVATE_CHANNEL.test(channel);
}

export class DeribitWsClient {
  readonly socket: ReconnectingSocket;
  private readonly tracker: RequestTracker<RpcOutcome>;
  private readonly log: Logger;
  private refreshToken: string | undefined;
  private reauthInFlight: Promise<void> | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshFailures = 0;
  private readonly problems: DeribitFrameProblems = { unparseable: 0, unrecognised: 0, last: undefined };

  constructor(private readonly options: DeribitWsClientOptions) {
    this.log = options.logger;
    this.tracker = new RequestTracker<RpcOutcome>({
      name: 'deribit.rpc',
      logger: options.logger,
      defaultTimeoutMs: options.requestTimeoutMs,
    });
    const heartbeatMs = options.heartbeatIntervalSecs * 1000;
    this.socket = new ReconnectingSocket({
      name: options.name ?? 'deribit.ws',
      url: options.wsUrl,
      logger: options.logger,
      keepalive: {
        intervalMs: heartbeatMs,
        silenceTimeoutMs: options.silenceTimeoutMs ?? 2 * heartbeatMs + 5_000,
        // Keepalive starts the moment the socket opens, before login.
        onOpen: (ctx) => {
          this.callOn(ctx, 'public/set_heartbeat', { interval: options.heartbeatIntervalSecs }).catch((err: unknown) => {
            this.log.warn({ err }, 'deribit public/set_heartbeat failed; the silence detector still guards the connection');
          });
        },
      },
      auth: options.credentials ? (ctx) => this.login(ctx) : undefined,
      authTimeoutMs: options.loginTimeoutMs,
      onReady: (ctx) => this.restoreSubscriptions(ctx),
      backoff: options.backoff,
    });
    this.socket.on('message', (frame) => this.onFrame(frame));
    this.socket.on('close', ({ code, reason }) => {
      const n = this.tracker.rejectAll(`deribit connection closed (${code} ${reason})`);
      if (n > 0)
        this.log.warn({ pending: n }, 'deribit connection closed with requests in flight; their outcome is unknown until reconciled');
    });
  }

  start(): void {
    this.socket.start();
  }

  async stop(): Promise<void> {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    await this.socket.close();
    this.tracker.rejectAll('deribit client stopped');
  }

  /** Frames this client could not use since it was created (counts survive reconnects). */
  frameProblems(): Readonly<DeribitFrameProblems> {
    return { ...this.problems };
  }

  /** Requests in flight (for tests and health detail). */
  pendingRequests(): number {
    return this.tracker.size();
  }

  /**
   * One JSON-RPC call. Private methods wait behind the login gate. Resolves with `result`, throws
   * DeribitApiError when the venue said no, TransportError TIMEOUT/DISCONNECTED when the outcome is
   * unknown, NOT_CONNECTED when nothing was sent.
   */
  async call(method: string, params: object, options: { readonly timeoutMs?: number } = {}): Promise<unknown> {
    if (method.startsWith('private/')) await this.socket.whenReady();
    const { id, response } = this.tracker.call((reqId) => this.socket.send(buildRpcRequest(reqId, method, params)), {
      timeoutMs: options.timeoutMs,
      method,
    });
    return this.unwrap(await response, method, id);
  }

  /** A call on one specific connection, bypassing the gate (login, heartbeat, resubscribe). */
  private async callOn(ctx: ConnectionContext, method: string, params: object, timeoutMs?: number): Promise<unknown> {
    const { id, response } = this.tracker.call((reqId) => ctx.send(buildRpcRequest(reqId, method, params)), { timeoutMs, method });
    return this.unwrap(await response, method, id);
  }

  private unwrap(outcome: RpcOutcome, method: string, id: number): unknown {
    if (!outcome.ok) throw new DeribitApiError(outcome.error, method, id);
    return outcome.result;
  }

  private onFrame(frame: InboundFrame): void {
    if (!frame.ok) {
      // already logged by the socket with a preview; the connection carries on
      this.problems.unparseable += 1;
      this.problems.last = `not JSON (${frame.raw.length} chars): ${frame.error.message}`;
      return;
    }
    // The hot path: a notification is recognised by field checks alone, before any schema.
    const notification = notificationOf(frame.data, frame.receivedAt);
    if (notification !== undefined) {
      try {
        this.options.onNotification(notification);
      } catch (err) {
        this.log.error(
          { err, channel: notification.channel },
          'handler for deribit notification threw; notification dropped, connection kept',
        );
      }
      return;
    }
    const msg = classifyFrame(frame.data);
    switch (msg.kind) {
      case 'response':
        this.tracker.resolve(Number(msg.id), { ok: true, result: msg.result });
        return;
      case 'error':
        if (msg.id === undefined) {
          this.log.warn(
            { code: msg.error.code, message: msg.error.message },
            'deribit sent an error without an id (connection-level fault); keeping the connection, requests time out if affected',
          );
          return;
        }
        this.tracker.resolve(Number(msg.id), { ok: false, error: msg.error });
        return;
      case 'heartbeat':
        if (msg.testRequest) {
          // Must be answered at once in any state, or Deribit closes the connection.
          const { response } = this.tracker.call((id) => this.socket.send(buildRpcRequest(id, 'public/test', {})), {
            method: 'public/test',
          });
          response.catch((err: unknown) => {
            this.log.warn({ err }, 'deribit test_request answer failed; the venue will close the connection and we reconnect');
          });
        }
        return;
      case 'subscription':
        try {
          this.options.onNotification({ channel: msg.channel, data: msg.data, receivedAtMs: frame.receivedAt });
        } catch (err) {
          this.log.error({ err, channel: msg.channel }, 'handler for deribit notification threw; notification dropped, connection kept');
        }
        return;
      case 'unrecognised':
        this.problems.unrecognised += 1;
        this.problems.last = `unrecognised frame: ${msg.reason}`;
        this.log.warn(
          { reason: msg.reason, preview: frame.raw.slice(0, 200), chars: frame.raw.length },
          'unrecognised deribit frame ignored',
        );
        return;
    }
  }

  private async login(ctx: ConnectionContext): Promise<void> {
    const credentials = this.options.credentials;
    if (!credentials) return;
    await this.options.beforeLogin?.((method, params, timeoutMs) => this.callOn(ctx, method, params, timeoutMs));
    const params = buildClientSignatureAuthParams(credentials, this.options.clock.now(), generateNonce(), {
      scope: sessionScope(this.options.sessionName),
    });
    let raw: unknown;
    try {
      raw = await this.callOn(ctx, 'public/auth', params, this.options.loginTimeoutMs);
    } catch (err) {
      this.logLoginFailure(err);
      throw err;
    }
    const result = validateWire(DeribitAuthResultSchema, raw, 'public/auth.result');
    this.refreshToken = result.refresh_token;
    this.log.info({ scope: result.scope, expiresInSecs: result.expires_in }, 'deribit login acknowledged');
    this.scheduleRefresh(result.expires_in);
  }

  /**
   * Says why a login failed in words an operator can act on. The socket then reconnects and logs
   * in again with backoff. A timeout is reported by the socket itself.
   */
  private logLoginFailure(err: unknown): void {
    if (!(err instanceof DeribitApiError)) return;
    const detail = { code: err.rpcCode, reason: err.rpcMessage };
    switch (classifyLoginError(err)) {
      case 'rate_limited':
        this.log.warn(
          detail,
          'deribit login was rate-limited (too_many_requests): the account has spent its request credits (another client or the web UI on the same subaccount?); retrying with backoff',
        );
        return;
      case 'transient':
        this.log.warn(detail, 'deribit login failed with a transient venue error (maintenance or unavailable); retrying with backoff');
        return;
      case 'credentials':
        this.log.error(
          detail,
          `deribit login refused: check ${DERIBIT_CLIENT_ID_ENV} / ${DERIBIT_CLIENT_SECRET_ENV}, the key's scopes and the host clock; retrying with backoff`,
        );
        return;
    }
  }

  private scheduleRefresh(expiresInSecs: number): void {
    // refresh at 80 % of the lifetime; Node timers cap at ~24.8 days
    this.scheduleRefreshIn(Math.min(Math.max(1_000, expiresInSecs * 800), 2 ** 31 - 1));
  }

  private scheduleRefreshIn(delayMs: number): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), delayMs);
    this.refreshTimer.unref();
  }

  /**
   * Refresh the token on the live connection; on failure log in again with the signature. Never
   * rejects (it runs from a timer): when both fail, it logs an error and tries again shortly.
   */
  async refresh(): Promise<void> {
    const token = this.refreshToken;
    if (!token || !this.socket.isReady()) return;
    try {
      const raw = await this.call('public/auth', buildRefreshTokenAuthParams(token), { timeoutMs: this.options.loginTimeoutMs });
      const result = validateWire(DeribitAuthResultSchema, raw, 'public/auth.result');
      this.refreshToken = result.refresh_token;
      this.log.info({ expiresInSecs: result.expires_in }, 'deribit token refreshed');
      this.refreshFailures = 0;
      this.scheduleRefresh(result.expires_in);
    } catch (err) {
      this.log.warn({ err }, 'deribit token refresh failed; logging in again with the API key signature');
      try {
        await this.reauthenticate();
        this.refreshFailures = 0;
      } catch (reauthErr) {
        const retryInMs = Math.min(REFRESH_RETRY_MAX_MS, REFRESH_RETRY_MS * 2 ** this.refreshFailures);
        this.refreshFailures += 1;
        const kind = classifyLoginError(reauthErr);
        this.log[kind === 'credentials' ? 'error' : 'warn'](
          { err: reauthErr, retryInMs, kind },
          kind === 'credentials'
            ? `deribit re-authentication refused after a failed token refresh: check ${DERIBIT_CLIENT_ID_ENV} / ${DERIBIT_CLIENT_SECRET_ENV} and the key's scopes; retrying shortly (a reconnect also logs in again)`
            : `deribit re-authentication failed after a failed token refresh (${kind === 'rate_limited' ? 'rate-limited' : 'transient'}); retrying shortly (a reconnect also logs in again)`,
        );
        this.scheduleRefreshIn(retryInMs);
      }
    }
  }

  /**
   * A fresh client_signature login on the current connection (after 13009 or a failed refresh).
   * Concurrent callers share one login.
   */
  reauthenticate(): Promise<void> {
    this.reauthInFlight ??= this.reauthenticateOnce().finally(() => {
      this.reauthInFlight = undefined;
    });
    return this.reauthInFlight;
  }

  private async reauthenticateOnce(): Promise<void> {
    const credentials = this.options.credentials;
    if (!credentials) return;
    const params = buildClientSignatureAuthParams(credentials, this.options.clock.now(), generateNonce(), {
      scope: sessionScope(this.options.sessionName),
    });
    const raw = await this.call('public/auth', params, { timeoutMs: this.options.loginTimeoutMs });
    const result = validateWire(DeribitAuthResultSchema, raw, 'public/auth.result');
    this.refreshToken = result.refresh_token;
    this.scheduleRefresh(result.expires_in);
    this.log.info('deribit re-authenticated on the current connection');
  }

  /** Subscribe channels now (the caller is past the gate); returns the channels the venue confirmed. */
  async subscribe(channels: readonly string[]): Promise<string[]> {
    return this.subscribeVia((method, params) => this.call(method, params), channels);
  }

  async unsubscribe(channels: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    const pub = channels.filter((c) => !isPrivateChannel(c));
    const priv = channels.filter(isPrivateChannel);
    if (pub.length > 0)
      out.push(
        ...validateWire(
          DeribitSubscribeResultSchema,
          await this.call('public/unsubscribe', { channels: pub }),
          'public/unsubscribe.result',
        ),
      );
    if (priv.length > 0)
      out.push(
        ...validateWire(
          DeribitSubscribeResultSchema,
          await this.call('private/unsubscribe', { channels: priv }),
          'private/unsubscribe.result',
        ),
      );
    return out;
  }

  private async subscribeVia(call: (method: string, params: object) => Promise<unknown>, channels: readonly string[]): Promise<string[]> {
    const confirmed: string[] = [];
    const batch = this.options.subscribeBatchSize;
    const groups: Array<[string, string[]]> = [
      ['public/subscribe', channels.filter((c) => !isPrivateChannel(c))],
      ['private/subscribe', channels.filter(isPrivateChannel)],
    ];
    for (const [method, list] of groups) {
      for (let i = 0; i < list.length; i += batch) {
        const chunk = list.slice(i, i + batch);
        await this.options.beforeSubscribe?.();
        const result = validateWire(DeribitSubscribeResultSchema, await call(method, { channels: chunk }), `${method}.result`);
        const missing = chunk.filter((c) => !result.includes(c));
        if (missing.length > 0) {
          this.log.warn(
            { missing },
            `deribit did not confirm ${missing.length} channel(s) of ${method}; they get no data — check the names and the key scopes`,
          );
        }
        confirmed.push(...result);
      }
    }
    return confirmed;
  }

  private async restoreSubscriptions(ctx: ConnectionContext): Promise<void> {
    const { public: pub, private: priv } = this.options.channelsToRestore();
    const all = [...pub, ...priv];
    if (all.length === 0) {
      this.options.onRestored?.([]);
      return;
    }
    const confirmed = await this.subscribeVia((method, params) => this.callOn(ctx, method, params), all);
    this.log.info({ requested: all.length, confirmed: confirmed.length }, 'deribit subscriptions restored');
    this.options.onRestored?.(confirmed);
  }
}
