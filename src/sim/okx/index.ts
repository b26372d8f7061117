/** The simulated OKX front-end: public surface. */
export { startOkxSim } from './server.js';
export type { OkxSim, OkxSimOptions } from './server.js';
export type { OkxCredentials } from './auth.js';
export type { OkxEnginePort } from './engine-port.js';
export { OkxEngineBinding } from './engine-binding.js';
export type { OkxEngineBindingOptions } from './engine-binding.js';
export { defaultOkxRateLimits } from './rate-limit.js';
export type { RateLimitSpecs } from './rate-limit.js';
