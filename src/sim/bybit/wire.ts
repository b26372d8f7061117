/**
 * Pure formatting of Bybit v5 wire records and envelopes from engine-port values: numbers as JSON
 * strings (prices at the symbol's `priceScale`, quantities at its `qtyStep`), `""` for unset fields,
 * key sets as in `venues/fixtures/bybit/` (bybit.md §2, §5, §8). REST and WS differ where the venue
 * does (`avgPrice` vs `entryPrice`, `"0.00"` vs `""` for unset prices, `UNKNOWN` vs `""`).
 */
import { Decimal } from '../../domain/decimal.js';
import type {
  PortCancelReason,
  PortCoinBalance,
  PortFill,
  PortInstrument,
  PortOrder,
  PortOrderKind,
  PortPosition,
  PortTicker,
  PortTriggerRef,
} from './engine-port.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Venue facts the engine does not keep, per order id. */
export interface OrderMeta {
  readonly orderLinkId: string;
  readonly category: 'linear' | 'inverse';
  readonly tpslMode: string;
  readonly tpTriggerBy: string;
  readonly slTriggerBy: string;
}

export type Form = 'rest' | 'ws';

// ---- numbers ---------------------------------------------------------------------------------------

/** Plain decimal string ("" when absent). */
export function num(value: Decimal | undefined): string {
  return value === undefined ? '' : value.toString();
}

/** `value` with exactly `scale` decimals (rounded half-up). */
export function fixed(value: Decimal, scale: number): string {
  const rounded = value.roundToStep(scale === 0 ? '1' : `0.${'0'.repeat(scale - 1)}1`, 'half-up');
  const s = rounded.toString();
  if (scale === 0) return s;
  const dot = s.indexOf('.');
  if (dot < 0) return `${s}.${'0'.repeat(scale)}`;
  return s + '0'.repeat(scale - (s.length - dot - 1));
}

