/**
 * The simulator's pure, venue-neutral matching engine: one account trading against a synthetic book
 * around the mark, on one venue's catalogue (inverse and linear contracts). No I/O and no clock reads:
 * every operation takes `now` (ms). After each operation the engine hands the events it produced
 * (orders, trades, positions, tickers, portfolio) to its listeners. Refusals are EngineRejections
 * with a neutral RejectReason; front-ends map states, reasons and ids to their wire forms.
 */
import { dec, Decimal } from '../../domain/decimal.js';
import {
  applyFill,
  contractQuantity,
  feeFor,
  FLAT,
  futuresMargins,
  optionMargins,
  pnlOf,
  type PositionState,
  reducibleAmount,
} from './accounting.js';
import { venueCatalogue } from './catalogues.js';
import { type CatalogueOptions, next0800, onTick } from './instruments.js';
import { type CrowdTrade, Market, type MarketOptions } from './market.js';
import {
  type BookLevel,
  type CancelReason,
  type Currency,
  type Direction,
  type EngineEvent,
  type EngineListener,
  EngineRejection,
  type FillHooks,
  type IdScheme,
  isTriggerType,
  type OrderState,
  type OrderType,
  SEQUENCE_IDS,
  type SettleCurrency,
  type SimAccountSummary,
  type SimInstrument,
  type SimOrder,
  type SimPosition,
  type SimTicker,
  type SimTrade,
  type SimVenue,
  type TimeInForce,
  type TriggerDirection,
  type TriggerType,
} from './types.js';
import { type Balance, buildTicker, EMPTY_BALANCE, summarize, valuePosition } from './valuation.js';

/** Starting balances per settle currency unless EngineOptions.balances says otherwise. */
const DEFAULT_BALANCES: Record<SettleCurrency, number> = { BTC: 10, ETH: 100, USDT: 100_000 };

export interface EngineOptions {
  /** Time (ms) the engine starts at; the options chain is listed relative to it. */
  startTime: number;
  /** Seed of the price random walk. Default 1. */
  seed?: number;
  /** Starting index prices. Default BTC 60000, ETH 3000. */
  initialIndex?: Partial<Record<Currency, string | number>>;
  /** The venue whose catalogue is listed (default deribit); ignored when `instruments` is given. */
  venue?: SimVenue;
  /** Starting balances per settle currency. Default BTC 10, ETH 100, USDT 100000. */
  balances?: Partial<Record<SettleCurrency, string | number>>;
  /** Annual volatility of the walk and base option IV. Default BTC 0.6, ETH 0.7. */
  volatility?: Partial<Record<Currency, number>>;
  /** Trades per second the simulated crowd prints while the walk runs; see MarketOptions.tradeRates. */
  tradeRates?: Partial<MarketOptions['tradeRates']>;
  /** Book shape and depth; see MarketOptions. */
  book?: Partial<
    Pick<
      MarketOptions,
      'futureSpreadTicks' | 'optionSpreadFraction' | 'futureLevelContracts' | 'optionLevelMinAmounts' | 'priceBandFraction'
    >
  >;
  catalogue?: CatalogueOptions;
  /** Replaces the generated catalogue entirely. */
  instruments?: readonly SimInstrument[];
  /** Per-order fill caps (fault injection). */
  fillHooks?: FillHooks;
  /** Order and trade id scheme of the front-end's venue (default: sequence numbers). */
  ids?: IdScheme;
}

export interface PlaceOrderRequest {
  instrumentName: string;
  direction: Direction;
  amount: Decimal;
  type: OrderType;
  price?: Decimal;
  trigger?: TriggerType;
  triggerPrice?: Decimal;
  timeInForce?: TimeInForce;
  postOnly?: boolean;
  rejectPostOnly?: boolean;
  reduceOnly?: boolean;
  label?: string;
  origin?: string;
  /** Trigger orders: which way the reference must move to fire. Default: stop buys and take sells rise, the others fall. */
  triggerDirection?: TriggerDirection;
  /** Trigger orders: when one order of the group fires, the others are cancelled (OKX `oco`). */
  ocoGroup?: string;
  /** Cancel this order when the instrument's position goes flat (OKX `cxlOnClosePos`, Bybit TP/SL). */
  cancelOnPositionClose?: boolean;
  /** A post-only order that would take is accepted and cancelled (reason post_only) rather than re-priced; `rejectPostOnly` wins. */
  cancelPostOnly?: boolean;
  /** Trigger orders: when fired, the spawned order takes the whole position at that moment instead of `amount` (OKX `closeFraction: "1"`). */
  closePosition?: boolean;
}

export interface EditOrderRequest {
  orderId: string;
  amount: Decimal;
  price?: Decimal;
  triggerPrice?: Decimal;
  postOnly?: boolean;
  rejectPostOnly?: boolean;
  reduceOnly?: boolean;
}

export interface OrderResult {
  order: SimOrder;
  trades: SimTrade[];
}

export interface OrderFilter {
  currency?: Currency;
  instrumentName?: string;
  kind?: 'future' | 'option';
  label?: string;
  predicate?: (order: SimOrder) => boolean;
}

const MAX_PASSES = 1000;

export class SimEngine {
  private readonly instrumentMap = new Map<string, SimInstrument>();
  private readonly market: Market;
  private readonly orders = new Map<string, SimOrder>();
  private readonly live = new Set<string>();
  private readonly tradeLog: SimTrade[] = [];
  private readonly positionsMap = new Map<string, PositionState>();
  private readonly balances = new Map<SettleCurrency, Balance>();
  /** Settle currencies of the catalogue, in listing order (portfolio events on each price step). */
  private readonly settleCurrencies: SettleCurrency[] = [];
  /** Instruments whose position a fill just took to flat (orders tied to the position get cancelled). */
  private readonly flattened = new Set<string>();
  private readonly tradeSeqByInstrument = new Map<string, number>();
  private readonly settled = new Set<string>();
  private readonly listeners = new Set<EngineListener>();
  private pending: EngineEvent[] = [];
  private orderSeq = 3_000_000_000;
  private triggerSeq = 0;
  private tradeSeq = 100_000_000;
  private now: number;
  private depth = 0;
  /** Fill caps from the hooks, in force for the rest of the operation that asked for them (total filled amount). */
  private readonly fillCaps = new Map<string, Decimal>();
  fillHooks: FillHooks | undefined;
  private readonly ids: IdScheme;

