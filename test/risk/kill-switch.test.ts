/** Kill switch and risk-limit scenarios on the in-memory venue (the same suite runs on Deribit in kill-switch.deribit.test.ts). */
import { runKillSwitchScenarios } from '../scenarios/kill-switch.scenarios.js';
import { memoryVenueFactory } from '../scenarios/venue-fixture.js';

runKillSwitchScenarios(memoryVenueFactory);
