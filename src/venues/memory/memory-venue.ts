/**
 * MemoryVenue: the Venue port in-process, on the simulator's pure matching engine, for fast unit
 * tests of the OrderManager and the PositionMonitor. Fault knobs come from the same SimFaults the
 * protocol simulators use (reject the next N orders of a type, never answer, partial fills), plus
 * venue-side actions an operator would take (a manual order, closing a position by hand) and
 * connection knobs (disconnect, reconnect, mute push events).
 */
import type { Logger } from 'pino';

import type { CancelOutcome, CommandOutcome, OrderLookup } from '../../domain/commands.js';
import { Decimal } from '../../domain/decimal.js';
import { TransportError } from '../../domain/errors.js';
import type { ConnectionState, VenueEvent, VenueEventListener } from '../../domain/events.js';
import type { Instrument } from '../../domain/instrument.js';
import type {
  AmendRequest,
  OrderRef,
  OrderRequest,
  OrderSnapshot,
  OrderStatus,
  OrderType,
  Side,
  TriggerReference,
} from '../../domain/order.js';
import type { Clock, ClockOffset, Venue } from '../../domain/ports.js';
import type { Balance, Fill, Position } from '../../domain/position.js';
import {
  type EngineEvent,
  type EngineOptions,
  EngineRejection,
  SimEngine,
  type SimInstrument,
  type SimOrder,
  type SimTrade,
  type TriggerType,
  wouldTriggerImmediately,
} from '../../sim/engine/index.js';
import { isNeutralRejection, SimFaults } from '../../sim/faults.js';

export interface MemoryVenueOptions {
  /** Venue id in every domain object (default `memory`). */
  readonly id?: string;
  /** Time source for the engine (default Date.now). */
  readonly clock?: Clock;
  /** An existing engine to trade on (default: a new one with `engineOptions`). */
  readonly engine?: SimEngine;
  /** Options for the new engine (startTime defaults to the clock's now). */
  readonly engineOptions?: Partial<EngineOptions>;
  /** Fault knobs (default: a new SimFaults, also wired as the engine's fill hooks). */
  readonly faults?: SimFaults;
  readonly logger?: Logger;
}

/** An order an operator places by hand on the venue (not through the daemon). */
export interface ManualOrder {
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly size: Decimal | string | number;
  readonly price?: Decimal | string | number;
  readonly triggerPrice?: Decimal | string | number;
  readonly reduceOnly?: boolean;
  /** The operator's own label (default none). */
  readonly label?: string;
}

const TRIGGERS: Readonly<Record<TriggerReference, TriggerType>> = { mark: 'mark_price', last: 'last_price', index: 'index_price' };

/** Maps an engine instrument to the domain's (inverse or linear futures, options in coin; sizes in the engine's amount unit). */
export function toDomainInstrument(venue: string, inst: SimInstrument, active: boolean): Instrument {
  const future = inst.kind === 'future';
  return {
    venue,
    symbol: inst.name,
    kind: future ? (inst.perpetual ? 'perpetual' : 'future') : 'option',
    base: inst.currency,
    quote: inst.quoteCurrency,
    settle: inst.settleCurrency,
    inverse: inst.contractType === 'inverse',
    tickSize: inst.tickSize,
    tickSteps: inst.tickSizeSteps.map((s) => ({ abovePrice: s.abovePrice, tickSize: s.tickSize })),
    lotSize: inst.amountStep,
    minSize: inst.minTradeAmount,
    contractSize: inst.contractSize,
    sizeUnit: inst.amountUnit,
    ...(inst.perpetual ? {} : { expiryMs: inst.expirationTimestamp }),
    ...(inst.strike !== undefined ? { strike: inst.strike } : {}),
    ...(inst.optionType !== undefined ? { optionType: inst.optionType } : {}),
    active,
  };
}

function isLimitStyle(type: OrderType): boolean {
  return type === 'limit' || type === 'stop_limit' || type === 'take_limit';
}

function statusOf(order: SimOrder): OrderStatus {
  switch (order.state) {
    case 'open':
      return 'open';
    case 'partially_filled':
      return 'partially_filled';
    case 'untriggered':
      return 'untriggered';
    case 'triggered':
      return 'triggered';
    case 'filled':
      return 'filled';
    case 'cancelled':
      return 'cancelled';
    case 'rejected':
      return 'rejected';
  }
}

