/**
 * Pure translation between OKX wire objects and domain types: instruments, the ticker hot path,
 * mark price, orders (with the fill an `orders` push carries), algo orders, positions,
 * balance_and_position, fills, balances, account config, public time, and the REST / WS-op
 * envelopes with their per-item `sCode`/`sMsg` results. Parsers take (wire object, receive time)
 * and never read the clock; their errors name the field path, e.g. `orders.0.accFillSz`.
 */
import type { z } from 'zod';

import { Decimal } from '../../domain/decimal.js';
import type { Instrument, InstrumentKind } from '../../domain/instrument.js';
import type { OrderSnapshot, OrderStatus, OrderType, TriggerReference } from '../../domain/order.js';
import type { Balance, Fill, Position, Ticker } from '../../domain/position.js';
import { isWireDecimal, LazyTicker, type WireDecimal } from '../shared/lazy-ticker.js';
import {
  algoOrderTypeFromVenue,
  algoStatusFromVenue,
  cancelReasonFromVenue,
  instrumentKindFromVenue,
  isAlgoSpawned,
  isOneOf,
  isTerminalOrderState,
  isTradableState,
  liquidityFromVenue,
  OKX_ORDER_STATES,
  OKX_POS_MODES,
  type OkxAlgoOrderType,
  type OkxOrderState,
  type OkxPosMode,
  type OkxPosSide,
  orderStatusFromVenue,
  orderTypeFromVenue,
  posSideFromVenue,
  sideFromVenue,
  triggerFromVenue,
} from './enums.js';
import { OKX_VENUE_ID, OkxApiError, OkxParseError } from './errors.js';
import {
  boolFromWire,
  type OkxAccountBalance,
  type OkxAccountConfig,
  OkxAccountConfigSchema,
  type OkxAlgoAck,
  OkxAlgoAckSchema,
  type OkxAlgoOrder,
  type OkxBalanceAndPosition,
  OkxCancelAllAfterAckSchema,
  type OkxClosePositionAck,
  OkxClosePositionAckSchema,
  type OkxFill,
  type OkxInstrument,
  OkxInstrumentSchema,
  type OkxOrder,
  type OkxOrderAck,
  OkxOrderAckSchema,
  OkxOrderSchema,
  type OkxPosition,
  OkxPositionSchema,
  type OkxRestEnvelope,
  OkxRestEnvelopeSchema,
  OkxTimeSchema,
} from './rest-models.js';

// ---- field helpers --------------------------------------------------------------------------

/** Parses a required decimal string; `""` and non-decimals throw an OkxParseError naming `field`. */
export function decimalAt(value: string, field: string): Decimal {
  if (value === '') throw new OkxParseError(field, 'missing (empty string)');
  if (!isWireDecimal(value)) throw new OkxParseError(field, `not a decimal: ${describeWire(value)}`);
  return Decimal.from(value);
}

/** Parses an optional decimal string: `""` → undefined; anything non-decimal throws, naming `field`. */
export function optionalDecimalAt(value: string, field: string): Decimal | undefined {
  return value === '' ? undefined : decimalAt(value, field);
}

/** Parses epoch ms from an integer string; `""` and `"0"` → undefined; anything else throws, naming `field`. */
export function optionalMillisAt(value: string, field: string): number | undefined {
  if (value === '' || value === '0') return undefined;
  const ms = digitsToNumber(value);
  if (ms === undefined) throw new OkxParseError(field, `not epoch milliseconds: ${describeWire(value)}`);
  return ms;
}

/** A non-negative integer string as a number, with a character scan (no regex): undefined for anything else. */
function digitsToNumber(value: string): number | undefined {
  const n = value.length;
  if (n === 0 || n > 16) return undefined;
  for (let i = 0; i < n; i += 1) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return Number(value);
}

function nonEmpty(value: string): string | undefined {
  return value === '' ? undefined : value;
}

/** Sets `target[key]` only when `value` is defined, so optional domain keys stay absent. */
function withOptional<T extends object, K extends string, V>(target: T, key: K, value: V | undefined): T & { [P in K]?: V } {
  if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  return target as T & { [P in K]?: V };
}

