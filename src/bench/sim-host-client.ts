/** The bench's side of the simulator process: fork it, start the simulator, turn its knobs. */
import { IpcChild } from './ipc.js';
import type { BybitSimEndpoints, OkxSimEndpoints, SimEndpoints, SimHostStartOptions } from './sim-host-protocol.js';

export const DEFAULT_SIM_OPTIONS: SimHostStartOptions = {
  seed: 9,
  priceStepMs: 0,
  flushIntervalMs: 100,
  rateLimits: false,
  strikesEachSide: 6,
  weeklies: 2,
};

export class SimHost<E = SimEndpoints> {
  private constructor(
    private readonly child: IpcChild,
    readonly endpoints: E,
  ) {}

  /** Forks the simulator process and starts a simulated Deribit in it. */
  static async start(options: Partial<SimHostStartOptions> = {}): Promise<SimHost> {
    return SimHost.fork<SimEndpoints>({ ...DEFAULT_SIM_OPTIONS, ...options, venue: 'deribit' });
  }

  /** Forks the simulator process and starts a simulated OKX in it (`setMark`, `mark` and `setResponseDelay` act on it). */
  static async startOkx(options: Partial<SimHostStartOptions> = {}): Promise<SimHost<OkxSimEndpoints>> {
    return SimHost.fork<OkxSimEndpoints>({ ...DEFAULT_SIM_OPTIONS, ...options, venue: 'okx' });
  }

  /** Forks the simulator process and starts a simulated Bybit in it (`setMark`, `mark` and `setResponseDelay` act on it). */
  static async startBybit(options: Partial<SimHostStartOptions> = {}): Promise<SimHost<BybitSimEndpoints>> {
    return SimHost.fork<BybitSimEndpoints>({ ...DEFAULT_SIM_OPTIONS, ...options, venue: 'bybit' });
  }

  private static async fork<T>(options: SimHostStartOptions): Promise<SimHost<T>> {
    const child = new IpcChild('sim-host.js');
    try {
      const endpoints = await child.call<T>({ op: 'start', options });
      return new SimHost<T>(child, endpoints);
    } catch (err) {
      await child.stop();
      throw err;
    }
  }

  get pid(): number {
    return this.child.pid;
  }

  /** Every response of the simulator goes out `ms` later (0: at once). */
  async setResponseDelay(ms: number): Promise<void> {
    await this.child.call({ op: 'responseDelay', ms });
  }

  async setMark(symbol: string, price: string): Promise<void> {
    await this.child.call({ op: 'setMark', symbol, price });
  }

  async mark(symbol: string): Promise<string> {
    return this.child.call<string>({ op: 'mark', symbol });
  }

  /** Active option instruments, by name. */
  async options(): Promise<string[]> {
    return this.child.call<string[]>({ op: 'options' });
  }

  /** Channels held over every connection (and how many are tickers). */
  async channels(): Promise<{ connections: number; total: number; tickers: number }> {
    return this.child.call({ op: 'channels' });
  }

  /** Stops the simulator and its process. */
  async stop(): Promise<void> {
    await this.child.stop('close');
  }
}
