/**
 * The WebSocket side of the simulated OKX at /ws/v5/public, /ws/v5/private and /ws/v5/business:
 * text `ping` → `pong`, `login`, `subscribe`/`unsubscribe` with acks or error events, the
 * `channel-conn-count` event, and the 30 s idle close (4004); also the fault target for sockets.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import { type RawData, type WebSocket, WebSocketServer } from 'ws';

import type { ConnectionTarget, FaultTarget } from '../faults.js';
import { verifyLogin } from './auth.js';
import { CHANNELS, parseArg, type Subscription, type WsKind } from './channels.js';
import { logRequest, type SimState } from './context.js';
import { type Dispatcher, isWsTradeOp } from './dispatch.js';
import { CLOSE_IDLE, wsErrors } from './errors.js';
import type { Publisher } from './publisher.js';
import { WsSession } from './session.js';
import { connCountEvent, errorEvent, type JsonObject, loginOkEvent, subscribeEvent } from './wire.js';

export const WS_PATHS: Readonly<Record<string, WsKind>> = {
  '/ws/v5/public': 'public',
  '/ws/v5/private': 'private',
  '/ws/v5/business': 'business',
};

const REQUEST_ID = /^[A-Za-z0-9]{1,32}$/;

export class WsTransport implements FaultTarget {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  private seq = 0;

  constructor(
    private readonly state: SimState,
    private readonly publisher: Publisher,
    private readonly dispatcher: Dispatcher,
  ) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const kind = WS_PATHS[path];
    if (kind === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, kind, req.socket.remoteAddress ?? 'unknown'));
  }

  private accept(ws: WebSocket, kind: WsKind, ip: string): void {
    this.seq += 1;
    const session = new WsSession(`okx-ws-${this.seq}`, randomBytes(4).toString('hex'), kind, ws, ip);
    this.state.sessions.set(session.id, session);
    session.onActivity = () => this.armIdle(session);
    this.armIdle(session);
    ws.on('message', (data) => {
      this.armIdle(session);
      this.onText(session, rawToText(data));
    });
    ws.on('close', () => this.onClose(session));
    ws.on('error', () => session.terminate());
  }

  /** Nothing received and nothing pushed for 30 s (scaled) closes the socket with 4004. */
  private armIdle(session: WsSession): void {
    if (session.idleTimer) {
      session.idleTimer.refresh();
      return;
    }
    session.idleTimer = setTimeout(
      () => session.close(CLOSE_IDLE.code, CLOSE_IDLE.reason),
      this.state.config.idleTimeoutMs * this.state.config.timeScale,
    );
  }

  private onText(session: WsSession, text: string): void {
    if (text === 'ping') {
      session.sendRaw('pong');
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(text) as unknown;
    } catch {
      session.send(errorEvent(wsErrors.badRequest(text).code, wsErrors.badRequest(text).msg, session.connId, undefined));
      return;
    }
    const frame = typeof msg === 'object' && msg !== null && !Array.isArray(msg) ? (msg as Record<string, unknown>) : undefined;
    const rawId = frame?.id;
    const id = typeof rawId === 'string' ? rawId : undefined;
    const fail = (e: { code: string; msg: string }): void => session.send(errorEvent(e.code, e.msg, session.connId, id));
    if (!frame || typeof frame.op !== 'string') {
      fail(wsErrors.badRequest(text));
      return;
    }
    if (id !== undefined && !REQUEST_ID.test(id)) {
      fail(wsErrors.badArgs(`id:${id}`));
      return;
    }
    logRequest(this.state, { transport: 'ws', connectionId: session.id, method: frame.op, body: frame, at: this.state.clock.now() });
    if (!Array.isArray(frame.args)) {
      fail(wsErrors.badRequest(text));
      return;
    }
    if (isWsTradeOp(frame.op)) {
      this.tradeOp(session, frame.op, frame.args, id, fail);
      return;
    }
    if (!this.takeOp(session)) {
      fail(wsErrors.tooFrequent());
      return;
    }
    switch (frame.op) {
      case 'login':
        this.login(session, frame.args, fail);
        return;
      case 'subscribe':
      case 'unsubscribe':
        this.subscribe(session, frame.op, frame.args, id);
        return;
      default:
        fail(wsErrors.badRequest(text));
    }
  }

  /** WS order entry on /private after login; `id` is required (okx.md §6). */
  private tradeOp(
    session: WsSession,
    op: string,
    args: unknown[],
    id: string | undefined,
    fail: (e: { code: string; msg: string }) => void,
  ): void {
    if (session.kind !== 'private') {
      fail(wsErrors.wrongEndpoint(op));
      return;
    }
    if (!session.loggedIn) {
      fail(wsErrors.pleaseLogIn());
      return;
    }
    if (id === undefined) {
      fail(wsErrors.badArgs('id can not be empty'));
      return;
    }
    session.send(this.dispatcher.wsOp(id, op, args, session.ip, this.state.clock.now()));
  }

  /** 480 login/subscribe/unsubscribe requests per hour per connection (okx.md §3); the hour is scaled. */
  private takeOp(session: WsSession): boolean {
    const now = this.state.clock.now();
    const windowMs = 3_600_000 * this.state.config.timeScale;
    while (session.opTimes.length > 0 && (session.opTimes[0] ?? 0) <= now - windowMs) session.opTimes.shift();
    if (session.opTimes.length >= this.state.config.maxOpsPerHour) return false;
    session.opTimes.push(now);
    return true;
  }

  private login(session: WsSession, args: unknown[], fail: (e: { code: string; msg: string }) => void): void {
    if (session.loggedIn) {
      fail(wsErrors.loginRepeated());
      return;
    }
    const arg = args[0];
    if (args.length !== 1 || typeof arg !== 'object' || arg === null) {
      fail(wsErrors.loginFailed());
      return;
    }
    const problem = verifyLogin(this.state.credentials, arg, this.state.clock.now(), this.state.config.skewMs);
    if (problem) {
      fail(problem);
      return;
    }
    session.loggedIn = true;
    session.send(loginOkEvent(session.connId));
  }

  private subscribe(session: WsSession, op: 'subscribe' | 'unsubscribe', args: unknown[], id: string | undefined): void {
    const now = this.state.clock.now();
    const fail = (e: { code: string; msg: string }): void => session.send(errorEvent(e.code, e.msg, session.connId, id));
    if (args.length === 0) {
      fail(wsErrors.badArgs('args can not be empty'));
      return;
    }
    const surviving = new Set(
      this.state.faults.filterSubscriptions(args.map((a) => String((a as { channel?: unknown } | null)?.channel ?? ''))),
    );
    for (const raw of args) {
      const parsed = parseArg(raw, session.kind, session.loggedIn, (name) => this.state.engine.instrument(name) !== undefined);
      if (!parsed.ok) {
        // Error frames carry the request id and connId but no arg (okx.md §4).
        fail(parsed);
        continue;
      }
      const sub = parsed.sub;
      if (op === 'unsubscribe') {
        session.subscriptions.delete(sub.key);
        session.send(subscribeEvent('unsubscribe', sub.arg, session.connId, id));
        continue;
      }
      session.send(subscribeEvent('subscribe', sub.arg, session.connId, id));
      if (!surviving.has(sub.channel)) continue; // fault: acked but never delivered
      session.subscriptions.set(sub.key, sub);
      if (CHANNELS[sub.channel].connCounted && !this.countConnection(session, sub)) continue;
      this.snapshot(session, sub, now);
    }
  }

  /** Sends `channel-conn-count`; over the cap sends `channel-conn-count-error` and drops the subscription. */
  private countConnection(session: WsSession, sub: Subscription): boolean {
    const count = [...this.state.sessions.values()].filter(
      (s) => s.isOpen && [...s.subscriptions.values()].some((x) => x.channel === sub.channel),
    ).length;
    if (count > this.state.config.maxConnsPerChannel) {
      session.subscriptions.delete(sub.key);
      session.send({
        event: 'channel-conn-count-error',
        channel: sub.channel,
        connCount: String(this.state.config.maxConnsPerChannel),
        connId: session.connId,
      });
      return false;
    }
    session.send(connCountEvent(sub.channel, count, session.connId));
    return true;
  }

  /** What a channel sends right after its ack: tickers/mark the current value, positions and balance_and_position a snapshot. */
  private snapshot(session: WsSession, sub: Subscription, now: number): void {
    switch (sub.channel) {
      case 'tickers':
        if (sub.instId) this.publisher.pushTicker(sub.instId, now, session);
        return;
      case 'mark-price':
        if (sub.instId) this.publisher.pushMark(sub.instId, now, session);
        return;
      case 'positions':
        this.publisher.sendPositionsSnapshot(session, sub, now);
        return;
      case 'balance_and_position':
        this.publisher.sendBalanceAndPositionSnapshot(session, sub, now);
        return;
      case 'orders':
      case 'orders-algo':
        return; // no snapshot (okx.md §5)
    }
  }

  private onClose(session: WsSession): void {
    if (session.closed) return;
    session.closed = true;
    if (session.idleTimer) clearTimeout(session.idleTimer);
    this.state.sessions.delete(session.id);
  }

  private select(target: ConnectionTarget): WsSession[] {
    return [...this.state.sessions.values()].filter((s) => target === 'all' || s.id === target);
  }

  dropConnections(target: ConnectionTarget): number {
    const chosen = this.select(target);
    for (const s of chosen) s.terminate();
    return chosen.length;
  }

  sendRaw(target: ConnectionTarget, text: string): number {
    const chosen = this.select(target).filter((s) => s.isOpen);
    for (const s of chosen) s.sendRaw(text);
    return chosen.length;
  }

  async close(): Promise<void> {
    for (const s of [...this.state.sessions.values()]) {
      s.terminate();
      this.onClose(s);
    }
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

function rawToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

export type { JsonObject };
