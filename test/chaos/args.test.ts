/** The chaos run's command line. */
import { describe, expect, it } from 'vitest';

import { parseChaosArgs } from '../../src/chaos/args.js';

describe('parseChaosArgs', () => {
  it('reads every flag, in both spellings', () => {
    expect(
      parseChaosArgs(['--seed', '7', '--trades=1000', '--restarts', '20', '--venues', 'deribit', '--minutes', '40', '--keep']),
    ).toEqual({
      seed: 7,
      trades: 1000,
      restarts: 20,
      venues: ['deribit'],
      minutes: 40,
      keep: true,
    });
  });

  it('defaults: seed 1, 60 trades, 3 restarts, deribit, minutes from the trades', () => {
    expect(parseChaosArgs([])).toEqual({ seed: 1, trades: 60, restarts: 3, venues: ['deribit'], minutes: 2.5, keep: false });
  });

  it('takes OKX, alone or beside Deribit, in the order given and once each', () => {
    expect(parseChaosArgs(['--venues', 'deribit,okx'])).toMatchObject({ venues: ['deribit', 'okx'] });
    expect(parseChaosArgs(['--venues=okx'])).toMatchObject({ venues: ['okx'] });
    expect(parseChaosArgs(['--venues', 'okx, deribit,okx'])).toMatchObject({ venues: ['okx', 'deribit'] });
  });

  it('takes Bybit, alone or beside the others', () => {
    expect(parseChaosArgs(['--venues', 'deribit,okx,bybit'])).toMatchObject({ venues: ['deribit', 'okx', 'bybit'] });
    expect(parseChaosArgs(['--venues=bybit'])).toMatchObject({ venues: ['bybit'] });
  });

  it('names the bad argument', () => {
    expect(parseChaosArgs(['--trades', 'many'])).toEqual({ error: expect.stringContaining('--trades needs a whole number') });
    expect(parseChaosArgs(['--trades', '0'])).toEqual({ error: expect.stringContaining('--trades must be at least 1') });
    expect(parseChaosArgs(['--minutes', '-1'])).toEqual({ error: expect.stringContaining('--minutes needs a positive number') });
    expect(parseChaosArgs(['--venues', 'binance'])).toEqual({ error: expect.stringContaining('no standalone simulator for binance') });
    expect(parseChaosArgs(['--venues', 'okx,kraken'])).toEqual({ error: expect.stringContaining('available: deribit, okx, bybit') });
    expect(parseChaosArgs(['--venues', ','])).toEqual({ error: expect.stringContaining('empty list') });
    expect(parseChaosArgs(['--restart', '2'])).toEqual({ error: 'unknown argument "--restart"' });
    expect(parseChaosArgs(['--help'])).toEqual({ help: true });
  });
});