  constructor(options: EngineOptions) {
    this.now = options.startTime;
    this.ids = options.ids ?? SEQUENCE_IDS;
    this.fillHooks = options.fillHooks;
    const index: Record<Currency, Decimal> = {
      BTC: dec(options.initialIndex?.BTC ?? 60000),
      ETH: dec(options.initialIndex?.ETH ?? 3000),
    };
    const instruments = options.instruments ?? venueCatalogue(options.venue ?? 'deribit', options.startTime, index, options.catalogue);
    for (const inst of instruments) {
      this.instrumentMap.set(inst.name, inst);
      if (!this.settleCurrencies.includes(inst.settleCurrency)) this.settleCurrencies.push(inst.settleCurrency);
    }
    this.market = new Market(this.instrumentMap, {
      seed: options.seed ?? 1,
      startTime: options.startTime,
      initialIndex: index,
      volatility: { BTC: options.volatility?.BTC ?? 0.6, ETH: options.volatility?.ETH ?? 0.7 },
      futureCarry: 0.05,
      futureSpreadTicks: options.book?.futureSpreadTicks ?? 1,
      optionSpreadFraction: options.book?.optionSpreadFraction ?? 0.04,
      futureLevelContracts: options.book?.futureLevelContracts ?? 10_000,
      optionLevelMinAmounts: options.book?.optionLevelMinAmounts ?? 200,
      priceBandFraction: options.book?.priceBandFraction ?? 0.015,
      tradeRates: {
        perpetual: options.tradeRates?.perpetual ?? 3,
        future: options.tradeRates?.future ?? 0.5,
        option: options.tradeRates?.option ?? 0.01,
      },
    });
    for (const ccy of ['BTC', 'ETH', 'USDT'] as const) {
      const initial = dec(options.balances?.[ccy] ?? DEFAULT_BALANCES[ccy]);
      this.balances.set(ccy, { initial, fees: Decimal.ZERO, realizedFutures: Decimal.ZERO, realizedOptions: Decimal.ZERO });
    }
  }

  // ---------------------------------------------------------------- listeners

