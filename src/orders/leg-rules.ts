/**
 * Pure rules about legs: merging a venue snapshot into a leg, the next client-id sequence, how
 * much live legs cover, and the next step after an entry update or a "not found" answer.
 */
import { parseClientId } from '../domain/client-ids.js';
import type { CommandOutcome } from '../domain/commands.js';
import { Decimal } from '../domain/decimal.js';
import { isTerminal, type OrderSnapshot, type OrderStatus } from '../domain/order.js';
import type { LegKind, LegRecord, LegState, TradeRecord, TradeState } from '../domain/trade.js';
import { IN_FLIGHT_LEG_STATES, isLiveLeg } from './reconcile.js';

/**
 * Merges a venue snapshot into a leg: filled size never decreases; a terminal leg does not go
 * back to a working state on a stale event. Returns the new state and fill, and whether anything changed.
 */
export function mergeLeg(leg: LegRecord, order: OrderSnapshot): { state: LegState; filledSize: Decimal; changed: boolean } {
  const filledSize = Decimal.max(leg.filledSize, order.filledSize);
  const legTerminal = isTerminal(leg.state as OrderStatus) && leg.state !== 'pending';
  let state: LegState = order.status;
  if (legTerminal && !isTerminal(order.status)) state = leg.state;
  if (leg.state === 'filled' && order.status !== 'filled') state = 'filled';
  // A stale "open" (a late submit answer) after part of the order filled stays partially filled.
  if (state === 'open' && filledSize.isPositive()) state = 'partially_filled';
  const changed =
    state !== leg.state ||
    !filledSize.eq(leg.filledSize) ||
    (order.venueOrderId !== leg.venueOrderId && leg.venueOrderId === undefined) ||
    (order.avgFillPrice !== undefined && (leg.avgFillPrice === undefined || !order.avgFillPrice.eq(leg.avgFillPrice)));
  return { state, filledSize, changed };
}

/** The sequence number for the next leg of `kind`: one more than the highest of our client ids of that kind. */
export function nextSeq(legs: readonly LegRecord[], kind: LegKind, prefix: string): number {
  let max = 0;
  for (const l of legs) {
    if (l.kind !== kind) continue;
    const parsed = parseClientId(l.clientId, prefix);
    if (parsed && parsed.seq > max) max = parsed.seq;
  }
  return max + 1;
}

/** Size the given legs still have to fill (size minus filled, summed). */
export function unfilledSize(legs: readonly LegRecord[]): Decimal {
  let covered = Decimal.ZERO;
  for (const l of legs) covered = covered.plus(l.size.minus(l.filledSize));
  return covered;
}

export function isProtectiveKind(kind: LegKind): kind is 'stop_loss' | 'take_profit' {
  return kind === 'stop_loss' || kind === 'take_profit';
}

/** What a trade does after its entry leg changed. */
export type EntryStep =
  /** More was filled: record it; protect when the trade is (now) open. */
  | { readonly step: 'filled'; readonly state: TradeState }
  /** The entry ended with nothing filled: the trade ends too. */
  | { readonly step: 'ended'; readonly state: 'failed' | 'cancelled' }
  /** The entry ended part-filled on an open trade: protection stays sized to the fill. */
  | { readonly step: 'done' }
  /** The venue acknowledged a pending entry: the trade is working. */
  | { readonly step: 'working' }
  | { readonly step: 'none' };

export function entryStep(trade: TradeRecord, entry: LegRecord): EntryStep {
  const waiting = trade.state === 'pending' || trade.state === 'entry_working';
  if (entry.filledSize.gt(trade.filledSize)) return { step: 'filled', state: waiting ? 'open' : trade.state };
  const terminal = isTerminal(entry.state as OrderStatus);
  if (terminal && entry.filledSize.isZero() && waiting)
    return { step: 'ended', state: entry.state === 'rejected' ? 'failed' : 'cancelled' };
  if (terminal && trade.state === 'open') return { step: 'done' };
  if (trade.state === 'pending' && isLiveLeg(entry.state) && entry.state !== 'pending' && entry.state !== 'unknown')
    return { step: 'working' };
  return { step: 'none' };
}

/**
 * How many consecutive "not found" answers mark a leg lost. A stop or take-profit of an open trade
 * is never in flight while its trade's lock is free (placing it holds the lock until the venue
 * answered or it was settled), except after a crash between persisting it and the venue's answer.
 * Waiting for more "not found" answers would leave the position unprotected, and new entries held,
 * for several passes: it is lost at the first one and placed again (should the old request still
 * arrive, the next pass adopts it).
 */
export function notFoundThreshold(leg: LegRecord, trade: TradeRecord, lostAfterNotFound: number): number {
  const inFlight = IN_FLIGHT_LEG_STATES.includes(leg.state);
  return inFlight && isProtectiveKind(leg.kind) && trade.state === 'open' ? 1 : lostAfterNotFound;
}

/** After the `count`-th consecutive "not found": keep asking, or mark the leg lost. */
export function notFoundStep(leg: LegRecord, trade: TradeRecord, count: number, lostAfterNotFound: number): 'ask_again' | 'lost' {
  const inFlight = IN_FLIGHT_LEG_STATES.includes(leg.state);
  if (!isLiveLeg(leg.state) || (inFlight && count < notFoundThreshold(leg, trade, lostAfterNotFound))) return 'ask_again';
  return 'lost';
}

/** Close reason of a trade whose exit leg of `kind` filled the whole position. */
export function exitCloseReason(kind: LegKind): string {
  return kind === 'stop_loss' ? 'stop-loss filled' : kind === 'take_profit' ? 'take-profit filled' : 'closed';
}

/** Delay before retry `attempt + 1`: `baseMs` doubled after every failed attempt. */
export function backoffMs(baseMs: number, attempt: number): number {
  return baseMs * 2 ** (attempt - 1);
}

/**
 * Wait before retrying a protective order (stop-loss, close) after `outcome`: none after a
 * definite rejection (the order does not exist; the position may be naked) or an unknown outcome
 * (the request already waited its timeout, and the order is looked up first); `delayMs`, fixed,
 * never doubled, after a rejection the venue marks retryable (rate limit, busy). The time from a
 * fill to a resting stop or an emergency close is then bounded by the attempts' round trips plus
 * at most (attempts - 1) × `delayMs`.
 */
export function retryDelayMs(outcome: CommandOutcome, delayMs: number): number {
  return outcome.status === 'rejected' && outcome.retryable ? delayMs : 0;
}
