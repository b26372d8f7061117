/**
 * Bybit v5 request handling shared by REST and the WS trade stream: the routes under /v5 (order
 * entry, reads, trading-stop, wallet, market data), parameter checks with the venue's retCodes, and
 * the calls into the engine port. Transports only parse, authenticate and frame.
 */
import { randomBytes } from 'node:crypto';

import { Decimal } from '../../domain/decimal.js';
import { EngineRejection } from '../engine/types.js';
import { logRequest, type SimState } from './context.js';
import type { PlaceOrderRequest, PortInstrument, PortOrder, PortTimeInForce, PortTriggerRef } from './engine-port.js';
import { BybitError, injectedToError, rejectionToError, requestErrors } from './errors.js';
import type { LimitName } from './rate-limit.js';
import {
  execRecordRest,
  instrumentRecord,
  type JsonObject,
  type OrderMeta,
  orderRecordHistory,
  orderRecordRealtime,
  positionRecordRest,
  tickerRecord,
  TRIGGER_BY,
  triggerRefOf,
  walletRecord,
} from './wire.js';

export interface RouteInput {
  /** GET: the query; POST: the JSON body's fields. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly receivedAt: number;
}

export interface Route {
  readonly private: boolean;
  readonly limit: LimitName | undefined;
  readonly handler: (input: RouteInput) => JsonObject;
}

type Category = 'linear' | 'inverse';
const LINK_ID = /^[A-Za-z0-9_-]{1,36}$/;
const DECIMAL = /^\d+(\.\d+)?$/;

function str(params: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw requestErrors.param(`params error: ${name} invalid`);
}

function dec(params: Readonly<Record<string, unknown>>, name: string): Decimal | undefined {
  const v = str(params, name);
  if (v === undefined || v === '') return undefined;
  if (!DECIMAL.test(v)) throw requestErrors.param(`params error: ${name} invalid`);
  return Decimal.from(v);
}

function bool(params: Readonly<Record<string, unknown>>, name: string): boolean {
  const v = params[name];
  if (v === undefined || v === null || v === false || v === 'false') return false;
  if (v === true || v === 'true') return true;
  throw requestErrors.param(`params error: ${name} invalid`);
}

function limitOf(params: Readonly<Record<string, unknown>>, dflt: number, max: number): number {
  const v = str(params, 'limit');
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw requestErrors.param('params error: limit invalid');
  return n;
}

export class Dispatcher {
  private readonly routes = new Map<string, Route>();
  /**
   * Meta of the order(s) being placed: the publisher adopts it for the new id (events arrive before
   * the call returns). `once`: only the first new id takes it (an entry's attached TP/SL, placed in
   * the same call, must not inherit its orderLinkId); trading-stop's two legs both take it.
   */
  private placing: { meta: OrderMeta; once: boolean } | undefined;

  /** The meta a new order id adopts, if an order is being placed. */
  adoptPlacingMeta(): OrderMeta | undefined {
    const p = this.placing;
    if (p?.once === true) this.placing = undefined;
    return p?.meta;
  }

