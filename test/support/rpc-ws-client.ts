/**
 * A minimal JSON-RPC WebSocket client for protocol tests, built on the raw `ws` package: it records
 * every frame from the moment the socket opens, so no notification is missed between a request and
 * the wait for it.
 */
import { WebSocket } from 'ws';

import { parseMessage, waitFor } from './wait.js';

export interface RpcErrorBody {
  code: number;
  message: string;
  data?: unknown;
}

/** A frame from the server, loosely typed for assertions. */
export interface RpcFrame {
  jsonrpc?: string;
  id?: number | string;
  result?: unknown;
  error?: RpcErrorBody;
  method?: string;
  params?: { channel?: string; data?: unknown; type?: string; label?: string };
  usIn?: number;
  usOut?: number;
  usDiff?: number;
  testnet?: boolean;
}

export class RpcWsClient {
  /** Every frame received, parsed (non-JSON text frames are kept as strings in `raw` only). */
  readonly frames: RpcFrame[] = [];
  readonly raw: string[] = [];
  private nextId = 1;
  closeInfo: { code: number; reason: string } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = parseMessage(data);
      this.raw.push(typeof msg === 'string' ? msg : JSON.stringify(msg));
      if (typeof msg === 'object' && msg !== null) this.frames.push(msg as RpcFrame);
    });
    ws.on('close', (code, reason) => {
      this.closeInfo = { code, reason: reason.toString('utf8') };
    });
  }

  static async connect(url: string): Promise<RpcWsClient> {
    const ws = new WebSocket(url);
    const client = new RpcWsClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** Sends a request and returns its id without waiting. */
  send(method: string, params: Record<string, unknown> = {}): number {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    return id;
  }

  sendText(text: string): void {
    this.ws.send(text);
  }

  /** Sends a request and waits for the frame with its id. */
  async call(method: string, params: Record<string, unknown> = {}, timeoutMs = 2000): Promise<RpcFrame> {
    const id = this.send(method, params);
    return this.response(id, timeoutMs);
  }

  /** Sends a request and returns its result; throws with the error body when it failed. */
  async result<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const frame = await this.call(method, params);
    if (frame.error) throw new Error(`${method} failed: ${JSON.stringify(frame.error)}`);
    return frame.result as T;
  }

  response(id: number, timeoutMs = 2000): Promise<RpcFrame> {
    return waitFor(() => this.frames.find((f) => f.id === id), { timeoutMs, message: `response to id ${id}` });
  }

  /** Waits for a frame (already received or future) that satisfies `predicate`, scanning from index `from`. */
  waitForFrame(predicate: (f: RpcFrame) => boolean, timeoutMs = 2000, from = 0): Promise<RpcFrame> {
    return waitFor(() => this.frames.slice(from).find(predicate), { timeoutMs, message: 'matching frame' });
  }

  /** Notifications received on `channel` so far. */
  notifications(channel: string): RpcFrame[] {
    return this.frames.filter((f) => f.method === 'subscription' && f.params?.channel === channel);
  }

  waitForNotification(channel: string, predicate: (data: unknown) => boolean = () => true, timeoutMs = 2000): Promise<RpcFrame> {
    return this.waitForFrame((f) => f.method === 'subscription' && f.params?.channel === channel && predicate(f.params.data), timeoutMs);
  }

  /** Resolves when the server closes the socket. */
  waitForClose(timeoutMs = 2000): Promise<{ code: number; reason: string }> {
    return waitFor(() => this.closeInfo, { timeoutMs, message: 'socket close' });
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
  }
}
