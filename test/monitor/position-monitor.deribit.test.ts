/** PositionMonitor scenarios through the real Deribit adapter against the simulated Deribit, over real sockets. */
import { runPositionMonitorScenarios } from '../scenarios/position-monitor.scenarios.js';
import { deribitVenueFactory } from '../scenarios/venue-fixture.js';

runPositionMonitorScenarios(deribitVenueFactory);
