/**
 * Pure translation between Deribit wire objects and domain types. Parsers take (wire object,
 * receive time) and never read the clock; their errors name the field path, e.g. `order.filled_amount`.
 */
import { Decimal } from '../../domain/decimal.js';
import type { Instrument, TickStep } from '../../domain/instrument.js';
import { roundPrice, tickAt } from '../../domain/instrument.js';
import type { AmendRequest, OrderRequest, OrderSnapshot, OrderStatus, OrderType, Side } from '../../domain/order.js';
import { isTriggerType } from '../../domain/order.js';
import type { Balance, Fill, Greeks, Position, Ticker } from '../../domain/position.js';
import { LazyGreeks, LazyTicker, type WireDecimal } from '../shared/lazy-ticker.js';
import { describeWire, readOptionalWireDecimal, readWireDecimal } from '../shared/parse-helpers.js';
import { parseItems, type SkippedItem } from '../shared/parse-items.js';
import type { DeribitOutboundOrderType, DeribitTimeInForce, DeribitTrigger } from './enums.js';
import {
  instrumentKindFromVenue,
  instrumentLifecycleFromVenue,
  liquidityFromVenue,
  orderStatusFromVenue,
  orderTypeFromVenue,
  orderTypeToVenue,
  positionSignFromVenue,
  sideFromVenue,
  sideToMethod,
  timeInForceToVenue,
  triggerToVenue,
} from './enums.js';
import { DERIBIT_VENUE_ID, DeribitParseError, DeribitRequestError } from './errors.js';
import { validateLabel } from './instrument-name.js';
import type {
  DeribitAccountSummary,
  DeribitInstrument,
  DeribitOrder,
  DeribitPosition,
  DeribitTicker,
  DeribitTrade,
} from './rest-models.js';
import { DeribitOrderSchema, DeribitPositionSchema, DeribitTradeSchema } from './rest-models.js';
import { validateWire } from './rpc.js';
import { deribitWire } from './wire-fields.js';

// ---- field helpers --------------------------------------------------------------------------

/** Parses a required decimal; throws a DeribitParseError naming `field` when absent or not numeric. */
const decimalAt = (value: unknown, field: string): Decimal => deribitWire.decimal(value, field);

/** Parses an optional decimal: null/undefined → undefined; anything non-numeric throws, naming `field`. */
const optionalDecimalAt = (value: unknown, field: string): Decimal | undefined => deribitWire.optionalDecimal(value, field);

function nonEmpty(value: string | null | undefined): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : value;
}

/**
 * Sets `target[key]` only when `value` is defined, so optional domain keys stay absent. Mutates
 * `target` (always an object the caller has just built) instead of copying it per field.
 */
function withOptional<T extends object, K extends string, V>(target: T, key: K, value: V | undefined): T & { [P in K]?: V } {
  if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  return target as T & { [P in K]?: V };
}

// ---- instruments ----------------------------------------------------------------------------

/** Perpetuals report this expiry (3000-01-01T08:00Z); it is not a real expiry. */
export const PERPETUAL_EXPIRY_MS = 32503708800000;

/**
 * Translates an instrument record. Units (spec 5.3):
 * - inverse futures/perpetuals: size in USD (`quote`), lot = `contract_size` (BTC 10)
 * - options and linear/spot products: size in base coin (`base`), lot = the smaller of
 *   `contract_size` and `min_trade_amount` (BTC options: contract 1, traded in 0.1 steps)
 * Tick steps come from `tick_size_steps`, sorted by `above_price`. `active` needs `is_active` and,
 * when the record has one, an open `state`. Combos and unknown kinds throw (`instrument.kind`).
 */
