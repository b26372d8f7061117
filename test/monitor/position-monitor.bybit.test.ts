/** position-monitor scenarios through the real Bybit adapter against the simulated Bybit, over real sockets (BTCUSDT in BTC). */
import { runPositionMonitorScenarios } from '../scenarios/position-monitor.scenarios.js';
import { bybitVenueFactory } from '../scenarios/venue-fixture.js';

runPositionMonitorScenarios(bybitVenueFactory);
