/** The bench's side of the simulator process: fork it, start the simulator, turn its knobs. */
import { fork, type ChildProcess } from 'node:child_process';
import { benchModule } from './paths.js';
import type { SimEndpoints, SimHostReply, SimHostRequest, SimHostStartOptions } from './sim-host-protocol.js';

type Request = SimHostRequest extends infer R ? (R extends SimHostRequest ? Omit<R, 'id'> : never) : never;

export const DEFAULT_SIM_OPTIONS: SimHostStartOptions = {
  seed: 9,
  priceStepMs: 0,
  flushIntervalMs: 100,
  rateLimits: false,
  strikesEachSide: 6,
  weeklies: 2,
};

export class SimHost {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly endpoints: SimEndpoints,
  ) {}

  /** Forks the simulator process and starts a simulated Deribit in it. */
  static async start(options: Partial<SimHostStartOptions> = {}): Promise<SimHost> {
    const child = fork(benchModule('sim-host.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] });
    const host = new SimHost(child, undefined as unknown as SimEndpoints);
    child.on('message', (m: SimHostReply) => host.onReply(m));
    child.on('exit', (code, signal) => {
      host.exited = true;
      for (const p of host.pending.values()) p.reject(new Error(`simulator process exited (${signal ?? code})`));
      host.pending.clear();
    });
    const endpoints = (await host.call({ op: 'start', options: { ...DEFAULT_SIM_OPTIONS, ...options } })) as SimEndpoints;
    (host as { endpoints: SimEndpoints }).endpoints = endpoints;
    return host;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call(request: Request, timeoutMs = 30_000): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error('simulator process has exited'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`simulator process did not answer ${request.op} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ ...request, id });
    });
  }

  private onReply(m: SimHostReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new Error(m.error));
  }

  /** Every response of the simulator goes out `ms` later (0: at once). */
  async setResponseDelay(ms: number): Promise<void> {
    await this.call({ op: 'responseDelay', ms });
  }

  async setMark(symbol: string, price: string): Promise<void> {
    await this.call({ op: 'setMark', symbol, price });
  }

  async mark(symbol: string): Promise<string> {
    return (await this.call({ op: 'mark', symbol })) as string;
  }

  /** Active option instruments, by name. */
  async options(): Promise<string[]> {
    return (await this.call({ op: 'options' })) as string[];
  }

  /** Channels held over every connection (and how many are tickers). */
  async channels(): Promise<{ connections: number; total: number; tickers: number }> {
    return (await this.call({ op: 'channels' })) as { connections: number; total: number; tickers: number };
  }

  /** Stops the simulator and its process. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await this.call({ op: 'close' }, 5_000);
    } catch {
      // killing it anyway
    }
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await gone;
    clearTimeout(timer);
  }
}
