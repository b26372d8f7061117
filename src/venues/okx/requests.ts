/**
 * Bodies of the OKX REST trading calls (spec 6, 7), built from domain requests: `trade/order`,
 * `trade/order-algo` (reduce-only conditional stop-loss / take-profit), `cancel-order`,
 * `cancel-algos`, `amend-order`, `close-position`, `cancel-all-after`. Every size is rounded down
 * to the lot (contracts for swaps) and checked against `minSz`, every price rounded to the tick;
 * decimals go out as plain strings. Net position mode only: no `posSide`, closes are `reduceOnly`.
 */
import type { Decimal } from '../../domain/decimal.js';
import type { Instrument } from '../../domain/instrument.js';
import type { AmendRequest, OrderRef, OrderRequest, Side } from '../../domain/order.js';
import { isTriggerType } from '../../domain/order.js';
import { type OkxOutboundOrderType, type OkxTdMode, type OkxTriggerPxType, triggerToVenue } from './enums.js';
import { OkxRequestError } from './errors.js';
import { validateClientOrderId, validateTag } from './instrument-name.js';
import { roundContracts, roundPriceForSide } from './sizing.js';

/** REST paths of the trading calls. */
export const OKX_PATHS = {
  placeOrder: '/api/v5/trade/order',
  batchOrders: '/api/v5/trade/batch-orders',
  cancelOrder: '/api/v5/trade/cancel-order',
  amendOrder: '/api/v5/trade/amend-order',
  closePosition: '/api/v5/trade/close-position',
  placeAlgo: '/api/v5/trade/order-algo',
  cancelAlgos: '/api/v5/trade/cancel-algos',
  cancelAllAfter: '/api/v5/trade/cancel-all-after',
  getOrder: '/api/v5/trade/order',
  ordersPending: '/api/v5/trade/orders-pending',
  algosPending: '/api/v5/trade/orders-algo-pending',
  algosHistory: '/api/v5/trade/orders-algo-history',
  fills: '/api/v5/trade/fills',
  positions: '/api/v5/account/positions',
  balance: '/api/v5/account/balance',
  accountConfig: '/api/v5/account/config',
  instruments: '/api/v5/public/instruments',
  time: '/api/v5/public/time',
} as const;

/** Serializes a body once: sign this string and send this string (re-serializing after signing is a classic `50113`). */
export function serializeBody(body: object): string {
  return JSON.stringify(body);
}

export interface OkxOrderOptions {
  /** Margin mode (default `cross` for derivatives, `cash` for spot). */
  readonly tdMode?: OkxTdMode;
  /** 1–16 letters/digits (tag-scoped cancel-all-after). */
  readonly tag?: string;
}

/** `POST /api/v5/trade/order` body. */
export interface OkxPlaceOrderBody {
  readonly instId: string;
  readonly tdMode: OkxTdMode;
  readonly side: Side;
  readonly ordType: OkxOutboundOrderType;
  readonly sz: string;
  readonly px?: string;
  readonly clOrdId: string;
  readonly reduceOnly?: true;
  readonly tag?: string;
}

function defaultTdMode(instrument: Instrument): OkxTdMode {
  return instrument.kind === 'spot' ? 'cash' : 'cross';
}

function checkSymbol(request: { readonly symbol: string }, instrument: Instrument): void {
  if (request.symbol !== instrument.symbol) {
    throw new OkxRequestError('symbol', `request is for ${request.symbol} but the instrument is ${instrument.symbol}`);
  }
}

/**
 * The body for a market or limit order. Stop/take types go through `buildAlgoOrder`. `limit` with
 * `postOnly` → `post_only`; time in force `ioc`/`fok` → ordType `ioc`/`fok` (limit only); `gtd`
 * is not an OKX order-book option and throws. `reduceOnly` is sent only when true (net mode);
 * spot orders cannot be reduce-only. Throws OkxRequestError naming the field.
 */