/** A short, bounded description of a bad wire value for error messages. */
function describeWire(value: unknown): string {
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Venue ms → host ms given the venue-minus-host offset; undefined when absent. */
function toHost(venueMs: number | undefined, offsetMs: number): number | undefined {
  return venueMs === undefined ? undefined : venueMs - offsetMs;
}

/**
 * Validates `value` with a zod schema, turning a failure into an OkxParseError that names the
 * first offending path under `path` (e.g. `orders.0.accFillSz`).
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, path: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? path : `${path}.${issue.path.map(String).join('.')}`;
  throw new OkxParseError(where, issue?.message ?? 'invalid');
}

// ---- instruments ----------------------------------------------------------------------------

/** The OKX facts about an instrument that the domain type does not carry. */
export interface OkxInstrumentInfo {
  readonly instrument: Instrument;
  /** Integer code for WS order ops; undefined while OKX has not generated one (`null`). Differs between demo and live. */
  readonly instIdCode: number | undefined;
  readonly instType: string;
  /** `linear` | `inverse` | `""` (spot, options). */
  readonly ctType: string;
  /** Currency of `ctVal`: the base coin for linear contracts, `USD` for inverse ones. */
  readonly ctValCcy: string;
  readonly settleCcy: string;
  /** `live`, `suspend`, `preopen`, `post_only`, `rebase`, `test`, `settling`: only `live` trades. */
  readonly state: string;
  /** Scheduled `tickSz`/`minSz`/`lotSz` changes: reload the instrument at `effTimeMs`. */
  readonly upcomingChanges: readonly { readonly param: string; readonly newValue: string; readonly effTimeMs: number | undefined }[];
}

function splitFamily(family: string): { readonly base: string; readonly quote: string } | undefined {
  const [base, quoteRaw] = family.split('-');
  if (base === undefined || base === '' || quoteRaw === undefined || quoteRaw === '') return undefined;
  // `BTC-USD_UM`: USD-margined family; the quote currency is USD
  const quote = quoteRaw.split('_')[0] ?? quoteRaw;
  return { base, quote };
}

/**
 * Translates a `public/instruments` record (spec 10). Derivatives are sized in contracts:
 * `contractSize = ctVal × ctMult` (base coin for linear, USD for inverse), `lotSize = lotSz`,
 * `minSize = minSz`. Spot is sized in base coin. `active` only when `state` is `live`. Base and
 * quote come from `instFamily` (or `uly`) for derivatives, `baseCcy`/`quoteCcy` for spot.
 * Unsupported types (EVENTS) and missing sizing fields throw, naming the field.
 */
export function parseInstrument(wire: OkxInstrument, path = 'instrument'): OkxInstrumentInfo {
  const kind: InstrumentKind | 'unknown' = instrumentKindFromVenue(wire.instType);
  if (kind === 'unknown') throw new OkxParseError(`${path}.instType`, `unsupported instrument type ${JSON.stringify(wire.instType)}`);
  const tickSize = decimalAt(wire.tickSz, `${path}.tickSz`);
  const lotSize = decimalAt(wire.lotSz, `${path}.lotSz`);
  const minSize = decimalAt(wire.minSz, `${path}.minSz`);
  if (!tickSize.isPositive()) throw new OkxParseError(`${path}.tickSz`, 'must be positive');
  if (!lotSize.isPositive()) throw new OkxParseError(`${path}.lotSz`, 'must be positive');
  if (minSize.isNegative()) throw new OkxParseError(`${path}.minSz`, 'must not be negative');

  let base: string;
  let quote: string;
  let settle: string;
  let inverse: boolean;
  let contractSize: Decimal;
  if (kind === 'spot') {
    if (wire.baseCcy === '' || wire.quoteCcy === '') throw new OkxParseError(`${path}.baseCcy`, 'spot record without baseCcy/quoteCcy');
    base = wire.baseCcy;
    quote = wire.quoteCcy;
    settle = wire.settleCcy === '' ? wire.quoteCcy : wire.settleCcy;
    inverse = false;
    contractSize = Decimal.from(1);
  } else {
    const family = splitFamily(wire.instFamily !== '' ? wire.instFamily : wire.uly);
    if (family === undefined) throw new OkxParseError(`${path}.instFamily`, `cannot read base/quote from ${describeWire(wire.instFamily)}`);
    base = family.base;
    quote = family.quote;
    if (wire.settleCcy === '') throw new OkxParseError(`${path}.settleCcy`, 'missing on a derivative');
    settle = wire.settleCcy;
    inverse = wire.ctType === 'inverse' || (wire.ctType === '' && settle === base);
    const ctVal = decimalAt(wire.ctVal, `${path}.ctVal`);
    const ctMult = wire.ctMult === '' ? Decimal.from(1) : decimalAt(wire.ctMult, `${path}.ctMult`);
    contractSize = ctVal.times(ctMult);
    if (!contractSize.isPositive()) throw new OkxParseError(`${path}.ctVal`, 'contract value must be positive');
    // The sizing helpers assume: inverse swaps/futures are worth ctVal USD (the quote), linear
    // contracts and options ctVal of the base coin. A record that says otherwise is not traded.
    const expectedCcy = inverse && kind !== 'option' ? quote : base;
    if (wire.ctValCcy !== '' && wire.ctValCcy !== expectedCcy) {
      throw new OkxParseError(
        `${path}.ctValCcy`,
        `contract value is in ${wire.ctValCcy}, expected ${expectedCcy} for a ${inverse ? 'coin-margined' : 'linear'} ${kind}`,
      );
    }
  }

  let instrument: Instrument = {
    venue: OKX_VENUE_ID,
    symbol: wire.instId,
    kind,
    base,
    quote,
    settle,
    inverse,
    tickSize,
    tickSteps: [],
    lotSize,
    minSize,
    contractSize,
    sizeUnit: kind === 'spot' ? 'base' : 'contracts',
    active: isTradableState(wire.state),
  };
  if (kind === 'future' || kind === 'option') {
    const expiryMs = optionalMillisAt(wire.expTime, `${path}.expTime`);
    if (expiryMs === undefined) throw new OkxParseError(`${path}.expTime`, `missing on a ${kind}`);
    instrument = { ...instrument, expiryMs };
  }
  if (kind === 'option') {
    if (wire.optType !== 'C' && wire.optType !== 'P')
      throw new OkxParseError(`${path}.optType`, `expected C or P, got ${describeWire(wire.optType)}`);
    instrument = { ...instrument, strike: decimalAt(wire.stk, `${path}.stk`), optionType: wire.optType === 'C' ? 'call' : 'put' };
  }
  return {
    instrument,
    instIdCode: wire.instIdCode ?? undefined,
    instType: wire.instType,
    ctType: wire.ctType,
    ctValCcy: wire.ctValCcy,
    settleCcy: wire.settleCcy,
    state: wire.state,
    upcomingChanges: wire.upcChg.map((c, i) => ({
      param: c.param,
      newValue: c.newValue,
      effTimeMs: optionalMillisAt(c.effTime, `${path}.upcChg.${i}.effTime`),
    })),
  };
}

/** An instrument record that `parseInstruments` left out, with the reason. */
export interface SkippedInstrument {
  readonly instId: string;
  readonly reason: string;
}

/** Translates a `public/instruments` data array, skipping records it cannot use (with the reason) instead of failing the list. */
export function parseInstruments(data: readonly unknown[]): {
  readonly instruments: readonly OkxInstrumentInfo[];
  readonly skipped: readonly SkippedInstrument[];
} {
  const instruments: OkxInstrumentInfo[] = [];
  const skipped: SkippedInstrument[] = [];
  data.forEach((item, i) => {
    const path = `instruments.${i}`;
    try {
      instruments.push(parseInstrument(validate(OkxInstrumentSchema, item, path), path));
    } catch (error) {
      if (!(error instanceof OkxParseError)) throw error;
      const instId = isRecord(item) && typeof item.instId === 'string' ? item.instId : `#${i}`;
      skipped.push({ instId, reason: error.message });
    }
  });
  return { instruments, skipped };
}

// ---- market data (hot path) -----------------------------------------------------------------

/** The ticker fields `readTicker` looks at. */
interface WireTickerShape {
  readonly instId?: unknown;
  readonly ts?: unknown;
  readonly bidPx?: unknown;
  readonly bidSz?: unknown;
  readonly askPx?: unknown;
  readonly askSz?: unknown;
  readonly last?: unknown;
}

/** An optional wire decimal string: absent or `""` → undefined; anything but a decimal throws, naming the field. */
function optionalWire(value: unknown, path: string, symbol: string, key: string): WireDecimal | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && isWireDecimal(value)) return value;
  // The field path is built only here: the hot path allocates no strings for it.
  throw new OkxParseError(`${path}.${symbol}.${key}`, `not a decimal string: ${describeWire(value)}`);
}

