/** Deribit subscription channel names the simulator serves, parsed into typed specs. */
import type { Currency, InstrumentKind } from '../engine/types.js';

export type Interval = 'raw' | '100ms' | 'agg2';
const INTERVALS: readonly Interval[] = ['raw', '100ms', 'agg2'];
const KINDS = ['future', 'option', 'spot', 'future_combo', 'option_combo', 'combo', 'any'] as const;
const CURRENCIES = ['BTC', 'ETH', 'USDC', 'USDT', 'EURR', 'ANY'] as const;

export type KindFilter = (typeof KINDS)[number];
export type CurrencyFilter = 'BTC' | 'ETH' | 'USDC' | 'USDT' | 'EURR' | 'any';

export type UserScope = { instrument: string } | { kind: KindFilter; currency: CurrencyFilter };

export type ChannelSpec =
  | { kind: 'ticker'; instrument: string; interval: Interval }
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

/** Parses a channel name; undefined for unknown channels or instruments (they are left out of the result). */
export function parseChannel(name: string, instrumentExists: (instrument: string) => boolean): ChannelSpec | undefined {
  const parts = name.split('.');
  const [head, second] = parts;
  if (head === 'ticker' && parts.length === 3) {
    const instrument = parts[1] ?? '';
    const interval = parseInterval(parts[2]);
    return interval && instrumentExists(instrument) ? { kind: 'ticker', instrument, interval } : undefined;
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
