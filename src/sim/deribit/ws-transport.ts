/**
 * The WebSocket side of the simulated Deribit at /ws/api/v2: one JSON-RPC object per text frame,
 * per-connection sessions, idle timeout, cancel-on-disconnect, and the fault target for sockets.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import { type RawData, type WebSocket, WebSocketServer } from 'ws';

import type { ConnectionTarget, FaultTarget } from '../faults.js';
import { logRequest, type SimState } from './context.js';
import { executeWithFaults } from './dispatch.js';
import { errorFrame, parseRpcText, resultFrame, startTiming, type Timing } from './rpc.js';
import { WsSession } from './session.js';

export const WS_PATH = '/ws/api/v2';

export interface WsTransportOptions {
  /** WebSocket connections per client IP (the venue's 32 covers HTTP too); more are refused with HTTP 429. */
  maxConnectionsPerIp: number;
}

export class WsTransport implements FaultTarget {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  private readonly timers = new Set<NodeJS.Timeout>();
  private seq = 0;

  constructor(
    private readonly state: SimState,
    private readonly options: WsTransportOptions,
  ) {}

  /** http.Server 'upgrade' handler. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const ip = req.socket.remoteAddress ?? 'unknown';
    const fromIp = [...this.state.sessions.values()].filter((s) => s.ip === ip).length;
    if (fromIp >= this.options.maxConnectionsPerIp) {
      socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, ip));
  }

  private accept(ws: WebSocket, ip: string): void {
    this.seq += 1;
    const session = new WsSession(`ws-${this.seq}`, ws, ip);
    this.state.sessions.set(session.id, session);
    this.armIdle(session);
    ws.on('message', (data) => {
      this.armIdle(session);
      this.onText(session, rawToText(data));
    });
    ws.on('close', () => this.onClose(session));
    ws.on('error', () => session.terminate());
  }

  private armIdle(session: WsSession): void {
    if (session.idleTimer) {
      session.idleTimer.refresh();
      return;
    }
    session.idleTimer = setTimeout(() => session.close(1000, 'idle timeout'), this.state.config.idleTimeoutMs);
  }

  private onText(session: WsSession, text: string): void {
    const { state } = this;
    const timing = startTiming(state.clock.now());
    const parsed = parseRpcText(text);
    if (!parsed.ok) {
      session.send(errorFrame(parsed.id, parsed.error, timing, state.config.testnet));
      return;
    }
    const request = parsed.request;
    logRequest(state, {
      transport: 'ws',
      connectionId: session.id,
      id: request.id,
      method: request.method,
      params: request.params,
      at: state.clock.now(),
    });
    const planned = executeWithFaults({ state, transport: 'ws', session, ip: session.ip }, request);
    if (planned.silent) return;
    const send = (t: Timing): void => {
      const frame = planned.reply.ok
        ? resultFrame(request.id, planned.reply.result, t, state.config.testnet)
        : errorFrame(request.id, planned.reply.error, t, state.config.testnet);
      session.send(frame);
    };
    if (planned.delayMs <= 0) {
      send(timing);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      send(timing);
    }, planned.delayMs);
    this.timers.add(timer);
  }

  private onClose(session: WsSession): void {
    if (session.closed) return;
    session.closed = true;
    session.heartbeat?.stop();
    if (session.idleTimer) clearTimeout(session.idleTimer);
    this.state.sessions.delete(session.id);
    if (session.cancelOnDisconnect) {
      this.state.engine.cancelWhere({ predicate: (o) => o.origin === session.id }, this.state.clock.now(), 'disconnect');
    }
    this.state.auth.revokeConnection(session.id);
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

  /** Stops timers and cuts every connection. */
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

function rawToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
