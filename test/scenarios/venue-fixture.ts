/**
 * The venue side of the OrderManager / PositionMonitor / KillSwitch scenarios, written once for
 * every Venue implementation: the Venue the services trade on, plus the knobs the scenarios turn
 * on the venue itself (prices, faults, an operator's own actions, connection loss) and the
 * matching engine behind it for assertions. Two implementations: the in-memory venue, and the
 * real Deribit adapter connected over real sockets to the simulated Deribit.
 */
import type { Decimal } from '../../src/domain/decimal.js';
import { dec } from '../../src/domain/decimal.js';
import type { OrderType, Side } from '../../src/domain/order.js';
import type { Venue } from '../../src/domain/ports.js';
import type { BybitEngineBinding } from '../../src/sim/bybit/engine-binding.js';
import type { OrderFilter } from '../../src/sim/engine/engine.js';
import type { SimEngine } from '../../src/sim/engine/index.js';
import type { SimOrder } from '../../src/sim/engine/types.js';
import type { NeutralRejection, SimFaults } from '../../src/sim/faults.js';
import type { OkxEngineBinding } from '../../src/sim/okx/engine-binding.js';
import { MemoryVenue } from '../../src/venues/memory/index.js';
import { silentLogger } from '../orders/harness.js';
import { type BybitHarness, startBybitHarness } from '../support/bybit-harness.js';
import { type DeribitHarness, startDeribitHarness } from '../support/deribit-harness.js';
import { type OkxHarness, startOkxHarness } from '../support/okx-harness.js';
import { waitFor } from '../support/wait.js';

/** An order an operator places by hand on the venue (web UI), never through the daemon. */
export interface ManualOrder {
  readonly symbol: string;
  readonly side: Side;
  readonly type: Extract<OrderType, 'limit' | 'market'>;
  readonly size: string | number;
  readonly price?: string | number;
  /** The operator's own label (none by default). */
  readonly label?: string;
}

/** How a venue refuses an order in the scenarios. */
export type RejectionKind =
  /** A definite venue error that a retry may get past (the venue says: try again). */
  | 'error'
  /** A definite refusal that the same request will meet again (the venue says so by its code). */
  | 'refused'
  /** The trigger is already through the market (Deribit 10034 trigger_price_too_high). */
  | 'would_trigger';

export interface ScenarioVenue {
  /** `memory` or `deribit`: the venue id the services see. */
  readonly name: string;
  /** The daemon's connection to the venue (a new instance after `restartVenue`). */
  readonly venue: Venue;
  /** The matching engine behind the venue: what is really there, for assertions. */
  readonly engine: SimEngine;
  /** The venue's clock. */
  now(): number;
  /** Moves the mark price; triggers fire and resting orders fill on the venue. */
  setMarkPrice(symbol: string, price: string | number): void;
  /** Signed position on the venue (zero when flat). */
  positionSize(symbol: string): Decimal;
  /** Refuses the next `count` orders of `type` (e.g. stop_market) with a venue error. */
  rejectNextOrders(count: number, type: OrderType, kind: RejectionKind): void;
  /** The next order request gets no answer; with `execute` the venue still executes it. */
  neverAnswerNextOrder(options: { readonly execute: boolean }): void;
  /**
   * The next order request is executed at once (its pushes go out) but answered `ms` later: past
   * the adapter's request timeout on Deribit (an `unknown` outcome, the late answer dropped), a
   * late `accepted` on the in-memory venue.
   */
  delayNextOrderAnswer(ms: number): void;
  /** The next order to trade fills only `amount` on its first pass; the rest keeps resting. */
  partialFillNext(amount: string): void;
  /** An operator's order placed directly on the venue; returns its venue order id. */
  placeManualOrder(order: ManualOrder): string;
  /** The operator closes the whole position at market on the venue. */
  closePositionByHand(symbol: string): void;
  /** Cancels an order on the venue behind the daemon's back (by venue order id). */
  cancelOnVenue(venueOrderId: string): void;
  /**
   * The session drops; `action` runs on the venue while the daemon cannot hear about it (its
   * pushes are lost); then the session comes back. Resolves once the venue is ready again.
   */
  whileDisconnected(action: () => void): Promise<void>;
  /**
   * The daemon's process goes away and comes back: the current Venue disconnects, `whileDown`
   * runs on the venue (nobody is connected to hear it), then a new Venue instance connects to
   * the same venue (same account, orders and positions).
   */
  restartVenue(whileDown?: () => void): Promise<void>;
  close(): Promise<void>;
}

