/**
 * The daemon's trading side built in this process as the composition root builds it (real
 * Deribit, OKX or Bybit adapter, SQLite store on disk, OrderManager, PositionMonitor, risk and kill switch),
 * pointed at the bench's simulator process. Logs go to a file, as the daemon's do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import pino, { type Logger } from 'pino';

import type { Alerter, Venue } from '../domain/ports.js';
import { systemClock } from '../domain/ports.js';
import { PositionMonitor } from '../monitor/position-monitor.js';
import { OrderManager, type TradeEvent } from '../orders/order-manager.js';
import { KillSwitch } from '../risk/kill-switch.js';
import { RiskManager } from '../risk/risk.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { BybitConfigSchema, BybitCredentials, createBybitVenue } from '../venues/bybit/index.js';
import { createDeribitVenue, DeribitConfigSchema, DeribitCredentials } from '../venues/deribit/index.js';
import { createOkxVenue, OkxConfigSchema, OkxCredentials } from '../venues/okx/index.js';
import type { BybitSimEndpoints, OkxSimEndpoints, SimEndpoints } from './sim-host-protocol.js';
import { TimedVenue } from './timed-venue.js';

/** Alerts are enqueued and dropped (the daemon's alerter only writes an outbox row on this path). */
const quietAlerter: Alerter = { send: () => undefined };

/**
 * Deribit's tier-1 matching-engine budget (30/s, burst 100) rather than the adapter's default
 * tier 4 (5/s): the bench sends an entry, a stop, a target and a cancel every few hundred ms and
 * measures the order path, not the client-side throttle.
 */
export const BENCH_RATE_LIMIT = { matchingEngineRatePerSec: 30, matchingEngineBurst: 100 };

export interface Stack {
  readonly venue: TimedVenue;
  readonly store: SqliteStore;
  readonly orders: OrderManager;
  readonly monitor: PositionMonitor;
  readonly logger: Logger;
  /** performance.now() when start() was called and when the monitor's start-up pass finished. */
  readonly startedAt: number;
  readonly readyAt: number;
  /** Resolves with the first trade event (from now on) matching `predicate`. */
  nextTradeEvent(predicate: (e: TradeEvent) => boolean, timeoutMs: number, what: string): Promise<TradeEvent>;
  stop(): Promise<void>;
}

/** The simulator endpoints the stack can trade on. */
export type StackEndpoints = SimEndpoints | OkxSimEndpoints | BybitSimEndpoints;

/** The ticker the stack watches when the caller names none. */
function defaultWatch(endpoints: StackEndpoints): string {
  if (!('venue' in endpoints)) return 'BTC-PERPETUAL';
  return endpoints.venue === 'okx' ? 'BTC-USDT-SWAP' : 'BTCUSDT';
}

/**
 * The adapter on the simulator's endpoints: Deribit with the bench's rate limit, OKX with its
 * defaults (50 orders / 2 s per instrument), Bybit with its defaults (8 orders/s, orders over REST).
 */
function createAdapter(endpoints: StackEndpoints, logger: Logger, venueConfig: Record<string, unknown> | undefined): Venue {
  if ('venue' in endpoints && endpoints.venue === 'bybit') {
    const config = BybitConfigSchema.parse({ enabled: true, environment: 'sim', ...venueConfig });
    return createBybitVenue({
      config,
      logger: logger.child({ component: 'venue', venue: 'bybit' }),
      clock: systemClock,
      credentials: new BybitCredentials(endpoints.apiKey, endpoints.apiSecret),
      endpoints: {
        restUrl: endpoints.restUrl,
        wsPublicLinearUrl: endpoints.wsPublicLinearUrl,
        wsPublicInverseUrl: endpoints.wsPublicInverseUrl,
        wsPrivateUrl: endpoints.wsPrivateUrl,
        wsTradeUrl: endpoints.wsTradeUrl,
      },
    });
  }
  if ('venue' in endpoints) {
    const config = OkxConfigSchema.parse({ enabled: true, environment: 'sim', ...venueConfig });
    return createOkxVenue({
      config,
      logger: logger.child({ component: 'venue', venue: 'okx' }),
      clock: systemClock,
      credentials: new OkxCredentials(endpoints.apiKey, endpoints.secretKey, endpoints.passphrase),
      endpoints: {
        restUrl: endpoints.restUrl,
        wsPublicUrl: endpoints.wsPublicUrl,
        wsPrivateUrl: endpoints.wsPrivateUrl,
        wsBusinessUrl: endpoints.wsBusinessUrl,
      },
    });
  }
  const config = DeribitConfigSchema.parse({ enabled: true, environment: 'sim', rateLimit: BENCH_RATE_LIMIT, ...venueConfig });
  return createDeribitVenue({
    config,
    logger: logger.child({ component: 'venue', venue: 'deribit' }),
    clock: systemClock,
    credentials: new DeribitCredentials(endpoints.clientId, endpoints.clientSecret),
    endpoints: { restUrl: endpoints.restUrl, wsUrl: endpoints.wsUrl },
  });
}

export async function startStack(
  endpoints: StackEndpoints,
  options: { watch?: readonly string[]; venueConfig?: Record<string, unknown> } = {},
): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-stack-'));
  const logger = pino({ level: 'info' }, pino.destination({ dest: join(dir, 'daemon.log'), sync: false, mkdir: true }));
  const startedAt = performance.now();
  const inner = createAdapter(endpoints, logger, options.venueConfig);
  const venue = new TimedVenue(inner);
  const store = new SqliteStore({ path: join(dir, 'daemon.sqlite') });
  const killSwitch = new KillSwitch({ store, alerter: quietAlerter, logger });
  const risk = new RiskManager({
    store,
    killSwitch,
    logger,
    config: { maxOpenTrades: 50, maxLossAtStopUsd: 1_000_000, maxDailyLossUsd: 1_000_000_000 },
  });
  const venues: Venue[] = [venue];
  const orders = new OrderManager({ venues, store, alerter: quietAlerter, logger, guard: risk });
  killSwitch.setFlattener(orders);
  risk.attach(orders);
  const monitor = new PositionMonitor({ orders, venues, store, alerter: quietAlerter, logger, startupRetryDelayMs: 50 });
  orders.start();
  const stopAll = async () => {
    await monitor.stop();
    orders.stop();
    await venue.disconnect();
    store.close();
    logger.flush();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await venue.connect();
    for (const symbol of options.watch ?? [defaultWatch(endpoints)]) await venue.watchTicker(symbol);
    await monitor.start();
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
  const readyAt = performance.now();
  return {
    venue,
    store,
    orders,
    monitor,
    logger,
    startedAt,
    readyAt,
    nextTradeEvent(predicate, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          off();
          reject(new Error(`no ${what} within ${timeoutMs} ms`));
        }, timeoutMs);
        const off = orders.onTradeEvent((e) => {
          if (!predicate(e)) return;
          clearTimeout(timer);
          off();
          resolve(e);
        });
      });
    },
    stop: stopAll,
  };
}
