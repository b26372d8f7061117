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
import type { SimEngine } from '../../src/sim/engine/index.js';
import type { NeutralRejection, SimFaults } from '../../src/sim/faults.js';
import { MemoryVenue } from '../../src/venues/memory/index.js';
import { type DeribitHarness, startDeribitHarness } from '../support/deribit-harness.js';
import { waitFor } from '../support/wait.js';
import { silentLogger } from '../orders/harness.js';

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
  create(): Promise<ScenarioVenue>;
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
          kind === 'would_trigger' ? WOULD_TRIGGER : kind === 'error' ? { code: 10040, message: 'retry', retryable: true } : { code: 11030, message: 'other_reject' },
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
          kind === 'would_trigger' ? WOULD_TRIGGER : kind === 'error' ? { code: 10040, message: 'retry' } : { code: 11035, message: 'no_more_triggers' },
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
        await waitFor(() => !h.venue.isReady() && authRequests() > before, { timeoutMs: 5_000, message: 'adapter reconnecting with its login held' });
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
