/**
 * Binds the Bybit front-end's engine port (`BybitEnginePort`) onto the shared venue-neutral
 * `SimEngine` trading the Bybit catalogue (linear USDT perpetuals, inverse USD perpetuals). A Bybit
 * conditional order keeps one id through its life: the engine's trigger order and the order it
 * spawns are shown as one order (Untriggered → Triggered → New/Filled).
 */
import { Decimal } from '../../domain/decimal.js';
import { SimEngine } from '../engine/engine.js';
import {
  type EngineEvent,
  EngineRejection,
  type FillHooks,
  type SettleCurrency,
  type SimInstrument,
  type SimOrder,
  type SimTrade,
  type TimeInForce,
  type TriggerType,
} from '../engine/types.js';
import type {
  AmendOrderRequest,
  BybitEnginePort,
  PlaceOrderRequest,
  PortCancelReason,
  PortCoinBalance,
  PortEvent,
  PortFill,
  PortInstrument,
  PortListener,
  PortOrder,
  PortOrderKind,
  PortOrderState,
  PortPosition,
  PortTicker,
  PortTimeInForce,
  PortTriggerRef,
  TradingStopRequest,
} from './engine-port.js';
import { BybitIds } from './ids.js';

export interface BybitEngineBindingOptions {
  readonly startTime: number;
  /** Seed of the engine's random walk. Default 1. */
  readonly seed?: number;
  /** Per-order fill caps (the front-end's `SimFaults`). */
  readonly fillHooks?: FillHooks;
  /** Starting wallet per coin. Default USDT 100000, BTC 10, ETH 100. */
  readonly balances?: { USDT?: string | number; BTC?: string | number; ETH?: string | number };
  /** Starting index per coin. Default BTC 60000, ETH 3000. */
  readonly initialIndex?: { BTC?: string | number; ETH?: string | number };
  readonly volatility?: { BTC?: number; ETH?: number };
}

/** One Bybit order: the engine order it started as, and (conditional) the order its trigger placed. */
interface OrderRecord {
  readonly orderId: string;
  readonly kind: PortOrderKind;
  readonly closeOnTrigger: boolean;
  readonly closePosition: boolean;
  readonly takeProfit: Decimal | undefined;
  readonly stopLoss: Decimal | undefined;
  tpslApplied: boolean;
  childId: string | undefined;
  filledQty: Decimal;
  /** Σ qty / price: the harmonic average of an inverse order is filledQty over it. */
  filledPerPrice: Decimal;
  filledValue: Decimal;
  fee: Decimal;
  pnl: Decimal;
}

interface PositionBook {
  size: Decimal;
  curRealized: Decimal;
  cumRealized: Decimal;
  seq: number;
  createdAt: number;
  updatedAt: number;
  takeProfit: string | undefined;
  stopLoss: string | undefined;
}

const TRIGGER_OF: Record<PortTriggerRef, TriggerType> = { last: 'last_price', index: 'index_price', mark: 'mark_price' };
const REF_OF: Record<TriggerType, PortTriggerRef> = { last_price: 'last', index_price: 'index', mark_price: 'mark' };
/** Bybit `priceScale` per symbol (BTCUSDT "2" as in the instruments-info fixture). */
const PRICE_SCALE: Readonly<Record<string, number>> = { BTCUSDT: 2, ETHUSDT: 2, BTCUSD: 2, ETHUSD: 2 };
const COINS: readonly SettleCurrency[] = ['USDT', 'BTC', 'ETH'];

function engineTif(tif: PortTimeInForce): TimeInForce {
  if (tif === 'ioc') return 'immediate_or_cancel';
  if (tif === 'fok') return 'fill_or_kill';
  return 'good_til_cancelled';
}

function portTif(o: SimOrder): PortTimeInForce {
  if (o.postOnly) return 'post_only';
  if (o.timeInForce === 'immediate_or_cancel') return 'ioc';
  if (o.timeInForce === 'fill_or_kill') return 'fok';
  return 'gtc';
}

