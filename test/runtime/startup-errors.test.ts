/**
 * Start-up refusals: every bad path or port ends in one readable line on stderr (what, where,
 * the fix), exit code 2, and nothing started: no health port listening, no simulator, no database.
 * Each case spawns the real daemon from dist/.
 */
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import {
  DAEMON_ENTRY,
  killLeftovers,
  type RunningProcess,
  scratchDir,
  startProcess,
  testConfig,
  withDeadline,
} from '../support/daemon-process.js';

const running: RunningProcess[] = [];
const servers: Server[] = [];

afterEach(async () => {
  killLeftovers(running);
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** As root, permission bits do not apply: the unwritable cases run the daemon as `nobody` instead. */
const AS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

interface Refusal {
  readonly code: number | string;
  readonly stderr: string;
  readonly stdout: string;
}

async function refuse(dir: string, configDir: string, options: { asNobody?: boolean } = {}): Promise<Refusal> {
  const p = startProcess([DAEMON_ENTRY, '--config-dir', configDir], {
    cwd: dir,
    ...(options.asNobody && AS_ROOT ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  running.push(p);
  const code = await withDeadline(p.exited, 10_000, 'the daemon to exit');
  return { code, stderr: p.stderr(), stdout: p.stdout() };
}

/** One line on stderr, no stack trace, no JSON, exit code 2, nothing listening or started. */
function expectOneLineRefusal(r: Refusal, pattern: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^cannot start: (?!cannot start)/);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  expect(r.stderr).not.toMatch(/^\s*\{/);
  expect(r.stdout).not.toContain('health endpoint listening');
  expect(r.stdout).not.toContain('simulator started');
  expect(r.stdout).not.toContain('daemon running');
}

describe('start-up refuses bad paths with one line and exit code 2', () => {
  it('store.path under /proc: refused at once (no recursive mkdir on procfs)', async () => {
    const { dir, configDir } = scratchDir(testConfig({ store: { path: '/proc/venue-daemon-test/data/daemon.sqlite' } }));
    const r = await refuse(dir, configDir);
    expectOneLineRefusal(r, /store\.path .*\/proc\/venue-daemon-test\/data\/daemon\.sqlite.* pseudo-filesystem.*set store\.path/);
  });

  it('logging.file.dir under /proc: refused at once', async () => {
    const { dir, configDir } = scratchDir(testConfig({ logging: { file: { enabled: true, dir: '/proc/venue-daemon-test/logs' } } }));
    const r = await refuse(dir, configDir);
    expectOneLineRefusal(r, /logging\.file\.dir .*\/proc\/venue-daemon-test\/logs.* pseudo-filesystem.*set logging\.file\.dir/);
    expect(existsSync(join(dir, 'data', 'test.sqlite'))).toBe(false);
  });

  it('logging.file.dir under /sys and store.path under /dev: refused as well', async () => {
    const a = scratchDir(testConfig({ logging: { file: { enabled: true, dir: '/sys/venue-daemon-test' } } }));
    expectOneLineRefusal(await refuse(a.dir, a.configDir), /logging\.file\.dir .*\/sys\/venue-daemon-test.* pseudo-filesystem/);
    const b = scratchDir(testConfig({ store: { path: '/dev/shm-venue-daemon-test/daemon.sqlite' } }));
    expectOneLineRefusal(await refuse(b.dir, b.configDir), /store\.path .*\/dev\/shm-venue-daemon-test.* pseudo-filesystem/);
  });

  it('store folder that is a symlink into /proc: refused by its real path', async () => {
    const { dir, configDir } = scratchDir(testConfig());
    symlinkSync('/proc/self', join(dir, 'data'));
    const r = await refuse(dir, configDir);
    expectOneLineRefusal(r, /store\.path .*data\/test\.sqlite.* is on (procfs|\/proc), a kernel pseudo-filesystem.*set store\.path/);
  });

  it('logs folder below a regular file', async () => {
    const { dir, configDir } = scratchDir(testConfig({ logging: { file: { enabled: true, dir: 'logs/daemon' } } }));
    writeFileSync(join(dir, 'logs'), 'a file, not a folder');
    const r = await refuse(dir, configDir);
    expectOneLineRefusal(r, /logging\.file\.dir .*logs\/daemon.*\/logs is a file, not a folder.* — /);
    expect(existsSync(join(dir, 'data', 'test.sqlite'))).toBe(false);
  });

  it('logs folder not writable by the daemon user', async () => {
    const { dir, configDir } = scratchDir(testConfig());
    mkdirSync(join(dir, 'logs'));
    chmodSync(join(dir, 'logs'), 0o555);
    chmodSync(dir, 0o777);
    const r = await refuse(dir, configDir, { asNobody: true });
    expectOneLineRefusal(r, /logging\.file\.dir .*\/logs.* not writable by this user .*chown|chmod/);
    expect(existsSync(join(dir, 'data', 'test.sqlite'))).toBe(false);
  });

  it('store.path that is a folder', async () => {
    const { dir, configDir } = scratchDir(testConfig());
    mkdirSync(join(dir, 'data', 'test.sqlite'), { recursive: true });
    const r = await refuse(dir, configDir);
    expectOneLineRefusal(r, /store\.path .*data\/test\.sqlite.* is a folder, not a database file .*set store\.path/);
  });

  it('store.path below a regular file', async () => {
    const { dir, configDir } = scratchDir(testConfig());
    writeFileSync(join(dir, 'data'), 'not a folder');
    const r = await refuse(dir, configDir);
    expectOneLineRefusal(r, /store\.path .*data\/test\.sqlite.*\/data is a file, not a folder/);
  });

  it('store folder not writable by the daemon user', async () => {
    const { dir, configDir } = scratchDir(testConfig());
    mkdirSync(join(dir, 'data'));
    mkdirSync(join(dir, 'logs'));
    chmodSync(join(dir, 'logs'), 0o777);
    chmodSync(join(dir, 'data'), 0o555);
    chmodSync(dir, 0o755);
    const r = await refuse(dir, configDir, { asNobody: true });
    expectOneLineRefusal(r, /store\.path .*\/data.* not writable by this user/);
    expect(existsSync(join(dir, 'data', 'test.sqlite'))).toBe(false);
  });

  it('a lock file beside the store that the daemon user cannot write (left by a run as another user)', async () => {
    const { dir, configDir } = scratchDir(testConfig());
    for (const d of ['data', 'logs']) {
      mkdirSync(join(dir, d));
      chmodSync(join(dir, d), 0o777);
    }
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'data', 'test.sqlite.lock'), '');
    chmodSync(join(dir, 'data', 'test.sqlite.lock'), 0o444);
    const r = await refuse(dir, configDir, { asNobody: true });
    expectOneLineRefusal(r, /store\.path ".*data\/test\.sqlite": .*data\/test\.sqlite\.lock is not writable by this user .*chown\/chmod/);
    expect(existsSync(join(dir, 'data', 'test.sqlite'))).toBe(false);
  });

  it('store file that is not a SQLite database', async () => {
    const { dir, configDir } = scratchDir(testConfig());
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'test.sqlite'), 'this is a text file, not a database\n'.repeat(200));
    const r = await refuse(dir, configDir);
    expectOneLineRefusal(r, /store\.path .*data\/test\.sqlite.* is not a SQLite database/);
  });
});

describe('start-up refuses a health endpoint it cannot serve, before anything starts', () => {
  it('health.port already in use: refused before the simulator starts or the database is created', async () => {
    const blocker = createServer();
    servers.push(blocker);
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const { dir, configDir } = scratchDir(
      testConfig({ health: { host: '127.0.0.1', port }, venues: { deribit: { enabled: true, environment: 'sim' } } }),
    );
    const r = await refuse(dir, configDir);
    expectOneLineRefusal(r, new RegExp(`health\\.port ${port} on 127\\.0\\.0\\.1 is already in use.* set health\\.port`));
    expect(existsSync(join(dir, 'data', 'test.sqlite'))).toBe(false);
  });

  it('health.host that is not an address of this machine', async () => {
    const { dir, configDir } = scratchDir(
      testConfig({ health: { host: '192.0.2.1', port: 0 }, venues: { deribit: { enabled: true, environment: 'sim' } } }),
    );
    const r = await refuse(dir, configDir);
    expectOneLineRefusal(r, /health\.host "192\.0\.2\.1" .*not an address of this machine.* set health\.host/);
    expect(existsSync(join(dir, 'data', 'test.sqlite'))).toBe(false);
  });
});
