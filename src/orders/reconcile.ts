/**
 * Pure reconciliation: the store's view of the daemon's trades against one venue's snapshot
 * (positions and open orders) gives a list of corrections. No I/O here; the PositionMonitor
 * applies the corrections through the OrderManager.
 */
import { parseClientId } from '../domain/client-ids.js';
import { Decimal } from '../domain/decimal.js';
import type { OrderSnapshot, OrderStatus } from '../domain/order.js';
import type { Position } from '../domain/position.js';
import { ACTIVE_TRADE_STATES, type LegKind, type LegRecord, type LegState, type TradeRecord, type TradeState } from '../domain/trade.js';

/** Leg states in which the order may still be working on the venue (or its outcome is not known yet). */
export const LIVE_LEG_STATES: readonly LegState[] = ['pending', 'unknown', 'open', 'partially_filled', 'untriggered', 'triggered'];
/** Leg states of an order that was sent but whose venue answer is not known yet. */
export const IN_FLIGHT_LEG_STATES: readonly LegState[] = ['pending', 'unknown'];
const EXIT_KINDS: readonly LegKind[] = ['stop_loss', 'take_profit', 'close'];
const RESTING_STATUSES: readonly OrderStatus[] = ['open', 'partially_filled', 'untriggered', 'triggered', 'pending'];

export function isActiveTrade(state: TradeState): boolean {
  return ACTIVE_TRADE_STATES.includes(state);
}

export function isLiveLeg(state: LegState): boolean {
  return LIVE_LEG_STATES.includes(state);
}

/** Quantity of the trade still open: filled entry minus everything its exit legs filled (venue units, ≥ 0). */
export function openQuantity(trade: TradeRecord, legs: readonly LegRecord[]): Decimal {
  let exited = Decimal.ZERO;
  for (const leg of legs) if (EXIT_KINDS.includes(leg.kind)) exited = exited.plus(leg.filledSize);
  const open = trade.filledSize.minus(exited);
  return open.isNegative() ? Decimal.ZERO : open;
}

/**
 * True when nothing of the trade can be open any more, from its own legs alone: its entry is done
 * (no further fill can come) and its exit legs have filled its whole filled entry (or nothing was
 * filled). The account's net position is not consulted: other trades and the operator share it.
 */
export function exitsFilledWholeEntry(trade: TradeRecord, legs: readonly LegRecord[]): boolean {
  const entry = legs.find((l) => l.kind === 'entry');
  if (entry && isLiveLeg(entry.state)) return false;
  return !openQuantity(trade, legs).isPositive();
}

/** A trade as the store has it, with its legs. */
export interface LocalTrade {
  readonly trade: TradeRecord;
  readonly legs: readonly LegRecord[];
}

/** What one venue reports right now. */
export interface VenueSnapshot {
  readonly venue: string;
  readonly positions: readonly Position[];
  readonly openOrders: readonly OrderSnapshot[];
}

/** One thing to put right. */
export type Correction =
  /** The store believes the leg is working (or does not know), the venue's open orders do not show it: ask the venue by client id. */
  | { readonly kind: 'refresh_leg'; readonly tradeId: string; readonly clientId: string; readonly reason: string }
  /** The venue shows the leg with a different state or fill than the store: apply the venue's snapshot. */
  | { readonly kind: 'apply_snapshot'; readonly tradeId: string; readonly clientId: string; readonly order: OrderSnapshot }
  /** The store has the trade open, the venue has no position: cancel its companions and book it closed. */
  | { readonly kind: 'position_gone'; readonly tradeId: string; readonly symbol: string; readonly reason: string }
  /** The open position has no stop, or a stop smaller than the open quantity. */
  | {
      readonly kind: 'ensure_stop';
      readonly tradeId: string;
      readonly openQty: Decimal;
      readonly coveredQty: Decimal;
      readonly reason: 'missing' | 'undersized';
    }
  /** The open position has a take-profit price but no (or too small a) take-profit order. */
  | { readonly kind: 'ensure_take_profit'; readonly tradeId: string; readonly openQty: Decimal; readonly coveredQty: Decimal }
  /** One of our orders that belongs to no active trade (or that the store does not know): cancel it. */
  | { readonly kind: 'cancel_orphan'; readonly order: OrderSnapshot; readonly tradeId?: string; readonly reason: string }
  /**
   * The store has the trade 'closing' outside any close in progress (a close runs under the trade's
   * lock, so the OrderManager re-checks): the process died mid-close, perhaps after cancelling the
   * companions. Finish the close.
   */
  | { readonly kind: 'resume_close'; readonly tradeId: string; readonly reason: string }
  /**
   * The store has the trade open, but its exit legs (stop, target, close) have filled its whole
   * filled entry and its entry is done: nothing of it is open, whatever the account's net position
   * says. Book it closed from its own legs (it would otherwise stay open forever, nothing resting).
   */
  | { readonly kind: 'settle_exited'; readonly tradeId: string; readonly reason: string }
  /** The venue position differs from what the daemon's trades add up to (and is not simply flat): alert, do not guess. */
  | { readonly kind: 'position_mismatch'; readonly symbol: string; readonly expected: Decimal; readonly actual: Decimal };