  constructor(private readonly state: SimState) {
    const r = (method: string, path: string, route: Route): void => {
      this.routes.set(`${method} ${path}`, route);
    };
    r('GET', 'market/time', { private: false, limit: undefined, handler: (i) => this.time(i) });
    r('GET', 'market/instruments-info', { private: false, limit: undefined, handler: (i) => this.instrumentsInfo(i) });
    r('GET', 'market/tickers', { private: false, limit: undefined, handler: (i) => this.tickers(i) });
    r('POST', 'order/create', { private: true, limit: 'create', handler: (i) => this.create(i.params, i.receivedAt) });
    r('POST', 'order/amend', { private: true, limit: 'amend', handler: (i) => this.amend(i.params, i.receivedAt) });
    r('POST', 'order/cancel', { private: true, limit: 'cancel', handler: (i) => this.cancel(i.params, i.receivedAt) });
    r('POST', 'order/cancel-all', { private: true, limit: 'cancelAll', handler: (i) => this.cancelAll(i) });
    r('GET', 'order/realtime', { private: true, limit: 'readOrders', handler: (i) => this.realtime(i) });
    r('GET', 'order/history', { private: true, limit: 'readOrders', handler: (i) => this.history(i) });
    r('GET', 'execution/list', { private: true, limit: 'readExecutions', handler: (i) => this.executions(i) });
    r('GET', 'position/list', { private: true, limit: 'positions', handler: (i) => this.positions(i) });
    r('POST', 'position/trading-stop', { private: true, limit: 'tradingStop', handler: (i) => this.tradingStop(i) });
    r('POST', 'position/set-leverage', { private: true, limit: 'tradingStop', handler: (i) => this.setLeverage(i) });
    r('POST', 'position/switch-mode', { private: true, limit: 'tradingStop', handler: (i) => this.switchMode(i) });
    r('GET', 'account/wallet-balance', { private: true, limit: 'wallet', handler: (i) => this.wallet(i) });
    r('GET', 'account/info', { private: true, limit: 'wallet', handler: (i) => this.accountInfo(i) });
    // Not in bybit.md: what clients such as ccxt read before fetchBalance (UTA or not), served minimal.
    r('GET', 'user/query-api', { private: true, limit: 'wallet', handler: (i) => this.queryApi(i) });
    // Not in bybit.md either: the coin list ccxt's loadMarkets asks for (one chain per coin, static values).
    r('GET', 'asset/coin/query-info', { private: true, limit: 'wallet', handler: () => coinInfo() });
  }

  route(method: string, path: string): Route | undefined {
    return this.routes.get(`${method} ${path}`);
  }

  /** Runs an engine call, turning neutral refusals into Bybit errors. */
  private engineCall<T>(work: () => T): T {
    try {
      return work();
    } catch (e) {
      if (e instanceof EngineRejection) throw rejectionToError(e.reason, e.message);
      throw e;
    }
  }

  private category(params: Readonly<Record<string, unknown>>): Category {
    const c = str(params, 'category');
    if (c === undefined || c === '') throw requestErrors.param('params error: Category is null');
    if (c !== 'linear' && c !== 'inverse') throw requestErrors.param('params error: category invalid');
    return c;
  }

  private instrumentIn(category: Category, symbol: string | undefined): PortInstrument {
    const inst = symbol !== undefined ? this.state.engine.instrument(symbol) : undefined;
    if (!inst || inst.category !== category) throw requestErrors.param('params error: symbol invalid');
    return inst;
  }

  private positionIdx(params: Readonly<Record<string, unknown>>, required: boolean): void {
    const v = params.positionIdx;
    if (v === undefined || v === null) {
      if (required) throw requestErrors.param('params error: positionIdx is null');
      return;
    }
    if (v !== 0 && v !== '0') throw requestErrors.positionIdx();
  }

  metaOf(orderId: string): OrderMeta | undefined {
    return this.state.orderMeta.get(orderId);
  }

  // ---- market --------------------------------------------------------------------------------

  private time(input: RouteInput): JsonObject {
    const t = input.receivedAt;
    return { timeSecond: String(Math.floor(t / 1000)), timeNano: `${t}${String(process.hrtime.bigint() % 1_000_000n).padStart(6, '0')}` };
  }

  private listInstruments(params: Readonly<Record<string, unknown>>): { category: string; list: PortInstrument[] } {
    const category = str(params, 'category');
    if (category === undefined || category === '') throw requestErrors.param('params error: Category is null');
    const symbol = str(params, 'symbol');
    const list = this.state.engine
      .instruments()
      .filter((i) => i.category === category && (symbol === undefined || symbol === '' || i.name === symbol));
    return { category, list };
  }

  private instrumentsInfo(input: RouteInput): JsonObject {
    const { category, list } = this.listInstruments(input.params);
    return { category, list: list.map(instrumentRecord), nextPageCursor: '' };
  }

