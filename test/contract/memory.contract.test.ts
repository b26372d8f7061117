/** The shared Venue contract on the in-memory venue (the same suite runs on the Deribit adapter in deribit.contract.test.ts). */
import { dec } from '../../src/domain/decimal.js';
import type { VenueEvent } from '../../src/domain/events.js';
import { MemoryVenue } from '../../src/venues/memory/index.js';
import { silentLogger } from '../orders/harness.js';
import { runVenueContract } from './venue-contract.js';

runVenueContract('in-memory venue on the simulator engine', async () => {
  const venue = new MemoryVenue({ logger: silentLogger });
  const symbol = 'BTC-PERPETUAL';
  const events: VenueEvent[] = [];
  venue.subscribe((e) => events.push(e));
  return {
    venue,
    symbol,
    size: dec(100),
    farBelowPrice: dec(30_000),
    events,
    setPrice: (price) => venue.setMarkPrice(symbol, price),
    currentPrice: () => venue.markPrice(symbol),
    partialFillNext: (fraction) => venue.faults.partialFillNext(1, { fraction }),
    // The session drops; like an adapter, it comes back on a later turn (ready, then resynced).
    dropConnection: () => {
      venue.dropConnection();
      setImmediate(() => venue.reconnect());
    },
    close: () => venue.disconnect(),
  };
});
