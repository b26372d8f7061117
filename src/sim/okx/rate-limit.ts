/**
 * OKX rate limits (okx.md §9): sliding windows per axis — per UID+instId for order entry (place 60,
 * amend 60, cancel 60, batch 300 orders, algo 20, close-position 20 per 2 s), per UID for reads, per
 * IP for public data. Exceeding one answers `50011`.
 */
export type LimitName =
  | 'order'
  | 'batchOrders'
  | 'cancel'
  | 'batchCancel'
  | 'amend'
  | 'algo'
  | 'cancelAlgo'
  | 'closePosition'
  | 'cancelAllAfter'
  | 'readOrders'
  | 'readOrder'
  | 'readAlgos'
  | 'readFills'
  | 'positions'
  | 'balance'
  | 'config'
  | 'instruments'
  | 'time';

export interface WindowSpec {
  readonly limit: number;
  readonly windowMs: number;
}

export type RateLimitSpecs = Record<LimitName, WindowSpec>;

const per2s = (limit: number): WindowSpec => ({ limit, windowMs: 2000 });

export function defaultOkxRateLimits(): RateLimitSpecs {
  return {
    order: per2s(60),
    batchOrders: per2s(300),
    cancel: per2s(60),
    batchCancel: per2s(300),
    amend: per2s(60),
    algo: per2s(20),
    cancelAlgo: per2s(20),
    closePosition: per2s(20),
    cancelAllAfter: { limit: 1, windowMs: 1000 },
    readOrders: per2s(60),
    readOrder: per2s(60),
    readAlgos: per2s(20),
    readFills: per2s(60),
    positions: per2s(10),
    balance: per2s(10),
    config: per2s(5),
    instruments: per2s(20),
    time: per2s(10),
  };
}

/** Sliding-window counters keyed by limit name + axis key (uid, uid+instId, ip). */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly specs: RateLimitSpecs | undefined,
    private readonly now: () => number,
  ) {}

  /** Takes `cost` units; false (and nothing taken) when the window would overflow. */
  take(name: LimitName, axisKey: string, cost = 1): boolean {
    if (!this.specs) return true;
    const spec = this.specs[name];
    const key = `${name}|${axisKey}`;
    const t = this.now();
    const list = (this.hits.get(key) ?? []).filter((at) => at > t - spec.windowMs);
    if (list.length + cost > spec.limit) {
      this.hits.set(key, list);
      return false;
    }
    for (let i = 0; i < cost; i++) list.push(t);
    this.hits.set(key, list);
    return true;
  }
}
