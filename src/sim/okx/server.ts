/**
 * Starts a simulated OKX (API v5) on loopback: REST under /api/v5, WebSockets at /ws/v5/public,
 * /ws/v5/private and /ws/v5/business, backed by an `OkxEnginePort` (by default the shared neutral
 * engine through `engine-binding.ts`), with fault knobs and a movable clock.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { SimClock } from '../clock.js';
import { SimFaults } from '../faults.js';
import { type OkxCredentials, randomCredentials } from './auth.js';
import type { FrontEndConfig, ReceivedRequest, SimState } from './context.js';
import { Dispatcher } from './dispatch.js';
import { OkxEngineBinding } from './engine-binding.js';
import type { OkxEnginePort } from './engine-port.js';
import { OKX_RATE_LIMIT_ERROR } from './errors.js';
import { HttpTransport } from './http-transport.js';
import { Publisher } from './publisher.js';
import { defaultOkxRateLimits, RateLimiter, type RateLimitSpecs } from './rate-limit.js';
import type { WsSession } from './session.js';
import type { AlgoMeta, OrderMeta } from './wire.js';
import { WsTransport } from './ws-transport.js';

export interface OkxSimOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Listen address. Default 127.0.0.1. */
  host?: string;
  /** Seed of the price random walk. Default 1. */
  seed?: number;
  /** Annual volatility of the price walk per coin (the daemon's `sim.annualVolatility`). Default: the engine's. */
  volatility?: { BTC?: number; ETH?: number };
  /** API key, secret and passphrase. Default: random per start (read back from `sim.credentials`). */
  credentials?: Partial<OkxCredentials>;
  /** Base time source of the simulated clock. Default Date.now. */
  clock?: () => number;
  /** The key is a demo key: private REST needs `x-simulated-trading: 1` (else 50101). Default true. */
  demo?: boolean;
  /** Multiplies the venue's timers: 30 s idle close and cancel-all-after (0.01 turns 30 s into 300 ms). Default 1. */
  timeScale?: number;
  /** Random-walk step period in ms; 0 freezes prices (tests move them with `engine.setMarkPrice`). Default 100. */
  priceStepMs?: number;
  /** false disables rate limiting; specs replace the defaults. */
  rateLimits?: false | RateLimitSpecs;
  /** login/subscribe/unsubscribe requests per connection per hour before `60014`. Default 480. */
  maxWsOpsPerHour?: number;
  /** Connections per account per private channel. Default 30. */
  maxConnsPerChannel?: number;
  /** The engine behind the port. Default: the shared engine on the OKX catalogue (`OkxEngineBinding`). */
  engine?: OkxEnginePort;
  /** Account uid in pushes and account/config. */
  uid?: string;
  requestLogLimit?: number;
  onError?: (error: unknown) => void;
}

export interface OkxSim {
  /** http://127.0.0.1:PORT (append /api/v5/...). */
  readonly restUrl: string;
  readonly wsPublicUrl: string;
  readonly wsPrivateUrl: string;
  readonly wsBusinessUrl: string;
  readonly port: number;
  readonly credentials: Readonly<OkxCredentials>;
  readonly demo: boolean;
  readonly engine: OkxEnginePort;
  readonly faults: SimFaults;
  readonly clock: SimClock;
  readonly requests: readonly ReceivedRequest[];
  /** Client ids and OKX types of the orders placed through the front-end (the engine keeps none), by order id. */
  readonly orderMeta: ReadonlyMap<string, OrderMeta>;
  /** Client ids and OKX types of the algo orders placed through the front-end, by algo id. */
  readonly algoMeta: ReadonlyMap<string, AlgoMeta>;
  readonly connections: number;
  connectionIds(): string[];
  /** Channel keys (`channel|instType|instFamily|instId`) a connection holds. */
  subscriptionsOf(connectionId: string): string[];
  close(): Promise<void>;
}

export async function startOkxSim(options: OkxSimOptions = {}): Promise<OkxSim> {
  const clock = new SimClock(options.clock ?? Date.now);
  const random = randomCredentials();
  const credentials: OkxCredentials = {
    apiKey: options.credentials?.apiKey ?? random.apiKey,
    secretKey: options.credentials?.secretKey ?? random.secretKey,
    passphrase: options.credentials?.passphrase ?? random.passphrase,
  };
  const faults = new SimFaults(OKX_RATE_LIMIT_ERROR);
  const engine =
    options.engine ??
    new OkxEngineBinding({
      startTime: clock.now(),
      seed: options.seed ?? 1,
      fillHooks: faults,
      ...(options.volatility !== undefined ? { volatility: options.volatility } : {}),
    });
  const demo = options.demo ?? true;
  const config: FrontEndConfig = {
    skewMs: 30_000,
    demo,
    idleTimeoutMs: 30_000,
    maxConnsPerChannel: options.maxConnsPerChannel ?? 30,
    timeScale: options.timeScale ?? 1,
    maxOpsPerHour: options.maxWsOpsPerHour ?? 480,
    uid: options.uid ?? '44705892343619584',
  };
  const state: SimState = {
    engine,
    clock,
    faults,
    credentials,
    limiter: new RateLimiter(options.rateLimits === false ? undefined : (options.rateLimits ?? defaultOkxRateLimits()), () => clock.now()),
    config,
    sessions: new Map<string, WsSession>(),
    orderMeta: new Map(),
    algoMeta: new Map(),
    posIds: new Map(),
    pendingAmends: new Map(),
    requests: [],
    requestLogLimit: options.requestLogLimit ?? 10_000,
  };
  const publisher = new Publisher(state);
  const unsubscribe = engine.onEvents((events) => publisher.onEngineEvents(events));
  const dispatcher = new Dispatcher(state);
  const ws = new WsTransport(state, publisher, dispatcher);
  const http = new HttpTransport(state, dispatcher);
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
    options.onError ?? ((e: unknown) => process.stderr.write(`okx sim: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`));
  const priceStepMs = options.priceStepMs ?? 100;
  const stepTimer =
    priceStepMs > 0
      ? setInterval(() => {
          try {
            engine.step(clock.now());
          } catch (e) {
            onError(e);
          }
        }, priceStepMs)
      : undefined;

  const periodicTimer = setInterval(() => {
    try {
      publisher.tickPeriodic(clock.now());
    } catch (e) {
      onError(e);
    }
  }, 100);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (stepTimer) clearInterval(stepTimer);
      clearInterval(periodicTimer);
      unsubscribe();
      dispatcher.close();
      http.close();
      await ws.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    })();
    return closing;
  };

  const base = `ws://${host}:${port}`;
  return {
    restUrl: `http://${host}:${port}`,
    wsPublicUrl: `${base}/ws/v5/public`,
    wsPrivateUrl: `${base}/ws/v5/private`,
    wsBusinessUrl: `${base}/ws/v5/business`,
    port,
    credentials,
    demo,
    engine,
    faults,
    clock,
    requests: state.requests,
    orderMeta: state.orderMeta,
    algoMeta: state.algoMeta,
    get connections() {
      return state.sessions.size;
    },
    connectionIds: () => [...state.sessions.keys()],
    subscriptionsOf: (id) => [...(state.sessions.get(id)?.subscriptions.keys() ?? [])],
    close,
  };
}
