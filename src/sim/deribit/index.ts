/** The simulated Deribit front-end: public surface. */
export type { Credentials } from './auth.js';
export type { ReceivedRequest } from './context.js';
export type { BucketSpec, RateClass, RateLimitSpecs } from './rate-limit.js';
export { defaultRateLimits, MATCHING_ENGINE_TIERS } from './rate-limit.js';
export type { DeribitSim, DeribitSimOptions } from './server.js';
export { startDeribitSim } from './server.js';