  private tickers(input: RouteInput): JsonObject {
    const { category, list } = this.listInstruments(input.params);
    return {
      category,
      list: list.map((i) => {
        const t = tickerRecord(this.state.engine.ticker(i.name, input.receivedAt), i, nextFunding(input.receivedAt), 'ZeroPlusTick');
        delete t.tickDirection;
        delete t.fundingIntervalHour;
        delete t.fundingCap;
        return t;
      }),
    };
  }

  // ---- order entry ---------------------------------------------------------------------------

  /** `order/create` (REST and WS trade): returns `{orderId, orderLinkId}`. */
  create(params: Readonly<Record<string, unknown>>, now: number): JsonObject {
    const category = this.category(params);
    const inst = this.instrumentIn(category, str(params, 'symbol'));
    const sideText = str(params, 'side');
    if (sideText !== 'Buy' && sideText !== 'Sell') throw requestErrors.param('params error: side invalid');
    const typeText = str(params, 'orderType');
    if (typeText !== 'Market' && typeText !== 'Limit') throw requestErrors.param('params error: OrderType invalid');
    this.positionIdx(params, false);
    const linkId = str(params, 'orderLinkId') ?? '';
    if (linkId !== '' && !LINK_ID.test(linkId)) throw requestErrors.param('params error: orderLinkId invalid');
    if (linkId !== '' && this.state.linkIds.has(linkId)) throw requestErrors.duplicateLinkId();
    const reduceOnly = bool(params, 'reduceOnly');
    const closeOnTrigger = bool(params, 'closeOnTrigger');
    const qtyText = str(params, 'qty');
    if (qtyText === undefined || qtyText === '') throw requestErrors.param('params error: qty is null');
    const qty = dec(params, 'qty');
    const closePosition = qty !== undefined && qty.isZero();
    if (closePosition && !(reduceOnly && closeOnTrigger)) throw requestErrors.param('Qty invalid');
    const tifText = str(params, 'timeInForce') ?? 'GTC';
    const tif: PortTimeInForce | undefined =
      typeText === 'Market' ? 'ioc' : ({ GTC: 'gtc', IOC: 'ioc', FOK: 'fok', PostOnly: 'post_only' } as const)[tifText as 'GTC'];
    if (tif === undefined) throw requestErrors.param('params error: timeInForce invalid');
    const price = dec(params, 'price');
    if (typeText === 'Limit' && price === undefined) throw requestErrors.param('Missing some parameters that must be filled in, price');
    const triggerPrice = dec(params, 'triggerPrice');
    let trigger: PlaceOrderRequest['trigger'];
    if (triggerPrice !== undefined && !triggerPrice.isZero()) {
      const dirRaw = params.triggerDirection;
      const dir = dirRaw === 1 || dirRaw === '1' ? 'rising' : dirRaw === 2 || dirRaw === '2' ? 'falling' : undefined;
      if (dir === undefined) throw requestErrors.param('params error: TriggerDirection invalid');
      const by = str(params, 'triggerBy');
      const ref: PortTriggerRef | undefined = by === undefined || by === '' ? 'last' : triggerRefOf(by);
      if (ref === undefined) throw requestErrors.param('params error: triggerBy invalid');
      trigger = { price: triggerPrice, ref, direction: dir };
    }
    const takeProfit = positiveOrUndefined(dec(params, 'takeProfit'));
    const stopLoss = positiveOrUndefined(dec(params, 'stopLoss'));
    if ((takeProfit || stopLoss) && reduceOnly) throw requestErrors.param('params error: reduceOnly order can not have tp/sl');
    const tpBy = str(params, 'tpTriggerBy') ?? 'LastPrice';
    const slBy = str(params, 'slTriggerBy') ?? 'LastPrice';
    if (triggerRefOf(tpBy) === undefined || triggerRefOf(slBy) === undefined) throw requestErrors.param('params error: TriggerBy invalid');
    const side = sideText === 'Buy' ? 'buy' : 'sell';
    const injected = this.state.faults.takeOrderRejection({
      type: trigger ? (typeText === 'Market' ? 'stop_market' : 'stop_limit') : typeText === 'Market' ? 'market' : 'limit',
      instrumentName: inst.name,
      direction: side,
      reduceOnly: reduceOnly || closeOnTrigger,
      label: linkId,
    });
    if (injected) throw injectedToError(injected);
    const meta: OrderMeta = {
      orderLinkId: linkId,
      category,
      tpslMode: takeProfit || stopLoss ? (str(params, 'tpslMode') ?? 'Full') : '',
      tpTriggerBy: tpBy,
      slTriggerBy: slBy,
    };
    this.placing = { meta, once: true };
    let order: PortOrder;
    try {
      order = this.engineCall(() =>
        this.state.engine.placeOrder(
          {
            instrument: inst.name,
            side,
            type: typeText === 'Market' ? 'market' : 'limit',
            timeInForce: tif,
            qty: closePosition ? undefined : qty,
            price: typeText === 'Limit' ? price : undefined,
            reduceOnly,
            closeOnTrigger,
            closePosition,
            trigger,
            takeProfit,
            stopLoss,
          },
          now,
        ),
      );
    } finally {
      this.placing = undefined;
    }
    this.state.orderMeta.set(order.orderId, meta);
    if (linkId !== '') this.state.linkIds.set(linkId, order.orderId);
    return { orderId: order.orderId, orderLinkId: linkId };
  }

