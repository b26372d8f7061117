/** order-manager scenarios through the real Bybit adapter against the simulated Bybit, over real sockets (BTCUSDT linear, sized in BTC). */
import { runOrderManagerScenarios } from '../scenarios/order-manager.scenarios.js';
import { bybitVenueFactory } from '../scenarios/venue-fixture.js';

runOrderManagerScenarios(bybitVenueFactory);
