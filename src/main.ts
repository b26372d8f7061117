/**
 * Composition root: load config, build the logger, open the store, start the venues and the
 * health endpoint, install signal handlers. The only file that picks concrete implementations.
 */
import { resolve } from 'node:path';
import { parseArgs, USAGE } from './cli.js';
import { loadConfig, type LoadedConfig } from './config/load.js';
import { maskSecrets, secretValues } from './config/secrets.js';
import { VENUE_NAMES, type VenueName } from './config/schema.js';
import { ConfigError, DaemonError } from './domain/errors.js';
import { systemClock, type Store } from './domain/ports.js';
import { startDeribitSim } from './sim/deribit/server.js';
import { createDeribitVenue, DeribitCredentials } from './venues/deribit/index.js';
import { LogAlerter } from './alerts/log-alerter.js';
import { PositionMonitor } from './monitor/position-monitor.js';
import { OrderManager } from './orders/order-manager.js';
import { KillSwitch } from './risk/kill-switch.js';
import { RiskManager } from './risk/risk.js';
import { HealthServer, type ComponentHealth } from './runtime/health.js';
import { createRootLogger, type Logger, type RootLogger } from './runtime/logger.js';
import { Shutdown } from './runtime/shutdown.js';
import { startVenues, type VenueFactory } from './runtime/venues.js';
import { SqliteStore } from './store/sqlite-store.js';

const EXIT_CONFIG = 2;
const EXIT_FATAL = 1;

