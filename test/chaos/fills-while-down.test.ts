/**
 * Chaos-run finding (seed 2): a take-profit that filled while the daemon was down was booked
 * (the leg filled, the trade closed with its P&L) by the restarted daemon's look-up, but its fill
 * never reached the store's fills: the venue's ledger held a fill of ours the store did not.
 * A leg whose fill the daemon learns from a look-up now has its fills read from the venue and booked.
 */
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { MemoryVenue } from '../../src/venues/memory/memory-venue.js';
import { longIntent, newVenue, scratchDir, type Services, startServices, SYMBOL } from '../orders/harness.js';
import { waitFor } from '../support/wait.js';

describe('an exit that fills while the daemon is down', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('is booked after the restart with its fill records, not only its leg state', async () => {
    const venue: MemoryVenue = await newVenue();
    cleanups.push(() => venue.disconnect());
    const dir = scratchDir();
    cleanups.push(dir.cleanup);
    const storePath = join(dir.path, 'daemon.sqlite');

    const first = await startServices(venue, { storePath });
    const r = await first.orders.openTrade(longIntent());
    if (r.status !== 'accepted') throw new Error(`entry not accepted: ${r.status}`);
    await waitFor(() => first.store.legsOf(r.tradeId).filter((l) => l.kind !== 'entry' && l.state === 'untriggered').length === 2, {
      timeoutMs: 3_000,
      message: 'stop and target resting',
    });
    await first.stop(); // the daemon is gone

    venue.setMarkPrice(SYMBOL, 61_500); // the target fires while nobody listens
    expect(venue.positionSize(SYMBOL).toString()).toBe('0');

    const second: Services = await startServices(venue, { storePath });
    cleanups.push(() => second.stop());
    await waitFor(() => second.store.getTrade(r.tradeId)?.state === 'closed', { timeoutMs: 3_000, message: 'trade booked closed' });
    const ours = (await venue.fillsSince(0, SYMBOL)).filter((f) => f.clientId?.includes(r.tradeId));
    expect(ours.length).toBeGreaterThanOrEqual(2); // the entry's and the target's
    const booked = new Set(second.store.fillsOf(r.tradeId).map((f) => f.venueTradeId));
    expect(ours.filter((f) => !booked.has(f.tradeId)).map((f) => f.clientId)).toEqual([]);
  });
});
