/**
 * The REST routes of the simulated OKX under /api/v5 (okx.md §6–§8): parameter rules, per-item
 * `sCode`/`sMsg` results inside a 200, rate limits per UID+instId, and the engine-port calls.
 */
import { Decimal } from '../../domain/decimal.js';
import type { SimState } from './context.js';
import { posIdOf } from './context.js';
import { type PortAlgoLeg, type PortOrder, PortRejection, type PortTimeInForce } from './engine-port.js';
import { injectedToItem, type ItemError, itemError, itemErrors, OkxError, rejectionToItem, requestErrors } from './errors.js';
import { failCodeOf, metaOfAlgo, metaOfOrder } from './orders-meta.js';
import type { LimitName } from './rate-limit.js';
import {
  accountConfigRecord,
  algoItem,
  algoRecordRest,
  amendItem,
  balanceRecord,
  cancelItem,
  errorEnvelope,
  fillRecord,
  instrumentRecord,
  isOkxOrdType,
  itemsEnvelope,
  type Json,
  type JsonObject,
  micros,
  okEnvelope,
  type OkxOrdType,
  orderRecordRest,
  placeItem,
  positionRecord,
} from './wire.js';

export interface RestRequest {
  readonly method: string;
  /** Path after `/api/v5/`, e.g. `trade/order`. */
  readonly route: string;
  readonly query: URLSearchParams;
  /** Parsed JSON body of a POST. */
  readonly body: unknown;
  readonly ip: string;
  /** Request arrival (sim clock), for `inTime`. */
  readonly receivedAt: number;
}

interface Route {
  readonly method: 'GET' | 'POST';
  readonly private: boolean;
  readonly handler: (req: RestRequest) => JsonObject;
}

const CL_ORD_ID = /^[A-Za-z0-9]{1,32}$/;
const TAG = /^[A-Za-z0-9]{1,16}$/;

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
function bool(v: unknown): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}
function decimal(v: unknown): Decimal | undefined {
  if (typeof v !== 'string' || !/^-?\d+(\.\d+)?$/.test(v)) return undefined;
  return Decimal.from(v);
}

/** Internal marker on a WS op item whose `instIdCode` was missing or unknown (set by `wsOp`). */
const WS_INST_ERROR = '\u0000instIdCodeError';

function wsInstrumentCheck(it: Record<string, unknown>): void {
  const problem = it[WS_INST_ERROR];
  if (problem === 'missing') fail(itemErrors.paramEmpty('instIdCode'));
  if (problem === 'unknown') fail(itemErrors.instrument());
}

/** WS trading ops and the REST route each runs (okx.md §6: same rules and budgets as REST). */
const WS_OPS: Readonly<Record<string, { route: string; batch: boolean; max: number }>> = {
  order: { route: 'trade/order', batch: false, max: 1 },
  'batch-orders': { route: 'trade/batch-orders', batch: true, max: 20 },
  'cancel-order': { route: 'trade/cancel-order', batch: false, max: 1 },
  'batch-cancel-orders': { route: 'trade/cancel-batch-orders', batch: true, max: 20 },
  'amend-order': { route: 'trade/amend-order', batch: false, max: 1 },
};

export function isWsTradeOp(op: string): boolean {
  return op in WS_OPS;
}

class ItemFailure extends Error {
  constructor(readonly item: ItemError) {
    super(item.sMsg);
  }
}
function fail(item: ItemError): never {
  throw new ItemFailure(item);
}

export class Dispatcher {
  private readonly routes = new Map<string, Route>();
  private caaTimer: NodeJS.Timeout | undefined;
  private caaTriggerSec = 0;

