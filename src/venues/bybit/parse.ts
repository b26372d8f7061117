/**
 * Pure translation between Bybit v5 wire objects and domain types: the REST envelope, instruments
 * (linear in coin, inverse in USD contracts), the ticker hot path (snapshot then deltas merged onto
 * it; a delta before any snapshot is not applied), orders (filled = `cumExecQty` in every state,
 * terminal ones included), executions, positions (REST `avgPrice` / WS `entryPrice`), wallet and
 * market time. Parsers take (wire object, receive time) and never read the clock; their errors
 * name the field path, e.g. `order.0.cumExecQty`.
 */
import type { z } from 'zod';

import { Decimal } from '../../domain/decimal.js';
import type { Instrument } from '../../domain/instrument.js';
import type { OrderSnapshot } from '../../domain/order.js';
import type { Balance, Fill, Position, Ticker } from '../../domain/position.js';
import { isWireDecimal, LazyTicker, type WireDecimal } from '../shared/lazy-ticker.js';
import { createWireReader, describeWire } from '../shared/parse-helpers.js';
import {
  BYBIT_FILL_EXEC_TYPES,
  BYBIT_ORDER_STATUSES,
  type BybitCategory,
  type BybitOrderStatus,
  isOneOf,
  orderStatusFromVenue,
  orderTypeFromVenue,
  sideFromVenue,
} from './enums.js';
import { BYBIT_VENUE_ID, BybitApiError, BybitParseError } from './errors.js';
import {
  type BybitEnvelope,
  BybitEnvelopeSchema,
  type BybitExecution,
  type BybitInstrument,
  BybitListSchema,
  BybitMarketTimeSchema,
  type BybitOrder,
  type BybitOrderAck,
  BybitOrderAckSchema,
  type BybitPosition,
  type BybitWallet,
  BybitWalletCoinSchema,
} from './rest-models.js';

/** Bybit sends `""` for unset fields: the reader treats it as absent. */
export const bybitWire = createWireReader({ venue: BYBIT_VENUE_ID, emptyStringIsAbsent: true });

/** Validates `value` against `schema`, naming the first bad field under `root`. */
export function validate<T extends z.ZodType>(schema: T, value: unknown, root: string): z.output<T> {
  return bybitWire.validate(schema, value, root);
}

// ---- envelope ---------------------------------------------------------------------------------

export interface BybitReplyContext {
  /** `GET /v5/order/realtime`, for messages. */
  readonly method: string;
  readonly httpStatus?: number;
}

/** Reads `{retCode, retMsg, result, time}`; a body without them is a parse error. */
export function readEnvelope(value: unknown): BybitEnvelope {
  return validate(BybitEnvelopeSchema, value, 'reply');
}

/** The `result` of a `retCode` 0 reply; any other code throws BybitApiError. */
export function expectOk(reply: BybitEnvelope, context: BybitReplyContext): unknown {
  if (reply.retCode !== 0) {
    throw new BybitApiError({
      retCode: reply.retCode,
      retMsg: reply.retMsg,
      method: context.method,
      ...(context.httpStatus === undefined ? {} : { httpStatus: context.httpStatus }),
    });
  }
  return reply.result;
}

/** The `result.list` (and the paging cursor) of a successful list reply. */
export function expectList(
  reply: BybitEnvelope,
  context: BybitReplyContext,
): { readonly list: readonly unknown[]; readonly cursor: string } {
  const result = validate(BybitListSchema, expectOk(reply, context), `${context.method}.result`);
  return { list: result.list, cursor: result.nextPageCursor ?? '' };
}

/** The `{orderId, orderLinkId}` ack of create / cancel / amend. */
export function parseOrderAck(reply: BybitEnvelope, context: BybitReplyContext): BybitOrderAck {
  return validate(BybitOrderAckSchema, expectOk(reply, context), `${context.method}.result`);
}

/** `market/time`: venue time in ms (from `timeNano` when present, else `timeSecond`, else the envelope `time`). */
export function parseMarketTime(reply: BybitEnvelope, context: BybitReplyContext): number {
  const result = validate(BybitMarketTimeSchema, expectOk(reply, context), 'market/time.result');
  if (result.timeNano !== undefined && /^\d{13,}$/.test(result.timeNano)) return Number(result.timeNano.slice(0, -6));
  if (reply.time !== undefined) return reply.time;
  return bybitWire.millisAt(result.timeSecond, 'market/time.result', 'timeSecond') * 1_000;
}

