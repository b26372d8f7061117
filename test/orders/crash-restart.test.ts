/**
 * A real crash: a child Node process runs the built daemon services (SQLite store, the real
 * Deribit adapter, OrderManager, PositionMonitor, RiskManager, KillSwitch, wired as main.ts does)
 * against a simulated Deribit living in the test process. It opens a trade; the simulator swallows
 * the stop (never executed, never answered); once the entry filled and the stop request is out,
 * the child gets SIGKILL. A second child on the same store file starts the services and at once
 * asks for a new entry: the first trade's position must be protected on the venue before the new
 * entry reaches it.
 */
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { clientIdFor } from '../../src/domain/client-ids.js';
import { type DeribitSim, startDeribitSim } from '../../src/sim/deribit/index.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { REPO_ROOT, type RunningProcess, startProcess, withDeadline } from '../support/daemon-process.js';
import { waitFor } from '../support/wait.js';
import { auditActions, scratchDir } from './harness.js';

const SYMBOL = 'BTC-PERPETUAL';
const dist = (path: string): string => JSON.stringify(join(REPO_ROOT, 'dist', 'src', path));

/**
 * The child: the services wired exactly as test/orders/harness.ts (and main.ts) wire them, on the
 * real Deribit adapter pointed at the simulator. It prints one JSON line per milestone on stdout.
 * MODE=open: connect, start, open a long and report the entry fill (then hang on the stop).
 * MODE=restart: connect, start the monitor and, at once, ask for a second entry; report, shut down.
 */
const CHILD_SCRIPT = `
  const { pino } = await import('pino');
  const { SqliteStore } = await import(${dist('store/sqlite-store.js')});
  const { createDeribitVenue, DeribitConfigSchema, DeribitCredentials } = await import(${dist('venues/deribit/index.js')});
  const { OrderManager } = await import(${dist('orders/order-manager.js')});
  const { PositionMonitor } = await import(${dist('monitor/position-monitor.js')});
  const { KillSwitch } = await import(${dist('risk/kill-switch.js')});
  const { RiskManager } = await import(${dist('risk/risk.js')});
  const env = process.env;
  const out = (line) => process.stdout.write(JSON.stringify(line) + '\\n');
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const venue = createDeribitVenue({
    config: DeribitConfigSchema.parse({
      enabled: true, environment: 'sim', requestTimeoutMs: Number(env.REQUEST_TIMEOUT_MS), loginTimeoutMs: 2000,
      reconnectInitialDelayMs: 20, reconnectMaxDelayMs: 200,
    }),
    logger, clock: { now: () => Date.now() },
    credentials: new DeribitCredentials(env.SIM_CLIENT_ID, env.SIM_CLIENT_SECRET),
    endpoints: { restUrl: env.SIM_REST_URL, wsUrl: env.SIM_WS_URL },
    connectTimeoutMs: 5000,
  });
  const store = new SqliteStore({ path: env.STORE_PATH });
  const alerter = { send: (alert) => out({ msg: 'alert', ...alert }) };
  const killSwitch = new KillSwitch({ store, alerter, logger });
  const risk = new RiskManager({ store, killSwitch, logger, config: { maxOpenTrades: 5 } });
  const orders = new OrderManager({ venues: [venue], store, alerter, logger, guard: risk,
    config: { stopRetryBaseDelayMs: 1, unknownLookupDelayMs: 1, closePollDelayMs: 1, entryGateTimeoutMs: 10000, referencePriceWaitMs: 500 } });
  killSwitch.setFlattener(orders);
  risk.attach(orders);
  const monitor = new PositionMonitor({ orders, venues: [venue], store, alerter, logger, config: { reconcileIntervalMs: 600000 }, startupRetryDelayMs: 20 });
  orders.onTradeEvent((e) => { if (e.type === 'entry_filled') out({ msg: 'entry_filled', tradeId: e.tradeId, filled: e.filledSize.toString() }); });
  orders.start();
  await venue.connect();
  const intent = (stop, target) => ({ venue: 'deribit', symbol: '${SYMBOL}', side: 'buy', size: { unit: 'venue', value: '1000' },
    entry: { type: 'market', referencePrice: '60000' }, stopLossPrice: stop, takeProfitPrice: target, source: 'crash-test' });
  if (env.MODE === 'open') {
    await monitor.start();
    out({ msg: 'started' });
    const result = await orders.openTrade(intent('59000', '61000'));
    out({ msg: 'open_result', status: result.status });
  } else {
    const startup = monitor.start();
    const second = orders.openTrade(intent('59500', '60500'));
    await startup;
    out({ msg: 'startup_done' });
    const result = await second;
    out({ msg: 'second_entry', status: result.status, tradeId: result.tradeId });
    await monitor.stop();
    orders.stop();
    await venue.disconnect();
    store.close();
    out({ msg: 'done' });
    process.exit(0);
  }
`;