  constructor(private readonly state: SimState) {
    const r = (method: 'GET' | 'POST', path: string, priv: boolean, handler: (req: RestRequest) => JsonObject): void => {
      this.routes.set(`${method} ${path}`, { method, private: priv, handler });
    };
    r('GET', 'public/time', false, () => this.publicTime());
    r('GET', 'public/instruments', false, (q) => this.instruments(q));
    r('GET', 'account/config', true, () => this.accountConfig());
    r('POST', 'account/set-position-mode', true, (q) => this.setPositionMode(q));
    r('GET', 'account/balance', true, () => this.balance());
    r('GET', 'account/positions', true, (q) => this.positions(q));
    r('POST', 'trade/order', true, (q) => this.placeOrders(q, false));
    r('POST', 'trade/batch-orders', true, (q) => this.placeOrders(q, true));
    r('POST', 'trade/cancel-order', true, (q) => this.cancelOrders(q, false));
    r('POST', 'trade/cancel-batch-orders', true, (q) => this.cancelOrders(q, true));
    r('POST', 'trade/amend-order', true, (q) => this.amendOrder(q));
    r('POST', 'trade/close-position', true, (q) => this.closePosition(q));
    r('POST', 'trade/order-algo', true, (q) => this.placeAlgo(q));
    r('POST', 'trade/cancel-algos', true, (q) => this.cancelAlgos(q));
    r('POST', 'trade/cancel-all-after', true, (q) => this.cancelAllAfter(q));
    r('GET', 'trade/orders-pending', true, (q) => this.ordersPending(q));
    r('GET', 'trade/orders-algo-pending', true, (q) => this.algosPending(q));
    r('GET', 'trade/orders-algo-history', true, (q) => this.algosHistory(q));
    r('GET', 'trade/order', true, (q) => this.getOrder(q));
    r('GET', 'trade/fills', true, (q) => this.fills(q));
  }

  /** The route for a request, or undefined (404). */
  route(method: string, route: string): Route | undefined {
    return this.routes.get(`${method} ${route}`);
  }

  /**
   * A WS trading op (`order`, `batch-orders`, `cancel-order`, `batch-cancel-orders`, `amend-order`):
   * items name the instrument by the integer `instIdCode` (required since 2026; an `instId` alone is
   * `50014`), then run as the REST route. Reply `{id, op, code, msg, data, inTime, outTime}`.
   */
  wsOp(id: string, op: string, args: unknown[], ip: string, receivedAt: number): JsonObject {
    const spec = WS_OPS[op];
    const reply = (body: JsonObject): JsonObject => ({
      id,
      op,
      code: body.code ?? '0',
      msg: body.msg ?? '',
      data: body.data ?? [],
      inTime: micros(receivedAt),
      outTime: micros(this.now),
    });
    if (!spec || args.length === 0 || args.length > spec.max) return reply(errorEnvelope('60013', 'Invalid args'));
    const items = args.map((raw) => {
      const it = { ...(obj(raw) ?? {}) };
      const code = it.instIdCode;
      delete it.instId; // a sent instId is ignored (okx.md §6)
      if (code === undefined || code === null || code === '') it[WS_INST_ERROR] = 'missing';
      else {
        const inst = typeof code === 'number' ? this.state.engine.instruments().find((i) => i.id === code) : undefined;
        if (inst) it.instId = inst.name;
        else it[WS_INST_ERROR] = 'unknown';
      }
      return it;
    });
    const route = this.route('POST', spec.route);
    if (!route) return reply(errorEnvelope('60012', 'Invalid request'));
    try {
      return reply(
        route.handler({
          method: 'POST',
          route: spec.route,
          query: new URLSearchParams(),
          body: spec.batch ? items : items[0],
          ip,
          receivedAt,
        }),
      );
    } catch (e) {
      if (e instanceof OkxError) return reply(errorEnvelope(e.code, e.msg));
      throw e;
    }
  }

  close(): void {
    if (this.caaTimer) clearTimeout(this.caaTimer);
    this.caaTimer = undefined;
  }

  private get now(): number {
    return this.state.clock.now();
  }

  private limit(name: LimitName, axis: string, cost = 1): void {
    if (!this.state.limiter.take(name, axis, cost)) throw requestErrors.rateLimited();
  }

  private uidAxis(instId = ''): string {
    return `${this.state.config.uid}|${instId}`;
  }

  // ---- public ---------------------------------------------------------------------------------

  private publicTime(): JsonObject {
    return okEnvelope([{ ts: String(this.now) }]);
  }

  private instruments(req: RestRequest): JsonObject {
    const instType = req.query.get('instType');
    if (!instType) throw requestErrors.paramEmpty('instType');
    this.limit('instruments', `${req.ip}|${instType}`);
    const instId = req.query.get('instId');
    const instFamily = req.query.get('instFamily');
    if (instType !== 'SWAP') return okEnvelope([]);
    const list = this.state.engine
      .instruments()
      .filter((i) => (!instId || i.name === instId) && (!instFamily || i.name.startsWith(`${instFamily}-`)))
      .map((i) => instrumentRecord(i));
    return okEnvelope(list);
  }

  // ---- account --------------------------------------------------------------------------------

  private accountConfig(): JsonObject {
    this.limit('config', this.uidAxis());
    return okEnvelope([accountConfigRecord(this.state.config.uid, 'simulator')]);
  }