export class BybitEngineBinding implements BybitEnginePort {
  /** The shared engine behind the port (tests may reach it for engine-level checks). */
  readonly engine: SimEngine;
  private readonly catalogue: PortInstrument[];
  private readonly byName = new Map<string, SimInstrument>();
  private readonly listeners = new Set<PortListener>();
  private readonly records = new Map<string, OrderRecord>();
  /** Engine order id → Bybit order id. */
  private readonly owner = new Map<string, string>();
  private readonly fillLog: PortFill[] = [];
  private readonly books = new Map<string, PositionBook>();
  private readonly cumRealizedByCoin = new Map<string, Decimal>();
  /** Live position take-profit / stop-loss order per instrument. */
  private readonly positionStops = new Map<string, { tp?: string; sl?: string }>();
  /** Leverage set per instrument (position/set-leverage); default the instrument's maximum. */
  private readonly leverages = new Map<string, number>();
  private pending: PortEvent[] = [];
  /** The request being placed: its record is made when the engine first names the new order. */
  private placing:
    Omit<OrderRecord, 'orderId' | 'tpslApplied' | 'childId' | 'filledQty' | 'filledPerPrice' | 'filledValue' | 'fee' | 'pnl'> | undefined;
  private pendingTpsl: OrderRecord[] = [];
  private seq = 100_000_000;
  private depth = 0;