describe('crash between the entry fill and the stop (real child process, SIGKILL)', () => {
  let sim: DeribitSim | undefined;
  const children: RunningProcess[] = [];
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await sim?.close();
    sim = undefined;
    for (const c of cleanups.splice(0)) c();
  });

  function spawnChild(s: DeribitSim, mode: 'open' | 'restart', storePath: string, requestTimeoutMs: number): RunningProcess {
    const child = startProcess(['--input-type=module', '-e', CHILD_SCRIPT], {
      cwd: REPO_ROOT,
      env: {
        MODE: mode,
        STORE_PATH: storePath,
        REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
        SIM_REST_URL: s.restUrl,
        SIM_WS_URL: s.wsUrl,
        SIM_CLIENT_ID: s.credentials.clientId,
        SIM_CLIENT_SECRET: s.credentials.clientSecret,
      },
    });
    children.push(child);
    return child;
  }

  it('the restarted daemon places the stop for the open position before its next entry reaches the venue', async () => {
    const dir = scratchDir();
    cleanups.push(dir.cleanup);
    const storePath = join(dir.path, 'daemon.sqlite');
    const s = await startDeribitSim({ heartbeatIntervalScale: 0.01, priceStepMs: 0 });
    sim = s;
    const labelOf = (r: (typeof s.requests)[number]): unknown => r.params['label'];

    // The venue swallows every sell: the long's stop is neither executed nor answered.
    s.faults.neverAnswer('private/sell', { execute: false });
    const first = spawnChild(s, 'open', storePath, 10_000);
    const filled = await first.waitForLine((l) => l.msg === 'entry_filled', 15_000);
    const tradeId = String(filled.tradeId);
    const stop1 = clientIdFor(tradeId, 'stop_loss', 1);
    // The stop request is out (persisted, sent, swallowed): kill the process now.
    await waitFor(() => s.requests.some((r) => r.method === 'private/sell' && labelOf(r) === stop1), {
      timeoutMs: 5_000,
      message: 'stop request reached the venue',
    });
    first.child.kill('SIGKILL');
    expect(await withDeadline(first.exited, 5_000, 'first child exit')).toBe('SIGKILL');
    expect(first.stdout()).not.toContain('open_result');

    // What the crash left: a long of 1000 on the venue without any stop; in the store the trade
    // open and its stop persisted as pending (sent, outcome never known).
    expect(s.engine.position(SYMBOL).size.toString()).toBe('1000');
    expect(s.engine.allOrders({ predicate: (o) => o.reduceOnly })).toHaveLength(0);
    const crashed = new SqliteStore({ path: storePath });
    expect(crashed.getTrade(tradeId)?.state).toBe('open');
    expect(crashed.getLeg(stop1)?.state).toBe('pending');
    crashed.close();

    // Restart with the venue behaving again; the new process asks for an entry straight away.
    s.faults.reset();
    const requestsBefore = s.requests.length;
    const second = spawnChild(s, 'restart', storePath, 2_000);
    const result = await second.waitForLine((l) => l.msg === 'second_entry', 15_000);
    expect(result.status).toBe('accepted');
    const secondTradeId = String(result.tradeId);
    await second.waitForLine((l) => l.msg === 'done', 10_000);
    expect(await withDeadline(second.exited, 5_000, 'second child exit')).toBe(0);

    // On the venue: the first trade's new stop was requested, and placed, before the second entry arrived.
    const after = s.requests.slice(requestsBefore);
    const stop2 = clientIdFor(tradeId, 'stop_loss', 2);
    const secondEntry = clientIdFor(secondTradeId, 'entry');
    const stopReq = after.findIndex((r) => r.method === 'private/sell' && labelOf(r) === stop2);
    const entryReq = after.findIndex((r) => r.method === 'private/buy' && labelOf(r) === secondEntry);
    expect(stopReq).toBeGreaterThanOrEqual(0);
    expect(entryReq).toBeGreaterThan(stopReq);
    expect(after.filter((r) => r.method === 'private/buy')).toHaveLength(1); // the first entry was never sent again
    const onVenue = s.engine.allOrders();
    const stopOrder = onVenue.findIndex((o) => o.label === stop2);
    expect(stopOrder).toBeGreaterThanOrEqual(0);
    expect(onVenue.findIndex((o) => o.label === secondEntry)).toBeGreaterThan(stopOrder);
    expect(onVenue[stopOrder]).toMatchObject({ orderType: 'stop_market', state: 'untriggered', direction: 'sell', reduceOnly: true });
    expect(onVenue[stopOrder]?.amount.toString()).toBe('1000');
    expect(onVenue[stopOrder]?.triggerPrice?.toString()).toBe('59000');
    expect(s.engine.position(SYMBOL).size.toString()).toBe('2000');

    // In the store: the first trade open and protected, its lost stop replaced; the second entry
    // was only created after that stop was placed.
    const store = new SqliteStore({ path: storePath });
    try {
      expect(store.getTrade(tradeId)).toMatchObject({ state: 'open' });
      expect(store.getTrade(tradeId)?.filledSize.toString()).toBe('1000');
      expect(store.getLeg(stop1)?.state).toBe('lost');
      expect(store.getLeg(stop2)).toMatchObject({ state: 'untriggered', kind: 'stop_loss' });
      expect(store.getLeg(stop2)?.size.toString()).toBe('1000');
      expect(store.getLeg(clientIdFor(tradeId, 'take_profit'))?.state).toBe('untriggered');
      const actions = auditActions(store, tradeId);
      expect(actions.indexOf('leg_lost')).toBeLessThan(actions.lastIndexOf('stop_loss_submit'));
      const all = store.audit({ limit: 10_000 }).reverse();
      const stopPlaced = all.findIndex(
        (a) => a.tradeId === tradeId && a.action === 'stop_loss_outcome' && JSON.stringify(a.detail).includes(stop2),
      );
      const secondCreated = all.findIndex((a) => a.tradeId === secondTradeId && a.action === 'trade_created');
      expect(stopPlaced).toBeGreaterThanOrEqual(0);
      expect(secondCreated).toBeGreaterThan(stopPlaced);
      expect(store.getTrade(secondTradeId)?.state).toBe('open');
    } finally {
      store.close();
    }
  });
});