export function buildPlaceOrder(request: OrderRequest, instrument: Instrument, options: OkxOrderOptions = {}): OkxPlaceOrderBody {
  checkSymbol(request, instrument);
  if (isTriggerType(request.type)) throw new OkxRequestError('type', `${request.type} orders are algo orders on OKX: use buildAlgoOrder`);
  if (request.triggerPrice !== undefined || request.trigger !== undefined)
    throw new OkxRequestError('triggerPrice', `a ${request.type} order takes no trigger`);
  const clOrdId = validateClientOrderId(request.clientId, 'clOrdId');
  const sz = roundContracts(instrument, request.size, 'size').toString();
  const tdMode = options.tdMode ?? defaultTdMode(instrument);

  let ordType: OkxOutboundOrderType;
  let px: string | undefined;
  if (request.type === 'market') {
    if (request.postOnly === true) throw new OkxRequestError('postOnly', 'a market order cannot be post-only');
    if (request.timeInForce !== undefined && request.timeInForce !== 'ioc' && request.timeInForce !== 'gtc') {
      throw new OkxRequestError('timeInForce', `a market order cannot be ${request.timeInForce}`);
    }
    ordType = 'market';
  } else {
    if (request.price === undefined) throw new OkxRequestError('price', 'required for a limit order');
    px = roundPriceForSide(instrument, request.price, request.side, 'price').toString();
    const tif = request.timeInForce ?? 'gtc';
    if (request.postOnly === true) {
      if (tif !== 'gtc') throw new OkxRequestError('postOnly', `post-only needs time in force gtc, not ${tif}`);
      ordType = 'post_only';
    } else if (tif === 'gtc') ordType = 'limit';
    else if (tif === 'ioc') ordType = 'ioc';
    else if (tif === 'fok') ordType = 'fok';
    else throw new OkxRequestError('timeInForce', `OKX has no ${tif} order-book orders`);
  }

  let body: OkxPlaceOrderBody = { instId: instrument.symbol, tdMode, side: request.side, ordType, sz, clOrdId };
  if (px !== undefined) body = { ...body, px };
  if (request.reduceOnly) {
    if (instrument.kind === 'spot') throw new OkxRequestError('reduceOnly', 'spot orders cannot be reduce-only');
    body = { ...body, reduceOnly: true };
  }
  if (options.tag !== undefined) body = { ...body, tag: validateTag(options.tag) };
  return body;
}

export interface OkxAlgoOptions extends OkxOrderOptions {
  /**
   * `cxlOnClosePos: true` ties the TP/SL to the position (canceled when it is fully closed); needs
   * `reduceOnly`. Off by default: the PositionMonitor cancels siblings itself.
   */
  readonly cancelOnClosePosition?: boolean;
}

/** `POST /api/v5/trade/order-algo` body for a one-leg `conditional` (stop-loss or take-profit). */
export interface OkxAlgoOrderBody {
  readonly instId: string;
  readonly tdMode: OkxTdMode;
  readonly side: Side;
  readonly ordType: 'conditional';
  readonly sz: string;
  readonly algoClOrdId: string;
  readonly reduceOnly?: true;
  readonly cxlOnClosePos?: true;
  readonly slTriggerPx?: string;
  /** `"-1"` = market on trigger. */
  readonly slOrdPx?: string;
  readonly slTriggerPxType?: OkxTriggerPxType;
  readonly tpTriggerPx?: string;
  readonly tpOrdPx?: string;
  readonly tpTriggerPxType?: OkxTriggerPxType;
  readonly tag?: string;
}

/**
 * The body for a protective stop or take: `conditional` with one leg only (OKX honours only the SL
 * when both are sent). `stop_market` → `slTriggerPx` + `slOrdPx:"-1"`; `stop_limit` → `slOrdPx` =
 * the rounded price; `take_*` likewise with `tp*`. Trigger price type = `trigger` (default
 * `mark`). `algoClOrdId` = clientId (≤ 32 letters/digits). Rounding as `buildPlaceOrder`.
 */
