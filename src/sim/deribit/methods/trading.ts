/** Order entry: buy/sell, edit, cancel family, close_position (matching-engine methods). */
import type { Decimal } from '../../../domain/decimal.js';
import type { OrderFilter } from '../../engine/engine.js';
import { type Direction, EngineRejection, isTriggerType, type OrderType, type SimInstrument, type SimOrder } from '../../engine/types.js';
import { isNeutralRejection } from '../../faults.js';
import type { CallContext, MethodSpec, MethodTable } from '../context.js';
import { errors, fromEngineRejection } from '../errors.js';
import type { Params } from '../params.js';
import { RpcError } from '../rpc.js';
import { orderToWire, tradeToWire } from '../wire.js';
import { CURRENCY_PARAM, currencyFilter, KIND_PARAM, requireInstrument } from './market-data.js';

const ORDER_TYPES = ['limit', 'market', 'market_limit', 'stop_limit', 'stop_market', 'take_limit', 'take_market', 'trailing_stop'] as const;
const SUPPORTED: readonly OrderType[] = ['limit', 'market', 'stop_limit', 'stop_market', 'take_limit', 'take_market'];
const TIME_IN_FORCE = ['good_til_cancelled', 'good_til_day', 'fill_or_kill', 'immediate_or_cancel'] as const;
const TRIGGERS = ['index_price', 'mark_price', 'last_price'] as const;
/** Type filter of the cancel methods. */
export const CANCEL_TYPES = ['all', 'limit', 'trigger_all', 'stop', 'take', 'trailing_stop', 'market'] as const;

/** Runs an engine call, turning its refusals into Deribit errors. */
export function engineCall<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof EngineRejection) throw fromEngineRejection(e);
    throw e;
  }
}

/** Reads amount / contracts (amount = contracts x contract_size; both must agree when both are sent). */
export function readAmount(params: Params, inst: SimInstrument): Decimal {
  const amount = params.optDecimal('amount');
  const contracts = params.optDecimal('contracts');
  if (contracts !== undefined) {
    const fromContracts = contracts.times(inst.contractSize);
    if (amount !== undefined && !amount.eq(fromContracts)) throw errors.invalidParams('contracts', 'does not match amount');
    return fromContracts;
  }
  if (amount === undefined) throw errors.invalidParams('amount', 'must be present');
  return amount;
}

function readLabel(params: Params): string | undefined {
  const label = params.optString('label');
  if (label !== undefined && label.length > 64) throw errors.invalidParams('label', 'at most 64 characters');
  return label;
}

function checkValidUntil(ctx: CallContext, params: Params): void {
  const validUntil = params.optInt('valid_until');
  if (validUntil !== undefined && ctx.now > validUntil) throw new RpcError(13888, 'timed_out');
}

function placeOrder(ctx: CallContext, params: Params, direction: Direction): unknown {
  const inst = requireInstrument(ctx, params);
  const amount = readAmount(params, inst);
  const type = params.optEnum('type', ORDER_TYPES) ?? 'limit';
  if (!SUPPORTED.some((t) => t === type)) throw errors.unsupported('type', type);
  for (const p of ['advanced', 'linked_order_type', 'otoco_config', 'trigger_offset'] as const) {
    if (params.has(p)) throw errors.unsupported(p, String(params.raw[p]));
  }
  checkValidUntil(ctx, params);
  const orderType = type as OrderType;
  const label = readLabel(params);
  const reduceOnly = params.optBool('reduce_only') ?? false;
  const rejection = ctx.state.faults.takeOrderRejection({ type, instrumentName: inst.name, direction, reduceOnly, label: label ?? '' });
  if (rejection) {
    if (isNeutralRejection(rejection))
      throw fromEngineRejection(new EngineRejection(rejection.reason, undefined, rejection.message ?? rejection.reason));
    throw new RpcError(rejection.code, rejection.message, rejection.data);
  }
  const price =
    orderType === 'market' || orderType === 'stop_market' || orderType === 'take_market' ? undefined : params.optDecimal('price');
  const trigger = params.optEnum('trigger', TRIGGERS);
  const triggerPrice = isTriggerType(orderType) ? params.optDecimal('trigger_price') : undefined;
  const timeInForce = params.optEnum('time_in_force', TIME_IN_FORCE);
  const postOnly = params.optBool('post_only');
  const rejectPostOnly = params.optBool('reject_post_only');
  const result = engineCall(() =>
    ctx.state.engine.placeOrder(
      {
        instrumentName: inst.name,
        direction,
        amount,
        type: orderType,
        reduceOnly,
        ...(price !== undefined ? { price } : {}),
        ...(trigger !== undefined ? { trigger } : {}),
        ...(triggerPrice !== undefined ? { triggerPrice } : {}),
        ...(timeInForce !== undefined ? { timeInForce } : {}),
        ...(postOnly !== undefined ? { postOnly } : {}),
        ...(rejectPostOnly !== undefined ? { rejectPostOnly } : {}),
        ...(label !== undefined ? { label } : {}),
        origin: ctx.session?.id ?? 'http',
      },
      ctx.now,
    ),
  );
  return { order: orderToWire(result.order, inst), trades: result.trades.map((t) => tradeToWire(t, inst)) };
}

