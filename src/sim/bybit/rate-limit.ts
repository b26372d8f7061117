/**
 * Bybit per-UID rate limits (bybit.md §9): a rolling 1 s window per endpoint (linear and inverse
 * share one bucket). Over the limit answers `10006`; every limited reply carries `X-Bapi-Limit`,
 * `X-Bapi-Limit-Status` and `X-Bapi-Limit-Reset-Timestamp` (the trade WS in its `header`).
 */
export type LimitName =
  'create' | 'amend' | 'cancel' | 'cancelAll' | 'tradingStop' | 'readOrders' | 'readExecutions' | 'positions' | 'wallet';

export interface WindowSpec {
  readonly limit: number;
  readonly windowMs: number;
}

export type RateLimitSpecs = Record<LimitName, WindowSpec>;

const perSecond = (limit: number): WindowSpec => ({ limit, windowMs: 1000 });

/** Non-VIP defaults for linear + inverse (bybit.md §9's table). */
export function defaultBybitRateLimits(): RateLimitSpecs {
  return {
    create: perSecond(10),
    amend: perSecond(10),
    cancel: perSecond(10),
    cancelAll: perSecond(10),
    tradingStop: perSecond(10),
    readOrders: perSecond(50),
    readExecutions: perSecond(50),
    positions: perSecond(50),
    wallet: perSecond(50),
  };
}

/** What a take tells the caller: allowed or not, and the header values. */
export interface LimitStatus {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  readonly resetAt: number;
}

/** Sliding-window counters per limit name. */
export class RateLimiter {
  private readonly hits = new Map<LimitName, number[]>();

  constructor(
    private readonly specs: RateLimitSpecs | undefined,
    private readonly now: () => number,
  ) {}

  /** Takes one unit; undefined when rate limiting is off. */
  take(name: LimitName): LimitStatus | undefined {
    if (!this.specs) return undefined;
    const spec = this.specs[name];
    const t = this.now();
    const list = (this.hits.get(name) ?? []).filter((at) => at > t - spec.windowMs);
    this.hits.set(name, list);
    if (list.length >= spec.limit) {
      return { allowed: false, limit: spec.limit, remaining: 0, resetAt: (list[0] ?? t) + spec.windowMs };
    }
    list.push(t);
    // Not limited: the reset timestamp is simply "now" (bybit.md §9).
    return { allowed: true, limit: spec.limit, remaining: spec.limit - list.length, resetAt: t };
  }
}

/** The three headers of a limited reply. */
export function limitHeaders(s: LimitStatus): Record<string, string> {
  return {
    'X-Bapi-Limit': String(s.limit),
    'X-Bapi-Limit-Status': String(s.remaining),
    'X-Bapi-Limit-Reset-Timestamp': String(s.resetAt),
  };
}
