/**
 * TEMPORARY stand-in behind `OkxEnginePort` until the venue-neutral shared engine (branch
 * `sim-neutral`) is bound to the port: linear USDT swaps in contracts, a synthetic book one spread
 * around the mark, market/limit/IOC/FOK/post-only, reduce-only, net positions, TP/SL/OCO algos on
 * mark/last/index, fees and a seeded random walk. Delete it once the binding exists.
 */
import { Decimal, dec } from '../../domain/decimal.js';
import {
  type AmendOrderRequest,
  type OkxEnginePort,
  type PlaceAlgoRequest,
  type PlaceOrderRequest,
  type PortAlgo,
  type PortAlgoLeg,
  type PortBalance,
  type PortCancelReason,
  type PortEvent,
  type PortFill,
  type PortInstrument,
  type PortListener,
  type PortOrder,
  type PortPosition,
  PortRejection,
  type PortTicker,
} from './engine-port.js';

export interface InterimEngineOptions {
  /** Starting USDT cash. Default 100000. */
  readonly cash?: Decimal;
  /** Start marks per instrument. Default BTC 60000, ETH 3000. */
  readonly marks?: Readonly<Record<string, string>>;
  readonly seed?: number;
  /** Annualised volatility of the random walk. Default 0.6. */
  readonly volatility?: number;
  readonly startTime: number;
  readonly leverage?: number;
}

/** BTC/ETH USDT swaps as in the production capture `http_get_public_instruments_swap_capture.json`. */
export function okxSwapCatalogue(): PortInstrument[] {
  const make = (base: string, id: number, ctVal: string, tick: string, maxMkt: string): PortInstrument => ({
    name: `${base}-USDT-SWAP`,
    id,
    baseCurrency: base,
    settleCurrency: 'USDT',
    contractSize: dec(ctVal),
    amountStep: dec('0.01'),
    minAmount: dec('0.01'),
    maxMarketAmount: dec(maxMkt),
    maxLimitAmount: dec('100000000'),
    tickSize: dec(tick),
    maxLeverage: 100,
    listedAt: 1573557408000,
  });
  return [make('BTC', 10459, '0.01', '0.1', '12000'), make('ETH', 10461, '0.1', '0.01', '20000')];
}

const MAKER_FEE = dec('0.0002');
const TAKER_FEE = dec('0.0005');
const MMR = dec('0.004');
const YEAR_MS = 365 * 24 * 3600 * 1000;

type MutOrder = { -readonly [K in keyof PortOrder]: PortOrder[K] };
type MutAlgo = { -readonly [K in keyof PortAlgo]: PortAlgo[K] };
interface Book {
  inst: PortInstrument;
  mark: Decimal;
  last: Decimal | undefined;
  lastAmount: Decimal;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  volume: Decimal;
  walkAt: number;
  updatedAt: number;
}
interface Pos {
  size: Decimal;
  avg: Decimal;
  realized: Decimal;
  fees: Decimal;
  lastTradeId: string;
  createdAt: number;
  updatedAt: number;
}

export class InterimOkxEngine implements OkxEnginePort {
  private readonly catalogue = okxSwapCatalogue();
  private readonly books = new Map<string, Book>();
  private readonly orders = new Map<string, MutOrder>();
  private readonly algos = new Map<string, MutAlgo>();
  private readonly fillLog: PortFill[] = [];
  private readonly pos = new Map<string, Pos>();
  private readonly listeners = new Set<PortListener>();
  private pending: PortEvent[] = [];
  private cash: Decimal;
  private seq = 0n;
  private tradeSeq = 0;
  private rng: number;
  private readonly lever: number;
  private readonly volatility: number;
  private depth = 0;

  constructor(options: InterimEngineOptions) {
    this.cash = options.cash ?? dec('100000');
    this.rng = (options.seed ?? 1) >>> 0 || 1;
    this.lever = options.leverage ?? 10;
    this.volatility = options.volatility ?? 0.6;
    const marks = options.marks ?? {};
    for (const inst of this.catalogue) {
      const mark = dec(marks[inst.name] ?? (inst.baseCurrency === 'BTC' ? '60000' : '3000'));
      this.books.set(inst.name, { inst, mark, last: undefined, lastAmount: Decimal.ZERO, open: mark, high: mark, low: mark, volume: Decimal.ZERO, walkAt: options.startTime, updatedAt: options.startTime });
    }
  }

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