export function decimalsOf(d: Decimal): number {
  const s = d.toString();
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

export function px(inst: PortInstrument, value: Decimal): string {
  return fixed(value, inst.priceScale);
}

export function qty(inst: PortInstrument, value: Decimal): string {
  return fixed(value, decimalsOf(inst.qtyStep));
}

/** ms → "1700000000000". */
export function ms(value: number): string {
  return String(Math.trunc(value));
}

/** Value in the settle coin: linear qty × price, inverse qty / price. */
export function valueOf(inst: PortInstrument, amount: Decimal, price: Decimal | undefined): Decimal {
  if (price === undefined || !price.isPositive()) return Decimal.ZERO;
  return inst.category === 'linear' ? amount.times(price) : amount.div(price, 8, 'half-up');
}

// ---- enums -----------------------------------------------------------------------------------------

export const TRIGGER_BY: Readonly<Record<PortTriggerRef, string>> = { last: 'LastPrice', mark: 'MarkPrice', index: 'IndexPrice' };

export function triggerRefOf(text: unknown): PortTriggerRef | undefined {
  if (text === 'LastPrice') return 'last';
  if (text === 'MarkPrice') return 'mark';
  if (text === 'IndexPrice') return 'index';
  return undefined;
}

/**
 * Neutral state → `orderStatus` (bybit.md §5). A conditional / TP / SL order cancelled before it fired
 * is `Deactivated`; a derivatives order cancelled after a partial fill stays `Cancelled` with its
 * `cumExecQty` (`PartiallyFilledCanceled` is spot only, bybit.md §5).
 */
export function orderStatus(o: PortOrder): string {
  switch (o.state) {
    case 'untriggered':
      return 'Untriggered';
    case 'triggered':
      return 'Triggered';
    case 'open':
      return 'New';
    case 'partially_filled':
      return 'PartiallyFilled';
    case 'filled':
      return 'Filled';
    case 'rejected':
      return 'Rejected';
    case 'cancelled':
      return o.kind !== 'order' && !o.triggered ? 'Deactivated' : 'Cancelled';
  }
}

export function cancelType(o: PortOrder): string {
  if (o.state !== 'cancelled') return 'UNKNOWN';
  const reason: PortCancelReason | undefined = o.cancelReason;
  switch (reason) {
    case 'user_request':
      return 'CancelByUser';
    case 'reduce_only':
      return 'CancelByReduceOnly';
    case 'position_closed':
    case 'oco_sibling':
      return 'CancelByTpSlTsClear';
    case 'settlement':
      return 'CancelBySettle';
    case 'disconnect':
      return 'CancelByDCP';
    case 'unfilled_remainder':
    case 'expired':
    case 'post_only':
    case undefined:
      return 'UNKNOWN';
  }
}

function rejectReason(o: PortOrder): string {
  if (o.state === 'cancelled' && o.cancelReason === 'post_only') return 'EC_PostOnlyWillTakeLiquidity';
  if (o.state === 'rejected') return o.rejectReason === 'reduce_only_would_increase' ? 'EC_ReduceOnlyOrderRejected' : 'EC_Others';
  return 'EC_NoError';
}

const STOP_ORDER_TYPE: Readonly<Record<PortOrderKind, string>> = {
  order: '',
  conditional: 'Stop',
  take_profit: 'TakeProfit',
  stop_loss: 'StopLoss',
};

export function stopOrderType(kind: PortOrderKind, form: Form): string {
  const t = STOP_ORDER_TYPE[kind];
  return t === '' && form === 'rest' ? 'UNKNOWN' : t;
}

function createType(kind: PortOrderKind): string {
  if (kind === 'take_profit') return 'CreateByTakeProfit';
  if (kind === 'stop_loss') return 'CreateByStopLoss';
  return 'CreateByUser';
}

const TIF: Readonly<Record<PortOrder['timeInForce'], string>> = { gtc: 'GTC', ioc: 'IOC', fok: 'FOK', post_only: 'PostOnly' };

function side(s: 'buy' | 'sell'): string {
  return s === 'buy' ? 'Buy' : 'Sell';
}

// ---- records ---------------------------------------------------------------------------------------

/** Unset price: REST `"0.00"` (at the symbol's scale), WS `""`. */
function optPx(inst: PortInstrument, value: Decimal | undefined, form: Form): string {
  if (value !== undefined) return px(inst, value);
  return form === 'rest' ? px(inst, Decimal.ZERO) : '';
}

function feeDetail(inst: PortInstrument, fee: Decimal): JsonObject {
  return fee.isZero() ? {} : { [inst.settleCoin]: fee.toString() };
}

/** The fields every order record shares; callers pick the key set of their endpoint. */
function orderFields(o: PortOrder, meta: OrderMeta, inst: PortInstrument, form: Form): Record<string, Json> {
  const open = o.state === 'open' || o.state === 'partially_filled' || o.state === 'untriggered' || o.state === 'triggered';
  const leaves = open ? Decimal.max(Decimal.ZERO, o.qty.minus(o.filledQty)) : Decimal.ZERO;
  const trig = o.trigger;
  const hasTp = o.takeProfit !== undefined || o.stopLoss !== undefined;
  const priceText = o.price !== undefined ? px(inst, o.price) : form === 'rest' ? '0' : '';
  return {
    orderId: o.orderId,
    orderLinkId: meta.orderLinkId,
    blockTradeId: '',
    symbol: o.instrument,
    price: priceText,
    qty: qty(inst, o.qty),
    side: side(o.side),
    isLeverage: '',
    positionIdx: 0,
    orderStatus: orderStatus(o),
    cancelType: cancelType(o),
    rejectReason: rejectReason(o),
    avgPrice: o.averagePrice !== undefined ? num(o.averagePrice) : form === 'rest' ? '0' : '',
    leavesQty: qty(inst, leaves),
    leavesValue: num(valueOf(inst, leaves, o.price)),
    cumExecQty: qty(inst, o.filledQty),
    cumExecValue: num(o.filledValue),
    cumExecFee: num(o.fee),
    timeInForce: TIF[o.timeInForce],
    orderType: o.type === 'market' ? 'Market' : 'Limit',
    stopOrderType: stopOrderType(o.kind, form),
    orderIv: '',
    triggerPrice: optPx(inst, trig?.price, form),
    takeProfit: optPx(inst, o.takeProfit, form),
    stopLoss: optPx(inst, o.stopLoss, form),
    tpTriggerBy: hasTp ? meta.tpTriggerBy : form === 'rest' ? 'UNKNOWN' : '',
    slTriggerBy: hasTp ? meta.slTriggerBy : form === 'rest' ? 'UNKNOWN' : '',
    triggerDirection: trig ? (trig.direction === 'rising' ? 1 : 2) : 0,
    triggerBy: trig ? (TRIGGER_BY[trig.ref] ?? '') : form === 'rest' ? 'UNKNOWN' : '',
    lastPriceOnCreated: '',
    reduceOnly: o.reduceOnly,
    closeOnTrigger: o.closeOnTrigger,
    smpType: 'None',
    smpGroup: 0,
    smpOrderId: '',
    tpslMode: hasTp || o.kind === 'take_profit' || o.kind === 'stop_loss' ? meta.tpslMode || 'Full' : '',
    tpLimitPrice: '',
    slLimitPrice: '',
    placeType: '',
    createdTime: ms(o.createdAt),
    updatedTime: ms(o.updatedAt),
    cumFeeDetail: feeDetail(inst, o.fee),
    createType: createType(o.kind),
    closedPnl: num(o.pnl),
    category: meta.category,
  };
}

function pick(source: Record<string, Json>, keys: readonly string[], extra: Record<string, Json> = {}): JsonObject {
  const out: JsonObject = {};
  for (const k of keys) {
    const v = k in extra ? extra[k] : source[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** `GET /v5/order/realtime` row (fixture `http_get_order_realtime.json`). */
const REALTIME_KEYS = [
  'orderId',
  'orderLinkId',
  'blockTradeId',
  'symbol',
  'price',
  'qty',
  'side',
  'isLeverage',
  'positionIdx',
  'orderStatus',
  'cancelType',
  'rejectReason',
  'avgPrice',
  'leavesQty',
  'leavesValue',
  'cumExecQty',
  'cumExecValue',
  'cumExecFee',
  'timeInForce',
  'orderType',
  'stopOrderType',
  'orderIv',
  'triggerPrice',
  'takeProfit',
  'stopLoss',
  'tpTriggerBy',
  'slTriggerBy',
  'triggerDirection',
  'triggerBy',
  'lastPriceOnCreated',
  'reduceOnly',
  'closeOnTrigger',
  'smpType',
  'smpGroup',
  'smpOrderId',
  'tpslMode',
  'tpLimitPrice',
  'slLimitPrice',
  'placeType',
  'createdTime',
  'updatedTime',
  'cumFeeDetail',
] as const;

/** `GET /v5/order/history` row (fixture `http_get_order_history.json`): the realtime keys plus a few. */
const HISTORY_KEYS = [
  ...REALTIME_KEYS.slice(0, REALTIME_KEYS.indexOf('placeType') + 1),
  'slippageToleranceType',
  'slippageTolerance',
  'createdTime',
  'updatedTime',
  'extraFees',
  'cumFeeDetail',
  'rpiTakerAccess',
  'rpiMatchedQty',
] as const;

/** `order` push row (fixture `ws_push_order.json`, plus `createType` as bybit.md §5's linear example has). */
const PUSH_KEYS = [
  'category',
  'symbol',
  'orderId',
  'side',
  'orderType',
  'cancelType',
  'price',
  'qty',
  'orderIv',
  'timeInForce',
  'orderStatus',
  'orderLinkId',
  'lastPriceOnCreated',
  'reduceOnly',
  'leavesQty',
  'leavesValue',
  'cumExecQty',
  'cumExecValue',
  'avgPrice',
  'blockTradeId',
  'positionIdx',
  'cumExecFee',
  'closedPnl',
  'createdTime',
  'updatedTime',
  'rejectReason',
  'stopOrderType',
  'tpslMode',
  'triggerPrice',
  'takeProfit',
  'stopLoss',
  'tpTriggerBy',
  'slTriggerBy',
  'tpLimitPrice',
  'slLimitPrice',
  'triggerDirection',
  'triggerBy',
  'closeOnTrigger',
  'placeType',
  'smpType',
  'smpGroup',
  'smpOrderId',
  'feeCurrency',
  'cumFeeDetail',
  'rpiTakerAccess',
  'rpiMatchedQty',
  'createType',
] as const;

export function orderRecordRealtime(o: PortOrder, meta: OrderMeta, inst: PortInstrument): JsonObject {
  return pick(orderFields(o, meta, inst, 'rest'), REALTIME_KEYS);
}

export function orderRecordHistory(o: PortOrder, meta: OrderMeta, inst: PortInstrument): JsonObject {
  return pick(orderFields(o, meta, inst, 'rest'), HISTORY_KEYS, {
    slippageToleranceType: 'UNKNOWN',
    slippageTolerance: '',
    extraFees: '',
    rpiTakerAccess: false,
    rpiMatchedQty: '0',
  });
}

export function orderRecordPush(o: PortOrder, meta: OrderMeta, inst: PortInstrument): JsonObject {
  return pick(orderFields(o, meta, inst, 'ws'), PUSH_KEYS, { feeCurrency: '', rpiTakerAccess: false, rpiMatchedQty: '0' });
}

function execFields(f: PortFill, orderLinkId: string, inst: PortInstrument, form: Form): Record<string, Json> {
  return {
    category: inst.category,
    symbol: f.instrument,
    closedSize: qty(inst, f.closedQty),
    execFee: num(f.fee),
    execId: f.execId,
    execPrice: px(inst, f.price),
    execQty: qty(inst, f.qty),
    execType: 'Trade',
    execValue: num(f.value),
    feeRate: num(f.feeRate),
    tradeIv: '',
    markIv: '',
    blockTradeId: '',
    markPrice: px(inst, f.mark),
    indexPrice: '',
    underlyingPrice: '',
    leavesQty: qty(inst, f.leavesQty),
    orderId: f.orderId,
    orderLinkId,
    orderPrice: f.orderPrice !== undefined ? px(inst, f.orderPrice) : '',
    orderQty: qty(inst, f.orderQty),
    orderType: f.orderType === 'market' ? 'Market' : 'Limit',
    stopOrderType: f.orderKind === 'order' ? 'UNKNOWN' : stopOrderType(f.orderKind, form),
    side: side(f.side),
    execTime: ms(f.timestamp),
    isLeverage: '0',
    isMaker: f.isMaker,
    seq: f.seq,
    marketUnit: '',
    execPnl: num(f.pnl),
    createType: createType(f.orderKind),
    extraFees: form === 'ws' ? [] : '',
    feeCurrency: inst.settleCoin,
  };
}

const EXEC_PUSH_KEYS = [
  'category',
  'symbol',
  'closedSize',
  'execFee',
  'execId',
  'execPrice',
  'execQty',
  'execType',
  'execValue',
  'feeRate',
  'tradeIv',
  'markIv',
  'blockTradeId',
  'markPrice',
  'indexPrice',
  'underlyingPrice',
  'leavesQty',
  'orderId',
  'orderLinkId',
  'orderPrice',
  'orderQty',
  'orderType',
  'stopOrderType',
  'side',
  'execTime',
  'isLeverage',
  'isMaker',
  'seq',
  'marketUnit',
  'execPnl',
  'createType',
  'extraFees',
  'feeCurrency',
] as const;

/** `GET /v5/execution/list` row (fixture `http_get_execution_list.json`). */
const EXEC_REST_KEYS = [
  'symbol',
  'orderType',
  'underlyingPrice',
  'orderLinkId',
  'side',
  'indexPrice',
  'orderId',
  'stopOrderType',
  'leavesQty',
  'execTime',
  'feeCurrency',
  'isMaker',
  'execFee',
  'feeRate',
  'execId',
  'tradeIv',
  'blockTradeId',
  'markPrice',
  'execPrice',
  'markIv',
  'orderQty',
  'orderPrice',
  'execValue',
  'execType',
  'execQty',
  'closedSize',
  'extraFees',
  'seq',
] as const;

export function execRecordPush(f: PortFill, orderLinkId: string, inst: PortInstrument): JsonObject {
  return pick(execFields(f, orderLinkId, inst, 'ws'), EXEC_PUSH_KEYS);
}

export function execRecordRest(f: PortFill, orderLinkId: string, inst: PortInstrument): JsonObject {
  return pick(execFields(f, orderLinkId, inst, 'rest'), EXEC_REST_KEYS);
}

/** `positionIdx` of a position row: 0 in one-way mode; in hedge mode 1 for the long side, 2 for the short side. */
export type PositionIdx = 0 | 1 | 2;

/** The row's `positionIdx` for the engine's net position: one-way 0; hedge 1 when long, 2 when short (a flat hedge row is given its idx). */
export function positionIdxOf(p: PortPosition, hedge: boolean, flatIdx: 1 | 2 = 1): PositionIdx {
  if (!hedge) return 0;
  if (p.size.isZero()) return flatIdx;
  return p.size.isPositive() ? 1 : 2;
}

function positionFields(p: PortPosition, inst: PortInstrument, form: Form, idx: PositionIdx): Record<string, Json> {
  const flat = p.size.isZero();
  const unsetStop = form === 'rest' ? px(inst, Decimal.ZERO) : '0';
  return {
    positionIdx: idx,
    riskId: 1,
    riskLimitValue: inst.category === 'linear' ? '2000000' : '150',
    symbol: p.instrument,
    side: flat ? '' : p.size.isPositive() ? 'Buy' : 'Sell',
    size: qty(inst, p.size.abs()),
    avgPrice: num(p.averagePrice),
    entryPrice: num(p.averagePrice),
    positionValue: num(p.value),
    tradeMode: 0,
    positionStatus: 'Normal',
    autoAddMargin: 0,
    adlRankIndicator: flat ? 0 : 2,
    leverage: String(p.leverage),
    breakEvenPrice: flat ? '0' : num(p.averagePrice),
    positionBalance: num(p.initialMargin),
    markPrice: px(inst, p.mark),
    liqPrice: p.liquidationPrice !== undefined ? px(inst, p.liquidationPrice) : '',
    bustPrice: '',
    positionMM: num(p.maintenanceMargin),
    positionMMByMp: num(p.maintenanceMargin),
    positionIM: num(p.initialMargin),
    positionIMByMp: num(p.initialMargin),
    tpslMode: 'Full',
    takeProfit: p.takeProfit !== undefined ? px(inst, p.takeProfit) : unsetStop,
    stopLoss: p.stopLoss !== undefined ? px(inst, p.stopLoss) : unsetStop,
    trailingStop: unsetStop,
    unrealisedPnl: num(p.unrealizedPnl),
    curRealisedPnl: num(p.curRealizedPnl),
    cumRealisedPnl: num(p.cumRealizedPnl),
    seq: p.seq,
    isReduceOnly: false,
    mmrSysUpdateTime: '',
    mmrSysUpdatedTime: '',
    leverageSysUpdatedTime: '',
    sessionAvgPrice: '',
    createdTime: ms(p.createdAt),
    updatedTime: ms(p.updatedAt),
    category: inst.category,
  };
}

/** `GET /v5/position/list` row (fixture `http_get_position_list.json`). */
const POSITION_REST_KEYS = [
  'positionIdx',
  'riskId',
  'riskLimitValue',
  'symbol',
  'side',
  'size',
  'avgPrice',
  'positionValue',
  'tradeMode',
  'positionStatus',
  'autoAddMargin',
  'adlRankIndicator',
  'leverage',
  'breakEvenPrice',
  'positionBalance',
  'markPrice',
  'liqPrice',
  'bustPrice',
  'positionMM',
  'positionMMByMp',
  'positionIM',
  'positionIMByMp',
  'tpslMode',
  'takeProfit',
  'stopLoss',
  'trailingStop',
  'unrealisedPnl',
  'curRealisedPnl',
  'cumRealisedPnl',
  'seq',
  'isReduceOnly',
  'mmrSysUpdateTime',
  'leverageSysUpdatedTime',
  'sessionAvgPrice',
  'createdTime',
  'updatedTime',
] as const;

/** `position` push row (fixture `ws_push_position.json`): `entryPrice` instead of `avgPrice`. */
const POSITION_PUSH_KEYS = [
  'positionIdx',
  'tradeMode',
  'riskId',
  'riskLimitValue',
  'symbol',
  'side',
  'size',
  'entryPrice',
  'leverage',
  'breakEvenPrice',
  'positionValue',
  'positionBalance',
  'markPrice',
  'positionIM',
  'positionIMByMp',
  'positionMM',
  'positionMMByMp',
  'takeProfit',
  'stopLoss',
  'trailingStop',
  'unrealisedPnl',
  'curRealisedPnl',
  'cumRealisedPnl',
  'sessionAvgPrice',
  'createdTime',
  'updatedTime',
  'tpslMode',
  'liqPrice',
  'bustPrice',
  'category',
  'positionStatus',
  'adlRankIndicator',
  'autoAddMargin',
  'leverageSysUpdatedTime',
  'mmrSysUpdatedTime',
  'seq',
  'isReduceOnly',
] as const;

export function positionRecordRest(p: PortPosition, inst: PortInstrument, idx: PositionIdx = 0): JsonObject {
  return pick(positionFields(p, inst, 'rest', idx), POSITION_REST_KEYS);
}

export function positionRecordPush(p: PortPosition, inst: PortInstrument, idx: PositionIdx = 0): JsonObject {
  return pick(positionFields(p, inst, 'ws', idx), POSITION_PUSH_KEYS);
}

/**
 * A `position/closed-pnl` row from the fills of one closing order (at least one, all with a
 * closed part). Linear: exit value Σ q·p, entry value = exit value ∓ gross P&L (a Sell closes a
 * long: entry = exit − P&L). Inverse (values in coin): exit value Σ q/p, entry value = exit value
 * ± gross P&L, prices harmonic (size / value).
 */
export function closedPnlRecord(fills: readonly PortFill[], inst: PortInstrument, leverage: number): JsonObject {
  const first = fills[0];
  if (first === undefined) throw new Error('closedPnlRecord needs at least one fill');
  let closed = Decimal.ZERO;
  let exitValue = Decimal.ZERO;
  let gross = Decimal.ZERO;
  let closeFee = Decimal.ZERO;
  let updated = first.timestamp;
  let created = first.timestamp;
  for (const f of fills) {
    const part = f.closedQty;
    closed = closed.plus(part);
    exitValue = exitValue.plus(inst.category === 'inverse' ? part.div(f.price, 18) : part.times(f.price));
    gross = gross.plus(f.pnl);
    closeFee = closeFee.plus(f.qty.isZero() ? Decimal.ZERO : f.fee.times(part).div(f.qty, 18));
    updated = Math.max(updated, f.timestamp);
    created = Math.min(created, f.timestamp);
  }
  // Linear: a Sell closes a long (gross = exit − entry); inverse in coin: a Sell closes a long (gross = entry − exit).
  const closesLong = first.side === 'sell';
  const entryValue =
    inst.category === 'inverse'
      ? closesLong
        ? exitValue.plus(gross)
        : exitValue.minus(gross)
      : closesLong
        ? exitValue.minus(gross)
        : exitValue.plus(gross);
  const avg = (value: Decimal): Decimal =>
    inst.category === 'inverse' ? (value.isZero() ? Decimal.ZERO : closed.div(value, 18)) : value.div(closed, 18);
  const orderQty = fills.reduce((m, f) => Decimal.max(m, f.orderQty), Decimal.ZERO);
  return {
    symbol: first.instrument,
    orderType: first.orderType === 'market' ? 'Market' : 'Limit',
    leverage: String(leverage),
    updatedTime: ms(updated),
    side: side(first.side),
    orderId: first.orderId,
    closedPnl: fixed(gross.minus(closeFee), 8),
    openFee: '0',
    closeFee: fixed(closeFee, 8),
    avgEntryPrice: px(inst, avg(entryValue)),
    qty: qty(inst, orderQty),
    cumEntryValue: fixed(entryValue, 8),
    createdTime: ms(created),
    orderPrice: first.orderPrice !== undefined ? px(inst, first.orderPrice) : '0',
    closedSize: qty(inst, closed),
    avgExitPrice: px(inst, avg(exitValue)),
    execType: 'Trade',
    fillCount: String(fills.length),
    cumExitValue: fixed(exitValue, 8),
  };
}

/** The UNIFIED account row (fixtures `http_get_account_wallet_balance.json`, `ws_push_wallet.json`). */
export function walletRecord(coins: readonly PortCoinBalance[]): JsonObject {
  let equity = Decimal.ZERO;
  let wallet = Decimal.ZERO;
  let available = Decimal.ZERO;
  let upl = Decimal.ZERO;
  let im = Decimal.ZERO;
  let mm = Decimal.ZERO;
  for (const c of coins) {
    equity = equity.plus(c.equity.times(c.usdPrice));
    wallet = wallet.plus(c.walletBalance.times(c.usdPrice));
    available = available.plus(c.available.times(c.usdPrice));
    upl = upl.plus(c.unrealizedPnl.times(c.usdPrice));
    im = im.plus(c.positionIM.times(c.usdPrice));
    mm = mm.plus(c.positionMM.times(c.usdPrice));
  }
  const usd = (d: Decimal): string => fixed(d, 8);
  const margin = wallet.plus(upl);
  const rate = (x: Decimal): string => (margin.isPositive() ? fixed(x.div(margin, 8), 4) : '0');
  return {
    totalEquity: usd(equity),
    accountIMRate: rate(im),
    accountIMRateByMp: rate(im),
    totalMarginBalance: usd(margin),
    totalInitialMargin: usd(im),
    totalInitialMarginByMp: usd(im),
    accountType: 'UNIFIED',
    totalAvailableBalance: usd(available),
    accountMMRate: rate(mm),
    accountMMRateByMp: rate(mm),
    totalPerpUPL: usd(upl),
    totalWalletBalance: usd(wallet),
    accountLTV: '0',
    totalMaintenanceMargin: usd(mm),
    totalMaintenanceMarginByMp: usd(mm),
    coin: coins.map(coinRecord),
  };
}

function coinRecord(c: PortCoinBalance): JsonObject {
  return {
    availableToBorrow: '',
    bonus: '0',
    accruedInterest: '0',
    availableToWithdraw: '',
    totalOrderIM: '0',
    equity: num(c.equity),
    totalPositionMM: num(c.positionMM),
    usdValue: fixed(c.equity.times(c.usdPrice), 8),
    spotHedgingQty: '0',
    unrealisedPnl: num(c.unrealizedPnl),
    collateralSwitch: true,
    borrowAmount: '0.0',
    totalPositionIM: num(c.positionIM),
    walletBalance: num(c.walletBalance),
    cumRealisedPnl: num(c.cumRealizedPnl),
    locked: '0',
    marginCollateral: true,
    coin: c.coin,
    spotBorrow: '0',
  };
}

/** instruments-info row (fixture `http_get_market_instruments_info_linear.json`; inverse rows in the same shape). */
export function instrumentRecord(inst: PortInstrument): JsonObject {
  const q = decimalsOf(inst.qtyStep);
  return {
    symbol: inst.name,
    symbolId: inst.id,
    contractType: inst.category === 'linear' ? 'LinearPerpetual' : 'InversePerpetual',
    status: 'Trading',
    baseCoin: inst.baseCoin,
    quoteCoin: inst.quoteCoin,
    launchTime: ms(inst.launchTime),
    deliveryTime: '0',
    deliveryFeeRate: '',
    priceScale: String(inst.priceScale),
    leverageFilter: { minLeverage: '1', maxLeverage: fixed(Decimal.from(inst.maxLeverage), 2), leverageStep: '0.01' },
    priceFilter: {
      minPrice: px(inst, inst.tickSize),
      maxPrice: px(inst, Decimal.from('1999999.8').roundToStep(inst.tickSize, 'floor')),
      tickSize: px(inst, inst.tickSize),
    },
    lotSizeFilter: {
      maxOrderQty: fixed(inst.maxLimitQty, q),
      minOrderQty: fixed(inst.minQty, q),
      qtyStep: fixed(inst.qtyStep, q),
      postOnlyMaxOrderQty: fixed(inst.maxLimitQty, q),
      maxMktOrderQty: fixed(inst.maxMarketQty, q),
      minNotionalValue: num(inst.minNotional ?? Decimal.ZERO),
    },
    unifiedMarginTrade: true,
    fundingInterval: 480,
    settleCoin: inst.settleCoin,
    copyTrading: inst.category === 'linear' ? 'both' : 'none',
    upperFundingRate: '0.00375',
    lowerFundingRate: '-0.00375',
    isPreListing: false,
    preListingInfo: null,
    riskParameters: { priceLimitRatioX: '0.01', priceLimitRatioY: '0.02' },
    symbolType: '',
  };
}

/** Full ticker (fixture `ws_push_tickers_linear_snapshot.json`); deltas carry the fields that changed. */
export function tickerRecord(t: PortTicker, inst: PortInstrument, nextFundingTime: number, tickDirection: string): JsonObject {
  const last = t.last ?? t.mark;
  const change = t.open24h.isPositive() ? last.minus(t.open24h).div(t.open24h, 6) : Decimal.ZERO;
  const turnover = inst.category === 'linear' ? t.volume24h.times(last) : t.volume24h.div(last.isPositive() ? last : Decimal.from(1), 8);
  return {
    symbol: inst.name,
    tickDirection,
    price24hPcnt: num(change),
    lastPrice: px(inst, last),
    prevPrice24h: px(inst, t.open24h),
    highPrice24h: px(inst, t.high24h),
    lowPrice24h: px(inst, t.low24h),
    prevPrice1h: px(inst, t.open24h),
    markPrice: px(inst, t.mark),
    indexPrice: px(inst, t.index),
    openInterest: num(t.openInterest),
    openInterestValue: fixed(inst.category === 'linear' ? t.openInterest.times(t.mark) : t.openInterest.div(t.mark, 8), 2),
    turnover24h: num(turnover),
    volume24h: num(t.volume24h),
    fundingIntervalHour: '8',
    fundingCap: '0.005',
    nextFundingTime: ms(nextFundingTime),
    fundingRate: num(t.fundingRate),
    bid1Price: t.bestBid !== undefined ? px(inst, t.bestBid) : '',
    bid1Size: qty(inst, t.bestBidSize),
    ask1Price: t.bestAsk !== undefined ? px(inst, t.bestAsk) : '',
    ask1Size: qty(inst, t.bestAskSize),
    preOpenPrice: '',
    preQty: '',
    curPreListingPhase: '',
  };
}

// ---- envelopes -------------------------------------------------------------------------------------

export function okEnvelope(result: JsonObject, time: number): JsonObject {
  return { retCode: 0, retMsg: 'OK', result, retExtInfo: {}, time };
}

export function errorEnvelope(retCode: number, retMsg: string, time: number): JsonObject {
  return { retCode, retMsg, result: {}, retExtInfo: {}, time };
}

/** Private-stream push envelope (`id`, `topic`, `creationTime`, `data[]`). */
export function privatePush(id: string, topic: string, creationTime: number, data: Json[]): JsonObject {
  return { id, topic, creationTime, data };
}
