/**
 * The unified symbol form `BASE/QUOTE:SETTLE` (as ccxt writes it) to and from Bybit perpetual
 * symbols. Pure. `BTC/USDT:USDT` ↔ `BTCUSDT` (linear, settled in USDT), `BTC/USD:BTC` ↔ `BTCUSD`
 * (inverse, settled in BTC), `BTC/USDC:USDC` ↔ `BTCPERP` (USDC perp).
 */
import { parseBybitSymbol } from './instrument-name.js';

const UNIFIED_RE = /^([A-Z0-9]+)\/([A-Z0-9]+):([A-Z0-9]+)$/;

/** True when `symbol` is written in the unified form (it has a slash). */
export function isUnifiedSymbol(symbol: string): boolean {
  return symbol.includes('/');
}

/** The Bybit symbol of a unified perpetual, or undefined when it names nothing this adapter trades. */
export function unifiedToBybit(unified: string): string | undefined {
  const m = UNIFIED_RE.exec(unified.trim().toUpperCase());
  if (!m) return undefined;
  const [, base = '', quote = '', settle = ''] = m;
  if (quote === 'USD' && settle === base) return `${base}USD`;
  if (quote === 'USDT' && settle === 'USDT') return `${base}USDT`;
  if (quote === 'USDC' && settle === 'USDC') return `${base}PERP`;
  return undefined;
}

/** The unified symbol of a Bybit perpetual, or undefined (futures and names it cannot express). */
export function bybitToUnified(symbol: string): string | undefined {
  const parsed = parseBybitSymbol(symbol);
  if (!parsed || parsed.kind !== 'perpetual') return undefined;
  const settle = parsed.category === 'inverse' ? parsed.base : parsed.quote;
  return `${parsed.base}/${parsed.quote}:${settle}`;
}

/** The native symbol for a symbol given natively or in unified form; one it cannot map comes back unchanged. */
export function toBybitSymbol(symbol: string): string {
  return isUnifiedSymbol(symbol) ? (unifiedToBybit(symbol) ?? symbol) : symbol;
}