  /** Registers a listener for event batches; returns the unsubscribe function. */
  onEvents(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private run<T>(now: number, work: () => T): T {
    this.now = now;
    if (this.depth === 0) this.fillCaps.clear();
    this.depth += 1;
    try {
      return work();
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

  private emitOrder(order: SimOrder): void {
    this.pending.push({ type: 'order', order: { ...order } });
  }

  // ---------------------------------------------------------------- instruments and prices

  /** The settle currencies of the listed instruments (BTC, ETH on Deribit; USDT on OKX and Bybit). */
  settlementCurrencies(): readonly SettleCurrency[] {
    return this.settleCurrencies;
  }

  instruments(): SimInstrument[] {
    return [...this.instrumentMap.values()];
  }

  instrument(name: string): SimInstrument | undefined {
    return this.instrumentMap.get(name);
  }

  /** True while the instrument has not expired. */
  isActive(name: string, now = this.now): boolean {
    const inst = this.instrumentMap.get(name);
    return inst !== undefined && !this.settled.has(name) && inst.expirationTimestamp > now;
  }

  indexPrice(currency: Currency): Decimal {
    return this.market.indexPrice(currency);
  }

  markPrice(name: string): Decimal {
    return this.market.mark(name);
  }

  lastPrice(name: string): Decimal | undefined {
    return this.market.lastPrice(name);
  }

  /** Increments whenever the instrument's ticker changes. */
  tickerVersion(name: string): number {
    return this.market.version(name);
  }

  /** Sets the index of `currency`, re-marks its instruments, then fires triggers and fills resting orders. */
  setIndexPrice(currency: Currency, price: Decimal | string | number, now: number): void {
    this.run(now, () => {
      this.emitTickers(this.market.setIndex(currency, dec(price), now));
      this.pushPortfolios(this.settleCurrenciesOf(currency));
      this.runPasses();
    });
  }

  /** Pins one instrument's mark price (futures keep that basis to the index afterwards). */
  setMarkPrice(name: string, price: Decimal | string | number, now: number): void {
    const inst = this.requireInstrument(name);
    this.run(now, () => {
      this.emitTickers(this.market.setMark(inst, dec(price), now));
      this.pushPortfolios(this.settleCurrenciesOf(inst.currency));
      this.runPasses();
    });
  }

  /** Sets the last trade price (for last_price triggers) without a trade. */
  setLastPrice(name: string, price: Decimal | string | number, now: number): void {
    this.requireInstrument(name);
    this.run(now, () => {
      this.market.setLast(name, dec(price));
      this.pending.push({ type: 'ticker', instrumentName: name });
      this.runPasses();
    });
  }

  /** The change_id of the instrument's latest synthetic book change. */
  bookChangeId(name: string): number {
    return this.market.bookChangeId(name);
  }

  /**
   * Advances the seeded random walk to `now` and prints the crowd's trades (last price, volume,
   * high/low), then expiries, triggers and resting fills.
   */
  step(now: number): void {
    this.run(now, () => {
      const { changed, trades } = this.market.step(now);
      this.emitTickers(changed);
      for (const t of trades) if (this.isActive(t.instrument.name, now)) this.printCrowdTrade(t);
      this.pushPortfolios(this.settleCurrencies);
      this.expire(now);
      this.runPasses();
    });
  }

  /** Handles time passing without a price move: expiries and good_til_day orders. */
  advance(now: number): void {
    this.run(now, () => this.expire(now));
  }

  private printCrowdTrade(t: CrowdTrade): void {
    const inst = t.instrument;
    const prevLast = this.market.lastPrice(inst.name);
    this.market.recordTrade(inst, t.price, t.amount);
    const om = inst.kind === 'option' ? this.market.optionMark(inst.name) : undefined;
    this.pending.push({
      type: 'public_trade',
      trade: {
        ...this.nextTrade(inst),
        instrumentName: inst.name,
        currency: inst.currency,
        kind: inst.kind,
        direction: t.direction,
        amount: t.amount,
        price: t.price,
        indexPrice: this.market.indexPrice(inst.currency),
        markPrice: this.market.mark(inst.name),
        timestamp: this.now,
        tickDirection: tickDirection(prevLast, t.price),
        ...(om ? { iv: om.iv } : {}),
      },
    });
  }

  /** Settle currencies of the instruments on `currency`'s index (whose valuations an index move changes). */
  private settleCurrenciesOf(currency: Currency): SettleCurrency[] {
    const out: SettleCurrency[] = [];
    for (const inst of this.instrumentMap.values())
      if (inst.currency === currency && !out.includes(inst.settleCurrency)) out.push(inst.settleCurrency);
    return out;
  }

  private pushPortfolios(currencies: readonly SettleCurrency[]): void {
    for (const currency of currencies) this.pending.push({ type: 'portfolio', currency });
  }

  private emitTickers(names: readonly string[]): void {
    for (const instrumentName of names) this.pending.push({ type: 'ticker', instrumentName });
  }

  // ---------------------------------------------------------------- order entry

  /** Places an order; throws EngineRejection when the request is refused. */
  placeOrder(req: PlaceOrderRequest, now: number): OrderResult {
    return this.run(now, () => {
      const inst = this.requireOpenInstrument(req.instrumentName, now);
      this.validateAmount(inst, req.amount);
      const marketStyle = req.type === 'market' || req.type === 'stop_market' || req.type === 'take_market';
      this.validateSize(inst, req.amount, marketStyle, req.price, req.reduceOnly ?? false);
      const trigger = isTriggerType(req.type);
      const limitStyle = req.type === 'limit' || req.type === 'stop_limit' || req.type === 'take_limit';
      if (limitStyle) {
        if (req.price === undefined) throw new EngineRejection('missing_price', 'price', 'price is required');
        this.validatePrice(inst, req.price, 'price');
      }
      const triggerDirection = req.triggerDirection ?? defaultTriggerDirection(req.type, req.direction);
      if (trigger) this.validateTrigger(inst, triggerDirection, req.trigger, req.triggerPrice);
      const position = this.positionsMap.get(inst.name) ?? FLAT;
      const reduceOnly = req.reduceOnly ?? false;
      if (reduceOnly && !trigger && reducibleAmount(position, req.direction).isZero()) {
        throw new EngineRejection('reduce_only_would_increase', 'reduce_only', 'reduce_direction');
      }
      if (!reduceOnly) this.checkFunds(inst, req.direction, req.amount, req.price);
      const tif = req.timeInForce ?? 'good_til_cancelled';
      const order: SimOrder = {
        orderId: trigger ? this.nextTriggerId(inst, req) : this.nextOrderId(inst),
        instrumentName: inst.name,
        currency: inst.currency,
        kind: inst.kind,
        direction: req.direction,
        orderType: req.type,
        amount: req.amount,
        filledAmount: Decimal.ZERO,
        averagePrice: Decimal.ZERO,
        filledNotional: Decimal.ZERO,
        price: req.price,
        state: trigger ? 'untriggered' : 'open',
        label: req.label ?? '',
        reduceOnly,
        postOnly: req.postOnly ?? false,
        rejectPostOnly: req.rejectPostOnly ?? false,
        timeInForce: tif,
        creationTimestamp: now,
        lastUpdateTimestamp: now,
        replaced: false,
        ...(req.origin !== undefined ? { origin: req.origin } : {}),
        ...(tif === 'good_til_day' ? { expiresAt: next0800(now) } : {}),
        ...(req.cancelOnPositionClose === true ? { cancelOnPositionClose: true } : {}),
        ...(req.cancelPostOnly === true ? { cancelPostOnly: true } : {}),
      };
      if (trigger) {
        order.trigger = req.trigger ?? 'mark_price';
        order.triggerPrice = req.triggerPrice;
        order.triggered = false;
        order.triggerDirection = triggerDirection;
        if (req.ocoGroup !== undefined) order.ocoGroup = req.ocoGroup;
        if (req.closePosition === true) order.closePosition = true;
        this.orders.set(order.orderId, order);
        this.live.add(order.orderId);
        this.emitOrder(order);
        return { order: { ...order }, trades: [] };
      }
      if (order.postOnly && order.orderType === 'limit' && tif === 'good_til_cancelled') this.applyPostOnly(inst, order);
      this.orders.set(order.orderId, order);
      if (order.state === 'cancelled') {
        this.emitOrder(order);
        return { order: { ...order }, trades: [] };
      }
      const trades = this.activate(inst, order);
      // A fill moves the last price, which can fire last_price triggers; the book itself follows the mark.
      if (trades.length > 0) this.runPasses();
      return { order: { ...this.mustGet(order.orderId) }, trades };
    });
  }

  /** Amends an open or untriggered order (amount, price, trigger price, flags). */
  editOrder(req: EditOrderRequest, now: number): OrderResult {
    return this.run(now, () => {
      const order = this.orders.get(req.orderId);
      if (!order) throw new EngineRejection('order_not_found', 'order_id', 'order_not_found');
      if (!this.live.has(order.orderId)) throw new EngineRejection('not_open_order', 'order_id', 'not_open_order');
      const inst = this.requireOpenInstrument(order.instrumentName, now);
      this.validateAmount(inst, req.amount);
      if (req.amount.lt(order.filledAmount)) throw new EngineRejection('invalid_amount', 'amount', 'amount below filled amount');
      const limitStyle = order.orderType === 'limit' || order.orderType === 'stop_limit' || order.orderType === 'take_limit';
      if (req.price !== undefined) {
        if (!limitStyle) throw new EngineRejection('invalid_edit', 'price', 'price cannot be set on a market order');
        this.validatePrice(inst, req.price, 'price');
      }
      if (req.triggerPrice !== undefined) {
        if (order.state !== 'untriggered') throw new EngineRejection('invalid_edit', 'trigger_price', 'order is not a trigger order');
        this.validateTrigger(
          inst,
          order.triggerDirection ?? defaultTriggerDirection(order.orderType, order.direction),
          order.trigger,
          req.triggerPrice,
        );
      }
      order.amount = req.amount;
      if (req.price !== undefined) order.price = req.price;
      if (req.triggerPrice !== undefined) order.triggerPrice = req.triggerPrice;
      if (req.postOnly !== undefined) order.postOnly = req.postOnly;
      if (req.rejectPostOnly !== undefined) order.rejectPostOnly = req.rejectPostOnly;
      if (req.reduceOnly !== undefined) order.reduceOnly = req.reduceOnly;
      order.replaced = true;
      order.lastUpdateTimestamp = now;
      let trades: SimTrade[] = [];
      if (isResting(order.state)) {
        if (order.filledAmount.gte(order.amount)) {
          this.finish(order, 'filled');
        } else {
          if (order.postOnly) this.applyPostOnly(inst, order);
          if (isResting(order.state)) {
            trades = this.take(inst, order, 'T');
            this.settleAfterTake(order);
          }
        }
      }
      this.emitExecution(inst, order, trades);
      if (trades.length > 0) this.runPasses();
      return { order: { ...order }, trades };
    });
  }

  /** Cancels one live order; throws order_not_found / not_open_order. */
  cancelOrder(orderId: string, now: number, reason: CancelReason = 'user_request'): SimOrder {
    return this.run(now, () => {
      const order = this.orders.get(orderId);
      if (!order) throw new EngineRejection('order_not_found', 'order_id', 'order_not_found');
      if (!this.live.has(orderId)) throw new EngineRejection('not_open_order', 'order_id', 'not_open_order');
      this.finish(order, 'cancelled', reason);
      this.emitOrder(order);
      return { ...order };
    });
  }

  /** Cancels every live order matching `filter`; returns the cancelled orders. */
  cancelWhere(filter: OrderFilter, now: number, reason: CancelReason = 'user_request'): SimOrder[] {
    return this.run(now, () => {
      const out: SimOrder[] = [];
      for (const order of this.openOrders(filter)) {
        const o = this.mustGet(order.orderId);
        this.finish(o, 'cancelled', reason);
        this.emitOrder(o);
        out.push({ ...o });
      }
      return out;
    });
  }

  /** Closes the whole position with a reduce-only market or limit order. */
  closePosition(instrumentName: string, type: 'market' | 'limit', price: Decimal | undefined, now: number, origin?: string): OrderResult {
    const inst = this.requireInstrument(instrumentName);
    const pos = this.positionsMap.get(inst.name) ?? FLAT;
    if (pos.size.isZero()) throw new EngineRejection('no_position', 'instrument_name', 'no open position');
    return this.placeOrder(
      {
        instrumentName,
        direction: pos.size.isPositive() ? 'sell' : 'buy',
        amount: pos.size.abs(),
        type,
        ...(price !== undefined ? { price } : {}),
        reduceOnly: true,
        ...(origin !== undefined ? { origin } : {}),
      },
      now,
    );
  }

  // ---------------------------------------------------------------- queries

  getOrder(orderId: string): SimOrder | undefined {
    const o = this.orders.get(orderId);
    return o ? { ...o } : undefined;
  }

  /** Open and untriggered orders, oldest first. */
  openOrders(filter: OrderFilter = {}): SimOrder[] {
    const out: SimOrder[] = [];
    for (const id of this.live) {
      const o = this.orders.get(id);
      if (o && this.matches(o, filter)) out.push({ ...o });
    }
    return out;
  }

  /** Every order ever placed (newest last), filtered. */
  allOrders(filter: OrderFilter = {}): SimOrder[] {
    return [...this.orders.values()].filter((o) => this.matches(o, filter)).map((o) => ({ ...o }));
  }

  /** Trades, oldest first, filtered by currency / instrument / kind / order. */
  trades(filter: { currency?: Currency; instrumentName?: string; kind?: 'future' | 'option'; orderId?: string } = {}): SimTrade[] {
    return this.tradeLog.filter(
      (t) =>
        (filter.currency === undefined || t.currency === filter.currency) &&
        (filter.instrumentName === undefined || t.instrumentName === filter.instrumentName) &&
        (filter.kind === undefined || t.kind === filter.kind) &&
        (filter.orderId === undefined || t.orderId === filter.orderId),
    );
  }

  /** The position in one instrument, valued now (size 0 when flat). */
  position(name: string): SimPosition {
    return this.valuePosition(this.requireInstrument(name));
  }

  /** Non-flat positions, filtered by underlying, settle currency or kind. */
  positions(filter: { currency?: Currency; settleCurrency?: SettleCurrency; kind?: 'future' | 'option' } = {}): SimPosition[] {
    const out: SimPosition[] = [];
    for (const [name, state] of this.positionsMap) {
      const inst = this.instrumentMap.get(name);
      if (!inst || state.size.isZero()) continue;
      if (filter.currency !== undefined && inst.currency !== filter.currency) continue;
      if (filter.settleCurrency !== undefined && inst.settleCurrency !== filter.settleCurrency) continue;
      if (filter.kind !== undefined && inst.kind !== filter.kind) continue;
      out.push(this.valuePosition(inst));
    }
    return out;
  }

  /** Ticker of one instrument at the current prices. */
  ticker(name: string, now: number): SimTicker {
    const inst = this.requireInstrument(name);
    return buildTicker(this.market, inst, this.positionsMap.get(name), this.isActive(name, now), now);
  }

  /** The synthetic order book, `depth` levels per side. */
  book(name: string, depth: number): { bids: BookLevel[]; asks: BookLevel[] } {
    const inst = this.requireInstrument(name);
    return { bids: this.market.bookSide(inst, 'bids', depth), asks: this.market.bookSide(inst, 'asks', depth) };
  }

  /** Account summary of one settle currency (BTC, ETH or USDT), valued at the current marks. */
  accountSummary(currency: SettleCurrency): SimAccountSummary {
    return summarize(currency, this.balances.get(currency) ?? EMPTY_BALANCE, this.positions({ settleCurrency: currency }));
  }

  // ---------------------------------------------------------------- internals: validation

  private requireInstrument(name: string): SimInstrument {
    const inst = this.instrumentMap.get(name);
    if (!inst) throw new EngineRejection('instrument_not_found', 'instrument_name', 'instrument not found');
    return inst;
  }

  private requireOpenInstrument(name: string, now: number): SimInstrument {
    const inst = this.requireInstrument(name);
    if (!this.isActive(name, now)) throw new EngineRejection('instrument_not_open', 'instrument_name', 'instrument is not open');
    return inst;
  }

  private validateAmount(inst: SimInstrument, amount: Decimal): void {
    if (!amount.isPositive()) throw new EngineRejection('invalid_amount', 'amount', 'amount must be positive');
    if (amount.lt(inst.minTradeAmount)) throw new EngineRejection('qty_too_low', 'amount', `minimum is ${inst.minTradeAmount.toString()}`);
    if (!amount.isMultipleOf(inst.amountStep)) {
      throw new EngineRejection(
        'amount_not_multiple',
        'amount',
        `must be a multiple of ${inst.kind === 'future' ? 'contract size' : 'minimum amount'} ${inst.amountStep.toString()}`,
      );
    }
  }

  /**
   * Venue size caps on orders that can open a position: max market / limit amount and the minimum
   * notional. Reduce-only orders are exempt, so a stop or a close of a large position is never refused
   * for its size (Bybit splits such orders; the simulator fills them whole).
   */
  private validateSize(inst: SimInstrument, amount: Decimal, marketStyle: boolean, price: Decimal | undefined, reduceOnly: boolean): void {
    const max = marketStyle ? inst.maxMarketAmount : inst.maxLimitAmount;
    if (max !== undefined && !reduceOnly && amount.gt(max))
      throw new EngineRejection('qty_too_high', 'amount', `maximum is ${max.toString()}`);
    if (inst.minNotional !== undefined && !reduceOnly && inst.kind === 'future') {
      const px = price ?? this.market.mark(inst.name);
      const notional = inst.contractType === 'linear' ? contractQuantity(inst, amount).times(px) : contractQuantity(inst, amount);
      if (notional.lt(inst.minNotional))
        throw new EngineRejection('notional_too_low', 'amount', `minimum notional is ${inst.minNotional.toString()}`);
    }
  }

  private validatePrice(inst: SimInstrument, price: Decimal, param: string): void {
    if (!price.isPositive()) throw new EngineRejection('invalid_price', param, 'price must be positive');
    if (!onTick(inst, price))
      throw new EngineRejection(param === 'price' ? 'price_wrong_tick' : 'trigger_price_wrong_tick', param, 'price_wrong_tick');
  }

  private triggerReference(inst: SimInstrument, trigger: TriggerType): Decimal {
    switch (trigger) {
      case 'index_price':
        return this.market.indexPrice(inst.currency);
      case 'mark_price':
        return this.market.mark(inst.name);
      case 'last_price':
        return this.market.lastPrice(inst.name) ?? this.market.mark(inst.name);
    }
  }

  private validateTrigger(
    inst: SimInstrument,
    direction: TriggerDirection,
    trigger: TriggerType | undefined,
    triggerPrice: Decimal | undefined,
  ): void {
    if (trigger === undefined) throw new EngineRejection('missing_trigger', 'trigger', 'trigger is required');
    if (triggerPrice === undefined) throw new EngineRejection('missing_trigger', 'trigger_price', 'trigger_price is required');
    if (!triggerPrice.isPositive()) throw new EngineRejection('invalid_price', 'trigger_price', 'trigger_price must be positive');
    if (!onTick(inst, triggerPrice)) throw new EngineRejection('trigger_price_wrong_tick', 'trigger_price', 'trigger_price_wrong_tick');
    const ref = this.triggerReference(inst, trigger);
    // A rising trigger must sit above the reference, a falling one below it (else it would fire at once).
    const mustBeAbove = direction === 'rising';
    if (mustBeAbove && triggerPrice.lte(ref))
      throw new EngineRejection('trigger_price_too_low', 'trigger_price', `trigger_price_too_low ${ref.toString()}`);
    if (!mustBeAbove && triggerPrice.gte(ref))
      throw new EngineRejection('trigger_price_too_high', 'trigger_price', `trigger_price_too_high ${ref.toString()}`);
  }

  private checkFunds(inst: SimInstrument, direction: Direction, amount: Decimal, price: Decimal | undefined): void {
    const pos = this.positionsMap.get(inst.name) ?? FLAT;
    const adds = amount.minus(reducibleAmount(pos, direction));
    if (!adds.isPositive()) return;
    const px = price ?? this.market.mark(inst.name);
    let required: Decimal;
    if (inst.kind === 'future' && inst.contractType === 'linear')
      required = futuresMargins(inst, contractQuantity(inst, adds).times(px)).initial;
    else if (inst.kind === 'future')
      required = futuresMargins(inst, contractQuantity(inst, adds).div(px.isPositive() ? px : Decimal.from(1), 12)).initial;
    else if (direction === 'buy') required = adds.times(px);
    else required = optionMargins(adds.neg(), px).initial;
    const available = this.accountSummary(inst.settleCurrency).availableFunds;
    if (required.gt(available)) throw new EngineRejection('not_enough_funds', undefined, 'not_enough_funds');
  }

  private applyPostOnly(inst: SimInstrument, order: SimOrder): void {
    if (order.price === undefined) return;
    const top = this.market.topOfBook(inst);
    const crosses =
      order.direction === 'buy' ? top.ask !== undefined && order.price.gte(top.ask) : top.bid !== undefined && order.price.lte(top.bid);
    if (!crosses) return;
    if (order.rejectPostOnly) throw new EngineRejection('post_only_reject', 'post_only', 'post_only_reject');
    if (order.cancelPostOnly === true) {
      this.finish(order, 'cancelled', 'post_only');
      return;
    }
    // Re-price one tick inside the spread, so the order rests as a maker.
    if (order.direction === 'buy' && top.ask !== undefined) order.price = top.ask.minus(inst.tickSize);
    if (order.direction === 'sell' && top.bid !== undefined) order.price = top.bid.plus(inst.tickSize);
  }

  // ---------------------------------------------------------------- internals: ids

  private nextOrderId(inst: SimInstrument): string {
    this.orderSeq += 1;
    return this.ids.order(inst, this.orderSeq);
  }

  private nextTriggerId(inst: SimInstrument, req: PlaceOrderRequest): string {
    this.triggerSeq += 1;
    return this.ids.trigger(inst, { type: req.type, trigger: req.trigger ?? 'mark_price', direction: req.direction }, this.triggerSeq);
  }

  private nextTrade(inst: SimInstrument): { tradeId: string; tradeSeq: number } {
    this.tradeSeq += 1;
    const seq = (this.tradeSeqByInstrument.get(inst.name) ?? 0) + 1;
    this.tradeSeqByInstrument.set(inst.name, seq);
    return { tradeId: this.ids.trade(inst, this.tradeSeq), tradeSeq: seq };
  }

  private mustGet(orderId: string): SimOrder {
    const o = this.orders.get(orderId);
    if (!o) throw new Error(`engine lost order ${orderId}`);
    return o;
  }

  private matches(o: SimOrder, f: OrderFilter): boolean {
    return (
      (f.currency === undefined || o.currency === f.currency) &&
      (f.instrumentName === undefined || o.instrumentName === f.instrumentName) &&
      (f.kind === undefined || o.kind === f.kind) &&
      (f.label === undefined || o.label === f.label) &&
      (f.predicate === undefined || f.predicate(o))
    );
  }

  // ---------------------------------------------------------------- internals: matching

  /** Starts a non-trigger order: takes liquidity, then rests, cancels the remainder or finishes. */
  private activate(inst: SimInstrument, order: SimOrder): SimTrade[] {
    if (order.orderType === 'market') {
      const band = this.market.priceBand(inst);
      order.price = order.direction === 'buy' ? band.max : band.min;
    } else if (order.price !== undefined) {
      // Buys above max_price and sells below min_price are clamped to the band.
      const band = this.market.priceBand(inst);
      if (order.direction === 'buy' && order.price.gt(band.max)) order.price = band.max;
      if (order.direction === 'sell' && order.price.lt(band.min)) order.price = band.min;
    }
    this.live.add(order.orderId);
    if (order.timeInForce === 'fill_or_kill') {
      const plan = this.plan(inst, order);
      const total = plan.reduce((s, l) => s.plus(l.amount), Decimal.ZERO);
      if (total.lt(order.amount)) {
        this.finish(order, 'cancelled', 'unfilled_remainder');
        this.emitOrder(order);
        return [];
      }
    }
    const trades = this.take(inst, order, 'T');
    this.settleAfterTake(order);
    this.emitExecution(inst, order, trades);
    return trades;
  }

  /** Queues the events of one execution step: the order's new state, its trades, the position. */
  private emitExecution(inst: SimInstrument, order: SimOrder, trades: readonly SimTrade[]): void {
    this.emitOrder(order);
    if (trades.length === 0) return;
    for (const trade of trades) this.pending.push({ type: 'trade', trade });
    this.pending.push(
      { type: 'position', position: this.valuePosition(inst) },
      { type: 'ticker', instrumentName: inst.name },
      { type: 'portfolio', currency: inst.settleCurrency },
    );
    if (this.flattened.delete(inst.name)) this.cancelTiedToPosition(inst);
  }

  /** The position went flat: orders placed with cancelOnPositionClose on that instrument are cancelled. */
  private cancelTiedToPosition(inst: SimInstrument): void {
    for (const id of [...this.live]) {
      const o = this.orders.get(id);
      if (!o || o.instrumentName !== inst.name || o.cancelOnPositionClose !== true) continue;
      this.finish(o, 'cancelled', 'position_closed');
      this.emitOrder(o);
    }
  }

  /** After a taking pass: market/IOC remainders are cancelled, reduce-only leftovers that can no longer reduce too. */
  private settleAfterTake(order: SimOrder): void {
    if (!isResting(order.state)) return;
    const remaining = order.amount.minus(order.filledAmount);
    if (!remaining.isPositive()) return;
    if (order.orderType === 'market' || order.timeInForce === 'immediate_or_cancel' || order.timeInForce === 'fill_or_kill') {
      this.finish(order, 'cancelled', 'unfilled_remainder');
      return;
    }
    if (order.reduceOnly && reducibleAmount(this.positionsMap.get(order.instrumentName) ?? FLAT, order.direction).isZero()) {
      this.finish(order, 'cancelled', 'reduce_only');
    }
  }

  /** The fills an order would get now as a taker: book levels within its limit, capped. */
  private plan(inst: SimInstrument, order: SimOrder): BookLevel[] {
    let remaining = order.amount.minus(order.filledAmount);
    if (order.reduceOnly) remaining = Decimal.min(remaining, reducibleAmount(this.positionsMap.get(inst.name) ?? FLAT, order.direction));
    remaining = this.applyFillCap(inst, order, remaining);
    const out: BookLevel[] = [];
    if (!remaining.isPositive()) return out;
    const levelAmount = this.market.minLevelAmount(inst);
    const side = order.direction === 'buy' ? 'asks' : 'bids';
    // Enough levels to fill the remainder (at the smallest level size), bounded to keep one pass cheap.
    const depth = Math.min(Number(remaining.div(levelAmount, 0, 'ceil').toString()) + 1, 5000);
    for (const level of this.market.bookSide(inst, side, depth)) {
      if (order.price !== undefined) {
        if (order.direction === 'buy' && level.price.gt(order.price)) break;
        if (order.direction === 'sell' && level.price.lt(order.price)) break;
      }
      const qty = Decimal.min(level.amount, remaining);
      out.push({ price: level.price, amount: qty });
      remaining = remaining.minus(qty);
      if (!remaining.isPositive()) break;
    }
    return out;
  }

  /** Limits `qty` by a fault-injected cap; a cap holds for the whole operation in which it was first asked. */
  private applyFillCap(inst: SimInstrument, order: SimOrder, qty: Decimal): Decimal {
    let limit = this.fillCaps.get(order.orderId);
    if (limit === undefined) {
      const cap = this.fillHooks?.maxFillFor(order);
      if (cap === undefined) return qty;
      limit = order.filledAmount.plus(Decimal.max(cap, Decimal.ZERO).roundToStep(inst.amountStep, 'floor'));
      this.fillCaps.set(order.orderId, limit);
    }
    return Decimal.max(Decimal.min(qty, limit.minus(order.filledAmount)), Decimal.ZERO);
  }

  private take(inst: SimInstrument, order: SimOrder, liquidity: 'M' | 'T'): SimTrade[] {
    const trades: SimTrade[] = [];
    for (const level of this.plan(inst, order)) trades.push(this.fill(inst, order, level.amount, level.price, liquidity));
    return trades;
  }

  /** Books one fill: order, position, balance, trade record, last price. */
  private fill(inst: SimInstrument, order: SimOrder, amount: Decimal, price: Decimal, liquidity: 'M' | 'T'): SimTrade {
    const before = this.positionsMap.get(inst.name) ?? FLAT;
    const { next, realized } = applyFill(before, inst, order.direction, amount, price);
    this.positionsMap.set(inst.name, next);
    if (!before.size.isZero() && next.size.isZero()) this.flattened.add(inst.name);
    const fee = feeFor(inst, amount, price, liquidity);
    const bal = this.balances.get(inst.settleCurrency);
    if (bal) {
      bal.fees = bal.fees.plus(fee);
      if (inst.kind === 'future') bal.realizedFutures = bal.realizedFutures.plus(realized);
      else bal.realizedOptions = bal.realizedOptions.plus(realized);
    }
    order.filledAmount = order.filledAmount.plus(amount);
    order.filledNotional = order.filledNotional.plus(amount.times(price));
    order.averagePrice = order.filledNotional
      .div(order.filledAmount, 8)
      .roundToStep(inst.kind === 'future' ? '0.0001' : '0.00000001', 'half-up');
    order.lastUpdateTimestamp = this.now;
    if (order.filledAmount.gte(order.amount)) {
      order.state = 'filled';
      this.live.delete(order.orderId);
    } else {
      order.state = 'partially_filled';
    }
    const prevLast = this.market.lastPrice(inst.name);
    this.market.recordTrade(inst, price, amount);
    const ids = this.nextTrade(inst);
    const om = inst.kind === 'option' ? this.market.optionMark(inst.name) : undefined;
    const trade: SimTrade = {
      ...ids,
      orderId: order.orderId,
      instrumentName: inst.name,
      currency: inst.currency,
      kind: inst.kind,
      direction: order.direction,
      amount,
      price,
      fee,
      feeCurrency: inst.settleCurrency,
      liquidity,
      indexPrice: this.market.indexPrice(inst.currency),
      markPrice: this.market.mark(inst.name),
      timestamp: this.now,
      state: order.state,
      orderType: order.orderType === 'market' ? 'market' : 'limit',
      label: order.label,
      reduceOnly: order.reduceOnly,
      postOnly: order.postOnly,
      profitLoss: realized,
      tickDirection: tickDirection(prevLast, price),
      ...(om ? { iv: om.iv, underlyingPrice: om.underlyingPrice } : {}),
    };
    this.tradeLog.push(trade);
    return trade;
  }

  private finish(order: SimOrder, state: 'filled' | 'cancelled' | 'rejected', cancelReason?: CancelReason): void {
    order.state = state;
    order.lastUpdateTimestamp = this.now;
    if (cancelReason !== undefined) order.cancelReason = cancelReason;
    this.live.delete(order.orderId);
  }

  /** Fires triggers and fills resting orders until nothing changes (a fill can move the last price). */
  private runPasses(): void {
    for (let i = 0; i < MAX_PASSES; i++) {
      const fired = this.triggerPass();
      const filled = this.restingPass();
      if (!fired && !filled) return;
    }
  }

  private triggerPass(): boolean {
    let fired = false;
    for (const id of [...this.live]) {
      const order = this.orders.get(id);
      if (!order || order.state !== 'untriggered' || order.trigger === undefined || order.triggerPrice === undefined) continue;
      const inst = this.instrumentMap.get(order.instrumentName);
      if (!inst) continue;
      const ref = this.triggerReference(inst, order.trigger);
      const up = (order.triggerDirection ?? defaultTriggerDirection(order.orderType, order.direction)) === 'rising';
      const hit = up ? ref.gte(order.triggerPrice) : ref.lte(order.triggerPrice);
      if (!hit) continue;
      fired = true;
      this.fireTrigger(inst, order);
    }
    return fired;
  }

  /** Marks the trigger order triggered and spawns the market/limit order that does the trading. */
  private fireTrigger(inst: SimInstrument, parent: SimOrder): void {
    parent.state = 'triggered';
    parent.triggered = true;
    parent.lastUpdateTimestamp = this.now;
    this.live.delete(parent.orderId);
    this.emitOrder(parent);
    if (parent.ocoGroup !== undefined) {
      const group = parent.ocoGroup;
      for (const id of [...this.live]) {
        const sibling = this.orders.get(id);
        if (!sibling || sibling.ocoGroup !== group || sibling.state !== 'untriggered') continue;
        this.finish(sibling, 'cancelled', 'oco_sibling');
        this.emitOrder(sibling);
      }
    }
    const market = parent.orderType === 'stop_market' || parent.orderType === 'take_market';
    const wholePosition =
      parent.closePosition === true ? reducibleAmount(this.positionsMap.get(inst.name) ?? FLAT, parent.direction) : Decimal.ZERO;
    const child: SimOrder = {
      orderId: this.nextOrderId(inst),
      instrumentName: inst.name,
      currency: inst.currency,
      kind: inst.kind,
      direction: parent.direction,
      orderType: market ? 'market' : 'limit',
      amount: wholePosition.isPositive() ? wholePosition : parent.amount,
      filledAmount: Decimal.ZERO,
      averagePrice: Decimal.ZERO,
      filledNotional: Decimal.ZERO,
      price: market ? undefined : parent.price,
      state: 'open',
      label: parent.label,
      reduceOnly: parent.reduceOnly,
      postOnly: false,
      rejectPostOnly: false,
      timeInForce: parent.timeInForce,
      triggerOrderId: parent.orderId,
      trigger: parent.trigger,
      triggerPrice: parent.triggerPrice,
      triggered: true,
      ...(parent.triggerDirection !== undefined ? { triggerDirection: parent.triggerDirection } : {}),
      creationTimestamp: this.now,
      lastUpdateTimestamp: this.now,
      replaced: false,
      ...(parent.origin !== undefined ? { origin: parent.origin } : {}),
      ...(parent.cancelOnPositionClose === true ? { cancelOnPositionClose: true } : {}),
    };
    this.orders.set(child.orderId, child);
    if (child.reduceOnly && reducibleAmount(this.positionsMap.get(inst.name) ?? FLAT, child.direction).isZero()) {
      child.rejectReason = 'reduce_only_would_increase';
      this.finish(child, 'rejected');
      this.emitOrder(child);
      return;
    }
    this.activate(inst, child);
  }

  /** Resting limit orders fill as makers at their own price once the synthetic book trades through them. */
  private restingPass(): boolean {
    let filled = false;
    // The synthetic book follows the mark only, so one top of book per instrument serves the whole pass.
    const tops = new Map<string, { bid: Decimal | undefined; ask: Decimal | undefined }>();
    for (const id of [...this.live]) {
      const order = this.orders.get(id);
      if (!order || !isResting(order.state) || order.price === undefined) continue;
      const inst = this.instrumentMap.get(order.instrumentName);
      if (!inst) continue;
      let top = tops.get(inst.name);
      if (!top) {
        top = this.market.topOfBook(inst);
        tops.set(inst.name, top);
      }
      const crossed =
        order.direction === 'buy' ? top.ask !== undefined && top.ask.lte(order.price) : top.bid !== undefined && top.bid.gte(order.price);
      if (!crossed) continue;
      let qty = order.amount.minus(order.filledAmount);
      if (order.reduceOnly) qty = Decimal.min(qty, reducibleAmount(this.positionsMap.get(inst.name) ?? FLAT, order.direction));
      qty = this.applyFillCap(inst, order, qty);
      const trades: SimTrade[] = [];
      if (qty.isPositive()) {
        trades.push(this.fill(inst, order, qty, order.price, 'M'));
        filled = true;
      }
      const before = order.state;
      this.settleAfterTake(order);
      if (trades.length > 0 || order.state !== before) this.emitExecution(inst, order, trades);
    }
    return filled;
  }

  // ---------------------------------------------------------------- internals: valuation and expiry

  private valuePosition(inst: SimInstrument): SimPosition {
    return valuePosition(this.market, inst, this.positionsMap.get(inst.name) ?? FLAT);
  }

  /** Expires instruments past expiry (cancel orders, settle positions at the delivery price) and good_til_day orders. */
  private expire(now: number): void {
    for (const id of [...this.live]) {
      const o = this.orders.get(id);
      if (o?.expiresAt !== undefined && o.expiresAt <= now) {
        this.finish(o, 'cancelled', 'expired');
        this.emitOrder(o);
      }
    }
    for (const inst of this.instrumentMap.values()) {
      if (this.settled.has(inst.name) || inst.expirationTimestamp > now) continue;
      this.settled.add(inst.name);
      for (const o of this.openOrders({ instrumentName: inst.name })) {
        const live = this.mustGet(o.orderId);
        this.finish(live, 'cancelled', 'settlement');
        this.emitOrder(live);
      }
      const state = this.positionsMap.get(inst.name);
      if (state && !state.size.isZero()) {
        const price = this.market.deliveryPrice(inst);
        const realized = pnlOf(inst, state.size, state.averagePrice, price);
        const bal = this.balances.get(inst.settleCurrency);
        if (bal) {
          if (inst.kind === 'future') bal.realizedFutures = bal.realizedFutures.plus(realized);
          else bal.realizedOptions = bal.realizedOptions.plus(realized);
        }
        this.positionsMap.set(inst.name, { size: Decimal.ZERO, averagePrice: Decimal.ZERO, realized: state.realized.plus(realized) });
        this.pending.push({ type: 'position', position: this.valuePosition(inst) }, { type: 'portfolio', currency: inst.settleCurrency });
      }
      this.pending.push({ type: 'ticker', instrumentName: inst.name });
    }
  }
}

/** Default direction of a trigger: a stop buy (and a take-profit sell) waits for the price to rise, the others for it to fall. */
export function defaultTriggerDirection(type: OrderType, direction: Direction): TriggerDirection {
  const stop = type === 'stop_limit' || type === 'stop_market';
  return (stop && direction === 'buy') || (!stop && direction === 'sell') ? 'rising' : 'falling';
}

/** Open or partially filled: a non-trigger order that can still trade. */
function isResting(state: OrderState): boolean {
  return state === 'open' || state === 'partially_filled';
}

function tickDirection(prev: Decimal | undefined, price: Decimal): 0 | 1 | 2 | 3 {
  if (prev === undefined || price.gt(prev)) return 0;
  if (price.lt(prev)) return 2;
  return 1;
}
