/** order-manager scenarios through the real Bybit adapter against the simulated Bybit, over real sockets (BTCUSDT in BTC). */
import { runOrderManagerScenarios } from '../scenarios/order-manager.scenarios.js';
import { bybitVenueFactory } from '../scenarios/venue-fixture.js';

runOrderManagerScenarios(bybitVenueFactory);