// ---- instruments ------------------------------------------------------------------------------

/**
 * One instruments-info row → an Instrument. Linear rows are sized in the base coin (`base`,
 * contractSize 1 coin); inverse rows in USD contracts (`quote`, contractSize 1 USD). Tick from
 * `priceFilter.tickSize`, lot from `lotSizeFilter.qtyStep`, minimum from `minOrderQty`.
 */
export function parseInstrument(wire: BybitInstrument, category: BybitCategory, path = 'instrument'): Instrument {
  const inverse = category === 'inverse';
  const tickSize = bybitWire.decimal(wire.priceFilter.tickSize, `${path}.priceFilter.tickSize`);
  const lotSize = bybitWire.decimal(wire.lotSizeFilter.qtyStep, `${path}.lotSizeFilter.qtyStep`);
  const minSize = bybitWire.decimal(wire.lotSizeFilter.minOrderQty, `${path}.lotSizeFilter.minOrderQty`);
  if (!tickSize.isPositive()) throw new BybitParseError(`${path}.priceFilter.tickSize`, 'must be positive');
  if (!lotSize.isPositive()) throw new BybitParseError(`${path}.lotSizeFilter.qtyStep`, 'must be positive');
  const delivery = wire.deliveryTime === undefined || wire.deliveryTime === '' ? 0 : Number(wire.deliveryTime);
  const perpetual = wire.contractType.endsWith('Perpetual');
  return {
    venue: BYBIT_VENUE_ID,
    symbol: wire.symbol,
    kind: perpetual ? 'perpetual' : 'future',
    base: wire.baseCoin,
    quote: wire.quoteCoin,
    settle: wire.settleCoin !== undefined && wire.settleCoin !== '' ? wire.settleCoin : inverse ? wire.baseCoin : wire.quoteCoin,
    inverse,
    tickSize,
    tickSteps: [],
    lotSize,
    minSize,
    contractSize: Decimal.from(1),
    sizeUnit: inverse ? 'quote' : 'base',
    ...(perpetual || !Number.isFinite(delivery) || delivery <= 0 ? {} : { expiryMs: delivery }),
    active: wire.status === 'Trading',
  };
}

// ---- tickers (hot path) -----------------------------------------------------------------------

/**
 * The last known ticker fields of one symbol, as sent (strings). A `snapshot` replaces them all;
 * a `delta` overwrites only the fields it carries. Mutated in place (one per watched symbol).
 */
export interface BybitQuote {
  bid: WireDecimal | undefined;
  ask: WireDecimal | undefined;
  last: WireDecimal | undefined;
  mark: WireDecimal | undefined;
  index: WireDecimal | undefined;
}

/** The ticker fields read (a cheap structural view, no schema). */
interface WireTickerData {
  readonly symbol?: unknown;
  readonly bid1Price?: unknown;
  readonly bid1Size?: unknown;
  readonly ask1Price?: unknown;
  readonly ask1Size?: unknown;
  readonly lastPrice?: unknown;
  readonly markPrice?: unknown;
  readonly indexPrice?: unknown;
}

/** A book size that empties its side (`"0"`, `"0.000"`): only a size starting with 0, `.` or a sign is converted to tell. */
function isZeroSize(size: WireDecimal): boolean {
  if (typeof size === 'number') return size === 0;
  const c = size.charCodeAt(0);
  return (c === 48 || c === 46 || c === 45 || c === 43) && Number(size) === 0;
}

/**
 * The ticker hot path: one `tickers.{symbol}` push checked by hand (no schema), merged onto the
 * symbol's last snapshot in `quotes`, returned as a LazyTicker whose decimals stay strings until
 * read. `type` is the frame's `snapshot` | `delta`; `tsMs` is the frame `ts` in venue time,
 * converted to host time with `offsetMs`. A delta for a symbol with no snapshot yet returns
 * undefined and changes nothing (its missing fields would read as "unchanged" from nothing).
 * A malformed field throws BybitParseError naming it (`tickers.BTCUSDT.bid1Price`); on a throw
 * the stored quote is left unchanged.
 */
