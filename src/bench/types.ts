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

/** A target a figure is held to: `value` must be below (`<`) or at most (`<=`) `limit`. */
export interface FigureTarget {
  readonly op: '<' | '<=' | '>=';
  readonly limit: number;
}

/** One line of the bench report (table row and JSON entry). */
export interface BenchFigure {
  /** Stable key, e.g. `latency.entryToStop.p99.delay20ms`. */
  readonly id: string;
  /** What it is, in words. */
  readonly label: string;
  readonly unit: string;
  /** Undefined when the figure could not be measured (see `note`). */
  readonly value: number | undefined;
  /** Undefined for figures reported without a target. */
  readonly target: FigureTarget | undefined;
  /** The target in words, e.g. `< 5 ms`. */
  readonly targetText: string;
  /** true: target met; false: missed or not measured; null: no target (reported only). */
  readonly pass: boolean | null;
  /** Why it was not measured, or what qualifies the value. */
  readonly note?: string;
  /** Raw numbers behind the figure (samples, sizes). */
  readonly detail?: Readonly<Record<string, unknown>>;
}