  constructor(options: BybitEngineBindingOptions) {
    this.engine = new SimEngine({
      venue: 'bybit',
      startTime: options.startTime,
      seed: options.seed ?? 1,
      ids: new BybitIds(),
      ...(options.fillHooks !== undefined ? { fillHooks: options.fillHooks } : {}),
      balances: { USDT: options.balances?.USDT ?? 100_000, BTC: options.balances?.BTC ?? 10, ETH: options.balances?.ETH ?? 100 },
      ...(options.initialIndex !== undefined ? { initialIndex: options.initialIndex } : {}),
      ...(options.volatility !== undefined ? { volatility: options.volatility } : {}),
    });
    for (const inst of this.engine.instruments()) this.byName.set(inst.name, inst);
    this.catalogue = this.engine.instruments().map(toPortInstrument);
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

  private run<T>(now: number, work: () => T): T {
    this.depth += 1;
    try {
      const out = work();
      // Attached take-profit / stop-loss go onto the position once their order has filled.
      while (this.pendingTpsl.length > 0) {
        const rec = this.pendingTpsl.shift();
        if (rec) this.applyAttached(rec, now);
      }
      return out;
    } finally {
      this.depth -= 1;
      if (this.depth === 0) this.flush();
    }
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    for (const l of this.listeners) l(batch);
  }

  private applyAttached(rec: OrderRecord, now: number): void {
    const o = this.order(rec.orderId);
    if (!o || this.engine.position(o.instrument).size.isZero()) return;
    try {
      this.setTradingStop(
        { instrument: o.instrument, takeProfit: rec.takeProfit, stopLoss: rec.stopLoss, tpTriggerRef: 'last', slTriggerRef: 'last' },
        now,
      );
    } catch (e) {
      if (!(e instanceof EngineRejection)) throw e;
    }
  }

  /** Engine events → port events: fills first booked (so order rows carry their money), then everything in order. */
  private translate(events: readonly EngineEvent[]): void {
    const fills = new Map<string, PortFill>();
    for (const ev of events) if (ev.type === 'trade') fills.set(ev.trade.tradeId, this.bookTrade(ev.trade));
    for (const ev of events) {
      switch (ev.type) {
        case 'order': {
          const rec = this.recordOf(ev.order);
          if (rec) this.pending.push({ type: 'order', order: this.build(rec, ev.order) });
          break;
        }
        case 'trade': {
          const fill = fills.get(ev.trade.tradeId);
          if (fill) this.pending.push({ type: 'fill', fill });
          break;
        }
        case 'position':
          this.pending.push({ type: 'position', position: this.position(ev.position.instrumentName) });
          break;
        case 'portfolio':
          this.pending.push({ type: 'balance', coin: ev.currency });
          break;
        case 'ticker':
          this.pending.push({ type: 'ticker', instrument: ev.instrumentName });
          break;
        case 'public_trade':
          break;
      }
    }
  }

  /** The record an engine order belongs to; a trigger's child is adopted by its parent's record. */
  private recordOf(o: SimOrder): OrderRecord | undefined {
    const id = this.owner.get(o.orderId);
    if (id !== undefined) return this.records.get(id);
    if (o.triggerOrderId === undefined) {
      if (!this.placing) return undefined;
      const rec: OrderRecord = {
        ...this.placing,
        orderId: o.orderId,
        tpslApplied: false,
        childId: undefined,
        filledQty: Decimal.ZERO,
        filledPerPrice: Decimal.ZERO,
        filledValue: Decimal.ZERO,
        fee: Decimal.ZERO,
        pnl: Decimal.ZERO,
      };
      this.placing = undefined;
      this.records.set(rec.orderId, rec);
      this.owner.set(rec.orderId, rec.orderId);
      return rec;
    }
    const parentId = this.owner.get(o.triggerOrderId);
    const rec = parentId !== undefined ? this.records.get(parentId) : undefined;
    if (rec) {
      rec.childId = o.orderId;
      this.owner.set(o.orderId, rec.orderId);
    }
    return rec;
  }

  private bookTrade(t: SimTrade): PortFill {
    const inst = this.mustInstrument(t.instrumentName);
    const engineOrder = this.engine.getOrder(t.orderId);
    const rec = engineOrder ? this.recordOf(engineOrder) : undefined;
    const value = fillValue(inst, t.amount, t.price);
    const net = t.profitLoss.minus(t.fee);
    const book = this.bookOf(inst.name);
    const signed = t.direction === 'buy' ? t.amount : t.amount.neg();
    const closing = !book.size.isZero() && book.size.sign() !== signed.sign();
    const closedQty = closing ? Decimal.min(book.size.abs(), t.amount) : Decimal.ZERO;
    if (book.size.isZero()) {
      book.createdAt = t.timestamp;
      book.curRealized = Decimal.ZERO;
    }
    book.size = book.size.plus(signed);
    book.curRealized = book.curRealized.plus(net);
    book.cumRealized = book.cumRealized.plus(net);
    this.seq += 1;
    book.seq = this.seq;
    book.updatedAt = t.timestamp;
    this.cumRealizedByCoin.set(inst.settleCurrency, (this.cumRealizedByCoin.get(inst.settleCurrency) ?? Decimal.ZERO).plus(net));
    let leaves = Decimal.ZERO;
    if (rec) {
      rec.filledValue = rec.filledValue.plus(value);
      rec.fee = rec.fee.plus(t.fee);
      rec.pnl = rec.pnl.plus(t.profitLoss);
      rec.filledQty = rec.filledQty.plus(t.amount);
      if (t.price.isPositive()) rec.filledPerPrice = rec.filledPerPrice.plus(t.amount.div(t.price, 18));
      leaves = Decimal.max(Decimal.ZERO, (engineOrder?.amount ?? t.amount).minus(rec.filledQty));
      if (!rec.tpslApplied && (rec.takeProfit !== undefined || rec.stopLoss !== undefined)) {
        rec.tpslApplied = true;
        this.pendingTpsl.push(rec);
      }
    }
    const fill: PortFill = {
      execId: t.tradeId,
      orderId: rec?.orderId ?? t.orderId,
      instrument: t.instrumentName,
      side: t.direction,
      qty: t.amount,
      price: t.price,
      value,
      fee: t.fee,
      feeRate: t.liquidity === 'M' ? inst.makerCommission : inst.takerCommission,
      pnl: t.profitLoss,
      closedQty,
      isMaker: t.liquidity === 'M',
      mark: t.markPrice,
      index: t.indexPrice,
      orderQty: engineOrder?.amount ?? t.amount,
      orderPrice: engineOrder?.price,
      orderType: t.orderType,
      orderKind: rec?.kind ?? 'order',
      leavesQty: leaves,
      seq: this.seq,
      timestamp: t.timestamp,
    };
    this.fillLog.push(fill);
    return fill;
  }

  private bookOf(name: string): PositionBook {
    let book = this.books.get(name);
    if (!book) {
      book = {
        size: Decimal.ZERO,
        curRealized: Decimal.ZERO,
        cumRealized: Decimal.ZERO,
        seq: 0,
        createdAt: 0,
        updatedAt: 0,
        takeProfit: undefined,
        stopLoss: undefined,
      };
      this.books.set(name, book);
    }
    return book;
  }

  private mustInstrument(name: string): SimInstrument {
    const inst = this.byName.get(name);
    if (!inst) throw new EngineRejection('instrument_not_found', 'symbol', 'symbol invalid');
    return inst;
  }

  /** The port's view of a record from the engine orders behind it (snapshots from events, or the live ones). */
  private build(rec: OrderRecord, changed?: SimOrder): PortOrder {
    const parentNow = this.engine.getOrder(rec.orderId);
    if (!parentNow) throw new Error(`bybit binding: order ${rec.orderId} vanished`);
    const parent = changed && changed.orderId === rec.orderId ? changed : parentNow;
    const childNow = rec.childId !== undefined ? this.engine.getOrder(rec.childId) : undefined;
    // An event of the parent shows the moment before its child existed (the Triggered step).
    const child = changed && changed.orderId === rec.orderId ? undefined : changed && changed.orderId === rec.childId ? changed : childNow;
    const conditional = parent.trigger !== undefined;
    const main = child ?? parent;
    let state: PortOrderState;
    if (conditional && !child) state = parent.state === 'open' || parent.state === 'partially_filled' ? 'untriggered' : parent.state;
    else state = main.state === 'untriggered' || main.state === 'triggered' ? 'open' : main.state;
    const marketStyle = parent.orderType === 'market' || parent.orderType === 'stop_market' || parent.orderType === 'take_market';
    const qty = rec.closePosition ? (child ? child.amount : Decimal.ZERO) : parent.amount;
    return {
      orderId: rec.orderId,
      instrument: parent.instrumentName,
      side: parent.direction,
      type: marketStyle ? 'market' : 'limit',
      timeInForce: portTif(main),
      kind: rec.kind,
      qty,
      filledQty: main.filledAmount,
      // The Triggered step shows the moment before the placed order traded.
      filledValue: conditional && !child ? Decimal.ZERO : rec.filledValue,
      averagePrice: !main.filledAmount.isPositive()
        ? undefined
        : this.mustInstrument(parent.instrumentName).contractType === 'inverse' && rec.filledPerPrice.isPositive()
          ? // Inverse: harmonic, Σq / Σ(q/p) (bybit.md §10).
            rec.filledQty.div(rec.filledPerPrice, 8).roundToStep('0.0001', 'half-up')
          : main.averagePrice,
      price: main.price,
      trigger:
        parent.triggerPrice !== undefined && parent.trigger !== undefined
          ? { price: parent.triggerPrice, ref: REF_OF[parent.trigger], direction: parent.triggerDirection ?? 'rising' }
          : undefined,
      triggered: conditional && (child !== undefined || parent.state === 'triggered'),
      state,
      reduceOnly: parent.reduceOnly,
      closeOnTrigger: rec.closeOnTrigger,
      cancelReason: main.cancelReason,
      rejectReason: main.rejectReason,
      fee: conditional && !child ? Decimal.ZERO : rec.fee,
      pnl: conditional && !child ? Decimal.ZERO : rec.pnl,
      takeProfit: rec.takeProfit,
      stopLoss: rec.stopLoss,
      createdAt: parent.creationTimestamp,
      updatedAt: Math.max(parent.lastUpdateTimestamp, child?.lastUpdateTimestamp ?? 0),
    };
  }

  // ---- prices ----------------------------------------------------------------------------------

  ticker(name: string, now: number): PortTicker {
    const t = this.engine.ticker(name, now);
    return {
      instrument: name,
      bestBid: t.bestBidPrice,
      bestBidSize: t.bestBidAmount,
      bestAsk: t.bestAskPrice,
      bestAskSize: t.bestAskAmount,
      last: t.lastPrice,
      mark: t.markPrice,
      index: t.indexPrice,
      open24h: t.settlementPrice,
      high24h: t.stats.high ?? t.markPrice,
      low24h: t.stats.low ?? t.markPrice,
      volume24h: t.stats.volume,
      openInterest: t.openInterest,
      fundingRate: t.currentFunding ?? Decimal.ZERO,
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
      const inst = this.mustInstrument(req.instrument);
      let amount = req.qty;
      if (req.closePosition) {
        const size = this.engine.position(inst.name).size;
        const reduces = (size.isPositive() && req.side === 'sell') || (size.isNegative() && req.side === 'buy');
        if (!reduces) throw new EngineRejection('no_position', 'qty', 'no position to close');
        amount = size.abs();
      }
      if (amount === undefined) throw new EngineRejection('invalid_amount', 'qty', 'qty is required');
      const trigger = req.trigger;
      const type = trigger ? (req.type === 'market' ? 'stop_market' : 'stop_limit') : req.type;
      this.placing = {
        kind: trigger ? 'conditional' : 'order',
        closeOnTrigger: req.closeOnTrigger,
        closePosition: req.closePosition,
        takeProfit: req.takeProfit,
        stopLoss: req.stopLoss,
      };
      try {
        const { order } = this.engine.placeOrder(
          {
            instrumentName: inst.name,
            direction: req.side,
            amount,
            type,
            ...(req.price !== undefined && req.type === 'limit' ? { price: req.price } : {}),
            ...(trigger ? { trigger: TRIGGER_OF[trigger.ref], triggerPrice: trigger.price, triggerDirection: trigger.direction } : {}),
            timeInForce: req.type === 'market' ? 'immediate_or_cancel' : engineTif(req.timeInForce),
            ...(req.timeInForce === 'post_only' && req.type === 'limit' ? { postOnly: true, cancelPostOnly: true } : {}),
            reduceOnly: req.reduceOnly || req.closeOnTrigger,
            ...(req.closePosition && trigger ? { closePosition: true } : {}),
          },
          now,
        );
        const rec = this.records.get(order.orderId);
        if (!rec) throw new Error('bybit binding: placed order without a record');
        return this.build(rec);
      } finally {
        this.placing = undefined;
      }
    });
  }

