/** Helpers of the Bybit simulator tests: fixtures, shape comparison, a hand-written signed REST client (bybit.md §2) and a WS client that queues frames. */
import { createHmac } from 'node:crypto';

import WebSocket from 'ws';

import { type BybitSim, type BybitSimOptions, startBybitSim } from '../../../src/sim/bybit/index.js';
import { loadFixtureObject } from '../../support/load-fixture.js';
import { parseMessage } from '../../support/wait.js';

/** A Bybit fixture envelope, through the project's one loader (../shared/venues/fixtures/bybit/). */
export function loadFixture(name: string): Record<string, unknown> {
  return loadFixtureObject('bybit', name);
}

/** First item of `result.list` (REST) or `data` (WS) of a fixture. */
export function fixtureRow(name: string): Record<string, unknown> {
  const f = loadFixture(name);
  const list = (f.result as { list?: unknown[] } | undefined)?.list ?? (f.data as unknown[]);
  const first = list[0];
  if (typeof first !== 'object' || first === null) throw new Error(`${name} has no row`);
  return first as Record<string, unknown>;
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Differences in shape: keys missing or extra on either side and JSON types that differ. Objects key
 * by key, arrays by their first elements (an empty array on either side is not descended). Keys in
 * `opaque` are compared by type only (maps keyed by coin, e.g. `cumFeeDetail`); `extraAllowed` keys
 * may appear only in `actual`.
 */
export function shapeDiff(
  expected: unknown,
  actual: unknown,
  options: { path?: string; opaque?: readonly string[]; extraAllowed?: readonly string[] } = {},
): string[] {
  const path = options.path ?? '$';
  const ek = kind(expected);
  const ak = kind(actual);
  if (ek !== ak) return [`${path}: expected ${ek}, got ${ak}`];
  if (ek === 'array') {
    const e = (expected as unknown[])[0];
    const a = (actual as unknown[])[0];
    return e === undefined || a === undefined ? [] : shapeDiff(e, a, { ...options, path: `${path}[0]` });
  }
  if (ek !== 'object') return [];
  const out: string[] = [];
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  for (const [key, value] of Object.entries(e)) {
    if (!(key in a)) out.push(`${path}.${key}: missing`);
    else if (options.opaque?.includes(key)) {
      if (kind(value) !== kind(a[key])) out.push(`${path}.${key}: expected ${kind(value)}, got ${kind(a[key])}`);
    } else out.push(...shapeDiff(value, a[key], { ...options, path: `${path}.${key}` }));
  }
  for (const key of Object.keys(a)) if (!(key in e) && !options.extraAllowed?.includes(key)) out.push(`${path}.${key}: extra`);
  return out;
}

/** Test defaults: frozen prices, no rate limits unless asked. */
export function startTestSim(options: BybitSimOptions = {}): Promise<BybitSim> {
  return startBybitSim({ priceStepMs: 0, rateLimits: false, ...options });
}

// ---- a hand-written Bybit v5 signer and REST client (bybit.md §2), independent of the simulator's code ----

export function sign(secret: string, prehash: string): string {
  return createHmac('sha256', secret).update(prehash).digest('hex');
}

export interface Creds {
  apiKey: string;
  apiSecret: string;
}

export interface RestReply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export interface RestOptions {
  timestamp?: number;
  recvWindow?: string;
  signOverride?: string;
  apiKey?: string;
}

/** GET with a query object (insertion order kept) or POST with a JSON body, signed when `creds` is given. */
export async function rest(
  sim: BybitSim,
  creds: Creds | undefined,
  method: 'GET' | 'POST',
  path: string,
  params: Record<string, unknown> = {},
  options: RestOptions = {},
): Promise<RestReply> {
  const query =
    method === 'GET' ? new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString() : '';
  const body = method === 'POST' ? JSON.stringify(params) : '';
  const headers: Record<string, string> = method === 'POST' ? { 'Content-Type': 'application/json' } : {};
  if (creds) {
    const ts = String(options.timestamp ?? sim.clock.now());
    const recv = options.recvWindow ?? '5000';
    const key = options.apiKey ?? creds.apiKey;
    headers['X-BAPI-API-KEY'] = key;
    headers['X-BAPI-TIMESTAMP'] = ts;
    headers['X-BAPI-RECV-WINDOW'] = recv;
    headers['X-BAPI-SIGN'] = options.signOverride ?? sign(creds.apiSecret, `${ts}${key}${recv}${method === 'GET' ? query : body}`);
  }
  const url = `${sim.restUrl}${path}${query !== '' ? `?${query}` : ''}`;
  const res = await fetch(url, { method, headers, ...(method === 'POST' ? { body } : {}) });
  return { status: res.status, headers: res.headers, body: JSON.parse(await res.text()) as Record<string, unknown> };
}

export function resultOf(reply: RestReply): Record<string, unknown> {
  if (reply.body.retCode !== 0) throw new Error(`request failed: ${JSON.stringify(reply.body)}`);
  return reply.body.result as Record<string, unknown>;
}

export function listOf(reply: RestReply): Record<string, unknown>[] {
  return resultOf(reply).list as Record<string, unknown>[];
}

// ---- a WS client that queues every frame ---------------------------------------------------------

export class WsClient {
  readonly frames: Record<string, unknown>[] = [];
  private waiters: { pred: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];
  closed: { code: number } | undefined;
  private closeWaiters: ((c: { code: number }) => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = parseMessage(data) as Record<string, unknown>;
      this.frames.push(msg);
      for (const w of [...this.waiters]) {
        if (w.pred(msg)) {
          this.waiters = this.waiters.filter((x) => x !== w);
          this.frames.splice(this.frames.indexOf(msg), 1);
          w.resolve(msg);
          return;
        }
      }
    });
    ws.on('close', (code) => {
      this.closed = { code };
      for (const w of this.closeWaiters) w(this.closed);
    });
  }

  static async connect(url: string): Promise<WsClient> {
    const ws = new WebSocket(url);
    const client = new WsClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame (already received or coming) that satisfies `pred`, within the deadline. */
  next(pred: (m: Record<string, unknown>) => boolean, timeoutMs = 2000): Promise<Record<string, unknown>> {
    const seen = this.frames.find(pred);
    if (seen !== undefined) {
      this.frames.splice(this.frames.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.pred !== pred);
        reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames).slice(0, 3000)}`));
      }, timeoutMs);
      this.waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  waitClose(timeoutMs = 3000): Promise<{ code: number }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
      this.closeWaiters.push((c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** `op:auth` args for `creds`, expiring `aheadMs` after `nowMs` (bybit.md §3). */
export function authArgs(creds: Creds, nowMs: number, aheadMs = 10_000): [string, number, string] {
  const expires = nowMs + aheadMs;
  return [creds.apiKey, expires, sign(creds.apiSecret, `GET/realtime${expires}`)];
}

/** A private-stream socket, authenticated and subscribed to `topics`. */
export async function privateSocket(sim: BybitSim, topics: string[]): Promise<WsClient> {
  const c = await WsClient.connect(sim.wsPrivateUrl);
  c.send({ op: 'auth', args: authArgs(sim.credentials, sim.clock.now()) });
  const ack = await c.next((m) => m.op === 'auth');
  if (ack.success !== true) throw new Error(`auth failed: ${JSON.stringify(ack)}`);
  c.send({ op: 'subscribe', args: topics });
  await c.next((m) => m.op === 'subscribe');
  return c;
}

/** Predicate: a private push of `topic`. */
export function isPush(topic: string): (m: Record<string, unknown>) => boolean {
  return (m) => m.topic === topic && Array.isArray(m.data);
}

/** Predicate: an `order` push whose first row has `status` (and `orderId` when given). */
export function orderPush(status: string, orderId?: string): (m: Record<string, unknown>) => boolean {
  return (m) =>
    m.topic === 'order' &&
    Array.isArray(m.data) &&
    (m.data as Record<string, unknown>[]).some((r) => r.orderStatus === status && (orderId === undefined || r.orderId === orderId));
}
