/** The entry gate: a failed start-up reconciliation keeps entries blocked, without an unhandled rejection. */
import { afterEach, describe, expect, it } from 'vitest';

import { longIntent, newVenue, type Services, startServices } from './harness.js';

let services: Services | undefined;
afterEach(async () => {
  await services?.stop();
  services = undefined;
});

describe('entry gate', () => {
  it('a failed start-up reconciliation keeps entries blocked, without an unhandled rejection', async () => {
    const venue = await newVenue();
    services = await startServices(venue, { startMonitor: false, orders: { entryGateTimeoutMs: 200 } });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      services.orders.holdEntriesUntil(Promise.reject(new Error('venue unreachable during start-up pass')));
      const result = await services.orders.openTrade(longIntent({ venue: venue.id }));
      expect(result).toMatchObject({ status: 'refused', code: 'STARTUP_RECONCILE_PENDING' });
      expect(services.orders.entriesOpen()).toBe(false);
      expect(await venue.openOrders()).toEqual([]);
      // a later successful pass opens the gate
      services.orders.holdEntriesUntil(Promise.resolve());
      const next = await services.orders.openTrade(longIntent({ venue: venue.id }));
      expect(next.status).toBe('accepted');
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