  private run<T>(work: () => T): T {
    this.depth++;
    try {
      return work();
    } finally {
      this.depth--;
      if (this.depth === 0 && this.pending.length > 0) {
        const events = this.pending;
        this.pending = [];
        for (const l of this.listeners) l(events);
      }
    }
  }

  private book(name: string): Book {
    const b = this.books.get(name);
    if (!b) throw new PortRejection('instrument_not_found', `Instrument ID ${name} does not exist.`);
    return b;
  }
  private bid(b: Book): Decimal {
    return b.mark.minus(b.inst.tickSize).roundToStep(b.inst.tickSize, 'floor');
  }
  private ask(b: Book): Decimal {
    return b.mark.plus(b.inst.tickSize).roundToStep(b.inst.tickSize, 'ceil');
  }

  ticker(name: string, now: number): PortTicker {
    const b = this.book(name);
    return {
      instrument: name,
      bestBid: this.bid(b),
      bestBidAmount: dec('120'),
      bestAsk: this.ask(b),
      bestAskAmount: dec('95'),
      last: b.last ?? b.mark,
      lastAmount: b.lastAmount,
      mark: b.mark,
      index: b.mark,
      open24h: b.open,
      high24h: b.high,
      low24h: b.low,
      volume24h: b.volume,
      timestamp: b.updatedAt,
    };
  }

  private nextRandom(): number {
    // mulberry32
    this.rng = (this.rng + 0x6d2b79f5) >>> 0;
    let t = this.rng;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  step(now: number): void {
    this.run(() => {
      for (const b of this.books.values()) {
        const dt = now - b.walkAt;
        if (dt <= 0) continue;
        b.walkAt = now;
        const u1 = Math.max(this.nextRandom(), 1e-12);
        const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * this.nextRandom());
        const factor = Math.exp(this.volatility * Math.sqrt(dt / YEAR_MS) * z);
        const next = dec(Number((b.mark.toNumber() * factor).toPrecision(12))).roundToStep(b.inst.tickSize);
        this.moveMark(b, next, now);
      }
    });
  }

  setMarkPrice(name: string, price: Decimal, now: number): void {
    this.run(() => this.moveMark(this.book(name), price.roundToStep(this.book(name).inst.tickSize), now));
  }

  private moveMark(b: Book, price: Decimal, now: number): void {
    if (price.eq(b.mark)) return;
    b.mark = price;
    b.updatedAt = now;
    if (price.gt(b.high)) b.high = price;
    if (price.lt(b.low)) b.low = price;
    this.pending.push({ type: 'mark', instrument: b.inst.name }, { type: 'ticker', instrument: b.inst.name });
    this.restingPass(b, now);
    this.triggerPass(b, now);
  }

  // ---- orders -------------------------------------------------------------------------------

  private nextId(): string {
    this.seq += 1n;
    return (1837000000000000000n + this.seq).toString();
  }

  private validateSize(inst: PortInstrument, amount: Decimal, market: boolean): void {
    if (!amount.isPositive()) throw new PortRejection('invalid_amount', 'Parameter sz error');
    if (amount.lt(inst.minAmount)) throw new PortRejection('qty_too_low', `Order quantity must be greater than or equal to the minimum ${inst.minAmount.toString()}.`);
    if (!amount.isMultipleOf(inst.amountStep)) throw new PortRejection('amount_not_multiple', 'Order quantity must be a multiple of the lot size.');
    if (amount.gt(market ? inst.maxMarketAmount : inst.maxLimitAmount)) throw new PortRejection('qty_too_high', 'Order quantity exceeds the maximum.');
  }

  private validatePrice(inst: PortInstrument, price: Decimal): void {
    if (!price.isPositive()) throw new PortRejection('invalid_price', 'Parameter px error');
    if (!price.isMultipleOf(inst.tickSize)) throw new PortRejection('price_wrong_tick', `Order price is not a multiple of the tick size ${inst.tickSize.toString()}.`);
  }

  private position0(name: string): Pos {
    let p = this.pos.get(name);
    if (!p) {
      p = { size: Decimal.ZERO, avg: Decimal.ZERO, realized: Decimal.ZERO, fees: Decimal.ZERO, lastTradeId: '', createdAt: 0, updatedAt: 0 };
      this.pos.set(name, p);
    }
    return p;
  }

  /** Contracts a reduce-only order on `side` may still close (position minus other working reduce-only orders is not modelled). */
  private reducible(name: string, side: 'buy' | 'sell'): Decimal {
    const p = this.pos.get(name);
    if (!p || p.size.isZero()) return Decimal.ZERO;
    if (side === 'sell' && p.size.isPositive()) return p.size;
    if (side === 'buy' && p.size.isNegative()) return p.size.neg();
    return Decimal.ZERO;
  }