export interface ScenarioVenueFactory {
  readonly name: string;
  /** The instrument the scenarios trade (default BTC-PERPETUAL), sized in its venue unit (USD on Deribit, contracts on OKX). */
  readonly symbol?: string;
  /** The same instrument in the unified form (default BTC/USD:BTC). */
  readonly unifiedSymbol?: string;
  /** A second instrument of another coin (default ETH-PERPETUAL). */
  readonly otherSymbol?: string;
  /**
   * The scenarios write sizes as Deribit USD (1 000 = a 1 000 USD BTC-PERPETUAL trade); this is
   * what one such unit is in the venue's own unit (default 1; OKX: 0.002 contracts of 0.01 BTC, so
   * 1 000 → 2 contracts, about the same risk at the scenarios' prices).
   */
  readonly sizeScale?: string;
  /** The same for `otherSymbol` (default `sizeScale`; Bybit: ETHUSDT's 0.01 ETH minimum needs its own). */
  readonly otherSizeScale?: string;
  /**
   * Whether a resting stop or take-profit can be resized in place (default true). OKX stops are
   * algo orders, which the adapter replaces (a new one, then the old cancelled) instead.
   */
  readonly amendsProtectiveOrders?: boolean;
  create(): Promise<ScenarioVenue>;
}

/** The scenario instruments of a factory, defaults filled in. */
export function scenarioSymbols(factory: ScenarioVenueFactory): {
  readonly symbol: string;
  readonly unified: string;
  readonly other: string;
  /** A scenario size (Deribit USD) in the venue's unit, as the venue writes it (`1000` → `'2'` on OKX). */
  readonly Q: (size: string | number) => string;
  /** The same for the other instrument. */
  readonly QOther: (size: string | number) => string;
} {
  const scale = factory.sizeScale ?? '1';
  const otherScale = factory.otherSizeScale ?? scale;
  return {
    symbol: factory.symbol ?? 'BTC-PERPETUAL',
    unified: factory.unifiedSymbol ?? 'BTC/USD:BTC',
    other: factory.otherSymbol ?? 'ETH-PERPETUAL',
    Q: (size) => dec(size).times(scale).toString(),
    QOther: (size) => dec(size).times(otherScale).toString(),
  };
}

function manualOrderOn(engine: SimEngine, order: ManualOrder, now: number): string {
  const result = engine.placeOrder(
    {
      instrumentName: order.symbol,
      direction: order.side,
      amount: dec(order.size),
      type: order.type,
      ...(order.price !== undefined ? { price: dec(order.price) } : {}),
      reduceOnly: false,
      label: order.label ?? '',
      origin: 'web',
    },
    now,
  );
  return result.order.orderId;
}

/** The knobs every implementation shares: they act on the engine and the fault rules directly. */
function engineKnobs(engine: SimEngine, faults: SimFaults, now: () => number) {
  return {
    engine,
    now,
    setMarkPrice: (symbol: string, price: string | number) => engine.setMarkPrice(symbol, price, now()),
    positionSize: (symbol: string) => engine.position(symbol).size,
    partialFillNext: (amount: string) => faults.partialFillNext(1, { amount }),
    placeManualOrder: (order: ManualOrder) => manualOrderOn(engine, order, now()),
    closePositionByHand: (symbol: string) => void engine.closePosition(symbol, 'market', undefined, now()),
    cancelOnVenue: (venueOrderId: string) => void engine.cancelOrder(venueOrderId, now()),
  };
}

// Neutral: each venue answers with its own code (Deribit 10034, the memory venue the reason itself).
const WOULD_TRIGGER: NeutralRejection = { reason: 'trigger_price_too_high' };

