/**
 * The unified symbol form `BASE/QUOTE:SETTLE[-YYMMDD[-STRIKE-C|P]]` (as ccxt writes it) to and from
 * Deribit instrument names. Pure. `BTC/USD:BTC` is BTC-PERPETUAL (inverse, settled in BTC),
 * `BTC/USDC:USDC` is BTC_USDC-PERPETUAL (linear), `BTC/USD:BTC-261225` the 25DEC26 future,
 * `BTC/USD:BTC-261225-60000-C` an option, `BTC/USDC` the spot pair.
 */
import { DERIBIT_EXPIRY_HOUR_UTC, formatExpiryCode, parseInstrumentName } from './instrument-name.js';

const UNIFIED_RE = /^([A-Z0-9]+)\/([A-Z0-9]+)(?::([A-Z0-9]+)(?:-(\d{6})(?:-(\d+(?:\.\d+)?)-([CP]))?)?)?$/;

/** True when `symbol` is written in the unified form (it has a slash). */
export function isUnifiedSymbol(symbol: string): boolean {
  return symbol.includes('/');
}

/** The Deribit name for a unified symbol, or undefined when it names nothing Deribit lists. */
export function unifiedToDeribit(unified: string): string | undefined {
  const m = UNIFIED_RE.exec(unified.trim().toUpperCase());
  if (!m) return undefined;
  const [, base = '', quote = '', settle, yymmdd, strike, cp] = m;
  if (settle === undefined) return `${base}_${quote}`; // spot
  // inverse: quoted in USD, settled in the base coin; linear: settled in the quote currency
  const inverse = quote === 'USD' && settle === base;
  const linear = settle === quote && quote !== 'USD';
  if (!inverse && !linear) return undefined;
  const prefix = inverse ? base : `${base}_${quote}`;
  if (yymmdd === undefined) return `${prefix}-PERPETUAL`;
  const yy = Number(yymmdd.slice(0, 2));
  const mm = Number(yymmdd.slice(2, 4));
  const dd = Number(yymmdd.slice(4, 6));
  const ms = Date.UTC(2000 + yy, mm - 1, dd, DERIBIT_EXPIRY_HOUR_UTC);
  const d = new Date(ms);
  if (mm < 1 || mm > 12 || d.getUTCDate() !== dd) return undefined;
  const expiry = formatExpiryCode(ms);
  if (strike === undefined) return `${prefix}-${expiry}`;
  return `${prefix}-${expiry}-${strike.replace('.', 'd')}-${cp}`;
}

/** The unified symbol of a Deribit instrument name, or undefined for names it cannot express (combos). */
export function deribitToUnified(name: string): string | undefined {
  let parsed;
  try {
    parsed = parseInstrumentName(name);
  } catch {
    return undefined;
  }
  if (parsed.kind === 'spot') return `${parsed.base}/${parsed.quote}`;
  if (parsed.kind === 'future_combo') return undefined;
  const settle = parsed.linear ? parsed.quote : parsed.base;
  const head = `${parsed.base}/${parsed.quote}:${settle}`;
  if (parsed.kind === 'perpetual') return head;
  const d = new Date(parsed.expiryMs);
  const yymmdd = `${String(d.getUTCFullYear() % 100).padStart(2, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  if (parsed.kind === 'future') return `${head}-${yymmdd}`;
  return `${head}-${yymmdd}-${parsed.strike.toString()}-${parsed.optionType === 'call' ? 'C' : 'P'}`;
}
