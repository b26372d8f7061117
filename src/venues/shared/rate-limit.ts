/** Client-side rate limiting per axis (credit buckets, request windows), serving protective work before new entries. */
import type { Logger } from 'pino';

import { realTimers, type TimerHandle, type Timers } from './timers.js';

/** 'protective' = stop-loss, emergency close, cancel of orphans; 'normal' = everything else (new entries). */
export type RatePriority = 'protective' | 'normal';

/**
 * One budget. Two shapes:
 * - `bucket`: a token/credit bucket (Deribit: non-matching-engine credits, pool 50 000, refill
 *   10 000/s, cost 500 per request; matching engine tier 4: capacity 20, refill 5/s).
 * - `window`: at most `limit` cost units in any sliding window of `windowMs` (OKX 60 req / 2 s per
 *   UID+instId; Bybit 10 req / 1 s per UID per endpoint). A sliding window is never looser than the
 *   venue's own fixed or sliding window.
 *
 * `protectiveReserve` (default 0) is the part of the budget that only protective requests may use,
 * so a burst of new entries cannot leave a stop-loss waiting.
 */
export type AxisSpec =
  | {
      readonly kind: 'bucket';
      /** Most tokens (credits) the bucket holds. */
      readonly capacity: number;
      /** Tokens added per second. */
      readonly refillPerSecond: number;
      /** Tokens at start. Default `capacity`. */
      readonly initial?: number;
      readonly protectiveReserve?: number;
    }
  | {
      readonly kind: 'window';
      /** Most cost units within any `windowMs`. */
      readonly limit: number;
      readonly windowMs: number;
      readonly protectiveReserve?: number;
    };

/** Settings for a RateLimiter. */
export interface RateLimiterOptions {
  /** Name for log lines, e.g. 'deribit' or 'okx.trade'. */
  readonly name: string;
  /**
   * The axes, by name. A cost key `group:detail` with no axis of its own uses the spec of `group`
   * and gets its own budget, created on first use: `{ 'order': window(60, 2000) }` and cost
   * `{ 'order:BTC-USDT-SWAP': 1 }` gives each instrument its own 60 / 2 s.
   */
  readonly axes: Readonly<Record<string, AxisSpec>>;
  /** Clock and timers. Default real ones; tests pass a fake clock. */
  readonly timers?: Timers;
  readonly logger?: Logger;
  /** A wait longer than this is logged at info as throttling. Default 1 000 ms. */
  readonly logWaitsOverMs?: number;
}

/** Cost of one request: a number charges every axis; a record charges the named axes only. */
export type RateCost = number | Readonly<Record<string, number>>;

/** Per-call options of `acquire`. */
export interface AcquireOptions {
  /** Stops waiting; the promise rejects with the signal's reason and nothing is charged. */
  readonly signal?: AbortSignal;
}

interface Axis {
  readonly name: string;
  readonly spec: AxisSpec;
  /** bucket: current tokens (fractional). */
  tokens: number;
  /** bucket: time `tokens` was last brought up to date. */
  updatedAt: number;
  /** window: charges inside the window, oldest first. */
  readonly log: Array<{ at: number; cost: number }>;
  /** Charges nobody until this time (venue said "too many requests"). */
  blockedUntil: number;
}

interface Waiter {
  readonly seq: number;
  readonly priority: RatePriority;
  readonly charges: ReadonlyArray<{ axis: Axis; cost: number }>;
  readonly enqueuedAt: number;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly cleanup: () => void;
}

/**
 * Grants `acquire` calls when every axis they charge has room. Order of service: protective
 * before normal, FIFO within a priority. A waiter queues only behind earlier (or more urgent)
 * waiters on an axis they are short of — or, for a protective waiter, on any axis it needs — so
 * independent budgets (one instrument's window vs another's) never block each other.
 * It never sleeps on the event loop: one timer is armed for the earliest moment a waiter can go.
 */
export class RateLimiter {
  private readonly axes = new Map<string, Axis>();
  private readonly waiters: Waiter[] = [];
  private seq = 0;
  private timer: TimerHandle | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private readonly timers: Timers;

