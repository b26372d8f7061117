/** The simulated OKX front-end: public surface. */
export type { OkxCredentials } from './auth.js';
export type { OkxEngineBindingOptions } from './engine-binding.js';
export { OkxEngineBinding } from './engine-binding.js';
export type { OkxEnginePort } from './engine-port.js';
export type { RateLimitSpecs } from './rate-limit.js';
export { defaultOkxRateLimits } from './rate-limit.js';
export type { OkxSim, OkxSimOptions } from './server.js';
export { startOkxSim } from './server.js';