  cancelOrder(orderId: string, reason: PortCancelReason, now: number): PortOrder {
    return this.run(now, () => {
      const rec = this.records.get(orderId);
      if (!rec) throw new EngineRejection('order_not_found', 'orderId', 'order not exists');
      const target = this.liveEngineOrder(rec);
      if (!target) throw new EngineRejection('not_open_order', 'orderId', 'order not exists or too late to cancel');
      this.engine.cancelOrder(target.orderId, now, reason);
      return this.build(rec);
    });
  }

  amendOrder(req: AmendOrderRequest, now: number): PortOrder {
    return this.run(now, () => {
      const rec = this.records.get(req.orderId);
      if (!rec) throw new EngineRejection('order_not_found', 'orderId', 'order not exists');
      const target = this.liveEngineOrder(rec);
      if (!target) throw new EngineRejection('not_open_order', 'orderId', 'order not exists or too late to amend');
      if (req.triggerPrice !== undefined && target.state !== 'untriggered')
        throw new EngineRejection('invalid_edit', 'triggerPrice', 'not a waiting conditional order');
      this.engine.editOrder(
        {
          orderId: target.orderId,
          amount: req.qty ?? target.amount,
          ...(req.price !== undefined ? { price: req.price } : {}),
          ...(req.triggerPrice !== undefined ? { triggerPrice: req.triggerPrice } : {}),
        },
        now,
      );
      return this.build(rec);
    });
  }

