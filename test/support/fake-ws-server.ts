/** A tiny real WebSocket server on 127.0.0.1:0 with knobs for keepalive, auth and faults; records every frame it gets. */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';

import { type WebSocket, WebSocketServer } from 'ws';

/**
 * How the server answers a login frame (`{"op":"auth"}` or `{"op":"login"}`):
 * 'ok' acks at once, 'fail' answers `success:false`, 'never' stays silent, 'manual' waits for `ackAuth()`.
 */
export type AuthMode = 'ok' | 'fail' | 'never' | 'manual';

/** Mutable behaviour knobs; change them between or during tests. */
export interface FakeWsServerKnobs {
  /** Answer text `ping` with `pong` and `{"op":"ping"}` with `{"op":"pong"}`. Default true. */
  replyToPings: boolean;
  /** Default 'ok'. */
  authMode: AuthMode;
  /** Ack `{"op":"subscribe"}` with `{"op":"subscribe","success":true,"args":...}`. Default true. */
  ackSubscribe: boolean;
  /** Terminate every new connection right after the handshake. Default false. */
  dropOnConnect: boolean;
}

/** One frame the server received. */
export interface ReceivedFrame {
  /** 1-based index of the server-side connection it came on. */
  readonly connection: number;
  readonly text: string;
  /** Parsed JSON, or undefined when the frame is not JSON (OKX's text `ping`). */
  readonly json: Record<string, unknown> | undefined;
  /** True when the server had already acknowledged login on that connection. */
  readonly authed: boolean;
  readonly at: number;
}

interface ServerConnection {
  readonly index: number;
  readonly ws: WebSocket;
  authed: boolean;
  /** Login frames waiting for a manual ack. */
  readonly pendingAuth: Array<Record<string, unknown>>;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Start with `await FakeWsServer.start()` and register `server.close()` for cleanup right after.
 * Events (Node EventEmitter on `events`): 'connection' (index), 'frame' (ReceivedFrame), 'disconnect' (index).
 */
export class FakeWsServer {
  readonly knobs: FakeWsServerKnobs;
  readonly received: ReceivedFrame[] = [];
  readonly events = new EventEmitter();
  private readonly connections: ServerConnection[] = [];

  private constructor(
    private readonly wss: WebSocketServer,
    readonly url: string,
    knobs: Partial<FakeWsServerKnobs>,
  ) {
    this.knobs = { replyToPings: true, authMode: 'ok', ackSubscribe: true, dropOnConnect: false, ...knobs };
    wss.on('connection', (ws) => this.onConnection(ws));
  }

  static async start(knobs: Partial<FakeWsServerKnobs> = {}): Promise<FakeWsServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    const { port } = wss.address() as AddressInfo;
    return new FakeWsServer(wss, `ws://127.0.0.1:${port}`, knobs);
  }

  /** Connections accepted so far. */
  get connectionCount(): number {
    return this.connections.length;
  }

  /** Index of the newest connection (0 when none yet). */
  get latest(): number {
    return this.connections.length;
  }

  /** Connections still open. */
  openConnections(): number {
    return this.connections.filter((c) => c.ws.readyState === c.ws.OPEN).length;
  }

  /** Frames received on one connection. */
  framesOn(connection: number): ReceivedFrame[] {
    return this.received.filter((f) => f.connection === connection);
  }

  /** Received frames whose JSON `op` (or `method`) equals `op`. */
  framesWithOp(op: string): ReceivedFrame[] {
    return this.received.filter((f) => f.json?.['op'] === op || f.json?.['method'] === op);
  }

  /** Text `ping` and `{"op":"ping"}` frames received. */
  pings(connection?: number): ReceivedFrame[] {
    return this.received.filter(
      (f) => (connection === undefined || f.connection === connection) && (f.text === 'ping' || f.json?.['op'] === 'ping'),
    );
  }

  /** Sends raw text to a connection (default: the newest). */
  send(text: string, connection: number = this.latest): void {
    const conn = this.connections[connection - 1];
    if (!conn) throw new Error(`fake ws server: no connection ${connection}`);
    conn.ws.send(text);
  }

  /** Releases held login frames (authMode 'manual') on a connection (default: the newest). */
  ackAuth(connection: number = this.latest, success = true): void {
    const conn = this.connections[connection - 1];
    if (!conn) throw new Error(`fake ws server: no connection ${connection}`);
    for (const frame of conn.pendingAuth.splice(0)) this.answerAuth(conn, frame, success);
  }

  /** Login frames waiting for `ackAuth` on a connection. */
  pendingAuthCount(connection: number = this.latest): number {
    return this.connections[connection - 1]?.pendingAuth.length ?? 0;
  }

  /** Kills every open connection without a close handshake (a network drop). */
  dropAll(): void {
    for (const conn of this.connections) conn.ws.terminate();
  }

  /** Closes every open connection with a close frame. */
  closeAll(code = 1001, reason = 'going away'): void {
    for (const conn of this.connections) if (conn.ws.readyState === conn.ws.OPEN) conn.ws.close(code, reason);
  }

  /** Stops the server and kills its connections. Safe to call twice. */
  async close(): Promise<void> {
    for (const conn of this.connections) conn.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(ws: WebSocket): void {
    const conn: ServerConnection = { index: this.connections.length + 1, ws, authed: false, pendingAuth: [] };
    this.connections.push(conn);
    this.events.emit('connection', conn.index);
    ws.on('close', () => this.events.emit('disconnect', conn.index));
    if (this.knobs.dropOnConnect) {
      ws.terminate();
      return;
    }
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const text = isBinary ? data.toString('utf8') : data.toString();
      const json = parseObject(text);
      const frame: ReceivedFrame = { connection: conn.index, text, json, authed: conn.authed, at: Date.now() };
      this.received.push(frame);
      this.respond(conn, frame);
      this.events.emit('frame', frame);
    });
  }

  private respond(conn: ServerConnection, frame: ReceivedFrame): void {
    const op = frame.json?.['op'];
    if (frame.text === 'ping') {
      if (this.knobs.replyToPings) conn.ws.send('pong');
      return;
    }
    if (op === 'ping') {
      if (this.knobs.replyToPings) conn.ws.send(JSON.stringify({ op: 'pong', req_id: frame.json?.['req_id'] }));
      return;
    }
    if ((op === 'auth' || op === 'login') && frame.json) {
      switch (this.knobs.authMode) {
        case 'ok':
          this.answerAuth(conn, frame.json, true);
          return;
        case 'fail':
          this.answerAuth(conn, frame.json, false);
          return;
        case 'manual':
          conn.pendingAuth.push(frame.json);
          return;
        case 'never':
          return;
      }
    }
    if (op === 'subscribe' && this.knobs.ackSubscribe) {
      conn.ws.send(JSON.stringify({ op: 'subscribe', success: true, args: frame.json?.['args'], req_id: frame.json?.['req_id'] }));
    }
  }

  private answerAuth(conn: ServerConnection, frame: Record<string, unknown>, success: boolean): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    if (success) conn.authed = true;
    conn.ws.send(JSON.stringify({ op: frame['op'], success, req_id: frame['req_id'] }));
  }
}
