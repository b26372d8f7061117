/** Deribit-shaped order, trigger-order and trade ids for the engine (BTC plain numbers, other coins prefixed; stops like `ETH-SLMS-3`). */
import type { IdScheme } from '../engine/types.js';

export const DERIBIT_IDS: IdScheme = {
  order: (inst, seq) => (inst.currency === 'BTC' ? String(seq) : `${inst.currency}-${seq}`),
  trigger: (inst, order, seq) => {
    const family = order.type.startsWith('stop') ? 'SL' : 'TP';
    const trig = order.trigger === 'index_price' ? 'I' : order.trigger === 'last_price' ? 'T' : 'M';
    return `${inst.currency}-${family}${trig}${order.direction === 'buy' ? 'B' : 'S'}-${seq}`;
  },
  trade: (inst, seq) => (inst.currency === 'BTC' ? String(seq) : `${inst.currency}-${seq}`),
};