/** A book side's price, left out when the side is empty (price absent, or size `"0"`). */
function bookSide(price: WireDecimal | undefined, size: WireDecimal | undefined): WireDecimal | undefined {
  return size !== undefined && Number(size) === 0 ? undefined : price;
}

function tsAt(value: unknown, path: string, symbol: string): number {
  const ts = typeof value === 'string' ? digitsToNumber(value) : undefined;
  if (ts === undefined) throw new OkxParseError(`${path}.${symbol}.ts`, `expected epoch ms as a string, got ${describeWire(value)}`);
  return ts;
}

/**
 * The last quote and mark of one instrument, as sent (strings): `tickers` pushes write `bid`, `ask`
 * and `last`, `mark-price` pushes write `mark`, and each ticker the adapter emits carries all four.
 * Mutated in place (one per watched instrument), so a push allocates no quote.
 */
export interface OkxQuote {
  bid: WireDecimal | undefined;
  ask: WireDecimal | undefined;
  last: WireDecimal | undefined;
  mark: WireDecimal | undefined;
}

/** The quote of `symbol` in `quotes`, created empty on first use. */
function quoteOf(quotes: Map<string, OkxQuote>, symbol: string): OkxQuote {
  let q = quotes.get(symbol);
  if (q === undefined) {
    q = { bid: undefined, ask: undefined, last: undefined, mark: undefined };
    quotes.set(symbol, q);
  }
  return q;
}

/**
 * The ticker hot path: checks one `tickers` push item by hand (no schema) and builds a ticker
 * whose decimals stay as OKX sent them (strings) until read (see `LazyTicker`). Every field the
 * ticker carries is syntax-checked here, so a malformed value is refused now with an
 * OkxParseError naming it (`tickers.BTC-USDT-SWAP.bidPx`). `bid` = `bidPx`, `ask` = `askPx`,
 * `last` = `last`; an empty side (`""` or size `"0"`) is left out. The tickers channel has no
 * mark price: that comes from `mark-price` (`readMarkPrice`). `tsMs` is host time (`ts` − offset).
 * With `quotes` (the adapter's), the item's bid/ask/last are stored in its instrument's quote once
 * the whole item checked, and the ticker carries that quote's last mark: one ticker object per push.
 */
export function readTicker(data: unknown, receivedAtMs: number, path = 'tickers', offsetMs = 0, quotes?: Map<string, OkxQuote>): Ticker {
  if (!isRecord(data)) throw new OkxParseError(path, `expected an object, got ${describeWire(data)}`);
  const d = data as WireTickerShape;
  const symbol = d.instId;
  if (typeof symbol !== 'string' || symbol === '')
    throw new OkxParseError(`${path}.instId`, `expected an instId, got ${describeWire(symbol)}`);
  const ts = d.ts === undefined ? receivedAtMs + offsetMs : tsAt(d.ts, path, symbol);
  const bid = bookSide(optionalWire(d.bidPx, path, symbol, 'bidPx'), optionalWire(d.bidSz, path, symbol, 'bidSz'));
  const ask = bookSide(optionalWire(d.askPx, path, symbol, 'askPx'), optionalWire(d.askSz, path, symbol, 'askSz'));
  const last = optionalWire(d.last, path, symbol, 'last');
  let mark: WireDecimal | undefined;
  if (quotes !== undefined) {
    const q = quoteOf(quotes, symbol);
    q.bid = bid;
    q.ask = ask;
    q.last = last;
    mark = q.mark;
  }
  return new LazyTicker(OKX_VENUE_ID, symbol, ts - offsetMs, bid, ask, last, mark, undefined, undefined, undefined);
}

/**
 * One `mark-price` push item as a ticker that carries only `mark` (lazy, like `readTicker`). With
 * `quotes` (the adapter's), the mark is stored in its instrument's quote and the ticker carries that
 * quote's last bid, ask and last (the merge with the last `tickers` item). Two pushes with the same `ts`
 * can occur: keep the later one.
 */
export function readMarkPrice(
  data: unknown,
  receivedAtMs: number,
  path = 'mark-price',
  offsetMs = 0,
  quotes?: Map<string, OkxQuote>,
): Ticker {
  if (!isRecord(data)) throw new OkxParseError(path, `expected an object, got ${describeWire(data)}`);
  const symbol = data.instId;
  if (typeof symbol !== 'string' || symbol === '')
    throw new OkxParseError(`${path}.instId`, `expected an instId, got ${describeWire(symbol)}`);
  const mark = optionalWire(data.markPx, path, symbol, 'markPx');
  if (mark === undefined) throw new OkxParseError(`${path}.${symbol}.markPx`, 'missing');
  const ts = data.ts === undefined ? receivedAtMs + offsetMs : tsAt(data.ts, path, symbol);
  if (quotes === undefined)
    return new LazyTicker(OKX_VENUE_ID, symbol, ts - offsetMs, undefined, undefined, undefined, mark, undefined, undefined, undefined);
  const q = quoteOf(quotes, symbol);
  q.mark = mark;
  return new LazyTicker(OKX_VENUE_ID, symbol, ts - offsetMs, q.bid, q.ask, q.last, mark, undefined, undefined, undefined);
}

// ---- orders ---------------------------------------------------------------------------------

/** An order record translated, with the OKX facts the snapshot does not carry. */
export interface OkxOrderUpdate {
  readonly order: OrderSnapshot;
  readonly state: OkxOrderState;
  /** The fill this push reports (non-empty `tradeId` and `fillSz` > 0); only from `orders` pushes. */
  readonly fill?: Fill;
  /** Set when a triggered algo (stop/take) spawned this order: the algo's id and client id. */
  readonly algoId?: string;
  readonly algoClOrdId?: string;
  /** True when `source` says an algo fired (6 trigger, 7 TP/SL, 13, 25, 34) or `algoId` is set. */
  readonly spawnedByAlgo: boolean;
  /** Amend outcome on the push (`0` ok, `-1` failed, `1` failed and canceled); with `reqId`. */
  readonly amendResult?: string;
  readonly reqId?: string;
  /** Per-push `code`/`msg` (non-`0` for failed amends and the like). */
  readonly code?: string;
  readonly msg?: string;
}

