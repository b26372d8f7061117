/** The venue simulator: engine, fault knobs, clock and the Deribit, OKX and Bybit front-ends. */
export type { BybitCredentials, BybitEnginePort, BybitSim, BybitSimOptions } from './bybit/index.js';
export { startBybitSim } from './bybit/index.js';
export { SimClock } from './clock.js';
export type { Credentials, DeribitSim, DeribitSimOptions, ReceivedRequest } from './deribit/index.js';
export { startDeribitSim } from './deribit/index.js';
export type { EngineOptions } from './engine/index.js';
export { SimEngine } from './engine/index.js';
export type { ConnectionTarget, NameMatcher, OrderMatcher, VenueErrorSpec } from './faults.js';
export { SimFaults } from './faults.js';
export type { OkxCredentials, OkxEnginePort, OkxSim, OkxSimOptions } from './okx/index.js';
export { startOkxSim } from './okx/index.js';
