/** Deribit subscription channel names the simulator serves, parsed into typed specs. */
import type { Currency, InstrumentKind } from '../engine/types.js';

export type Interval = 'raw' | '100ms' | 'agg2';
const INTERVALS: readonly Interval[] = ['raw', '100ms', 'agg2'];
const KINDS = ['future', 'option', 'spot', 'future_combo', 'option_combo', 'combo', 'any'] as const;
const CURRENCIES = ['BTC', 'ETH', 'USDC', 'USDT', 'EURR', 'ANY'] as const;

export type KindFilter = (typeof KINDS)[number];
export type CurrencyFilter = 'BTC' | 'ETH' | 'USDC' | 'USDT' | 'EURR' | 'any';

export type UserScope = { instrument: string } | { kind: KindFilter; currency: CurrencyFilter };

/** Grouped-book parameters: price group (`none` = exact prices) and top-N depth. */
export type BookGroup = 'none' | number;

export type ChannelSpec =
  | { kind: 'ticker'; instrument: string; interval: Interval }
  | { kind: 'book'; instrument: string; interval: Interval }
  | { kind: 'book.grouped'; instrument: string; group: BookGroup; depth: 1 | 10 | 20; interval: '100ms' | 'agg2' }
  | { kind: 'trades'; scope: UserScope; interval: Interval }
  | { kind: 'quote'; instrument: string }
  | { kind: 'price_index'; currency: Currency; indexName: string }
  | { kind: 'user.orders' | 'user.trades' | 'user.changes'; scope: UserScope; interval: Interval }
  | { kind: 'user.portfolio'; currency: Currency | 'any' };

function parseInterval(s: string | undefined): Interval | undefined {
  return INTERVALS.find((i) => i === s);
}

function parseCurrency(s: string | undefined): CurrencyFilter | undefined {
  const up = s?.toUpperCase();
  const c = CURRENCIES.find((x) => x === up);
  if (c === undefined) return undefined;
  return c === 'ANY' ? 'any' : c;
}

/** Price groups of the grouped book channel per currency, as sent in the channel name (docs 4.2). */
const BOOK_GROUPS: Record<string, readonly string[]> = {
  BTC: ['none', '1', '2', '5', '10'],
  ETH: ['none', '5', '10', '25', '100', '250'],
};

/** The group's price step: BTC values as they are, ETH values / 100 (docs 4.2: ETH 5 → 0.05). */
export function bookGroupStep(currency: string, group: BookGroup): number | undefined {
  if (group === 'none') return undefined;
  return currency === 'ETH' ? group / 100 : group;
}

/**
 * Channel families the venue has and the simulator does not serve. Subscribing to one is refused
 * with 11052 rather than left out of the result without a word.
 */
const UNSERVED_FAMILIES = [
  'incremental_ticker',
  'markprice',
  'perpetual',
  'estimated_expiration_price',
  'instrument',
  'platform_state',
  'chart',
  'deribit_volatility_index',
  'block_rfq',
  'block_trade_confirmations',
  'user.lock',
  'user.mmp_trigger',
  'user.access_log',
];

/** True for a channel name of a family the venue publishes but the simulator does not. */
export function isUnservedChannel(name: string): boolean {
  return UNSERVED_FAMILIES.some((f) => name === f || name.startsWith(`${f}.`));
}

