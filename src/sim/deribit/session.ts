/** One WebSocket connection to the simulated Deribit: auth state, subscriptions, heartbeat, delivery buffers. */
import { WebSocket } from 'ws';

import type { TokenRecord } from './auth.js';
import type { ChannelSpec } from './channels.js';
import type { Heartbeat } from './heartbeat.js';

export interface Subscription {
  readonly name: string;
  readonly spec: ChannelSpec;
  /** private/subscribe label, echoed in notifications of private channels. */
  readonly label?: string;
}

/** user.changes data accumulated for one instrument between interval flushes. */
export interface ChangesBuffer {
  orders: Record<string, unknown>[];
  trades: Record<string, unknown>[];
  positions: Record<string, unknown>[];
}

/** What a book subscription last told the client. */
export interface SentBook {
  changeId: number;
  bids: Map<string, number>;
  asks: Map<string, number>;
}

export class WsSession {
  /** Token from public/auth on this connection (connection or session scope). */
  token: TokenRecord | undefined;
  readonly subscriptions = new Map<string, Subscription>();
  heartbeat: Heartbeat | undefined;
  /** private/enable_cancel_on_disconnect with scope connection. */
  cancelOnDisconnect = false;
  /** Interval channels: data items waiting for the next flush. */
  readonly buffers = new Map<string, unknown[]>();
  /** Interval user.changes channels: per instrument. */
  readonly changes = new Map<string, Map<string, ChangesBuffer>>();
  /** Ticker channels: the ticker version last sent. */
  readonly tickerSent = new Map<string, number>();
  /** Per channel: when data was last flushed (agg2 pacing). */
  readonly lastFlushAt = new Map<string, number>();
  /** user.portfolio channels with a change not yet sent. */
  readonly portfolioDirty = new Set<string>();
  /** deribit_price_index channels: the price last sent. */
  readonly indexSent = new Map<string, string>();
  /** book channels: the book last sent (price → amount per side) and its change_id. */
  readonly books = new Map<string, SentBook>();
  /** quote channels: the best bid/ask last sent, as a key. */
  readonly quoteSent = new Map<string, string>();
  idleTimer: NodeJS.Timeout | undefined;
  closed = false;

  constructor(
    readonly id: string,
    readonly ws: WebSocket,
    readonly ip: string,
  ) {}

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: Record<string, unknown>): void {
    if (this.isOpen) this.ws.send(JSON.stringify(frame));
  }

  sendRaw(text: string): void {
    if (this.isOpen) this.ws.send(text);
  }

  /** Closes with a close frame (the peer sees `code` and `reason`). */
  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  /** Cuts the TCP connection without a close frame. */
  terminate(): void {
    this.ws.terminate();
  }
}
