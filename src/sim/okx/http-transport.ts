/**
 * The HTTP side of the simulated OKX under /api/v5: reads the body, checks the signature headers of
 * private routes (401 bodies without `data`), applies request faults, runs the route and answers
 * with the OKX envelope and its HTTP status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { verifyRest } from './auth.js';
import { logRequest, type SimState } from './context.js';
import type { Dispatcher } from './dispatch.js';
import { OkxError, requestErrors } from './errors.js';
import { authErrorBody, errorEnvelope, type JsonObject } from './wire.js';

export const REST_PREFIX = '/api/v5/';
const MAX_BODY_BYTES = 1024 * 1024;

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export class HttpTransport {
  private readonly held = new Set<ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly state: SimState,
    private readonly dispatcher: Dispatcher,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => this.onRequest(req, res, size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
  }

  private send(res: ServerResponse, status: number, body: JsonObject): void {
    this.held.delete(res);
    if (res.writableEnded || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private sendError(res: ServerResponse, e: OkxError): void {
    this.send(res, e.status, e.status === 401 ? authErrorBody(e.code, e.msg) : errorEnvelope(e.code, e.msg));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse, body: string | undefined): void {
    const { state } = this;
    const receivedAt = state.clock.now();
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    if (!url.pathname.startsWith(REST_PREFIX)) {
      this.send(res, 404, errorEnvelope('404', 'Not Found'));
      return;
    }
    const route = url.pathname.slice(REST_PREFIX.length);
    const found = this.dispatcher.route(method, route);
    if (!found) {
      this.send(res, 404, errorEnvelope('404', 'Not Found'));
      return;
    }
    if (body === undefined) {
      this.sendError(res, new OkxError('50000', 'Request body too large', 413));
      return;
    }
    let parsed: unknown;
    if (method === 'POST') {
      if (body.trim() === '') {
        this.sendError(res, requestErrors.emptyBody());
        return;
      }
      try {
        parsed = JSON.parse(body) as unknown;
      } catch {
        this.sendError(res, requestErrors.badJson());
        return;
      }
    }
    logRequest(state, {
      transport: 'http',
      connectionId: undefined,
      method: `${method} ${url.pathname}`,
      body: parsed ?? Object.fromEntries(url.searchParams),
      at: receivedAt,
    });
    if (found.private) {
      try {
        verifyRest(
          state.credentials,
          {
            key: header(req, 'OK-ACCESS-KEY'),
            sign: header(req, 'OK-ACCESS-SIGN'),
            timestamp: header(req, 'OK-ACCESS-TIMESTAMP'),
            passphrase: header(req, 'OK-ACCESS-PASSPHRASE'),
            simulated: header(req, 'x-simulated-trading'),
            method,
            // The path exactly as sent, query string included (okx.md §2).
            requestPath: rawUrl,
            body: method === 'POST' ? body : '',
          },
          receivedAt,
          { skewMs: state.config.skewMs, demo: state.config.demo },
        );
      } catch (e) {
        if (e instanceof OkxError) {
          this.sendError(res, e);
          return;
        }
        throw e;
      }
    }
    // Fault rules name requests as `POST /api/v5/trade/order` (method and path, no query).
    const plan = state.faults.planRequest(`${method} ${url.pathname}`);
    if (plan.error) {
      this.send(res, 429, errorEnvelope(String(plan.error.code), plan.error.message));
      return;
    }
    const run = (): [number, JsonObject] => {
      try {
        return [
          200,
          found.handler({ method, route, query: url.searchParams, body: parsed, ip: req.socket.remoteAddress ?? 'unknown', receivedAt }),
        ];
      } catch (e) {
        if (e instanceof OkxError) return [e.status, e.status === 401 ? authErrorBody(e.code, e.msg) : errorEnvelope(e.code, e.msg)];
        throw e;
      }
    };
    if (plan.noResponse) {
      if (plan.execute) run();
      this.held.add(res);
      return;
    }
    const [status, reply] = run();
    const delay = plan.delayMs ?? 0;
    if (delay <= 0) {
      this.send(res, status, reply);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.send(res, status, reply);
    }, delay);
    this.timers.add(timer);
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const res of this.held) res.destroy();
    this.held.clear();
  }
}
