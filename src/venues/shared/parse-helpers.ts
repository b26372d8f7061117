/** The wire-field readers every venue parser uses (decimals, unparsed hot-path decimals, epoch ms, strings, schema checks); a failure names the field and carries one error code. */
import type { z } from 'zod';
import { Decimal } from '../../domain/decimal.js';
import { DaemonError } from '../../domain/errors.js';
import { isWireDecimal, type WireDecimal } from './lazy-ticker.js';

/** The one error code of a venue payload that does not have the shape or values we rely on. */
export const PAYLOAD_INVALID = 'VENUE_PAYLOAD_INVALID';

/** A venue payload field could not be read; `field` is its path, e.g. `order.filled_amount`. */
export class WirePayloadError extends DaemonError {
  constructor(
    readonly venue: string,
    readonly field: string,
    detail: string,
  ) {
    super(PAYLOAD_INVALID, `${venue}: ${field}: ${detail}`);
  }
}

/** A short, bounded description of a bad wire value for error messages (an oversized value must not flood the log). */
export function describeWire(value: unknown): string {
  if (value === undefined) return 'nothing (field missing)';
  const text =
    typeof value === 'string'
      ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
      : typeof value === 'object' && value !== null
        ? Array.isArray(value)
          ? 'an array'
          : 'an object'
        : String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** How a venue's readers behave: its name and error type, and its wire habits. */
export interface WireReaderOptions {
  readonly venue: string;
  /** Builds the error for a bad field (it must carry code VENUE_PAYLOAD_INVALID). Default: a WirePayloadError. */
  readonly fail?: (field: string, detail: string) => WirePayloadError;
  /**
   * Whether `""` means "not set" (OKX and Bybit send `""` for empty prices and times; Deribit leaves
   * the field out, so there `""` is an error). Default false.
   */
  readonly emptyStringIsAbsent?: boolean;
}

/**
 * One venue's field readers. Plain closures (no `this`), so a parser may take them apart. Readers
 * that take `(value, path, key)` build the field path only on failure: use them on the hot path.
 */
export interface WireReader {
  /** Throws the venue's payload error for `field`. */
  fail(field: string, detail: string): never;
  /** A required decimal from a JSON number or a decimal string (exact: no float artefacts). */
  decimal(value: unknown, field: string): Decimal;
  /** An optional decimal: absent (undefined, null, and `""` where the venue means "not set") gives undefined; garbage throws. */
  optionalDecimal(value: unknown, field: string): Decimal | undefined;
  /** A required decimal left as the venue sent it (checked by a character scan, parsed later on demand). */
  wireDecimalAt(value: unknown, path: string, key: string): WireDecimal;
  /** An optional unparsed decimal: absent gives undefined; garbage throws. */
  optionalWireDecimalAt(value: unknown, path: string, key: string): WireDecimal | undefined;
  /** Epoch milliseconds from a JSON integer or an integer string (`"1700000001234"`, OKX and Bybit). */
  millisAt(value: unknown, path: string, key: string): number;
  /** A required non-empty string. */
  stringAt(value: unknown, path: string, key: string): string;
  /** Validates against a zod schema; a failure names the first bad field under `root` (e.g. `private/buy.result.order.amount`). */
  validate<T extends z.ZodType>(schema: T, value: unknown, root: string): z.output<T>;
}

const INTEGER_TEXT = /^-?\d{1,16}$/;

/** Builds the field readers of one venue. */
export function createWireReader(options: WireReaderOptions): WireReader {
  const { venue } = options;
  const emptyIsAbsent = options.emptyStringIsAbsent ?? false;
  const makeError = options.fail ?? ((field: string, detail: string) => new WirePayloadError(venue, field, detail));
  const fail = (field: string, detail: string): never => {
    throw makeError(field, detail);
  };
  const absent = (value: unknown): boolean => value === undefined || value === null || (emptyIsAbsent && value === '');

  const decimal = (value: unknown, field: string): Decimal => {
    if (absent(value)) return fail(field, 'missing');
    if (typeof value === 'number' || typeof value === 'string') {
      try {
        return Decimal.from(value);
      } catch {
        // falls through to the error naming the field
      }
    }
    return fail(field, `not a number: ${describeWire(value)}`);
  };

  const optionalWireDecimalAt = (value: unknown, path: string, key: string): WireDecimal | undefined => {
    if (absent(value)) return undefined;
    if (isWireDecimal(value)) return value;
    return fail(`${path}.${key}`, `not a number: ${describeWire(value)}`);
  };

  return {
    fail,
    decimal,
    optionalDecimal: (value, field) => (absent(value) ? undefined : decimal(value, field)),
    wireDecimalAt: (value, path, key) => {
      const checked = optionalWireDecimalAt(value, path, key);
      return checked === undefined ? fail(`${path}.${key}`, 'missing') : checked;
    },
    optionalWireDecimalAt,
    millisAt: (value, path, key) => {
      const ms = typeof value === 'number' ? value : typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : NaN;
      return Number.isSafeInteger(ms) ? ms : fail(`${path}.${key}`, `expected an integer (epoch ms), got ${describeWire(value)}`);
    },
    stringAt: (value, path, key) =>
      typeof value === 'string' && value !== '' ? value : fail(`${path}.${key}`, `expected a non-empty string, got ${describeWire(value)}`),
    validate: <T extends z.ZodType>(schema: T, value: unknown, root: string): z.output<T> => {
      const parsed = schema.safeParse(value);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      const path = issue ? [root, ...issue.path.map(String)].join('.') : root;
      return fail(path, issue?.message ?? 'invalid payload');
    },
  };
}
