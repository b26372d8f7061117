/** Helpers of the OKX simulator tests: fixtures, shape comparison, a hand-written signed REST client and a WS client that queues frames. */
import { createHmac } from 'node:crypto';

import WebSocket from 'ws';

import { type OkxSim, type OkxSimOptions, startOkxSim } from '../../../src/sim/okx/index.js';
import { loadFixtureObject } from '../../support/load-fixture.js';
import { parseMessage } from '../../support/wait.js';

/** An OKX fixture envelope, through the project's one loader (../shared/venues/fixtures/okx/). */
export function loadFixture(name: string): Record<string, unknown> {
  return loadFixtureObject('okx', name);
}

/** First data item of a fixture envelope or push. */
export function fixtureItem(name: string): Record<string, unknown> {
  const data = loadFixture(name).data as Record<string, unknown>[];
  const first = data[0];
  if (!first) throw new Error(`${name} has no data`);
  return first;
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Differences in shape: keys missing or extra on either side and JSON types that differ. Objects
 * key by key, arrays by their first elements (an empty array on either side is not descended).
 */
export function shapeDiff(expected: unknown, actual: unknown, path = '$', allowExtra = false): string[] {
  const ek = kind(expected);
  const ak = kind(actual);
  if (ek !== ak) return [`${path}: expected ${ek}, got ${ak}`];
  if (ek === 'array') {
    const e = (expected as unknown[])[0];
    const a = (actual as unknown[])[0];
    return e === undefined || a === undefined ? [] : shapeDiff(e, a, `${path}[0]`, allowExtra);
  }
  if (ek !== 'object') return [];
  const out: string[] = [];
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  for (const [key, value] of Object.entries(e)) {
    if (!(key in a)) out.push(`${path}.${key}: missing`);
    else out.push(...shapeDiff(value, a[key], `${path}.${key}`, allowExtra));
  }
  if (!allowExtra) for (const key of Object.keys(a)) if (!(key in e)) out.push(`${path}.${key}: extra`);
  return out;
}

/** Test defaults: frozen prices, no rate limits unless asked. */
export function startTestSim(options: OkxSimOptions = {}): Promise<OkxSim> {
  return startOkxSim({ priceStepMs: 0, rateLimits: false, ...options });
}

// ---- a hand-written OKX REST client (okx.md §2), independent of the simulator's code ----------

export interface Creds {
  apiKey: string;
  secretKey: string;
  passphrase: string;
}

export function signRest(secret: string, timestamp: string, method: string, requestPath: string, body: string): string {
  return createHmac('sha256', secret)
    .update(timestamp + method + requestPath + body)
    .digest('base64');
}

export function signLogin(secret: string, seconds: string): string {
  return createHmac('sha256', secret).update(`${seconds}GET/users/self/verify`).digest('base64');
}

export interface RestReply {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

export interface RestCallOptions {
  nowMs?: number;
  demo?: boolean;
  /** Override headers after signing (to break them). */
  headers?: Record<string, string | undefined>;
  /** Sign this instead of the real prehash parts. */
  signOverride?: string;
  timestamp?: string;
}

export async function rest(
  sim: OkxSim,
  creds: Creds | undefined,
  method: 'GET' | 'POST',
  pathWithQuery: string,
  bodyValue?: unknown,
  options: RestCallOptions = {},
): Promise<RestReply> {
  const body = bodyValue === undefined ? '' : JSON.stringify(bodyValue);
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (creds) {
    const ts = options.timestamp ?? new Date(options.nowMs ?? sim.clock.now()).toISOString();
    headers['OK-ACCESS-KEY'] = creds.apiKey;
    headers['OK-ACCESS-SIGN'] = options.signOverride ?? signRest(creds.secretKey, ts, method, pathWithQuery, body);
    headers['OK-ACCESS-TIMESTAMP'] = ts;
    headers['OK-ACCESS-PASSPHRASE'] = creds.passphrase;
    if (options.demo ?? true) headers['x-simulated-trading'] = '1';
  }
  for (const [k, v] of Object.entries(options.headers ?? {})) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  const res = await fetch(`${sim.restUrl}${pathWithQuery}`, { method, headers, ...(method === 'POST' ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown>, text };
}

export function dataOf(reply: RestReply): Record<string, unknown>[] {
  return reply.body.data as Record<string, unknown>[];
}

// ---- a WS client that queues every frame ---------------------------------------------------------

export class WsClient {
  readonly frames: unknown[] = [];
  private waiters: { pred: (m: unknown) => boolean; resolve: (m: unknown) => void }[] = [];
  closed: { code: number; reason: string } | undefined;
  private closeWaiters: ((c: { code: number; reason: string }) => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = parseMessage(data);
      this.frames.push(msg);
      for (const w of [...this.waiters]) {
        if (w.pred(msg)) {
          this.waiters = this.waiters.filter((x) => x !== w);
          w.resolve(msg);
        }
      }
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
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
  next<T = Record<string, unknown>>(pred: (m: Record<string, unknown>) => boolean, timeoutMs = 2000): Promise<T> {
    const test = (m: unknown): boolean => typeof m === 'object' && m !== null && pred(m as Record<string, unknown>);
    const seen = this.frames.find(test);
    if (seen !== undefined) {
      this.frames.splice(this.frames.indexOf(seen), 1);
      return Promise.resolve(seen as T);
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.pred !== test);
        reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames).slice(0, 2000)}`));
      }, timeoutMs);
      this.waiters.push({
        pred: test,
        resolve: (m) => {
          clearTimeout(timer);
          this.frames.splice(this.frames.indexOf(m), 1);
          resolve(m as T);
        },
      });
    });
  }

  /** The next text frame equal to `text`. */
  nextText(text: string, timeoutMs = 2000): Promise<string> {
    const idx = this.frames.indexOf(text);
    if (idx >= 0) {
      this.frames.splice(idx, 1);
      return Promise.resolve(text);
    }
    return new Promise<string>((resolve, reject) => {
      const pred = (m: unknown): boolean => m === text;
      const timer = setTimeout(() => reject(new Error(`no "${text}" within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        pred,
        resolve: () => {
          clearTimeout(timer);
          this.frames.splice(this.frames.indexOf(text), 1);
          resolve(text);
        },
      });
    });
  }

  waitClose(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
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

  async login(creds: Creds, nowMs: number): Promise<Record<string, unknown>> {
    const ts = String(Math.floor(nowMs / 1000));
    this.send({
      op: 'login',
      args: [{ apiKey: creds.apiKey, passphrase: creds.passphrase, timestamp: ts, sign: signLogin(creds.secretKey, ts) }],
    });
    return this.next((m) => m.event === 'login' || m.event === 'error');
  }
}

export async function loggedIn(sim: OkxSim, url: string): Promise<WsClient> {
  const c = await WsClient.connect(url);
  const ack = await c.login(sim.credentials, sim.clock.now());
  if (ack.event !== 'login') throw new Error(`login failed: ${JSON.stringify(ack)}`);
  return c;
}

/** Predicate: a data push (not an ack) of `channel`. */
export function isPush(channel: string): (m: Record<string, unknown>) => boolean {
  return (m) => m.data !== undefined && m.event === undefined && (m.arg as { channel?: string } | undefined)?.channel === channel;
}