  private setPositionMode(req: RestRequest): JsonObject {
    this.limit('config', this.uidAxis());
    const posMode = str(obj(req.body)?.posMode);
    if (posMode === 'net_mode') return okEnvelope([{ posMode }]);
    if (posMode === 'long_short_mode') throw requestErrors.positionModeUnsupported();
    throw requestErrors.param('posMode');
  }

  private balance(): JsonObject {
    this.limit('balance', this.uidAxis());
    return okEnvelope([balanceRecord(this.state.engine.balance(this.now))]);
  }

  private positions(req: RestRequest): JsonObject {
    this.limit('positions', this.uidAxis());
    const instType = req.query.get('instType');
    const instIds = (req.query.get('instId') ?? '').split(',').filter((s) => s !== '');
    if (instType && !['MARGIN', 'SWAP', 'FUTURES', 'OPTION'].includes(instType)) throw requestErrors.param('instType');
    if (instType && instType !== 'SWAP') return okEnvelope([]);
    const out: Json[] = [];
    for (const p of this.state.engine.positions()) {
      // With instId, a formerly held instrument comes back at pos "0"; without, closed ones are left out.
      if (instIds.length > 0 ? !instIds.includes(p.instrument) : p.size.isZero()) continue;
      const inst = this.state.engine.instrument(p.instrument);
      if (inst) out.push(positionRecord(p, inst, posIdOf(this.state, p.instrument), 'rest', this.now));
    }
    return okEnvelope(out);
  }

  // ---- orders ---------------------------------------------------------------------------------

  private items(body: unknown, batch: boolean, max: number): Record<string, unknown>[] {
    if (batch) {
      if (!Array.isArray(body)) throw requestErrors.badJson();
      if (body.length === 0) throw requestErrors.emptyBody();
      if (body.length > max) throw new OkxError('51000', `Parameter length error: at most ${max} orders per request`, 400);
      return body.map((b) => obj(b) ?? {});
    }
    const one = obj(body);
    if (!one) throw requestErrors.badJson();
    return [one];
  }

  private placeOrders(req: RestRequest, batch: boolean): JsonObject {
    const items = this.items(req.body, batch, 20);
    // A one-item batch counts against the single-order budget (okx.md §6).
    const byInst = new Map<string, number>();
    for (const it of items) byInst.set(String(it.instId ?? ''), (byInst.get(String(it.instId ?? '')) ?? 0) + 1);
    for (const [instId, count] of byInst) {
      if (batch && items.length > 1) this.limit('batchOrders', this.uidAxis(instId), count);
      else this.limit('order', this.uidAxis(instId));
    }
    const seen = new Set<string>();
    const results: JsonObject[] = [];
    for (const it of items) {
      const clOrdId = typeof it.clOrdId === 'string' ? it.clOrdId : '';
      const tag = typeof it.tag === 'string' ? it.tag : '';
      try {
        if (clOrdId !== '' && seen.has(clOrdId)) fail(itemErrors.duplicateClOrdId());
        if (clOrdId !== '') seen.add(clOrdId);
        const order = this.placeOne(it, clOrdId, tag);
        results.push(placeItem(order.orderId, clOrdId, tag, this.now));
      } catch (e) {
        results.push(placeItem('', clOrdId, tag, this.now, this.itemErrorOf(e)));
      }
    }
    return itemsEnvelope(results, req.receivedAt, this.now);
  }

  private itemErrorOf(e: unknown): ItemError {
    if (e instanceof ItemFailure) return e.item;
    if (e instanceof PortRejection) return rejectionToItem(e.reason, e.message);
    if (e instanceof OkxError) return itemError(e.code, e.msg);
    throw e;
  }

