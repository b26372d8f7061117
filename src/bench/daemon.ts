/**
 * The real daemon (dist/src/main.js) in a process of its own, pointed at the bench's simulator
 * process through a scratch config (Deribit with the simulator's URLs and keys, no strategy):
 * time from start to ready, and its RSS, read from /proc/<pid>/status.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import { procRssMb } from './ipc.js';
import { DAEMON_ENTRY } from './paths.js';
import type { SimEndpoints } from './sim-host-protocol.js';

type LogLine = Record<string, unknown> & { msg?: string };

export class DaemonProcess {
  private readonly lines: LogLine[] = [];
  private readonly waiters: { predicate: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  private exitInfo: string | undefined;
  private stderr = '';

  private constructor(
    readonly child: ChildProcess,
    private readonly dir: string,
    /** performance.now() just before the process was spawned. */
    readonly spawnedAt: number,
  ) {
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const raw of parts) {
        let line: LogLine;
        try {
          line = JSON.parse(raw) as LogLine;
        } catch {
          continue;
        }
        if (this.lines.length < 5_000) this.lines.push(line);
        for (const w of [...this.waiters]) {
          if (w.predicate(line)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(line);
          }
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2_000);
    });
    child.on('exit', (code, signal) => {
      this.exitInfo = `daemon exited (${signal ?? `code ${code}`})${this.stderr ? `: ${this.stderr.trim().split('\n').pop()}` : ''}`;
    });
  }

  /** Writes a scratch config for `endpoints` watching `watchSymbols`, and starts the daemon. */
  static start(endpoints: SimEndpoints, watchSymbols: readonly string[]): DaemonProcess {
    const dir = mkdtempSync(join(tmpdir(), 'bench-daemon-'));
    mkdirSync(join(dir, 'config'));
    const config = {
      logging: { level: 'info', statusIntervalSecs: 0, file: { enabled: true, dir: 'logs', maxSizeMb: 5, maxFiles: 2 } },
      store: { path: 'data/bench.sqlite' },
      health: { host: '127.0.0.1', port: 0 },
      shutdown: { timeoutMs: 5_000 },
      strategies: { enabled: [] },
      venues: {
        deribit: {
          enabled: true,
          // not `sim`: that would start a simulator inside the daemon; this one is in its own process
          environment: 'testnet',
          restUrl: endpoints.restUrl,
          wsUrl: endpoints.wsUrl,
          watchSymbols: [...watchSymbols],
        },
      },
    };
    writeFileSync(join(dir, 'config', 'default.json'), JSON.stringify(config, null, 2));
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, [DAEMON_ENTRY], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        DERIBIT_CLIENT_ID: endpoints.clientId,
        DERIBIT_CLIENT_SECRET: endpoints.clientSecret,
        ENV_FILE: join(dir, '.env'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new DaemonProcess(child, dir, spawnedAt);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Resolves with the first log line (past or future) matching `predicate`. */
  waitForLine(predicate: (l: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine> {
    const seen = this.lines.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { predicate, resolve: (l: LogLine) => (clearTimeout(timer), clearInterval(poll), resolve(l)) };
      const fail = (why: string) => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        clearInterval(poll);
        reject(new Error(why));
      };
      const timer = setTimeout(() => fail(`${what}: not within ${timeoutMs} ms${this.exitInfo ? ` (${this.exitInfo})` : ''}`), timeoutMs);
      const poll = setInterval(() => {
        if (this.exitInfo) {
          clearTimeout(timer);
          fail(`${what}: ${this.exitInfo}`);
        }
      }, 50);
      this.waiters.push(waiter);
    });
  }

  /** Waits for the start-up reconciliation (venue connected, logged in, reconciled); returns seconds since spawn. */
  async ready(timeoutMs = 20_000): Promise<number> {
    await this.waitForLine((l) => l.msg === 'start-up reconciliation finished; entries accepted', timeoutMs, 'daemon ready');
    return (performance.now() - this.spawnedAt) / 1000;
  }

  /** RSS in MB from /proc/<pid>/status (VmRSS). */
  rssMb(): number {
    const mb = procRssMb(this.pid);
    if (mb === undefined) throw new Error(`cannot read /proc/${this.pid}/status (no procfs here)`);
    return mb;
  }

  /** SIGTERM (ordered stop), SIGKILL after 8 s; removes the scratch directory. */
  async stop(): Promise<void> {
    if (this.exitInfo === undefined && this.child.exitCode === null) {
      const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 8_000);
      await gone;
      clearTimeout(timer);
    }
    await sleep(10);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