export function parseInstrument(wire: DeribitInstrument, path = 'instrument'): Instrument {
  const kind = instrumentKindFromVenue(wire.kind, wire.settlement_period ?? undefined, wire.instrument_name);
  if (kind === 'unknown') throw new DeribitParseError(`${path}.kind`, `unsupported instrument kind ${JSON.stringify(wire.kind)}`);

  const settle = wire.settlement_currency ?? (wire.instrument_type === 'linear' ? wire.quote_currency : wire.base_currency);
  // `reversed` = inverse. Older records (the docs' option example) omit instrument_type: a product
  // settled in its own base coin is inverse.
  const inverse = kind !== 'spot' && (wire.instrument_type != null ? wire.instrument_type === 'reversed' : settle === wire.base_currency);

  const tickSize = decimalAt(wire.tick_size, `${path}.tick_size`);
  const tickSteps: TickStep[] = (wire.tick_size_steps ?? [])
    .map((step, i) => ({
      abovePrice: decimalAt(step.above_price, `${path}.tick_size_steps.${i}.above_price`),
      tickSize: decimalAt(step.tick_size, `${path}.tick_size_steps.${i}.tick_size`),
    }))
    .sort((a, b) => a.abovePrice.cmp(b.abovePrice));

  const contractSize = decimalAt(wire.contract_size, `${path}.contract_size`);
  const minSize = decimalAt(wire.min_trade_amount, `${path}.min_trade_amount`);
  if (!tickSize.isPositive()) throw new DeribitParseError(`${path}.tick_size`, 'must be positive');
  if (!contractSize.isPositive()) throw new DeribitParseError(`${path}.contract_size`, 'must be positive');
  if (!minSize.isPositive()) throw new DeribitParseError(`${path}.min_trade_amount`, 'must be positive');

  const quoteSized = inverse && (kind === 'perpetual' || kind === 'future');
  const sizeUnit = quoteSized ? 'quote' : 'base';
  const lotSize = quoteSized ? contractSize : Decimal.min(contractSize, minSize);

  const lifecycle = wire.state == null ? 'open' : instrumentLifecycleFromVenue(wire.state);
  let instrument: Instrument = {
    venue: DERIBIT_VENUE_ID,
    symbol: wire.instrument_name,
    kind,
    base: wire.base_currency,
    quote: wire.quote_currency,
    settle,
    inverse,
    tickSize,
    tickSteps,
    lotSize,
    minSize,
    contractSize,
    sizeUnit,
    active: wire.is_active && lifecycle === 'open',
  };

  if (kind === 'future' || kind === 'option') {
    const expiry = wire.expiration_timestamp;
    if (expiry == null) throw new DeribitParseError(`${path}.expiration_timestamp`, `missing on a ${kind}`);
    instrument = { ...instrument, expiryMs: expiry };
  }
  if (kind === 'option') {
    const optionType = wire.option_type;
    if (optionType !== 'call' && optionType !== 'put') {
      throw new DeribitParseError(`${path}.option_type`, `expected call or put, got ${JSON.stringify(optionType)}`);
    }
    instrument = { ...instrument, strike: decimalAt(wire.strike, `${path}.strike`), optionType };
  }
  return instrument;
}

/** An instrument record that `parseInstruments` left out, with the reason. */
export interface SkippedInstrument {
  readonly name: string;
  readonly reason: string;
}

/**
 * Translates a `get_instruments` list, skipping records this daemon cannot trade (combos, unknown
 * kinds, malformed records) instead of failing the whole list.
 */
export function parseInstruments(list: readonly DeribitInstrument[]): {
  readonly instruments: readonly Instrument[];
  readonly skipped: readonly SkippedInstrument[];
} {
  const instruments: Instrument[] = [];
  const skipped: SkippedInstrument[] = [];
  list.forEach((wire, i) => {
    try {
      instruments.push(parseInstrument(wire, `instruments.${i}`));
    } catch (error) {
      if (!(error instanceof DeribitParseError)) throw error;
      skipped.push({ name: wire.instrument_name, reason: error.message });
    }
  });
  return { instruments, skipped };
}

// ---- orders, fills, positions ---------------------------------------------------------------

const MARKET_TYPES: ReadonlySet<OrderType> = new Set(['market', 'stop_market', 'take_market']);

/** A venue timestamp (ms) in host time, given the venue-minus-host offset; undefined when absent. */
export function venueTimeToHost(venueMs: number | null | undefined, offsetMs: number): number | undefined {
  return typeof venueMs === 'number' && Number.isFinite(venueMs) ? venueMs - offsetMs : undefined;
}