  /** The order named by `orderId` (wins) or `orderLinkId`, in `category`/`symbol`. */
  private findOrder(params: Readonly<Record<string, unknown>>, category: Category): PortOrder {
    const orderId = str(params, 'orderId') ?? '';
    const linkId = str(params, 'orderLinkId') ?? '';
    if (orderId === '' && linkId === '') throw requestErrors.param('params error: orderId or orderLinkId is required');
    const id = orderId !== '' ? orderId : this.state.linkIds.get(linkId);
    const order = id !== undefined ? this.state.engine.order(id) : undefined;
    const symbol = str(params, 'symbol');
    if (!order || this.state.orderMeta.get(order.orderId)?.category !== category || (symbol !== undefined && symbol !== order.instrument))
      throw requestErrors.orderNotFound();
    return order;
  }

  private ack(order: PortOrder): JsonObject {
    return { orderId: order.orderId, orderLinkId: this.state.orderMeta.get(order.orderId)?.orderLinkId ?? '' };
  }

  cancel(params: Readonly<Record<string, unknown>>, now: number): JsonObject {
    const category = this.category(params);
    this.instrumentIn(category, str(params, 'symbol'));
    const order = this.findOrder(params, category);
    this.engineCall(() => this.state.engine.cancelOrder(order.orderId, 'user_request', now));
    return this.ack(order);
  }

  amend(params: Readonly<Record<string, unknown>>, now: number): JsonObject {
    const category = this.category(params);
    this.instrumentIn(category, str(params, 'symbol'));
    const order = this.findOrder(params, category);
    const qty = dec(params, 'qty');
    const price = dec(params, 'price');
    const triggerPrice = dec(params, 'triggerPrice');
    if (qty === undefined && price === undefined && triggerPrice === undefined) throw requestErrors.param('params error: nothing to amend');
    this.engineCall(() => this.state.engine.amendOrder({ orderId: order.orderId, qty, price, triggerPrice }, now));
    return this.ack(order);
  }

