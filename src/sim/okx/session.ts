/** One WebSocket connection to the simulated OKX: its URL kind, `connId`, login state and subscriptions. */
import { WebSocket } from 'ws';

import type { Subscription, WsKind } from './channels.js';
import type { JsonObject } from './wire.js';

export class WsSession {
  loggedIn = false;
  readonly subscriptions = new Map<string, Subscription>();
  idleTimer: NodeJS.Timeout | undefined;
  closed = false;
  /** Frames sent, for tests and the request log. */
  sentFrames = 0;
  /** positions and mark-price subscriptions: when the last snapshot / push went out (periodic pushes). */
  readonly snapshotAt = new Map<string, number>();
  /** Times of login/subscribe/unsubscribe requests (480 per hour per connection). */
  readonly opTimes: number[] = [];
  /** Called on every frame sent or received (the idle timer's reset). */
  onActivity: () => void = () => undefined;

  constructor(
    readonly id: string,
    /** 8 hex chars, as OKX's `connId`. */
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
    this.onActivity();
    this.ws.send(text);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }
}
