/**
 * The config loader (defaults, one line per problem, secrets from .env) and `npm start -- --check-
 * config`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/domain/errors.js';
import { DAEMON_ENTRY, scratchDir, startProcess, testConfig } from '../support/daemon-process.js';

function problems(config: Record<string, unknown>, env: Record<string, string> = {}): string[] {
  const { dir, configDir } = scratchDir(config);
  try {
    loadConfig({ configDir, envFile: join(dir, '.env'), env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).issues];
  }
  throw new Error('expected a ConfigError');
}

describe('config loader', () => {
  it('accepts an empty file and fills every default', () => {
    const { dir, configDir } = scratchDir({});
    const { config, secrets } = loadConfig({ configDir, envFile: join(dir, '.env'), env: {} });
    expect(config.health).toEqual({
      enabled: true,
      host: '127.0.0.1',
      port: 8080,
      maxEventLoopLagMs: 2000,
      startupGraceMs: 60_000,
      maxReconcileFailureMs: 120_000,
    });
    expect(config.venues.deribit.environment).toBe('sim');
    expect(config.venues.okx.liveOptIn).toBe(false);
    expect(secrets.deribit.clientSecret).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.venues.deribit)).toBe(true);
  });

  it('names an unknown key and says to remove it', () => {
    const lines = problems({ venues: { deribit: { heartbeatIntervalSec: 30 } } });
    expect(lines).toEqual([expect.stringMatching(/^venues\.deribit\.heartbeatIntervalSec: unknown key — remove it/)]);
  });

  it('names a value of the wrong type with what was given and the fix', () => {
    const lines = problems({ health: { port: 'eighty' } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^health\.port: .*\(got "eighty"\) — set it to a number/);
  });

  it('names a bad enum value and lists the valid ones', () => {
    const lines = problems({ venues: { bybit: { environment: 'prod' } } });
    expect(lines[0]).toMatch(/^venues\.bybit\.environment: .*\(got "prod"\) — use one of "sim", "testnet", "demo", "live"/);
  });

  it('names an out-of-range number with the bound', () => {
    const lines = problems({ venues: { deribit: { heartbeatIntervalSecs: 5 } } });
    expect(lines[0]).toMatch(/^venues\.deribit\.heartbeatIntervalSecs: .*\(got 5\) — use a value of at least 10/);
  });

  it('refuses live trading without the explicit opt-in', () => {
    // deribit shows the rule with credentials set; okx shows it without being enabled
    const lines = problems(
      { venues: { deribit: { enabled: true, environment: 'live' } } },
      { DERIBIT_CLIENT_ID: 'k', DERIBIT_CLIENT_SECRET: 's' },
    );
    expect(lines).toEqual([expect.stringMatching(/^venues\.deribit\.liveOptIn: .*set venues\.deribit\.liveOptIn to true/)]);
    const okx = problems({ venues: { okx: { environment: 'live' } } });
    expect(okx).toEqual([expect.stringMatching(/^venues\.okx\.liveOptIn: .*set venues\.okx\.liveOptIn to true/)]);
  });

  it('accepts enabling a venue whose adapter has landed (okx, bybit) in sim mode', () => {
    for (const venue of ['okx', 'bybit'] as const) {
      const { dir, configDir } = scratchDir({ venues: { [venue]: { enabled: true } } });
      expect(loadConfig({ configDir, envFile: join(dir, '.env'), env: {} }).config.venues[venue].enabled).toBe(true);
    }
  });

  it('asks for credentials when a venue leaves sim mode', () => {
    const lines = problems({ venues: { deribit: { enabled: true, environment: 'testnet' } } });
    expect(lines).toEqual([
      expect.stringMatching(/^venues\.deribit: .*DERIBIT_CLIENT_ID, DERIBIT_CLIENT_SECRET are not set — put the API credentials in \.env/),
    ]);
  });

  it('reports every problem at once, one line each', () => {
    const lines = problems({ health: { port: -1 }, logging: { level: 'loud' }, extra: 1 });
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.startsWith('health.port:'))).toBe(true);
    expect(lines.some((l) => l.startsWith('logging.level:'))).toBe(true);
    expect(lines.some((l) => l.startsWith('extra: unknown key'))).toBe(true);
  });

  it('names the file and the syntax problem for invalid JSON', () => {
    const { dir, configDir } = scratchDir({});
    writeFileSync(join(configDir, 'default.json'), '{ "health": { "port": 80, } }');
    expect(() => loadConfig({ configDir, envFile: join(dir, '.env'), env: {} })).toThrow(
      /default\.json: is not valid JSON .* fix the syntax/,
    );
  });

  it('merges local.json over default.json and lets LOG_LEVEL win', () => {
    const { dir, configDir } = scratchDir({ health: { port: 9000, host: '127.0.0.1' }, logging: { level: 'info' } });
    writeFileSync(join(configDir, 'local.json'), JSON.stringify({ health: { port: 9100 } }));
    const { config, sources } = loadConfig({ configDir, envFile: join(dir, '.env'), env: { LOG_LEVEL: 'debug' } });
    expect(config.health.port).toBe(9100);
    expect(config.health.host).toBe('127.0.0.1');
    expect(config.logging.level).toBe('debug');
    expect(sources).toHaveLength(2);
  });

  it('reads secrets from .env without letting .env override the real environment', () => {
    const { dir, configDir } = scratchDir({}, 'DERIBIT_CLIENT_ID=from-file\nDERIBIT_CLIENT_SECRET=file-secret\n');
    const { secrets } = loadConfig({ configDir, envFile: join(dir, '.env'), env: { DERIBIT_CLIENT_ID: 'from-env' } });
    expect(secrets.deribit).toEqual({ clientId: 'from-env', clientSecret: 'file-secret' });
  });

  it('explains a .env that Docker created as a directory', () => {
    const { dir, configDir } = scratchDir({});
    mkdirSync(join(dir, '.env'));
    expect(() => loadConfig({ configDir, envFile: join(dir, '.env'), env: {} })).toThrow(/\.env: .*EISDIR/);
  });
});

describe('npm start -- --check-config', () => {
  it('prints the effective config with every secret masked and exits 0', async () => {
    const secret = 'S3cr3t-deribit-value-9f8e7d';
    const token = '123456:telegram-token-abcdef';
    const { dir, configDir } = scratchDir(testConfig({ venues: { deribit: { enabled: true, environment: 'testnet' } } }));
    const p = startProcess([DAEMON_ENTRY, '--check-config', '--config-dir', configDir], {
      cwd: dir,
      env: { DERIBIT_CLIENT_ID: 'my-client-id-1234', DERIBIT_CLIENT_SECRET: secret, TELEGRAM_BOT_TOKEN: token },
    });
    expect(await p.exited).toBe(0);
    const printed = JSON.parse(p.stdout()) as {
      config: { venues: { deribit: { environment: string } } };
      secrets: { deribit: { clientId: string; clientSecret: string }; okx: { apiKey: string | null } };
    };
    expect(printed.config.venues.deribit.environment).toBe('testnet');
    expect(printed.secrets.deribit).toEqual({ clientId: '********', clientSecret: '********' });
    expect(printed.secrets.okx.apiKey).toBeNull();
    const all = p.stdout() + p.stderr();
    expect(all).not.toContain(secret);
    expect(all).not.toContain(token);
    expect(all).not.toContain('my-client-id-1234');
  });

  it('exits non-zero naming the bad key, without a stack trace', async () => {
    const { dir, configDir } = scratchDir(testConfig({ venues: { deribit: { environment: 'mainnet' } } }));
    const p = startProcess([DAEMON_ENTRY, '--check-config', '--config-dir', configDir], { cwd: dir });
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(/config error: 1 problem\(s\) found/);
    expect(p.stderr()).toMatch(/venues\.deribit\.environment: .*"mainnet"/);
    expect(p.stderr()).not.toMatch(/\bat .*\.js:\d+/);
  });
});