/**
 * Translates an order object into a snapshot.
 * - `filled_amount`/`average_price` absent (untriggered trigger orders) → filled 0, no average;
 *   absent on a `filled` order is an error.
 * - `open` with a fill becomes `partially_filled`.
 * - `price` is left out for market-type orders (Deribit reports a protective limit there, or the
 *   string `"market_price"`).
 * - `label` → `clientId` (an empty label means none).
 * - `updatedAtMs` = `last_update_timestamp`, else `creation_timestamp`, else `receivedAtMs`.
 *
 * Times: `receivedAtMs` is host time; venue timestamps are brought into host time by subtracting
 * `offsetMs` (venue clock minus host clock, 0 when unmeasured).
 */
export function parseOrder(wire: DeribitOrder, receivedAtMs: number, path = 'order', offsetMs = 0): OrderSnapshot {
  const type = orderTypeFromVenue(wire.order_type, `${path}.order_type`);
  const venueStatus = orderStatusFromVenue(wire.order_state, `${path}.order_state`);
  const size = decimalAt(wire.amount, `${path}.amount`);
  if (wire.filled_amount == null && venueStatus === 'filled') {
    throw new DeribitParseError(`${path}.filled_amount`, 'missing on a filled order');
  }
  const filledSize = optionalDecimalAt(wire.filled_amount, `${path}.filled_amount`) ?? Decimal.ZERO;

  let status: OrderStatus = venueStatus;
  if (status === 'open' && filledSize.isPositive()) status = 'partially_filled';

  let price: Decimal | undefined;
  if (!MARKET_TYPES.has(type) && wire.price != null) {
    if (wire.price === 'market_price') throw new DeribitParseError(`${path}.price`, `"market_price" on a ${type} order`);
    price = decimalAt(wire.price, `${path}.price`);
  }

  const averagePrice = optionalDecimalAt(wire.average_price, `${path}.average_price`);
  const avgFillPrice = filledSize.isPositive() && averagePrice?.isPositive() ? averagePrice : undefined;
  const rejectReason = wire.order_state.startsWith('rejected:') ? wire.order_state.slice('rejected:'.length) : undefined;

  let snapshot: OrderSnapshot = {
    venue: DERIBIT_VENUE_ID,
    venueOrderId: wire.order_id,
    symbol: wire.instrument_name,
    side: sideFromVenue(wire.direction, `${path}.direction`),
    type,
    status,
    size,
    filledSize,
    reduceOnly: wire.reduce_only ?? false,
    updatedAtMs: venueTimeToHost(wire.last_update_timestamp ?? wire.creation_timestamp, offsetMs) ?? receivedAtMs,
  };
  snapshot = withOptional(snapshot, 'clientId', nonEmpty(wire.label));
  snapshot = withOptional(snapshot, 'avgFillPrice', avgFillPrice);
  snapshot = withOptional(snapshot, 'price', price);
  snapshot = withOptional(snapshot, 'triggerPrice', optionalDecimalAt(wire.trigger_price, `${path}.trigger_price`));
  snapshot = withOptional(snapshot, 'cancelReason', nonEmpty(wire.cancel_reason));
  snapshot = withOptional(snapshot, 'rejectReason', rejectReason);
  return snapshot;
}

/**
 * Translates a user trade into a fill. `fee` keeps Deribit's sign (positive = paid, negative =
 * rebate) in `fee_currency`; `liquidity` M/T → maker/taker, anything else `unknown`. `tsMs` is
 * host time: the venue's `timestamp` minus `offsetMs`, else `receivedAtMs` (host time already).
 */
export function parseTrade(wire: DeribitTrade, receivedAtMs: number, path = 'trade', offsetMs = 0): Fill {
  const fill: Fill = {
    venue: DERIBIT_VENUE_ID,
    tradeId: wire.trade_id,
    venueOrderId: wire.order_id,
    symbol: wire.instrument_name,
    side: sideFromVenue(wire.direction, `${path}.direction`),
    size: decimalAt(wire.amount, `${path}.amount`),
    price: decimalAt(wire.price, `${path}.price`),
    fee: decimalAt(wire.fee, `${path}.fee`),
    feeCurrency: wire.fee_currency,
    liquidity: liquidityFromVenue(wire.liquidity ?? undefined),
    tsMs: venueTimeToHost(wire.timestamp, offsetMs) ?? receivedAtMs,
  };
  return withOptional(fill, 'clientId', nonEmpty(wire.label));
}

