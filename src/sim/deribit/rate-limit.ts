/**
 * Deribit's credit-based rate limits (leaky buckets): each request costs credits from a pool that
 * refills continuously; an empty pool answers 10028 too_many_requests.
 */
import type { SimClock } from '../clock.js';

export type RateClass = 'non_matching_engine' | 'matching_engine' | 'subscribe' | 'get_instruments';

export interface BucketSpec {
  /** Credits one request costs. */
  cost: number;
  /** Pool size (the burst is capacity / cost). */
  capacity: number;
  /** Credits refilled per second (the sustained rate is refillPerSec / cost). */
  refillPerSec: number;
}

export type RateLimitSpecs = Record<RateClass, BucketSpec>;

/** Matching-engine tiers (sustained per second, burst). Tier 4 is the venue's default for small accounts. */
export const MATCHING_ENGINE_TIERS: Record<1 | 2 | 3 | 4, { rate: number; burst: number }> = {
  1: { rate: 30, burst: 100 },
  2: { rate: 20, burst: 50 },
  3: { rate: 10, burst: 30 },
  4: { rate: 5, burst: 20 },
};

/**
 * The simulator's default order-entry tier: tier 4 (≤ USD 1 M 7-day volume, 5/s, burst 20), the
 * tier the daemon's Deribit adapter defaults assume (`rateLimit.matchingEngine*` in its config).
 */
export const DEFAULT_MATCHING_ENGINE_TIER = 4;

/** The pools from the venue docs; the matching-engine pool follows `tier`. */
export function defaultRateLimits(tier: 1 | 2 | 3 | 4): RateLimitSpecs {
  const me = MATCHING_ENGINE_TIERS[tier];
  return {
    non_matching_engine: { cost: 500, capacity: 50_000, refillPerSec: 10_000 },
    get_instruments: { cost: 10_000, capacity: 500_000, refillPerSec: 10_000 },
    subscribe: { cost: 3_000, capacity: 30_000, refillPerSec: 10_000 },
    matching_engine: { cost: 1_000, capacity: me.burst * 1_000, refillPerSec: me.rate * 1_000 },
  };
}

interface Bucket {
  credits: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly specs: RateLimitSpecs | undefined,
    private readonly clock: SimClock,
  ) {}

  /** Spends the credits of one request by `key` (account or connection); false when the pool is short. */
  take(key: string, cls: RateClass): boolean {
    if (!this.specs) return true;
    const spec = this.specs[cls];
    const now = this.clock.now();
    const id = `${key}|${cls}`;
    const bucket = this.buckets.get(id) ?? { credits: spec.capacity, at: now };
    const elapsed = Math.max(0, now - bucket.at) / 1000;
    bucket.credits = Math.min(spec.capacity, bucket.credits + elapsed * spec.refillPerSec);
    bucket.at = now;
    this.buckets.set(id, bucket);
    if (bucket.credits < spec.cost) return false;
    bucket.credits -= spec.cost;
    return true;
  }

  /** The `limits` object of get_account_summary, describing these pools. */
  describe(): Record<string, unknown> {
    const me = this.specs?.matching_engine;
    const nme = this.specs?.non_matching_engine;
    const rate = (b: BucketSpec | undefined): number => (b ? Math.round(b.refillPerSec / b.cost) : 0);
    const burst = (b: BucketSpec | undefined): number => (b ? Math.round(b.capacity / b.cost) : 0);
    return {
      limits_per_currency: false,
      non_matching_engine: { rate: rate(nme), burst: burst(nme) },
      matching_engine: {
        trading: { total: { rate: rate(me), burst: burst(me) } },
        cancel_all: { rate: rate(me), burst: burst(me) },
      },
    };
  }
}
