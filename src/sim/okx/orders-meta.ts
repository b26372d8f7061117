/** Venue-side metadata of orders and algos (client ids, tag, OKX types) that the engine does not keep, with defaults for orders an algo spawned. */
import type { SimState } from './context.js';
import type { PortAlgo, PortOrder } from './engine-port.js';
import { rejectionToItem } from './errors.js';
import type { AlgoMeta, OrderMeta } from './wire.js';

const UNKNOWN_ALGO: AlgoMeta = { algoClOrdId: '', tag: '', tdMode: 'cross', ordType: 'conditional', closeFraction: '' };

export function metaOfAlgo(state: SimState, algoId: string): AlgoMeta {
  return state.algoMeta.get(algoId) ?? UNKNOWN_ALGO;
}

/** The stored metadata, or for a child of a TP/SL algo: `source` 7 and the algo's ids. */
export function metaOfOrder(state: SimState, order: PortOrder): OrderMeta {
  const known = state.orderMeta.get(order.orderId);
  if (known) return known;
  const ordType = order.type === 'market' ? 'market' : 'limit';
  if (order.algoId !== undefined) {
    const algo = metaOfAlgo(state, order.algoId);
    const meta: OrderMeta = { clOrdId: '', tag: algo.tag, tdMode: algo.tdMode, ordType, algoClOrdId: algo.algoClOrdId, source: '7' };
    state.orderMeta.set(order.orderId, meta);
    return meta;
  }
  return { clOrdId: '', tag: '', tdMode: 'cross', ordType, algoClOrdId: '', source: '' };
}

/** `failCode` of an algo: the child's rejection code when it failed, `""` otherwise. */
export function failCodeOf(algo: PortAlgo): string {
  return algo.failReason === undefined ? '' : rejectionToItem(algo.failReason, '').sCode;
}
