/** OKX instrument ids (spec 10) and the id rules of clOrdId / algoClOrdId / tag / WS request id (spec 5, 6, 12.17). Pure. */
import { Decimal } from '../../domain/decimal.js';
import type { OptionType } from '../../domain/instrument.js';
import { OkxParseError, OkxRequestError } from './errors.js';

/**
 * What an `instId` says. `quote` is the family's second part: `USDT` for `BTC-USDT-SWAP`, `USD`
 * for coin-margined `BTC-USD-SWAP` (and `USD_UM` families report `USD` with `usdMargined`). Prefer
 * the instrument record's fields (`settleCcy`, `ctType`) when you have it.
 */
export type ParsedInstId =
  | { readonly kind: 'spot'; readonly instId: string; readonly base: string; readonly quote: string }
  | { readonly kind: 'perpetual'; readonly instId: string; readonly base: string; readonly quote: string; readonly usdMargined: boolean }
  | {
      readonly kind: 'future';
      readonly instId: string;
      readonly base: string;
      readonly quote: string;
      readonly usdMargined: boolean;
      readonly expiry: string;
    }
  | {
      readonly kind: 'option';
      readonly instId: string;
      readonly base: string;
      readonly quote: string;
      readonly usdMargined: boolean;
      readonly expiry: string;
      readonly strike: Decimal;
      readonly optionType: OptionType;
    };

const CCY = '([A-Z0-9]+)';
const FAMILY = `${CCY}-${CCY}(_UM)?`;
const SPOT_RE = new RegExp(`^${CCY}-${CCY}$`);
const SWAP_RE = new RegExp(`^${FAMILY}-SWAP$`);
const FUTURE_RE = new RegExp(`^${FAMILY}-(\\d{6})$`);
const OPTION_RE = new RegExp(`^${FAMILY}-(\\d{6})-(\\d+(?:\\.\\d+)?)-([CP])$`);

/**
 * Parses `BTC-USDT` (spot), `BTC-USDT-SWAP`, `BTC-USD-SWAP`, `BTC-USD-250328` (future, YYMMDD),
 * `BTC-USD-250328-60000-C` (option), `BTC-USD_UM-SWAP`. Throws an OkxParseError naming the id for
 * any other pattern or an impossible date.
 */
export function parseInstId(instId: string): ParsedInstId {
  const field = `instId ${JSON.stringify(instId)}`;
  let m = SWAP_RE.exec(instId);
  if (m) {
    const [, base = '', quote = '', um] = m;
    return { kind: 'perpetual', instId, base, quote, usdMargined: um !== undefined };
  }
  m = FUTURE_RE.exec(instId);
  if (m) {
    const [, base = '', quote = '', um, expiry = ''] = m;
    checkYymmdd(expiry, field);
    return { kind: 'future', instId, base, quote, usdMargined: um !== undefined, expiry };
  }
  m = OPTION_RE.exec(instId);
  if (m) {
    const [, base = '', quote = '', um, expiry = '', strike = '', cp] = m;
    checkYymmdd(expiry, field);
    return {
      kind: 'option',
      instId,
      base,
      quote,
      usdMargined: um !== undefined,
      expiry,
      strike: Decimal.from(strike),
      optionType: cp === 'C' ? 'call' : 'put',
    };
  }
  m = SPOT_RE.exec(instId);
  if (m) {
    const [, base = '', quote = ''] = m;
    return { kind: 'spot', instId, base, quote };
  }
  throw new OkxParseError(field, 'unrecognised OKX instId pattern');
}

/** Epoch ms of a `YYMMDD` date at 00:00 UTC (OKX expiries are at 08:00 UTC; use the record's `expTime` for the instant). */
function checkYymmdd(yymmdd: string, field: string): number {
  const yy = Number(yymmdd.slice(0, 2));
  const mm = Number(yymmdd.slice(2, 4));
  const dd = Number(yymmdd.slice(4, 6));
  const ms = Date.UTC(2000 + yy, mm - 1, dd);
  const d = new Date(ms);
  if (mm < 1 || mm > 12 || d.getUTCDate() !== dd) throw new OkxParseError(field, `no such date: ${yymmdd}`);
  return ms;
}

/** The perpetual swap id of a family: `swapInstId('BTC', 'USDT')` → `BTC-USDT-SWAP`. */
export function swapInstId(base: string, quote: string): string {
  return `${base}-${quote}-SWAP`;
}

// ---- client ids -----------------------------------------------------------------------------

/** clOrdId, algoClOrdId, attachAlgoClOrdId and the WS request `id`: 1–32 letters or digits, case-sensitive. */
export const MAX_CLIENT_ORDER_ID_LENGTH = 32;
/** `tag`: 1–16 letters or digits. */
export const MAX_TAG_LENGTH = 16;

const ALNUM_RE = /^[A-Za-z0-9]+$/;

/** True when `id` is a valid clOrdId / algoClOrdId / WS id: 1–32 ASCII letters or digits. */
export function isValidClientOrderId(id: string): boolean {
  return id.length >= 1 && id.length <= MAX_CLIENT_ORDER_ID_LENGTH && ALNUM_RE.test(id);
}

/**
 * Checks a clOrdId / algoClOrdId (`field` names which) and returns it unchanged; throws an
 * OkxRequestError otherwise. No silent repair: our client ids are derived from the trade id, and
 * a rewritten id could not be looked up again after a timeout.
 */
export function validateClientOrderId(id: string, field = 'clOrdId'): string {
  if (id.length === 0) throw new OkxRequestError(field, 'must not be empty (it carries the client order id)');
  if (id.length > MAX_CLIENT_ORDER_ID_LENGTH)
    throw new OkxRequestError(field, `is ${id.length} characters; OKX allows at most ${MAX_CLIENT_ORDER_ID_LENGTH}`);
  if (!ALNUM_RE.test(id))
    throw new OkxRequestError(field, `${JSON.stringify(id)} has characters other than letters and digits (OKX allows only [A-Za-z0-9])`);
  return id;
}

/** Checks a `tag` (1–16 letters/digits); throws an OkxRequestError otherwise. */
export function validateTag(tag: string): string {
  if (tag.length === 0 || tag.length > MAX_TAG_LENGTH || !ALNUM_RE.test(tag)) {
    throw new OkxRequestError('tag', `${JSON.stringify(tag)} must be 1-${MAX_TAG_LENGTH} letters or digits`);
  }
  return tag;
}

/**
 * A WS request id from any text (a UUID, a counter with a prefix): keeps letters and digits only
 * and the last 32 of them. For request ids only, never for clOrdId.
 */
export function toWsRequestId(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9]/g, '');
  if (cleaned === '') throw new OkxRequestError('id', `${JSON.stringify(text)} has no letters or digits`);
  return cleaned.slice(-MAX_CLIENT_ORDER_ID_LENGTH);
}
