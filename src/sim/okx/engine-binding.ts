/** Binds the OKX front-end's engine port (`OkxEnginePort`) onto the shared venue-neutral `SimEngine` trading the OKX catalogue. */
import { Decimal } from '../../domain/decimal.js';
import { SimEngine } from '../engine/engine.js';
import {
  type EngineEvent,
  EngineRejection,
  type FillHooks,
  isTriggerType,
  type OrderType,
  type SimInstrument,
  type SimOrder,
  type SimTrade,
  type TimeInForce,
  type TriggerType,
} from '../engine/types.js';
import type {
  AmendOrderRequest,
  OkxEnginePort,
  PlaceAlgoRequest,
  PlaceOrderRequest,
  PortAlgo,
  PortAlgoLeg,
  PortBalance,
  PortCancelReason,
  PortEvent,
  PortFill,
  PortInstrument,
  PortListener,
  PortOrder,
  PortPosition,
  PortTicker,
  PortTimeInForce,
  PortTriggerRef,
} from './engine-port.js';
import { OkxIds } from './ids.js';

export interface OkxEngineBindingOptions {
  readonly startTime: number;
  /** Seed of the engine's random walk. Default 1. */
  readonly seed?: number;
  /** Per-order fill caps (the front-end's `SimFaults`). */
  readonly fillHooks?: FillHooks;
  /** Starting USDT. Default 100000. */
  readonly usdt?: string | number;
  /** Starting index per coin. Default BTC 60000, ETH 3000. */
  readonly initialIndex?: { BTC?: string | number; ETH?: string | number };
  /** Annual volatility of the index walk per coin (the engine's default when unset). */
  readonly volatility?: { BTC?: number; ETH?: number };
}

/** One OKX algo: one trigger order per leg in the engine, grouped by `ocoGroup` = algoId. */
interface AlgoRecord {
  readonly algoId: string;
  readonly req: PlaceAlgoRequest;
  readonly tpLeg: string | undefined;
  readonly slLeg: string | undefined;
  readonly createdAt: number;
}

interface PositionBook {
  /** Flat since the last trade: the next trade opens a new position (its createdAt). */
  flat: boolean;
  fees: Decimal;
  lastTradeId: string;
  createdAt: number;
  updatedAt: number;
}

const TRIGGER_OF: Record<PortTriggerRef, TriggerType> = { last: 'last_price', index: 'index_price', mark: 'mark_price' };
const SETTLE = 'USDT';

function portTif(o: SimOrder): PortTimeInForce {
  if (o.postOnly) return 'post_only';
  if (o.timeInForce === 'immediate_or_cancel') return 'ioc';
  if (o.timeInForce === 'fill_or_kill') return 'fok';
  return 'gtc';
}

function engineTif(tif: PortTimeInForce): TimeInForce {
  if (tif === 'ioc') return 'immediate_or_cancel';
  if (tif === 'fok') return 'fill_or_kill';
  return 'good_til_cancelled';
}

function averageOf(notional: Decimal, filled: Decimal): Decimal | undefined {
  return filled.isPositive() ? notional.div(filled, 8).roundToStep('0.0001', 'half-up') : undefined;
}

export class OkxEngineBinding implements OkxEnginePort {
  /** The shared engine behind the port (tests may reach it for engine-level checks). */
  readonly engine: SimEngine;
  private readonly ids = new OkxIds();
  private readonly catalogue: PortInstrument[];
  private readonly listeners = new Set<PortListener>();
  private readonly algos = new Map<string, AlgoRecord>();
  /** Trigger-order id → algo id. */
  private readonly legToAlgo = new Map<string, string>();
  /** Trigger-order id → the order it spawned. */
  private readonly childOf = new Map<string, string>();
  /** Fee and realized P&L per order (sums of its fills). */
  private readonly orderMoney = new Map<string, { fee: Decimal; pnl: Decimal }>();
  private readonly positionBooks = new Map<string, PositionBook>();
  private readonly lastAmount = new Map<string, Decimal>();
  private readonly tickerAt = new Map<string, number>();
  private readonly marks = new Map<string, Decimal>();
  private pending: PortEvent[] = [];
  private dirtyAlgos = new Set<string>();
  private depth = 0;
  private now: number;