/**
 * Translates a position. The side comes from `direction` and the quantity from `abs(size)`, so
 * shorts come out negative whichever sign the venue used; `direction: "zero"` with a non-zero
 * size is an error. Positions carry no timestamp: `updatedAtMs` = `receivedAtMs`.
 */
export function parsePosition(wire: DeribitPosition, receivedAtMs: number, path = 'position'): Position {
  const rawSize = decimalAt(wire.size, `${path}.size`);
  const sign = positionSignFromVenue(wire.direction, `${path}.direction`);
  if (sign === 0 && !rawSize.isZero()) {
    throw new DeribitParseError(`${path}.direction`, `"zero" with size ${rawSize.toString()}`);
  }
  const size = sign === -1 ? rawSize.abs().neg() : rawSize.abs();
  let position: Position = {
    venue: DERIBIT_VENUE_ID,
    symbol: wire.instrument_name,
    size: size.isZero() ? Decimal.ZERO : size,
    avgPrice: decimalAt(wire.average_price, `${path}.average_price`),
    updatedAtMs: receivedAtMs,
  };
  position = withOptional(position, 'markPrice', optionalDecimalAt(wire.mark_price, `${path}.mark_price`));
  position = withOptional(position, 'unrealizedPnl', optionalDecimalAt(wire.floating_profit_loss, `${path}.floating_profit_loss`));
  position = withOptional(position, 'realizedPnl', optionalDecimalAt(wire.realized_profit_loss, `${path}.realized_profit_loss`));
  return position;
}

/** Translates an account summary / `user.portfolio` payload: equity and `available_funds`. It has no timestamp. */
export function parsePortfolio(wire: DeribitAccountSummary, receivedAtMs: number, path = 'portfolio'): Balance {
  return {
    venue: DERIBIT_VENUE_ID,
    currency: wire.currency.toUpperCase(),
    equity: decimalAt(wire.equity, `${path}.equity`),
    available: decimalAt(wire.available_funds, `${path}.available_funds`),
    updatedAtMs: receivedAtMs,
  };
}

/**
 * Translates a ticker validated by `DeribitTickerSchema` (REST snapshots, tests). The stream uses
 * `readTicker` directly on the parsed frame; both give the same result.
 */