/**
 * Translates an order record (REST order details / pending list, or an `orders` push item).
 * - `filledSize` = `accFillSz` in every state: a `canceled` order (IOC remainder, user cancel
 *   after a partial) keeps its filled quantity, and so does `mmp_canceled`.
 * - `avgFillPrice` = `avgPx` when something filled (REST `""`, push `"0"` otherwise).
 * - `price` = `px` for priced types; left out for market orders.
 * - `clientId` = `clOrdId` (`""` means none); `reduceOnly` from `"true"`/`"false"`.
 * - `cancelReason` from `cancelSource` (e.g. `20` cancel-all-after fired).
 * - `updatedAtMs` = `uTime`, else `cTime`, in host time (minus `offsetMs`), else `receivedAtMs`.
 * With `withFill` (for `orders` pushes only: REST records repeat the last fill), a non-empty
 * `tradeId` with `fillSz` > 0 also yields the `fill`; its `fee` is OKX's `fillFee` negated
 * (OKX: negative = charged; domain: positive = paid).
 */
export function parseOrder(wire: OkxOrder, receivedAtMs: number, path = 'order', offsetMs = 0, withFill = false): OkxOrderUpdate {
  if (!isOneOf(OKX_ORDER_STATES, wire.state)) throw new OkxParseError(`${path}.state`, `unknown order state ${JSON.stringify(wire.state)}`);
  const state = wire.state;
  const status: OrderStatus = orderStatusFromVenue(state, `${path}.state`);
  const type: OrderType = orderTypeFromVenue(wire.ordType, `${path}.ordType`);
  const side = sideFromVenue(wire.side, `${path}.side`);
  const size = decimalAt(wire.sz, `${path}.sz`);
  const filledSize = decimalAt(wire.accFillSz, `${path}.accFillSz`);
  if (filledSize.isNegative()) throw new OkxParseError(`${path}.accFillSz`, `negative: ${wire.accFillSz}`);
  const avgPx = optionalDecimalAt(wire.avgPx, `${path}.avgPx`);
  const price = type === 'market' ? undefined : optionalDecimalAt(wire.px, `${path}.px`);
  const updated = toHost(optionalMillisAt(wire.uTime, `${path}.uTime`) ?? optionalMillisAt(wire.cTime, `${path}.cTime`), offsetMs);

  let order: OrderSnapshot = {
    venue: OKX_VENUE_ID,
    venueOrderId: wire.ordId,
    symbol: wire.instId,
    side,
    type,
    status,
    size,
    filledSize,
    reduceOnly: boolFromWire(wire.reduceOnly),
    updatedAtMs: updated ?? receivedAtMs,
  };
  if (wire.ordId === '') throw new OkxParseError(`${path}.ordId`, 'missing (empty string)');
  order = withOptional(order, 'clientId', nonEmpty(wire.clOrdId));
  order = withOptional(order, 'avgFillPrice', filledSize.isPositive() && avgPx?.isPositive() ? avgPx : undefined);
  order = withOptional(order, 'price', price?.isPositive() ? price : undefined);
  order = withOptional(
    order,
    'cancelReason',
    status === 'cancelled'
      ? (cancelReasonFromVenue(wire.cancelSource) ?? (state === 'mmp_canceled' ? 'MMP canceled' : undefined))
      : undefined,
  );

  let update: OkxOrderUpdate = { order, state, spawnedByAlgo: isAlgoSpawned(wire.source) || wire.algoId !== '' };
  update = withOptional(update, 'algoId', nonEmpty(wire.algoId));
  update = withOptional(update, 'algoClOrdId', nonEmpty(wire.algoClOrdId));
  update = withOptional(update, 'amendResult', nonEmpty(wire.amendResult));
  update = withOptional(update, 'reqId', nonEmpty(wire.reqId));
  update = withOptional(update, 'code', nonEmpty(wire.code));
  update = withOptional(update, 'msg', nonEmpty(wire.msg));
  if (withFill) update = withOptional(update, 'fill', fillOfPush(wire, side, receivedAtMs, path, offsetMs));
  return update;
}

function fillOfPush(wire: OkxOrder, side: Fill['side'], receivedAtMs: number, path: string, offsetMs: number): Fill | undefined {
  if (wire.tradeId === '') return undefined;
  const size = optionalDecimalAt(wire.fillSz, `${path}.fillSz`);
  // Market orders may show state filled with fillSz "0": no fill in this push.
  if (size === undefined || !size.isPositive()) return undefined;
  const okxFee = optionalDecimalAt(wire.fillFee, `${path}.fillFee`) ?? Decimal.ZERO;
  const fill: Fill = {
    venue: OKX_VENUE_ID,
    tradeId: wire.tradeId,
    venueOrderId: wire.ordId,
    symbol: wire.instId,
    side,
    size,
    price: decimalAt(wire.fillPx, `${path}.fillPx`),
    fee: okxFee.isZero() ? Decimal.ZERO : okxFee.neg(),
    feeCurrency: wire.fillFeeCcy !== '' ? wire.fillFeeCcy : wire.feeCcy,
    liquidity: liquidityFromVenue(wire.execType),
    tsMs: toHost(optionalMillisAt(wire.fillTime, `${path}.fillTime`), offsetMs) ?? receivedAtMs,
  };
  return withOptional(fill, 'clientId', nonEmpty(wire.clOrdId));
}

/** Validates and translates every item of an `orders` push, each on its own: one bad item does not drop the others. */
export function parseOrdersPush(
  data: readonly unknown[],
  receivedAtMs: number,
  offsetMs = 0,
): { readonly updates: readonly OkxOrderUpdate[]; readonly errors: readonly OkxParseError[] } {
  const updates: OkxOrderUpdate[] = [];
  const errors: OkxParseError[] = [];
  data.forEach((item, i) => {
    const path = `orders.${i}`;
    try {
      updates.push(parseOrder(validate(OkxOrderSchema, item, path), receivedAtMs, path, offsetMs, true));
    } catch (error) {
      if (!(error instanceof OkxParseError)) throw error;
      errors.push(error);
    }
  });
  return { updates, errors };
}

/**
 * The keys by which the docs say repeated `orders` pushes are recognised (the same message may
 * arrive more than once): a fill once per instrument and `tradeId`; a terminal state
 * (filled / canceled / mmp_canceled) once per `ordId`; an amend result once per `reqId`. The
 * adapter keeps a bounded set of seen keys; a key it has seen means "already processed".
 */