  /** The engine order that is still working for a record: the waiting trigger or the live order. */
  private liveEngineOrder(rec: OrderRecord): SimOrder | undefined {
    const ids = rec.childId !== undefined ? [rec.childId] : [rec.orderId];
    for (const id of ids) {
      const o = this.engine.getOrder(id);
      if (o && (o.state === 'open' || o.state === 'partially_filled' || o.state === 'untriggered')) return o;
    }
    return undefined;
  }

  order(orderId: string): PortOrder | undefined {
    const rec = this.records.get(orderId);
    return rec ? this.build(rec) : undefined;
  }

  openOrders(instrument?: string): readonly PortOrder[] {
    const ids = new Set<string>();
    for (const o of this.engine.openOrders(instrument !== undefined ? { instrumentName: instrument } : {})) {
      const id = this.owner.get(o.orderId);
      if (id !== undefined) ids.add(id);
    }
    return [...ids].flatMap((id) => {
      const rec = this.records.get(id);
      return rec ? [this.build(rec)] : [];
    });
  }

  orders(instrument?: string): readonly PortOrder[] {
    return [...this.records.values()]
      .map((r) => this.build(r))
      .filter((o) => instrument === undefined || o.instrument === instrument)
      .reverse();
  }

  setTradingStop(req: TradingStopRequest, now: number): void {
    this.run(now, () => {
      const inst = this.mustInstrument(req.instrument);
      const size = this.engine.position(inst.name).size;
      if (size.isZero()) throw new EngineRejection('no_position', 'symbol', 'zero position');
      const stops = this.positionStops.get(inst.name) ?? {};
      this.positionStops.set(inst.name, stops);
      const long = size.isPositive();
      const leg = (which: 'tp' | 'sl', price: Decimal | undefined, ref: PortTriggerRef): void => {
        if (price === undefined) return;
        const existing = stops[which];
        if (existing !== undefined) {
          const rec = this.records.get(existing);
          const live = rec ? this.liveEngineOrder(rec) : undefined;
          if (live) this.engine.cancelOrder(live.orderId, now, 'user_request');
          delete stops[which];
        }
        if (price.isZero()) return;
        this.placing = {
          kind: which === 'tp' ? 'take_profit' : 'stop_loss',
          closeOnTrigger: true,
          closePosition: true,
          takeProfit: undefined,
          stopLoss: undefined,
        };
        try {
          const rising = which === 'tp' ? long : !long;
          const { order } = this.engine.placeOrder(
            {
              instrumentName: inst.name,
              direction: long ? 'sell' : 'buy',
              amount: size.abs(),
              type: which === 'tp' ? 'take_market' : 'stop_market',
              trigger: TRIGGER_OF[ref],
              triggerPrice: price,
              triggerDirection: rising ? 'rising' : 'falling',
              reduceOnly: true,
              closePosition: true,
              cancelOnPositionClose: true,
            },
            now,
          );
          stops[which] = order.orderId;
        } finally {
          this.placing = undefined;
        }
      };
      leg('tp', req.takeProfit, req.tpTriggerRef);
      leg('sl', req.stopLoss, req.slTriggerRef);
      this.pending.push({ type: 'position', position: this.position(inst.name) });
    });
  }