export function buildAlgoOrder(request: OrderRequest, instrument: Instrument, options: OkxAlgoOptions = {}): OkxAlgoOrderBody {
  checkSymbol(request, instrument);
  if (!isTriggerType(request.type)) throw new OkxRequestError('type', `${request.type} is not a stop/take order: use buildPlaceOrder`);
  if (request.triggerPrice === undefined) throw new OkxRequestError('triggerPrice', `required for a ${request.type} order`);
  if (request.postOnly === true) throw new OkxRequestError('postOnly', 'a stop/take order cannot be post-only');
  const algoClOrdId = validateClientOrderId(request.clientId, 'algoClOrdId');
  const sz = roundContracts(instrument, request.size, 'size').toString();
  const triggerPx = roundPriceForSide(instrument, request.triggerPrice, request.side, 'triggerPrice').toString();
  const limit = request.type === 'stop_limit' || request.type === 'take_limit';
  let ordPx = '-1';
  if (limit) {
    if (request.price === undefined) throw new OkxRequestError('price', `required for a ${request.type} order`);
    ordPx = roundPriceForSide(instrument, request.price, request.side, 'price').toString();
  }
  const pxType = triggerToVenue(request.trigger ?? 'mark');
  const stop = request.type === 'stop_market' || request.type === 'stop_limit';

  let body: OkxAlgoOrderBody = {
    instId: instrument.symbol,
    tdMode: options.tdMode ?? defaultTdMode(instrument),
    side: request.side,
    ordType: 'conditional',
    sz,
    algoClOrdId,
  };
  body = stop
    ? { ...body, slTriggerPx: triggerPx, slOrdPx: ordPx, slTriggerPxType: pxType }
    : { ...body, tpTriggerPx: triggerPx, tpOrdPx: ordPx, tpTriggerPxType: pxType };
  if (request.reduceOnly) {
    if (instrument.kind === 'spot') throw new OkxRequestError('reduceOnly', 'spot orders cannot be reduce-only');
    body = { ...body, reduceOnly: true };
  }
  if (options.cancelOnClosePosition === true) {
    if (!request.reduceOnly) throw new OkxRequestError('cancelOnClosePosition', 'cxlOnClosePos needs reduceOnly');
    body = { ...body, cxlOnClosePos: true };
  }
  if (options.tag !== undefined) body = { ...body, tag: validateTag(options.tag) };
  return body;
}

/** `POST /api/v5/trade/cancel-order` body: `ordId` when known (it wins), else `clOrdId`. */
export interface OkxCancelOrderBody {
  readonly instId: string;
  readonly ordId?: string;
  readonly clOrdId?: string;
}

/** The cancel body for an order reference; throws when it names neither a venue id nor a client id. */
export function buildCancelOrder(ref: OrderRef): OkxCancelOrderBody {
  if (ref.venueOrderId !== undefined && ref.venueOrderId !== '') return { instId: ref.symbol, ordId: ref.venueOrderId };
  if (ref.clientId !== undefined && ref.clientId !== '')
    return { instId: ref.symbol, clOrdId: validateClientOrderId(ref.clientId, 'clOrdId') };
  throw new OkxRequestError('ref', 'cancel-order needs ordId or clOrdId');
}

/** One item of the `cancel-algos` array: `algoId` (wins) or `algoClOrdId`. */
export interface OkxCancelAlgoItem {
  readonly instId: string;
  readonly algoId?: string;
  readonly algoClOrdId?: string;
}

/** Most items one `cancel-algos` call takes. */
export const MAX_CANCEL_ALGOS = 10;

/**
 * The `cancel-algos` body (a JSON array, ≤ 10 items) for algo references (`venueOrderId` = algoId,
 * `clientId` = algoClOrdId). Throws for an empty list, more than 10, or a reference with neither id.
 */
export function buildCancelAlgos(refs: readonly OrderRef[]): readonly OkxCancelAlgoItem[] {
  if (refs.length === 0) throw new OkxRequestError('refs', 'cancel-algos needs at least one algo order');
  if (refs.length > MAX_CANCEL_ALGOS)
    throw new OkxRequestError('refs', `cancel-algos takes at most ${MAX_CANCEL_ALGOS} per call, got ${refs.length}`);
  return refs.map((ref, i) => {
    if (ref.venueOrderId !== undefined && ref.venueOrderId !== '') return { instId: ref.symbol, algoId: ref.venueOrderId };
    if (ref.clientId !== undefined && ref.clientId !== '')
      return { instId: ref.symbol, algoClOrdId: validateClientOrderId(ref.clientId, `refs.${i}.algoClOrdId`) };
    throw new OkxRequestError(`refs.${i}`, 'needs algoId or algoClOrdId');
  });
}