export function orderDedupKeys(update: OkxOrderUpdate): { readonly fill?: string; readonly terminal?: string; readonly amend?: string } {
  let keys: { fill?: string; terminal?: string; amend?: string } = {};
  if (update.fill !== undefined) keys = { ...keys, fill: `fill:${update.order.symbol}:${update.fill.tradeId}` };
  if (isTerminalOrderState(update.state)) keys = { ...keys, terminal: `terminal:${update.order.venueOrderId}:${update.state}` };
  if (update.reqId !== undefined && update.amendResult !== undefined) keys = { ...keys, amend: `amend:${update.reqId}` };
  return keys;
}

/** Translates a `trade/fills` record. `fee` is negated (OKX: negative = charged; domain: positive = paid); `tsMs` = `fillTime`, else `ts`. */
export function parseFill(wire: OkxFill, receivedAtMs: number, path = 'fill', offsetMs = 0): Fill {
  if (wire.tradeId === '') throw new OkxParseError(`${path}.tradeId`, 'missing (empty string)');
  const okxFee = optionalDecimalAt(wire.fee, `${path}.fee`) ?? Decimal.ZERO;
  const fill: Fill = {
    venue: OKX_VENUE_ID,
    tradeId: wire.tradeId,
    venueOrderId: wire.ordId,
    symbol: wire.instId,
    side: sideFromVenue(wire.side, `${path}.side`),
    size: decimalAt(wire.fillSz, `${path}.fillSz`),
    price: decimalAt(wire.fillPx, `${path}.fillPx`),
    fee: okxFee.isZero() ? Decimal.ZERO : okxFee.neg(),
    feeCurrency: wire.feeCcy,
    liquidity: liquidityFromVenue(wire.execType),
    tsMs: toHost(optionalMillisAt(wire.fillTime, `${path}.fillTime`) ?? optionalMillisAt(wire.ts, `${path}.ts`), offsetMs) ?? receivedAtMs,
  };
  return withOptional(fill, 'clientId', nonEmpty(wire.clOrdId));
}

// ---- algo orders ----------------------------------------------------------------------------

/** An algo order translated: the stop/take leg as a snapshot plus what the algo did. */
export interface OkxAlgoUpdate {
  /**
   * The leg as a snapshot: `venueOrderId` = `algoId`, `clientId` = `algoClOrdId`, `status`
   * untriggered/triggered/cancelled/rejected, `type` stop_* (an SL leg) or take_* (a TP leg;
   * `conditional` with both honours only the SL), `filledSize` 0 (the algo itself never fills:
   * its spawned order does, see `spawnedOrderIds`).
   */
  readonly order: OrderSnapshot;
  readonly algoId: string;
  readonly algoClOrdId?: string;
  readonly algoType: OkxAlgoOrderType;
  readonly state: string;
  /** The order(s) a triggered algo placed (`ordIdList`, plus the deprecated `ordId`): follow them on `orders`. */
  readonly spawnedOrderIds: readonly string[];
  /** Which leg fired: `tp` | `sl`, once triggered. */
  readonly actualSide?: string;
  /** Why it failed to place its order (`order_failed`), e.g. `51008`. */
  readonly failCode?: string;
  /** `"1"`: the whole position (with `closeFraction` the size is not set). */
  readonly closeFraction?: string;
  readonly tp?: { readonly triggerPrice: Decimal; readonly orderPrice?: Decimal; readonly trigger?: TriggerReference };
  readonly sl?: { readonly triggerPrice: Decimal; readonly orderPrice?: Decimal; readonly trigger?: TriggerReference };
}

function leg(triggerPx: string, ordPx: string, pxType: string, path: string, name: 'tp' | 'sl'): OkxAlgoUpdate['tp'] {
  const triggerPrice = optionalDecimalAt(triggerPx, `${path}.${name}TriggerPx`);
  if (triggerPrice === undefined) return undefined;
  // "-1" = market on trigger
  const orderPrice = ordPx === '' || ordPx === '-1' ? undefined : decimalAt(ordPx, `${path}.${name}OrdPx`);
  let out: { triggerPrice: Decimal; orderPrice?: Decimal; trigger?: TriggerReference } = { triggerPrice };
  out = withOptional(out, 'orderPrice', orderPrice);
  out = withOptional(out, 'trigger', triggerFromVenue(pxType, `${path}.${name}TriggerPxType`));
  return out;
}

/**
 * Translates an algo record (`orders-algo` push, `orders-algo-pending`). The snapshot's type and
 * trigger come from the leg that counts: `actualSide` once triggered, else the SL leg when there
 * is one, else the TP leg; a `trigger` algo uses `triggerPx`/`ordPx`. `ordPx`/`*OrdPx` `"-1"` is a
 * market order on trigger.
 */