  private cancelAll(input: RouteInput): JsonObject {
    const { params } = input;
    const category = this.category(params);
    const symbol = str(params, 'symbol') ?? '';
    const baseCoin = str(params, 'baseCoin') ?? '';
    const settleCoin = str(params, 'settleCoin') ?? '';
    if (symbol === '' && baseCoin === '' && settleCoin === '') throw requestErrors.param('params error: symbol or settleCoin is required');
    if (symbol !== '') this.instrumentIn(category, symbol);
    const filter = str(params, 'orderFilter') ?? '';
    if (!['', 'Order', 'StopOrder', 'OpenOrder'].includes(filter)) throw requestErrors.param('params error: orderFilter invalid');
    const chosen = this.state.engine.openOrders().filter((o) => {
      const inst = this.state.engine.instrument(o.instrument);
      if (!inst || inst.category !== category) return false;
      // Priority symbol > baseCoin > settleCoin (bybit.md §7).
      if (symbol !== '' ? o.instrument !== symbol : baseCoin !== '' ? inst.baseCoin !== baseCoin : inst.settleCoin !== settleCoin)
        return false;
      if (filter === 'Order' || filter === 'OpenOrder') return o.kind === 'order';
      if (filter === 'StopOrder') return o.kind === 'conditional';
      return true;
    });
    const list: JsonObject[] = [];
    for (const o of chosen.slice(0, 500)) {
      this.engineCall(() => this.state.engine.cancelOrder(o.orderId, 'user_request', input.receivedAt));
      list.push(this.ack(o));
    }
    return { list, success: '1' };
  }

  // ---- reads ---------------------------------------------------------------------------------

  private matching(params: Readonly<Record<string, unknown>>, category: Category, all: readonly PortOrder[]): PortOrder[] {
    const symbol = str(params, 'symbol') ?? '';
    const baseCoin = str(params, 'baseCoin') ?? '';
    const settleCoin = str(params, 'settleCoin') ?? '';
    const orderId = str(params, 'orderId') ?? '';
    const linkId = str(params, 'orderLinkId') ?? '';
    const filter = str(params, 'orderFilter') ?? '';
    return all.filter((o) => {
      const inst = this.state.engine.instrument(o.instrument);
      const meta = this.state.orderMeta.get(o.orderId);
      if (!inst || inst.category !== category) return false;
      if (symbol !== '' && o.instrument !== symbol) return false;
      if (baseCoin !== '' && inst.baseCoin !== baseCoin) return false;
      if (settleCoin !== '' && inst.settleCoin !== settleCoin) return false;
      if (orderId !== '' && o.orderId !== orderId) return false;
      if (linkId !== '' && meta?.orderLinkId !== linkId) return false;
      if (filter === 'Order' && o.kind !== 'order') return false;
      if (filter === 'StopOrder' && o.kind === 'order') return false;
      return true;
    });
  }

  private needsScope(params: Readonly<Record<string, unknown>>, category: Category): void {
    const scoped = ['symbol', 'baseCoin', 'settleCoin', 'orderId', 'orderLinkId'].some((k) => (str(params, k) ?? '') !== '');
    if (category === 'linear' && !scoped) throw requestErrors.param('params error: symbol, baseCoin or settleCoin is required');
  }

  private meta(o: PortOrder): OrderMeta {
    const inst = this.state.engine.instrument(o.instrument);
    return this.state.orderMeta.get(o.orderId) ?? defaultMeta(inst?.category ?? 'linear');
  }

  private realtime(input: RouteInput): JsonObject {
    const { params } = input;
    const category = this.category(params);
    this.needsScope(params, category);
    const byId = (str(params, 'orderId') ?? '') !== '' || (str(params, 'orderLinkId') ?? '') !== '';
    const openOnly = str(params, 'openOnly') ?? '0';
    // By id: open or among the recent closed ones, whatever openOnly says (bybit.md §8).
    const pool = byId || openOnly === '1' ? this.state.engine.orders() : [...this.state.engine.openOrders()].reverse();
    const rows = this.matching(params, category, pool)
      .filter((o) => byId || openOnly !== '1' || !isWorking(o))
      .slice(0, limitOf(params, 20, 50));
    return {
      list: rows.map((o) => orderRecordRealtime(o, this.meta(o), this.mustInstrument(o.instrument))),
      nextPageCursor: '',
      category,
    };
  }

