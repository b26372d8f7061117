/**
 * The simulated Bybit's own state in the chaos run's terms, pure: positions against the resting
 * reduce-only stop conditional orders (or a position stop-loss) as exposures, and orders (with the
 * `orderLinkId` the front-end keeps beside the engine) and executions as the ledger the store is
 * checked against. A Bybit conditional order keeps one order id through its trigger, so there is no
 * spawned child order to tie back (unlike Deribit's and OKX's).
 */
import type { PortFill, PortOrder, PortPosition } from '../sim/bybit/engine-port.js';
import type { VenueFill, VenueOrder } from './checks.js';
import type { Exposure } from './unprotection.js';

/** Key of a Bybit instrument in the unprotection tracker and the findings. */
export const bybitKey = (instrument: string): string => `bybit:${instrument}`;

/** A resting stop on `closing`'s side: untriggered, reduce-only or close-on-trigger, firing away from the position. */
function isStopFor(o: PortOrder, closing: 'buy' | 'sell'): boolean {
  if (o.state !== 'untriggered' || o.trigger === undefined || o.side !== closing) return false;
  if (!(o.reduceOnly || o.closeOnTrigger)) return false;
  // A sell closing a long is a stop when it fires on a fall (a rise is the take-profit); a buy, on a rise.
  return o.trigger.direction === (closing === 'sell' ? 'falling' : 'rising');
}

/**
 * Each non-flat position against the stops resting on its closing side; a position stop-loss
 * (trading-stop) or a whole-position stop (qty 0) covers the full size. `skewMs` turns the venue's
 * fill times back into wall-clock time.
 */
export function bybitExposures(
  positions: readonly PortPosition[],
  openOrders: readonly PortOrder[],
  lastFill: (instrument: string) => PortFill | undefined,
  skewMs: number,
): Exposure[] {
  const out: Exposure[] = [];
  for (const p of positions) {
    const size = Math.abs(p.size.toNumber());
    if (size === 0) continue;
    const closing = p.size.isPositive() ? 'sell' : 'buy';
    let stopQty = p.stopLoss !== undefined && !p.stopLoss.isZero() ? size : 0;
    for (const o of openOrders) {
      if (o.instrument !== p.instrument || !isStopFor(o, closing)) continue;
      stopQty += o.qty.isZero() ? size : o.qty.minus(o.filledQty).toNumber();
    }
    const last = lastFill(p.instrument);
    out.push({ key: bybitKey(p.instrument), size, stopQty, ...(last ? { lastFillMs: last.timestamp - skewMs } : {}) });
  }
  return out;
}

/** What the ledger needs from the simulator: the engine's records and the front-end's client ids. */
export interface BybitLedgerSource {
  /** `orderLinkId` per order id, for every order placed through the front-end ('' when none was given). */
  readonly orderLinkIds: ReadonlyMap<string, string>;
  order(orderId: string): PortOrder | undefined;
  /** Every execution, any order. */
  readonly fills: readonly PortFill[];
}

export interface BybitLedger {
  /** Every order placed through the front-end, conditional ones included, under its `orderLinkId`. */
  readonly allOrders: VenueOrder[];
  /** Untriggered, just-triggered and working orders. */
  readonly openOrders: VenueOrder[];
  /** Executions with the `orderLinkId` of their order; ids as `bybit:<execId>` (the store's `<venue>:<id>`). */
  readonly fills: VenueFill[];
}

const OPEN_ORDER_STATES: ReadonlySet<string> = new Set(['untriggered', 'triggered', 'open', 'partially_filled']);

export function bybitLedger(src: BybitLedgerSource): BybitLedger {
  const allOrders: VenueOrder[] = [];
  const openOrders: VenueOrder[] = [];
  for (const [orderId, orderLinkId] of src.orderLinkIds) {
    const o = src.order(orderId);
    if (!o) continue;
    const v: VenueOrder = {
      orderId,
      instrumentName: o.instrument,
      label: orderLinkId,
      state: o.state,
      reduceOnly: o.reduceOnly || o.closeOnTrigger,
    };
    allOrders.push(v);
    if (OPEN_ORDER_STATES.has(o.state)) openOrders.push(v);
  }
  const fills: VenueFill[] = src.fills.map((f) => ({
    tradeId: `bybit:${f.execId}`,
    orderId: f.orderId,
    label: src.orderLinkIds.get(f.orderId) ?? '',
  }));
  return { allOrders, openOrders, fills };
}
