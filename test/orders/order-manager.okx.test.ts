/** order-manager scenarios through the real OKX adapter against the simulated OKX, over real sockets (BTC-USDT-SWAP in contracts). */
import { runOrderManagerScenarios } from '../scenarios/order-manager.scenarios.js';
import { okxVenueFactory } from '../scenarios/venue-fixture.js';

runOrderManagerScenarios(okxVenueFactory);
