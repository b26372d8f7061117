/**
 * Bybit v5 request bodies (spec 6, 7, 8): create (plain, and stops/takes as reduce-only
 * conditional orders with `triggerPrice`, `triggerDirection`, `triggerBy`, `closeOnTrigger` on
 * stops), cancel, amend, and the REST paths. One-way mode only (`positionIdx` 0). Prices and sizes
 * are rounded to the instrument's tick and lot here and sent as strings. Pure.
 */
import type { Instrument } from '../../domain/instrument.js';
import type { AmendRequest, OrderRef, OrderRequest, OrderType, Side as OrderSide } from '../../domain/order.js';
import { type BybitCategory, type BybitTriggerBy, sideToVenue, timeInForceToVenue, triggerDirectionFor, triggerToVenue } from './enums.js';
import { BybitRequestError } from './errors.js';
import { priceToWire, qtyToWire } from './sizing.js';

export const BYBIT_PATHS = {
  time: '/v5/market/time',
  instruments: '/v5/market/instruments-info',
  createOrder: '/v5/order/create',
  cancelOrder: '/v5/order/cancel',
  amendOrder: '/v5/order/amend',
  openOrders: '/v5/order/realtime',
  orderHistory: '/v5/order/history',
  executions: '/v5/execution/list',
  positions: '/v5/position/list',
  wallet: '/v5/account/wallet-balance',
  switchMode: '/v5/position/switch-mode',
} as const;

/** Hedge mode exists only for USDT perpetuals (bybit.md §8, §10); every other contract is one-way. */
export const BYBIT_HEDGE_SETTLE_COIN = 'USDT';

/** `POST /v5/position/switch-mode` to one-way (mode 0) for the USDT perpetuals: 0 = switched, 110025 = already one-way. */
export function buildSwitchToOneWay(): { readonly category: 'linear'; readonly coin: string; readonly mode: 0 } {
  return { category: 'linear', coin: BYBIT_HEDGE_SETTLE_COIN, mode: 0 };
}

/** orderLinkId rules (spec 6): at most 36 characters of `[A-Za-z0-9_-]`. */
const ORDER_LINK_ID_RE = /^[A-Za-z0-9_-]{1,36}$/;

export function checkOrderLinkId(clientId: string): string {
  if (!ORDER_LINK_ID_RE.test(clientId)) {
    throw new BybitRequestError('orderLinkId', `${JSON.stringify(clientId)} is not 1–36 characters of letters, digits, _ and -`);
  }
  return clientId;
}

/** The body of `POST /v5/order/create`. Optional keys are left out, never sent as `undefined`. */
export interface BybitCreateOrderBody {
  readonly category: BybitCategory;
  readonly symbol: string;
  readonly side: 'Buy' | 'Sell';
  readonly orderType: 'Market' | 'Limit';
  readonly qty: string;
  readonly price?: string;
  readonly timeInForce?: string;
  readonly positionIdx: 0;
  readonly orderLinkId: string;
  readonly reduceOnly?: boolean;
  readonly closeOnTrigger?: boolean;
  readonly triggerPrice?: string;
  readonly triggerDirection?: 1 | 2;
  readonly triggerBy?: BybitTriggerBy;
}

/**
 * Builds a create body. Market/limit orders as such; `stop_*` and `take_*` as conditional orders:
 * `triggerPrice` rounded to the tick (a sell stop down, a buy stop up: never closer to the market
 * than asked), `triggerDirection` from side and kind (a sell stop fires on a fall, a sell take on a
 * rise), `triggerBy` always sent (its default is unconfirmed, spec corrections 2), `reduceOnly`
 * as asked, and `closeOnTrigger` on reduce-only stops (it may cancel other orders to free margin
 * when it fires).
 */
