/**
 * The /healthz endpoint: 200 only while every probe (venues ready, reconciliation succeeding) is
 * ok and the event loop ticks.
 */
import { createServer, type Server } from 'node:http';

import type { Logger } from 'pino';

import { listen } from './listen.js';

export interface ComponentHealth {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: Record<string, unknown>;
}

export interface HealthOptions {
  readonly host: string;
  readonly port: number;
  readonly maxEventLoopLagMs: number;
  /** Each enabled venue (and any other part that must be up) reports here. */
  readonly probes: () => readonly ComponentHealth[];
  readonly logger: Logger;
}

export interface HealthReport {
  readonly ok: boolean;
  /** Names of what is not ok (`eventLoop` and component names); empty when healthy. */
  readonly failing: readonly string[];
  readonly eventLoop: { readonly ok: boolean; readonly lagMs: number; readonly lastTickAgoMs: number };
  readonly components: readonly ComponentHealth[];
  readonly uptimeSecs: number;
}

const TICK_MS = 250;

/**
 * One operator line for a health endpoint that cannot listen: which key, which value, the fix.
 */
export function describeListenError(err: unknown, host: string, port: number, key: 'health' | 'webhook' = 'health'): string {
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  switch (code) {
    case 'EADDRINUSE':
      return `cannot start: ${key}.port ${port} on ${host} is already in use (another daemon or program listens there) — stop it, or set ${key}.port to a free port (0 lets the system pick one)`;
    case 'EACCES':
      return `cannot start: ${key}.port ${port} on ${host} needs privileges this user does not have (ports below 1024) — set ${key}.port to 1024 or above`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `cannot start: ${key}.host ${JSON.stringify(host)} is not an address of this machine (${code}) — set ${key}.host to 127.0.0.1 (this machine only) or 0.0.0.0 (every interface, e.g. in a container)`;
    default:
      return `cannot start: the ${key === 'health' ? 'health endpoint' : 'webhook'} cannot listen on ${host}:${port} (${code || (err as Error)?.message || String(err)}) — check ${key}.host and ${key}.port`;
  }
}

/**
 * GET or HEAD /healthz: 200 while the event loop is ticking and every probe is ok, 503 otherwise, with
 * the details as JSON. A blocked loop cannot answer at all, which the container healthcheck
 * also reads as unhealthy.
 */
export class HealthServer {
  private server: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastTick = Date.now();
  private lagMs = 0;
  private readonly startedAt = Date.now();

  constructor(private readonly options: HealthOptions) {}

  report(): HealthReport {
    const now = Date.now();
    const lastTickAgoMs = now - this.lastTick;
    const loopOk = this.lagMs <= this.options.maxEventLoopLagMs && lastTickAgoMs <= this.options.maxEventLoopLagMs + TICK_MS;
    const components = this.options.probes();
    const failing = [...(loopOk ? [] : ['eventLoop']), ...components.filter((c) => !c.ok).map((c) => c.name)];
    return {
      ok: failing.length === 0,
      failing,
      eventLoop: { ok: loopOk, lagMs: this.lagMs, lastTickAgoMs },
      components,
      uptimeSecs: Math.round((now - this.startedAt) / 1000),
    };
  }

  async start(): Promise<{ host: string; port: number }> {
    this.timer = setInterval(() => {
      const now = Date.now();
      this.lagMs = Math.max(0, now - this.lastTick - TICK_MS);
      this.lastTick = now;
    }, TICK_MS);
    this.timer.unref();
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== '/healthz') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'not found', try: 'GET /healthz' }));
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { 'content-type': 'application/json', allow: 'GET, HEAD' });
        res.end(JSON.stringify({ error: 'method not allowed', try: 'GET /healthz or HEAD /healthz' }));
        return;
      }
      // HEAD: the same status and headers, no body (Node drops the body of a HEAD response)
      const report = this.report();
      res.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(report));
    });
    this.server = server;
    const addr = await listen(server, this.options.port, this.options.host);
    return addr;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
