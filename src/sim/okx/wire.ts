/**
 * Pure formatting of OKX v5 wire records and envelopes from engine-port values: every number a
 * JSON string, `""` for empty, key sets as in `venues/fixtures/okx/` (okx.md §5–§8).
 */
import { Decimal } from '../../domain/decimal.js';
import type {
  PortAlgo,
  PortBalance,
  PortCancelReason,
  PortFill,
  PortInstrument,
  PortOrder,
  PortOrderState,
  PortPosition,
  PortTicker,
} from './engine-port.js';
import type { ItemError } from './errors.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Decimal → wire string ("" when absent). */
export function num(value: Decimal | undefined): string {
  return value === undefined ? '' : value.toString();
}

/** ms → "1740830400123". */
export function ms(value: number | undefined): string {
  return value === undefined || value === 0 ? '' : String(Math.trunc(value));
}

/** OKX order types the simulator takes, and how they map onto the port's type + time in force. */
export const OKX_ORD_TYPES = ['market', 'limit', 'post_only', 'fok', 'ioc'] as const;
export type OkxOrdType = (typeof OKX_ORD_TYPES)[number];

export function isOkxOrdType(v: unknown): v is OkxOrdType {
  return typeof v === 'string' && (OKX_ORD_TYPES as readonly string[]).includes(v);
}

/** Venue facts the engine does not keep: client ids, tag, margin mode, OKX order type, algo link. */
export interface OrderMeta {
  readonly clOrdId: string;
  readonly tag: string;
  readonly tdMode: string;
  readonly ordType: OkxOrdType;
  /** Set on an order a triggered algo placed. */
  readonly algoClOrdId: string;
  /** `7` TP/SL fired, `""` otherwise. */
  readonly source: string;
}

export interface AlgoMeta {
  readonly algoClOrdId: string;
  readonly tag: string;
  readonly tdMode: string;
  readonly ordType: 'conditional' | 'oco';
  readonly closeFraction: string;
}

/** Neutral order state → OKX `state`. */
export function okxOrderState(state: PortOrderState): string {
  switch (state) {
    case 'open':
      return 'live';
    case 'partially_filled':
      return 'partially_filled';
    case 'filled':
      return 'filled';
    case 'cancelled':
    case 'rejected':
      return 'canceled';
  }
}

/**
 * Neutral cancel reason → OKX `cancelSource` (okx.md §5): 1 user, 20 cancel-all-after, 14 IOC
 * remainder (13 for FOK), 31 post-only would take, 21 TP/SL with its position closed, 0 system.
 */
export function cancelSource(reason: PortCancelReason | undefined, ordType: OkxOrdType): string {
  switch (reason) {
    case undefined:
      return '';
    case 'user_request':
      return '1';
    case 'disconnect':
      return '20';
    case 'unfilled_remainder':
      return ordType === 'fok' ? '13' : '14';
    case 'post_only':
      return '31';
    case 'position_closed':
      return '21';
    // Not on an OKX order: OCO siblings, expiries and settlement only touch algo legs or dated contracts.
    case 'reduce_only':
    case 'oco_sibling':
    case 'settlement':
    case 'expired':
      return '0';
  }
}

export function instrumentRecord(inst: PortInstrument): JsonObject {
  return {
    alias: '',
    auctionEndTime: '',
    baseCcy: '',
    category: '1',
    contTdSwTime: '',
    ctMult: '1',
    ctType: 'linear',
    ctVal: num(inst.contractSize),
    ctValCcy: inst.baseCurrency,
    expTime: '',
    futureSettlement: false,
    instFamily: `${inst.baseCurrency}-${inst.settleCurrency}`,
    instId: inst.name,
    instIdCode: inst.id,
    instType: 'SWAP',
    lever: String(inst.maxLeverage),
    listTime: ms(inst.listedAt),
    lotSz: num(inst.amountStep),
    maxIcebergSz: num(inst.maxLimitAmount),
    maxLmtAmt: '20000000',
    maxLmtSz: num(inst.maxLimitAmount),
    maxMktAmt: '',
    maxMktSz: num(inst.maxMarketAmount),
    maxPlatOILmt: '',
    maxStopSz: num(inst.maxMarketAmount),
    maxTriggerSz: num(inst.maxLimitAmount),
    maxTwapSz: num(inst.maxLimitAmount),
    minSz: num(inst.minAmount),
    openType: '',
    optType: '',
    posLmtAmt: '',
    posLmtPct: '',
    preMktSwTime: '',
    quoteCcy: '',
    ruleType: 'normal',
    settleCcy: inst.settleCurrency,
    state: 'live',
    stk: '',
    tickSz: num(inst.tickSize),
    tradeQuoteCcyList: [],
    uly: `${inst.baseCurrency}-${inst.settleCurrency}`,
  };
}