  constructor(private readonly options: RateLimiterOptions) {
    this.timers = options.timers ?? realTimers;
    for (const [name, spec] of Object.entries(options.axes)) {
      validateSpec(name, spec);
      this.axes.set(name, this.makeAxis(name, spec));
    }
  }

  /**
   * Resolves when the budget allows `cost` (then the cost is already charged). Rejects at once
   * with a RangeError if the cost can never fit (more than an axis's capacity, or an unknown
   * axis), and with the signal's reason if aborted while waiting.
   */
  acquire(cost: RateCost, priority: RatePriority = 'normal', options: AcquireOptions = {}): Promise<void> {
    let charges: Array<{ axis: Axis; cost: number }>;
    try {
      charges = this.resolveCharges(cost, priority);
    } catch (err) {
      return Promise.reject(err);
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index < 0) return;
        this.waiters.splice(index, 1);
        reject(signal?.reason);
        // The aborted waiter may have been holding up others on the same axes.
        this.pump();
      };
      const waiter: Waiter = {
        seq: this.seq++,
        priority,
        charges,
        enqueuedAt: this.timers.now(),
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.insert(waiter);
      this.pump();
    });
  }

  /**
   * Charges `cost` without waiting, if it fits now and nobody with a claim is queued on those axes.
   * Returns whether it was charged.
   */
  tryAcquire(cost: RateCost, priority: RatePriority = 'normal'): boolean {
    const charges = this.resolveCharges(cost, priority);
    const now = this.timers.now();
    const claimed = new Set<Axis>();
    for (const w of this.waiters) {
      if (rank(w.priority) <= rank(priority)) for (const c of w.charges) claimed.add(c.axis);
    }
    if (charges.some((c) => claimed.has(c.axis))) return false;
    if (!charges.every((c) => this.waitMs(c.axis, c.cost, priority, now) === 0)) return false;
    for (const c of charges) this.charge(c.axis, c.cost, now);
    return true;
  }

  /**
   * The venue said "too many requests": empty the bucket axes so they refill from zero (the venue's
   * pool is empty now and refills continuously), and hold normal requests on `axis` (every axis
   * when omitted) until `untilMs` (epoch ms on this limiter's clock). Protective requests are not
   * held: they wait only until the budget has refilled their own cost (one request's refill), so a
   * stop-loss or an emergency close never sits out a blanket hold meant for new entries.
   */
  holdUntil(untilMs: number, axis?: string): void {
    const now = this.timers.now();
    const targets = axis === undefined ? [...this.axes.values()] : [this.axisFor(axis)];
    for (const a of targets) {
      a.blockedUntil = Math.max(a.blockedUntil, untilMs);
      if (a.spec.kind === 'bucket') {
        a.tokens = 0;
        a.updatedAt = now;
      }
    }
    this.options.logger?.warn(
      { limiter: this.options.name, axis: axis ?? '*', holdMs: untilMs - now },
      'venue throttled us; new entries on this axis wait until the budget is back, protective requests go as soon as one request has refilled',
    );
    this.pump();
  }

  /** Requests waiting, per priority. */
  queued(): { readonly protective: number; readonly normal: number } {
    let protective = 0;
    for (const w of this.waiters) if (w.priority === 'protective') protective += 1;
    return { protective, normal: this.waiters.length - protective };
  }

  /** Budget left on an axis now (tokens for a bucket, cost units for a window). */
  available(axis: string): number {
    const a = this.axisFor(axis);
    const now = this.timers.now();
    if (a.spec.kind === 'bucket') {
      this.refill(a, now);
      return a.tokens;
    }
    this.prune(a, now);
    return a.spec.limit - sumCosts(a.log);
  }

  /** Rejects every waiter with `reason` and cancels the timer (on shutdown). */
  close(reason: unknown = new Error(`${this.options.name}: rate limiter closed`)): void {
    const waiters = this.waiters.splice(0, this.waiters.length);
    this.clearTimer();
    for (const w of waiters) {
      w.cleanup();
      w.reject(reason);
    }
  }

  // ---- internals ------------------------------------------------------------------------------

  private resolveCharges(cost: RateCost, priority: RatePriority): Array<{ axis: Axis; cost: number }> {
    const entries: Array<[string, number]> =
      typeof cost === 'number' ? [...this.axes.keys()].map((name) => [name, cost]) : Object.entries(cost);
    const charges: Array<{ axis: Axis; cost: number }> = [];
    for (const [name, value] of entries) {
      if (!Number.isFinite(value) || value < 0) {
        throw new RangeError(`${this.options.name}: cost on axis '${name}' must be a finite number >= 0, got ${value}`);
      }
      if (value === 0) continue;
      const axis = this.axisFor(name);
      const usable = usableBudget(axis.spec, priority);
      if (value > usable) {
        throw new RangeError(
          `${this.options.name}: cost ${value} on axis '${name}' exceeds what a ${priority} request may ever use (${usable}); it would wait forever`,
        );
      }
      charges.push({ axis, cost: value });
    }
    return charges;
  }

  private axisFor(name: string): Axis {
    const existing = this.axes.get(name);
    if (existing) return existing;
    const colon = name.indexOf(':');
    const template = colon > 0 ? this.options.axes[name.slice(0, colon)] : undefined;
    if (!template) {
      throw new RangeError(
        `${this.options.name}: unknown rate-limit axis '${name}' (known: ${Object.keys(this.options.axes).join(', ')}; use 'group:key' for per-key budgets)`,
      );
    }
    const axis = this.makeAxis(name, template);
    this.axes.set(name, axis);
    return axis;
  }

  private makeAxis(name: string, spec: AxisSpec): Axis {
    return {
      name,
      spec,
      tokens: spec.kind === 'bucket' ? (spec.initial ?? spec.capacity) : 0,
      updatedAt: this.timers.now(),
      log: [],
      blockedUntil: Number.NEGATIVE_INFINITY,
    };
  }

  private insert(waiter: Waiter): void {
    // Protective waiters go after the last protective one; normal ones at the end.
    if (waiter.priority === 'normal') {
      this.waiters.push(waiter);
      return;
    }
    const firstNormal = this.waiters.findIndex((w) => w.priority === 'normal');
    if (firstNormal < 0) this.waiters.push(waiter);
    else this.waiters.splice(firstNormal, 0, waiter);
  }

  /** Grants whatever can go now, in order, then arms one timer for the earliest next chance. */
  private pump(): void {
    const now = this.timers.now();
    const claimed = new Set<Axis>();
    let earliest = Number.POSITIVE_INFINITY;
    const granted: Waiter[] = [];
    for (const w of this.waiters) {
      const blockedByEarlier = w.charges.some((c) => claimed.has(c.axis));
      let wait = 0;
      const short: Axis[] = [];
      for (const c of w.charges) {
        const axisWait = this.waitMs(c.axis, c.cost, w.priority, now);
        if (axisWait > 0) short.push(c.axis);
        wait = Math.max(wait, axisWait);
      }
      if (!blockedByEarlier) {
        if (wait === 0) {
          for (const c of w.charges) this.charge(c.axis, c.cost, now);
          granted.push(w);
          continue;
        }
        earliest = Math.min(earliest, now + wait);
      }
      // Queue discipline: later waiters queue behind this one on the axes it is short of; a
      // protective waiter holds all its axes, so normal traffic cannot drain what it still needs.
      for (const axis of w.priority === 'protective' ? w.charges.map((c) => c.axis) : short) claimed.add(axis);
    }
    if (granted.length > 0) {
      const grantedSet = new Set(granted);
      const remaining = this.waiters.filter((w) => !grantedSet.has(w));
      this.waiters.splice(0, this.waiters.length, ...remaining);
    }
    this.armTimer(earliest, now);
    for (const w of granted) {
      w.cleanup();
      const waitedMs = now - w.enqueuedAt;
      if (waitedMs > (this.options.logWaitsOverMs ?? 1_000)) {
        this.options.logger?.info(
          { limiter: this.options.name, priority: w.priority, waitedMs, axes: w.charges.map((c) => c.axis.name) },
          'request was throttled by the client-side rate limit',
        );
      }
      w.resolve();
    }
  }

  private armTimer(at: number, now: number): void {
    if (at === Number.POSITIVE_INFINITY) {
      this.clearTimer();
      return;
    }
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = this.timers.setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(1, Math.ceil(at - now)),
    );
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** Milliseconds until `cost` fits on `axis` for `priority` (0 = now). */
  private waitMs(axis: Axis, cost: number, priority: RatePriority, now: number): number {
    // A venue throttle holds normal requests only; protective ones wait for the refill alone.
    const blocked = priority === 'normal' && axis.blockedUntil > now ? axis.blockedUntil - now : 0;
    const reserve = priority === 'protective' ? 0 : (axis.spec.protectiveReserve ?? 0);
    if (axis.spec.kind === 'bucket') {
      this.refill(axis, now);
      const at = Math.max(now, axis.updatedAt);
      const deficit = cost + reserve - axis.tokens;
      // A hair of tolerance so float refill arithmetic (0.1 + 0.2) never leaves a waiter 1e-12 short.
      const refillWait = deficit <= 1e-9 ? 0 : (deficit / axis.spec.refillPerSecond) * 1000;
      return Math.max(blocked, at - now + refillWait);
    }
    this.prune(axis, now);
    const limit = axis.spec.limit - reserve;
    let used = sumCosts(axis.log);
    if (used + cost <= limit) return blocked;
    // Wait until enough of the oldest charges have left the window.
    for (const entry of axis.log) {
      used -= entry.cost;
      if (used + cost <= limit) return Math.max(blocked, entry.at + axis.spec.windowMs - now);
    }
    return Math.max(blocked, axis.spec.windowMs);
  }

  private charge(axis: Axis, cost: number, now: number): void {
    if (axis.spec.kind === 'bucket') {
      this.refill(axis, now);
      axis.tokens -= cost;
    } else {
      axis.log.push({ at: now, cost });
    }
  }

  private refill(axis: Axis, now: number): void {
    if (axis.spec.kind !== 'bucket' || now <= axis.updatedAt) return;
    const added = ((now - axis.updatedAt) / 1000) * axis.spec.refillPerSecond;
    axis.tokens = Math.min(axis.spec.capacity, axis.tokens + added);
    axis.updatedAt = now;
  }

  private prune(axis: Axis, now: number): void {
    if (axis.spec.kind !== 'window') return;
    const cutoff = now - axis.spec.windowMs;
    let drop = 0;
    while (drop < axis.log.length && (axis.log[drop]?.at ?? Number.POSITIVE_INFINITY) <= cutoff) drop += 1;
    if (drop > 0) axis.log.splice(0, drop);
  }
}

function rank(priority: RatePriority): number {
  return priority === 'protective' ? 0 : 1;
}

function sumCosts(log: ReadonlyArray<{ cost: number }>): number {
  let total = 0;
  for (const entry of log) total += entry.cost;
  return total;
}

function usableBudget(spec: AxisSpec, priority: RatePriority): number {
  const total = spec.kind === 'bucket' ? spec.capacity : spec.limit;
  return priority === 'protective' ? total : total - (spec.protectiveReserve ?? 0);
}

function validateSpec(name: string, spec: AxisSpec): void {
  const reserve = spec.protectiveReserve ?? 0;
  if (spec.kind === 'bucket') {
    if (!(spec.capacity > 0) || !(spec.refillPerSecond > 0) || !(reserve >= 0 && reserve < spec.capacity)) {
      throw new RangeError(
        `rate-limit axis '${name}': bucket needs capacity > 0, refillPerSecond > 0 and 0 <= protectiveReserve < capacity`,
      );
    }
  } else if (!(spec.limit > 0) || !(spec.windowMs > 0) || !(reserve >= 0 && reserve < spec.limit)) {
    throw new RangeError(`rate-limit axis '${name}': window needs limit > 0, windowMs > 0 and 0 <= protectiveReserve < limit`);
  }
}