export function readTicker(
  data: unknown,
  type: unknown,
  ts: unknown,
  receivedAtMs: number,
  quotes: Map<string, BybitQuote>,
  offsetMs = 0,
  path = 'tickers',
): Ticker | undefined {
  if (typeof data !== 'object' || data === null) throw new BybitParseError(path, `expected an object, got ${describeWire(data)}`);
  const d = data as WireTickerData;
  const symbol = d.symbol;
  if (typeof symbol !== 'string' || symbol === '')
    throw new BybitParseError(`${path}.symbol`, `expected a symbol, got ${describeWire(symbol)}`);
  const isSnapshot = type === 'snapshot';
  if (!isSnapshot && type !== 'delta')
    throw new BybitParseError(`${path}.${symbol}.type`, `expected snapshot or delta, got ${describeWire(type)}`);
  let q = quotes.get(symbol);
  if (!isSnapshot && q === undefined) return undefined;
  // A delta names only what changed: an absent field costs one read, no call.
  const bidPx = d.bid1Price === undefined ? undefined : tickerField(d.bid1Price, path, symbol, 'bid1Price');
  const bidSz = d.bid1Size === undefined ? undefined : tickerField(d.bid1Size, path, symbol, 'bid1Size');
  const askPx = d.ask1Price === undefined ? undefined : tickerField(d.ask1Price, path, symbol, 'ask1Price');
  const askSz = d.ask1Size === undefined ? undefined : tickerField(d.ask1Size, path, symbol, 'ask1Size');
  const last = d.lastPrice === undefined ? undefined : tickerField(d.lastPrice, path, symbol, 'lastPrice');
  const mark = d.markPrice === undefined ? undefined : tickerField(d.markPrice, path, symbol, 'markPrice');
  const index = d.indexPrice === undefined ? undefined : tickerField(d.indexPrice, path, symbol, 'indexPrice');
  const tsMs = typeof ts === 'number' && Number.isFinite(ts) ? ts - offsetMs : receivedAtMs;
  if (q === undefined || isSnapshot) {
    q = { bid: undefined, ask: undefined, last: undefined, mark: undefined, index: undefined };
    quotes.set(symbol, q);
  }
  // A side whose size is "0" is empty; a delta that names only the size keeps the price.
  if (bidPx !== undefined || bidSz !== undefined) q.bid = bidSz !== undefined && isZeroSize(bidSz) ? undefined : (bidPx ?? q.bid);
  if (askPx !== undefined || askSz !== undefined) q.ask = askSz !== undefined && isZeroSize(askSz) ? undefined : (askPx ?? q.ask);
  if (last !== undefined) q.last = last;
  if (mark !== undefined) q.mark = mark;
  if (index !== undefined) q.index = index;
  return new LazyTicker(BYBIT_VENUE_ID, symbol, tsMs, q.bid, q.ask, q.last, q.mark, q.index, undefined, undefined);
}

/**
 * One ticker decimal as sent: absent or `""` → undefined (a delta leaves it unchanged); anything
 * but a decimal throws, naming `tickers.SYMBOL.key`. The path is built only on failure: the hot
 * path allocates no strings for it.
 */
function tickerField(value: unknown, path: string, symbol: string, key: string): WireDecimal | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (isWireDecimal(value)) return value;
  throw new BybitParseError(`${path}.${symbol}.${key}`, `not a decimal string: ${describeWire(value)}`);
}

// ---- orders -----------------------------------------------------------------------------------

/** An order record translated, with the Bybit facts the snapshot does not carry. */
export interface BybitOrderUpdate {
  readonly order: OrderSnapshot;
  readonly venueStatus: BybitOrderStatus;
  readonly category: string | undefined;
  readonly stopOrderType: string | undefined;
  readonly cancelType: string | undefined;
}

function timeOf(value: string | number | undefined, path: string, key: string, fallback: number, offsetMs: number): number {
  if (value === undefined || value === '' || value === 0 || value === '0') return fallback;
  return bybitWire.millisAt(value, path, key) - offsetMs;
}

/** A price that may be unset: `""`, `"0"`, `"0.00"` or absent are all "not set". */
function optionalPrice(value: string | undefined, field: string): Decimal | undefined {
  const d = bybitWire.optionalDecimal(value, field);
  return d === undefined || d.isZero() ? undefined : d;
}

