/** kill-switch scenarios through the real Bybit adapter against the simulated Bybit, over real sockets (BTCUSDT in BTC). */
import { runKillSwitchScenarios } from '../scenarios/kill-switch.scenarios.js';
import { bybitVenueFactory } from '../scenarios/venue-fixture.js';

runKillSwitchScenarios(bybitVenueFactory);
