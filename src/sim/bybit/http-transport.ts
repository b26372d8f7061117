/**
 * The HTTP side of the simulated Bybit under /v5: reads the body, checks the `X-BAPI-*` signature of
 * private routes, applies request faults and the per-endpoint rate limits (10006 and the
 * `X-Bapi-Limit*` headers), runs the route and answers with the v5 envelope.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { verifyRest } from './auth.js';
import type { SimState } from './context.js';
import type { Dispatcher } from './dispatch.js';
import { BybitError, requestErrors } from './errors.js';
import { limitHeaders } from './rate-limit.js';
import { errorEnvelope, type JsonObject, okEnvelope } from './wire.js';

export const REST_PREFIX = '/v5/';
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
    req.on('end', () => {
      try {
        this.onRequest(req, res, size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        this.state.onError(e);
        const err = requestErrors.internal();
        this.send(res, 200, errorEnvelope(err.retCode, err.retMsg, this.state.clock.now()));
      }
    });
  }

  private send(res: ServerResponse, status: number, body: JsonObject, headers: Record<string, string> = {}): void {
    this.held.delete(res);
    if (res.writableEnded || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse, body: string | undefined): void {
    const { state } = this;
    const receivedAt = state.clock.now();
    const rawUrl = req.url ?? '/';
    const qIndex = rawUrl.indexOf('?');
    const rawQuery = qIndex < 0 ? '' : rawUrl.slice(qIndex + 1);
    const url = new URL(rawUrl, 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const route = url.pathname.startsWith(REST_PREFIX) ? this.dispatcher.route(method, url.pathname.slice(REST_PREFIX.length)) : undefined;
    const fail = (e: BybitError, headers: Record<string, string> = {}): void =>
      this.send(res, e.status, errorEnvelope(e.retCode, e.retMsg, receivedAt), headers);
    if (!route) {
      fail(requestErrors.routeNotFound());
      return;
    }
    if (body === undefined) {
      fail(new BybitError(10001, 'Request body too large', 413));
      return;
    }
    let params: Record<string, unknown> = {};
    if (method === 'POST') {
      try {
        const parsed = JSON.parse(body === '' ? '{}' : body) as unknown;
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        params = parsed as Record<string, unknown>;
      } catch {
        fail(requestErrors.badJson());
        return;
      }
    } else {
      params = Object.fromEntries(url.searchParams);
    }
    this.dispatcher.log('http', undefined, `${method} ${url.pathname}`, params, receivedAt);
    if (route.private) {
      try {
        verifyRest(
          state.credentials,
          {
            key: header(req, 'X-BAPI-API-KEY'),
            sign: header(req, 'X-BAPI-SIGN'),
            timestamp: header(req, 'X-BAPI-TIMESTAMP'),
            recvWindow: header(req, 'X-BAPI-RECV-WINDOW'),
            payload: method === 'POST' ? body : rawQuery,
          },
          receivedAt,
        );
      } catch (e) {
        if (e instanceof BybitError) {
          fail(e);
          return;
        }
        throw e;
      }
    }
    // Fault rules name requests as `POST /v5/order/create` (method and path, no query).
    const plan = state.faults.planRequest(`${method} ${url.pathname}`);
    if (plan.error) {
      fail(new BybitError(plan.error.code, plan.error.message));
      return;
    }
    let headers: Record<string, string> = {};
    if (route.limit !== undefined) {
      const status = state.limiter.take(route.limit);
      if (status) {
        headers = limitHeaders(status);
        if (!status.allowed) {
          fail(requestErrors.rateLimited(), headers);
          return;
        }
      }
    }
    const run = (): [number, JsonObject] => {
      try {
        return [200, okEnvelope(route.handler({ params, receivedAt }), receivedAt)];
      } catch (e) {
        if (e instanceof BybitError) return [e.status, errorEnvelope(e.retCode, e.retMsg, receivedAt)];
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
      this.send(res, status, reply, headers);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.send(res, status, reply, headers);
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
