/** Closing a trade (an emergency close too) reads the venue position as a protective request, so a venue with a read budget does not queue it behind routine reads. */
import { afterEach, describe, expect, it } from 'vitest';

import { longIntent, newVenue, type Services, startServices } from './harness.js';

describe('close sizing read', () => {
  let services: Services | undefined;
  afterEach(async () => {
    await services?.stop();
    services = undefined;
  });

  it('asks the venue for positions with protective priority', async () => {
    const venue = await newVenue();
    services = await startServices(venue, { startMonitor: false });
    const opened = await services.orders.openTrade(longIntent());
    if (opened.status !== 'accepted') throw new Error(`entry not accepted: ${opened.status}`);
    const priorities: Array<string | undefined> = [];
    const original = venue.positions.bind(venue);
    venue.positions = (priority?: 'protective' | 'normal') => {
      priorities.push(priority);
      return original();
    };
    const result = await services.orders.closeTrade(opened.tradeId, 'test close');
    expect(result.flat).toBe(true);
    expect(priorities.length).toBeGreaterThan(0);
    expect(priorities.every((p) => p === 'protective')).toBe(true);
  });
});
