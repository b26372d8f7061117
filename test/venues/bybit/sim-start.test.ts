/** The Bybit registry entry starts its simulator with the daemon's `sim` settings: the seed and the configured annual volatility of the walk. */
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';

import type { BybitSimOptions } from '../../../src/sim/bybit/server.js';
import { bybitEntry } from '../../../src/venues/bybit/index.js';

const seen = vi.hoisted(() => [] as BybitSimOptions[]);

vi.mock('../../../src/sim/bybit/server.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/sim/bybit/server.js')>();
  return {
    ...actual,
    startBybitSim: (options: BybitSimOptions) => {
      seen.push(options);
      return actual.startBybitSim(options);
    },
  };
});

describe('bybitEntry.startSim', () => {
  it('hands the configured sim.annualVolatility and seed to the simulated Bybit (BTC and ETH walks)', async () => {
    const adapter = bybitEntry.adapter;
    if (!adapter) throw new Error('the Bybit entry has no adapter');
    const sim = await adapter.startSim({ seed: 7, annualVolatility: 1.5 }, pino({ level: 'silent' }));
    try {
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ seed: 7, volatility: { BTC: 1.5, ETH: 1.5 } });
    } finally {
      await sim.close();
    }
  });
});
