/** The Venue contract suite on the OKX adapter against the simulated OKX (sizes in contracts of 0.01 BTC). */
import { dec } from '../../src/domain/decimal.js';
import { startOkxHarness } from '../support/okx-harness.js';
import { runVenueContract } from './venue-contract.js';

runVenueContract('OKX adapter on the simulated OKX', async () => {
  const h = await startOkxHarness({ connect: false });
  const symbol = 'BTC-USDT-SWAP';
  return {
    venue: h.venue,
    symbol,
    size: dec(1),
    farBelowPrice: dec(30_000),
    events: h.events,
    setPrice: (price) => h.sim.engine.setMarkPrice(symbol, price, h.sim.clock.now()),
    currentPrice: () => h.sim.engine.ticker(symbol, h.sim.clock.now()).mark,
    partialFillNext: (fraction) => h.sim.faults.partialFillNext(1, { fraction }),
    dropConnection: () => void h.sim.faults.dropConnections(),
    close: () => h.close(),
  };
});
