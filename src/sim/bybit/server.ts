/**
 * Starts a simulated Bybit (API v5) on loopback: REST under /v5, WebSockets at /v5/public/linear,
 * /v5/public/inverse, /v5/private and /v5/trade, backed by a `BybitEnginePort` (by default the shared
 * neutral engine through `engine-binding.ts`), with fault knobs and a movable clock.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { SimClock } from '../clock.js';
import { SimFaults } from '../faults.js';
import { type BybitCredentials, randomCredentials } from './auth.js';
import type { FrontEndConfig, ReceivedRequest, SimState } from './context.js';
import { Dispatcher } from './dispatch.js';
import { BybitEngineBinding } from './engine-binding.js';
import type { BybitEnginePort } from './engine-port.js';
import { BYBIT_RATE_LIMIT_ERROR } from './errors.js';
import { HttpTransport } from './http-transport.js';
import { Publisher } from './publisher.js';
import { defaultBybitRateLimits, RateLimiter, type RateLimitSpecs } from './rate-limit.js';
import type { WsSession } from './session.js';
import type { OrderMeta } from './wire.js';
import { WsTransport } from './ws-transport.js';

/** Bybit drops a connection that has not pinged for 20 s (operators' reports; DESIGN.md). */
export const BYBIT_IDLE_TIMEOUT_MS = 20_000;

export interface BybitSimOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Listen address. Default 127.0.0.1. */
  host?: string;
  /** Seed of the price random walk. Default 1. */
  seed?: number;
  /** Annual volatility of the price walk per coin. Default: the engine's. */
  volatility?: { BTC?: number; ETH?: number };
  /** API key and secret. Default: random per start (read back from `sim.credentials`). */
  credentials?: Partial<{ apiKey: string; apiSecret: string }>;
  /** Base time source of the simulated clock. Default Date.now. */
  clock?: () => number;
  /** Multiplies venue timers (20 s idle drop); 0.01 → 200 ms. Default 1. */
  timeScale?: number;
  /** Override (ms, before timeScale) or disable (false) the no-ping drop. Default 20000. */
  idleTimeoutMs?: number | false;
  /** Random-walk step period in ms; 0 freezes prices (tests move them with `engine.setMarkPrice`). Default 100. */
  priceStepMs?: number;
  /** false disables rate limiting; specs replace the defaults. */
  rateLimits?: false | RateLimitSpecs;
  /** The engine behind the port. Default: the shared engine on the Bybit catalogue (`BybitEngineBinding`). */
  engine?: BybitEnginePort;
  requestLogLimit?: number;
  onError?: (e: unknown) => void;
}

export interface BybitSim {
  /** http://127.0.0.1:PORT (append /v5/...). */
  readonly restUrl: string;
  readonly wsPublicLinearUrl: string;
  readonly wsPublicInverseUrl: string;
  readonly wsPrivateUrl: string;
  readonly wsTradeUrl: string;
  readonly port: number;
  readonly credentials: Readonly<{ apiKey: string; apiSecret: string }>;
  readonly engine: BybitEnginePort;
  readonly faults: SimFaults;
  readonly clock: SimClock;
  readonly requests: readonly ReceivedRequest[];
  /** orderLinkId, category and TP/SL settings per order id, as the front-end keeps them beside the engine. */
  readonly orderMeta: ReadonlyMap<string, OrderMeta>;
  readonly connections: number;
  connectionIds(): string[];
  /** Topics a connection holds (`tickers.BTCUSDT`, `order`, ...). */
  subscriptionsOf(connectionId: string): string[];
  /**
   * Sets the account's USDT-perpetual position mode as if the operator changed it on the website
   * (even with positions open, which the API refuses): open positions then show as hedge rows
   * (`positionIdx` 1 long, 2 short) and orders with `positionIdx` 0 get 10001.
   */
  setPositionMode(mode: 'one-way' | 'hedge'): void;
  close(): Promise<void>;
}

export async function startBybitSim(options: BybitSimOptions = {}): Promise<BybitSim> {
  const clock = new SimClock(options.clock ?? Date.now);
  const random = randomCredentials();
  const credentials: BybitCredentials = {
    apiKey: options.credentials?.apiKey ?? random.apiKey,
    apiSecret: options.credentials?.apiSecret ?? random.apiSecret,
  };
  const faults = new SimFaults(BYBIT_RATE_LIMIT_ERROR);
  const engine =
    options.engine ??
    new BybitEngineBinding({
      startTime: clock.now(),
      seed: options.seed ?? 1,
      fillHooks: faults,
      ...(options.volatility !== undefined ? { volatility: options.volatility } : {}),
    });
  const config: FrontEndConfig = {
    idleTimeoutMs: options.idleTimeoutMs ?? BYBIT_IDLE_TIMEOUT_MS,
    timeScale: options.timeScale ?? 1,
  };
  const onError =
    options.onError ?? ((e: unknown) => process.stderr.write(`bybit sim: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`));
  const state: SimState = {
    engine,
    clock,
    faults,
    credentials,
    limiter: new RateLimiter(options.rateLimits === false ? undefined : (options.rateLimits ?? defaultBybitRateLimits()), () =>
      clock.now(),
    ),
    config,
    sessions: new Map<string, WsSession>(),
    orderMeta: new Map(),
    linkIds: new Map(),
    positionMode: { hedge: false },
    requests: [],
    requestLogLimit: options.requestLogLimit ?? 10_000,
    onError,
  };
  const dispatcher = new Dispatcher(state);
  const publisher = new Publisher(state, dispatcher);
  const unsubscribe = engine.onEvents((events) => {
    try {
      publisher.onEngineEvents(events);
    } catch (e) {
      onError(e);
    }
  });
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
    wsPublicLinearUrl: `${base}/v5/public/linear`,
    wsPublicInverseUrl: `${base}/v5/public/inverse`,
    wsPrivateUrl: `${base}/v5/private`,
    wsTradeUrl: `${base}/v5/trade`,
    port,
    credentials,
    engine,
    faults,
    clock,
    requests: state.requests,
    orderMeta: state.orderMeta,
    get connections() {
      return state.sessions.size;
    },
    connectionIds: () => [...state.sessions.keys()],
    subscriptionsOf: (id) => [...(state.sessions.get(id)?.subscriptions.keys() ?? [])],
    setPositionMode: (mode) => {
      state.positionMode.hedge = mode === 'hedge';
    },
    close,
  };
}