  leverage(name: string): number {
    return this.leverages.get(name) ?? this.mustInstrument(name).maxLeverage;
  }

  setLeverage(name: string, leverage: number, now: number): void {
    this.run(now, () => {
      this.leverages.set(this.mustInstrument(name).name, leverage);
      this.pending.push({ type: 'position', position: this.position(name) });
    });
  }

  // ---- account ---------------------------------------------------------------------------------

  fills(filter: { instrument?: string; orderId?: string }): readonly PortFill[] {
    return this.fillLog
      .filter(
        (f) =>
          (filter.instrument === undefined || f.instrument === filter.instrument) &&
          (filter.orderId === undefined || f.orderId === filter.orderId),
      )
      .reverse();
  }

  position(name: string): PortPosition {
    const inst = this.mustInstrument(name);
    const p = this.engine.position(name);
    const book = this.bookOf(name);
    const stops = this.positionStops.get(name) ?? {};
    const stopPrice = (id: string | undefined): Decimal | undefined => {
      if (id === undefined) return undefined;
      const o = this.engine.getOrder(id);
      return o && o.state === 'untriggered' ? o.triggerPrice : undefined;
    };
    return {
      instrument: name,
      size: p.size,
      averagePrice: p.size.isZero() ? Decimal.ZERO : p.averagePrice,
      mark: p.markPrice,
      value: p.size.isZero() ? Decimal.ZERO : fillValue(inst, p.size.abs(), p.averagePrice),
      unrealizedPnl: p.floatingProfitLoss,
      curRealizedPnl: book.curRealized,
      cumRealizedPnl: book.cumRealized,
      initialMargin: p.initialMargin,
      maintenanceMargin: p.maintenanceMargin,
      leverage: this.leverage(name),
      liquidationPrice: p.estimatedLiquidationPrice,
      takeProfit: stopPrice(stops.tp),
      stopLoss: stopPrice(stops.sl),
      seq: book.seq,
      createdAt: book.createdAt,
      updatedAt: book.updatedAt,
    };
  }

