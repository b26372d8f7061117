/** Bybit native symbol names (spec 10): `BTCUSDT` linear USDT perp, `BTCPERP` USDC perp, `BTCUSD` inverse perp, `BTCUSDZ26` inverse future, `BTCUSDT-21FEB25` USDT future. */

export interface BybitSymbolName {
  readonly base: string;
  readonly quote: string;
  /** The category the name implies. Take the real one from instruments-info; this is a fallback. */
  readonly category: 'linear' | 'inverse';
  readonly kind: 'perpetual' | 'future';
  /** `-21FEB25` or `Z26` suffix as written, for futures. */
  readonly expiryCode?: string;
}

const USDT_FUTURE_RE = /^([A-Z0-9]+)USDT-(\d{2}[A-Z]{3}\d{2})$/;
const INVERSE_FUTURE_RE = /^([A-Z0-9]+)USD([HMUZ]\d{2})$/;
const PERP_RE = /^([A-Z0-9]+?)(USDT|USDC|USD|PERP)$/;

/** Splits a native linear/inverse symbol; undefined for names this adapter does not trade (spot, options, USDC futures). */
export function parseBybitSymbol(symbol: string): BybitSymbolName | undefined {
  let m = USDT_FUTURE_RE.exec(symbol);
  if (m) return { base: m[1] ?? '', quote: 'USDT', category: 'linear', kind: 'future', expiryCode: m[2] ?? '' };
  m = INVERSE_FUTURE_RE.exec(symbol);
  if (m) return { base: m[1] ?? '', quote: 'USD', category: 'inverse', kind: 'future', expiryCode: m[2] ?? '' };
  m = PERP_RE.exec(symbol);
  if (!m) return undefined;
  const base = m[1] ?? '';
  const suffix = m[2] ?? '';
  if (base === '') return undefined;
  if (suffix === 'PERP') return { base, quote: 'USDC', category: 'linear', kind: 'perpetual' };
  return { base, quote: suffix, category: suffix === 'USD' ? 'inverse' : 'linear', kind: 'perpetual' };
}

/** The category a native symbol implies (`BTCUSD` → inverse, `BTCUSDT` → linear); undefined when it cannot tell. */
export function categoryOfSymbol(symbol: string): 'linear' | 'inverse' | undefined {
  return parseBybitSymbol(symbol)?.category;
}