export function parseAlgoOrder(wire: OkxAlgoOrder, receivedAtMs: number, path = 'algo', offsetMs = 0): OkxAlgoUpdate {
  const algoType = algoOrderTypeFromVenue(wire.ordType, `${path}.ordType`);
  const status = algoStatusFromVenue(wire.state, `${path}.state`);
  const side = sideFromVenue(wire.side, `${path}.side`);
  const tp = leg(wire.tpTriggerPx, wire.tpOrdPx, wire.tpTriggerPxType, path, 'tp');
  const sl = leg(wire.slTriggerPx, wire.slOrdPx, wire.slTriggerPxType, path, 'sl');
  let chosen: { kind: 'stop' | 'take'; triggerPrice: Decimal; orderPrice?: Decimal; trigger?: TriggerReference } | undefined;
  if (algoType === 'trigger') {
    const triggerPrice = optionalDecimalAt(wire.triggerPx, `${path}.triggerPx`);
    if (triggerPrice !== undefined) {
      chosen = { kind: 'stop', triggerPrice };
      chosen = withOptional(
        chosen,
        'orderPrice',
        wire.ordPx === '' || wire.ordPx === '-1' ? undefined : decimalAt(wire.ordPx, `${path}.ordPx`),
      );
      chosen = withOptional(chosen, 'trigger', triggerFromVenue(wire.triggerPxType, `${path}.triggerPxType`));
    }
  } else if (wire.actualSide === 'tp' && tp !== undefined) chosen = { kind: 'take', ...tp };
  else if (wire.actualSide === 'sl' && sl !== undefined) chosen = { kind: 'stop', ...sl };
  else if (sl !== undefined) chosen = { kind: 'stop', ...sl };
  else if (tp !== undefined) chosen = { kind: 'take', ...tp };

  const market = chosen?.orderPrice === undefined;
  const type: OrderType = chosen?.kind === 'take' ? (market ? 'take_market' : 'take_limit') : market ? 'stop_market' : 'stop_limit';
  const size = optionalDecimalAt(wire.sz, `${path}.sz`) ?? Decimal.ZERO;
  const updated = toHost(optionalMillisAt(wire.uTime, `${path}.uTime`) ?? optionalMillisAt(wire.cTime, `${path}.cTime`), offsetMs);
  if (wire.algoId === '') throw new OkxParseError(`${path}.algoId`, 'missing (empty string)');

  let order: OrderSnapshot = {
    venue: OKX_VENUE_ID,
    venueOrderId: wire.algoId,
    symbol: wire.instId,
    side,
    type,
    status,
    size,
    filledSize: Decimal.ZERO,
    reduceOnly: boolFromWire(wire.reduceOnly),
    updatedAtMs: updated ?? receivedAtMs,
  };
  const failCode = wire.failCode !== '' && wire.failCode !== '0' ? wire.failCode : undefined;
  order = withOptional(order, 'clientId', nonEmpty(wire.algoClOrdId));
  order = withOptional(order, 'triggerPrice', chosen?.triggerPrice);
  order = withOptional(order, 'price', chosen?.orderPrice);
  order = withOptional(order, 'rejectReason', status === 'rejected' ? `failCode ${failCode ?? '(none)'}` : undefined);

  const spawned = [...wire.ordIdList.filter((id) => id !== '')];
  if (wire.ordId !== '' && !spawned.includes(wire.ordId)) spawned.push(wire.ordId);
  let update: OkxAlgoUpdate = { order, algoId: wire.algoId, algoType, state: wire.state, spawnedOrderIds: spawned };
  update = withOptional(update, 'algoClOrdId', nonEmpty(wire.algoClOrdId));
  update = withOptional(update, 'actualSide', nonEmpty(wire.actualSide));
  update = withOptional(update, 'failCode', failCode);
  update = withOptional(update, 'closeFraction', nonEmpty(wire.closeFraction));
  update = withOptional(update, 'tp', tp);
  update = withOptional(update, 'sl', sl);
  return update;
}

// ---- positions, balances, account -----------------------------------------------------------

/** A position translated, with the OKX facts the domain type does not carry. */
export interface OkxPositionUpdate {
  readonly position: Position;
  readonly posSide: OkxPosSide;
  readonly mgnMode: string;
  readonly posId?: string;
  readonly instType: string;
}

/**
 * Translates a position record (push or REST). `size` is signed, in contracts for derivatives:
 * net mode keeps the sign of `pos`; long/short mode gives `long` +|pos| and `short` −|pos|.
 * `avgPrice` = `avgPx` (0 when flat and empty); `markPrice`, `unrealizedPnl` (`upl`) and
 * `realizedPnl` when set. `updatedAtMs` = `uTime` in host time, else `receivedAtMs`. A `pos:"0"`
 * record means flat.
 */
export function parsePosition(
  wire: Pick<OkxPosition, 'instId' | 'instType' | 'posSide' | 'pos' | 'avgPx' | 'mgnMode' | 'posId' | 'uTime'> &
    Partial<Pick<OkxPosition, 'markPx' | 'upl' | 'realizedPnl'>>,
  receivedAtMs: number,
  path = 'position',
  offsetMs = 0,
): OkxPositionUpdate {
  const posSide = posSideFromVenue(wire.posSide, `${path}.posSide`);
  const raw = decimalAt(wire.pos, `${path}.pos`);
  const size = posSide === 'net' ? raw : posSide === 'long' ? raw.abs() : raw.abs().neg();
  const avg = optionalDecimalAt(wire.avgPx, `${path}.avgPx`);
  if (avg === undefined && !size.isZero()) throw new OkxParseError(`${path}.avgPx`, 'missing on an open position');
  let position: Position = {
    venue: OKX_VENUE_ID,
    symbol: wire.instId,
    size: size.isZero() ? Decimal.ZERO : size,
    avgPrice: avg ?? Decimal.ZERO,
    updatedAtMs: toHost(optionalMillisAt(wire.uTime, `${path}.uTime`), offsetMs) ?? receivedAtMs,
  };
  position = withOptional(position, 'markPrice', optionalDecimalAt(wire.markPx ?? '', `${path}.markPx`));
  position = withOptional(position, 'unrealizedPnl', optionalDecimalAt(wire.upl ?? '', `${path}.upl`));
  position = withOptional(position, 'realizedPnl', optionalDecimalAt(wire.realizedPnl ?? '', `${path}.realizedPnl`));
  const update: OkxPositionUpdate = { position, posSide, mgnMode: wire.mgnMode, instType: wire.instType };
  return withOptional(update, 'posId', nonEmpty(wire.posId));
}

/** A `positions` push (or REST list) translated item by item; `lastPage` says whether a snapshot is complete. */
export function parsePositionsPush(
  data: readonly unknown[],
  receivedAtMs: number,
  offsetMs = 0,
): { readonly positions: readonly OkxPositionUpdate[]; readonly errors: readonly OkxParseError[] } {
  const positions: OkxPositionUpdate[] = [];
  const errors: OkxParseError[] = [];
  data.forEach((item, i) => {
    const path = `positions.${i}`;
    try {
      positions.push(parsePosition(validate(OkxPositionSchema, item, path), receivedAtMs, path, offsetMs));
    } catch (error) {
      if (!(error instanceof OkxParseError)) throw error;
      errors.push(error);
    }
  });
  return { positions, errors };
}

/** A cash balance from `balance_and_position` (it carries only `cashBal`, not equity or availability). */
export interface OkxCashBalance {
  readonly currency: string;
  readonly cashBalance: Decimal;
  readonly updatedAtMs: number;
}

/** A `balance_and_position` push item translated. */
export interface OkxBalanceAndPositionUpdate {
  /** `snapshot`, `filled`, `delivered`, `liquidation`, `adl`, `funding_fee`… */
  readonly eventType: string;
  readonly balances: readonly OkxCashBalance[];
  readonly positions: readonly OkxPositionUpdate[];
  /** The trades that caused this push: `{instId, tradeId}`; look the fills up by these. */
  readonly trades: readonly { readonly instId: string; readonly tradeId: string }[];
}