export interface ReconcileResult {
  readonly corrections: readonly Correction[];
  /** Open orders without our client-id prefix: never touched, only counted. */
  readonly foreignOrders: number;
}

function remaining(order: OrderSnapshot): Decimal {
  const r = order.size.minus(order.filledSize);
  return r.isNegative() ? Decimal.ZERO : r;
}

/**
 * Compares `local` (the store's trades on `snapshot.venue`, read before the snapshot was taken)
 * with `snapshot`. Orders whose client id does not carry `prefix` are never in a correction.
 */
export function reconcile(local: readonly LocalTrade[], snapshot: VenueSnapshot, prefix: string): ReconcileResult {
  const corrections: Correction[] = [];
  const byClientId = new Map<string, OrderSnapshot>();
  const byVenueId = new Map<string, OrderSnapshot>();
  for (const o of snapshot.openOrders) {
    if (o.clientId !== undefined) byClientId.set(o.clientId, o);
    byVenueId.set(o.venueOrderId, o);
  }
  const trades = new Map<string, LocalTrade>();
  const legsByClientId = new Map<string, LegRecord>();
  for (const lt of local) {
    if (lt.trade.venue !== snapshot.venue) continue;
    trades.set(lt.trade.id, lt);
    for (const leg of lt.legs) legsByClientId.set(leg.clientId, leg);
  }
  const matched = new Set<OrderSnapshot>();
  const needsRefresh = new Set<string>();

  // 1. Legs the store thinks are live.
  for (const { trade, legs } of trades.values()) {
    if (!isActiveTrade(trade.state)) continue;
    for (const leg of legs) {
      const order = byClientId.get(leg.clientId) ?? (leg.venueOrderId !== undefined ? byVenueId.get(leg.venueOrderId) : undefined);
      if (order) matched.add(order);
      if (leg.kind === 'entry' && !isLiveLeg(leg.state) && leg.filledSize.gt(trade.filledSize)) {
        // A crash between booking the entry's fill and moving the trade on: re-applying the entry catches the trade up.
        needsRefresh.add(trade.id);
        corrections.push({
          kind: 'refresh_leg',
          tradeId: trade.id,
          clientId: leg.clientId,
          reason: `entry ${leg.state} for ${leg.filledSize.toString()} but the trade booked ${trade.filledSize.toString()} (an interrupted update)`,
        });
        continue;
      }
      if (!isLiveLeg(leg.state) && !(order && leg.state === 'lost')) continue;
      if (!order) {
        needsRefresh.add(trade.id);
        corrections.push({
          kind: 'refresh_leg',
          tradeId: trade.id,
          clientId: leg.clientId,
          reason: `store has it ${leg.state}, venue lists no such open order`,
        });
      } else if (order.status !== leg.state || !order.filledSize.eq(leg.filledSize) || !order.size.eq(leg.size)) {
        corrections.push({ kind: 'apply_snapshot', tradeId: trade.id, clientId: leg.clientId, order });
      }
    }
  }

  // 2. Positions per symbol against what the daemon's open trades add up to.
  const expectedBySymbol = new Map<string, Decimal>();
  const openTradesBySymbol = new Map<string, LocalTrade[]>();
  for (const lt of trades.values()) {
    if (lt.trade.state !== 'open' && lt.trade.state !== 'closing') continue;
    const qty = openQuantity(lt.trade, lt.legs);
    if (!qty.isPositive()) {
      if (lt.trade.state === 'open' && !needsRefresh.has(lt.trade.id) && exitsFilledWholeEntry(lt.trade, lt.legs)) {
        corrections.push({
          kind: 'settle_exited',
          tradeId: lt.trade.id,
          reason: `exits filled the whole entry (${lt.trade.filledSize.toString()}) but the trade is still open`,
        });
      }
      continue;
    }
    const signed = lt.trade.side === 'buy' ? qty : qty.neg();
    expectedBySymbol.set(lt.trade.symbol, (expectedBySymbol.get(lt.trade.symbol) ?? Decimal.ZERO).plus(signed));
    const list = openTradesBySymbol.get(lt.trade.symbol) ?? [];
    list.push(lt);
    openTradesBySymbol.set(lt.trade.symbol, list);
  }
  for (const [symbol, expected] of expectedBySymbol) {
    const actual = snapshot.positions.find((p) => p.symbol === symbol)?.size ?? Decimal.ZERO;
    const group = openTradesBySymbol.get(symbol) ?? [];
    if (actual.isZero() && !expected.isZero()) {
      for (const lt of group) {
        if (needsRefresh.has(lt.trade.id)) continue; // settle its legs first; the next comparison decides
        corrections.push({ kind: 'position_gone', tradeId: lt.trade.id, symbol, reason: 'venue shows no position for this symbol' });
      }
      continue;
    }
    if (!actual.eq(expected)) corrections.push({ kind: 'position_mismatch', symbol, expected, actual });
    // 3. Stop coverage of each open trade on a symbol that still has a position.
    for (const { trade, legs } of group) {
      if (trade.state !== 'open' || needsRefresh.has(trade.id)) continue;
      if (legs.some((l) => l.kind === 'stop_loss' && IN_FLIGHT_LEG_STATES.includes(l.state))) continue;
      const openQty = openQuantity(trade, legs);
      const coverage = (kind: LegKind): Decimal => {
        let covered = Decimal.ZERO;
        for (const leg of legs) {
          if (leg.kind !== kind) continue;
          const order = byClientId.get(leg.clientId) ?? (leg.venueOrderId !== undefined ? byVenueId.get(leg.venueOrderId) : undefined);
          if (order && RESTING_STATUSES.includes(order.status)) covered = covered.plus(remaining(order));
        }
        return covered;
      };
      const covered = coverage('stop_loss');
      if (covered.lt(openQty)) {
        corrections.push({
          kind: 'ensure_stop',
          tradeId: trade.id,
          openQty,
          coveredQty: covered,
          reason: covered.isZero() ? 'missing' : 'undersized',
        });
      } else if (
        trade.takeProfitPrice !== undefined &&
        !legs.some((l) => l.kind === 'take_profit' && IN_FLIGHT_LEG_STATES.includes(l.state))
      ) {
        const tp = coverage('take_profit');
        if (tp.lt(openQty)) corrections.push({ kind: 'ensure_take_profit', tradeId: trade.id, openQty, coveredQty: tp });
      }
    }
  }

  // 3b. Trades left 'closing' (a close interrupted by a crash) whose position is still there or unknown.
  const gone = new Set(corrections.flatMap((c) => (c.kind === 'position_gone' ? [c.tradeId] : [])));
  for (const { trade } of trades.values()) {
    if (trade.state !== 'closing' || gone.has(trade.id)) continue;
    corrections.push({ kind: 'resume_close', tradeId: trade.id, reason: 'store has the trade closing, no close is running' });
  }

  // 4. Our orders that no active trade accounts for; foreign orders are only counted.
  let foreignOrders = 0;
  for (const order of snapshot.openOrders) {
    const parsed = parseClientId(order.clientId, prefix);
    if (!parsed) {
      foreignOrders += 1;
      continue;
    }
    if (matched.has(order)) {
      const leg = order.clientId !== undefined ? legsByClientId.get(order.clientId) : undefined;
      if (leg && !isLiveLeg(leg.state) && leg.state !== 'lost') {
        corrections.push({ kind: 'cancel_orphan', order, tradeId: parsed.tradeId, reason: `store has this leg ${leg.state}` });
      }
      continue;
    }
    const lt = trades.get(parsed.tradeId);
    if (!lt) {
      corrections.push({
        kind: 'cancel_orphan',
        order,
        tradeId: parsed.tradeId,
        reason: 'carries our prefix but the store knows no such trade',
      });
    } else if (!isActiveTrade(lt.trade.state)) {
      corrections.push({ kind: 'cancel_orphan', order, tradeId: parsed.tradeId, reason: `companion of a trade that is ${lt.trade.state}` });
    } else if (order.clientId === undefined || !legsByClientId.has(order.clientId)) {
      corrections.push({ kind: 'cancel_orphan', order, tradeId: parsed.tradeId, reason: 'leg unknown to the store' });
    }
  }
  return { corrections, foreignOrders };
}
