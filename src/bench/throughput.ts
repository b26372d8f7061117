/** Throughput of the venue adapters' market-data path against a bare ws + JSON.parse floor. (Placeholder until the hot-path work lands.) */
import type { BenchOptions, ThroughputFigure } from './types.js';

export async function runThroughputBench(_options: BenchOptions): Promise<ThroughputFigure[]> {
  return [];
}