export function tickerRecord(t: PortTicker): JsonObject {
  return {
    instType: 'SWAP',
    instId: t.instrument,
    last: num(t.last),
    lastSz: num(t.lastAmount),
    askPx: num(t.bestAsk),
    askSz: num(t.bestAskAmount),
    bidPx: num(t.bestBid),
    bidSz: num(t.bestBidAmount),
    open24h: num(t.open24h),
    high24h: num(t.high24h),
    low24h: num(t.low24h),
    volCcy24h: '',
    vol24h: num(t.volume24h),
    sodUtc0: num(t.open24h),
    sodUtc8: num(t.open24h),
    ts: ms(t.timestamp),
  };
}

/** tickers push data with `volCcy24h` (base coin for derivatives) filled in. */
export function tickerRecordFor(t: PortTicker, inst: PortInstrument): JsonObject {
  return { ...tickerRecord(t), volCcy24h: num(t.volume24h.times(inst.contractSize)) };
}

export function markRecord(t: PortTicker): JsonObject {
  return { instType: 'SWAP', instId: t.instrument, markPx: num(t.mark), ts: ms(t.timestamp) };
}

/** Fee on the wire: negative = charged (the engine's positive = paid). */
function wireFee(fee: Decimal): string {
  return fee.isZero() ? '0' : fee.neg().toString();
}

/** The order record of REST reads (`GET /trade/order`, `/trade/orders-pending`). */
export function orderRecordRest(
  o: PortOrder,
  meta: OrderMeta,
  inst: PortInstrument,
  lever: number,
  lastFill: PortFill | undefined,
): JsonObject {
  return {
    accFillSz: num(o.filledAmount),
    algoClOrdId: meta.algoClOrdId,
    algoId: o.algoId ?? '',
    attachAlgoClOrdId: '',
    attachAlgoOrds: [],
    avgPx: o.averagePrice === undefined ? '' : num(o.averagePrice),
    cTime: ms(o.createdAt),
    cancelSource: cancelSource(o.cancelReason, meta.ordType),
    cancelSourceReason: o.cancelReason === undefined ? '' : o.cancelReason,
    category: 'normal',
    ccy: '',
    clOrdId: meta.clOrdId,
    fee: wireFee(o.fee),
    feeCcy: inst.settleCurrency,
    fillPx: lastFill ? num(lastFill.price) : '',
    fillSz: lastFill ? num(lastFill.amount) : '0',
    fillTime: lastFill ? ms(lastFill.timestamp) : '',
    instId: o.instrument,
    instType: 'SWAP',
    isTpLimit: 'false',
    lever: String(lever),
    linkedAlgoOrd: { algoId: '' },
    ordId: o.orderId,
    ordType: meta.ordType,
    pnl: num(o.pnl),
    posSide: 'net',
    px: num(o.price),
    pxType: '',
    pxUsd: '',
    pxVol: '',
    quickMgnType: '',
    rebate: '0',
    rebateCcy: inst.settleCurrency,
    reduceOnly: String(o.reduceOnly),
    side: o.side,
    slOrdPx: '',
    slTriggerPx: '',
    slTriggerPxType: '',
    source: meta.source,
    state: okxOrderState(o.state),
    stpId: '',
    stpMode: 'cancel_maker',
    sz: num(o.amount),
    tag: meta.tag,
    tdMode: meta.tdMode,
    tgtCcy: '',
    tpOrdPx: '',
    tpTriggerPx: '',
    tpTriggerPxType: '',
    tradeId: lastFill?.tradeId ?? '',
    tradeQuoteCcy: inst.settleCurrency,
    uTime: ms(o.updatedAt),
  };
}

/** An amend this push answers: the client's `reqId` and `amendResult` (`0` ok, `-1` failed). */
export interface AmendAck {
  readonly reqId: string;
  readonly amendResult: '0' | '-1';
}

