/** The Venue contract suite on the Deribit adapter against the simulated Deribit. */
import { dec } from '../../src/domain/decimal.js';
import { startDeribitHarness } from '../support/deribit-harness.js';
import { runVenueContract } from './venue-contract.js';

runVenueContract('Deribit adapter on the simulated Deribit', async () => {
  const h = await startDeribitHarness({ connect: false });
  const symbol = 'BTC-PERPETUAL';
  return {
    venue: h.venue,
    symbol,
    size: dec(100),
    farBelowPrice: dec(30_000),
    events: h.events,
    setPrice: (price) => h.sim.engine.setMarkPrice(symbol, price, h.sim.clock.now()),
    currentPrice: () => h.sim.engine.markPrice(symbol),
    partialFillNext: (fraction) => h.sim.faults.partialFillNext(1, { fraction }),
    dropConnection: () => void h.sim.faults.dropConnections(),
    close: () => h.close(),
  };
});
