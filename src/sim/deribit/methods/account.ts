/** Reading state: positions, open orders, order state and history, user trades, account summary. */
import { type Currency, isWorkingState, type SimOrder, type SimTrade } from '../../engine/types.js';
import type { CallContext, MethodSpec, MethodTable } from '../context.js';
import { errors } from '../errors.js';
import type { Params } from '../params.js';
import { orderToWire, positionToWire, summaryToWire, tradeToWire, USER_ID } from '../wire.js';
import { CURRENCY_PARAM, currencyFilter, KIND_PARAM, requireInstrument } from './market-data.js';

const OPEN_ORDER_TYPES = [
  'all',
  'limit',
  'trigger_all',
  'stop_all',
  'stop_limit',
  'stop_market',
  'take_all',
  'take_limit',
  'take_market',
  'trailing_all',
  'trailing_stop',
] as const;

function openTypeMatches(type: (typeof OPEN_ORDER_TYPES)[number], o: SimOrder): boolean {
  switch (type) {
    case 'all':
      return true;
    case 'limit':
      return o.orderType === 'limit';
    case 'trigger_all':
      return o.orderType !== 'limit' && o.orderType !== 'market';
    case 'stop_all':
      return o.orderType === 'stop_limit' || o.orderType === 'stop_market';
    case 'take_all':
      return o.orderType === 'take_limit' || o.orderType === 'take_market';
    case 'trailing_all':
    case 'trailing_stop':
      return false;
    default:
      return o.orderType === type;
  }
}

function ordersWire(ctx: CallContext, orders: readonly SimOrder[]): unknown[] {
  return orders.map((o) => orderToWire(o, ctx.state.engine.instrument(o.instrumentName)));
}

function tradesWire(ctx: CallContext, trades: readonly SimTrade[]): unknown[] {
  return trades.map((t) => tradeToWire(t, ctx.state.engine.instrument(t.instrumentName)));
}

/** Currency + optional kind, as engine filters; undefined when nothing the sim lists can match. */
function scope(params: Params, currencyRequired: boolean): { currency?: Currency; kind?: 'future' | 'option' } | undefined {
  const raw = currencyRequired ? params.enumOf('currency', CURRENCY_PARAM) : (params.optEnum('currency', CURRENCY_PARAM) ?? 'any');
  const currency = currencyFilter(raw);
  const kind = params.optEnum('kind', KIND_PARAM);
  if (currency === undefined) return undefined;
  if (kind !== undefined && kind !== 'any' && kind !== 'future' && kind !== 'option') return undefined;
  return { ...(currency !== 'any' ? { currency } : {}), ...(kind === 'future' || kind === 'option' ? { kind } : {}) };
}

/** Sorting, time window and count as the user-trade queries take them; returns {trades, has_more}. */
function pageTrades(ctx: CallContext, params: Params, trades: SimTrade[]): { trades: unknown[]; has_more: boolean } {
  const count = Math.min(Math.max(params.optInt('count') ?? 10, 1), 1000);
  const start = params.optInt('start_timestamp');
  const end = params.optInt('end_timestamp');
  const startSeq = params.optInt('start_seq');
  const endSeq = params.optInt('end_seq');
  const sorting = params.optEnum('sorting', ['asc', 'desc', 'default'] as const) ?? 'default';
  let list = trades.filter(
    (t) =>
      (start === undefined || t.timestamp >= start) &&
      (end === undefined || t.timestamp <= end) &&
      (startSeq === undefined || t.tradeSeq >= startSeq) &&
      (endSeq === undefined || t.tradeSeq <= endSeq),
  );
  // Default order is newest first.
  if (sorting !== 'asc') list = [...list].reverse();
  return { trades: tradesWire(ctx, list.slice(0, count)), has_more: list.length > count };
}

function history(ctx: CallContext, params: Params, orders: SimOrder[]): unknown[] {
  const count = Math.min(Math.max(params.optInt('count') ?? 20, 1), 1000);
  const offset = Math.max(params.optInt('offset') ?? 0, 0);
  const includeUnfilled = params.optBool('include_unfilled') ?? false;
  const closed = orders
    .filter((o) => !isWorkingState(o.state))
    .filter((o) => includeUnfilled || o.filledAmount.isPositive())
    .reverse();
  return ordersWire(ctx, closed.slice(offset, offset + count));
}

