/**
 * Fault injection for the venue simulators: knobs a test turns to make a venue misbehave
 * (drop sockets, delay or swallow responses, reject orders, rate-limit, fill partially, send junk).
 * Venue-neutral: each front-end consults it and supplies the socket actions through `attach`.
 */
import { dec, type Decimal } from '../domain/decimal.js';
import type { FillHooks, RejectReason, SimOrder } from './engine/types.js';

/** Matches a method (or channel) name: exact string, regular expression, or predicate. */
export type NameMatcher = string | RegExp | ((name: string) => boolean);

/** A venue error the front-end sends as-is (code, message and optional data). */
export interface VenueErrorSpec {
  code: number;
  message: string;
  data?: unknown;
  /**
   * For the in-memory venue, which has no code table: its refusal says a retry may succeed
   * (default false). Venue front-ends classify by their own codes and ignore it.
   */
  retryable?: boolean;
}

/**
 * A venue-neutral order refusal: each front-end answers with its own code for `reason` (Deribit
 * `trigger_price_too_high` → 10034, the in-memory venue the reason itself). Prefer it to a
 * VenueErrorSpec in tests that run against several venues.
 */
export interface NeutralRejection {
  reason: RejectReason;
  message?: string;
}

/** What `rejectNextOrders` answers with: a venue's own error as-is, or a neutral reason. */
export type OrderRejection = VenueErrorSpec | NeutralRejection;

export function isNeutralRejection(r: OrderRejection): r is NeutralRejection {
  return 'reason' in r;
}

/** Which orders a rejection applies to; omitted fields match anything. */
export interface OrderMatcher {
  /** Venue order type, e.g. 'stop_market'. */
  type?: string;
  instrumentName?: string;
  direction?: 'buy' | 'sell';
  reduceOnly?: boolean;
  label?: string | RegExp;
}

/** The order being submitted, as a front-end describes it to `takeOrderRejection`. */
export interface OrderDescriptor {
  type: string;
  instrumentName: string;
  direction: 'buy' | 'sell';
  reduceOnly: boolean;
  label: string;
}

/** What the front-end should do with one request. */
export interface RequestPlan {
  /** Answer with this error instead of executing (rate limit). */
  error?: VenueErrorSpec;
  /** Execute, but send the response this many ms later (a late response after a client timeout). */
  delayMs?: number;
  /** Never send a response. */
  noResponse?: boolean;
  /** With noResponse: whether the request is still executed (default true, the dangerous case). */
  execute: boolean;
}

/** Connection selector: every connection, or one connection id. */
export type ConnectionTarget = 'all' | string;

/** The socket actions a front-end provides to the fault injector. */
export interface FaultTarget {
  /** Closes matching connections abruptly; returns how many. */
  dropConnections(target: ConnectionTarget): number;
  /** Sends `text` as a raw frame on matching connections; returns how many. */
  sendRaw(target: ConnectionTarget, text: string): number;
}

interface MethodRule {
  matcher: NameMatcher;
  remaining: number;
}

interface DelayRule extends MethodRule {
  delayMs: number;
}

interface NeverRule extends MethodRule {
  execute: boolean;
}

interface RejectRule {
  matcher: OrderMatcher;
  remaining: number;
  error: OrderRejection;
}

interface RateRule extends MethodRule {
  error: VenueErrorSpec;
}

interface PartialRule {
  remaining: number;
  fraction?: number;
  amount?: Decimal;
}

interface SubscriptionRule {
  matcher: NameMatcher;
  remaining: number;
}

/**
 * Default error for `rateLimitNext` when a venue gives none (the in-memory venue): HTTP 429's number.
 * Each protocol front-end passes its own (Deribit 10028, see `deribit/errors.ts`).
 */
export const NEUTRAL_RATE_LIMIT_ERROR: VenueErrorSpec = { code: 429, message: 'too_many_requests' };

export function matchName(matcher: NameMatcher, name: string): boolean {
  if (typeof matcher === 'string') return matcher === name;
  if (matcher instanceof RegExp) return matcher.test(name);
  return matcher(name);
}

/**
 * The fault knobs of one simulated venue. Counted rules (`times`, `count`) are consumed as they
 * fire; `Infinity` keeps a rule on until `reset()`.
 */
export class SimFaults implements FillHooks {
  private target: FaultTarget | undefined;
  private delays: DelayRule[] = [];
  private nevers: NeverRule[] = [];
  private rejects: RejectRule[] = [];
  private rateLimits: RateRule[] = [];
  private partials: PartialRule[] = [];
  private subscriptionDrops: SubscriptionRule[] = [];
  /** Order ids already given a partial-fill cap (the cap applies to their first matching pass only). */
  private readonly partialSeen = new Map<string, Decimal>();

  constructor(private readonly defaultRateLimitError: VenueErrorSpec = NEUTRAL_RATE_LIMIT_ERROR) {}

  /** Called by the front-end that owns the sockets. */
  attach(target: FaultTarget): void {
    this.target = target;
  }

  // ------------------------------------------------------------ knobs for tests

  /** Drops every connection, or the one with this id. Returns how many were dropped. */
  dropConnections(target: ConnectionTarget = 'all'): number {
    return this.target?.dropConnections(target) ?? 0;
  }