export class MemoryVenue implements Venue {
  readonly id: string;
  readonly engine: SimEngine;
  readonly faults: SimFaults;
  private readonly clock: Clock;
  private readonly logger: Logger | undefined;
  private readonly listeners = new Set<VenueEventListener>();
  private readonly watched = new Set<string>();
  private state: ConnectionState = 'idle';
  private muted = false;
  private queue: VenueEvent[] = [];
  private flushScheduled = false;

  constructor(options: MemoryVenueOptions = {}) {
    this.id = options.id ?? 'memory';
    this.clock = options.clock ?? { now: () => Date.now() };
    this.faults = options.faults ?? new SimFaults();
    this.engine = options.engine ?? new SimEngine({ startTime: this.clock.now(), ...options.engineOptions, fillHooks: this.faults });
    if (options.engine && this.engine.fillHooks === undefined) this.engine.fillHooks = this.faults;
    this.logger = options.logger?.child({ component: 'memory-venue', venue: this.id });
    this.engine.onEvents((events) => this.onEngineEvents(events));
  }

  // ------------------------------------------------------------------ lifecycle

  async connect(): Promise<void> {
    if (this.state === 'ready') return;
    this.setState('ready');
  }

  async disconnect(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'idle') return;
    this.setState('stopped');
  }

  connectionState(): ConnectionState {
    return this.state;
  }

  isReady(): boolean {
    return this.state === 'ready';
  }

  /** The engine nets positions per instrument, like Deribit. */
  netsPositions(_symbol: string): boolean {
    return true;
  }

  /** The in-memory venue shares the host's clock. */
  clockOffset(): ClockOffset | undefined {
    return { offsetMs: 0, rttMs: 0, measuredAtMs: this.clock.now() };
  }

  /** Test knob: the session drops; push events are lost until `reconnect()`. */
  dropConnection(detail = 'dropped by test'): void {
    this.setState('reconnecting', detail);
  }

  /** Test knob: the session comes back: `ready`, then `resynced` (as an adapter does after its REST re-read). */
  reconnect(): void {
    this.setState('ready', 'reconnected');
    this.emit({ type: 'resynced', venue: this.id, atMs: this.clock.now() });
  }

  /** Test knob: while muted, push events are dropped (the daemon only learns by polling). */
  muteEvents(muted: boolean): void {
    this.muted = muted;
  }

  private setState(state: ConnectionState, detail?: string): void {
    this.state = state;
    this.queue.push({ type: 'connection', venue: this.id, state, ...(detail !== undefined ? { detail } : {}) });
    this.scheduleFlush();
  }

  // ------------------------------------------------------------------ instruments

  /** The engine lists its venue's names; the unified `BASE/QUOTE:SETTLE` form of a perpetual maps onto them. */
  nativeSymbol(symbol: string): string {
    const m = /^([A-Z0-9]+)\/([A-Z0-9]+):([A-Z0-9]+)$/.exec(symbol.trim().toUpperCase());
    if (!m) return symbol;
    const [, base, quote, settle] = m;
    const hit = this.engine
      .instruments()
      .find((i) => i.perpetual && i.currency === base && i.quoteCurrency === quote && i.settleCurrency === settle);
    return hit ? hit.name : symbol;
  }

  async loadInstruments(): Promise<readonly Instrument[]> {
    this.requireReady('loadInstruments');
    return this.engine.instruments().map((i) => toDomainInstrument(this.id, i, this.engine.isActive(i.name, this.clock.now())));
  }

  instrument(symbol: string): Instrument | undefined {
    const inst = this.engine.instrument(symbol);
    return inst ? toDomainInstrument(this.id, inst, this.engine.isActive(symbol, this.clock.now())) : undefined;
  }

  // ------------------------------------------------------------------ commands

  async submitOrder(request: OrderRequest): Promise<CommandOutcome> {
    if (!this.isReady()) return { status: 'unknown', reason: `${this.id} not connected` };
    const plan = this.faults.planRequest('submitOrder');
    if (plan.error) return { status: 'rejected', code: String(plan.error.code), reason: plan.error.message, retryable: true };
    if (plan.noResponse && !plan.execute) return { status: 'unknown', reason: 'no response (fault: never answered, not executed)' };
    const outcome = this.executeSubmit(request);
    if (plan.noResponse) return { status: 'unknown', reason: 'no response (fault: never answered)' };
    // fault: executed at once, answered late (the venue's pushes go out meanwhile)
    if (plan.delayMs !== undefined && plan.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, plan.delayMs));
    return outcome;
  }

  private executeSubmit(request: OrderRequest): CommandOutcome {
    const rejection = this.faults.takeOrderRejection({
      type: request.type,
      instrumentName: request.symbol,
      direction: request.side,
      reduceOnly: request.reduceOnly,
      label: request.clientId,
    });
    if (rejection) {
      // A neutral fault answers like an engine refusal; a venue-specific one carries its code as-is.
      if (!isNeutralRejection(rejection))
        return { status: 'rejected', code: String(rejection.code), reason: rejection.message, retryable: rejection.retryable ?? false };
      const immediate = wouldTriggerImmediately(rejection.reason);
      return {
        status: 'rejected',
        code: rejection.reason,
        reason: rejection.message ?? rejection.reason,
        retryable: false,
        ...(immediate ? { wouldTriggerImmediately: true } : {}),
      };
    }
    try {
      const result = this.engine.placeOrder(
        {
          instrumentName: request.symbol,
          direction: request.side,
          amount: request.size,
          type: request.type,
          ...(request.price !== undefined ? { price: request.price } : {}),
          ...(request.triggerPrice !== undefined
            ? { triggerPrice: request.triggerPrice, trigger: TRIGGERS[request.trigger ?? 'mark'] }
            : {}),
          ...(request.postOnly !== undefined ? { postOnly: request.postOnly } : {}),
          ...(request.timeInForce === 'ioc' ? { timeInForce: 'immediate_or_cancel' as const } : {}),
          ...(request.timeInForce === 'fok' ? { timeInForce: 'fill_or_kill' as const } : {}),
          reduceOnly: request.reduceOnly,
          label: request.clientId,
        },
        this.clock.now(),
      );
      return { status: 'accepted', order: this.snapshot(result.order) };
    } catch (err) {
      if (err instanceof EngineRejection) {
        const immediate = wouldTriggerImmediately(err.reason);
        return {
          status: 'rejected',
          code: err.reason,
          reason: err.message,
          retryable: false,
          ...(immediate ? { wouldTriggerImmediately: true } : {}),
        };
      }
      throw err;
    }
  }

  async cancelOrder(ref: OrderRef, _priority?: 'protective' | 'normal'): Promise<CancelOutcome> {
    if (!this.isReady()) return { status: 'unknown', reason: `${this.id} not connected` };
    const plan = this.faults.planRequest('cancelOrder');
    if (plan.error) return { status: 'rejected', code: String(plan.error.code), reason: plan.error.message, notFound: false };
    if (plan.noResponse && !plan.execute) return { status: 'unknown', reason: 'no response (fault)' };
    const live = this.findLive(ref);
    let outcome: CancelOutcome;
    if (!live) outcome = { status: 'rejected', code: 'order_not_found', reason: 'no open order matches', notFound: true };
    else {
      try {
        outcome = { status: 'accepted', order: this.snapshot(this.engine.cancelOrder(live.orderId, this.clock.now())) };
      } catch (err) {
        if (!(err instanceof EngineRejection)) throw err;
        outcome = { status: 'rejected', code: err.reason, reason: err.message, notFound: true };
      }
    }
    return plan.noResponse ? { status: 'unknown', reason: 'no response (fault)' } : outcome;
  }

  async amendOrder(request: AmendRequest): Promise<CommandOutcome> {
    if (!this.isReady()) return { status: 'unknown', reason: `${this.id} not connected` };
    const plan = this.faults.planRequest('amendOrder');
    if (plan.error) return { status: 'rejected', code: String(plan.error.code), reason: plan.error.message, retryable: true };
    const live = this.findLive(request.ref);
    if (!live) return { status: 'rejected', code: 'order_not_found', reason: 'no open order matches', retryable: false };
    try {
      const result = this.engine.editOrder(
        {
          orderId: live.orderId,
          amount: request.size ?? live.amount,
          ...(request.price !== undefined ? { price: request.price } : {}),
          ...(request.triggerPrice !== undefined ? { triggerPrice: request.triggerPrice } : {}),
        },
        this.clock.now(),
      );
      return plan.noResponse
        ? { status: 'unknown', reason: 'no response (fault)' }
        : { status: 'accepted', order: this.snapshot(result.order) };
    } catch (err) {
      if (err instanceof EngineRejection) return { status: 'rejected', code: err.reason, reason: err.message, retryable: false };
      throw err;
    }
  }

  async getOrder(ref: OrderRef): Promise<OrderLookup> {
    if (!this.isReady()) return { status: 'unknown', reason: `${this.id} not connected` };
    const plan = this.faults.planRequest('getOrder');
    if (plan.error || plan.noResponse) return { status: 'unknown', reason: plan.error?.message ?? 'no response (fault)' };
    const order = this.find(ref);
    return order ? { status: 'found', order: this.snapshot(order) } : { status: 'not_found' };
  }

  // ------------------------------------------------------------------ queries

  async openOrders(symbol?: string): Promise<readonly OrderSnapshot[]> {
    this.requireReady('openOrders');
    return this.engine.openOrders(symbol !== undefined ? { instrumentName: symbol } : {}).map((o) => this.snapshot(o));
  }

  async positions(): Promise<readonly Position[]> {
    this.requireReady('positions');
    return this.engine.positions().map((p) => ({
      venue: this.id,
      symbol: p.instrumentName,
      size: p.size,
      avgPrice: p.averagePrice,
      markPrice: p.markPrice,
      unrealizedPnl: p.floatingProfitLoss,
      realizedPnl: p.realizedProfitLoss,
      updatedAtMs: this.clock.now(),
    }));
  }

  async balances(): Promise<readonly Balance[]> {
    this.requireReady('balances');
    return this.engine.settlementCurrencies().map((currency) => {
      const s = this.engine.accountSummary(currency);
      return { venue: this.id, currency, equity: s.equity, available: s.availableFunds, updatedAtMs: this.clock.now() };
    });
  }

  async fillsSince(sinceMs: number, symbol?: string): Promise<readonly Fill[]> {
    this.requireReady('fillsSince');
    return this.engine
      .trades(symbol !== undefined ? { instrumentName: symbol } : {})
      .filter((t) => t.timestamp >= sinceMs)
      .map((t) => this.fill(t));
  }

  async watchTicker(symbol: string): Promise<void> {
    this.watched.add(symbol);
    this.pushTicker(symbol);
    this.scheduleFlush();
  }

  async unwatchTicker(symbol: string): Promise<void> {
    this.watched.delete(symbol);
  }

  subscribe(listener: VenueEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ------------------------------------------------------------------ operator and market knobs

  /** An operator's own order placed directly on the venue (no daemon prefix unless `label` carries one). */
  placeManualOrder(order: ManualOrder): OrderSnapshot {
    const result = this.engine.placeOrder(
      {
        instrumentName: order.symbol,
        direction: order.side,
        amount: Decimal.from(order.size),
        type: order.type,
        ...(order.price !== undefined ? { price: Decimal.from(order.price) } : {}),
        ...(order.triggerPrice !== undefined ? { triggerPrice: Decimal.from(order.triggerPrice), trigger: 'mark_price' as const } : {}),
        reduceOnly: order.reduceOnly ?? false,
        label: order.label ?? '',
      },
      this.clock.now(),
    );
    return this.snapshot(result.order);
  }

  /** Closes the whole position in `symbol` at market, as an operator would in the venue's web UI. */
  closePositionByHand(symbol: string): OrderSnapshot {
    return this.snapshot(this.engine.closePosition(symbol, 'market', undefined, this.clock.now()).order);
  }

  /** Moves the mark price of `symbol`; triggers fire and resting orders fill as the engine decides. */
  setMarkPrice(symbol: string, price: Decimal | string | number): void {
    this.engine.setMarkPrice(symbol, price, this.clock.now());
  }

  markPrice(symbol: string): Decimal {
    return this.engine.markPrice(symbol);
  }

  /** Signed position size in `symbol` (zero when flat). */
  positionSize(symbol: string): Decimal {
    return this.engine.position(symbol).size;
  }

  // ------------------------------------------------------------------ internals

  private requireReady(method: string): void {
    if (!this.isReady()) throw new TransportError('NOT_CONNECTED', `${this.id} ${method}: not connected`);
  }

  /** A live order by venue id (a triggered parent resolves to its working child) or by client id. */
  private findLive(ref: OrderRef): SimOrder | undefined {
    const open = this.engine.openOrders({ instrumentName: ref.symbol });
    if (ref.venueOrderId !== undefined) {
      const hit = open.find((o) => o.orderId === ref.venueOrderId || o.triggerOrderId === ref.venueOrderId);
      if (hit) return hit;
    }
    if (ref.clientId !== undefined) return open.find((o) => o.label === ref.clientId);
    return undefined;
  }

  /** Any order by venue id or client id; a triggered order resolves to the order it spawned. */
  private find(ref: OrderRef): SimOrder | undefined {
    let order: SimOrder | undefined;
    if (ref.venueOrderId !== undefined) order = this.engine.getOrder(ref.venueOrderId);
    if (!order && ref.clientId !== undefined) {
      const label = ref.clientId;
      order = this.engine.allOrders({ label, predicate: (o) => o.triggerOrderId === undefined }).at(-1);
    }
    if (order?.state === 'triggered') {
      const parentId = order.orderId;
      return this.engine.allOrders({ predicate: (o) => o.triggerOrderId === parentId }).at(-1) ?? order;
    }
    return order;
  }

  /** Domain snapshot; an order spawned by a trigger is shown under its trigger order's id and type. */
  private snapshot(order: SimOrder): OrderSnapshot {
    const parent = order.triggerOrderId !== undefined ? this.engine.getOrder(order.triggerOrderId) : undefined;
    return {
      venue: this.id,
      venueOrderId: parent?.orderId ?? order.orderId,
      ...(order.label !== '' ? { clientId: order.label } : {}),
      symbol: order.instrumentName,
      side: order.direction,
      type: parent?.orderType ?? order.orderType,
      status: statusOf(order),
      size: order.amount,
      filledSize: order.filledAmount,
      ...(order.filledAmount.isPositive() ? { avgFillPrice: order.averagePrice } : {}),
      // Market-type orders carry the engine's band price internally; only limit-style orders show a price.
      ...(order.price !== undefined && isLimitStyle(parent?.orderType ?? order.orderType) ? { price: order.price } : {}),
      ...(order.triggerPrice !== undefined ? { triggerPrice: order.triggerPrice } : {}),
      reduceOnly: order.reduceOnly,
      ...(order.cancelReason !== undefined ? { cancelReason: order.cancelReason } : {}),
      ...(order.rejectReason !== undefined ? { rejectReason: order.rejectReason } : {}),
      updatedAtMs: order.lastUpdateTimestamp,
    };
  }

  private fill(t: SimTrade): Fill {
    const order = this.engine.getOrder(t.orderId);
    const venueOrderId = order?.triggerOrderId ?? t.orderId;
    return {
      venue: this.id,
      tradeId: t.tradeId,
      venueOrderId,
      ...(t.label !== '' ? { clientId: t.label } : {}),
      symbol: t.instrumentName,
      side: t.direction,
      size: t.amount,
      price: t.price,
      fee: t.fee,
      feeCurrency: t.feeCurrency,
      liquidity: t.liquidity === 'M' ? 'maker' : 'taker',
      tsMs: t.timestamp,
    };
  }

  private pushTicker(symbol: string): void {
    const t = this.engine.ticker(symbol, this.clock.now());
    this.queue.push({
      type: 'ticker',
      venue: this.id,
      ticker: {
        venue: this.id,
        symbol,
        ...(t.bestBidPrice !== undefined ? { bid: t.bestBidPrice } : {}),
        ...(t.bestAskPrice !== undefined ? { ask: t.bestAskPrice } : {}),
        ...(t.lastPrice !== undefined ? { last: t.lastPrice } : {}),
        mark: t.markPrice,
        index: t.indexPrice,
        tsMs: t.timestamp,
      },
    });
  }

  private onEngineEvents(events: readonly EngineEvent[]): void {
    // Push events that happen while the session is down or muted are lost, as on a real socket.
    if (this.muted || this.state !== 'ready') return;
    for (const e of events) {
      switch (e.type) {
        case 'order':
          this.queue.push({ type: 'order', venue: this.id, order: this.snapshot(e.order) });
          break;
        case 'trade':
          this.queue.push({ type: 'fill', venue: this.id, fill: this.fill(e.trade) });
          break;
        case 'position':
          this.queue.push({
            type: 'position',
            venue: this.id,
            position: {
              venue: this.id,
              symbol: e.position.instrumentName,
              size: e.position.size,
              avgPrice: e.position.averagePrice,
              markPrice: e.position.markPrice,
              updatedAtMs: this.clock.now(),
            },
          });
          break;
        case 'ticker':
          if (this.watched.has(e.instrumentName)) this.pushTicker(e.instrumentName);
          break;
        case 'portfolio':
          break;
      }
    }
    this.scheduleFlush();
  }

  private emit(event: VenueEvent): void {
    this.queue.push(event);
    this.scheduleFlush();
  }

  /** Delivers queued events on a later turn of the event loop, in order, as a socket would. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const batch = this.queue;
      this.queue = [];
      for (const event of batch) {
        for (const listener of this.listeners) {
          try {
            listener(event);
          } catch (err) {
            this.logger?.error(
              { err, event: event.type },
              'venue event listener threw; event skipped for that listener, others still get it',
            );
          }
        }
      }
    });
  }
}
