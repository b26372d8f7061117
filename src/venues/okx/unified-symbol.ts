/**
 * The unified symbol form `BASE/QUOTE:SETTLE[-YYMMDD[-STRIKE-C|P]]` (as ccxt writes it) to and from
 * OKX instIds. Pure. `BTC/USDT:USDT` is BTC-USDT-SWAP (linear, settled in USDT), `BTC/USD:BTC`
 * is BTC-USD-SWAP (inverse, settled in BTC), `BTC/USDT:USDT-250328` the linear future,
 * `BTC/USD:BTC-250328-60000-C` an option, `BTC/USDT` the spot pair.
 */
import { parseInstId } from './instrument-name.js';

const UNIFIED_RE = /^([A-Z0-9]+)\/([A-Z0-9]+)(?::([A-Z0-9]+)(?:-(\d{6})(?:-(\d+(?:\.\d+)?)-([CP]))?)?)?$/;

/** True when `symbol` is written in the unified form (it has a slash). */
export function isUnifiedSymbol(symbol: string): boolean {
  return symbol.includes('/');
}

/** The OKX instId for a unified symbol, or undefined when it names nothing OKX lists. */
export function unifiedToOkx(unified: string): string | undefined {
  const m = UNIFIED_RE.exec(unified.trim().toUpperCase());
  if (!m) return undefined;
  const [, base = '', quote = '', settle, yymmdd, strike, cp] = m;
  if (settle === undefined) return `${base}-${quote}`;
  // inverse: quoted in USD, settled in the base coin; linear: settled in the quote currency
  const inverse = quote === 'USD' && settle === base;
  const linear = settle === quote && quote !== 'USD';
  if (!inverse && !linear) return undefined;
  const family = `${base}-${quote}`;
  if (yymmdd === undefined) return `${family}-SWAP`;
  const id = strike === undefined ? `${family}-${yymmdd}` : `${family}-${yymmdd}-${strike}-${cp ?? ''}`;
  try {
    parseInstId(id); // rejects impossible dates
  } catch {
    return undefined;
  }
  return id;
}

/** The unified symbol of an OKX instId, or undefined for ids it cannot express (USD_UM families, unknown patterns). */
export function okxToUnified(instId: string): string | undefined {
  let parsed;
  try {
    parsed = parseInstId(instId);
  } catch {
    return undefined;
  }
  if (parsed.kind === 'spot') return `${parsed.base}/${parsed.quote}`;
  if (parsed.usdMargined) return undefined;
  // OKX families quoted in USD are coin-margined (inverse); every other quote settles in itself.
  const settle = parsed.quote === 'USD' ? parsed.base : parsed.quote;
  const head = `${parsed.base}/${parsed.quote}:${settle}`;
  switch (parsed.kind) {
    case 'perpetual':
      return head;
    case 'future':
      return `${head}-${parsed.expiry}`;
    case 'option':
      return `${head}-${parsed.expiry}-${parsed.strike.toString()}-${parsed.optionType === 'call' ? 'C' : 'P'}`;
  }
}

/** The instId for a symbol given natively or in unified form; a symbol it cannot map comes back unchanged. */
export function toOkxInstId(symbol: string): string {
  return isUnifiedSymbol(symbol) ? (unifiedToOkx(symbol) ?? symbol) : symbol;
}