/** Translates a `balance_and_position` item. Positions carry no mark or P&L here. */
export function parseBalanceAndPosition(
  wire: OkxBalanceAndPosition,
  receivedAtMs: number,
  path = 'balance_and_position',
  offsetMs = 0,
): OkxBalanceAndPositionUpdate {
  return {
    eventType: wire.eventType,
    balances: wire.balData.map((b, i) => ({
      currency: b.ccy,
      cashBalance: decimalAt(b.cashBal, `${path}.balData.${i}.cashBal`),
      updatedAtMs: toHost(optionalMillisAt(b.uTime, `${path}.balData.${i}.uTime`), offsetMs) ?? receivedAtMs,
    })),
    positions: wire.posData.map((p, i) => parsePosition(p, receivedAtMs, `${path}.posData.${i}`, offsetMs)),
    trades: wire.trades,
  };
}

/** Translates a `GET account/balance` record into one Balance per currency: `equity` = `eq`, `available` = `availBal` (else `availEq`, else `cashBal`). */
export function parseAccountBalance(wire: OkxAccountBalance, receivedAtMs: number, path = 'balance', offsetMs = 0): readonly Balance[] {
  return wire.details.map((d, i) => {
    const p = `${path}.details.${i}`;
    const equity = decimalAt(d.eq !== '' ? d.eq : d.cashBal, `${p}.eq`);
    const availableText = d.availBal !== '' ? d.availBal : d.availEq !== '' ? d.availEq : d.cashBal;
    return {
      venue: OKX_VENUE_ID,
      currency: d.ccy,
      equity,
      available: decimalAt(availableText, `${p}.availBal`),
      updatedAtMs:
        toHost(optionalMillisAt(d.uTime, `${p}.uTime`) ?? optionalMillisAt(wire.uTime, `${path}.uTime`), offsetMs) ?? receivedAtMs,
    };
  });
}

/** What `account/config` says about whether this daemon can trade on the account. */
export interface OkxAccountSetup {
  readonly uid: string;
  /** `1` spot, `2` futures, `3` multi-currency margin, `4` portfolio margin. */
  readonly acctLv: string;
  readonly posMode: OkxPosMode | string;
  /** True in `net_mode`, the only mode this daemon trades. */
  readonly netMode: boolean;
  readonly canTrade: boolean;
  /** Operator-readable problems (empty when the account is usable): long/short mode, spot mode, read-only key. */
  readonly problems: readonly string[];
}

/**
 * Reads `account/config`. The daemon trades net mode only (one signed position per instrument,
 * `reduceOnly` closes): a `long_short_mode` account is reported as a problem with the fix, as is
 * spot mode (`acctLv` 1 cannot trade derivatives, `51010`) and a key without `trade` permission.
 */
export function parseAccountConfig(wire: OkxAccountConfig): OkxAccountSetup {
  const problems: string[] = [];
  const netMode = wire.posMode === 'net_mode';
  if (!netMode) {
    const known = isOneOf(OKX_POS_MODES, wire.posMode);
    problems.push(
      `OKX account position mode is ${JSON.stringify(wire.posMode)}${known ? '' : ' (unknown)'}; this daemon needs net_mode: ` +
        'switch it in the OKX app (Settings → Position mode → One-way) or POST /api/v5/account/set-position-mode {"posMode":"net_mode"} with no open positions or orders',
    );
  }
  if (wire.acctLv === '1')
    problems.push('OKX account is in spot mode (acctLv 1), which cannot trade swaps: switch the account mode in the OKX app');
  const perms = wire.perm.split(',').map((p) => p.trim());
  const canTrade = perms.includes('trade');
  if (!canTrade) problems.push(`OKX API key permissions are ${JSON.stringify(wire.perm)}: create a key with trade permission`);
  return { uid: wire.uid, acctLv: wire.acctLv, posMode: wire.posMode, netMode, canTrade, problems };
}

// ---- envelopes and per-item results ---------------------------------------------------------

/** The parts of a REST reply or a WS op reply that decide the outcome. */
export interface OkxReply {
  readonly code: string;
  readonly msg: string;
  readonly data?: readonly unknown[] | undefined;
}

/** Where a reply came from, for the error it may become. */
export interface OkxReplyContext {
  /** e.g. `POST /api/v5/trade/order` or the WS op. */
  readonly method?: string;
  readonly httpStatus?: number;
  readonly requestId?: string;
}

/**
 * Reads a REST body (already JSON-parsed) whatever the HTTP status: `{code, msg, data?}`. A body
 * without a string `code` throws an OkxParseError (the caller then treats the call by its HTTP
 * status: a 5xx or timeout is an unknown outcome).
 */
export function readRestEnvelope(body: unknown, path = 'response'): OkxRestEnvelope {
  return validate(OkxRestEnvelopeSchema, body, path);
}

/**
 * The data of a reply that must succeed as a whole (reads, close-position, cancel-all-after).
 * `code` `0` → `data` (or `[]`); anything else throws an OkxApiError: for `1`/`2` the first failed
 * item's `sCode`/`sMsg`/`subCode` (the real reason), else the top-level `code`/`msg` (a 401 body
 * has no `data`).
 */
export function expectOk(reply: OkxReply, context: OkxReplyContext = {}): readonly unknown[] {
  if (reply.code === '0') return reply.data ?? [];
  throw replyError(reply, context);
}

/** The OkxApiError a failed reply stands for (see `expectOk`). */
export function replyError(reply: OkxReply, context: OkxReplyContext = {}): OkxApiError {
  if (reply.code === '1' || reply.code === '2') {
    for (const item of reply.data ?? []) {
      if (!isRecord(item)) continue;
      const sCode = item.sCode;
      if (typeof sCode === 'string' && sCode !== '0') {
        return new OkxApiError({
          code: sCode,
          msg: typeof item.sMsg === 'string' ? item.sMsg : '',
          subCode: typeof item.subCode === 'string' ? item.subCode : undefined,
          perItem: true,
          httpStatus: context.httpStatus,
          requestId: context.requestId,
          method: context.method,
        });
      }
    }
  }
  return new OkxApiError({
    code: reply.code,
    msg: reply.msg,
    httpStatus: context.httpStatus,
    requestId: context.requestId,
    method: context.method,
  });
}

/** One item of a place/cancel/amend/algo reply: accepted (which is not filled: the truth comes from the orders channel), or refused with its own code. */
export type OkxItemOutcome<T> =
  { readonly ok: true; readonly item: T } | { readonly ok: false; readonly item: T; readonly error: OkxApiError };