/** The `orders` channel record; `fill` describes this update's fill (only on fill updates). */
export function orderRecordPush(
  o: PortOrder,
  meta: OrderMeta,
  inst: PortInstrument,
  lever: number,
  fill: PortFill | undefined,
  mark: Decimal,
  amend?: AmendAck,
): JsonObject {
  const notional = o.amount.times(inst.contractSize).times(o.averagePrice ?? o.price ?? mark);
  return {
    accFillSz: num(o.filledAmount),
    algoClOrdId: meta.algoClOrdId,
    algoId: o.algoId ?? '',
    amendResult: amend?.amendResult ?? '',
    amendSource: '',
    avgPx: o.averagePrice === undefined ? '0' : num(o.averagePrice),
    cancelSource: cancelSource(o.cancelReason, meta.ordType),
    category: 'normal',
    ccy: '',
    clOrdId: meta.clOrdId,
    code: '0',
    cTime: ms(o.createdAt),
    execType: fill ? fill.liquidity : '',
    fee: wireFee(o.fee),
    feeCcy: inst.settleCurrency,
    fillFee: fill ? wireFee(fill.fee) : '0',
    fillFeeCcy: fill ? inst.settleCurrency : '',
    fillNotionalUsd: fill ? num(fill.amount.times(inst.contractSize).times(fill.price)) : '',
    fillPx: fill ? num(fill.price) : '',
    fillSz: fill ? num(fill.amount) : '0',
    fillPnl: fill ? num(fill.pnl) : '0',
    fillTime: fill ? ms(fill.timestamp) : '',
    fillPxVol: '',
    fillPxUsd: '',
    fillMarkVol: '',
    fillFwdPx: '',
    fillMarkPx: fill ? num(mark) : '',
    fillIdxPx: fill ? num(mark) : '',
    instId: o.instrument,
    instType: 'SWAP',
    lever: String(lever),
    msg: '',
    notionalUsd: num(notional),
    ordId: o.orderId,
    ordType: meta.ordType,
    pnl: num(o.pnl),
    posSide: 'net',
    px: num(o.price),
    pxUsd: '',
    pxVol: '',
    pxType: '',
    quickMgnType: '',
    rebate: '0',
    rebateCcy: inst.settleCurrency,
    reduceOnly: String(o.reduceOnly),
    reqId: amend?.reqId ?? '',
    side: o.side,
    attachAlgoClOrdId: '',
    slOrdPx: '',
    slTriggerPx: '',
    slTriggerPxType: '',
    source: meta.source,
    state: okxOrderState(o.state),
    stpId: '',
    stpMode: 'cancel_maker',
    sz: num(o.amount),
    tag: meta.tag,
    tdMode: meta.tdMode,
    tgtCcy: '',
    tpOrdPx: '',
    tpTriggerPx: '',
    tpTriggerPxType: '',
    attachAlgoOrds: [],
    tradeId: fill?.tradeId ?? '',
    tradeQuoteCcy: inst.settleCurrency,
    lastPx: num(mark),
    uTime: ms(o.updatedAt),
    isTpLimit: 'false',
    linkedAlgoOrd: { algoId: '' },
  };
}

/** Neutral algo state → OKX algo `state` (okx.md §5). */
export function okxAlgoState(a: PortAlgo): string {
  switch (a.state) {
    case 'untriggered':
      return 'live';
    case 'triggered':
      return 'effective';
    case 'cancelled':
      return 'canceled';
    case 'failed':
      return 'order_failed';
  }
}

function legPx(px: Decimal | undefined, present: boolean): string {
  if (!present) return '';
  return px === undefined ? '-1' : px.toString();
}

