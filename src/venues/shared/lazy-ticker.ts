/**
 * Market data with decimals left as the venue sent them until a consumer reads one.
 *
 * The hot path (socket frame → normalized ticker event) checks every decimal field's syntax with
 * `isWireDecimal` (a character scan: no regex, no BigInt), so a malformed value is still refused
 * at parse time and named; only a field that is actually read becomes a `Decimal` (parsed once,
 * then cached). Consumers see the `Ticker` port type unchanged: `ticker.mark` is a Decimal.
 *
 * Venue-neutral: Deribit sends JSON numbers, OKX and Bybit send every price as a JSON string; both
 * are `WireDecimal`s here.
 */
import { Decimal } from '../../domain/decimal.js';
import type { Greeks, Ticker } from '../../domain/position.js';

/** A decimal exactly as the venue sent it: a finite JSON number or a decimal string. */
export type WireDecimal = string | number;

/**
 * True for a finite number, or a string in plain decimal syntax (`-12.5`, `0.0084`, `1e-8`, `.5`),
 * which `Decimal.from` is certain to accept. Cheap: one pass over the characters, no allocation.
 */
export function isWireDecimal(value: unknown): value is WireDecimal {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'string') return false;
  const n = value.length;
  if (n === 0 || n > 64) return false;
  let i = 0;
  let c = value.charCodeAt(0);
  if (c === 45 || c === 43) i = 1; // - +
  let digits = 0;
  let dot = false;
  for (; i < n; i += 1) {
    c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) digits += 1;
    else if (c === 46 && !dot) dot = true;
    else break;
  }
  if (digits === 0) return false;
  if (i === n) return true;
  // exponent: e or E, optional sign, at least one digit
  if (c !== 101 && c !== 69) return false;
  i += 1;
  c = value.charCodeAt(i);
  if (c === 45 || c === 43) i += 1;
  if (i >= n) return false;
  for (; i < n; i += 1) {
    c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A field slot: the wire value until read, then the Decimal; undefined when absent. */
type Slot = WireDecimal | Decimal | undefined;

function materialise(slot: Slot): Decimal | undefined {
  // Only values that passed isWireDecimal are stored, so this cannot throw.
  return slot === undefined || slot instanceof Decimal ? slot : Decimal.from(slot);
}

/** Greeks whose values are parsed on first read. */
export class LazyGreeks implements Greeks {
  #delta: Slot;
  #gamma: Slot;
  #vega: Slot;
  #theta: Slot;
  #rho: Slot;

  /** Every argument must have passed `isWireDecimal` (rho may be undefined). */
  constructor(delta: WireDecimal, gamma: WireDecimal, vega: WireDecimal, theta: WireDecimal, rho: WireDecimal | undefined) {
    this.#delta = delta;
    this.#gamma = gamma;
    this.#vega = vega;
    this.#theta = theta;
    this.#rho = rho;
  }

  get delta(): Decimal {
    return (this.#delta = materialise(this.#delta) as Decimal);
  }
  get gamma(): Decimal {
    return (this.#gamma = materialise(this.#gamma) as Decimal);
  }
  get vega(): Decimal {
    return (this.#vega = materialise(this.#vega) as Decimal);
  }
  get theta(): Decimal {
    return (this.#theta = materialise(this.#theta) as Decimal);
  }
  get rho(): Decimal | undefined {
    return (this.#rho = materialise(this.#rho));
  }

  toJSON(): Record<string, string | undefined> {
    return {
      delta: this.delta.toString(),
      gamma: this.gamma.toString(),
      vega: this.vega.toString(),
      theta: this.theta.toString(),
      rho: this.rho?.toString(),
    };
  }
}

/**
 * A `Ticker` whose decimals are parsed on first read. `venue`, `symbol` and `tsMs` are plain own
 * fields; absent decimals read as undefined. Built by the adapters' ticker readers only, after
 * every field was checked, so a getter never throws.
 */
export class LazyTicker implements Ticker {
  #bid: Slot;
  #ask: Slot;
  #last: Slot;
  #mark: Slot;
  #index: Slot;
  #markIv: Slot;
  #greeks: Greeks | undefined;

  constructor(
    readonly venue: string,
    readonly symbol: string,
    readonly tsMs: number,
    bid: WireDecimal | undefined,
    ask: WireDecimal | undefined,
    last: WireDecimal | undefined,
    mark: WireDecimal | undefined,
    index: WireDecimal | undefined,
    markIv: WireDecimal | undefined,
    greeks: Greeks | undefined,
  ) {
    this.#bid = bid;
    this.#ask = ask;
    this.#last = last;
    this.#mark = mark;
    this.#index = index;
    this.#markIv = markIv;
    this.#greeks = greeks;
  }

  get bid(): Decimal | undefined {
    return (this.#bid = materialise(this.#bid));
  }
  get ask(): Decimal | undefined {
    return (this.#ask = materialise(this.#ask));
  }
  get last(): Decimal | undefined {
    return (this.#last = materialise(this.#last));
  }
  get mark(): Decimal | undefined {
    return (this.#mark = materialise(this.#mark));
  }
  get index(): Decimal | undefined {
    return (this.#index = materialise(this.#index));
  }
  get markIv(): Decimal | undefined {
    return (this.#markIv = materialise(this.#markIv));
  }
  get greeks(): Greeks | undefined {
    return this.#greeks;
  }

  /** A plain snapshot (logs, JSON): decimals as strings, absent fields left out. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { venue: this.venue, symbol: this.symbol, tsMs: this.tsMs };
    const put = (key: string, value: Decimal | undefined): void => {
      if (value !== undefined) out[key] = value.toString();
    };
    put('bid', this.bid);
    put('ask', this.ask);
    put('last', this.last);
    put('mark', this.mark);
    put('index', this.index);
    put('markIv', this.markIv);
    if (this.#greeks !== undefined) out.greeks = this.#greeks;
    return out;
  }
}
