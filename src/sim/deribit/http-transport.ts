/**
 * The HTTP side of the simulated Deribit at /api/v2/{method}: GET with query params, or GET/POST
 * with a JSON-RPC body. Errors come with HTTP 400 (429 for 10028, 413 for oversized bodies) and the
 * JSON-RPC error body; REST auth is Bearer, Basic or a deri-hmac-sha256 signature.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { logRequest, type SimState } from './context.js';
import { executeWithFaults } from './dispatch.js';
import { errorFrame, MAX_FRAME_BYTES, parseRpcText, resultFrame, RpcError, type RpcRequest, startTiming, type Timing } from './rpc.js';

export const REST_PREFIX = '/api/v2/';

function queryParams(url: URL): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    const name = key.endsWith('[]') ? key.slice(0, -2) : key;
    out[name] = values.length > 1 || key.endsWith('[]') ? values : values[0];
  }
  return out;
}

export class HttpTransport {
  /** Requests held open by a never-answer fault, ended on close. */
  private readonly held = new Set<ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly state: SimState) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FRAME_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => this.onRequest(req, res, tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
  }

  private send(res: ServerResponse, status: number, body: Record<string, unknown>): void {
    this.held.delete(res);
    if (res.writableEnded || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse, body: string | undefined): void {
    const { state } = this;
    const timing = startTiming(state.clock.now());
    const testnet = state.config.testnet;
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, 'http://127.0.0.1');
    if (!url.pathname.startsWith(REST_PREFIX)) {
      this.send(res, 404, errorFrame(undefined, new RpcError(-32601, 'Method not found'), timing, testnet));
      return;
    }
    if (body === undefined) {
      const e = new RpcError(-32600, 'request entity too large', undefined, 413);
      this.send(res, e.httpStatus, errorFrame(undefined, e, timing, testnet));
      return;
    }
    let method: string;
    try {
      method = decodeURIComponent(url.pathname.slice(REST_PREFIX.length));
    } catch {
      this.send(res, 400, errorFrame(undefined, new RpcError(11050, 'bad_request'), timing, testnet));
      return;
    }
    let request: RpcRequest;
    if (body.trim() !== '') {
      const parsed = parseRpcText(body);
      if (!parsed.ok) {
        this.send(res, parsed.error.httpStatus, errorFrame(parsed.id, parsed.error, timing, testnet));
        return;
      }
      request = { ...parsed.request, method };
    } else {
      request = { id: undefined, method, params: queryParams(url) };
    }
    logRequest(state, {
      transport: 'http',
      connectionId: undefined,
      id: request.id,
      method,
      params: request.params,
      at: state.clock.now(),
    });
    const authorization = req.headers.authorization;
    const planned = executeWithFaults(
      {
        state,
        transport: 'http',
        session: undefined,
        ip: req.socket.remoteAddress ?? 'unknown',
        httpPrincipal: () => state.auth.authorizeHttp(authorization, req.method ?? 'GET', rawUrl, body),
      },
      request,
    );
    if (planned.silent) {
      this.held.add(res);
      return;
    }
    const reply = (t: Timing): void => {
      if (planned.reply.ok) this.send(res, 200, resultFrame(request.id, planned.reply.result, t, testnet));
      else this.send(res, planned.reply.error.httpStatus, errorFrame(request.id, planned.reply.error, t, testnet));
    };
    if (planned.delayMs <= 0) {
      reply(timing);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      reply(timing);
    }, planned.delayMs);
    this.timers.add(timer);
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const res of this.held) res.destroy();
    this.held.clear();
  }
}
