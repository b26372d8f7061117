/**
 * Starts a simulated Deribit on loopback: JSON-RPC over WebSocket at /ws/api/v2 and HTTP at
 * /api/v2/{method}, backed by the pure matching engine, with fault knobs and a movable clock.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { SimClock } from '../clock.js';
import { type EngineOptions, SimEngine } from '../engine/engine.js';
import { SimFaults } from '../faults.js';
import { AuthService, type Credentials } from './auth.js';
import type { FrontEndConfig, ReceivedRequest, SimState } from './context.js';
import { DERIBIT_RATE_LIMIT_ERROR } from './errors.js';
import { HttpTransport } from './http-transport.js';
import { DERIBIT_IDS } from './ids.js';
import { Publisher } from './publisher.js';
import { DEFAULT_MATCHING_ENGINE_TIER, defaultRateLimits, RateLimiter, type RateLimitSpecs } from './rate-limit.js';
import type { WsSession } from './session.js';
import { WS_PATH, WsTransport } from './ws-transport.js';

export interface DeribitSimOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Listen address. Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Seed of the price random walk. Default 1. */
  seed?: number;
  /** API key pair. Default: random per start (read it back from `sim.credentials`). */
  credentials?: Partial<Credentials>;
  /** Base time source of the simulated clock. Default Date.now. */
  clock?: () => number;
  /** Access-token lifetime in seconds (`expires_in`). Default 31536000. */
  tokenLifetimeSec?: number;
  /** Refresh-token lifetime in seconds. Default 31536000. */
  refreshTokenLifetimeSec?: number;
  /** How far auth/REST signature timestamps may be from the sim clock. Default 60000 ms. */
  signatureWindowMs?: number;
  /** Multiplies set_heartbeat intervals (0.005 turns 10 s into 50 ms). Default 1. */
  heartbeatIntervalScale?: number;
  /** Uses this heartbeat interval (ms) whatever the client asked (still validated >= 10 s). */
  heartbeatIntervalMsOverride?: number;
  /** Channels one connection may hold; extra channels are left out of subscribe results. Default 5000. */
  maxChannelsPerConnection?: number;
  /** WebSocket connections per client IP. Default 32. */
  maxConnectionsPerIp?: number;
  /** Idle WS connections are closed after this long without a frame from the client. Default 600000 ms. */
  idleTimeoutMs?: number;
  /**
   * Random-walk step period in ms; 0 freezes prices (tests then move them with engine.set*Price).
   * Each step also prints the crowd's trades and varies book sizes. The step's sd scales with
   * sqrt(period), so the annual volatility is the same at any period. Default 100 (10 Hz).
   */
  priceStepMs?: number;
  /** Period of interval-channel and ticker delivery. Default 100 ms. */
  flushIntervalMs?: number;
  /**
   * Credit pools: false disables rate limiting; `{ matchingEngineTier }` picks the order-entry tier
   * (default tier 4: 5/s, burst 20 — the lowest tier, the one the daemon's Deribit config assumes);
   * full specs replace the pools.
   */
  rateLimits?: false | { matchingEngineTier?: 1 | 2 | 3 | 4 } | RateLimitSpecs;
  /** Close the WS after a 10028 reply (the docs say the session is terminated on exhaustion). Default true. */
  rateLimitDisconnect?: boolean;
  /** `testnet` flag in every response. Default true. */
  testnet?: boolean;
  /** Engine settings (prices, balances, volatility, book, catalogue). startTime defaults to the clock. */
  engine?: Partial<EngineOptions>;
  /** Requests kept in `sim.requests` (oldest dropped first). Default 10000. */
  requestLogLimit?: number;
  /** Errors from timers (price walk, delivery) that must not crash the process. Default: written to stderr. */
  onError?: (error: unknown) => void;
}

export interface DeribitSim {
  /** ws://127.0.0.1:PORT/ws/api/v2 */
  readonly wsUrl: string;
  /** http://127.0.0.1:PORT/api/v2 (append /public/get_time etc.) */
  readonly restUrl: string;
  readonly port: number;
  readonly credentials: Readonly<Credentials>;
  readonly engine: SimEngine;
  readonly faults: SimFaults;
  /** The simulated clock: `advance(ms)` / `set(ms)` move token expiry, signature windows and engine time. */
  readonly clock: SimClock;
  /** Every request received (both transports), oldest first. */
  readonly requests: readonly ReceivedRequest[];
  /** Open WebSocket connections. */
  readonly connections: number;
  /** Ids of the open WebSocket connections (for faults.dropConnections(id)). */
  connectionIds(): string[];
  /** The channels a connection is subscribed to. */
  subscriptionsOf(connectionId: string): string[];
  /** Advances the random walk to the current sim time once (also done by the price timer). */
  stepPrices(): void;
  /** Stops timers, cuts connections and closes the server. */
  close(): Promise<void>;
}