export function buildCreateOrder(request: OrderRequest, instrument: Instrument, category: BybitCategory): BybitCreateOrderBody {
  const orderLinkId = checkOrderLinkId(request.clientId);
  const qty = qtyToWire(instrument, request.size);
  const side = sideToVenue(request.side);
  const base = { category, symbol: instrument.symbol, side, qty, positionIdx: 0 as const, orderLinkId };
  const reduce = request.reduceOnly ? { reduceOnly: true } : {};
  switch (request.type) {
    case 'market':
      return { ...base, orderType: 'Market', ...reduce };
    case 'limit': {
      if (request.price === undefined) throw new BybitRequestError('price', 'a limit order needs a price');
      const tif = timeInForceToVenue(request.timeInForce, request.postOnly === true);
      if (tif === undefined)
        throw new BybitRequestError('timeInForce', 'Bybit has no good-till-date orders (use gtc, ioc, fok or postOnly)');
      return { ...base, orderType: 'Limit', price: priceToWire(instrument, request.price), timeInForce: tif, ...reduce };
    }
    case 'stop_market':
    case 'stop_limit':
    case 'take_market':
    case 'take_limit': {
      const kind = request.type.startsWith('stop') ? 'stop' : 'take';
      if (request.triggerPrice === undefined) throw new BybitRequestError('triggerPrice', `a ${request.type} order needs a trigger price`);
      const direction = triggerDirectionFor(request.side, kind);
      const mode = triggerRounding(request.side, kind);
      const trigger = {
        triggerPrice: priceToWire(instrument, request.triggerPrice, mode, 'triggerPrice'),
        triggerDirection: direction,
        triggerBy: triggerToVenue(request.trigger),
      };
      const close = kind === 'stop' && request.reduceOnly ? { closeOnTrigger: true } : {};
      if (request.type.endsWith('limit')) {
        if (request.price === undefined) throw new BybitRequestError('price', `a ${request.type} order needs a limit price`);
        return {
          ...base,
          orderType: 'Limit',
          price: priceToWire(instrument, request.price),
          timeInForce: 'GTC',
          ...trigger,
          ...reduce,
          ...close,
        };
      }
      return { ...base, orderType: 'Market', ...trigger, ...reduce, ...close };
    }
  }
}

/** `POST /v5/order/cancel` by orderId (wins when both are given) or orderLinkId. */
export function buildCancelOrder(ref: OrderRef, category: BybitCategory): Record<string, string> {
  if (ref.venueOrderId !== undefined) return { category, symbol: ref.symbol, orderId: ref.venueOrderId };
  if (ref.clientId !== undefined) return { category, symbol: ref.symbol, orderLinkId: ref.clientId };
  throw new BybitRequestError('ref', 'a cancel needs an orderId or an orderLinkId');
}

/**
 * How a trigger price is rounded to the tick: a stop away from the market (1 = fires on a rise:
 * round up; 2 = fires on a fall: round down), so it never sits closer than asked; a take to nearest.
 */
export function triggerRounding(side: OrderSide, kind: 'stop' | 'take'): 'floor' | 'ceil' | 'half-up' {
  if (kind === 'take') return 'half-up';
  return triggerDirectionFor(side, 'stop') === 1 ? 'ceil' : 'floor';
}

/** What an amend of a trigger price needs to know of the order (from a read of it): its side and kind. */
export interface AmendedOrderKind {
  readonly side: OrderSide;
  readonly type: OrderType;
}

/**
 * `POST /v5/order/amend`: new qty, price and/or trigger price, rounded. A new trigger price is
 * rounded as the create of the same order would be (a stop away from the market), so it needs the
 * order's side and kind; without them it is refused.
 */
export function buildAmendOrder(
  request: AmendRequest,
  instrument: Instrument,
  category: BybitCategory,
  current?: AmendedOrderKind,
): Record<string, string> {
  const ref = buildCancelOrder(request.ref, category);
  const out: Record<string, string> = { ...ref };
  if (request.size !== undefined) out.qty = qtyToWire(instrument, request.size);
  if (request.price !== undefined) out.price = priceToWire(instrument, request.price);
  if (request.triggerPrice !== undefined) {
    if (current === undefined || !isConditionalType(current.type)) {
      throw new BybitRequestError('triggerPrice', 'a trigger price can only be amended on a known stop or take-profit order');
    }
    const kind = current.type.startsWith('stop') ? 'stop' : 'take';
    out.triggerPrice = priceToWire(instrument, request.triggerPrice, triggerRounding(current.side, kind), 'triggerPrice');
  }
  if (Object.keys(out).length === Object.keys(ref).length) throw new BybitRequestError('amend', 'nothing to change');
  return out;
}

function isConditionalType(type: OrderType): boolean {
  return type === 'stop_market' || type === 'stop_limit' || type === 'take_market' || type === 'take_limit';
}

/** The one JSON text of a body: serialized once, signed and sent as is. */
export function serializeBody(body: object): string {
  return JSON.stringify(body);
}
