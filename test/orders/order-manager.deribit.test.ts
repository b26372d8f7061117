/** OrderManager scenarios through the real Deribit adapter against the simulated Deribit, over real sockets. */
import { runOrderManagerScenarios } from '../scenarios/order-manager.scenarios.js';
import { deribitVenueFactory } from '../scenarios/venue-fixture.js';

runOrderManagerScenarios(deribitVenueFactory);
