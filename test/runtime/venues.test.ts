/**
 * startVenues: enabled venues only, each watching its own section's symbols, refusing a venue
 * without an adapter.
 */
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';

import { environmentNotes, startVenues, type VenueFactory, type VenueSection } from '../../src/runtime/venues.js';
import { MemoryVenue } from '../../src/venues/memory/index.js';
import { waitFor } from '../support/wait.js';

const silent = pino({ level: 'silent' });

function factoryFor(venue: MemoryVenue): VenueFactory {
  return async () => ({ venue });
}

describe('startVenues', () => {
  it("each venue watches the symbols of its own config section, not another venue's", async () => {
    const deribit = new MemoryVenue({ id: 'deribit' });
    const okx = new MemoryVenue({ id: 'okx' });
    const bybit = new MemoryVenue({ id: 'bybit' });
    const watched = new Map<string, string[]>();
    for (const v of [deribit, okx, bybit]) {
      watched.set(v.id, []);
      vi.spyOn(v, 'watchTicker').mockImplementation(async (symbol: string) => {
        watched.get(v.id)?.push(symbol);
      });
    }
    const sections: Record<string, VenueSection> = {
      deribit: { enabled: true, environment: 'sim', watchSymbols: ['BTC-PERPETUAL', 'ETH-PERPETUAL'] },
      okx: { enabled: true, environment: 'sim', watchSymbols: ['BTC-USDT-SWAP'] },
      // a section without the key watches nothing
      bybit: { enabled: true, environment: 'sim' },
    };
    const running = await startVenues({
      sections,
      factories: { deribit: factoryFor(deribit), okx: factoryFor(okx), bybit: factoryFor(bybit) },
      logger: silent,
      stopping: () => false,
    });
    expect(running.map((r) => r.venue.id)).toEqual(['deribit', 'okx', 'bybit']);
    const total = () => [...watched.values()].reduce((n, list) => n + list.length, 0);
    await waitFor(() => total() >= 3, { message: 'tickers watched' });
    await Promise.all(running.map((r) => r.venue.connect()));
    expect(Object.fromEntries(watched)).toEqual({
      deribit: ['BTC-PERPETUAL', 'ETH-PERPETUAL'],
      okx: ['BTC-USDT-SWAP'],
      bybit: [],
    });
  });

  it('skips disabled venues', async () => {
    const deribit = new MemoryVenue({ id: 'deribit' });
    const running = await startVenues({
      sections: { deribit: { enabled: false, environment: 'sim', watchSymbols: ['BTC-PERPETUAL'] } },
      factories: { deribit: factoryFor(deribit) },
      logger: silent,
      stopping: () => false,
    });
    expect(running).toEqual([]);
    expect(deribit.connectionState()).toBe('idle');
  });

  it('refuses an enabled venue without an adapter before building any venue', async () => {
    let built = 0;
    const deribit: VenueFactory = async () => {
      built += 1;
      return { venue: new MemoryVenue({ id: 'deribit' }) };
    };
    await expect(
      startVenues({
        sections: { deribit: { enabled: true, environment: 'sim' }, okx: { enabled: true, environment: 'sim' } },
        factories: { deribit },
        logger: silent,
        stopping: () => false,
      }),
    ).rejects.toThrow(
      /^cannot start: venues\.okx\.enabled is true but the okx adapter has not landed yet — set venues\.okx\.enabled to false$/,
    );
    expect(built).toBe(0);
  });

  it('a venue whose first connect fails watches its symbols once it is ready', async () => {
    const deribit = new MemoryVenue({ id: 'deribit' });
    const watched: string[] = [];
    vi.spyOn(deribit, 'watchTicker').mockImplementation(async (symbol: string) => {
      watched.push(symbol);
    });
    vi.spyOn(deribit, 'connect').mockRejectedValueOnce(new Error('connection refused'));
    await startVenues({
      sections: { deribit: { enabled: true, environment: 'sim', watchSymbols: ['BTC-PERPETUAL'] } },
      factories: { deribit: factoryFor(deribit) },
      logger: silent,
      stopping: () => false,
    });
    await waitFor(() => vi.mocked(deribit.connect).mock.settledResults.length > 0, { message: 'connect attempted' });
    expect(watched).toEqual([]);
    deribit.reconnect(); // the adapter's background reconnect succeeds
    await waitFor(() => watched.length === 1, { message: 'ticker watched after the reconnect' });
    expect(watched).toEqual(['BTC-PERPETUAL']);
  });
});

describe('environmentNotes', () => {
  const sim = { enabled: true, environment: 'sim' };
  it('says nothing when every venue is simulated and no keys are set', () => {
    expect(environmentNotes({ deribit: sim, okx: sim }, { deribit: {}, okx: {} })).toEqual([]);
  });

  it('keys for one venue switch nothing: a venue left in sim mode is named, with its unused keys', () => {
    const notes = environmentNotes({ deribit: sim, okx: sim }, { deribit: { clientId: 'id', clientSecret: 's' }, okx: {} });
    expect(notes).toEqual([expect.objectContaining({ level: 'warn', venue: 'deribit' })]);
    expect(notes[0]?.message).toMatch(/^deribit: API keys are set but venues.deribit.environment is "sim", so they are not used/);
  });

  it('a simulated venue next to a real one is named, with how to drop it', () => {
    const notes = environmentNotes(
      { deribit: { enabled: true, environment: 'testnet' }, okx: sim, bybit: { enabled: false, environment: 'sim' } },
      { deribit: { clientId: 'id', clientSecret: 's' }, okx: {}, bybit: {} },
    );
    expect(notes.map((n) => n.message)).toEqual([
      'okx runs simulated (sim mode, no real money) next to deribit (testnet); its trades are not real — set venues.okx.enabled to false to drop it',
    ]);
  });
});
