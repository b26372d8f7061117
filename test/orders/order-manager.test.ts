/** OrderManager scenarios on the in-memory venue (the same suite runs on Deribit in order-manager.deribit.test.ts). */
import { runOrderManagerScenarios } from '../scenarios/order-manager.scenarios.js';
import { memoryVenueFactory } from '../scenarios/venue-fixture.js';

runOrderManagerScenarios(memoryVenueFactory);