/** The in-memory venue on the simulator's engine (no sockets). */
export const memoryVenueFactory: ScenarioVenueFactory = {
  name: 'memory',
  async create() {
    let venue = new MemoryVenue({ logger: silentLogger });
    await venue.connect();
    const { engine, faults } = venue;
    return {
      name: 'memory',
      get venue() {
        return venue;
      },
      ...engineKnobs(engine, faults, () => Date.now()),
      rejectNextOrders(count, type, kind) {
        faults.rejectNextOrders(
          count,
          { type },
          kind === 'would_trigger'
            ? WOULD_TRIGGER
            : kind === 'error'
              ? { code: 10040, message: 'retry', retryable: true }
              : { code: 11030, message: 'other_reject' },
        );
      },
      neverAnswerNextOrder({ execute }) {
        faults.neverAnswer('submitOrder', { times: 1, execute });
      },
      delayNextOrderAnswer(ms) {
        faults.delayResponses('submitOrder', ms, { times: 1 });
      },
      async whileDisconnected(action) {
        venue.dropConnection();
        await waitFor(() => !venue.isReady(), { message: 'memory venue down' });
        action();
        venue.reconnect();
        await waitFor(() => venue.isReady(), { message: 'memory venue ready again' });
      },
      async restartVenue(whileDown) {
        await venue.disconnect();
        whileDown?.();
        venue = new MemoryVenue({ engine, faults, logger: silentLogger });
        await venue.connect();
      },
      close: () => venue.disconnect(),
    };
  },
};

/**
 * The real Deribit adapter against the simulated Deribit over real sockets (WS order entry and
 * pushes, signed REST snapshots). Fast timings: a 1 s request timeout makes "never answered"
 * outcomes quick; a 1 s login timeout bounds the disconnect window.
 */
export const deribitVenueFactory: ScenarioVenueFactory = {
  name: 'deribit',
  async create() {
    const config = { requestTimeoutMs: 1_000, loginTimeoutMs: 1_000 };
    const first = await startDeribitHarness({ config });
    const { sim } = first;
    let h: DeribitHarness = first;
    const authRequests = (): number => sim.requests.filter((r) => r.method === 'public/auth').length;
    return {
      name: 'deribit',
      get venue() {
        return h.venue;
      },
      ...engineKnobs(sim.engine, sim.faults, () => sim.clock.now()),
      rejectNextOrders(count, type, kind) {
        // 10040 retry: the venue did nothing and asks to try again. 11035 no_more_triggers (too many
        // trigger orders): a definite refusal that the same request meets again.
        sim.faults.rejectNextOrders(
          count,
          { type },
          kind === 'would_trigger'
            ? WOULD_TRIGGER
            : kind === 'error'
              ? { code: 10040, message: 'retry' }
              : { code: 11035, message: 'no_more_triggers' },
        );
      },
      neverAnswerNextOrder({ execute }) {
        sim.faults.neverAnswer(/^private\/(buy|sell)$/, { times: 1, execute });
      },
      delayNextOrderAnswer(ms) {
        sim.faults.delayResponses(/^private\/(buy|sell)$/, ms, { times: 1 });
      },
      async whileDisconnected(action) {
        // Cut the socket and hold the next login unanswered: the new connection has no private
        // subscription until the adapter's login timeout makes it reconnect once more.
        const before = authRequests();
        sim.faults.neverAnswer('public/auth', { times: 1, execute: false });
        sim.faults.dropConnections();
        await waitFor(() => !h.venue.isReady() && authRequests() > before, {
          timeoutMs: 5_000,
          message: 'adapter reconnecting with its login held',
        });
        action();
        await waitFor(() => h.venue.isReady(), { timeoutMs: 5_000, message: 'adapter ready again' });
      },
      async restartVenue(whileDown) {
        await h.venue.disconnect();
        await waitFor(() => sim.connections === 0, { message: 'the old connection is gone' });
        whileDown?.();
        h = await startDeribitHarness({ config, existingSim: sim });
      },
      async close() {
        await h.venue.disconnect();
        await sim.close();
      },
    };
  },
};

/** OKX algo orders carry our client id as `algoClOrdId`: stops end in S<n>, take-profits in T<n>. */
function okxOrderMatcher(type: OrderType): { type?: string; label?: RegExp } {
  if (type === 'stop_market' || type === 'stop_limit') return { type: 'conditional', label: /S\d+$/ };
  if (type === 'take_market' || type === 'take_limit') return { type: 'conditional', label: /T\d+$/ };
  return { type };
}

/** Order entry on OKX: plain orders and algo orders (stops, take-profits), both over REST. */
const OKX_ORDER_ENTRY = /^POST \/api\/v5\/trade\/order(-algo)?$/;

