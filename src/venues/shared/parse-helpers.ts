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
 * One venue's field readers. Readers that take `(value, path, key)` build the field path only on
 * failure; on a ticker hot path use `readWireDecimal` / `readOptionalWireDecimal`, which call in
 * here only for a bad value (measured: a method call per field costs ~15 % of a ticker parse).
 */
export class WireReader {
  readonly venue: string;
  private readonly emptyIsAbsent: boolean;
  private readonly makeError: (field: string, detail: string) => WirePayloadError;

  constructor(options: WireReaderOptions) {
    this.venue = options.venue;
    this.emptyIsAbsent = options.emptyStringIsAbsent ?? false;
    const venue = options.venue;
    this.makeError = options.fail ?? ((field, detail) => new WirePayloadError(venue, field, detail));
  }

  /** Throws the venue's payload error for `field`. */
  fail(field: string, detail: string): never {
    throw this.makeError(field, detail);
  }

  /** A required decimal from a JSON number or a decimal string (exact: no float artefacts). */
  decimal(value: unknown, field: string): Decimal {
    if (value === undefined || value === null || (value === '' && this.emptyIsAbsent)) return this.fail(field, 'missing');
    if (typeof value === 'number' || typeof value === 'string') {
      try {
        return Decimal.from(value);
      } catch {
        // falls through to the error naming the field
      }
    }
    return this.fail(field, `not a number: ${describeWire(value)}`);
  }

  /** An optional decimal: absent (undefined, null, and `""` where the venue means "not set") gives undefined; garbage throws. */
  optionalDecimal(value: unknown, field: string): Decimal | undefined {
    if (value === undefined || value === null || (value === '' && this.emptyIsAbsent)) return undefined;
    return this.decimal(value, field);
  }

  /** An optional decimal left as the venue sent it (checked by a character scan, parsed later on demand); garbage throws. */
  optionalWireDecimalAt(value: unknown, path: string, key: string): WireDecimal | undefined {
    if (value === undefined || value === null) return undefined;
    if (isWireDecimal(value)) return value;
    if (value === '' && this.emptyIsAbsent) return undefined;
    return this.fail(`${path}.${key}`, `not a number: ${describeWire(value)}`);
  }

  /** A required decimal left as the venue sent it. */
  wireDecimalAt(value: unknown, path: string, key: string): WireDecimal {
    const checked = this.optionalWireDecimalAt(value, path, key);
    return checked === undefined ? this.fail(`${path}.${key}`, 'missing') : checked;
  }

  /** Epoch milliseconds from a JSON integer or an integer string (`"1700000001234"`, OKX and Bybit). */
  millisAt(value: unknown, path: string, key: string): number {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    const ms = typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : NaN;
    return Number.isSafeInteger(ms) ? ms : this.fail(`${path}.${key}`, `expected an integer (epoch ms), got ${describeWire(value)}`);
  }

  /** A required non-empty string. */
  stringAt(value: unknown, path: string, key: string): string {
    return typeof value === 'string' && value !== ''
      ? value
      : this.fail(`${path}.${key}`, `expected a non-empty string, got ${describeWire(value)}`);
  }

  /** Validates against a zod schema; a failure names the first bad field under `root` (e.g. `private/buy.result.order.amount`). */
  validate<T extends z.ZodType>(schema: T, value: unknown, root: string): z.output<T> {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const path = issue ? [root, ...issue.path.map(String)].join('.') : root;
    return this.fail(path, issue?.message ?? 'invalid payload');
  }
}

const INTEGER_TEXT = /^-?\d{1,16}$/;

/**
 * The hot-path form of `reader.optionalWireDecimalAt`: a plain function whose common case (absent,
 * or a well-formed decimal) never touches the reader, so V8 inlines it into a ticker parser; only a
 * bad value (or a venue's `""`) goes on to the reader, which decides and names the field.
 */
export function readOptionalWireDecimal(reader: WireReader, value: unknown, path: string, key: string): WireDecimal | undefined {
  if (value === undefined || value === null) return undefined;
  if (isWireDecimal(value)) return value;
  return reader.optionalWireDecimalAt(value, path, key);
}

/** The hot-path form of `reader.wireDecimalAt` (see `readOptionalWireDecimal`). */
export function readWireDecimal(reader: WireReader, value: unknown, path: string, key: string): WireDecimal {
  if (isWireDecimal(value)) return value;
  return reader.wireDecimalAt(value, path, key);
}

/** Builds the field readers of one venue. */
export function createWireReader(options: WireReaderOptions): WireReader {
  return new WireReader(options);
}