/** Parses a channel name; undefined for unknown channels or instruments (they are left out of the result). */
export function parseChannel(
  name: string,
  instrumentExists: (instrument: string) => boolean,
  currencyOf?: (instrument: string) => string | undefined,
): ChannelSpec | undefined {
  const parts = name.split('.');
  const [head, second] = parts;
  if (head === 'ticker' && parts.length === 3) {
    const instrument = parts[1] ?? '';
    const interval = parseInterval(parts[2]);
    return interval && instrumentExists(instrument) ? { kind: 'ticker', instrument, interval } : undefined;
  }
  if (head === 'quote' && parts.length === 2) {
    const instrument = parts[1] ?? '';
    return instrumentExists(instrument) ? { kind: 'quote', instrument } : undefined;
  }
  if (head === 'book' && parts.length === 3) {
    const instrument = parts[1] ?? '';
    const interval = parseInterval(parts[2]);
    return interval && instrumentExists(instrument) ? { kind: 'book', instrument, interval } : undefined;
  }
  if (head === 'book' && parts.length === 5) {
    const instrument = parts[1] ?? '';
    const [, , group, depth, interval] = parts;
    if (!instrumentExists(instrument) || (interval !== '100ms' && interval !== 'agg2')) return undefined;
    if (depth !== '1' && depth !== '10' && depth !== '20') return undefined;
    const groups = BOOK_GROUPS[currencyOf?.(instrument) ?? ''] ?? ['none'];
    if (group === undefined || !groups.includes(group)) return undefined;
    return {
      kind: 'book.grouped',
      instrument,
      group: group === 'none' ? 'none' : Number(group),
      depth: Number(depth) as 1 | 10 | 20,
      interval,
    };
  }
  if (head === 'trades' && parts.length === 3) {
    const instrument = parts[1] ?? '';
    const interval = parseInterval(parts[2]);
    return interval && instrumentExists(instrument) ? { kind: 'trades', scope: { instrument }, interval } : undefined;
  }
  if (head === 'trades' && parts.length === 4) {
    const k = KINDS.find((x) => x === parts[1]);
    const c = parseCurrency(parts[2]);
    const interval = parseInterval(parts[3]);
    return k && c && interval ? { kind: 'trades', scope: { kind: k, currency: c }, interval } : undefined;
  }
  if (head === 'deribit_price_index' && parts.length === 2) {
    if (second === 'btc_usd') return { kind: 'price_index', currency: 'BTC', indexName: second };
    if (second === 'eth_usd') return { kind: 'price_index', currency: 'ETH', indexName: second };
    return undefined;
  }
  if (head !== 'user') return undefined;
  if (second === 'portfolio' && parts.length === 3) {
    const c = parseCurrency(parts[2]);
    if (c === 'BTC' || c === 'ETH' || c === 'any') return { kind: 'user.portfolio', currency: c };
    return undefined;
  }
  if (second !== 'orders' && second !== 'trades' && second !== 'changes') return undefined;
  const kind = `user.${second}` as const;
  if (parts.length === 4) {
    const instrument = parts[2] ?? '';
    const interval = parseInterval(parts[3]);
    return interval && instrumentExists(instrument) ? { kind, scope: { instrument }, interval } : undefined;
  }
  if (parts.length === 5) {
    const k = KINDS.find((x) => x === parts[2]);
    const c = parseCurrency(parts[3]);
    const interval = parseInterval(parts[4]);
    return k && c && interval ? { kind, scope: { kind: k, currency: c }, interval } : undefined;
  }
  return undefined;
}

/** Public channels whose `raw` interval needs an authenticated connection (13778). */
export function rawNeedsAuth(spec: ChannelSpec): boolean {
  return (spec.kind === 'ticker' || spec.kind === 'book' || spec.kind === 'trades') && spec.interval === 'raw';
}

export function isPrivateChannel(spec: ChannelSpec): boolean {
  return spec.kind.startsWith('user.');
}

export function channelInterval(spec: ChannelSpec): Interval {
  return 'interval' in spec ? spec.interval : '100ms';
}

/** True when an event on this instrument belongs to the user channel's scope. */
export function scopeMatches(scope: UserScope, inst: { name: string; kind: InstrumentKind; currency: Currency }): boolean {
  if ('instrument' in scope) return scope.instrument === inst.name;
  return (scope.kind === 'any' || scope.kind === inst.kind) && (scope.currency === 'any' || scope.currency === inst.currency);
}
