/** The venue simulator: engine, fault knobs, clock and the Deribit and OKX front-ends. */
export { SimClock } from './clock.js';
export { SimEngine } from './engine/index.js';
export type { EngineOptions } from './engine/index.js';
export { SimFaults } from './faults.js';
export type { ConnectionTarget, NameMatcher, OrderMatcher, VenueErrorSpec } from './faults.js';
export { startDeribitSim } from './deribit/index.js';
export type { DeribitSim, DeribitSimOptions, Credentials, ReceivedRequest } from './deribit/index.js';
export { startOkxSim } from './okx/index.js';
export type { OkxSim, OkxSimOptions, OkxCredentials, OkxEnginePort } from './okx/index.js';