  private placeOne(it: Record<string, unknown>, clOrdId: string, tag: string): PortOrder {
    wsInstrumentCheck(it);
    const instId = str(it.instId);
    if (!instId) fail(itemErrors.paramEmpty('instId'));
    if (!this.state.engine.instrument(instId)) fail(itemErrors.instrument());
    const tdMode = str(it.tdMode);
    if (!tdMode) fail(itemErrors.paramEmpty('tdMode'));
    if (tdMode !== 'cross') fail(itemErrors.tdMode());
    const side = it.side;
    if (side !== 'buy' && side !== 'sell') fail(itemErrors.param('side'));
    const posSide = it.posSide;
    // Net mode: posSide omitted or "net" (okx.md §6 position-mode matrix).
    if (posSide !== undefined && posSide !== '' && posSide !== 'net') fail(itemErrors.posSideInNetMode());
    const ordType = it.ordType;
    if (!isOkxOrdType(ordType)) fail(itemErrors.param('ordType'));
    const sz = decimal(it.sz);
    if (it.sz === undefined || it.sz === '') fail(itemErrors.paramEmpty('sz'));
    if (!sz) fail(itemErrors.param('sz'));
    let px: Decimal | undefined;
    if (ordType !== 'market') {
      if (it.px === undefined || it.px === '') fail(itemErrors.paramEmpty('px'));
      px = decimal(it.px);
      if (!px) fail(itemErrors.param('px'));
    }
    const reduceOnly = it.reduceOnly === undefined ? false : bool(it.reduceOnly);
    if (reduceOnly === undefined) fail(itemErrors.param('reduceOnly'));
    if (clOrdId !== '' && !CL_ORD_ID.test(clOrdId)) fail(itemErrors.param('clOrdId'));
    if (tag !== '' && !TAG.test(tag)) fail(itemErrors.param('tag'));
    if (clOrdId !== '' && this.pendingByClOrdId(clOrdId)) fail(itemErrors.duplicateClOrdId());
    const injected = this.state.faults.takeOrderRejection({
      type: ordType,
      instrumentName: instId,
      direction: side,
      reduceOnly,
      label: clOrdId,
    });
    if (injected) fail(injectedToItem(injected));
    const tif: PortTimeInForce = ordType === 'post_only' ? 'post_only' : ordType === 'fok' ? 'fok' : ordType === 'ioc' ? 'ioc' : 'gtc';
    const order = this.state.engine.placeOrder(
      { instrument: instId, side, type: ordType === 'market' ? 'market' : 'limit', timeInForce: tif, amount: sz, price: px, reduceOnly },
      this.now,
    );
    this.state.orderMeta.set(order.orderId, { clOrdId, tag, tdMode, ordType: ordType as OkxOrdType, algoClOrdId: '', source: '' });
    return order;
  }

  private pendingByClOrdId(clOrdId: string): PortOrder | undefined {
    return this.state.engine.openOrders().find((o) => this.state.orderMeta.get(o.orderId)?.clOrdId === clOrdId);
  }

  /** The order named by `ordId` (wins) or `clOrdId` (the latest with that id). */
  private findOrder(instId: string | undefined, ordId: string | undefined, clOrdId: string | undefined): PortOrder | undefined {
    if (ordId) {
      const o = this.state.engine.order(ordId);
      return o && (!instId || o.instrument === instId) ? o : undefined;
    }
    if (!clOrdId) return undefined;
    let found: string | undefined;
    for (const [id, meta] of this.state.orderMeta) if (meta.clOrdId === clOrdId) found = id;
    const o = found === undefined ? undefined : this.state.engine.order(found);
    return o && (!instId || o.instrument === instId) ? o : undefined;
  }

  private cancelOrders(req: RestRequest, batch: boolean): JsonObject {
    const items = this.items(req.body, batch, 20);
    const byInst = new Map<string, number>();
    for (const it of items) byInst.set(String(it.instId ?? ''), (byInst.get(String(it.instId ?? '')) ?? 0) + 1);
    for (const [instId, count] of byInst) {
      if (batch && items.length > 1) this.limit('batchCancel', this.uidAxis(instId), count);
      else this.limit('cancel', this.uidAxis(instId));
    }
    const results: JsonObject[] = [];
    for (const it of items) {
      const ordId = str(it.ordId);
      const clOrdId = str(it.clOrdId);
      try {
        wsInstrumentCheck(it);
        const instId = str(it.instId);
        if (!instId) fail(itemErrors.paramEmpty('instId'));
        if (!this.state.engine.instrument(instId)) fail(itemErrors.instrument());
        if (!ordId && !clOrdId) fail(itemErrors.paramEmpty('ordId'));
        const order = this.findOrder(instId, ordId, clOrdId);
        if (!order) fail(itemErrors.cancelFinished());
        const done = this.state.engine.cancelOrder(order.orderId, 'user_request', this.now);
        results.push(cancelItem(done.orderId, metaOfOrder(this.state, done).clOrdId, this.now));
      } catch (e) {
        const err = e instanceof PortRejection ? itemErrors.cancelFinished() : this.itemErrorOf(e);
        results.push(cancelItem(ordId ?? '', clOrdId ?? '', this.now, err));
      }
    }
    return itemsEnvelope(results, req.receivedAt, this.now);
  }

