/** One WebSocket connection to the simulated Bybit: its stream kind, `conn_id`, auth state, topics and the no-ping timer. */
import { WebSocket } from 'ws';

import type { WsKind } from './channels.js';
import type { JsonObject } from './wire.js';

export class WsSession {
  authed = false;
  /** Topic → the last ticker fields sent (tickers) or an empty object (private topics). */
  readonly subscriptions = new Map<string, JsonObject>();
  /** Trade stream: reqIds already used (20006 on a repeat). */
  readonly reqIds = new Set<string>();
  idleTimer: NodeJS.Timeout | undefined;
  closed = false;
  sentFrames = 0;

  constructor(
    readonly id: string,
    readonly connId: string,
    readonly kind: WsKind,
    readonly ws: WebSocket,
    readonly ip: string,
  ) {}

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: JsonObject): void {
    this.sendRaw(JSON.stringify(frame));
  }

  sendRaw(text: string): void {
    if (!this.isOpen) return;
    this.sentFrames++;
    this.ws.send(text);
  }

  terminate(): void {
    this.ws.terminate();
  }
}