/**
 * One order (REST row or `order` push item). `filledSize` is `cumExecQty` whatever the status:
 * a `Cancelled`, `PartiallyFilledCanceled` or `Deactivated` order reports what filled before it
 * ended. `avgPrice` `""`/`"0"` means no fill. A conditional order (trigger price or a
 * `stopOrderType`) is a stop or take; `TakeProfit`/`PartialTakeProfit`, or a trigger direction
 * that fires on a move in the position's favour, make it a take.
 */
export function parseOrder(wire: BybitOrder, receivedAtMs: number, path = 'order', offsetMs = 0): BybitOrderUpdate {
  if (!isOneOf(BYBIT_ORDER_STATUSES, wire.orderStatus)) {
    throw new BybitParseError(`${path}.orderStatus`, `unknown order status ${describeWire(wire.orderStatus)}`);
  }
  const venueStatus = wire.orderStatus;
  const side = sideFromVenue(wire.side);
  const size = bybitWire.decimal(wire.qty, `${path}.qty`);
  const filledSize = bybitWire.decimal(wire.cumExecQty, `${path}.cumExecQty`);
  if (filledSize.isNegative()) throw new BybitParseError(`${path}.cumExecQty`, 'negative');
  const avg = optionalPrice(wire.avgPrice, `${path}.avgPrice`);
  const price = optionalPrice(wire.price, `${path}.price`);
  const triggerPrice = optionalPrice(wire.triggerPrice, `${path}.triggerPrice`);
  const sot =
    wire.stopOrderType === undefined || wire.stopOrderType === '' || wire.stopOrderType === 'UNKNOWN' ? undefined : wire.stopOrderType;
  const conditional = triggerPrice !== undefined || sot !== undefined;
  const isTake =
    sot === 'TakeProfit' ||
    sot === 'PartialTakeProfit' ||
    (sot !== 'StopLoss' &&
    sot !== 'PartialStopLoss' &&
    sot !== 'TrailingStop' &&
    wire.triggerDirection !== undefined &&
    wire.triggerDirection !== 0
      ? (side === 'sell') === (wire.triggerDirection === 1)
      : false);
  const clientId = wire.orderLinkId !== undefined && wire.orderLinkId !== '' ? wire.orderLinkId : undefined;
  const status = orderStatusFromVenue(venueStatus);
  const cancelType = wire.cancelType === undefined || wire.cancelType === '' || wire.cancelType === 'UNKNOWN' ? undefined : wire.cancelType;
  const reject =
    wire.rejectReason === undefined || wire.rejectReason === '' || wire.rejectReason === 'EC_NoError' ? undefined : wire.rejectReason;
  const order: OrderSnapshot = {
    venue: BYBIT_VENUE_ID,
    venueOrderId: bybitWire.stringAt(wire.orderId, path, 'orderId'),
    ...(clientId === undefined ? {} : { clientId }),
    symbol: wire.symbol,
    side,
    type: orderTypeFromVenue(wire.orderType, conditional, isTake),
    status,
    size,
    filledSize,
    ...(avg === undefined || filledSize.isZero() ? {} : { avgFillPrice: avg }),
    // A Market order's `price` is the venue's internal band price, not ours: left out.
    ...(price === undefined || wire.orderType === 'Market' ? {} : { price }),
    ...(triggerPrice === undefined ? {} : { triggerPrice }),
    reduceOnly: wire.reduceOnly === true || wire.closeOnTrigger === true,
    ...(status === 'cancelled' ? { cancelReason: cancelType ?? venueStatus } : {}),
    ...(status === 'rejected' && reject !== undefined ? { rejectReason: reject } : {}),
    updatedAtMs: timeOf(wire.updatedTime, path, 'updatedTime', receivedAtMs, offsetMs),
  };
  return { order, venueStatus, category: wire.category, stopOrderType: sot, cancelType };
}

// ---- executions -------------------------------------------------------------------------------

/**
 * One execution (REST row or `execution` push item) as a Fill, or undefined for rows that are not
 * fills of an order (`Funding`, `Settle`, `Delivery`...). Size in the venue unit (linear coin,
 * inverse USD contracts); fee in `feeCurrency` (or the settle coin when `""`).
 */
