/**
 * One daemon per data directory, with real child processes: a second daemon on the same store
 * refuses to start and names the first; a SIGKILLed daemon does not block the next start; of two
 * racing starts exactly one wins.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import {
  DAEMON_ENTRY,
  killLeftovers,
  type RunningProcess,
  runsOrExits,
  scratchDir,
  startProcess,
  testConfig,
  withDeadline,
} from '../support/daemon-process.js';

const running: RunningProcess[] = [];

afterEach(() => killLeftovers(running));

function start(dir: string, configDir: string): RunningProcess {
  const p = startProcess([DAEMON_ENTRY, '--config-dir', configDir], { cwd: dir });
  running.push(p);
  return p;
}

async function stop(p: RunningProcess): Promise<void> {
  p.child.kill('SIGTERM');
  expect(await withDeadline(p.exited, 5_000, 'exit after SIGTERM')).toBe(0);
}

const HELD =
  /^cannot start: another daemon \(pid (\d+), running since (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\) holds (.+); stop it first/;

describe('one daemon per data directory', () => {
  it('a second daemon on the same store refuses to start, naming the running one (pid, since when)', async () => {
    const { dir, configDir } = scratchDir(testConfig());
    const first = start(dir, configDir);
    expect(await runsOrExits(first)).toBe('running');

    const second = start(dir, configDir);
    expect(await runsOrExits(second)).toBe(2);
    const lines = second.stderr().split('\n').filter(Boolean);
    expect(lines, second.stderr()).toHaveLength(1);
    const m = HELD.exec(lines[0] ?? '');
    expect(m, lines[0]).not.toBeNull();
    expect(Number(m?.[1])).toBe(first.child.pid);
    expect(Date.now() - Date.parse(m?.[2] ?? '')).toBeLessThan(60_000);
    expect(m?.[3]).toBe(join(dir, 'data', 'test.sqlite'));
    expect(second.stdout()).not.toContain('health endpoint listening');

    // the first one is untouched and stops cleanly, releasing the lock
    expect(first.child.exitCode).toBeNull();
    await stop(first);
    expect(existsSync(join(dir, 'data', 'test.sqlite.lock.json'))).toBe(false);
    const third = start(dir, configDir);
    expect(await runsOrExits(third)).toBe('running');
    await stop(third);
  });

  it('a SIGKILLed daemon does not block the next start', async () => {
    const { dir, configDir } = scratchDir(testConfig());
    const first = start(dir, configDir);
    expect(await runsOrExits(first)).toBe('running');
    first.child.kill('SIGKILL');
    expect(await withDeadline(first.exited, 5_000, 'exit after SIGKILL')).toBe('SIGKILL');

    const next = start(dir, configDir);
    expect(await runsOrExits(next)).toBe('running');
    expect(next.stderr()).toBe('');
    await stop(next);
  });

  it('of two daemons started at the same moment, exactly one runs and the other refuses', async () => {
    const { dir, configDir } = scratchDir(testConfig());
    const a = start(dir, configDir);
    const b = start(dir, configDir);
    const results = await Promise.all([runsOrExits(a), runsOrExits(b)]);
    expect([...results].sort()).toEqual([2, 'running'].sort());
    const loser = results[0] === 2 ? a : b;
    const winner = results[0] === 2 ? b : a;
    expect(loser.stderr()).toMatch(/^cannot start: another daemon \(.*\) holds .*test\.sqlite; stop it first/);
    await stop(winner);
  });
});