function resolveRateLimits(option: DeribitSimOptions['rateLimits']): RateLimitSpecs | undefined {
  if (option === false) return undefined;
  if (option === undefined) return defaultRateLimits(DEFAULT_MATCHING_ENGINE_TIER);
  if ('non_matching_engine' in option) return option;
  return defaultRateLimits(option.matchingEngineTier ?? DEFAULT_MATCHING_ENGINE_TIER);
}

/** Starts the simulator and resolves once it listens. */
export async function startDeribitSim(options: DeribitSimOptions = {}): Promise<DeribitSim> {
  const clock = new SimClock(options.clock ?? Date.now);
  const credentials: Credentials = {
    clientId: options.credentials?.clientId ?? `sim_${randomBytes(4).toString('hex')}`,
    clientSecret: options.credentials?.clientSecret ?? randomBytes(24).toString('base64url'),
  };
  const faults = new SimFaults(DERIBIT_RATE_LIMIT_ERROR);
  const engine = new SimEngine({
    ids: DERIBIT_IDS,
    ...options.engine,
    venue: 'deribit',
    startTime: options.engine?.startTime ?? clock.now(),
    seed: options.seed ?? options.engine?.seed ?? 1,
    fillHooks: faults,
  });
  const config: FrontEndConfig = {
    testnet: options.testnet ?? true,
    version: '1.2.26',
    heartbeatIntervalScale: options.heartbeatIntervalScale ?? 1,
    heartbeatIntervalMsOverride: options.heartbeatIntervalMsOverride,
    maxChannelsPerConnection: options.maxChannelsPerConnection ?? 5000,
    maxChannelsPerCall: 500,
    idleTimeoutMs: options.idleTimeoutMs ?? 600_000,
    rateLimitDisconnect: options.rateLimitDisconnect ?? true,
  };
  const state: SimState = {
    engine,
    clock,
    faults,
    auth: new AuthService(credentials, clock, {
      accessTokenLifetimeSec: options.tokenLifetimeSec ?? 31_536_000,
      refreshTokenLifetimeSec: options.refreshTokenLifetimeSec ?? 31_536_000,
      signatureWindowMs: options.signatureWindowMs ?? 60_000,
      maxSessions: 16,
    }),
    limiter: new RateLimiter(resolveRateLimits(options.rateLimits), clock),
    config,
    sessions: new Map<string, WsSession>(),
    requests: [],
    requestLogLimit: options.requestLogLimit ?? 10_000,
  };
  const publisher = new Publisher(state);
  const unsubscribe = engine.onEvents((events) => publisher.onEngineEvents(events));
  const ws = new WsTransport(state, { maxConnectionsPerIp: options.maxConnectionsPerIp ?? 32 });
  const http = new HttpTransport(state);
  faults.attach(ws);

  const server: Server = createServer((req, res) => http.handle(req, res));
  server.on('upgrade', (req, socket, head) => ws.handleUpgrade(req, socket, head));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const onError =
    options.onError ?? ((e: unknown) => process.stderr.write(`deribit sim: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`));
  const guarded = (work: () => void) => (): void => {
    try {
      work();
    } catch (e) {
      onError(e);
    }
  };
  const flushTimer = setInterval(
    guarded(() => publisher.flush(clock.now())),
    options.flushIntervalMs ?? 100,
  );
  const priceStepMs = options.priceStepMs ?? 100;
  const stepTimer =
    priceStepMs > 0
      ? setInterval(
          guarded(() => engine.step(clock.now())),
          priceStepMs,
        )
      : undefined;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(flushTimer);
      if (stepTimer) clearInterval(stepTimer);
      unsubscribe();
      http.close();
      await ws.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    })();
    return closing;
  };

  return {
    wsUrl: `ws://${host}:${port}${WS_PATH}`,
    restUrl: `http://${host}:${port}/api/v2`,
    port,
    credentials,
    engine,
    faults,
    clock,
    requests: state.requests,
    get connections() {
      return state.sessions.size;
    },
    connectionIds: () => [...state.sessions.keys()],
    subscriptionsOf: (id) => [...(state.sessions.get(id)?.subscriptions.keys() ?? [])],
    stepPrices: () => engine.step(clock.now()),
    close,
  };
}