export function parseExecution(
  wire: BybitExecution,
  receivedAtMs: number,
  path = 'execution',
  offsetMs = 0,
  settleCoin = '',
): Fill | undefined {
  if (!BYBIT_FILL_EXEC_TYPES.has(wire.execType)) return undefined;
  const size = bybitWire.decimal(wire.execQty, `${path}.execQty`);
  const price = bybitWire.decimal(wire.execPrice, `${path}.execPrice`);
  const fee = bybitWire.optionalDecimal(wire.execFee, `${path}.execFee`) ?? Decimal.ZERO;
  const clientId = wire.orderLinkId !== undefined && wire.orderLinkId !== '' ? wire.orderLinkId : undefined;
  return {
    venue: BYBIT_VENUE_ID,
    tradeId: bybitWire.stringAt(wire.execId, path, 'execId'),
    venueOrderId: bybitWire.stringAt(wire.orderId, path, 'orderId'),
    ...(clientId === undefined ? {} : { clientId }),
    symbol: wire.symbol,
    side: sideFromVenue(wire.side),
    size,
    price,
    fee,
    feeCurrency: wire.feeCurrency !== undefined && wire.feeCurrency !== '' ? wire.feeCurrency : settleCoin,
    liquidity: wire.isMaker === undefined ? 'unknown' : wire.isMaker ? 'maker' : 'taker',
    tsMs: timeOf(wire.execTime, path, 'execTime', receivedAtMs, offsetMs),
  };
}

// ---- positions --------------------------------------------------------------------------------

/**
 * One position row (REST `avgPrice`, WS `entryPrice`) as a signed Position: `Sell` is negative, a
 * flat row (`side` `""`, `size` `"0"`) has size 0. Unset TP/SL and prices (`""`, `"0"`, absent) are
 * left out. Units: linear size in coin, P&L in USDT; inverse size in USD contracts, P&L in coin.
 */
export function parsePosition(wire: BybitPosition, receivedAtMs: number, path = 'position', offsetMs = 0): Position {
  const size = bybitWire.decimal(wire.size, `${path}.size`);
  const signed = wire.side === 'Sell' ? size.neg() : size;
  const entry = optionalPrice(wire.entryPrice ?? wire.avgPrice, `${path}.${wire.entryPrice === undefined ? 'avgPrice' : 'entryPrice'}`);
  const mark = optionalPrice(wire.markPrice, `${path}.markPrice`);
  const upnl = bybitWire.optionalDecimal(wire.unrealisedPnl, `${path}.unrealisedPnl`);
  const rpnl = bybitWire.optionalDecimal(wire.cumRealisedPnl, `${path}.cumRealisedPnl`);
  return {
    venue: BYBIT_VENUE_ID,
    symbol: wire.symbol,
    size: signed,
    avgPrice: entry ?? Decimal.ZERO,
    ...(mark === undefined ? {} : { markPrice: mark }),
    ...(upnl === undefined ? {} : { unrealizedPnl: upnl }),
    ...(rpnl === undefined ? {} : { realizedPnl: rpnl }),
    updatedAtMs: timeOf(wire.updatedTime, path, 'updatedTime', receivedAtMs, offsetMs),
  };
}

// ---- wallet -----------------------------------------------------------------------------------

/**
 * One wallet (REST `list` item or `wallet` push item) as balances per coin: equity, and available
 * = walletBalance − locked − order IM − position IM (never below zero; `availableToWithdraw` is
 * deprecated on unified accounts).
 */
export function parseWallet(wire: BybitWallet, receivedAtMs: number, path = 'wallet'): Balance[] {
  return wire.coin.map((raw, i) => {
    const at = `${path}.coin.${i}`;
    const c = validate(BybitWalletCoinSchema, raw, at);
    const equity = bybitWire.optionalDecimal(c.equity, `${at}.equity`) ?? Decimal.ZERO;
    const wallet = bybitWire.optionalDecimal(c.walletBalance, `${at}.walletBalance`) ?? equity;
    let available = wallet;
    for (const [key, value] of [
      ['locked', c.locked],
      ['totalOrderIM', c.totalOrderIM],
      ['totalPositionIM', c.totalPositionIM],
    ] as const) {
      const d = bybitWire.optionalDecimal(value, `${at}.${key}`);
      if (d !== undefined) available = available.minus(d);
    }
    return {
      venue: BYBIT_VENUE_ID,
      currency: c.coin,
      equity,
      available: available.isNegative() ? Decimal.ZERO : available,
      updatedAtMs: receivedAtMs,
    };
  });
}
