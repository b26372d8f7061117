/**
 * The simulated OKX's own state in the chaos run's terms, pure: positions and resting reduce-only
 * stop algos as exposures, and orders, algo orders and fills (with the client ids the front-end
 * keeps beside the engine) as the ledger the store is checked against.
 */
import type { PortAlgo, PortFill, PortOrder, PortPosition } from '../sim/okx/engine-port.js';
import type { VenueFill, VenueOrder } from './checks.js';
import type { Exposure } from './unprotection.js';

/** Key of an OKX instrument in the unprotection tracker and the findings. */
export const okxKey = (instrument: string): string => `okx:${instrument}`;

/**
 * Each non-flat position against the stop-loss algos resting on its closing side: untriggered,
 * reduce-only (or closing the whole position), with a stop-loss leg. A whole-position algo covers
 * the full size. `skewMs` turns the venue's fill times back into wall-clock time.
 */
export function okxExposures(
  positions: readonly PortPosition[],
  openAlgos: readonly PortAlgo[],
  lastFill: (instrument: string) => PortFill | undefined,
  skewMs: number,
): Exposure[] {
  const out: Exposure[] = [];
  for (const p of positions) {
    const size = Math.abs(p.size.toNumber());
    if (size === 0) continue;
    const closing = p.size.isPositive() ? 'sell' : 'buy';
    let stopQty = 0;
    for (const a of openAlgos) {
      if (a.instrument !== p.instrument || a.state !== 'untriggered' || a.side !== closing) continue;
      if (a.stopLoss === undefined || !(a.reduceOnly || a.closeWholePosition)) continue;
      stopQty += a.closeWholePosition || a.amount === undefined ? size : a.amount.toNumber();
    }
    const last = lastFill(p.instrument);
    out.push({ key: okxKey(p.instrument), size, stopQty, ...(last ? { lastFillMs: last.timestamp - skewMs } : {}) });
  }
  return out;
}

/** What the ledger needs from the simulator: the engine's records and the front-end's client ids. */
export interface OkxLedgerSource {
  /** Client order id (`clOrdId`) per order id, for every order placed through the front-end. */
  readonly orderClientIds: ReadonlyMap<string, string>;
  /** Algo client id (`algoClOrdId`) per algo id. */
  readonly algoClientIds: ReadonlyMap<string, string>;
  order(orderId: string): PortOrder | undefined;
  algo(algoId: string): PortAlgo | undefined;
  /** Every fill, any order. */
  readonly fills: readonly PortFill[];
}

export interface OkxLedger {
  /** Orders and algo orders (an algo under its `algoClOrdId`; the order a fired algo placed marked by `triggerOrderId`). */
  readonly allOrders: VenueOrder[];
  /** Working orders and untriggered algos. */
  readonly openOrders: VenueOrder[];
  /** Fills with the client id of the order, or of the algo that placed the order; ids as `okx:<tradeId>`. */
  readonly fills: VenueFill[];
}

const OPEN_ORDER_STATES: ReadonlySet<string> = new Set(['open', 'partially_filled']);

export function okxLedger(src: OkxLedgerSource): OkxLedger {
  const allOrders: VenueOrder[] = [];
  const openOrders: VenueOrder[] = [];
  const labelOfOrder = new Map<string, string>();
  for (const [orderId, clOrdId] of src.orderClientIds) {
    const o = src.order(orderId);
    if (!o) continue;
    // An order a fired algo placed carries the algo's client id, not one of its own.
    const algoLabel = o.algoId !== undefined ? src.algoClientIds.get(o.algoId) : undefined;
    const label = clOrdId !== '' ? clOrdId : (algoLabel ?? '');
    labelOfOrder.set(orderId, label);
    const v: VenueOrder = {
      orderId,
      instrumentName: o.instrument,
      label,
      state: o.state,
      reduceOnly: o.reduceOnly,
      ...(clOrdId === '' && o.algoId !== undefined ? { triggerOrderId: o.algoId } : {}),
    };
    allOrders.push(v);
    if (OPEN_ORDER_STATES.has(o.state)) openOrders.push(v);
  }
  for (const [algoId, algoClOrdId] of src.algoClientIds) {
    const a = src.algo(algoId);
    if (!a) continue;
    const v: VenueOrder = { orderId: algoId, instrumentName: a.instrument, label: algoClOrdId, state: a.state, reduceOnly: a.reduceOnly };
    allOrders.push(v);
    if (a.state === 'untriggered') openOrders.push(v);
    // The child of a fired algo, if the front-end never published it (so it has no metadata).
    if (a.childOrderId !== undefined && !labelOfOrder.has(a.childOrderId)) {
      const child = src.order(a.childOrderId);
      labelOfOrder.set(a.childOrderId, algoClOrdId);
      if (child) {
        const c: VenueOrder = {
          orderId: child.orderId,
          instrumentName: child.instrument,
          label: algoClOrdId,
          state: child.state,
          reduceOnly: child.reduceOnly,
          triggerOrderId: algoId,
        };
        allOrders.push(c);
        if (OPEN_ORDER_STATES.has(child.state)) openOrders.push(c);
      }
    }
  }
  const fills: VenueFill[] = src.fills.map((f) => {
    let label = labelOfOrder.get(f.orderId);
    if (label === undefined) {
      const algoId = src.order(f.orderId)?.algoId;
      label = (algoId !== undefined ? src.algoClientIds.get(algoId) : undefined) ?? '';
    }
    return { tradeId: `okx:${f.tradeId}`, orderId: f.orderId, label };
  });
  return { allOrders, openOrders, fills };
}