function load(configDir: string | undefined): LoadedConfig {
  try {
    return loadConfig({ configDir });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`config error: ${err.issues.length} problem(s) found, the daemon did not start\n`);
      for (const line of err.issues) process.stderr.write(`  - ${line}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw err;
  }
}

function printEffectiveConfig(loaded: LoadedConfig): void {
  const out = { sources: loaded.sources, config: loaded.config, secrets: maskSecrets(loaded.secrets) };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

function installCrashHandlers(root: RootLogger, logger: Logger): void {
  const die = (kind: string) => (err: unknown) => {
    logger.fatal({ err }, `${kind}: ${(err as Error)?.message ?? String(err)}; exiting with code 1 so the supervisor restarts the daemon`);
    root.flush();
    process.exit(EXIT_FATAL);
  };
  process.on('uncaughtException', die('uncaught exception'));
  process.on('unhandledRejection', die('unhandled promise rejection'));
}

/**
 * The adapter behind each venue name. In `sim` mode the venue's simulator starts in-process on
 * loopback and the real adapter is pointed at it.
 */
function venueFactories(loaded: LoadedConfig): Record<VenueName, VenueFactory | undefined> {
  const { config, secrets } = loaded;
  return {
    deribit: async (_name, log) => {
      const deribitConfig = config.venues.deribit;
      let credentials: DeribitCredentials | undefined;
      let endpoints: { restUrl: string; wsUrl: string } | undefined;
      let stopSim: (() => Promise<void>) | undefined;
      if (deribitConfig.environment === 'sim') {
        const sim = await startDeribitSim({ host: '127.0.0.1', port: 0 });
        credentials = new DeribitCredentials(sim.credentials.clientId, sim.credentials.clientSecret);
        endpoints = { restUrl: sim.restUrl, wsUrl: sim.wsUrl };
        stopSim = () => sim.close();
        log.info({ rest: sim.restUrl, ws: sim.wsUrl }, 'deribit simulator started in-process (sim mode: no real venue, no real money)');
      } else if (secrets.deribit.clientId && secrets.deribit.clientSecret) {
        credentials = new DeribitCredentials(secrets.deribit.clientId, secrets.deribit.clientSecret);
      }
      const venue = createDeribitVenue({ config: deribitConfig, logger: log, clock: systemClock, credentials, endpoints });
      return { venue, stopSim };
    },
    okx: undefined,
    bybit: undefined,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if ('error' in args) {
    process.stderr.write(`${args.error}\n${USAGE}\n`);
    process.exit(EXIT_CONFIG);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const loaded = load(args.configDir);
  if (args.checkConfig) {
    printEffectiveConfig(loaded);
    return;
  }
  const { config, secrets } = loaded;

  const file = config.logging.file;
  const root = createRootLogger({
    level: config.logging.level,
    pretty: config.logging.pretty,
    file: file.enabled
      ? { dir: resolve(file.dir), name: file.name, maxBytes: Math.round(file.maxSizeMb * 1024 * 1024), maxFiles: file.maxFiles }
      : undefined,
    secrets: secretValues(secrets),
    base: { instance: config.instanceName },
  });
  const logger = root.logger;
  installCrashHandlers(root, logger);
  const log = logger.child({ component: 'main' });
  const enabled = VENUE_NAMES.filter((v) => config.venues[v].enabled);
  log.info(
    { sources: loaded.sources, venues: enabled.map((v) => ({ venue: v, environment: config.venues[v].environment })) },
    'daemon starting',
  );

  const shutdown = new Shutdown(logger.child({ component: 'shutdown' }), config.shutdown.timeoutMs);

  let store: Store;
  try {
    store = new SqliteStore({ path: resolve(config.store.path) });
  } catch (err) {
    const message = err instanceof DaemonError ? err.message : String(err);
    log.fatal({ err, path: config.store.path }, `store: ${message}`);
    root.flush();
    process.exit(EXIT_FATAL);
  }
  log.info({ path: config.store.path, schemaVersion: store.schemaVersion() }, 'store opened');

  const alerter = new LogAlerter(logger.child({ component: 'alerts' }));
  const venues = await startVenues({
    sections: config.venues,
    factories: venueFactories(loaded),
    logger,
    stopping: () => shutdown.started,
  });
  const venueList = venues.map((v) => v.venue);
  const killSwitch = new KillSwitch({ store, alerter, logger });
  const risk = new RiskManager({ store, killSwitch, logger, config: config.risk });
  const orders = new OrderManager({ venues: venueList, store, alerter, logger, guard: risk, config: config.orders });
  killSwitch.setFlattener(orders);
  risk.attach(orders);
  const monitor = new PositionMonitor({ orders, venues: venueList, store, alerter, logger, config: config.monitor });
  orders.start();
  // The start-up reconciliation runs before any entry is accepted; it retries until every venue answers.
  void monitor.start().then(
    () => log.info({ killSwitch: killSwitch.isActive(), paused: killSwitch.isPaused() }, 'start-up reconciliation finished; entries accepted'),
    (err: unknown) => log.error({ err }, 'start-up reconciliation failed; entries stay blocked until it succeeds'),
  );


  const probes = (): ComponentHealth[] => [
    ...venues.map((v) => ({
      name: `venue:${v.venue.id}`,
      ok: v.venue.isReady(),
      detail: { environment: v.environment, state: v.venue.connectionState() },
    })),
    {
      name: 'trading',
      ok: true,
      detail: { entriesOpen: orders.entriesOpen(), killSwitch: killSwitch.isActive(), paused: killSwitch.isPaused() },
    },
  ];

  let health: HealthServer | undefined;
  if (config.health.enabled) {
    health = new HealthServer({
      host: config.health.host,
      port: config.health.port,
      maxEventLoopLagMs: config.health.maxEventLoopLagMs,
      probes,
      logger: logger.child({ component: 'health' }),
    });
    try {
      const addr = await health.start();
      log.info({ url: `http://${addr.host}:${addr.port}/healthz` }, 'health endpoint listening');
    } catch (err) {
      log.fatal({ err, host: config.health.host, port: config.health.port }, 'health endpoint could not listen; free the port or change health.port');
      root.flush();
      process.exit(EXIT_FATAL);
    }
  }

  shutdown.add('stop intake: monitor and order manager', async () => {
    await monitor.stop();
    orders.stop();
  });
  shutdown.add('stop health endpoint', () => health?.stop());
  shutdown.add('disconnect venues', async () => {
    await Promise.all(venues.map((v) => v.venue.disconnect()));
  });
  shutdown.add('stop simulators', async () => {
    await Promise.all(venues.map((v) => v.stopSim?.()));
  });
  shutdown.add('close store', () => store.close());

  const onSignal = (signal: NodeJS.Signals) => {
    if (shutdown.started) {
      log.warn({ signal }, 'second signal during shutdown; still finishing the ordered stop');
      return;
    }
    void shutdown.run(signal).then((clean) => {
      root.flush();
      root.close();
      process.exit(clean ? 0 : EXIT_FATAL);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  log.info({ health: config.health.enabled ? `${config.health.host}:${config.health.port}` : 'disabled' }, 'daemon running');
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(EXIT_FATAL);
});
