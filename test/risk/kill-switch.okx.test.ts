/** kill-switch scenarios through the real OKX adapter against the simulated OKX, over real sockets (BTC-USDT-SWAP in contracts). */
import { runKillSwitchScenarios } from '../scenarios/kill-switch.scenarios.js';
import { okxVenueFactory } from '../scenarios/venue-fixture.js';

runKillSwitchScenarios(okxVenueFactory);