  private amendOrder(req: RestRequest): JsonObject {
    const it = this.items(req.body, false, 1)[0] ?? {};
    const instId = str(it.instId) ?? '';
    this.limit('amend', this.uidAxis(instId));
    const ordId = str(it.ordId);
    const clOrdId = str(it.clOrdId);
    const reqId = str(it.reqId) ?? '';
    let result: JsonObject;
    try {
      wsInstrumentCheck(it);
      if (!instId) fail(itemErrors.paramEmpty('instId'));
      if (!this.state.engine.instrument(instId)) fail(itemErrors.instrument());
      if (!ordId && !clOrdId) fail(itemErrors.paramEmpty('ordId'));
      const newSz = it.newSz === undefined || it.newSz === '' ? undefined : decimal(it.newSz);
      const newPx = it.newPx === undefined || it.newPx === '' ? undefined : decimal(it.newPx);
      if (it.newSz !== undefined && it.newSz !== '' && !newSz) fail(itemErrors.param('newSz'));
      if (it.newPx !== undefined && it.newPx !== '' && !newPx) fail(itemErrors.param('newPx'));
      if (!newSz && !newPx) fail(itemErrors.paramEmpty('newSz or newPx'));
      const order = this.findOrder(instId, ordId, clOrdId);
      if (!order) fail(itemErrors.amendFinished());
      try {
        this.state.engine.amendOrder({ orderId: order.orderId, newAmount: newSz, newPrice: newPx }, this.now);
      } catch (e) {
        if (e instanceof PortRejection && (e.reason === 'not_open_order' || e.reason === 'order_not_found'))
          fail(itemErrors.amendFinished());
        throw e;
      }
      this.state.pendingAmends.set(order.orderId, reqId);
      result = amendItem(order.orderId, metaOfOrder(this.state, order).clOrdId, reqId, this.now);
    } catch (e) {
      result = amendItem(ordId ?? '', clOrdId ?? '', reqId, this.now, this.itemErrorOf(e));
    }
    return itemsEnvelope([result], req.receivedAt, this.now);
  }

  private closePosition(req: RestRequest): JsonObject {
    const body = obj(req.body);
    if (!body) throw requestErrors.badJson();
    const instId = str(body.instId);
    if (!instId) throw requestErrors.paramEmpty('instId');
    this.limit('closePosition', this.uidAxis(instId));
    if (!this.state.engine.instrument(instId)) throw requestErrors.instrumentMissing();
    const mgnMode = str(body.mgnMode);
    if (!mgnMode) throw requestErrors.paramEmpty('mgnMode');
    if (mgnMode !== 'cross') throw requestErrors.param('mgnMode');
    const posSide = body.posSide;
    if (posSide !== undefined && posSide !== '' && posSide !== 'net') throw requestErrors.param('posSide');
    const clOrdId = typeof body.clOrdId === 'string' ? body.clOrdId : '';
    const tag = typeof body.tag === 'string' ? body.tag : '';
    if (clOrdId !== '' && !CL_ORD_ID.test(clOrdId)) throw requestErrors.param('clOrdId');
    const pos = this.state.engine.position(instId);
    if (!pos || pos.size.isZero()) throw new OkxError('51023', 'Position does not exist.');
    const closers = this.state.engine.openOrders(instId).filter((o) => o.reduceOnly);
    if (closers.length > 0) {
      if (bool(body.autoCxl) !== true) throw new OkxError('51000', 'Close-position orders are pending; cancel them or set autoCxl to true');
      for (const o of closers) this.state.engine.cancelOrder(o.orderId, 'user_request', this.now);
    }
    const order = this.state.engine.placeOrder(
      {
        instrument: instId,
        side: pos.size.isPositive() ? 'sell' : 'buy',
        type: 'market',
        timeInForce: 'gtc',
        amount: pos.size.abs(),
        price: undefined,
        reduceOnly: true,
      },
      this.now,
    );
    this.state.orderMeta.set(order.orderId, { clOrdId, tag, tdMode: 'cross', ordType: 'market', algoClOrdId: '', source: '' });
    return okEnvelope([{ clOrdId, instId, posSide: 'net', tag }]);
  }

  // ---- algo orders ----------------------------------------------------------------------------