  placeOrder(req: PlaceOrderRequest, now: number): PortOrder {
    return this.run(() => {
      const b = this.book(req.instrument);
      this.validateSize(b.inst, req.amount, req.type === 'market');
      if (req.type === 'limit') {
        if (req.price === undefined) throw new PortRejection('invalid_price', 'Parameter px error');
        this.validatePrice(b.inst, req.price);
      }
      if (req.reduceOnly) {
        const room = this.reducible(req.instrument, req.side);
        if (room.isZero()) {
          const p = this.pos.get(req.instrument);
          throw new PortRejection(p && !p.size.isZero() ? 'reduce_only_would_increase' : 'no_position', 'Reduce Only is not available');
        }
        if (req.amount.gt(room)) throw new PortRejection('reduce_only_would_increase', 'Reduce Only is not available');
      } else {
        this.checkFunds(b, req, now);
      }
      const order: MutOrder = {
        orderId: this.nextId(),
        instrument: req.instrument,
        side: req.side,
        type: req.type,
        timeInForce: req.timeInForce,
        amount: req.amount,
        filledAmount: Decimal.ZERO,
        averagePrice: undefined,
        price: req.price,
        state: 'open',
        reduceOnly: req.reduceOnly,
        cancelReason: undefined,
        fee: Decimal.ZERO,
        pnl: Decimal.ZERO,
        algoId: undefined,
        createdAt: now,
        updatedAt: now,
      };
      return this.activate(b, order, now);
    });
  }

  private checkFunds(b: Book, req: PlaceOrderRequest, now: number): void {
    const px = req.price ?? (req.side === 'buy' ? this.ask(b) : this.bid(b));
    const need = req.amount.times(b.inst.contractSize).times(px).div(this.lever, 8, 'ceil');
    if (need.gt(this.balance(now).available)) throw new PortRejection('not_enough_funds', 'Order failed. Insufficient USDT margin in account');
  }

  private activate(b: Book, order: MutOrder, now: number): PortOrder {
    const bestOpp = order.side === 'buy' ? this.ask(b) : this.bid(b);
    const crosses = order.type === 'market' || (order.price !== undefined && (order.side === 'buy' ? order.price.gte(bestOpp) : order.price.lte(bestOpp)));
    if (order.timeInForce === 'post_only' && crosses) {
      // OKX accepts the post-only order and then cancels it (cancelSource 31).
      this.orders.set(order.orderId, order);
      this.finish(order, 'cancelled', now, 'post_only');
      return { ...order };
    }
    this.orders.set(order.orderId, order);
    if (crosses) {
      this.fill(b, order, order.amount, bestOpp, 'T', now);
    } else if (order.timeInForce === 'ioc' || order.timeInForce === 'fok') {
      this.finish(order, 'cancelled', now, 'unfilled_remainder');
      return { ...order };
    } else {
      this.pending.push({ type: 'order', order: { ...order } });
    }
    return { ...order };
  }

