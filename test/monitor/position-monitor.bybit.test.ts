/** position-monitor scenarios through the real Bybit adapter against the simulated Bybit, over real sockets: linear BTCUSDT (sized in BTC), then inverse BTCUSD (USD contracts). */
import { runPositionMonitorScenarios } from '../scenarios/position-monitor.scenarios.js';
import { bybitInverseVenueFactory, bybitVenueFactory } from '../scenarios/venue-fixture.js';

runPositionMonitorScenarios(bybitVenueFactory);
runPositionMonitorScenarios(bybitInverseVenueFactory);
