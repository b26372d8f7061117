/** order-manager scenarios through the real Bybit adapter against the simulated Bybit, over real sockets: linear BTCUSDT (sized in BTC), then inverse BTCUSD (USD contracts). */
import { runOrderManagerScenarios } from '../scenarios/order-manager.scenarios.js';
import { bybitInverseVenueFactory, bybitVenueFactory } from '../scenarios/venue-fixture.js';

runOrderManagerScenarios(bybitVenueFactory);
runOrderManagerScenarios(bybitInverseVenueFactory);
