/** kill-switch scenarios through the real Bybit adapter against the simulated Bybit, over real sockets: linear BTCUSDT (sized in BTC), then inverse BTCUSD (USD contracts). */
import { runKillSwitchScenarios } from '../scenarios/kill-switch.scenarios.js';
import { bybitInverseVenueFactory, bybitVenueFactory } from '../scenarios/venue-fixture.js';

runKillSwitchScenarios(bybitVenueFactory);
runKillSwitchScenarios(bybitInverseVenueFactory);
