/**
 * Exact decimal arithmetic on bigint: a value is `units / 10^scale`.
 * Used for every price, size and P&L figure so that nothing carries float artefacts to the wire.
 */
const TEN = 10n;

export type RoundingMode = 'floor' | 'ceil' | 'half-up' | 'trunc';

export class Decimal {
  private constructor(
    readonly units: bigint,
    readonly scale: number,
  ) {}

  static readonly ZERO = new Decimal(0n, 0);

  /** Parse a decimal string ("-12.5", "1e-8") or a finite number. Throws a RangeError naming the input. */
  static from(value: string | number | bigint | Decimal): Decimal {
    if (value instanceof Decimal) return value;
    if (typeof value === 'bigint') return new Decimal(value, 0);
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
      if (Number.isSafeInteger(value)) return value === 0 ? Decimal.ZERO : new Decimal(BigInt(value), 0);
      // Shortest round-trip representation: 0.1 stays "0.1", not its binary expansion.
      return Decimal.parse(String(value));
    }
    return Decimal.parse(value);
  }

  /** Like `from`, but returns undefined instead of throwing. */
  static tryFrom(value: unknown): Decimal | undefined {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') return undefined;
    try {
      return Decimal.from(value);
    } catch {
      return undefined;
    }
  }

  private static parse(text: string): Decimal {
    return Decimal.parseFast(text) ?? Decimal.parseSlow(text);
  }

  /**
   * The common case without regex or BigInt arithmetic: plain `[-+]digits[.digits]` with at most 15
   * significant digits (exact in a double), as venues send prices. Undefined for anything else
   * (exponents, whitespace, long numbers, malformed text): `parseSlow` decides those.
   */
  private static parseFast(s: string): Decimal | undefined {
    const n = s.length;
    let i = 0;
    let negative = false;
    const first = s.charCodeAt(0);
    if (first === 45 /* - */ || first === 43 /* + */) {
      negative = first === 45;
      i = 1;
    }
    let acc = 0;
    let digits = 0; // significant digits accumulated (leading zeros skipped)
    let seen = 0; // digits seen at all
    let scale = 0;
    let dot = false;
    for (; i < n; i += 1) {
      const c = s.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        seen += 1;
        if (dot) scale += 1;
        if (acc === 0 && c === 48) continue;
        acc = acc * 10 + (c - 48);
        digits += 1;
        if (digits > 15) return undefined;
      } else if (c === 46 /* . */ && !dot) {
        dot = true;
      } else {
        return undefined;
      }
    }
    if (seen === 0) return undefined;
    if (acc === 0) return Decimal.ZERO;
    while (scale > 0 && acc % 10 === 0) {
      acc /= 10;
      scale -= 1;
    }
    return new Decimal(BigInt(negative ? -acc : acc), scale);
  }

  private static parseSlow(text: string): Decimal {
    const s = text.trim();
    const m = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
    if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
      throw new RangeError(`not a decimal: ${JSON.stringify(text)}`);
    }
    const sign = m[1] === '-' ? -1n : 1n;
    const intPart = m[2] ?? '';
    const fracPart = m[3] ?? '';
    const exp = m[4] ? Number(m[4]) : 0;
    let units = BigInt(intPart + fracPart || '0') * sign;
    let scale = fracPart.length - exp;
    if (scale < 0) {
      units *= TEN ** BigInt(-scale);
      scale = 0;
    }
    return new Decimal(units, scale).normalize();
  }

  private normalize(): Decimal {
    let { units, scale } = this;
    if (units === 0n) return units === this.units && scale === 0 ? this : new Decimal(0n, 0);
    while (scale > 0 && units % TEN === 0n) {
      units /= TEN;
      scale -= 1;
    }
    return units === this.units && scale === this.scale ? this : new Decimal(units, scale);
  }

  private static align(a: Decimal, b: Decimal): [bigint, bigint, number] {
    if (a.scale === b.scale) return [a.units, b.units, a.scale];
    if (a.scale > b.scale) return [a.units, b.units * TEN ** BigInt(a.scale - b.scale), a.scale];
    return [a.units * TEN ** BigInt(b.scale - a.scale), b.units, b.scale];
  }

  plus(other: Decimal | string | number): Decimal {
    const [x, y, s] = Decimal.align(this, Decimal.from(other));
    return new Decimal(x + y, s).normalize();
  }

  minus(other: Decimal | string | number): Decimal {
    const [x, y, s] = Decimal.align(this, Decimal.from(other));
    return new Decimal(x - y, s).normalize();
  }

  times(other: Decimal | string | number): Decimal {
    const o = Decimal.from(other);
    return new Decimal(this.units * o.units, this.scale + o.scale).normalize();
  }

  /** Division to `scale` decimal places (default 18), rounded with `mode`. */
  div(other: Decimal | string | number, scale = 18, mode: RoundingMode = 'half-up'): Decimal {
    const o = Decimal.from(other);
    if (o.units === 0n) throw new RangeError('division by zero');
    // this / o = (tu / 10^ts) / (ou / 10^os) ; result units at `scale`: tu * 10^(scale + os - ts) / ou
    const shift = scale + o.scale - this.scale;
    let num = this.units;
    let den = o.units;
    if (shift >= 0) num *= TEN ** BigInt(shift);
    else den *= TEN ** BigInt(-shift);
    return new Decimal(divRound(num, den, mode), scale).normalize();
  }

  neg(): Decimal {
    return new Decimal(-this.units, this.scale);
  }

  abs(): Decimal {
    return this.units < 0n ? this.neg() : this;
  }

  cmp(other: Decimal | string | number): -1 | 0 | 1 {
    const [x, y] = Decimal.align(this, Decimal.from(other));
    return x < y ? -1 : x > y ? 1 : 0;
  }

  eq(other: Decimal | string | number): boolean {
    return this.cmp(other) === 0;
  }
  lt(other: Decimal | string | number): boolean {
    return this.cmp(other) < 0;
  }
  lte(other: Decimal | string | number): boolean {
    return this.cmp(other) <= 0;
  }
  gt(other: Decimal | string | number): boolean {
    return this.cmp(other) > 0;
  }
  gte(other: Decimal | string | number): boolean {
    return this.cmp(other) >= 0;
  }
  isZero(): boolean {
    return this.units === 0n;
  }
  isNegative(): boolean {
    return this.units < 0n;
  }
  isPositive(): boolean {
    return this.units > 0n;
  }
  sign(): -1 | 0 | 1 {
    return this.units < 0n ? -1 : this.units > 0n ? 1 : 0;
  }

  static min(a: Decimal, b: Decimal): Decimal {
    return a.lte(b) ? a : b;
  }
  static max(a: Decimal, b: Decimal): Decimal {
    return a.gte(b) ? a : b;
  }

  /** Round to a multiple of `step` (tick or lot size). */
  roundToStep(step: Decimal | string | number, mode: RoundingMode = 'half-up'): Decimal {
    const st = Decimal.from(step);
    if (!st.isPositive()) throw new RangeError(`step must be positive, got ${st.toString()}`);
    const [x, y, s] = Decimal.align(this, st);
    const q = divRound(x, y, mode);
    return new Decimal(q * y, s).normalize();
  }

  /** True when the value is an exact multiple of `step`. */
  isMultipleOf(step: Decimal | string | number): boolean {
    const [x, y] = Decimal.align(this, Decimal.from(step));
    return y !== 0n && x % y === 0n;
  }

  /** Plain decimal notation, never exponent form: what goes on the wire. */
  toString(): string {
    const neg = this.units < 0n;
    const digits = (neg ? -this.units : this.units).toString();
    if (this.scale === 0) return (neg ? '-' : '') + digits;
    const padded = digits.padStart(this.scale + 1, '0');
    const int = padded.slice(0, padded.length - this.scale);
    const frac = padded.slice(padded.length - this.scale);
    return `${neg ? '-' : ''}${int}.${frac}`;
  }

  toJSON(): string {
    return this.toString();
  }

  /** For wire formats that want a JSON number (Deribit): exact for values with < 16 significant digits. */
  toNumber(): number {
    return Number(this.toString());
  }
}

function divRound(num: bigint, den: bigint, mode: RoundingMode): bigint {
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const q = num / den; // truncates toward zero
  const r = num % den;
  if (r === 0n) return q;
  switch (mode) {
    case 'trunc':
      return q;
    case 'floor':
      return num < 0n ? q - 1n : q;
    case 'ceil':
      return num > 0n ? q + 1n : q;
    case 'half-up': {
      const twice = (r < 0n ? -r : r) * 2n;
      if (twice >= den) return num < 0n ? q - 1n : q + 1n;
      return q;
    }
  }
}

export function dec(value: string | number | bigint | Decimal): Decimal {
  return Decimal.from(value);
}
