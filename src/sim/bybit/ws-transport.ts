/**
 * The WebSocket side of the simulated Bybit at /v5/public/linear, /v5/public/inverse, /v5/private and
 * /v5/trade: `{"op":"ping"}` answered with each stream's own pong, `op:"auth"` (private and trade
 * envelopes differ), subscribe/unsubscribe with acks (private topics refused before auth), the trade
 * stream's `order.create` / `order.amend` / `order.cancel`, and the drop of a connection that has not
 * pinged for 20 s (scaled; bybit.md §4, DESIGN.md). Also the fault target for sockets.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import { type RawData, type WebSocket, WebSocketServer } from 'ws';

import type { ConnectionTarget, FaultTarget } from '../faults.js';
import { verifyWsAuth, type WsAuthProblem } from './auth.js';
import { isPrivateTopic, isPublic, tickerSymbol, WS_PATHS, type WsKind } from './channels.js';
import type { SimState } from './context.js';
import { type Dispatcher, traceId } from './dispatch.js';
import { authErrors, BybitError, requestErrors, tradeWsErrors } from './errors.js';
import { privateConnId, publicConnId } from './ids.js';
import type { Publisher } from './publisher.js';
import type { LimitName, LimitStatus } from './rate-limit.js';
import { WsSession } from './session.js';
import type { JsonObject } from './wire.js';

const TRADE_OPS: Readonly<Record<string, { limit: LimitName; run: 'create' | 'amend' | 'cancel' }>> = {
  'order.create': { limit: 'create', run: 'create' },
  'order.amend': { limit: 'amend', run: 'amend' },
  'order.cancel': { limit: 'cancel', run: 'cancel' },
};

const AUTH_FAIL_TEXT: Readonly<Record<WsAuthProblem, string>> = {
  params: 'Params Error',
  expired: 'Params Error',
  key: 'Invalid apikey',
  sign: 'Error sign, please check your signature generation algorithm.',
};

export class WsTransport implements FaultTarget {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  private seq = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

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
    const connId = isPublic(kind) ? publicConnId() : privateConnId(this.seq);
    const session = new WsSession(`bybit-ws-${this.seq}`, connId, kind, ws, ip);
    this.state.sessions.set(session.id, session);
    this.armIdle(session);
    ws.on('message', (data) => {
      try {
        this.onText(session, rawToText(data));
      } catch (e) {
        this.state.onError(e);
      }
    });
    ws.on('close', () => this.onClose(session));
    ws.on('error', () => session.terminate());
  }

  /** No `{"op":"ping"}` for 20 s (× timeScale) drops the connection; only pings reset it. */
  private armIdle(session: WsSession): void {
    const idle = this.state.config.idleTimeoutMs;
    if (idle === false) return;
    if (session.idleTimer) {
      session.idleTimer.refresh();
      return;
    }
    session.idleTimer = setTimeout(() => session.terminate(), idle * this.state.config.timeScale);
  }

  private onText(session: WsSession, text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text) as unknown;
    } catch {
      msg = undefined;
    }
    const frame = typeof msg === 'object' && msg !== null && !Array.isArray(msg) ? (msg as Record<string, unknown>) : undefined;
    const op = typeof frame?.op === 'string' ? frame.op : '';
    const now = this.state.clock.now();
    this.dispatcher.log('ws', session.id, op, frame ?? text, now);
    if (session.kind === 'trade') {
      this.onTradeFrame(session, frame, op, now);
      return;
    }
    const reqId = typeof frame?.req_id === 'string' ? frame.req_id : undefined;
    const ack = (success: boolean, retMsg: string, ackOp: string): JsonObject =>
      isPublic(session.kind)
        ? { success, ret_msg: retMsg, conn_id: session.connId, req_id: reqId ?? '', op: ackOp }
        : { ...(reqId !== undefined ? { req_id: reqId } : {}), success, ret_msg: retMsg, op: ackOp, conn_id: session.connId };
    switch (op) {
      case 'ping':
        this.armIdle(session);
        session.send(
          isPublic(session.kind)
            ? { success: true, ret_msg: 'pong', conn_id: session.connId, req_id: reqId ?? '', op: 'ping' }
            : { ...(reqId !== undefined ? { req_id: reqId } : {}), op: 'pong', args: [String(now)], conn_id: session.connId },
        );
        return;
      case 'auth': {
        if (isPublic(session.kind)) {
          session.send(ack(false, 'error:auth is not supported on public streams', 'auth'));
          return;
        }
        const problem = session.authed ? 'params' : verifyWsAuth(this.state.credentials, frame?.args, now);
        if (problem) {
          // The captured failure frame has no req_id (ws_auth_fail.json).
          session.send({
            success: false,
            ret_msg: session.authed ? 'Repeat auth' : AUTH_FAIL_TEXT[problem],
            op: 'auth',
            conn_id: session.connId,
          });
          return;
        }
        session.authed = true;
        session.send(ack(true, '', 'auth'));
        return;
      }
      case 'subscribe':
      case 'unsubscribe':
        this.subscribe(session, op, frame?.args, ack, now);
        return;
      default:
        session.send(ack(false, `error:handler not found,op:${op}`, op));
    }
  }

  private subscribe(
    session: WsSession,
    op: 'subscribe' | 'unsubscribe',
    rawArgs: unknown,
    ack: (success: boolean, retMsg: string, op: string) => JsonObject,
    now: number,
  ): void {
    const topics = Array.isArray(rawArgs) ? rawArgs.filter((a): a is string => typeof a === 'string') : [];
    if (topics.length === 0 || !Array.isArray(rawArgs) || topics.length !== rawArgs.length) {
      session.send(ack(false, 'error:args invalid', op));
      return;
    }
    if (session.kind === 'private' && !session.authed) {
      // Refused and not remembered (bybit.md §3).
      session.send(ack(false, 'Request not authorized', op));
      return;
    }
    const bad = topics.find((t) => !this.validTopic(session.kind, t));
    if (bad !== undefined) {
      session.send(ack(false, `error:handler not found,topic:${bad}`, op));
      return;
    }
    if (op === 'unsubscribe') {
      for (const t of topics) session.subscriptions.delete(t);
      session.send(ack(true, '', op));
      return;
    }
    const surviving = new Set(this.state.faults.filterSubscriptions(topics));
    session.send(ack(true, '', op));
    for (const t of topics) {
      if (!surviving.has(t) || session.subscriptions.has(t)) continue; // fault: acked but never delivered
      if (tickerSymbol(t) !== undefined) this.publisher.sendTickerSnapshot(session, t, now);
      else session.subscriptions.set(t, {});
    }
  }

  private validTopic(kind: WsKind, topic: string): boolean {
    if (kind === 'private') return isPrivateTopic(topic);
    const symbol = tickerSymbol(topic);
    const inst = symbol !== undefined ? this.state.engine.instrument(symbol) : undefined;
    return inst !== undefined && (kind === 'public-linear' ? inst.category === 'linear' : inst.category === 'inverse');
  }

  // ---- the trade stream (/v5/trade) -------------------------------------------------------------

  private onTradeFrame(session: WsSession, frame: Record<string, unknown> | undefined, op: string, now: number): void {
    const reqId = typeof frame?.reqId === 'string' ? frame.reqId : undefined;
    const base = (): JsonObject => (reqId !== undefined ? { reqId } : {});
    const reply = (e: BybitError | undefined, data: JsonObject, header?: JsonObject): JsonObject => ({
      ...base(),
      retCode: e ? e.retCode : 0,
      retMsg: e ? e.retMsg : 'OK',
      op,
      ...(op === 'auth' ? {} : { data, retExtInfo: {} }),
      ...(header ? { header } : {}),
      connId: session.connId,
    });
    if (op === 'ping') {
      this.armIdle(session);
      session.send({ ...base(), retCode: 0, retMsg: 'OK', op: 'pong', data: [String(now)], connId: session.connId });
      return;
    }
    if (op === 'auth') {
      if (session.authed) {
        session.send(reply(tradeWsErrors.repeatAuth(), {}));
        return;
      }
      const problem = verifyWsAuth(this.state.credentials, frame?.args, now);
      if (problem) {
        const e =
          problem === 'sign' ? tradeWsErrors.invalidSign() : problem === 'key' ? tradeWsErrors.invalidKey() : tradeWsErrors.params();
        session.send(reply(e, {}));
        return;
      }
      session.authed = true;
      session.send(reply(undefined, {}));
      return;
    }
    const spec = TRADE_OPS[op];
    if (!spec) {
      session.send(reply(tradeWsErrors.unknownOp(op), {}));
      return;
    }
    if (!session.authed) {
      session.send(reply(tradeWsErrors.notAuthed(), {}));
      return;
    }
    if (reqId !== undefined) {
      if (session.reqIds.has(reqId)) {
        session.send(reply(tradeWsErrors.duplicateReqId(), {}));
        return;
      }
      session.reqIds.add(reqId);
    }
    const header = typeof frame?.header === 'object' && frame.header !== null ? (frame.header as Record<string, unknown>) : {};
    const args = Array.isArray(frame?.args) ? frame.args : [];
    const arg = args[0];
    const headerOut = (s: LimitStatus | undefined): JsonObject => ({
      'X-Bapi-Limit': String(s?.limit ?? 10),
      'X-Bapi-Limit-Status': String(s?.remaining ?? 9),
      'X-Bapi-Limit-Reset-Timestamp': String(s?.resetAt ?? now),
      Traceid: traceId(),
      Timenow: String(this.state.clock.now()),
    });
    const plan = this.state.faults.planRequest(op);
    const answer = (frameOut: JsonObject): void => {
      if (plan.noResponse) return;
      const delay = plan.delayMs ?? 0;
      if (delay <= 0) {
        session.send(frameOut);
        return;
      }
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        session.send(frameOut);
      }, delay);
      this.timers.add(timer);
    };
    if (plan.error) {
      session.send(reply(new BybitError(plan.error.code, plan.error.message), {}, headerOut(undefined)));
      return;
    }
    try {
      checkTradeHeader(header, now);
      if (args.length !== 1 || typeof arg !== 'object' || arg === null || Array.isArray(arg)) throw requestErrors.param('Params Error');
    } catch (e) {
      if (!(e instanceof BybitError)) throw e;
      session.send(reply(e, {}, headerOut(undefined)));
      return;
    }
    const limit = this.state.limiter.take(spec.limit);
    if (limit && !limit.allowed) {
      session.send(reply(requestErrors.rateLimited(), {}, headerOut(limit)));
      return;
    }
    if (!plan.execute) return;
    const params = arg as Record<string, unknown>;
    try {
      const data =
        spec.run === 'create'
          ? this.dispatcher.create(params, now)
          : spec.run === 'amend'
            ? this.dispatcher.amend(params, now)
            : this.dispatcher.cancel(params, now);
      answer(reply(undefined, data, headerOut(limit)));
    } catch (e) {
      if (!(e instanceof BybitError)) throw e;
      answer(reply(e, {}, headerOut(limit)));
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
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of [...this.state.sessions.values()]) {
      s.terminate();
      this.onClose(s);
    }
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** `header.X-BAPI-TIMESTAMP` is required, with the REST window rule (recv window default 5000). */
function checkTradeHeader(header: Record<string, unknown>, now: number): void {
  const tsRaw = header['X-BAPI-TIMESTAMP'];
  const ts = typeof tsRaw === 'string' || typeof tsRaw === 'number' ? String(tsRaw) : undefined;
  if (ts === undefined || !/^\d+$/.test(ts)) throw requestErrors.param('Params Error: X-BAPI-TIMESTAMP is required');
  const wRaw = header['X-BAPI-RECV-WINDOW'];
  const window = typeof wRaw === 'string' || typeof wRaw === 'number' ? Number(wRaw) : 5000;
  const t = Number(ts);
  if (!(now - window <= t && t < now + 1000)) throw authErrors.outsideWindow(ts, now, window);
}

function rawToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
