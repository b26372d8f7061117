/** The simulated Bybit front-end: public surface. */
export type { BybitCredentials } from './auth.js';
export type { BybitEngineBindingOptions } from './engine-binding.js';
export { BybitEngineBinding } from './engine-binding.js';
export type { BybitEnginePort } from './engine-port.js';
export type { RateLimitSpecs as BybitRateLimitSpecs } from './rate-limit.js';
export { defaultBybitRateLimits } from './rate-limit.js';
export type { BybitSim, BybitSimOptions } from './server.js';
export { BYBIT_IDLE_TIMEOUT_MS, startBybitSim } from './server.js';
