/** Kill switch and risk-limit scenarios through the real Deribit adapter against the simulated Deribit, over real sockets. */
import { runKillSwitchScenarios } from '../scenarios/kill-switch.scenarios.js';
import { deribitVenueFactory } from '../scenarios/venue-fixture.js';

runKillSwitchScenarios(deribitVenueFactory);
