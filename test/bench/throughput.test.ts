/** Smoke test of the throughput bench: it runs and reports its figures. */
import { describe, expect, it } from 'vitest';

import { runThroughputBench } from '../../src/bench/throughput.js';

describe('throughput bench (smoke)', () => {
  it('a quick run reports positive figures for the Deribit, OKX and Bybit streams', async () => {
    const figures = await runThroughputBench({ quick: true });
    expect(figures.map((f) => `${f.venue}/${f.stream}`)).toEqual([
      'deribit/perpetual',
      'deribit/options-500',
      'okx/swap',
      'okx/swaps-200',
      'bybit/linear',
      'bybit/linear-200',
    ]);
    for (const f of figures) {
      // Speed is not asserted: the box is shared. Only that every figure is a real positive number.
      for (const value of [f.adapterMsgsPerSec, f.floorMsgsPerSec, f.ratio]) {
        expect(Number.isFinite(value)).toBe(true);
        expect(value).toBeGreaterThan(0);
      }
      expect(f.ratio).toBeCloseTo(f.adapterMsgsPerSec / f.floorMsgsPerSec, 1);
    }
  }, 120_000);
});
