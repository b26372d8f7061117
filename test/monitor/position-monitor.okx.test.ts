/** position-monitor scenarios through the real OKX adapter against the simulated OKX, over real sockets (BTC-USDT-SWAP in contracts). */
import { runPositionMonitorScenarios } from '../scenarios/position-monitor.scenarios.js';
import { okxVenueFactory } from '../scenarios/venue-fixture.js';

runPositionMonitorScenarios(okxVenueFactory);
