/** A forked bench process answering `{ id, op, ... }` requests over its IPC channel with `{ id, ok, result | error }`. */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { benchModule } from './paths.js';

type Reply = { readonly id: number } & ({ readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: string });

export class IpcChild {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exitInfo: string | undefined;
  private readonly child: ChildProcess;

  /** Forks the compiled bench module `module` (e.g. `sim-host.js`). */
  constructor(module: string) {
    // BENCH_CPU_PROF_DIR=<dir>: the bench's child processes write V8 CPU profiles there (evidence for a missed target)
    const profDir = process.env.BENCH_CPU_PROF_DIR;
    const execArgv = profDir
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${profDir}`,
          `--cpu-prof-name=${module.replace(/\.js$/, '')}-${process.pid}-${Date.now()}.cpuprofile`,
        ]
      : [];
    this.child = fork(benchModule(module), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv });
    this.child.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
    this.child.on('exit', (code, signal) => {
      this.exitInfo = `${module} exited (${signal ?? `code ${code}`})`;
      for (const p of this.pending.values()) p.reject(new Error(this.exitInfo));
      this.pending.clear();
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  call<T = unknown>(request: { readonly op: string } & Record<string, unknown>, timeoutMs = 30_000): Promise<T> {
    if (this.exitInfo) return Promise.reject(new Error(this.exitInfo));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${request.op} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ ...request, id });
    });
  }

  /** RSS in MB from /proc/<pid>/status (VmRSS); undefined without procfs. */
  rssMb(): number | undefined {
    return procRssMb(this.pid);
  }

  /** Asks it to `stopOp` (if given), closes the channel, SIGKILL after 5 s. */
  async stop(stopOp?: string): Promise<void> {
    if (this.exitInfo !== undefined) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (stopOp) await this.call({ op: stopOp }, 8_000).catch(() => undefined);
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  }
}

/** VmRSS of a process in MB, from /proc; undefined when it cannot be read. */
export function procRssMb(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}