/** Fields shared by the `orders-algo` push and the REST algo list. */
function algoCommon(a: PortAlgo, meta: AlgoMeta, lever: number, last: Decimal, failCode: string): JsonObject {
  return {
    actualPx: a.childPrice === undefined ? '' : num(a.childPrice),
    actualSide: a.firedLeg ?? '',
    actualSz: a.childAmount === undefined ? '0' : num(a.childAmount),
    algoClOrdId: meta.algoClOrdId,
    algoId: a.algoId,
    attachAlgoOrds: [],
    cTime: ms(a.createdAt),
    uTime: ms(a.updatedAt),
    ccy: '',
    clOrdId: meta.algoClOrdId,
    closeFraction: meta.closeFraction,
    failCode,
    instId: a.instrument,
    instType: 'SWAP',
    last: num(last),
    lever: String(lever),
    ordId: a.childOrderId ?? '',
    ordIdList: a.childOrderId === undefined ? [] : [a.childOrderId],
    ordPx: '',
    ordType: meta.ordType,
    posSide: 'net',
    quickMgnType: '',
    reduceOnly: String(a.reduceOnly),
    side: a.side,
    slOrdPx: legPx(a.stopLoss?.orderPrice, a.stopLoss !== undefined),
    slTriggerPx: num(a.stopLoss?.triggerPrice),
    slTriggerPxType: a.stopLoss?.triggerRef ?? '',
    state: okxAlgoState(a),
    sz: a.amount === undefined ? '' : num(a.amount),
    tag: meta.tag,
    tdMode: meta.tdMode,
    tgtCcy: '',
    tpOrdPx: legPx(a.takeProfit?.orderPrice, a.takeProfit !== undefined),
    tpTriggerPx: num(a.takeProfit?.triggerPrice),
    tpTriggerPxType: a.takeProfit?.triggerRef ?? '',
    triggerPx: '',
    triggerTime: ms(a.firedAt),
    tradeQuoteCcy: 'USDT',
    amendPxOnTriggerType: '0',
    linkedOrd: { ordId: '' },
    isTradeBorrowMode: '',
  };
}

export function algoRecordPush(
  a: PortAlgo,
  meta: AlgoMeta,
  inst: PortInstrument,
  lever: number,
  last: Decimal,
  failCode: string,
): JsonObject {
  const amount = a.amount ?? a.childAmount ?? Decimal.ZERO;
  return {
    ...algoCommon(a, meta, lever, last, failCode),
    amendResult: '',
    notionalUsd: num(amount.times(inst.contractSize).times(last)),
    reqId: '',
  };
}

export function algoRecordRest(a: PortAlgo, meta: AlgoMeta, lever: number, last: Decimal, failCode: string): JsonObject {
  return {
    ...algoCommon(a, meta, lever, last, failCode),
    activePx: '',
    callbackRatio: '',
    callbackSpread: '',
    chaseType: '',
    chaseVal: '',
    maxChaseType: '',
    maxChaseVal: '',
    moveTriggerPx: '',
    pxLimit: '',
    pxSpread: '',
    pxVar: '',
    szLimit: '',
    timeInterval: '',
    triggerPxType: '',
  };
}

/** Position record of `GET /account/positions` (`rest`) or the `positions` channel (`push`). */
export function positionRecord(p: PortPosition, inst: PortInstrument, posId: string, form: 'rest' | 'push', now: number): JsonObject {
  const coin = p.size.times(inst.contractSize);
  const notional = coin.abs().times(p.mark);
  const imr = p.initialMargin;
  const uplRatio = imr.isZero() ? Decimal.ZERO : p.unrealizedPnl.div(imr, 8);
  const mgnRatio = p.maintenanceMargin.isZero() ? '' : imr.plus(p.unrealizedPnl).div(p.maintenanceMargin, 8).toString();
  const common: JsonObject = {
    adl: '1',
    availPos: '',
    avgPx: p.size.isZero() ? '' : num(p.averagePrice),
    baseBorrowed: '',
    baseInterest: '',
    bePx: '',
    bizRefId: '',
    bizRefType: '',
    cTime: ms(p.createdAt),
    ccy: inst.settleCurrency,
    clSpotInUseAmt: '',
    closeOrderAlgo: [],
    deltaBS: '',
    deltaPA: '',
    fee: wireFee(p.fees),
    fundingFee: '0',
    gammaBS: '',
    gammaPA: '',
    hedgedPos: '',
    idxPx: num(p.mark),
    imr: num(imr),
    instId: p.instrument,
    instType: 'SWAP',
    interest: '',
    last: num(p.mark),
    lever: String(p.leverage),
    liab: '',
    liabCcy: '',
    liqPenalty: '0',
    liqPx: num(p.liquidationPrice),
    margin: '',
    markPx: num(p.mark),
    maxSpotInUseAmt: '',
    mgnMode: 'cross',
    mgnRatio,
    mmr: num(p.maintenanceMargin),
    notionalUsd: num(notional),
    optVal: '',
    pendingCloseOrdLiabVal: '',
    pnl: num(p.realizedPnl.plus(p.fees)),
    pos: num(p.size),
    posCcy: '',
    posId,
    posSide: 'net',
    quoteBorrowed: '',
    quoteInterest: '',
    realizedPnl: num(p.realizedPnl),
    spotInUseAmt: '',
    spotInUseCcy: '',
    thetaBS: '',
    thetaPA: '',
    tradeId: p.lastTradeId,
    uTime: ms(p.updatedAt),
    upl: num(p.unrealizedPnl),
    uplLastPx: num(p.unrealizedPnl),
    uplRatio: num(uplRatio),
    uplRatioLastPx: num(uplRatio),
    usdPx: '',
    vegaBS: '',
    vegaPA: '',
    nonSettleAvgPx: '',
    settledPnl: '',
  };
  return form === 'rest' ? { ...common, baseBal: '', quoteBal: '' } : { ...common, pTime: ms(now) };
}

