/**
 * Typed access to a request's named params. REST query strings carry every value as text, so
 * numbers and booleans are also accepted in their string form; anything else is -32602 naming the param.
 */
import { dec, type Decimal } from '../../domain/decimal.js';
import { errors } from './errors.js';

export class Params {
  constructor(readonly raw: Readonly<Record<string, unknown>>) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  optString(name: string): string | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw errors.invalidParams(name, 'must be a string');
    return v;
  }

  string(name: string): string {
    const v = this.optString(name);
    if (v === undefined) throw errors.invalidParams(name, 'must be present');
    return v;
  }

  /** A string restricted to `allowed` values. */
  optEnum<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const v = this.optString(name);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) throw errors.invalidParams(name, `must be one of ${allowed.join(', ')}`);
    return v as T;
  }

  enumOf<T extends string>(name: string, allowed: readonly T[]): T {
    const v = this.optEnum(name, allowed);
    if (v === undefined) throw errors.invalidParams(name, 'must be present');
    return v;
  }

  optDecimal(name: string): Decimal | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isFinite(v)) return dec(v);
    if (typeof v === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v.trim())) return dec(v);
    throw errors.invalidParams(name, 'must be a number');
  }

  decimal(name: string): Decimal {
    const v = this.optDecimal(name);
    if (v === undefined) throw errors.invalidParams(name, 'must be present');
    return v;
  }

  optInt(name: string): number | undefined {
    const d = this.optDecimal(name);
    if (d === undefined) return undefined;
    if (!d.isMultipleOf(1)) throw errors.invalidParams(name, 'must be an integer');
    return d.toNumber();
  }

  int(name: string): number {
    const v = this.optInt(name);
    if (v === undefined) throw errors.invalidParams(name, 'must be present');
    return v;
  }

  optBool(name: string): boolean | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw errors.invalidParams(name, 'must be a boolean');
  }

  /** A string array; a single string (REST query) counts as a one-element array. */
  stringArray(name: string): string[] {
    const v = this.raw[name];
    if (v === undefined || v === null) throw errors.invalidParams(name, 'must be present');
    const arr = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(arr) || !arr.every((x): x is string => typeof x === 'string'))
      throw errors.invalidParams(name, 'must be an array of strings');
    return arr;
  }
}
