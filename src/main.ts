/**
 * Composition root: load config, build the logger, open the store, start the venues and the
 * health endpoint, install signal handlers. The only file that picks concrete implementations.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { parseArgs, USAGE } from './cli.js';
import { loadConfig, type LoadedConfig } from './config/load.js';
import { maskSecrets, secretValues } from './config/secrets.js';
import { ConfigError, DaemonError } from './domain/errors.js';
import { type Store, systemClock } from './domain/ports.js';
import { PositionMonitor } from './monitor/position-monitor.js';
import { OrderManager } from './orders/order-manager.js';
import { KillSwitch } from './risk/kill-switch.js';
import { RiskManager } from './risk/risk.js';
import { type ComponentHealth, describeListenError, HealthServer } from './runtime/health.js';
import { createRootLogger, type Logger, type RootLogger } from './runtime/logger.js';
import { checkDir, checkWritableFile } from './runtime/paths.js';
import { reconciliationProbe, venueProbe } from './runtime/probes.js';
import { Shutdown } from './runtime/shutdown.js';
import { statusLine } from './runtime/status-line.js';
import { environmentNotes, registryFactories, type RunningVenue, startVenues } from './runtime/venues.js';
import { acquireInstanceLock, type InstanceLock } from './store/instance-lock.js';
import { checkStorePath, SqliteStore } from './store/sqlite-store.js';
import { buildStrategies } from './strategies/registry.js';
import { StrategyRunner } from './strategies/runner.js';
import { createTelegram } from './telegram/index.js';
import { VENUE_ENTRIES, VENUE_NAMES } from './venues/registry.js';
import { WebhookServer } from './webhook/server.js';

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
  // `--check-config | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => process.exit(err.code === 'EPIPE' ? 0 : EXIT_FATAL));
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
 * Start-up before the daemon is up: what to undo if a later step refuses, and the refusal itself
 * (one line on stderr, also in the log once there is one, then exit code 2).
 */
class Startup {
  root: RootLogger | undefined;
  private readonly undo: Array<() => unknown> = [];

  /** Registers a step to undo on refusal (run in reverse order). */
  onRefusal(step: () => unknown): void {
    this.undo.unshift(step);
  }

  /** `err`: the line itself, a DaemonError (its message is the line), or anything else. */
  async refuse(err: unknown): Promise<never> {
    const line =
      typeof err === 'string' ? err : err instanceof DaemonError ? err.message : `cannot start: ${(err as Error)?.message ?? String(err)}`;
    process.stderr.write(`${line}\n`);
    this.root?.logger.fatal({ component: 'main' }, line);
    return this.exit(EXIT_CONFIG);
  }

  /** Not expected (a bug): one line on stderr; the error with its stack goes to the log, if there is one yet. */
  async crash(err: unknown): Promise<never> {
    const message = (err as Error)?.message ?? String(err);
    process.stderr.write(
      `fatal: ${message} — unexpected error during start-up; exiting with code 1${this.root ? ' (details in the log)' : ''}\n`,
    );
    this.root?.logger.fatal({ component: 'main', err }, `unexpected error during start-up: ${message}`);
    return this.exit(EXIT_FATAL);
  }

  private async exit(code: number): Promise<never> {
    for (const step of this.undo) {
      try {
        await step();
      } catch {
        // exiting anyway
      }
    }
    this.root?.flush();
    process.exit(code);
  }
}

const LOG_DIR_FIX = 'set logging.file.dir to a folder on a local disk, such as logs (or logging.file.enabled to false)';