export function fillRecord(f: PortFill, meta: OrderMeta, inst: PortInstrument, billId: string): JsonObject {
  return {
    side: f.side,
    fillSz: num(f.amount),
    fillPx: num(f.price),
    fillPxVol: '',
    fillFwdPx: '',
    fee: wireFee(f.fee),
    fillPnl: num(f.pnl),
    ordId: f.orderId,
    feeRate: f.liquidity === 'M' ? '-0.0002' : '-0.0005',
    instType: 'SWAP',
    fillPxUsd: '',
    instId: f.instrument,
    clOrdId: meta.clOrdId,
    posSide: 'net',
    billId,
    subType: f.side === 'buy' ? '1' : '2',
    fillMarkVol: '',
    tag: meta.tag,
    fillTime: ms(f.timestamp),
    execType: f.liquidity,
    fillIdxPx: '',
    tradeId: f.tradeId,
    fillMarkPx: '',
    feeCcy: inst.settleCurrency,
    ts: ms(f.timestamp),
    tradeQuoteCcy: inst.settleCurrency,
  };
}

/** `GET /account/balance` data[0] (single-currency margin, USDT). */
export function balanceRecord(b: PortBalance): JsonObject {
  const mgnRatio = b.maintenanceMargin.isZero() ? '' : b.equity.div(b.maintenanceMargin, 8).toString();
  return {
    adjEq: '',
    availEq: '',
    borrowFroz: '',
    details: [
      {
        accAvgPx: '',
        availBal: num(b.available),
        availEq: num(b.available),
        borrowFroz: '',
        cashBal: num(b.cash),
        ccy: b.currency,
        clSpotInUseAmt: '',
        crossLiab: '',
        disEq: num(b.equity),
        eq: num(b.equity),
        eqUsd: num(b.equity),
        fixedBal: '0',
        frozenBal: num(b.frozen.plus(b.initialMargin)),
        imr: num(b.initialMargin),
        interest: '',
        isoEq: '0',
        isoLiab: '',
        isoUpl: '0',
        liab: '',
        maxLoan: '',
        maxSpotInUse: '',
        mgnRatio,
        mmr: num(b.maintenanceMargin),
        notionalLever: '',
        ordFrozen: num(b.frozen),
        rewardBal: '',
        smtSyncEq: '0',
        spotBal: '',
        spotCopyTradingEq: '0',
        spotInUseAmt: '',
        spotIsoBal: '0',
        spotUpl: '',
        spotUplRatio: '',
        stgyEq: '0',
        totalPnl: '',
        totalPnlRatio: '',
        twap: '0',
        uTime: ms(b.updatedAt),
        upl: num(b.unrealizedPnl),
        uplLiab: '',
      },
    ],
    imr: '',
    isoEq: '',
    mgnRatio: '',
    mmr: '',
    notionalUsd: '',
    notionalUsdForBorrow: '',
    notionalUsdForFutures: '',
    notionalUsdForOption: '',
    notionalUsdForSwap: '',
    ordFroz: '',
    totalEq: num(b.equity),
    uTime: ms(b.updatedAt),
    upl: num(b.unrealizedPnl),
  };
}

