/**
 * Composition root: load config, build the logger, open the store, start the venues and the
 * health endpoint, install signal handlers. The only file that picks concrete implementations.
 */
import { resolve } from 'node:path';
import { parseArgs, USAGE } from './cli.js';
import { loadConfig, type LoadedConfig } from './config/load.js';
import { maskSecrets, secretValues } from './config/secrets.js';
import { VENUE_NAMES } from './config/schema.js';
import { ConfigError, DaemonError } from './domain/errors.js';
import type { Store } from './domain/ports.js';
import { HealthServer, type ComponentHealth } from './runtime/health.js';
import { createRootLogger, type Logger, type RootLogger } from './runtime/logger.js';
import { Shutdown } from './runtime/shutdown.js';
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

  // Venues are started in later issues; every enabled venue reports into /healthz.
  const probes = (): ComponentHealth[] => [];

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

  shutdown.add('stop health endpoint', () => health?.stop());
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