  private fill(b: Book, order: MutOrder, amountIn: Decimal, price: Decimal, liquidity: 'M' | 'T', now: number): void {
    let amount = amountIn;
    if (order.reduceOnly) amount = Decimal.min(amount, this.reducible(order.instrument, order.side));
    if (amount.isZero()) {
      this.finish(order, 'cancelled', now, 'reduce_only');
      return;
    }
    const inst = b.inst;
    const p = this.position0(order.instrument);
    const signed = order.side === 'buy' ? amount : amount.neg();
    let pnl = Decimal.ZERO;
    if (!p.size.isZero() && p.size.sign() !== signed.sign()) {
      const closing = Decimal.min(amount, p.size.abs());
      const dir = p.size.isPositive() ? dec(1) : dec(-1);
      pnl = price.minus(p.avg).times(closing).times(inst.contractSize).times(dir);
    }
    const newSize = p.size.plus(signed);
    if (newSize.isZero()) p.avg = Decimal.ZERO;
    else if (p.size.isZero() || p.size.sign() !== newSize.sign()) p.avg = price;
    else if (p.size.sign() === signed.sign()) p.avg = p.avg.times(p.size.abs()).plus(price.times(amount)).div(newSize.abs(), 8);
    if (p.size.isZero()) p.createdAt = now;
    p.size = newSize;
    const fee = amount.times(inst.contractSize).times(price).times(liquidity === 'M' ? MAKER_FEE : TAKER_FEE).roundToStep('0.00000001', 'half-up');
    p.realized = p.realized.plus(pnl).minus(fee);
    p.fees = p.fees.plus(fee);
    this.tradeSeq += 1;
    const tradeId = String(987654000 + this.tradeSeq);
    p.lastTradeId = tradeId;
    p.updatedAt = now;
    this.cash = this.cash.plus(pnl).minus(fee);
    const prevNotional = (order.averagePrice ?? Decimal.ZERO).times(order.filledAmount);
    order.filledAmount = order.filledAmount.plus(amount);
    order.averagePrice = prevNotional.plus(price.times(amount)).div(order.filledAmount, 8);
    order.fee = order.fee.plus(fee);
    order.pnl = order.pnl.plus(pnl);
    order.updatedAt = now;
    order.state = order.filledAmount.gte(order.amount) ? 'filled' : 'partially_filled';
    b.last = price;
    b.lastAmount = amount;
    b.volume = b.volume.plus(amount);
    b.updatedAt = now;
    const fill: PortFill = { tradeId, orderId: order.orderId, instrument: order.instrument, side: order.side, amount, price, fee, pnl, liquidity, timestamp: now };
    this.fillLog.push(fill);
    this.pending.push({ type: 'fill', fill }, { type: 'order', order: { ...order } });
    if (order.state !== 'filled' && (order.type === 'market' || order.timeInForce === 'ioc' || order.timeInForce === 'fok' || order.reduceOnly)) {
      this.finish(order, 'cancelled', now, order.reduceOnly ? 'reduce_only' : 'unfilled_remainder');
    }
    this.pending.push({ type: 'position', position: this.snapshotPosition(order.instrument) }, { type: 'balance', balance: this.balance(now) }, { type: 'ticker', instrument: order.instrument });
    if (p.size.isZero()) this.onFlat(order.instrument, now);
  }

  private finish(order: MutOrder, state: 'cancelled' | 'filled', now: number, reason: PortCancelReason): void {
    order.state = state;
    if (state === 'cancelled') order.cancelReason = reason;
    order.updatedAt = now;
    this.pending.push({ type: 'order', order: { ...order } });
  }

  private onFlat(name: string, now: number): void {
    for (const a of this.algos.values()) {
      if (a.instrument === name && a.state === 'untriggered' && a.cancelOnPositionClose) this.endAlgo(a, 'cancelled', now, 'position_closed');
    }
  }

  private restingPass(b: Book, now: number): void {
    for (const o of [...this.orders.values()]) {
      if (o.instrument !== b.inst.name || (o.state !== 'open' && o.state !== 'partially_filled') || o.price === undefined) continue;
      const hit = o.side === 'buy' ? this.ask(b).lte(o.price) : this.bid(b).gte(o.price);
      if (hit) this.fill(b, o, o.amount.minus(o.filledAmount), o.price, 'M', now);
    }
  }

  cancelOrder(orderId: string, reason: PortCancelReason, now: number): PortOrder {
    return this.run(() => {
      const o = this.orders.get(orderId);
      if (!o) throw new PortRejection('order_not_found', 'Order does not exist');
      if (o.state !== 'open' && o.state !== 'partially_filled') throw new PortRejection('not_open_order', 'Order has been filled or canceled');
      this.finish(o, 'cancelled', now, reason);
      return { ...o };
    });
  }

  amendOrder(req: AmendOrderRequest, now: number): PortOrder {
    return this.run(() => {
      const o = this.orders.get(req.orderId);
      if (!o) throw new PortRejection('order_not_found', 'Order does not exist');
      if (o.state !== 'open' && o.state !== 'partially_filled') throw new PortRejection('not_open_order', 'Order has been filled or canceled');
      const b = this.book(o.instrument);
      if (req.newPrice !== undefined) {
        if (o.type !== 'limit') throw new PortRejection('invalid_price', 'Market orders cannot be amended');
        this.validatePrice(b.inst, req.newPrice);
        o.price = req.newPrice;
      }
      if (req.newAmount !== undefined) {
        if (!req.newAmount.isMultipleOf(b.inst.amountStep) || !req.newAmount.isPositive()) throw new PortRejection('amount_not_multiple', 'Order quantity must be a multiple of the lot size.');
        o.amount = req.newAmount;
        if (o.filledAmount.gte(o.amount)) {
          o.amount = o.filledAmount;
          this.finish(o, 'filled', now, 'user_request');
          return { ...o };
        }
      }
      o.updatedAt = now;
      this.pending.push({ type: 'order', order: { ...o } });
      this.restingPass(b, now);
      return { ...o };
    });
  }