/** `GET /account/config` data[0]: single-currency margin (acctLv 2), net mode. */
export function accountConfigRecord(uid: string, label: string): JsonObject {
  return {
    acctLv: '2',
    acctStpMode: 'cancel_maker',
    autoLoan: false,
    ctIsoMode: 'automatic',
    enableSpotBorrow: false,
    greeksType: 'PA',
    feeType: '0',
    ip: '',
    type: '0',
    kycLv: '3',
    label,
    level: 'Lv1',
    levelTmp: '',
    liquidationGear: '-1',
    mainUid: uid,
    mgnIsoMode: 'automatic',
    opAuth: '1',
    perm: 'read_only,trade',
    posMode: 'net_mode',
    roleType: '0',
    spotBorrowAutoRepay: false,
    spotOffsetType: '',
    spotRoleType: '0',
    spotTraderInsts: [],
    stgyType: '0',
    traderInsts: [],
    uid,
    settleCcy: 'USDT',
    settleCcyList: ['USD', 'USDC', 'USDT'],
  };
}

// ---- envelopes ------------------------------------------------------------------------------

/** `{"code":"0","msg":"","data":[...]}`. */
export function okEnvelope(data: Json[]): JsonObject {
  return { code: '0', msg: '', data };
}

/** Top-level failure with an (empty) data array. */
export function errorEnvelope(code: string, msg: string): JsonObject {
  return { code, msg, data: [] };
}

/** HTTP 401 body: `{"msg","code"}` without `data` (capture in ccxt #11109). */
export function authErrorBody(code: string, msg: string): JsonObject {
  return { msg, code };
}

/** µs timestamp string for `inTime`/`outTime`. */
export function micros(msValue: number): string {
  return `${Math.trunc(msValue)}000`;
}

/** Per-item result envelope: top `code` 0 (all ok), 1 (all failed) or 2 (partial). */
export function itemsEnvelope(items: JsonObject[], inTimeMs: number | undefined, outTimeMs: number): JsonObject {
  const failed = items.filter((i) => i.sCode !== '0').length;
  const code = failed === 0 ? '0' : failed === items.length ? '1' : '2';
  const body: JsonObject = { code, msg: code === '1' ? 'All operations failed' : '', data: items };
  if (inTimeMs !== undefined) {
    body.inTime = micros(inTimeMs);
    body.outTime = micros(outTimeMs);
  }
  return body;
}

/** Place-order result item; success items carry the real `sMsg:"Order placed"`. */
export function placeItem(ordId: string, clOrdId: string, tag: string, ts: number, error?: ItemError): JsonObject {
  return {
    clOrdId,
    ordId: error ? '' : ordId,
    tag,
    ts: ms(ts),
    sCode: error ? error.sCode : '0',
    sMsg: error ? error.sMsg : 'Order placed',
    subCode: '',
  };
}

export function cancelItem(ordId: string, clOrdId: string, ts: number, error?: ItemError): JsonObject {
  return { clOrdId, ordId, ts: ms(ts), sCode: error ? error.sCode : '0', sMsg: error ? error.sMsg : '' };
}

export function amendItem(ordId: string, clOrdId: string, reqId: string, ts: number, error?: ItemError): JsonObject {
  return { clOrdId, ordId, reqId, ts: ms(ts), sCode: error ? error.sCode : '0', sMsg: error ? error.sMsg : '', subCode: '' };
}

export function algoItem(algoId: string, algoClOrdId: string, tag: string, error?: ItemError): JsonObject {
  return {
    algoClOrdId,
    algoId: error ? '' : algoId,
    clOrdId: algoClOrdId,
    sCode: error ? error.sCode : '0',
    sMsg: error ? error.sMsg : '',
    tag,
  };
}

// ---- WS event frames --------------------------------------------------------------------------

export function loginOkEvent(connId: string): JsonObject {
  return { event: 'login', msg: '', code: '0', connId };
}

export function errorEvent(code: string, msg: string, connId: string, id: string | undefined): JsonObject {
  return id === undefined ? { event: 'error', msg, code, connId } : { id, event: 'error', code, msg, connId };
}

export function subscribeEvent(event: 'subscribe' | 'unsubscribe', arg: JsonObject, connId: string, id: string | undefined): JsonObject {
  return id === undefined ? { event, arg, connId } : { id, event, arg, connId };
}

export function connCountEvent(channel: string, connCount: number, connId: string): JsonObject {
  return { event: 'channel-conn-count', channel, connCount: String(connCount), connId };
}

/** A data push: `{"arg":{...},"data":[...]}` plus optional extra top-level fields. */
export function pushFrame(arg: JsonObject, data: Json[], extra: JsonObject = {}): JsonObject {
  return { arg, ...extra, data };
}