/** `POST /api/v5/trade/amend-order` body. `newSz` includes what already filled. */
export interface OkxAmendOrderBody {
  readonly instId: string;
  readonly ordId?: string;
  readonly clOrdId?: string;
  readonly newSz?: string;
  readonly newPx?: string;
  readonly reqId?: string;
  readonly cxlOnFail?: boolean;
}

/**
 * The amend body for an order-book order. `side` (from the last snapshot) picks the safe price
 * rounding. A trigger price cannot be amended here (stops are algo orders: amend-algos).
 * `reqId` (≤ 32 letters/digits) comes back on the `orders` push with `amendResult`.
 */
export function buildAmendOrder(
  amend: AmendRequest,
  instrument: Instrument,
  side: Side,
  options: { readonly reqId?: string; readonly cancelOnFail?: boolean } = {},
): OkxAmendOrderBody {
  checkSymbol(amend.ref, instrument);
  if (amend.triggerPrice !== undefined)
    throw new OkxRequestError('triggerPrice', 'order-book orders have no trigger on OKX; amend the algo order instead');
  if (amend.size === undefined && amend.price === undefined) throw new OkxRequestError('amend', 'nothing to change: give size or price');
  let body: OkxAmendOrderBody = buildCancelOrder(amend.ref);
  if (amend.size !== undefined) body = { ...body, newSz: roundContracts(instrument, amend.size, 'size').toString() };
  if (amend.price !== undefined) body = { ...body, newPx: roundPriceForSide(instrument, amend.price, side, 'price').toString() };
  if (options.reqId !== undefined) body = { ...body, reqId: validateClientOrderId(options.reqId, 'reqId') };
  if (options.cancelOnFail !== undefined) body = { ...body, cxlOnFail: options.cancelOnFail };
  return body;
}

/** `POST /api/v5/trade/close-position` body (net mode: no `posSide`). */
export interface OkxClosePositionBody {
  readonly instId: string;
  readonly mgnMode: 'cross' | 'isolated';
  readonly autoCxl?: boolean;
  readonly clOrdId?: string;
  readonly tag?: string;
}

/**
 * Market-closes the whole position of `instId`. `autoCancel` cancels pending close orders first
 * (without it the call fails while any are pending). `51023` = no position: already flat.
 */
export function buildClosePosition(
  instId: string,
  options: {
    readonly mgnMode?: 'cross' | 'isolated';
    readonly autoCancel?: boolean;
    readonly clientId?: string;
    readonly tag?: string;
  } = {},
): OkxClosePositionBody {
  let body: OkxClosePositionBody = { instId, mgnMode: options.mgnMode ?? 'cross' };
  if (options.autoCancel !== undefined) body = { ...body, autoCxl: options.autoCancel };
  if (options.clientId !== undefined) body = { ...body, clOrdId: validateClientOrderId(options.clientId, 'clOrdId') };
  if (options.tag !== undefined) body = { ...body, tag: validateTag(options.tag) };
  return body;
}

/** `POST /api/v5/trade/cancel-all-after` body: `timeOut` seconds as a string. */
export interface OkxCancelAllAfterBody {
  readonly timeOut: string;
  readonly tag?: string;
}

/**
 * The dead-man switch body: `0` disables, otherwise 10–120 s (each call re-arms). It cancels
 * order-book orders only (whether it touches untriggered TP/SL algos is unconfirmed: assume not),
 * so it never removes the protective stops while positions stay open.
 */
export function buildCancelAllAfter(timeoutSecs: number, tag?: string): OkxCancelAllAfterBody {
  if (!Number.isInteger(timeoutSecs) || (timeoutSecs !== 0 && (timeoutSecs < 10 || timeoutSecs > 120))) {
    throw new OkxRequestError('timeOut', `must be 0 (off) or a whole number of seconds in 10..120, got ${timeoutSecs}`);
  }
  const body: OkxCancelAllAfterBody = { timeOut: String(timeoutSecs) };
  return tag === undefined ? body : { ...body, tag: validateTag(tag) };
}

/** Decimal → the wire string (plain notation, no exponent, no float artefacts). */
export function wireDecimal(value: Decimal): string {
  return value.toString();
}