  private leg(body: Record<string, unknown>, prefix: 'tp' | 'sl'): PortAlgoLeg | undefined {
    const raw = body[`${prefix}TriggerPx`];
    if (raw === undefined || raw === '') return undefined;
    const triggerPrice = decimal(raw);
    if (!triggerPrice) fail(itemErrors.param(`${prefix}TriggerPx`));
    const ordPxRaw = body[`${prefix}OrdPx`];
    if (ordPxRaw === undefined || ordPxRaw === '') fail(itemErrors.paramEmpty(`${prefix}OrdPx`));
    const orderPrice = ordPxRaw === '-1' ? undefined : decimal(ordPxRaw);
    if (ordPxRaw !== '-1' && !orderPrice) fail(itemErrors.param(`${prefix}OrdPx`));
    const refRaw = body[`${prefix}TriggerPxType`];
    const triggerRef = refRaw === undefined || refRaw === '' ? 'last' : refRaw;
    if (triggerRef !== 'last' && triggerRef !== 'index' && triggerRef !== 'mark') fail(itemErrors.param(`${prefix}TriggerPxType`));
    return { triggerPrice, triggerRef, orderPrice };
  }

  private placeAlgo(req: RestRequest): JsonObject {
    const body = obj(req.body);
    if (!body) throw requestErrors.badJson();
    const instId = str(body.instId) ?? '';
    this.limit('algo', this.uidAxis(instId));
    const algoClOrdId = typeof body.algoClOrdId === 'string' ? body.algoClOrdId : '';
    const tag = typeof body.tag === 'string' ? body.tag : '';
    let result: JsonObject;
    try {
      if (!instId) fail(itemErrors.paramEmpty('instId'));
      if (!this.state.engine.instrument(instId)) fail(itemErrors.instrument());
      const tdMode = str(body.tdMode);
      if (!tdMode) fail(itemErrors.paramEmpty('tdMode'));
      if (tdMode !== 'cross') fail(itemErrors.tdMode());
      const side = body.side;
      if (side !== 'buy' && side !== 'sell') fail(itemErrors.param('side'));
      if (body.posSide !== undefined && body.posSide !== '' && body.posSide !== 'net') fail(itemErrors.posSideInNetMode());
      const ordType = body.ordType;
      if (ordType !== 'conditional' && ordType !== 'oco') fail(itemErrors.param('ordType'));
      if (algoClOrdId !== '' && !CL_ORD_ID.test(algoClOrdId)) fail(itemErrors.param('algoClOrdId'));
      if (tag !== '' && !TAG.test(tag)) fail(itemErrors.param('tag'));
      if (algoClOrdId !== '' && this.state.engine.openAlgos().some((a) => this.state.algoMeta.get(a.algoId)?.algoClOrdId === algoClOrdId)) {
        fail(itemError('51016', 'Duplicated client order ID'));
      }
      const reduceOnly = body.reduceOnly === undefined ? false : bool(body.reduceOnly);
      if (reduceOnly === undefined) fail(itemErrors.param('reduceOnly'));
      const cxlOnClosePos = body.cxlOnClosePos === undefined ? false : bool(body.cxlOnClosePos);
      if (cxlOnClosePos === undefined) fail(itemErrors.param('cxlOnClosePos'));
      if (cxlOnClosePos && !reduceOnly) fail(itemErrors.param('cxlOnClosePos'));
      const closeFraction = str(body.closeFraction);
      let amount: Decimal | undefined;
      if (closeFraction !== undefined) {
        if (closeFraction !== '1') fail(itemErrors.param('closeFraction'));
        if (!reduceOnly) fail(itemErrors.param('reduceOnly'));
      } else {
        if (body.sz === undefined || body.sz === '') fail(itemErrors.paramEmpty('sz'));
        amount = decimal(body.sz);
        if (!amount) fail(itemErrors.param('sz'));
      }
      let tp = this.leg(body, 'tp');
      const sl = this.leg(body, 'sl');
      if (!tp && !sl) fail(itemErrors.paramEmpty('slTriggerPx'));
      if (ordType === 'oco' && (!tp || !sl)) fail(itemErrors.paramEmpty(tp ? 'slTriggerPx' : 'tpTriggerPx'));
      // `conditional` with both legs honours only the SL (okx.md §6, pitfall 12).
      if (ordType === 'conditional' && tp && sl) tp = undefined;
      const injected = this.state.faults.takeOrderRejection({
        type: ordType,
        instrumentName: instId,
        direction: side,
        reduceOnly,
        label: algoClOrdId,
      });
      if (injected) fail(injectedToItem(injected));
      const algo = this.state.engine.placeAlgo(
        {
          instrument: instId,
          side,
          amount,
          closeWholePosition: closeFraction === '1',
          reduceOnly,
          cancelOnPositionClose: cxlOnClosePos,
          takeProfit: tp,
          stopLoss: sl,
        },
        this.now,
      );
      this.state.algoMeta.set(algo.algoId, { algoClOrdId, tag, tdMode, ordType, closeFraction: closeFraction ?? '' });
      result = algoItem(algo.algoId, algoClOrdId, tag);
    } catch (e) {
      result = algoItem('', algoClOrdId, tag, this.itemErrorOf(e));
    }
    return itemsEnvelope([result], undefined, this.now);
  }