  constructor(options: OkxEngineBindingOptions) {
    this.now = options.startTime;
    this.engine = new SimEngine({
      venue: 'okx',
      startTime: options.startTime,
      seed: options.seed ?? 1,
      ids: this.ids,
      ...(options.fillHooks !== undefined ? { fillHooks: options.fillHooks } : {}),
      balances: { USDT: options.usdt ?? 100_000 },
      ...(options.initialIndex !== undefined ? { initialIndex: options.initialIndex } : {}),
      ...(options.volatility !== undefined ? { volatility: options.volatility } : {}),
    });
    this.catalogue = this.engine.instruments().map(toPortInstrument);
    for (const inst of this.catalogue) {
      this.marks.set(inst.name, this.engine.markPrice(inst.name));
      this.tickerAt.set(inst.name, options.startTime);
    }
    this.engine.onEvents((events) => this.translate(events));
  }

  // ---- plumbing --------------------------------------------------------------------------------

  instruments(): readonly PortInstrument[] {
    return this.catalogue;
  }

  instrument(name: string): PortInstrument | undefined {
    return this.catalogue.find((i) => i.name === name);
  }

  onEvents(listener: PortListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs engine calls as one port batch: engine events are translated as they come, algo states and listeners at the end. */
  private run<T>(now: number, work: () => T): T {
    this.now = now;
    this.depth += 1;
    try {
      return work();
    } finally {
      this.depth -= 1;
      if (this.depth === 0) this.flush();
    }
  }

  private flush(): void {
    for (const algoId of this.dirtyAlgos) {
      const algo = this.algo(algoId);
      if (algo) this.pending.push({ type: 'algo', algo });
    }
    this.dirtyAlgos = new Set();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    for (const l of this.listeners) l(batch);
  }

  /**
   * Engine events → port events. Each execution step (an order followed by its trades) becomes one
   * `fill` + `order` pair per trade, the order snapshot as it stood right after that fill, then the
   * final snapshot if the order ended otherwise (a cancelled remainder). Trigger orders become algo updates.
   */
  private translate(events: readonly EngineEvent[]): void {
    let traded = false;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i];
      if (ev === undefined) continue;
      switch (ev.type) {
        case 'order': {
          const order = ev.order;
          if (isTriggerType(order.orderType)) {
            const algoId = this.legToAlgo.get(order.orderId);
            if (algoId !== undefined) this.dirtyAlgos.add(algoId);
            break;
          }
          if (order.triggerOrderId !== undefined) {
            this.childOf.set(order.triggerOrderId, order.orderId);
            const algoId = this.legToAlgo.get(order.triggerOrderId);
            if (algoId !== undefined) this.dirtyAlgos.add(algoId);
          }
          const trades: SimTrade[] = [];
          for (let j = i + 1; j < events.length; j++) {
            const next = events[j];
            if (next?.type !== 'trade' || next.trade.orderId !== order.orderId) break;
            trades.push(next.trade);
          }
          i += trades.length;
          if (trades.length > 0) traded = true;
          this.emitExecution(order, trades);
          break;
        }
        case 'trade':
          // A trade not right after its order (not produced by the engine today): book it alone.
          traded = true;
          this.bookTrade(ev.trade);
          this.pending.push({ type: 'fill', fill: this.toFill(ev.trade) });
          break;
        case 'public_trade':
          this.lastAmount.set(ev.trade.instrumentName, ev.trade.amount);
          this.tickerChanged(ev.trade.instrumentName);
          break;
        case 'position': {
          const book = this.positionBooks.get(ev.position.instrumentName);
          if (book && ev.position.size.isZero()) book.flat = true;
          this.pending.push({ type: 'position', position: this.portPosition(ev.position.instrumentName) });
          break;
        }
        case 'ticker':
          this.tickerChanged(ev.instrumentName);
          break;
        case 'portfolio':
          // OKX pushes balances on fills only (balance_and_position `filled`); price moves are not pushed.
          break;
      }
    }
    if (traded) this.pending.push({ type: 'balance', balance: this.balance(this.now) });
  }

  private tickerChanged(name: string): void {
    if (!this.instrument(name)) return;
    this.tickerAt.set(name, this.now);
    const mark = this.engine.markPrice(name);
    const before = this.marks.get(name);
    if (before === undefined || !before.eq(mark)) {
      this.marks.set(name, mark);
      this.pending.push({ type: 'mark', instrument: name });
    }
    this.pending.push({ type: 'ticker', instrument: name });
  }

  private emitExecution(order: SimOrder, trades: readonly SimTrade[]): void {
    if (trades.length === 0) {
      this.pending.push({ type: 'order', order: this.toPortOrder(order) });
      return;
    }
    const later = trades.reduce((s, t) => s.plus(t.amount), Decimal.ZERO);
    let filled = order.filledAmount.minus(later);
    let notional = order.filledNotional.minus(trades.reduce((s, t) => s.plus(t.amount.times(t.price)), Decimal.ZERO));
    const final = this.toPortOrder(order, { fee: Decimal.ZERO, pnl: Decimal.ZERO });
    let money = this.orderMoney.get(order.orderId) ?? { fee: Decimal.ZERO, pnl: Decimal.ZERO };
    for (const trade of trades) {
      this.bookTrade(trade);
      filled = filled.plus(trade.amount);
      notional = notional.plus(trade.amount.times(trade.price));
      money = { fee: money.fee.plus(trade.fee), pnl: money.pnl.plus(trade.profitLoss) };
      const state = trade.state === 'filled' ? 'filled' : 'partially_filled';
      this.pending.push(
        { type: 'fill', fill: this.toFill(trade) },
        {
          type: 'order',
          order: {
            ...final,
            state,
            cancelReason: undefined,
            filledAmount: filled,
            averagePrice: averageOf(notional, filled),
            fee: money.fee,
            pnl: money.pnl,
            updatedAt: trade.timestamp,
          },
        },
      );
    }
    this.orderMoney.set(order.orderId, money);
    // The order ended otherwise than its last fill left it (a market/IOC remainder cancelled): one more push.
    if (order.state !== trades[trades.length - 1]?.state)
      this.pending.push({ type: 'order', order: { ...final, fee: money.fee, pnl: money.pnl } });
  }

  /** Books a trade's money on its order and position (fees and the last trade id). */
  private bookTrade(trade: SimTrade): void {
    const book = this.positionBooks.get(trade.instrumentName) ?? {
      flat: true,
      fees: Decimal.ZERO,
      lastTradeId: '',
      createdAt: trade.timestamp,
      updatedAt: trade.timestamp,
    };
    if (book.flat) book.createdAt = trade.timestamp;
    book.flat = false;
    book.fees = book.fees.plus(trade.fee);
    book.lastTradeId = trade.tradeId;
    book.updatedAt = trade.timestamp;
    this.positionBooks.set(trade.instrumentName, book);
    this.lastAmount.set(trade.instrumentName, trade.amount);
  }

  // ---- prices ----------------------------------------------------------------------------------

  ticker(name: string, now: number): PortTicker {
    const t = this.engine.ticker(name, now);
    const mark = t.markPrice;
    return {
      instrument: name,
      bestBid: t.bestBidPrice,
      bestBidAmount: t.bestBidAmount,
      bestAsk: t.bestAskPrice,
      bestAskAmount: t.bestAskAmount,
      last: t.lastPrice,
      lastAmount: this.lastAmount.get(name) ?? Decimal.ZERO,
      mark,
      index: t.indexPrice,
      open24h: t.settlementPrice,
      high24h: t.stats.high ?? mark,
      low24h: t.stats.low ?? mark,
      volume24h: t.stats.volume,
      timestamp: this.tickerAt.get(name) ?? now,
    };
  }

  step(now: number): void {
    this.run(now, () => this.engine.step(now));
  }

  setMarkPrice(name: string, price: Decimal, now: number): void {
    this.run(now, () => this.engine.setMarkPrice(name, price, now));
  }

  // ---- orders ----------------------------------------------------------------------------------

  placeOrder(req: PlaceOrderRequest, now: number): PortOrder {
    return this.run(now, () => {
      if (req.reduceOnly && this.instrument(req.instrument) && this.engine.position(req.instrument).size.isZero()) {
        throw new EngineRejection('no_position', 'reduceOnly', 'no position to reduce');
      }
      const { order } = this.engine.placeOrder(
        {
          instrumentName: req.instrument,
          direction: req.side,
          amount: req.amount,
          type: req.type,
          ...(req.price !== undefined && req.type === 'limit' ? { price: req.price } : {}),
          timeInForce: engineTif(req.timeInForce),
          ...(req.timeInForce === 'post_only' ? { postOnly: true, cancelPostOnly: true } : {}),
          reduceOnly: req.reduceOnly,
        },
        now,
      );
      return this.toPortOrder(order);
    });
  }

  cancelOrder(orderId: string, reason: PortCancelReason, now: number): PortOrder {
    return this.run(now, () => {
      this.requireOrder(orderId);
      return this.toPortOrder(this.engine.cancelOrder(orderId, now, reason));
    });
  }

  amendOrder(req: AmendOrderRequest, now: number): PortOrder {
    return this.run(now, () => {
      const current = this.requireOrder(req.orderId);
      const { order } = this.engine.editOrder(
        { orderId: req.orderId, amount: req.newAmount ?? current.amount, ...(req.newPrice !== undefined ? { price: req.newPrice } : {}) },
        now,
      );
      return this.toPortOrder(order);
    });
  }

  /** A plain (non-trigger) order, or order_not_found: trigger orders are visible as algos only. */
  private requireOrder(orderId: string): SimOrder {
    const o = this.engine.getOrder(orderId);
    if (!o || isTriggerType(o.orderType)) throw new EngineRejection('order_not_found', 'ordId', 'Order does not exist');
    return o;
  }

  order(orderId: string): PortOrder | undefined {
    const o = this.engine.getOrder(orderId);
    return o && !isTriggerType(o.orderType) ? this.toPortOrder(o) : undefined;
  }

  openOrders(instrument?: string): readonly PortOrder[] {
    return this.engine
      .openOrders(instrument !== undefined ? { instrumentName: instrument } : {})
      .filter((o) => !isTriggerType(o.orderType))
      .map((o) => this.toPortOrder(o));
  }

  // ---- algos -----------------------------------------------------------------------------------

  placeAlgo(req: PlaceAlgoRequest, now: number): PortAlgo {
    return this.run(now, () => {
      let amount = req.amount;
      if (req.closeWholePosition) {
        const size = this.instrument(req.instrument) ? this.engine.position(req.instrument).size : Decimal.ZERO;
        const reduces = (size.isPositive() && req.side === 'sell') || (size.isNegative() && req.side === 'buy');
        if (!reduces) throw new EngineRejection('no_position', 'closeFraction', 'no position to close');
        amount = size.abs();
      }
      if (amount === undefined) throw new EngineRejection('invalid_amount', 'sz', 'sz is required');
      const algoId = this.ids.next();
      const legs: string[] = [];
      const place = (leg: PortAlgoLeg, family: 'take' | 'stop'): string => {
        const type: OrderType = `${family}_${leg.orderPrice === undefined ? 'market' : 'limit'}`;
        const { order } = this.engine.placeOrder(
          {
            instrumentName: req.instrument,
            direction: req.side,
            amount: amount ?? Decimal.ZERO,
            type,
            ...(leg.orderPrice !== undefined ? { price: leg.orderPrice } : {}),
            trigger: TRIGGER_OF[leg.triggerRef],
            triggerPrice: leg.triggerPrice,
            reduceOnly: req.reduceOnly,
            ocoGroup: algoId,
            ...(req.cancelOnPositionClose ? { cancelOnPositionClose: true } : {}),
            ...(req.closeWholePosition ? { closePosition: true } : {}),
          },
          now,
        );
        legs.push(order.orderId);
        return order.orderId;
      };
      try {
        const tpLeg = req.takeProfit ? place(req.takeProfit, 'take') : undefined;
        const slLeg = req.stopLoss ? place(req.stopLoss, 'stop') : undefined;
        const record: AlgoRecord = {
          algoId,
          req: { ...req, amount: req.closeWholePosition ? undefined : amount },
          tpLeg,
          slLeg,
          createdAt: now,
        };
        this.algos.set(algoId, record);
        for (const leg of legs) this.legToAlgo.set(leg, algoId);
        this.dirtyAlgos.add(algoId);
        return this.snapshotAlgo(record);
      } catch (e) {
        // One leg refused: the other (already placed, not yet known as an algo) goes too, silently.
        for (const leg of legs) this.engine.cancelOrder(leg, now, 'user_request');
        throw e;
      }
    });
  }

  cancelAlgo(algoId: string, now: number): PortAlgo {
    return this.run(now, () => {
      const record = this.algos.get(algoId);
      if (!record) throw new EngineRejection('order_not_found', 'algoId', 'Algo order does not exist');
      const legs = new Set([record.tpLeg, record.slLeg]);
      const cancelled = this.engine.cancelWhere(
        { instrumentName: record.req.instrument, predicate: (o) => legs.has(o.orderId) && o.state === 'untriggered' },
        now,
        'user_request',
      );
      if (cancelled.length === 0) throw new EngineRejection('not_open_order', 'algoId', 'Algo order has been triggered or canceled');
      return this.snapshotAlgo(record);
    });
  }

  algo(algoId: string): PortAlgo | undefined {
    const record = this.algos.get(algoId);
    return record ? this.snapshotAlgo(record) : undefined;
  }

  openAlgos(instrument?: string): readonly PortAlgo[] {
    const out: PortAlgo[] = [];
    for (const record of this.algos.values()) {
      if (instrument !== undefined && record.req.instrument !== instrument) continue;
      const algo = this.snapshotAlgo(record);
      if (algo.state === 'untriggered') out.push(algo);
    }
    return out;
  }

  /**
   * The algo's state from its legs: a fired leg → `triggered` (or `failed` when the order it spawned
   * was rejected), every leg cancelled → `cancelled` (reason of the first), else `untriggered`.
   */
  private snapshotAlgo(record: AlgoRecord): PortAlgo {
    const tp = record.tpLeg !== undefined ? this.engine.getOrder(record.tpLeg) : undefined;
    const sl = record.slLeg !== undefined ? this.engine.getOrder(record.slLeg) : undefined;
    const legs = [tp, sl].filter((o): o is SimOrder => o !== undefined);
    const fired = legs.find((o) => o.state === 'triggered');
    const base = {
      algoId: record.algoId,
      instrument: record.req.instrument,
      side: record.req.side,
      amount: record.req.amount,
      closeWholePosition: record.req.closeWholePosition,
      reduceOnly: record.req.reduceOnly,
      cancelOnPositionClose: record.req.cancelOnPositionClose,
      takeProfit: record.req.takeProfit,
      stopLoss: record.req.stopLoss,
      createdAt: record.createdAt,
    };
    if (fired) {
      const childId = this.childOf.get(fired.orderId);
      const child = childId !== undefined ? this.engine.getOrder(childId) : undefined;
      const failed = child?.state === 'rejected';
      return {
        ...base,
        state: failed ? 'failed' : 'triggered',
        firedLeg: fired === tp ? 'tp' : 'sl',
        firedAt: fired.lastUpdateTimestamp,
        childOrderId: childId,
        childAmount: child?.filledAmount,
        childPrice: child && child.filledAmount.isPositive() ? child.averagePrice : child?.orderType === 'limit' ? child.price : undefined,
        failReason: failed ? (child.rejectReason ?? 'venue_refused') : undefined,
        cancelReason: undefined,
        updatedAt: Math.max(fired.lastUpdateTimestamp, child?.lastUpdateTimestamp ?? 0),
      };
    }
    const allCancelled = legs.length > 0 && legs.every((o) => o.state === 'cancelled');
    const updatedAt = legs.reduce((m, o) => Math.max(m, o.lastUpdateTimestamp), record.createdAt);
    return {
      ...base,
      state: allCancelled ? 'cancelled' : 'untriggered',
      firedLeg: undefined,
      firedAt: undefined,
      childOrderId: undefined,
      childAmount: undefined,
      childPrice: undefined,
      failReason: undefined,
      cancelReason: allCancelled ? legs[0]?.cancelReason : undefined,
      updatedAt,
    };
  }

  // ---- account ---------------------------------------------------------------------------------

  fills(filter: { instrument?: string; orderId?: string }): readonly PortFill[] {
    return this.engine
      .trades({
        ...(filter.instrument !== undefined ? { instrumentName: filter.instrument } : {}),
        ...(filter.orderId !== undefined ? { orderId: filter.orderId } : {}),
      })
      .map((t) => this.toFill(t))
      .reverse();
  }

  positions(): readonly PortPosition[] {
    return [...this.positionBooks.keys()].map((name) => this.portPosition(name));
  }

  position(name: string): PortPosition | undefined {
    return this.positionBooks.has(name) ? this.portPosition(name) : undefined;
  }

  leverage(name: string): number {
    return this.engine.instrument(name)?.maxLeverage ?? 1;
  }

  /** The USDT account: cash = start + realized − fees; `frozen` is the margin the positions hold (the engine reserves none for open orders). */
  balance(now: number): PortBalance {
    const s = this.engine.accountSummary(SETTLE);
    let updated = 0;
    for (const b of this.positionBooks.values()) updated = Math.max(updated, b.updatedAt);
    return {
      currency: SETTLE,
      cash: s.balance,
      equity: s.equity,
      available: s.availableFunds,
      frozen: s.initialMargin,
      unrealizedPnl: s.futuresSessionUpl,
      initialMargin: s.initialMargin,
      maintenanceMargin: s.maintenanceMargin,
      updatedAt: updated || now,
    };
  }

  // ---- conversions -----------------------------------------------------------------------------

  private portPosition(name: string): PortPosition {
    const p = this.engine.position(name);
    const book = this.positionBooks.get(name) ?? { flat: true, fees: Decimal.ZERO, lastTradeId: '', createdAt: 0, updatedAt: 0 };
    return {
      instrument: name,
      size: p.size,
      averagePrice: p.averagePrice,
      mark: p.markPrice,
      unrealizedPnl: p.floatingProfitLoss,
      realizedPnl: p.realizedProfitLoss.minus(book.fees),
      fees: book.fees,
      initialMargin: p.initialMargin,
      maintenanceMargin: p.maintenanceMargin,
      leverage: p.leverage,
      liquidationPrice: p.estimatedLiquidationPrice,
      lastTradeId: book.lastTradeId,
      createdAt: book.createdAt,
      updatedAt: book.updatedAt,
    };
  }

  private toPortOrder(o: SimOrder, money = this.orderMoney.get(o.orderId)): PortOrder {
    const algoId = o.triggerOrderId !== undefined ? this.legToAlgo.get(o.triggerOrderId) : undefined;
    const state = o.state === 'untriggered' || o.state === 'triggered' ? 'open' : o.state;
    return {
      orderId: o.orderId,
      instrument: o.instrumentName,
      side: o.direction,
      type: o.orderType === 'market' ? 'market' : 'limit',
      timeInForce: portTif(o),
      amount: o.amount,
      filledAmount: o.filledAmount,
      averagePrice: o.filledAmount.isPositive() ? o.averagePrice : undefined,
      price: o.orderType === 'market' ? undefined : o.price,
      state,
      reduceOnly: o.reduceOnly,
      cancelReason: o.cancelReason,
      fee: money?.fee ?? Decimal.ZERO,
      pnl: money?.pnl ?? Decimal.ZERO,
      algoId,
      createdAt: o.creationTimestamp,
      updatedAt: o.lastUpdateTimestamp,
    };
  }

  private toFill(t: SimTrade): PortFill {
    return {
      tradeId: t.tradeId,
      orderId: t.orderId,
      instrument: t.instrumentName,
      side: t.direction,
      amount: t.amount,
      price: t.price,
      fee: t.fee,
      pnl: t.profitLoss,
      liquidity: t.liquidity,
      timestamp: t.timestamp,
    };
  }
}

function toPortInstrument(inst: SimInstrument): PortInstrument {
  return {
    name: inst.name,
    id: inst.id,
    baseCurrency: inst.currency,
    settleCurrency: inst.settleCurrency,
    contractSize: inst.contractSize,
    amountStep: inst.amountStep,
    minAmount: inst.minTradeAmount,
    maxMarketAmount: inst.maxMarketAmount ?? Decimal.from(1_000_000_000),
    maxLimitAmount: inst.maxLimitAmount ?? Decimal.from(1_000_000_000),
    tickSize: inst.tickSize,
    maxLeverage: inst.maxLeverage,
    listedAt: inst.creationTimestamp,
  };
}
