/** Deribit instrument names (spec 5.2) and order label rules (spec 6.1). Pure. */
import { Decimal } from '../../domain/decimal.js';
import type { OptionType } from '../../domain/instrument.js';
import { DeribitParseError, DeribitRequestError } from './errors.js';

/**
 * What a name says about an instrument. `quote` is the pair's quote currency: `USD` for inverse
 * names (`BTC-…`), the suffix for linear/spot names (`BTC_USDC-…` → `USDC`). Prefer the instrument
 * record's own fields when you have it.
 */
export type ParsedInstrumentName =
  | { readonly kind: 'perpetual'; readonly name: string; readonly base: string; readonly quote: string; readonly linear: boolean }
  | {
      readonly kind: 'future';
      readonly name: string;
      readonly base: string;
      readonly quote: string;
      readonly linear: boolean;
      readonly expiryMs: number;
    }
  | {
      readonly kind: 'option';
      readonly name: string;
      readonly base: string;
      readonly quote: string;
      readonly linear: boolean;
      readonly expiryMs: number;
      readonly strike: Decimal;
      readonly optionType: OptionType;
    }
  | { readonly kind: 'spot'; readonly name: string; readonly base: string; readonly quote: string }
  | {
      readonly kind: 'future_combo';
      readonly name: string;
      readonly base: string;
      readonly quote: string;
      readonly linear: boolean;
      /** Leg codes as written, e.g. `['26DEC25', 'PERP']`. */
      readonly legs: readonly string[];
    };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;

/** Deribit expiries are at 08:00 UTC. */
export const DERIBIT_EXPIRY_HOUR_UTC = 8;

const CCY = '([A-Z0-9]+)(?:_([A-Z0-9]+))?';
// Day of month has 1 or 2 digits and no zero pad: BTC-5AUG23, BTC-27DEC26.
const EXPIRY = '([1-9]\\d?[A-Z]{3}\\d{2})';
const PERPETUAL_RE = new RegExp(`^${CCY}-PERPETUAL$`);
const FUTURE_RE = new RegExp(`^${CCY}-${EXPIRY}$`);
const OPTION_RE = new RegExp(`^${CCY}-${EXPIRY}-(\\d+(?:d\\d+)?)-([CP])$`);
const COMBO_RE = new RegExp(`^${CCY}-FS-([A-Z0-9]+)_([A-Z0-9]+)$`);
const SPOT_RE = /^([A-Z0-9]+)_([A-Z0-9]+)$/;

/**
 * Parses an expiry code like `27DEC26` or `5AUG23` into epoch ms at 08:00 UTC. Throws a
 * DeribitParseError naming `field` for anything else (zero-padded days, unknown months, 31FEB).
 */
export function parseExpiryCode(code: string, field = 'expiry'): number {
  const m = /^([1-9]\d?)([A-Z]{3})(\d{2})$/.exec(code);
  const month = m ? (MONTHS as readonly string[]).indexOf(m[2] ?? '') : -1;
  if (!m || month < 0) throw new DeribitParseError(field, `not a Deribit expiry code: ${JSON.stringify(code)}`);
  const day = Number(m[1]);
  const year = 2000 + Number(m[3]);
  const ms = Date.UTC(year, month, day, DERIBIT_EXPIRY_HOUR_UTC);
  if (new Date(ms).getUTCDate() !== day) throw new DeribitParseError(field, `no such date: ${JSON.stringify(code)}`);
  return ms;
}

/** Formats epoch ms as a Deribit expiry code (`27DEC26`, day without zero pad), in UTC. */
export function formatExpiryCode(expiryMs: number): string {
  const d = new Date(expiryMs);
  const month = MONTHS[d.getUTCMonth()] ?? 'JAN';
  return `${d.getUTCDate()}${month}${String(d.getUTCFullYear() % 100).padStart(2, '0')}`;
}

/** Parses a linear-option strike: `d` stands for the decimal point (`0d625` → 0.625). */
export function parseStrike(text: string): Decimal {
  return Decimal.from(text.replace('d', '.'));
}

/**
 * Parses an instrument name: `BTC-PERPETUAL`, `BTC_USDC-PERPETUAL`, `BTC-27DEC26`,
 * `BTC-27DEC26-60000-C`, `XRP_USDC-30JUN23-0d625-C`, `BTC_USDC` (spot), `BTC-FS-26DEC25_PERP` (combo).
 * Throws a DeribitParseError naming the name for any other pattern.
 */
export function parseInstrumentName(name: string): ParsedInstrumentName {
  const field = `instrument_name ${JSON.stringify(name)}`;
  let m = PERPETUAL_RE.exec(name);
  if (m) {
    const [, base = '', quote] = m;
    return { kind: 'perpetual', name, base, quote: quote ?? 'USD', linear: quote !== undefined };
  }
  m = FUTURE_RE.exec(name);
  if (m) {
    const [, base = '', quote, expiry = ''] = m;
    return { kind: 'future', name, base, quote: quote ?? 'USD', linear: quote !== undefined, expiryMs: parseExpiryCode(expiry, field) };
  }
  m = OPTION_RE.exec(name);
  if (m) {
    const [, base = '', quote, expiry = '', strike = '', cp] = m;
    return {
      kind: 'option',
      name,
      base,
      quote: quote ?? 'USD',
      linear: quote !== undefined,
      expiryMs: parseExpiryCode(expiry, field),
      strike: parseStrike(strike),
      optionType: cp === 'C' ? 'call' : 'put',
    };
  }
  m = COMBO_RE.exec(name);
  if (m) {
    const [, base = '', quote, leg1 = '', leg2 = ''] = m;
    return { kind: 'future_combo', name, base, quote: quote ?? 'USD', linear: quote !== undefined, legs: [leg1, leg2] };
  }
  m = SPOT_RE.exec(name);
  if (m) {
    const [, base = '', quote = ''] = m;
    return { kind: 'spot', name, base, quote };
  }
  throw new DeribitParseError(field, 'unrecognised Deribit instrument name pattern');
}

/** Deribit's maximum order label length. */
export const MAX_LABEL_LENGTH = 64;

/**
 * Checks that `label` can be sent as an order label (our client id): non-empty and at most 64
 * characters. Returns it unchanged, or throws a DeribitRequestError naming `label`.
 */
export function validateLabel(label: string): string {
  if (label.length === 0) throw new DeribitRequestError('label', 'must not be empty (it carries the client order id)');
  const length = [...label].length;
  if (length > MAX_LABEL_LENGTH) {
    throw new DeribitRequestError('label', `is ${length} characters; Deribit allows at most ${MAX_LABEL_LENGTH}`);
  }
  return label;
}
