/** The simulated Deribit front-end: public surface. */
export { startDeribitSim } from './server.js';
export type { DeribitSim, DeribitSimOptions } from './server.js';
export type { Credentials } from './auth.js';
export type { ReceivedRequest } from './context.js';
export { defaultRateLimits, MATCHING_ENGINE_TIERS } from './rate-limit.js';
export type { RateLimitSpecs, BucketSpec, RateClass } from './rate-limit.js';