  /** Sends a frame that is not valid JSON (default `{"jsonrpc":"2.0",`). Returns how many sockets got it. */
  sendMalformedFrame(target: ConnectionTarget = 'all', text = '{"jsonrpc":"2.0",'): number {
    return this.target?.sendRaw(target, text) ?? 0;
  }

  /** Executes matching requests at once but answers `delayMs` later, `times` times (default: until reset). */
  delayResponses(method: NameMatcher, delayMs: number, options: { times?: number } = {}): void {
    this.delays.push({ matcher: method, delayMs, remaining: options.times ?? Infinity });
  }

  /**
   * Never answers matching requests, `times` times (default: until reset). With `execute: false`
   * the request is also not executed; by default it is (the response is lost, the order exists).
   */
  neverAnswer(method: NameMatcher, options: { times?: number; execute?: boolean } = {}): void {
    this.nevers.push({ matcher: method, remaining: options.times ?? Infinity, execute: options.execute ?? true });
  }

  /** Rejects the next `count` orders matching `matcher` with `error`, a venue error or a neutral reason (e.g. next 3 stop_market). */
  rejectNextOrders(count: number, matcher: OrderMatcher, error: OrderRejection): void {
    this.rejects.push({ matcher, remaining: count, error });
  }

  /** Answers the next `count` requests (optionally only of `method`) with the rate-limit error. */
  rateLimitNext(count = 1, options: { method?: NameMatcher; error?: VenueErrorSpec } = {}): void {
    this.rateLimits.push({ matcher: options.method ?? (() => true), remaining: count, error: options.error ?? this.defaultRateLimitError });
  }

  /**
   * Fills the next `count` orders only partly on their first matching pass: `fraction` of the
   * amount (rounded down to the lot) or a fixed `amount`. The remainder rests (limit) or is cancelled (market/IOC).
   */
  partialFillNext(count: number, fill: { fraction?: number; amount?: string | number }): void {
    this.partials.push({
      remaining: count,
      ...(fill.fraction !== undefined ? { fraction: fill.fraction } : {}),
      ...(fill.amount !== undefined ? { amount: dec(fill.amount) } : {}),
    });
  }

  /** Leaves the next `count` subscribe calls' matching channels out of the result (not subscribed). */
  failNextSubscriptions(count = 1, channel: NameMatcher = () => true): void {
    this.subscriptionDrops.push({ matcher: channel, remaining: count });
  }

  /** Clears every rule. */
  reset(): void {
    this.delays = [];
    this.nevers = [];
    this.rejects = [];
    this.rateLimits = [];
    this.partials = [];
    this.subscriptionDrops = [];
    this.partialSeen.clear();
  }

  // ------------------------------------------------------------ hooks for front-ends and the engine

  /** Decides how the front-end treats one request; consumes the rules that fire. */
  planRequest(method: string): RequestPlan {
    const rate = take(this.rateLimits, (r) => matchName(r.matcher, method));
    if (rate) return { error: rate.error, execute: false };
    const never = take(this.nevers, (r) => matchName(r.matcher, method));
    if (never) return { noResponse: true, execute: never.execute };
    const delay = take(this.delays, (r) => matchName(r.matcher, method));
    if (delay) return { delayMs: delay.delayMs, execute: true };
    return { execute: true };
  }

  /** The error to reject this order with, if a rejection rule matches (consumed). */
  takeOrderRejection(order: OrderDescriptor): OrderRejection | undefined {
    return take(this.rejects, (r) => orderMatches(r.matcher, order))?.error;
  }

  /** Channels that survive the subscription-failure rules (one rule use per call). */
  filterSubscriptions(channels: readonly string[]): string[] {
    const rule = take(this.subscriptionDrops, (r) => channels.some((c) => matchName(r.matcher, c)));
    if (!rule) return [...channels];
    return channels.filter((c) => !matchName(rule.matcher, c));
  }

  /** FillHooks: the partial-fill cap for an order's first matching pass (asked once per order). */
  maxFillFor(order: Readonly<SimOrder>): Decimal | undefined {
    if (this.partialSeen.has(order.orderId)) return undefined;
    const rule = take(this.partials, () => true);
    if (!rule) return undefined;
    const cap = rule.amount ?? order.amount.times(dec(rule.fraction ?? 0.5));
    this.partialSeen.set(order.orderId, cap);
    return cap;
  }
}

function take<R extends { remaining: number }>(rules: R[], pred: (rule: R) => boolean): R | undefined {
  const idx = rules.findIndex((r) => r.remaining > 0 && pred(r));
  if (idx < 0) return undefined;
  const rule = rules[idx];
  if (!rule) return undefined;
  rule.remaining -= 1;
  if (rule.remaining <= 0) rules.splice(idx, 1);
  return rule;
}

function orderMatches(m: OrderMatcher, o: OrderDescriptor): boolean {
  if (m.type !== undefined && m.type !== o.type) return false;
  if (m.instrumentName !== undefined && m.instrumentName !== o.instrumentName) return false;
  if (m.direction !== undefined && m.direction !== o.direction) return false;
  if (m.reduceOnly !== undefined && m.reduceOnly !== o.reduceOnly) return false;
  if (m.label !== undefined) {
    if (typeof m.label === 'string' ? m.label !== o.label : !m.label.test(o.label)) return false;
  }
  return true;
}
