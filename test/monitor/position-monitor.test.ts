/** PositionMonitor scenarios on the in-memory venue (the same suite runs on Deribit in position-monitor.deribit.test.ts). */
import { runPositionMonitorScenarios } from '../scenarios/position-monitor.scenarios.js';
import { memoryVenueFactory } from '../scenarios/venue-fixture.js';

runPositionMonitorScenarios(memoryVenueFactory);
