/** The Venue contract suite on the Bybit adapter against the simulated Bybit (BTCUSDT, linear, sized in BTC). */
import { dec } from '../../src/domain/decimal.js';
import { startBybitHarness } from '../support/bybit-harness.js';
import { runVenueContract } from './venue-contract.js';

runVenueContract('Bybit adapter on the simulated Bybit', async () => {
  const h = await startBybitHarness({ connect: false });
  const symbol = 'BTCUSDT';
  return {
    venue: h.venue,
    symbol,
    size: dec('0.01'),
    farBelowPrice: dec(30_000),
    events: h.events,
    setPrice: (price) => h.sim.engine.setMarkPrice(symbol, price, h.sim.clock.now()),
    currentPrice: () => h.sim.engine.ticker(symbol, h.sim.clock.now()).mark,
    partialFillNext: (fraction) => h.sim.faults.partialFillNext(1, { fraction }),
    dropConnection: () => void h.sim.faults.dropConnections(),
    close: () => h.close(),
  };
});