  private cancelAlgos(req: RestRequest): JsonObject {
    const items = this.items(req.body, true, 10);
    for (const it of items) this.limit('cancelAlgo', this.uidAxis(String(it.instId ?? '')));
    const results: JsonObject[] = [];
    for (const it of items) {
      let algoId = str(it.algoId);
      const algoClOrdId = str(it.algoClOrdId);
      try {
        const instId = str(it.instId);
        if (!instId) fail(itemErrors.paramEmpty('instId'));
        if (!algoId && algoClOrdId) {
          for (const [id, meta] of this.state.algoMeta) if (meta.algoClOrdId === algoClOrdId) algoId = id;
        }
        if (!algoId) fail(algoClOrdId ? itemErrors.algoNotFound() : itemErrors.paramEmpty('algoId'));
        const algo = this.state.engine.algo(algoId);
        if (!algo || algo.instrument !== instId) fail(itemErrors.algoNotFound());
        this.state.engine.cancelAlgo(algoId, this.now);
        const meta = metaOfAlgo(this.state, algoId);
        results.push({ algoClOrdId: meta.algoClOrdId, algoId, clOrdId: meta.algoClOrdId, sCode: '0', sMsg: '', tag: meta.tag });
      } catch (e) {
        const err = e instanceof PortRejection ? itemErrors.algoNotFound() : this.itemErrorOf(e);
        results.push({
          algoClOrdId: algoClOrdId ?? '',
          algoId: algoId ?? '',
          clOrdId: algoClOrdId ?? '',
          sCode: err.sCode,
          sMsg: err.sMsg,
          tag: '',
        });
      }
    }
    return itemsEnvelope(results, undefined, this.now);
  }

  /** Dead-man switch: `timeOut` "0" disables, 10–120 s arms (re-arms) it (okx.md §7). */
  private cancelAllAfter(req: RestRequest): JsonObject {
    const body = obj(req.body);
    if (!body) throw requestErrors.badJson();
    const tag = typeof body.tag === 'string' ? body.tag : '';
    this.limit('cancelAllAfter', this.uidAxis(tag));
    const raw = body.timeOut;
    if (raw === undefined || raw === '') throw requestErrors.paramEmpty('timeOut');
    if (typeof raw !== 'string' || !/^\d+$/.test(raw)) throw requestErrors.param('timeOut');
    const timeOut = Number(raw);
    if (timeOut !== 0 && (timeOut < 10 || timeOut > 120)) throw requestErrors.param('timeOut');
    if (tag !== '') throw new OkxError('51000', 'Parameter tag error: the simulator supports account-level cancel-all-after only', 400);
    const nowSec = Math.floor(this.now / 1000);
    if (this.caaTimer) clearTimeout(this.caaTimer);
    this.caaTimer = undefined;
    this.caaTriggerSec = 0;
    if (timeOut > 0) {
      this.caaTriggerSec = nowSec + timeOut;
      this.caaTimer = setTimeout(() => this.fireCancelAllAfter(), timeOut * 1000 * this.state.config.timeScale);
    }
    return okEnvelope([{ triggerTime: String(this.caaTriggerSec), tag, ts: String(nowSec) }]);
  }

  private fireCancelAllAfter(): void {
    this.caaTimer = undefined;
    this.caaTriggerSec = 0;
    for (const o of this.state.engine.openOrders()) {
      try {
        this.state.engine.cancelOrder(o.orderId, 'disconnect', this.now);
      } catch (e) {
        if (!(e instanceof PortRejection)) throw e;
      }
    }
  }

  // ---- reads ----------------------------------------------------------------------------------

  private orderRest(o: PortOrder): JsonObject | undefined {
    const inst = this.state.engine.instrument(o.instrument);
    if (!inst) return undefined;
    const lastFill = this.state.engine.fills({ orderId: o.orderId })[0];
    return orderRecordRest(o, metaOfOrder(this.state, o), inst, this.state.engine.leverage(o.instrument), lastFill);
  }

