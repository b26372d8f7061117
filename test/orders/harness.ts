/** Test harness: a SQLite store, a recording alerter and the order/monitor/risk services wired as main.ts would, on any Venue. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pino from 'pino';

import type { OrderSnapshot } from '../../src/domain/order.js';
import type { Alerter, Venue } from '../../src/domain/ports.js';
import type { AlertSeverity } from '../../src/domain/trade.js';
import type { MonitorConfigInput } from '../../src/monitor/config.js';
import { PositionMonitor } from '../../src/monitor/position-monitor.js';
import type { OrdersConfigInput } from '../../src/orders/config.js';
import { OrderManager } from '../../src/orders/order-manager.js';
import type { TradeIntent } from '../../src/orders/validation.js';
import type { RiskConfigInput } from '../../src/risk/config.js';
import { KillSwitch } from '../../src/risk/kill-switch.js';
import { RiskManager } from '../../src/risk/risk.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { MemoryVenue } from '../../src/venues/memory/index.js';

export const SYMBOL = 'BTC-PERPETUAL';
export const silentLogger = pino({ level: 'silent' });

/** An Alerter that records what it got. */
export class RecordingAlerter implements Alerter {
  readonly alerts: { severity: AlertSeverity; kind: string; text: string }[] = [];
  send(alert: { readonly severity: AlertSeverity; readonly kind: string; readonly text: string }): void {
    this.alerts.push({ ...alert });
  }
  critical(): { severity: AlertSeverity; kind: string; text: string }[] {
    return this.alerts.filter((a) => a.severity === 'critical');
  }
}

/** Fast retries for tests: no real waiting between attempts. */
export const FAST_ORDERS: OrdersConfigInput = {
  stopRetryBaseDelayMs: 1,
  unknownLookupDelayMs: 1,
  closePollDelayMs: 1,
  entryGateTimeoutMs: 3_000,
  referencePriceWaitMs: 500,
};

export interface Services {
  readonly store: SqliteStore;
  readonly alerter: RecordingAlerter;
  readonly orders: OrderManager;
  readonly monitor: PositionMonitor;
  readonly killSwitch: KillSwitch;
  readonly risk: RiskManager;
  /** Stops the services and closes the store (not the venue). */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  readonly storePath?: string;
  readonly orders?: OrdersConfigInput;
  readonly monitor?: MonitorConfigInput;
  readonly risk?: RiskConfigInput;
  /** Start the monitor (start-up pass, periodic pass). Default true. */
  readonly startMonitor?: boolean;
}

/** Builds the services on `venue` the way the composition root does, and starts them. */
export async function startServices(venue: Venue, options: ServiceOptions = {}): Promise<Services> {
  const store = new SqliteStore({ path: options.storePath ?? ':memory:' });
  const alerter = new RecordingAlerter();
  const killSwitch = new KillSwitch({ store, alerter, logger: silentLogger });
  const risk = new RiskManager({ store, killSwitch, logger: silentLogger, config: { maxOpenTrades: 5, ...options.risk } });
  const orders = new OrderManager({
    venues: [venue],
    store,
    alerter,
    logger: silentLogger,
    guard: risk,
    config: { ...FAST_ORDERS, ...options.orders },
  });
  killSwitch.setFlattener(orders);
  risk.attach(orders);
  const monitor = new PositionMonitor({
    orders,
    venues: [venue],
    store,
    alerter,
    logger: silentLogger,
    config: { reconcileIntervalMs: 600_000, ...options.monitor },
    startupRetryDelayMs: 20,
  });
  orders.start();
  if (options.startMonitor ?? true) await monitor.start();
  return {
    store,
    alerter,
    orders,
    monitor,
    killSwitch,
    risk,
    async stop() {
      await monitor.stop();
      orders.stop();
      store.close();
    },
  };
}

/** A connected MemoryVenue on a fresh engine (BTC index 60 000). */
export async function newVenue(): Promise<MemoryVenue> {
  const venue = new MemoryVenue({ logger: silentLogger });
  await venue.connect();
  return venue;
}

/** A long 1 000 USD BTC-PERPETUAL at market, stop 59 000, target 61 000 (on the `memory` venue unless `overrides.venue`). */
export function longIntent(overrides: Partial<TradeIntent> = {}): TradeIntent {
  return {
    venue: 'memory',
    symbol: SYMBOL,
    side: 'buy',
    size: { unit: 'venue', value: '1000' },
    entry: { type: 'market', referencePrice: '60000' },
    stopLossPrice: '59000',
    takeProfitPrice: '61000',
    source: 'test',
    ...overrides,
  };
}

/** A scratch directory for on-disk stores; `cleanup()` removes it. */
export function scratchDir(): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), 'orders-test-'));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Audit actions of a trade, oldest first. */
export function auditActions(store: SqliteStore, tradeId: string): string[] {
  return store
    .audit({ tradeId, limit: 10_000 })
    .reverse()
    .map((a) => a.action);
}

/** Our open orders on the venue, by leg kind letter in the client id. */
export async function ourOpenOrders(venue: Venue): Promise<OrderSnapshot[]> {
  return (await venue.openOrders()).filter((o) => o.clientId?.startsWith('vd1'));
}