const startup = new Startup();

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
  const storePath = resolve(config.store.path);
  const file = config.logging.file;
  const logDir = resolve(file.dir);

  // 1. Pre-flight: every path checked before anything is created or started.
  try {
    if (file.enabled) {
      checkDir(logDir, 'logging.file.dir', LOG_DIR_FIX);
      checkWritableFile(
        join(logDir, file.name),
        'logging.file.name',
        `set logging.file.name to another file name, or ${LOG_DIR_FIX}`,
        'a log file',
      );
    }
    checkStorePath(storePath);
  } catch (err) {
    await startup.refuse(err);
  }

  // 2. One daemon per data directory: taken before the log file, the port or the database.
  let lock: InstanceLock;
  try {
    mkdirSync(dirname(storePath), { recursive: true });
    lock = acquireInstanceLock(storePath);
  } catch (err) {
    return startup.refuse(err);
  }
  startup.onRefusal(() => lock.release());

  // 3. Logging.
  let root: RootLogger;
  try {
    root = createRootLogger({
      level: config.logging.level,
      pretty: config.logging.pretty,
      file: file.enabled
        ? { dir: logDir, name: file.name, maxBytes: Math.round(file.maxSizeMb * 1024 * 1024), maxFiles: file.maxFiles }
        : undefined,
      secrets: secretValues(secrets),
      base: { instance: config.instanceName },
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message;
    return startup.refuse(`cannot start: the log file ${join(logDir, file.name)} cannot be opened (${code}) — ${LOG_DIR_FIX}`);
  }
  startup.root = root;
  const logger = root.logger;
  installCrashHandlers(root, logger);
  const log = logger.child({ component: 'main' });
  const enabled = VENUE_NAMES.filter((v) => config.venues[v].enabled);
  log.info(
    {
      sources: loaded.sources,
      venues: enabled.map((v) => ({ venue: v, environment: config.venues[v].environment })),
      lock: lock.path,
    },
    'daemon starting',
  );
  for (const note of environmentNotes(config.venues, secrets)) log[note.level]({ venue: note.venue }, note.message);

  const shutdown = new Shutdown(logger.child({ component: 'shutdown' }), config.shutdown.timeoutMs);

  // 4. The health port is bound before the simulator or any venue starts; until the parts
  //    exist it answers 503 "starting".
  let probes = (): ComponentHealth[] => [{ name: 'startup', ok: false, detail: { state: 'starting' } }];
  let health: HealthServer | undefined;
  if (config.health.enabled) {
    const server = new HealthServer({
      host: config.health.host,
      port: config.health.port,
      maxEventLoopLagMs: config.health.maxEventLoopLagMs,
      probes: () => probes(),
      logger: logger.child({ component: 'health' }),
    });
    try {
      const addr = await server.start();
      log.info({ url: `http://${addr.host}:${addr.port}/healthz` }, 'health endpoint listening');
    } catch (err) {
      await server.stop();
      return startup.refuse(describeListenError(err, config.health.host, config.health.port));
    }
    startup.onRefusal(() => server.stop());
    health = server;
  }

  // 5. The store.
  let store: Store;
  try {
    store = new SqliteStore({ path: storePath });
  } catch (err) {
    return startup.refuse(err);
  }
  startup.onRefusal(() => store.close());
  log.info({ path: config.store.path, schemaVersion: store.schemaVersion() }, 'store opened');

  // 6. Venues and the trading services.
  const telegram = createTelegram({ config: config.telegram, botToken: secrets.telegram.botToken, store, logger });
  const alerter = telegram.alerter;
  let venues: RunningVenue[];
  try {
    venues = await startVenues({
      sections: config.venues,
      factories: registryFactories({ entries: VENUE_ENTRIES, sections: config.venues, secrets, sim: config.sim, clock: systemClock }),
      logger,
      stopping: () => shutdown.started,
    });
  } catch (err) {
    return startup.refuse(err);
  }
  startup.onRefusal(async () => {
    await Promise.all(venues.map((v) => v.venue.disconnect()));
    await Promise.all(venues.map((v) => v.stopSim?.()));
  });
  const venueList = venues.map((v) => v.venue);
  const killSwitch = new KillSwitch({ store, alerter, logger });
  const risk = new RiskManager({ store, killSwitch, logger, config: config.risk });
  const orders = new OrderManager({ venues: venueList, store, alerter, logger, guard: risk, config: config.orders });
  killSwitch.setFlattener(orders);
  risk.attach(orders);
  const monitor = new PositionMonitor({ orders, venues: venueList, store, alerter, logger, config: config.monitor });
  orders.start();
  telegram.start({ trading: orders, killSwitch, venues: venueList });
  startup.onRefusal(() => telegram.stop());

  // Entry sources: every one goes through openTrade (entries wait for the start-up reconciliation).
  let webhook: WebhookServer | undefined;
  if (config.webhook.enabled && secrets.webhook.secret !== undefined) {
    const server = new WebhookServer({
      host: config.webhook.host,
      port: config.webhook.port,
      secret: secrets.webhook.secret,
      opener: orders,
      store,
      logger: logger.child({ component: 'webhook' }),
    });
    try {
      const addr = await server.start();
      log.info(
        { url: `http://${addr.host}:${addr.port}/signal` },
        'webhook listening for entry signals (put TLS in front of it before exposing it)',
      );
    } catch (err) {
      await server.stop();
      return startup.refuse(describeListenError(err, config.webhook.host, config.webhook.port, 'webhook'));
    }
    webhook = server;
  }
  const environments = new Map(venues.map((v) => [v.venue.id, v.environment]));
  const strategies = new StrategyRunner({
    strategies: buildStrategies(config.strategies, (venue) => environments.get(venue), logger.child({ component: 'strategies' })),
    venues: venueList,
    orders,
    store,
    logger: logger.child({ component: 'strategies' }),
  });
  strategies.start();
  const reconcileStartedAtMs = systemClock.now();
  // The start-up reconciliation runs before any entry is accepted; it retries until every venue answers.
  void monitor.start().then(
    () =>
      log.info({ killSwitch: killSwitch.isActive(), paused: killSwitch.isPaused() }, 'start-up reconciliation finished; entries accepted'),
    (err: unknown) => log.error({ err }, 'start-up reconciliation failed; entries stay blocked until it succeeds'),
  );

  probes = (): ComponentHealth[] => [
    ...venues.map((v) => venueProbe(v.venue, v.environment)),
    reconciliationProbe(monitor.reconciliationStatus(), {
      nowMs: systemClock.now(),
      startedAtMs: reconcileStartedAtMs,
      startupGraceMs: config.health.startupGraceMs,
      maxReconcileFailureMs: config.health.maxReconcileFailureMs,
      reconcileIntervalMs: config.monitor.reconcileIntervalMs,
    }),
    {
      name: 'trading',
      ok: true,
      detail: {
        entriesOpen: orders.entriesOpen(),
        killSwitch: killSwitch.isActive(),
        paused: killSwitch.isPaused(),
        strategies: strategies.names(),
      },
    },
    // Telegram and the webhook are reported, not required: trading stays protected without them.
    { name: 'telegram', ok: true, detail: telegram.status() },
    { name: 'webhook', ok: true, detail: { enabled: config.webhook.enabled, listening: webhook?.isListening() ?? false } },
  ];

  let statusTimer: NodeJS.Timeout | undefined;
  if (config.logging.statusIntervalSecs > 0) {
    const statusLog = logger.child({ component: 'status' });
    statusTimer = setInterval(() => {
      const line = statusLine({
        venues: venues.map((v) => ({ id: v.venue.id, state: v.venue.connectionState(), ready: v.venue.isReady() })),
        openTrades: orders.activeTrades().length,
        reconciliation: monitor.reconciliationStatus(),
        telegram: telegram.status(),
        killSwitch: killSwitch.isActive(),
        paused: killSwitch.isPaused(),
        nowMs: systemClock.now(),
      });
      statusLog.info(line.fields, line.message);
    }, config.logging.statusIntervalSecs * 1000);
    statusTimer.unref();
  }

  shutdown.add('stop intake: entry sources, monitor and order manager', async () => {
    if (statusTimer) clearInterval(statusTimer);
    strategies.stop();
    await webhook?.stop();
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
  shutdown.add('flush alerts and stop telegram', () => telegram.stop());
  shutdown.add('close store', () => store.close());
  shutdown.add('release the data-directory lock', () => lock.release());

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

main().catch((err: unknown) => startup.crash(err));