function summary(ctx: CallContext, currency: Currency, extended: boolean): Record<string, unknown> {
  const s = ctx.state.engine.accountSummary(currency);
  const extra: Record<string, unknown> = { limits: ctx.state.limiter.describe() };
  if (extended) {
    Object.assign(extra, {
      id: USER_ID,
      username: 'sim-user',
      email: 'sim@example.invalid',
      type: 'main',
      system_name: 'sim-user',
      creation_timestamp: 1_600_000_000_000,
      referrer_id: null,
      fees: [],
    });
  }
  return summaryToWire(s, extra);
}

const read = (handle: MethodSpec['handle']): MethodSpec => ({ access: 'private', rate: 'non_matching_engine', handle });

export const accountMethods: MethodTable = {
  'private/get_positions': read((ctx, params) => {
    const s = scope(params, false);
    return s ? ctx.state.engine.positions(s).map(positionToWire) : [];
  }),
  'private/get_position': read((ctx, params) => positionToWire(ctx.state.engine.position(requireInstrument(ctx, params).name))),
  'private/get_open_orders': read((ctx, params) => {
    const kind = params.optEnum('kind', KIND_PARAM);
    const type = params.optEnum('type', OPEN_ORDER_TYPES) ?? 'all';
    if (kind !== undefined && kind !== 'any' && kind !== 'future' && kind !== 'option') return [];
    return ordersWire(
      ctx,
      ctx.state.engine.openOrders({
        ...(kind === 'future' || kind === 'option' ? { kind } : {}),
        predicate: (o) => openTypeMatches(type, o),
      }),
    );
  }),
  'private/get_open_orders_by_currency': read((ctx, params) => {
    const s = scope(params, true);
    const type = params.optEnum('type', OPEN_ORDER_TYPES) ?? 'all';
    return s ? ordersWire(ctx, ctx.state.engine.openOrders({ ...s, predicate: (o) => openTypeMatches(type, o) })) : [];
  }),
  'private/get_open_orders_by_instrument': read((ctx, params) => {
    const inst = requireInstrument(ctx, params);
    const type = params.optEnum('type', OPEN_ORDER_TYPES) ?? 'all';
    return ordersWire(ctx, ctx.state.engine.openOrders({ instrumentName: inst.name, predicate: (o) => openTypeMatches(type, o) }));
  }),
  'private/get_open_orders_by_label': read((ctx, params) => {
    const s = scope(params, true);
    const label = params.string('label');
    return s ? ordersWire(ctx, ctx.state.engine.openOrders({ ...s, label })) : [];
  }),
  'private/get_order_state': read((ctx, params) => {
    const order = ctx.state.engine.getOrder(params.string('order_id'));
    if (!order) throw errors.orderNotFound();
    return orderToWire(order, ctx.state.engine.instrument(order.instrumentName));
  }),
  'private/get_order_state_by_label': read((ctx, params) => {
    const s = scope(params, true);
    const label = params.string('label');
    return s ? ordersWire(ctx, ctx.state.engine.allOrders({ ...s, label })) : [];
  }),
  'private/get_order_history_by_currency': read((ctx, params) => {
    const s = scope(params, true);
    return s ? history(ctx, params, ctx.state.engine.allOrders(s)) : [];
  }),
  'private/get_order_history_by_instrument': read((ctx, params) => {
    const inst = requireInstrument(ctx, params);
    return history(ctx, params, ctx.state.engine.allOrders({ instrumentName: inst.name }));
  }),
  'private/get_user_trades_by_currency': read((ctx, params) => {
    const s = scope(params, true);
    return pageTrades(ctx, params, s ? ctx.state.engine.trades(s) : []);
  }),
  'private/get_user_trades_by_instrument': read((ctx, params) => {
    const inst = requireInstrument(ctx, params);
    return pageTrades(ctx, params, ctx.state.engine.trades({ instrumentName: inst.name }));
  }),
  'private/get_user_trades_by_order': read((ctx, params) => {
    const orderId = params.string('order_id');
    const sorting = params.optEnum('sorting', ['asc', 'desc', 'default'] as const) ?? 'default';
    const trades = ctx.state.engine.trades({ orderId });
    return tradesWire(ctx, sorting === 'desc' ? [...trades].reverse() : trades);
  }),
  'private/get_account_summary': read((ctx, params) => {
    const c = currencyFilter(params.enumOf('currency', CURRENCY_PARAM));
    if (c === undefined || c === 'any') throw errors.invalidParams('currency', 'must be BTC or ETH on the simulator');
    return summary(ctx, c, params.optBool('extended') ?? false);
  }),
  'private/get_account_summaries': read((ctx, params) => {
    const extended = params.optBool('extended') ?? false;
    return { id: USER_ID, username: 'sim-user', type: 'main', summaries: (['BTC', 'ETH'] as const).map((c) => summary(ctx, c, extended)) };
  }),
};