  private history(input: RouteInput): JsonObject {
    const { params } = input;
    const category = this.category(params);
    const status = str(params, 'orderStatus') ?? '';
    const rows = this.matching(params, category, this.state.engine.orders())
      .map((o) => ({ o, row: orderRecordHistory(o, this.meta(o), this.mustInstrument(o.instrument)) }))
      .filter((x) => status === '' || x.row.orderStatus === status)
      .slice(0, limitOf(params, 20, 50));
    return { list: rows.map((x) => x.row), nextPageCursor: '', category };
  }

  private executions(input: RouteInput): JsonObject {
    const { params } = input;
    const category = this.category(params);
    const symbol = str(params, 'symbol') ?? '';
    const orderId = str(params, 'orderId') ?? '';
    const linkId = str(params, 'orderLinkId') ?? '';
    const idFromLink = linkId !== '' ? (this.state.linkIds.get(linkId) ?? '-') : '';
    const fills = this.state.engine
      .fills({
        ...(symbol !== '' ? { instrument: symbol } : {}),
        ...(orderId !== '' ? { orderId } : idFromLink !== '' ? { orderId: idFromLink } : {}),
      })
      .filter((f) => this.state.engine.instrument(f.instrument)?.category === category)
      .slice(0, limitOf(params, 50, 100));
    return {
      nextPageCursor: '',
      category,
      list: fills.map((f) => execRecordRest(f, this.state.orderMeta.get(f.orderId)?.orderLinkId ?? '', this.mustInstrument(f.instrument))),
    };
  }

  private positions(input: RouteInput): JsonObject {
    const { params } = input;
    const category = this.category(params);
    const symbol = str(params, 'symbol') ?? '';
    const settleCoin = str(params, 'settleCoin') ?? '';
    if (category === 'linear' && symbol === '' && settleCoin === '')
      throw requestErrors.param('params error: symbol or settleCoin is required');
    let list;
    if (symbol !== '') {
      // By symbol: the row even when flat.
      list = [this.state.engine.position(this.instrumentIn(category, symbol).name)];
    } else {
      list = this.state.engine.positions().filter((p) => {
        const inst = this.state.engine.instrument(p.instrument);
        return inst?.category === category && (settleCoin === '' || inst.settleCoin === settleCoin);
      });
    }
    return {
      list: list.slice(0, limitOf(params, 20, 200)).map((p) => positionRecordRest(p, this.mustInstrument(p.instrument))),
      nextPageCursor: '',
      category,
    };
  }

  private tradingStop(input: RouteInput): JsonObject {
    const { params } = input;
    const category = this.category(params);
    const inst = this.instrumentIn(category, str(params, 'symbol'));
    const mode = str(params, 'tpslMode');
    if (mode === undefined || mode === '') {
      if (params.slOrderType !== undefined) throw requestErrors.param('slOrderType can not have a value when tpSlMode is empty');
      if (params.tpOrderType !== undefined) throw requestErrors.param('tpOrderType can not have a value when tpSlMode is empty');
      throw requestErrors.param('params error: tpslMode is empty');
    }
    if (mode !== 'Full' && mode !== 'Partial') throw requestErrors.param('params error: tpslMode invalid');
    this.positionIdx(params, true);
    const takeProfit = dec(params, 'takeProfit');
    const stopLoss = dec(params, 'stopLoss');
    if (takeProfit === undefined && stopLoss === undefined) throw requestErrors.notModified();
    if (this.state.engine.position(inst.name).size.isZero()) throw requestErrors.noPositionForStop();
    const ref = (name: string): PortTriggerRef => {
      const v = str(params, name);
      const r = v === undefined || v === '' ? 'last' : triggerRefOf(v);
      if (r === undefined) throw requestErrors.param(`params error: ${name} invalid`);
      return r;
    };
    const tpTriggerRef = ref('tpTriggerBy');
    const slTriggerRef = ref('slTriggerBy');
    // Fault rules see each leg as an order of type `take_profit` / `stop_loss` (reduce-only, closing side).
    const size = this.state.engine.position(inst.name).size;
    for (const [type, price] of [
      ['take_profit', takeProfit],
      ['stop_loss', stopLoss],
    ] as const) {
      if (price === undefined || price.isZero()) continue;
      const injected = this.state.faults.takeOrderRejection({
        type,
        instrumentName: inst.name,
        direction: size.isPositive() ? 'sell' : 'buy',
        reduceOnly: true,
        label: '',
      });
      if (injected) throw injectedToError(injected);
    }
    this.placing = {
      once: false,
      meta: {
        orderLinkId: '',
        category,
        tpslMode: mode,
        tpTriggerBy: TRIGGER_BY[tpTriggerRef],
        slTriggerBy: TRIGGER_BY[slTriggerRef],
      },
    };
    try {
      this.engineCall(() =>
        this.state.engine.setTradingStop({ instrument: inst.name, takeProfit, stopLoss, tpTriggerRef, slTriggerRef }, input.receivedAt),
      );
    } finally {
      this.placing = undefined;
    }
    return {};
  }

