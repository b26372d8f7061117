/** Figures the benchmark reports (`npm run bench`), shared by its parts. */

/** Throughput of one venue stream: the adapter against a bare `ws` + `JSON.parse` client on the same frames, same run. */
export interface ThroughputFigure {
  readonly venue: string;
  /** e.g. `perpetual`, `options-500`. */
  readonly stream: string;
  readonly adapterMsgsPerSec: number;
  readonly floorMsgsPerSec: number;
  /** adapterMsgsPerSec / floorMsgsPerSec. */
  readonly ratio: number;
}

export interface BenchOptions {
  /** CI-sized run: fewer messages, shorter windows. */
  readonly quick: boolean;
}