function editOrder(ctx: CallContext, params: Params, order: SimOrder): unknown {
  const inst = ctx.state.engine.instrument(order.instrumentName);
  if (!inst) throw errors.orderNotFound();
  if (params.has('advanced')) throw errors.unsupported('advanced', String(params.raw['advanced']));
  checkValidUntil(ctx, params);
  const amount = readAmount(params, inst);
  const price = params.optDecimal('price');
  const triggerPrice = params.optDecimal('trigger_price');
  const postOnly = params.optBool('post_only');
  const rejectPostOnly = params.optBool('reject_post_only');
  const reduceOnly = params.optBool('reduce_only');
  const result = engineCall(() =>
    ctx.state.engine.editOrder(
      {
        orderId: order.orderId,
        amount,
        ...(price !== undefined ? { price } : {}),
        ...(triggerPrice !== undefined ? { triggerPrice } : {}),
        ...(postOnly !== undefined ? { postOnly } : {}),
        ...(rejectPostOnly !== undefined ? { rejectPostOnly } : {}),
        ...(reduceOnly !== undefined ? { reduceOnly } : {}),
      },
      ctx.now,
    ),
  );
  return { order: orderToWire(result.order, inst), trades: result.trades.map((t) => tradeToWire(t, inst)) };
}

/** Order predicate for the cancel methods' `type` param. */
export function cancelTypeMatches(type: (typeof CANCEL_TYPES)[number], o: SimOrder): boolean {
  switch (type) {
    case 'all':
      return true;
    case 'limit':
      return o.orderType === 'limit';
    case 'market':
      return o.orderType === 'market';
    case 'trigger_all':
      return isTriggerType(o.orderType);
    case 'stop':
      return o.orderType === 'stop_limit' || o.orderType === 'stop_market';
    case 'take':
      return o.orderType === 'take_limit' || o.orderType === 'take_market';
    case 'trailing_stop':
      return false;
  }
}

function cancelCount(ctx: CallContext, filter: OrderFilter): number {
  return ctx.state.engine.cancelWhere(filter, ctx.now).length;
}

function currencyKindFilter(params: Params): OrderFilter | undefined {
  const currency = currencyFilter(params.enumOf('currency', CURRENCY_PARAM));
  const kind = params.optEnum('kind', KIND_PARAM);
  if (currency === undefined) return undefined;
  if (kind !== undefined && kind !== 'any' && kind !== 'future' && kind !== 'option') return undefined;
  return {
    ...(currency !== 'any' ? { currency } : {}),
    ...(kind === 'future' || kind === 'option' ? { kind } : {}),
  };
}

const me = (handle: MethodSpec['handle']): MethodSpec => ({
  access: 'private',
  rate: 'matching_engine',
  scope: 'trade:read_write',
  handle,
});

export const tradingMethods: MethodTable = {
  'private/buy': me((ctx, params) => placeOrder(ctx, params, 'buy')),
  'private/sell': me((ctx, params) => placeOrder(ctx, params, 'sell')),
  'private/edit': me((ctx, params) => {
    const order = ctx.state.engine.getOrder(params.string('order_id'));
    if (!order) throw errors.orderNotFound();
    return editOrder(ctx, params, order);
  }),
  'private/edit_by_label': me((ctx, params) => {
    const inst = requireInstrument(ctx, params);
    const label = params.string('label');
    const open = ctx.state.engine.openOrders({ instrumentName: inst.name, label });
    if (open.length > 1) throw errors.nonUniqueLabel();
    const order = open[0];
    if (!order) throw errors.orderNotFound();
    return editOrder(ctx, params, order);
  }),
  'private/cancel': me((ctx, params) => {
    const order = engineCall(() => ctx.state.engine.cancelOrder(params.string('order_id'), ctx.now));
    return orderToWire(order, ctx.state.engine.instrument(order.instrumentName));
  }),
  'private/cancel_all': me((ctx) => cancelCount(ctx, {})),
  'private/cancel_all_by_currency': me((ctx, params) => {
    const filter = currencyKindFilter(params);
    const type = params.optEnum('type', CANCEL_TYPES) ?? 'all';
    return filter ? cancelCount(ctx, { ...filter, predicate: (o) => cancelTypeMatches(type, o) }) : 0;
  }),
  'private/cancel_all_by_kind_or_type': me((ctx, params) => {
    const raw = params.raw['currency'];
    const list = Array.isArray(raw) ? raw : [raw];
    const currencies = new Set(list.map((c) => (typeof c === 'string' ? c.toUpperCase() : '')));
    if (currencies.size === 0 || currencies.has(''))
      throw errors.invalidParams('currency', 'must be a currency, a list of currencies or any');
    const kind = params.optEnum('kind', KIND_PARAM);
    const type = params.optEnum('type', CANCEL_TYPES) ?? 'all';
    return cancelCount(ctx, {
      predicate: (o) =>
        (currencies.has('ANY') || currencies.has(o.currency)) &&
        (kind === undefined || kind === 'any' || kind === o.kind) &&
        cancelTypeMatches(type, o),
    });
  }),
  'private/cancel_all_by_instrument': me((ctx, params) => {
    const inst = requireInstrument(ctx, params);
    const type = params.optEnum('type', CANCEL_TYPES) ?? 'all';
    return cancelCount(ctx, { instrumentName: inst.name, predicate: (o) => cancelTypeMatches(type, o) });
  }),
  'private/cancel_by_label': me((ctx, params) => {
    const label = params.string('label');
    const currency = params.optEnum('currency', CURRENCY_PARAM);
    const c = currency === undefined ? 'any' : currencyFilter(currency);
    if (c === undefined) return 0;
    return cancelCount(ctx, { label, ...(c !== 'any' ? { currency: c } : {}) });
  }),
  'private/close_position': me((ctx, params) => {
    const inst = requireInstrument(ctx, params);
    const type = params.enumOf('type', ['market', 'limit'] as const);
    const price = type === 'limit' ? params.decimal('price') : undefined;
    const result = engineCall(() => ctx.state.engine.closePosition(inst.name, type, price, ctx.now, ctx.session?.id ?? 'http'));
    return { order: orderToWire(result.order, inst), trades: result.trades.map((t) => tradeToWire(t, inst)) };
  }),
};