/**
 * The per-item results of a reply whose items carry `sCode` (`trade/order`, `batch-orders`,
 * `cancel-order`, `amend-order`, `order-algo`, `cancel-algos`, and their WS ops). Top-level `0`,
 * `1` (all failed) and `2` (partial) are read item by item; any other top-level code (`50011`,
 * `51000`, `60013`, a 401 `50113`) throws the top-level OkxApiError: nothing was done. Items are
 * validated with `schema`; a malformed item throws an OkxParseError (outcome unknown: reconcile).
 */
export function itemOutcomes<S extends z.ZodType<{ sCode: string; sMsg: string; subCode: string }>>(
  reply: OkxReply,
  schema: S,
  context: OkxReplyContext = {},
  path = 'data',
): readonly OkxItemOutcome<z.output<S>>[] {
  if (reply.code !== '0' && reply.code !== '1' && reply.code !== '2') throw replyError(reply, context);
  const data = reply.data ?? [];
  if (data.length === 0) {
    if (reply.code === '0') return [];
    throw new OkxApiError({
      code: reply.code,
      msg: reply.msg,
      httpStatus: context.httpStatus,
      requestId: context.requestId,
      method: context.method,
    });
  }
  return data.map((raw, i) => {
    const item = validate(schema, raw, `${path}.${i}`);
    if (item.sCode === '0') return { ok: true as const, item };
    const error = new OkxApiError({
      code: item.sCode,
      msg: item.sMsg,
      subCode: item.subCode,
      perItem: true,
      httpStatus: context.httpStatus,
      requestId: context.requestId,
      method: context.method,
    });
    return { ok: false as const, item, error };
  });
}

/** Per-item results of an order reply (place, batch, cancel, amend; REST or WS op). */
export function parseOrderAcks(reply: OkxReply, context: OkxReplyContext = {}): readonly OkxItemOutcome<OkxOrderAck>[] {
  return itemOutcomes(reply, OkxOrderAckSchema, context);
}

/** Per-item results of an algo reply (`order-algo`, `cancel-algos`). */
export function parseAlgoAcks(reply: OkxReply, context: OkxReplyContext = {}): readonly OkxItemOutcome<OkxAlgoAck>[] {
  return itemOutcomes(reply, OkxAlgoAckSchema, context);
}

/** The single ack of a one-order request; its `sCode` failure (or a top-level one) throws the OkxApiError. */
export function singleOrderAck(reply: OkxReply, context: OkxReplyContext = {}): OkxOrderAck {
  return single(parseOrderAcks(reply, context), reply, context);
}

/** The single ack of a one-algo request (`order-algo`); failures throw the OkxApiError. */
export function singleAlgoAck(reply: OkxReply, context: OkxReplyContext = {}): OkxAlgoAck {
  return single(parseAlgoAcks(reply, context), reply, context);
}

function single<T>(outcomes: readonly OkxItemOutcome<T>[], reply: OkxReply, context: OkxReplyContext): T {
  const first = outcomes[0];
  if (first === undefined)
    throw new OkxParseError(
      'data',
      `no result item in a code ${JSON.stringify(reply.code)} reply${context.method === undefined ? '' : ` to ${context.method}`}`,
    );
  if (!first.ok) throw first.error;
  return first.item;
}

/** `trade/close-position`: the ack (no sCode; a failure such as `51023` no position is the top-level code). */
export function parseClosePositionAck(reply: OkxReply, context: OkxReplyContext = {}): OkxClosePositionAck {
  const data = expectOk(reply, context);
  return validate(OkxClosePositionAckSchema, data[0], 'data.0');
}

/** `trade/cancel-all-after`: when the countdown fires (ms, converted from OKX's seconds; undefined when disabled) and the venue time of the call. */
export function parseCancelAllAfterAck(
  reply: OkxReply,
  context: OkxReplyContext = {},
): { readonly triggerAtMs: number | undefined; readonly venueTsMs: number | undefined; readonly tag: string } {
  const data = expectOk(reply, context);
  const ack = validate(OkxCancelAllAfterAckSchema, data[0], 'data.0');
  const trigger = optionalMillisAt(ack.triggerTime, 'data.0.triggerTime');
  const ts = optionalMillisAt(ack.ts, 'data.0.ts');
  return {
    triggerAtMs: trigger === undefined ? undefined : trigger * 1000,
    venueTsMs: ts === undefined ? undefined : ts * 1000,
    tag: ack.tag,
  };
}

/** `public/time`: the venue's clock in ms (for the clock offset used to sign). */
export function parsePublicTime(reply: OkxReply, context: OkxReplyContext = {}): number {
  const data = expectOk(reply, context);
  const { ts } = validate(OkxTimeSchema, data[0], 'data.0');
  const ms = optionalMillisAt(ts, 'data.0.ts');
  if (ms === undefined) throw new OkxParseError('data.0.ts', 'missing');
  return ms;
}

/** `account/config`: the one record, read by `parseAccountConfig`. */
export function parseAccountConfigReply(reply: OkxReply, context: OkxReplyContext = {}): OkxAccountSetup {
  const data = expectOk(reply, context);
  return parseAccountConfig(validate(OkxAccountConfigSchema, data[0], 'data.0'));
}

/**
 * A list reply (`orders-pending`, `trade/order`, `orders-algo-pending`, `fills`, `positions`,
 * `account/balance`) parsed item by item with `parseItem`; bad items are returned as errors next
 * to the good ones, so one malformed record cannot hide the others.
 */
export function parseList<S extends z.ZodType, R>(
  reply: OkxReply,
  schema: S,
  parseItem: (wire: z.output<S>, path: string) => R,
  context: OkxReplyContext = {},
  path = 'data',
): { readonly items: readonly R[]; readonly errors: readonly OkxParseError[] } {
  const data = expectOk(reply, context);
  const items: R[] = [];
  const errors: OkxParseError[] = [];
  data.forEach((raw, i) => {
    const p = `${path}.${i}`;
    try {
      items.push(parseItem(validate(schema, raw, p), p));
    } catch (error) {
      if (!(error instanceof OkxParseError)) throw error;
      errors.push(error);
    }
  });
  return { items, errors };
}

/** Turns a WS `event:"error"` frame into the OkxApiError it stands for (`60011` before login, `64001` wrong URL…). */
export function wsErrorToApiError(frame: { readonly code: string; readonly msg: string; readonly id?: string }): OkxApiError {
  return new OkxApiError({ code: frame.code, msg: frame.msg, requestId: frame.id, method: 'ws' });
}
