/** Field parsers for venue payloads: accept JSON numbers and numeric strings, and name the field path when they fail. */
import { Decimal } from '../../domain/decimal.js';
import { DaemonError } from '../../domain/errors.js';

/** A wire payload field could not be read; `fieldPath` names it (e.g. 'order.filled_amount'). Code 'WIRE_PARSE'. */
export class WireParseError extends DaemonError {
  constructor(
    readonly fieldPath: string,
    readonly expected: string,
    readonly received: unknown,
  ) {
    super('WIRE_PARSE', `${fieldPath}: expected ${expected}, got ${describe(received)}`);
  }
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (field missing)';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const text = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return value === '' ? 'an empty string' : `the string ${JSON.stringify(text)}`;
  }
  if (typeof value === 'number') return `the number ${value}`;
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * Parses a decimal from a JSON number or a numeric string ("0.1", "-5", "1e-8"). Throws
 * WireParseError naming `fieldPath` for anything else (empty string, null, NaN, "abc").
 */
export function parseDecimal(value: unknown, fieldPath: string): Decimal {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new WireParseError(fieldPath, 'a finite decimal', value);
    return Decimal.from(value);
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (NUMERIC.test(text)) return Decimal.from(text);
  }
  throw new WireParseError(fieldPath, 'a decimal (JSON number or numeric string)', value);
}

/**
 * Like parseDecimal, but missing, null and "" (venues' "not set": Bybit's empty TP/SL, Deribit's
 * absent `filled_amount` on untriggered orders) give undefined.
 */
export function parseOptionalDecimal(value: unknown, fieldPath: string): Decimal | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return parseDecimal(value, fieldPath);
}

/**
 * Parses epoch milliseconds from a JSON integer or an integer string ("1700000001234"). Throws
 * WireParseError naming `fieldPath` for fractions, negatives, non-numbers and unsafe integers.
 */
export function parseMillis(value: unknown, fieldPath: string): number {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string' && INTEGER.test(value.trim())) ms = Number(value.trim());
  if (ms === undefined || !Number.isSafeInteger(ms) || ms < 0) {
    throw new WireParseError(fieldPath, 'epoch milliseconds (non-negative integer, number or string)', value);
  }
  return ms;
}

/** Like parseMillis, but missing, null, "" and "0" (unset timestamps) give undefined. */
export function parseOptionalMillis(value: unknown, fieldPath: string): number | undefined {
  if (value === undefined || value === null || value === '' || value === '0' || value === 0) return undefined;
  return parseMillis(value, fieldPath);
}

/** Returns a non-empty string field or throws WireParseError naming `fieldPath`. */
export function parseString(value: unknown, fieldPath: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new WireParseError(fieldPath, 'a non-empty string', value);
}