  order(orderId: string): PortOrder | undefined {
    const o = this.orders.get(orderId);
    return o ? { ...o } : undefined;
  }

  openOrders(instrument?: string): readonly PortOrder[] {
    return [...this.orders.values()].filter((o) => (o.state === 'open' || o.state === 'partially_filled') && (instrument === undefined || o.instrument === instrument)).map((o) => ({ ...o }));
  }

  // ---- algos --------------------------------------------------------------------------------

  private reference(b: Book, leg: PortAlgoLeg): Decimal {
    return leg.triggerRef === 'last' ? (b.last ?? b.mark) : b.mark;
  }

  placeAlgo(req: PlaceAlgoRequest, now: number): PortAlgo {
    return this.run(() => {
      const b = this.book(req.instrument);
      if (req.amount !== undefined) this.validateSize(b.inst, req.amount, true);
      for (const leg of [req.takeProfit, req.stopLoss]) {
        if (!leg) continue;
        this.validatePrice(b.inst, leg.triggerPrice);
        if (leg.orderPrice !== undefined) this.validatePrice(b.inst, leg.orderPrice);
      }
      // A buy closes a short: its TP sits below the reference, its SL above (and the reverse for a sell).
      const tp = req.takeProfit;
      const sl = req.stopLoss;
      if (tp && (req.side === 'buy' ? tp.triggerPrice.gte(this.reference(b, tp)) : tp.triggerPrice.lte(this.reference(b, tp)))) {
        throw new PortRejection('trigger_wrong_side', `TP trigger price must be ${req.side === 'buy' ? 'less' : 'greater'} than the last price`);
      }
      if (sl && (req.side === 'buy' ? sl.triggerPrice.lte(this.reference(b, sl)) : sl.triggerPrice.gte(this.reference(b, sl)))) {
        throw new PortRejection('trigger_wrong_side', `SL trigger price must be ${req.side === 'buy' ? 'greater' : 'less'} than the last price`);
      }
      const algo: MutAlgo = {
        algoId: this.nextId(),
        instrument: req.instrument,
        side: req.side,
        amount: req.amount,
        closeWholePosition: req.closeWholePosition,
        reduceOnly: req.reduceOnly,
        cancelOnPositionClose: req.cancelOnPositionClose,
        takeProfit: tp,
        stopLoss: sl,
        state: 'untriggered',
        firedLeg: undefined,
        firedAt: undefined,
        childOrderId: undefined,
        childAmount: undefined,
        childPrice: undefined,
        failReason: undefined,
        cancelReason: undefined,
        createdAt: now,
        updatedAt: now,
      };
      this.algos.set(algo.algoId, algo);
      this.pending.push({ type: 'algo', algo: { ...algo } });
      return { ...algo };
    });
  }

  private endAlgo(a: MutAlgo, state: 'cancelled' | 'triggered' | 'failed', now: number, reason?: PortCancelReason): void {
    a.state = state;
    if (reason) a.cancelReason = reason;
    a.updatedAt = now;
    this.pending.push({ type: 'algo', algo: { ...a } });
  }

  private triggerPass(b: Book, now: number): void {
    for (const a of [...this.algos.values()]) {
      if (a.instrument !== b.inst.name || a.state !== 'untriggered') continue;
      const tp = a.takeProfit;
      const sl = a.stopLoss;
      const hitTp = tp !== undefined && (a.side === 'buy' ? this.reference(b, tp).lte(tp.triggerPrice) : this.reference(b, tp).gte(tp.triggerPrice));
      const hitSl = sl !== undefined && (a.side === 'buy' ? this.reference(b, sl).gte(sl.triggerPrice) : this.reference(b, sl).lte(sl.triggerPrice));
      const leg = hitSl ? sl : hitTp ? tp : undefined;
      if (leg === undefined) continue;
      a.firedLeg = hitSl ? 'sl' : 'tp';
      a.firedAt = now;
      const amount = a.closeWholePosition || a.amount === undefined ? this.reducible(a.instrument, a.side) : a.amount;
      try {
        const child = this.placeChild(b, a, amount, leg, now);
        a.childOrderId = child.orderId;
        a.childAmount = child.filledAmount;
        a.childPrice = child.averagePrice ?? child.price;
        this.endAlgo(a, 'triggered', now);
      } catch (e) {
        if (!(e instanceof PortRejection)) throw e;
        a.failReason = e.reason;
        this.endAlgo(a, 'failed', now);
      }
    }
  }

