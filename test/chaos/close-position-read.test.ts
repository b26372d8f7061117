/**
 * Chaos-run finding (seed 1): an emergency close gave up at the first failed position read (a
 * 429 from the venue) — "NOT confirmed flat", the trade back to open with no working stop — and
 * the position waited for the next reconciliation pass (30 s by default) unprotected. A transient
 * error on that read is now asked again, like the close order itself.
 */
import { afterEach, describe, expect, it } from 'vitest';

import type { MemoryVenue } from '../../src/venues/memory/memory-venue.js';
import { longIntent, newVenue, type Services, startServices, SYMBOL } from '../orders/harness.js';

describe('an emergency close whose position read is rate-limited once', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('still closes the position flat and books the trade closed', async () => {
    const venue: MemoryVenue = await newVenue();
    cleanups.push(() => venue.disconnect());
    const s: Services = await startServices(venue);
    cleanups.push(() => s.stop());
    // Every stop refused: after its 3 attempts the position is closed at market.
    venue.faults.rejectNextOrders(3, { type: 'stop_market' }, { code: 10009, message: 'not_enough_funds' });
    const realPositions = venue.positions.bind(venue);
    let failures = 1;
    venue.positions = async () => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('GET /api/v2/private/get_positions: HTTP 429 rate limited');
      }
      return realPositions();
    };
    const r = await s.orders.openTrade(longIntent());
    if (r.status !== 'accepted') throw new Error(`entry not accepted: ${r.status}`);
    expect(venue.positionSize(SYMBOL).toString()).toBe('0');
    expect(s.store.getTrade(r.tradeId)?.state).toBe('closed');
    expect(
      s.alerter
        .critical()
        .map((a) => a.text)
        .filter((t) => /NOT confirmed flat/.test(t)),
    ).toEqual([]);
    expect(failures).toBe(0);
  });
});