  private ordersPending(req: RestRequest): JsonObject {
    this.limit('readOrders', this.uidAxis());
    const instType = req.query.get('instType');
    const instId = req.query.get('instId');
    const ordType = req.query.get('ordType');
    const st = req.query.get('state');
    const limit = Math.min(Number(req.query.get('limit') ?? '100') || 100, 100);
    if (instType && instType !== 'SWAP') return okEnvelope([]);
    const list = [...this.state.engine.openOrders(instId ?? undefined)]
      .reverse()
      .map((o) => this.orderRest(o))
      .filter((r): r is JsonObject => r !== undefined && (!ordType || r.ordType === ordType) && (!st || r.state === st))
      .slice(0, limit);
    return okEnvelope(list);
  }

  private algosPending(req: RestRequest): JsonObject {
    this.limit('readAlgos', this.uidAxis());
    const ordType = req.query.get('ordType');
    if (!ordType) throw requestErrors.paramEmpty('ordType');
    const types = ordType.split(',');
    const instId = req.query.get('instId');
    const algoId = req.query.get('algoId');
    const out: Json[] = [];
    for (const a of [...this.state.engine.openAlgos(instId ?? undefined)].reverse()) {
      const meta = metaOfAlgo(this.state, a.algoId);
      if (!types.includes(meta.ordType) || (algoId && a.algoId !== algoId)) continue;
      const t = this.state.engine.ticker(a.instrument, this.now);
      out.push(algoRecordRest(a, meta, this.state.engine.leverage(a.instrument), t.last ?? t.mark, failCodeOf(a)));
    }
    return okEnvelope(out);
  }

  /** `orders-algo-history`: finished algos (effective, canceled, order_failed), by `algoId` or by `state`; `ordType` required (okx.md §8). */
  private algosHistory(req: RestRequest): JsonObject {
    this.limit('readAlgos', this.uidAxis());
    const ordType = req.query.get('ordType');
    if (!ordType) throw requestErrors.paramEmpty('ordType');
    const types = ordType.split(',');
    const algoId = req.query.get('algoId');
    const state = req.query.get('state');
    if (!algoId && !state) throw requestErrors.paramEmpty('state');
    const instId = req.query.get('instId');
    const open = new Set(this.state.engine.openAlgos().map((a) => a.algoId));
    const out: Json[] = [];
    for (const id of [...this.state.algoMeta.keys()].reverse()) {
      if ((algoId && id !== algoId) || open.has(id)) continue;
      const a = this.state.engine.algo(id);
      if (!a || (instId && a.instrument !== instId)) continue;
      const meta = metaOfAlgo(this.state, id);
      if (!types.includes(meta.ordType)) continue;
      const t = this.state.engine.ticker(a.instrument, this.now);
      const record = algoRecordRest(a, meta, this.state.engine.leverage(a.instrument), t.last ?? t.mark, failCodeOf(a));
      if (state && record.state !== state) continue;
      out.push(record);
    }
    return okEnvelope(out);
  }

  private getOrder(req: RestRequest): JsonObject {
    const instId = req.query.get('instId');
    if (!instId) throw requestErrors.paramEmpty('instId');
    this.limit('readOrder', this.uidAxis(instId));
    if (!this.state.engine.instrument(instId)) throw requestErrors.instrumentMissing();
    const ordId = req.query.get('ordId') ?? undefined;
    const clOrdId = req.query.get('clOrdId') ?? undefined;
    if (!ordId && !clOrdId) throw requestErrors.paramEmpty('ordId');
    const o = this.findOrder(instId, ordId, clOrdId);
    const rec = o ? this.orderRest(o) : undefined;
    if (!rec) throw requestErrors.orderNotFound();
    return okEnvelope([rec]);
  }

  private fills(req: RestRequest): JsonObject {
    this.limit('readFills', this.uidAxis());
    const instType = req.query.get('instType');
    if (instType && instType !== 'SWAP') return okEnvelope([]);
    const limit = Math.min(Number(req.query.get('limit') ?? '100') || 100, 100);
    const list = this.state.engine
      .fills({ instrument: req.query.get('instId') ?? undefined, orderId: req.query.get('ordId') ?? undefined })
      .slice(0, limit);
    const out: Json[] = [];
    for (const f of list) {
      const inst = this.state.engine.instrument(f.instrument);
      const order = this.state.engine.order(f.orderId);
      if (!inst || !order) continue;
      out.push(fillRecord(f, metaOfOrder(this.state, order), inst, String(680800019754098688n + BigInt(f.tradeId))));
    }
    return okEnvelope(out);
  }
}
