/**
 * Test helpers that run the built daemon as a child process in a scratch folder (config, env,
 * output, exit).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const DAEMON_ENTRY = join(REPO_ROOT, 'dist', 'src', 'main.js');

/** A scratch working directory with config/default.json holding `config`. */
export function scratchDir(config: Record<string, unknown>, envFile?: string): { dir: string; configDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'daemon-test-'));
  const configDir = join(dir, 'config');
  mkdirSync(configDir);
  writeFileSync(join(configDir, 'default.json'), JSON.stringify(config, null, 2));
  if (envFile !== undefined) writeFileSync(join(dir, '.env'), envFile);
  return { dir, configDir };
}

/** A config that keeps every file inside `dir` and lets the OS pick the health port. */
export function testConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    logging: { level: 'info', file: { enabled: true, dir: 'logs', maxSizeMb: 1, maxFiles: 2 } },
    store: { path: 'data/test.sqlite' },
    health: { host: '127.0.0.1', port: 0 },
    shutdown: { timeoutMs: 3000 },
    ...overrides,
  };
}

export interface RunningProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the first stdout JSON line matching `predicate`, or rejects at the deadline. */
  waitForLine(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
}

export function startProcess(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined>; uid?: number; gid?: number },
): RunningProcess {
  const child = spawn(process.execPath, [...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  });
  let out = '';
  let err = '';
  const lineWaiters: Array<{ predicate: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }> = [];
  const seen: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    out += text;
    partial += text;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const raw of lines) {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        continue;
      }
      seen.push(parsed);
      for (const w of [...lineWaiters]) {
        if (w.predicate(parsed)) {
          lineWaiters.splice(lineWaiters.indexOf(w), 1);
          w.resolve(parsed);
        }
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | string>((resolveExit) => {
    child.on('exit', (code, signal) => resolveExit(code ?? signal ?? -1));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine(predicate, timeoutMs = 10_000) {
      const hit = seen.find(predicate);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolveLine, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`no matching log line within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        lineWaiters.push({
          predicate,
          resolve: (l) => {
            clearTimeout(timer);
            resolveLine(l);
          },
        });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`process exited (${String(code)}) before the log line; stdout:\n${out}\nstderr:\n${err}`));
        });
      });
    },
  };
}

/** Race a promise against a deadline. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]);
}

/** 'running' once the daemon logged "daemon running", or its exit code (or signal) if it exited first. */
export function runsOrExits(p: RunningProcess, timeoutMs = 15_000): Promise<'running' | number | string> {
  return withDeadline(
    Promise.race([
      p
        .waitForLine((l) => l.msg === 'daemon running', timeoutMs)
        .then(
          () => 'running' as const,
          () => p.exited,
        ),
      p.exited,
    ]),
    timeoutMs,
    'the daemon to run or exit',
  );
}

/** SIGKILLs every process in `list` that is still running, and empties the list (for afterEach). */
export function killLeftovers(list: RunningProcess[]): void {
  for (const p of list.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
}