  positions(): readonly PortPosition[] {
    return this.catalogue.map((i) => this.position(i.name)).filter((p) => !p.size.isZero());
  }

  balances(): readonly PortCoinBalance[] {
    return COINS.map((coin) => {
      const s = this.engine.accountSummary(coin);
      return {
        coin,
        walletBalance: s.balance,
        equity: s.equity,
        available: s.availableFunds,
        unrealizedPnl: s.futuresSessionUpl,
        cumRealizedPnl: this.cumRealizedByCoin.get(coin) ?? Decimal.ZERO,
        positionIM: s.initialMargin,
        positionMM: s.maintenanceMargin,
        usdPrice: coin === 'USDT' ? Decimal.from(1) : this.engine.indexPrice(coin),
      };
    });
  }
}

/** Value of `qty` at `price` in the settle coin: linear qty × price (USDT), inverse qty / price (coin). */
export function fillValue(inst: SimInstrument, qty: Decimal, price: Decimal): Decimal {
  if (inst.contractType === 'linear') return qty.times(price);
  return price.isPositive() ? qty.div(price, 8, 'half-up') : Decimal.ZERO;
}

function toPortInstrument(inst: SimInstrument): PortInstrument {
  const inverse = inst.contractType === 'inverse';
  return {
    name: inst.name,
    id: inst.id,
    category: inverse ? 'inverse' : 'linear',
    baseCoin: inst.currency,
    quoteCoin: inverse ? 'USD' : 'USDT',
    settleCoin: inst.settleCurrency,
    tickSize: inst.tickSize,
    priceScale: PRICE_SCALE[inst.name] ?? decimalsOf(inst.tickSize),
    qtyStep: inst.amountStep,
    minQty: inst.minTradeAmount,
    maxLimitQty: inst.maxLimitAmount ?? Decimal.from(1_000_000_000),
    maxMarketQty: inst.maxMarketAmount ?? Decimal.from(1_000_000_000),
    minNotional: inst.minNotional,
    maxLeverage: inst.maxLeverage,
    makerFeeRate: inst.makerCommission,
    takerFeeRate: inst.takerCommission,
    launchTime: inst.creationTimestamp,
  };
}

export function decimalsOf(d: Decimal): number {
  const s = d.toString();
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}