/**
 * The real OKX adapter against the simulated OKX over real sockets (signed REST order entry,
 * pushes on the private and business sockets). BTC-USDT-SWAP sized in contracts (0.01 BTC each):
 * the scenarios' sizes are contracts here, their prices USDT.
 */
export const okxVenueFactory: ScenarioVenueFactory = {
  name: 'okx',
  symbol: 'BTC-USDT-SWAP',
  unifiedSymbol: 'BTC/USDT:USDT',
  otherSymbol: 'ETH-USDT-SWAP',
  sizeScale: '0.002',
  amendsProtectiveOrders: false,
  async create() {
    const config = { requestTimeoutMs: 1_000, loginTimeoutMs: 1_000 };
    const first = await startOkxHarness({ config, sim: { timeScale: 0.1 }, keepaliveIntervalMs: 1_000 });
    const { sim } = first;
    const port = sim.engine;
    const engine = (port as OkxEngineBinding).engine;
    let h: OkxHarness = first;
    // OKX keeps clOrdId / algoClOrdId in its front-end, not as an engine label: learn them from the
    // adapter's own order events (ordId = engine order id; an algo's legs carry ocoGroup = algoId).
    const clientIdOf = new Map<string, string>();
    const learn = (venue: Venue): void =>
      void venue.subscribe((e) => {
        if (e.type === 'order' && e.order.clientId !== undefined) clientIdOf.set(e.order.venueOrderId, e.order.clientId);
      });
    learn(first.venue);
    const labelOf = (o: SimOrder): string => {
      if (o.label !== '') return o.label;
      const own = clientIdOf.get(o.orderId) ?? (o.ocoGroup !== undefined ? clientIdOf.get(o.ocoGroup) : undefined);
      if (own !== undefined) return own;
      const parent = o.triggerOrderId !== undefined ? engine.allOrders({ predicate: (p) => p.orderId === o.triggerOrderId })[0] : undefined;
      return parent ? labelOf(parent) : '';
    };
    const labelled = (orders: readonly SimOrder[], filter: OrderFilter): SimOrder[] =>
      orders
        .map((o) => ({ ...o, label: labelOf(o) }))
        .filter((o) => (filter.label === undefined || o.label === filter.label) && (filter.predicate?.(o) ?? true));
    const view = new Proxy(engine, {
      get(target, prop) {
        if (prop === 'allOrders')
          return (filter: OrderFilter = {}) => labelled(target.allOrders({ ...filter, label: undefined, predicate: undefined }), filter);
        if (prop === 'openOrders')
          return (filter: OrderFilter = {}) => labelled(target.openOrders({ ...filter, label: undefined, predicate: undefined }), filter);
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    // Engine calls made behind the front-end's back are published when the port next runs: nudge it.
    const flush = (): void => {
      const now = sim.clock.now();
      port.setMarkPrice('BTC-USDT-SWAP', port.ticker('BTC-USDT-SWAP', now).mark, now);
    };
    const knobs = engineKnobs(engine, sim.faults, () => sim.clock.now());
    return {
      name: 'okx',
      get venue() {
        return h.venue;
      },
      ...knobs,
      engine: view,
      setMarkPrice: (symbol, price) => port.setMarkPrice(symbol, dec(price), sim.clock.now()),
      placeManualOrder(order) {
        const id = knobs.placeManualOrder(order);
        flush();
        return id;
      },
      closePositionByHand(symbol) {
        knobs.closePositionByHand(symbol);
        flush();
      },
      cancelOnVenue(venueOrderId) {
        // Our stops and take-profits are algos on OKX (their id is the algoId, not an engine order id).
        if (port.algo(venueOrderId) !== undefined) {
          port.cancelAlgo(venueOrderId, sim.clock.now());
          return;
        }
        knobs.cancelOnVenue(venueOrderId);
        flush();
      },
      rejectNextOrders(count, type, kind) {
        // 50013 system busy: the venue did nothing and a retry may pass. 51008 insufficient margin:
        // a definite refusal the same request meets again. Both as an sCode inside a 200.
        sim.faults.rejectNextOrders(
          count,
          okxOrderMatcher(type),
          kind === 'would_trigger'
            ? WOULD_TRIGGER
            : kind === 'error'
              ? { code: 50013, message: 'Systems are busy. Please try again later.' }
              : { code: 51008, message: 'Order failed. Insufficient USDT margin in account' },
        );
      },
      neverAnswerNextOrder({ execute }) {
        sim.faults.neverAnswer(OKX_ORDER_ENTRY, { times: 1, execute });
      },
      delayNextOrderAnswer(ms) {
        sim.faults.delayResponses(OKX_ORDER_ENTRY, ms, { times: 1 });
      },
      async whileDisconnected(action) {
        // Cut every socket and act on the venue in the same tick: nobody is connected to hear it.
        // Then wait for the adapter's resync after its reconnect (re-login, resubscribe, REST reads).
        const resyncs = (): number => h.events.filter((e) => e.type === 'resynced').length;
        const before = resyncs();
        sim.faults.dropConnections();
        action();
        await waitFor(() => resyncs() > before && h.venue.isReady(), { timeoutMs: 5_000, message: 'adapter ready and resynced again' });
      },
      async restartVenue(whileDown) {
        await h.venue.disconnect();
        await waitFor(() => sim.connections === 0, { message: 'the old connections are gone' });
        whileDown?.();
        h = await startOkxHarness({ config, existingSim: sim, keepaliveIntervalMs: 1_000 });
        learn(h.venue);
      },
      async close() {
        await h.venue.disconnect();
        await sim.close();
      },
    };
  },
};

/** Bybit conditional orders (stops and take-profits alike) reach the simulator's fault rules as `stop_market`; our client ids tell them apart: stops end in S<n>, take-profits in T<n>. */
function bybitOrderMatcher(type: OrderType): { type?: string; label?: RegExp } {
  if (type === 'stop_market' || type === 'stop_limit') return { type: type, label: /S\d+$/ };
  if (type === 'take_market') return { type: 'stop_market', label: /T\d+$/ };
  if (type === 'take_limit') return { type: 'stop_limit', label: /T\d+$/ };
  return { type };
}

/** Order entry on Bybit: every order (plain and conditional) is `POST /v5/order/create`. */
const BYBIT_ORDER_ENTRY = /^POST \/v5\/order\/create$/;

/**
 * The real Bybit adapter against the simulated Bybit over real sockets (signed REST order entry,
 * pushes on the private stream). BTCUSDT (linear) sized in BTC: a scenario size of 1 000 (Deribit
 * USD) is 0.02 BTC, about the same risk at the scenarios' prices. Stops and take-profits are
 * reduce-only conditional orders, amendable in place.
 */
export const bybitVenueFactory: ScenarioVenueFactory = {
  name: 'bybit',
  symbol: 'BTCUSDT',
  unifiedSymbol: 'BTC/USDT:USDT',
  otherSymbol: 'ETHUSDT',
  sizeScale: '0.00002',
  otherSizeScale: '0.0002',
  async create() {
    const config = { requestTimeoutMs: 1_000, loginTimeoutMs: 1_000, rateLimit: { holdAfterRateLimitMs: 100 } };
    const first = await startBybitHarness({ config, sim: { timeScale: 0.1 }, keepaliveIntervalMs: 1_000 });
    const { sim } = first;
    const port = sim.engine;
    const engine = (port as BybitEngineBinding).engine;
    let h: BybitHarness = first;
    // Bybit keeps orderLinkId in its front-end, not as an engine label: learn them from the
    // adapter's own order events (orderId = the engine id of the order; a triggered order's child
    // points at it with triggerOrderId).
    const clientIdOf = new Map<string, string>();
    const learn = (venue: Venue): void =>
      void venue.subscribe((e) => {
        if (e.type === 'order' && e.order.clientId !== undefined) clientIdOf.set(e.order.venueOrderId, e.order.clientId);
      });
    learn(first.venue);
    const labelOf = (o: SimOrder): string => {
      if (o.label !== '') return o.label;
      const own = clientIdOf.get(o.orderId);
      if (own !== undefined) return own;
      const parent = o.triggerOrderId !== undefined ? engine.allOrders({ predicate: (p) => p.orderId === o.triggerOrderId })[0] : undefined;
      return parent ? labelOf(parent) : '';
    };
    const labelled = (orders: readonly SimOrder[], filter: OrderFilter): SimOrder[] =>
      orders
        .map((o) => asTake({ ...o, label: labelOf(o) }))
        .filter((o) => (filter.label === undefined || o.label === filter.label) && (filter.predicate?.(o) ?? true));
    // Every Bybit conditional order is a stop in the engine; our take-profits (T<n>) are shown as takes.
    const asTake = (o: SimOrder): SimOrder =>
      /T\d+$/.test(o.label) && (o.orderType === 'stop_market' || o.orderType === 'stop_limit')
        ? { ...o, orderType: o.orderType === 'stop_market' ? 'take_market' : 'take_limit' }
        : o;
    const view = new Proxy(engine, {
      get(target, prop) {
        if (prop === 'allOrders')
          return (filter: OrderFilter = {}) => labelled(target.allOrders({ ...filter, label: undefined, predicate: undefined }), filter);
        if (prop === 'openOrders')
          return (filter: OrderFilter = {}) => labelled(target.openOrders({ ...filter, label: undefined, predicate: undefined }), filter);
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    // Engine calls made behind the front-end's back are published when the port next runs: nudge it.
    const flush = (): void => {
      const now = sim.clock.now();
      port.setMarkPrice('BTCUSDT', port.ticker('BTCUSDT', now).mark, now);
    };
    const knobs = engineKnobs(engine, sim.faults, () => sim.clock.now());
    return {
      name: 'bybit',
      get venue() {
        return h.venue;
      },
      ...knobs,
      engine: view,
      setMarkPrice: (symbol, price) => port.setMarkPrice(symbol, dec(price), sim.clock.now()),
      placeManualOrder(order) {
        // Through the front-end's port (not the bare engine), so the venue lists it like any order
        // placed on the web UI; the operator's label has no Bybit field and is left out.
        const placed = port.placeOrder(
          {
            instrument: order.symbol,
            side: order.side,
            type: order.type,
            timeInForce: order.type === 'market' ? 'ioc' : 'gtc',
            qty: dec(order.size),
            price: order.price === undefined ? undefined : dec(order.price),
            reduceOnly: false,
            closeOnTrigger: false,
            closePosition: false,
            trigger: undefined,
            takeProfit: undefined,
            stopLoss: undefined,
          },
          sim.clock.now(),
        );
        return placed.orderId;
      },
      closePositionByHand(symbol) {
        knobs.closePositionByHand(symbol);
        flush();
      },
      cancelOnVenue(venueOrderId) {
        port.cancelOrder(venueOrderId, 'user_request', sim.clock.now());
      },
      rejectNextOrders(count, type, kind) {
        // 10006 too many visits: the venue did nothing and a retry may pass. 110007 insufficient
        // available balance: a definite refusal the same request meets again.
        sim.faults.rejectNextOrders(
          count,
          bybitOrderMatcher(type),
          kind === 'would_trigger'
            ? WOULD_TRIGGER
            : kind === 'error'
              ? { code: 10006, message: 'Too many visits!' }
              : { code: 110007, message: 'ab not enough for new order' },
        );
      },
      neverAnswerNextOrder({ execute }) {
        sim.faults.neverAnswer(BYBIT_ORDER_ENTRY, { times: 1, execute });
      },
      delayNextOrderAnswer(ms) {
        sim.faults.delayResponses(BYBIT_ORDER_ENTRY, ms, { times: 1 });
      },
      async whileDisconnected(action) {
        // Cut every socket and act on the venue in the same tick: nobody is connected to hear it.
        // Then wait for the adapter's resync after its reconnect (auth, resubscribe, REST reads).
        const resyncs = (): number => h.events.filter((e) => e.type === 'resynced').length;
        const before = resyncs();
        sim.faults.dropConnections();
        action();
        await waitFor(() => resyncs() > before && h.venue.isReady(), { timeoutMs: 5_000, message: 'adapter ready and resynced again' });
      },
      async restartVenue(whileDown) {
        await h.venue.disconnect();
        await waitFor(() => sim.connections === 0, { message: 'the old connections are gone' });
        whileDown?.();
        h = await startBybitHarness({ config, existingSim: sim, keepaliveIntervalMs: 1_000 });
        learn(h.venue);
      },
      async close() {
        await h.venue.disconnect();
        await sim.close();
      },
    };
  },
};