  /** `position/set-leverage` (bybit.md §8): one-way, so buyLeverage = sellLeverage; 110043 when unchanged. */
  private setLeverage(input: RouteInput): JsonObject {
    const { params } = input;
    const inst = this.instrumentIn(this.category(params), str(params, 'symbol'));
    const buy = dec(params, 'buyLeverage');
    const sell = dec(params, 'sellLeverage');
    if (buy === undefined || sell === undefined || !buy.eq(sell))
      throw requestErrors.param('params error: buyLeverage must equal sellLeverage');
    const lev = buy.toNumber();
    if (lev < 1 || lev > inst.maxLeverage || !buy.isMultipleOf('0.01')) throw requestErrors.param('params error: leverage invalid');
    if (this.state.engine.leverage(inst.name) === lev) throw requestErrors.leverageNotModified();
    this.state.engine.setLeverage(inst.name, lev, input.receivedAt);
    return {};
  }

  /** `position/switch-mode` (bybit.md §8): the simulator keeps one-way mode; 110025 when asked for it again. */
  private switchMode(input: RouteInput): JsonObject {
    const { params } = input;
    const category = this.category(params);
    const symbol = str(params, 'symbol') ?? '';
    const coin = str(params, 'coin') ?? '';
    if (symbol === '' && coin === '') throw requestErrors.param('params error: symbol or coin is required');
    if (symbol !== '') this.instrumentIn(category, symbol);
    const mode = params.mode;
    if (mode === 0 || mode === '0') throw requestErrors.positionModeNotModified();
    if (mode === 3 || mode === '3') throw requestErrors.oneWayOnly();
    throw requestErrors.param('params error: mode invalid');
  }

  private wallet(input: RouteInput): JsonObject {
    const { params } = input;
    const accountType = str(params, 'accountType');
    if (accountType !== 'UNIFIED') throw requestErrors.param('accountType only support UNIFIED');
    const coinText = str(params, 'coin') ?? '';
    const wanted = coinText === '' ? undefined : new Set(coinText.split(','));
    const coins = this.state.engine.balances(input.receivedAt).filter((c) => (wanted ? wanted.has(c.coin) : !c.walletBalance.isZero()));
    return { list: [walletRecord(coins)] };
  }

  /** `GET /v5/account/info` (bybit.md §8): a UTA 2.0 account in cross margin. */
  private accountInfo(input: RouteInput): JsonObject {
    return {
      unifiedMarginStatus: 6,
      marginMode: 'REGULAR_MARGIN',
      isMasterTrader: false,
      spotHedgingStatus: 'OFF',
      updatedTime: String(input.receivedAt),
      dcpStatus: 'OFF',
      timeWindow: 10,
      smpGroup: 0,
    };
  }

