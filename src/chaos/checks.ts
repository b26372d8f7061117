/**
 * The end-of-run counts, pure: the simulator's own ledger (orders, fills, positions) against the
 * daemon's store, and the signals the runner fired against the answers it got.
 */

export interface VenueOrder {
  readonly orderId: string;
  readonly instrumentName: string;
  readonly label: string;
  readonly state: string;
  readonly reduceOnly: boolean;
  /** Set on the order a trigger (stop) order spawned when it fired: same label, not a second order. */
  readonly triggerOrderId?: string;
}

export interface VenueFill {
  readonly tradeId: string;
  readonly orderId: string;
  readonly label: string;
}

export interface StoreTrade {
  readonly id: string;
  readonly state: string;
}

export interface StoreSnapshot {
  readonly trades: readonly StoreTrade[];
  readonly legClientIds: ReadonlySet<string>;
  readonly fillIds: ReadonlySet<string>;
}

export const ACTIVE_TRADE_STATES: ReadonlySet<string> = new Set(['pending', 'entry_working', 'open', 'closing']);

/** Trade id of a daemon client id `<prefix><16 chars><leg letter><seq>`, or undefined for anything else. */
export function tradeIdOf(label: string, prefix: string): string | undefined {
  if (!label.startsWith(prefix)) return undefined;
  const m = /^([a-z0-9]{16})([ESTC])(\d{1,4})$/.exec(label.slice(prefix.length));
  return m?.[1];
}

function legOf(label: string, prefix: string): string | undefined {
  if (!label.startsWith(prefix)) return undefined;
  return /^[a-z0-9]{16}([ESTC])\d{1,4}$/.exec(label.slice(prefix.length))?.[1];
}

export interface Finding {
  readonly what: string;
  readonly detail: string;
}

/** Resting daemon orders whose trade the store does not hold as active. */
export function orphans(openOrders: readonly VenueOrder[], store: StoreSnapshot, prefix: string): Finding[] {
  const states = new Map(store.trades.map((t) => [t.id, t.state]));
  const out: Finding[] = [];
  for (const o of openOrders) {
    const tradeId = tradeIdOf(o.label, prefix);
    if (tradeId === undefined) continue;
    const state = states.get(tradeId);
    if (state === undefined || !ACTIVE_TRADE_STATES.has(state)) {
      out.push({
        what: 'orphan',
        detail: `${o.label} (${o.orderId}, ${o.instrumentName}, ${o.state}) rests but trade ${tradeId} is ${state ?? 'not in the store'}`,
      });
    }
  }
  return out;
}

/** Two venue orders with one client id, more than one entry order for a trade, or one signal that opened two trades. */
export function duplicates(
  allOrders: readonly VenueOrder[],
  prefix: string,
  signalTrades: ReadonlyMap<string, ReadonlySet<string>>,
): Finding[] {
  const out: Finding[] = [];
  const byLabel = new Map<string, VenueOrder[]>();
  const entriesByTrade = new Map<string, string[]>();
  for (const o of allOrders) {
    const tradeId = tradeIdOf(o.label, prefix);
    if (tradeId === undefined || o.triggerOrderId !== undefined) continue;
    byLabel.set(o.label, [...(byLabel.get(o.label) ?? []), o]);
    if (legOf(o.label, prefix) === 'E') entriesByTrade.set(tradeId, [...(entriesByTrade.get(tradeId) ?? []), o.label]);
  }
  for (const [label, list] of byLabel) {
    if (list.length > 1) out.push({ what: 'same client id twice', detail: `${label}: orders ${list.map((o) => o.orderId).join(', ')}` });
  }
  for (const [tradeId, labels] of entriesByTrade) {
    if (labels.length > 1) out.push({ what: 'two entries for one trade', detail: `${tradeId}: ${labels.join(', ')}` });
  }
  for (const [signalId, trades] of signalTrades) {
    if (trades.size > 1) out.push({ what: 'one signal, two trades', detail: `${signalId}: ${[...trades].join(', ')}` });
  }
  return out;
}

/** Daemon orders and fills in the venue's ledger that the store does not hold. */
export function lostRecords(
  allOrders: readonly VenueOrder[],
  fills: readonly VenueFill[],
  store: StoreSnapshot,
  prefix: string,
): Finding[] {
  const out: Finding[] = [];
  const known = new Set(store.trades.map((t) => t.id));
  for (const o of allOrders) {
    const tradeId = tradeIdOf(o.label, prefix);
    if (tradeId === undefined || o.triggerOrderId !== undefined) continue;
    if (!known.has(tradeId))
      out.push({ what: 'order of an unknown trade', detail: `${o.label} (${o.orderId}): trade ${tradeId} is not in the store` });
    else if (!store.legClientIds.has(o.label))
      out.push({ what: 'order not in the store', detail: `${o.label} (${o.orderId}, ${o.state})` });
  }
  for (const f of fills) {
    if (tradeIdOf(f.label, prefix) === undefined) continue;
    if (!store.fillIds.has(f.tradeId))
      out.push({ what: 'fill not in the store', detail: `fill ${f.tradeId} of ${f.label} (${f.orderId})` });
  }
  return out;
}

/** Every occurrence of any secret in `text`. */
export function countSecrets(text: string, secrets: readonly string[]): number {
  let n = 0;
  for (const s of secrets) {
    if (s.length < 6) continue;
    let at = text.indexOf(s);
    while (at >= 0) {
      n += 1;
      at = text.indexOf(s, at + s.length);
    }
  }
  return n;
}
