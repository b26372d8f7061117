/**
 * Chaos-run finding (seed 42, long run): a stop request whose answer was lost (it did reach the
 * venue) was sent again under the same client id because the look-up before the retry got no
 * answer either: two stops with one label rested, and after the trade closed the second one fired
 * and cut another trade's position on the same (netted) instrument. When the venue cannot say
 * whether the earlier attempt arrived, the order is not sent again under that id; the next attempt
 * asks again.
 */
import { afterEach, describe, expect, it } from 'vitest';

import type { MemoryVenue } from '../../src/venues/memory/memory-venue.js';
import { longIntent, newVenue, type Services, startServices } from '../orders/harness.js';
import { waitFor } from '../support/wait.js';

describe('a protective order retried after an unknown outcome', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('is never doubled when the look-up before the retry gets no answer', async () => {
    const venue: MemoryVenue = await newVenue();
    cleanups.push(() => venue.disconnect());
    const s: Services = await startServices(venue);
    cleanups.push(() => s.stop());
    const r = await s.orders.openTrade(longIntent());
    if (r.status !== 'accepted') throw new Error(`entry not accepted: ${r.status}`);
    const s1 = s.store.legsOf(r.tradeId).find((l) => l.kind === 'stop_loss');
    expect(s1?.state).toBe('untriggered');
    // The stop goes away on the venue and the daemon places it again; that attempt reaches the
    // venue but its answer is lost, and the look-up before the retry is lost too.
    venue.faults.neverAnswer('submitOrder', { times: 1 });
    venue.faults.neverAnswer('getOrder', { times: 1 });
    venue.engine.cancelWhere({ label: s1!.clientId }, Date.now());
    await waitFor(() => s.store.audit({ tradeId: r.tradeId, limit: 100 }).some((a) => a.action === 'lookup_before_retry'), {
      timeoutMs: 3_000,
      message: 'a retry after the lost answer',
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stops = venue.engine.openOrders({ predicate: (o) => o.label.startsWith(`vd1${r.tradeId}S`) });
    const labels = stops.map((o) => o.label);
    expect(new Set(labels).size).toBe(labels.length); // one order per client id
    expect(stops.length).toBe(1);
  });
});