  private placeChild(b: Book, a: MutAlgo, amount: Decimal, leg: PortAlgoLeg, now: number): PortOrder {
    if (a.reduceOnly && this.reducible(a.instrument, a.side).isZero()) throw new PortRejection('no_position', 'Reduce Only is not available');
    if (!amount.isPositive()) throw new PortRejection('no_position', 'Position does not exist');
    const order: MutOrder = {
      orderId: this.nextId(),
      instrument: a.instrument,
      side: a.side,
      type: leg.orderPrice === undefined ? 'market' : 'limit',
      timeInForce: 'gtc',
      amount,
      filledAmount: Decimal.ZERO,
      averagePrice: undefined,
      price: leg.orderPrice,
      state: 'open',
      reduceOnly: a.reduceOnly,
      cancelReason: undefined,
      fee: Decimal.ZERO,
      pnl: Decimal.ZERO,
      algoId: a.algoId,
      createdAt: now,
      updatedAt: now,
    };
    return this.activate(b, order, now);
  }

  cancelAlgo(algoId: string, now: number): PortAlgo {
    return this.run(() => {
      const a = this.algos.get(algoId);
      if (!a) throw new PortRejection('order_not_found', 'Algo order does not exist');
      if (a.state !== 'untriggered') throw new PortRejection('not_open_order', 'Algo order has been triggered or canceled');
      this.endAlgo(a, 'cancelled', now, 'user_request');
      return { ...a };
    });
  }

  algo(algoId: string): PortAlgo | undefined {
    const a = this.algos.get(algoId);
    return a ? { ...a } : undefined;
  }

  openAlgos(instrument?: string): readonly PortAlgo[] {
    return [...this.algos.values()].filter((a) => a.state === 'untriggered' && (instrument === undefined || a.instrument === instrument)).map((a) => ({ ...a }));
  }

  // ---- account ------------------------------------------------------------------------------

  fills(filter: { instrument?: string; orderId?: string }): readonly PortFill[] {
    return this.fillLog.filter((f) => (filter.instrument === undefined || f.instrument === filter.instrument) && (filter.orderId === undefined || f.orderId === filter.orderId)).reverse();
  }

  private snapshotPosition(name: string): PortPosition {
    const p = this.position0(name);
    const b = this.book(name);
    const coin = p.size.times(b.inst.contractSize);
    const upl = p.size.isZero() ? Decimal.ZERO : b.mark.minus(p.avg).times(coin);
    const notional = coin.abs().times(b.mark);
    const im = notional.div(this.lever, 8);
    const mm = notional.times(MMR).roundToStep('0.00000001');
    return {
      instrument: name,
      size: p.size,
      averagePrice: p.avg,
      mark: b.mark,
      unrealizedPnl: upl,
      realizedPnl: p.realized,
      fees: p.fees,
      initialMargin: im,
      maintenanceMargin: mm,
      leverage: this.lever,
      liquidationPrice: undefined,
      lastTradeId: p.lastTradeId,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    };
  }

  positions(): readonly PortPosition[] {
    return [...this.pos.keys()].map((n) => this.snapshotPosition(n));
  }
  position(name: string): PortPosition | undefined {
    return this.pos.has(name) ? this.snapshotPosition(name) : undefined;
  }
  leverage(): number {
    return this.lever;
  }

  balance(now: number): PortBalance {
    let upl = Decimal.ZERO;
    let im = Decimal.ZERO;
    let mm = Decimal.ZERO;
    let updated = 0;
    for (const p of this.positions()) {
      upl = upl.plus(p.unrealizedPnl);
      im = im.plus(p.initialMargin);
      mm = mm.plus(p.maintenanceMargin);
      updated = Math.max(updated, p.updatedAt);
    }
    let frozen = Decimal.ZERO;
    for (const o of this.orders.values()) {
      if ((o.state === 'open' || o.state === 'partially_filled') && o.price !== undefined && !o.reduceOnly) {
        frozen = frozen.plus(o.amount.minus(o.filledAmount).times(this.book(o.instrument).inst.contractSize).times(o.price).div(this.lever, 8));
      }
    }
    const equity = this.cash.plus(upl);
    return { currency: 'USDT', cash: this.cash, equity, available: equity.minus(im).minus(frozen), frozen, unrealizedPnl: upl, initialMargin: im, maintenanceMargin: mm, updatedAt: updated || now };
  }
}