export function parseTicker(wire: DeribitTicker, receivedAtMs: number, path = 'ticker', offsetMs = 0): Ticker {
  return readTicker(wire, receivedAtMs, path, offsetMs);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A book side's price, left out when the side is empty (price absent, or amount 0). */
function bookSide(price: WireDecimal | undefined, amount: WireDecimal | undefined): WireDecimal | undefined {
  return amount !== undefined && Number(amount) === 0 ? undefined : price;
}

/** The ticker fields `readTicker` looks at. */
interface WireTickerShape {
  readonly instrument_name?: unknown;
  readonly timestamp?: unknown;
  readonly best_bid_price?: unknown;
  readonly best_bid_amount?: unknown;
  readonly best_ask_price?: unknown;
  readonly best_ask_amount?: unknown;
  readonly last_price?: unknown;
  readonly mark_price?: unknown;
  readonly index_price?: unknown;
  readonly mark_iv?: unknown;
  readonly greeks?: unknown;
}

interface WireGreeksShape {
  readonly delta?: unknown;
  readonly gamma?: unknown;
  readonly vega?: unknown;
  readonly theta?: unknown;
  readonly rho?: unknown;
}

/**
 * The ticker hot path: checks a `ticker.*` notification's data by hand (no schema) and builds a
 * ticker whose decimals stay as the venue sent them until read (see `LazyTicker`). Every field the
 * ticker carries is checked here, so a malformed value is refused now, with a DeribitParseError
 * naming it (`ticker.BTC-PERPETUAL.100ms.mark_price`), never later in a consumer. Fields the
 * ticker does not carry (stats, funding, open interest…) are not looked at.
 *
 * An empty book side (price null, or amount 0) leaves bid/ask out. Options carry `greeks` and
 * `mark_iv` (percent). `tsMs` is host time: the venue's `timestamp` minus `offsetMs`.
 */
export function readTicker(data: unknown, receivedAtMs: number, path = 'ticker', offsetMs = 0): Ticker {
  if (!isRecord(data)) throw new DeribitParseError(path, `expected an object, got ${describeWire(data)}`);
  const d = data as WireTickerShape;
  const symbol = deribitWire.stringAt(d.instrument_name, path, 'instrument_name');
  const ts = deribitWire.millisAt(d.timestamp, path, 'timestamp');
  const bid = bookSide(
    readOptionalWireDecimal(deribitWire, d.best_bid_price, path, 'best_bid_price'),
    readOptionalWireDecimal(deribitWire, d.best_bid_amount, path, 'best_bid_amount'),
  );
  const ask = bookSide(
    readOptionalWireDecimal(deribitWire, d.best_ask_price, path, 'best_ask_price'),
    readOptionalWireDecimal(deribitWire, d.best_ask_amount, path, 'best_ask_amount'),
  );
  const last = readOptionalWireDecimal(deribitWire, d.last_price, path, 'last_price');
  const mark = readOptionalWireDecimal(deribitWire, d.mark_price, path, 'mark_price');
  const index = readOptionalWireDecimal(deribitWire, d.index_price, path, 'index_price');
  const markIv = readOptionalWireDecimal(deribitWire, d.mark_iv, path, 'mark_iv');
  let greeks: Greeks | undefined;
  const g = d.greeks;
  if (g !== undefined && g !== null) {
    if (!isRecord(g)) throw new DeribitParseError(`${path}.greeks`, `expected an object, got ${describeWire(g)}`);
    const w = g as WireGreeksShape;
    greeks = new LazyGreeks(
      readWireDecimal(deribitWire, w.delta, path, 'greeks.delta'),
      readWireDecimal(deribitWire, w.gamma, path, 'greeks.gamma'),
      readWireDecimal(deribitWire, w.vega, path, 'greeks.vega'),
      readWireDecimal(deribitWire, w.theta, path, 'greeks.theta'),
      readOptionalWireDecimal(deribitWire, w.rho, path, 'greeks.rho'),
    );
  }
  return new LazyTicker(DERIBIT_VENUE_ID, symbol, ts - offsetMs, bid, ask, last, mark, index, markIv, greeks);
}

// ---- private pushes, item by item ------------------------------------------------------------

/** What a private push yielded: every item that parsed, and the ones skipped (path and error). */
export interface PrivatePush {
  readonly orders: readonly OrderSnapshot[];
  readonly fills: readonly Fill[];
  readonly positions: readonly Position[];
  readonly skipped: readonly SkippedItem[];
}

/** The `user.changes` envelope with its items not yet validated (`UserChangesEnvelopeSchema`). */
export interface UserChangesItems {
  readonly orders: readonly unknown[];
  readonly trades: readonly unknown[];
  readonly positions: readonly unknown[];
}

const parseOrderItem =
  (receivedAtMs: number, offsetMs: number) =>
  (wire: unknown, path: string): OrderSnapshot =>
    parseOrder(validateWire(DeribitOrderSchema, wire, path), receivedAtMs, path, offsetMs);
const parseTradeItem =
  (receivedAtMs: number, offsetMs: number) =>
  (wire: unknown, path: string): Fill =>
    parseTrade(validateWire(DeribitTradeSchema, wire, path), receivedAtMs, path, offsetMs);

/**
 * Translates a `user.changes` payload item by item: each order, trade and position is validated
 * and parsed on its own, so one bad item (an operator's trailing stop, a new state) is skipped and
 * named (`<path>.orders.0`) without taking the fills and positions of the same push with it.
 */
export function parseUserChanges(data: UserChangesItems, receivedAtMs: number, path = 'changes', offsetMs = 0): PrivatePush {
  const skipped: SkippedItem[] = [];
  const skip = (item: SkippedItem): void => {
    skipped.push(item);
  };
  return {
    orders: parseItems(data.orders, `${path}.orders`, parseOrderItem(receivedAtMs, offsetMs), skip),
    fills: parseItems(data.trades, `${path}.trades`, parseTradeItem(receivedAtMs, offsetMs), skip),
    positions: parseItems(
      data.positions,
      `${path}.positions`,
      (wire, itemPath) => parsePosition(validateWire(DeribitPositionSchema, wire, itemPath), receivedAtMs, itemPath),
      skip,
    ),
    skipped,
  };
}

/** Translates the items of a `user.orders` push one by one (see `parseUserChanges`). */
export function parseUserOrders(items: readonly unknown[], receivedAtMs: number, path = 'orders', offsetMs = 0): PrivatePush {
  const skipped: SkippedItem[] = [];
  const orders = parseItems(items, `${path}.orders`, parseOrderItem(receivedAtMs, offsetMs), (item) => {
    skipped.push(item);
  });
  return { orders, fills: [], positions: [], skipped };
}

/** Translates the items of a `user.trades` push one by one (see `parseUserChanges`). */
export function parseUserTrades(items: readonly unknown[], receivedAtMs: number, path = 'trades', offsetMs = 0): PrivatePush {
  const skipped: SkippedItem[] = [];
  const fills = parseItems(items, `${path}.trades`, parseTradeItem(receivedAtMs, offsetMs), (item) => {
    skipped.push(item);
  });
  return { orders: [], fills, positions: [], skipped };
}

// ---- outbound -------------------------------------------------------------------------------

/** Params of `private/buy` / `private/sell` as sent (numbers already rounded to tick and lot). */
export interface DeribitOrderParams {
  readonly instrument_name: string;
  readonly amount: number;
  readonly type: DeribitOutboundOrderType;
  readonly label: string;
  readonly price?: number;
  readonly trigger_price?: number;
  readonly trigger?: DeribitTrigger;
  readonly time_in_force?: DeribitTimeInForce;
  readonly post_only?: boolean;
  readonly reject_post_only?: boolean;
  readonly reduce_only?: boolean;
  readonly valid_until?: number;
}

export interface DeribitOrderCall {
  readonly method: 'private/buy' | 'private/sell';
  readonly params: DeribitOrderParams;
}

export interface BuildOrderOptions {
  /**
   * Server time (ms) after which the matching engine must refuse the request with `13888` instead
   * of executing it late (spec 12.1). Not sent when absent (the default).
   */
  readonly validUntilMs?: number;
}

const LIMIT_TYPES: ReadonlySet<OrderType> = new Set(['limit', 'stop_limit', 'take_limit']);

/**
 * Rounds a price to the tick that applies at it (incl. `tickSteps`), toward the side's safe
 * direction: buys round down (never pay more; a buy stop triggers no later), sells round up (never
 * sell for less; a sell stop triggers no later).
 */
export function roundPriceForSide(instrument: Instrument, price: Decimal, side: Side, field: string): Decimal {
  if (!price.isPositive()) throw new DeribitRequestError(field, `must be positive, got ${price.toString()}`);
  const rounded = roundPrice(instrument, price, side === 'buy' ? 'floor' : 'ceil');
  if (!rounded.isPositive()) {
    throw new DeribitRequestError(
      field,
      `${price.toString()} rounds to ${rounded.toString()} at tick ${tickAt(instrument, price).toString()}`,
    );
  }
  return rounded;
}

/**
 * Rounds a size down to the lot (never more than asked) and checks the minimum; throws a
 * DeribitRequestError naming `field` when the result is below `minSize`.
 */
export function roundAmount(instrument: Instrument, size: Decimal, field: string): Decimal {
  if (!size.isPositive()) throw new DeribitRequestError(field, `must be positive, got ${size.toString()}`);
  const rounded = size.roundToStep(instrument.lotSize, 'floor');
  if (rounded.lt(instrument.minSize)) {
    throw new DeribitRequestError(
      field,
      `${size.toString()} ${instrument.sizeUnit} rounds down to ${rounded.toString()} at lot ${instrument.lotSize.toString()}, ` +
        `below the minimum ${instrument.minSize.toString()} for ${instrument.symbol}`,
    );
  }
  return rounded;
}

/**
 * Builds the `private/buy|sell` call for an order request. Price and trigger price are rounded to
 * the tick (see `roundPriceForSide`), the size down to the lot (below the minimum throws); numbers
 * go out via `Decimal.toNumber` on the rounded values, so no float artefacts. `label` = clientId
 * (≤ 64 chars). A trigger order without `trigger` uses the mark price. `postOnly` sends
 * `post_only` and `reject_post_only` (reject rather than silently re-price). The request's `price`
 * is ignored for market-type orders. Throws DeribitRequestError naming the field on any mismatch.
 */
export function buildOrderParams(request: OrderRequest, instrument: Instrument, options: BuildOrderOptions = {}): DeribitOrderCall {
  if (request.symbol !== instrument.symbol) {
    throw new DeribitRequestError('symbol', `request is for ${request.symbol} but the instrument is ${instrument.symbol}`);
  }
  const type = orderTypeToVenue(request.type);
  const trigger = isTriggerType(request.type);

  let params: DeribitOrderParams = {
    instrument_name: instrument.symbol,
    amount: roundAmount(instrument, request.size, 'size').toNumber(),
    type,
    label: validateLabel(request.clientId),
  };

  if (LIMIT_TYPES.has(request.type)) {
    if (request.price === undefined) throw new DeribitRequestError('price', `required for a ${request.type} order`);
    params = { ...params, price: roundPriceForSide(instrument, request.price, request.side, 'price').toNumber() };
  }

  if (trigger) {
    if (request.triggerPrice === undefined) throw new DeribitRequestError('triggerPrice', `required for a ${request.type} order`);
    params = {
      ...params,
      trigger_price: roundPriceForSide(instrument, request.triggerPrice, request.side, 'triggerPrice').toNumber(),
      trigger: triggerToVenue(request.trigger ?? 'mark'),
    };
  } else if (request.triggerPrice !== undefined || request.trigger !== undefined) {
    throw new DeribitRequestError('triggerPrice', `only stop/take orders take a trigger, not ${request.type}`);
  }

  if (request.timeInForce !== undefined) params = { ...params, time_in_force: timeInForceToVenue(request.timeInForce) };

  if (request.postOnly === true) {
    if (request.type !== 'limit') throw new DeribitRequestError('postOnly', `only limit orders can be post-only, not ${request.type}`);
    if (request.timeInForce !== undefined && request.timeInForce !== 'gtc') {
      throw new DeribitRequestError('postOnly', `post-only needs time in force gtc, not ${request.timeInForce}`);
    }
    params = { ...params, post_only: true, reject_post_only: true };
  }

  if (request.reduceOnly) params = { ...params, reduce_only: true };
  if (options.validUntilMs !== undefined) params = { ...params, valid_until: options.validUntilMs };

  return { method: sideToMethod(request.side), params };
}

/** Params of `private/edit`. `amount` is required by the venue even when unchanged. */
export interface DeribitEditParams {
  readonly order_id: string;
  readonly amount: number;
  readonly price?: number;
  readonly trigger_price?: number;
  readonly valid_until?: number;
}

/**
 * Builds the `private/edit` call for an amend. Needs the order's venue id, side and current size
 * (from the last snapshot), because Deribit wants `amount` even when it does not change. Rounds
 * like `buildOrderParams`. Throws DeribitRequestError when there is no venue id or nothing to change.
 */
export function buildEditParams(
  amend: AmendRequest,
  instrument: Instrument,
  current: { readonly venueOrderId?: string; readonly side: Side; readonly size: Decimal },
  options: BuildOrderOptions = {},
): { readonly method: 'private/edit'; readonly params: DeribitEditParams } {
  const orderId = amend.ref.venueOrderId ?? current.venueOrderId;
  if (orderId === undefined) throw new DeribitRequestError('ref.venueOrderId', 'private/edit needs the venue order id');
  if (amend.size === undefined && amend.price === undefined && amend.triggerPrice === undefined) {
    throw new DeribitRequestError('amend', 'nothing to change: give size, price or triggerPrice');
  }
  let params: DeribitEditParams = {
    order_id: orderId,
    amount: roundAmount(instrument, amend.size ?? current.size, 'size').toNumber(),
  };
  if (amend.price !== undefined)
    params = { ...params, price: roundPriceForSide(instrument, amend.price, current.side, 'price').toNumber() };
  if (amend.triggerPrice !== undefined) {
    params = { ...params, trigger_price: roundPriceForSide(instrument, amend.triggerPrice, current.side, 'triggerPrice').toNumber() };
  }
  if (options.validUntilMs !== undefined) params = { ...params, valid_until: options.validUntilMs };
  return { method: 'private/edit', params };
}