  /** `GET /v5/user/query-api` (Bybit docs, not in bybit.md): the key's own record; a unified (UTA) trading key. */
  private queryApi(input: RouteInput): JsonObject {
    const day = 86_400_000;
    return {
      id: '1',
      note: 'simulator',
      apiKey: this.state.credentials.apiKey,
      readOnly: 0,
      secret: '',
      permissions: {
        ContractTrade: ['Order', 'Position'],
        Spot: [],
        Wallet: ['AccountTransfer'],
        Options: [],
        Derivatives: [],
        CopyTrading: [],
        BlockTrade: [],
        Exchange: [],
        NFT: [],
        Affiliate: [],
      },
      ips: ['*'],
      type: 1,
      deadlineDay: 90,
      expiredAt: new Date(input.receivedAt + 90 * day).toISOString(),
      createdAt: new Date(input.receivedAt - day).toISOString(),
      unified: 0,
      uta: 1,
      userID: 100000001,
      inviterID: 0,
      vipLevel: 'No VIP',
      mktMakerLevel: '0',
      affiliateID: 0,
      rsaPublicKey: '',
      isMaster: true,
      parentUid: '0',
      kycLevel: 'LEVEL_DEFAULT',
      kycRegion: '',
    };
  }

  private mustInstrument(name: string): PortInstrument {
    const inst = this.state.engine.instrument(name);
    if (!inst) throw requestErrors.param('params error: symbol invalid');
    return inst;
  }

  /** Logs a request (REST or WS trade op). */
  log(transport: 'http' | 'ws', connectionId: string | undefined, method: string, body: unknown, at: number): void {
    logRequest(this.state, { transport, connectionId, method, body, at });
  }
}

const CHAINS: Readonly<Record<string, { chain: string; chainType: string; fee: string; min: string; accuracy: string }>> = {
  BTC: { chain: 'BTC', chainType: 'BTC', fee: '0.0001', min: '0.0005', accuracy: '8' },
  ETH: { chain: 'ETH', chainType: 'ETH', fee: '0.0003', min: '0.0008', accuracy: '8' },
  USDT: { chain: 'ETH', chainType: 'ERC20', fee: '4', min: '10', accuracy: '4' },
};

/** `GET /v5/asset/coin/query-info`: the simulator's three coins. */
function coinInfo(): JsonObject {
  return {
    rows: Object.entries(CHAINS).map(([coin, c]) => ({
      name: coin,
      coin,
      remainAmount: '1000000',
      chains: [
        {
          chainType: c.chainType,
          confirmation: '6',
          withdrawFee: c.fee,
          depositMin: '0',
          withdrawMin: c.min,
          chain: c.chain,
          chainDeposit: '1',
          chainWithdraw: '1',
          minAccuracy: c.accuracy,
          withdrawPercentageFee: '0',
          contractAddress: '',
          safeConfirmNumber: '6',
        },
      ],
    })),
  };
}

function positiveOrUndefined(d: Decimal | undefined): Decimal | undefined {
  return d !== undefined && d.isPositive() ? d : undefined;
}

function isWorking(o: PortOrder): boolean {
  return o.state === 'open' || o.state === 'partially_filled' || o.state === 'untriggered' || o.state === 'triggered';
}

export function defaultMeta(category: Category): OrderMeta {
  return { orderLinkId: '', category, tpslMode: '', tpTriggerBy: 'LastPrice', slTriggerBy: 'LastPrice' };
}

/** Next 00:00 / 08:00 / 16:00 UTC (funding every 8 h). */
export function nextFunding(now: number): number {
  const period = 8 * 3_600_000;
  return Math.floor(now / period) * period + period;
}

/** 32 hex chars, like the trade stream's `Traceid`. */
export function traceId(): string {
  return randomBytes(16).toString('hex');
}

export { BybitError };
