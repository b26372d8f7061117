/**
 * OkxVenue implements the venue-neutral Venue port on OKX: orders over signed REST (the WS order
 * ops need `instIdCode`), stops and take-profits as reduce-only `conditional` algo orders with
 * market execution whose state comes from the business `orders-algo` channel (a triggered algo is
 * followed to the order it spawned), sizes in contracts rounded to `lotSz`, prices to `tickSz`,
 * per-instrument order budgets apart from the IP/UID read budget (protective first), and a REST
 * resync of orders, algos, fills and positions after every reconnect. Net position mode only.
 */
import type { Logger } from 'pino';

import type { CancelOutcome, CommandOutcome, OrderLookup } from '../../domain/commands.js';
import { Decimal } from '../../domain/decimal.js';
import type { ConnectionState, VenueEvent, VenueEventListener } from '../../domain/events.js';
import type { Instrument } from '../../domain/instrument.js';
import { type AmendRequest, isTerminal, isTriggerType, type OrderRef, type OrderRequest, type OrderSnapshot } from '../../domain/order.js';
import type { Clock, ClockOffset, Venue } from '../../domain/ports.js';
import type { Balance, Fill, Position } from '../../domain/position.js';
import { bestSample, offsetSample, VenueClock } from '../shared/clock-offset.js';
import { cancelOutcomeOf, commandOutcomeOf, errorMessage, invalidRequestOutcome, type VenueErrorFacts } from '../shared/command-outcome.js';
import { GapResync } from '../shared/gap-resync.js';
import { parseItems, RejectionCounter } from '../shared/parse-items.js';
import { RateLimiter, type RatePriority } from '../shared/rate-limit.js';
import { type GroupHealth, type MemberState, SocketGroup } from '../shared/socket-group.js';
import { VenueEventFanout } from '../shared/venue-event-fanout.js';
import type { OkxConfig } from './config.js';
import type { OkxCredentials } from './credentials.js';
import {
  classify,
  isAuthError,
  isImmediateTrigger,
  isOrderAlreadyClosed,
  isOrderNotFound,
  isRateLimited,
  OKX_VENUE_ID,
  OkxApiError,
  OkxRequestError,
} from './errors.js';
import {
  expectOk,
  type OkxAlgoUpdate,
  type OkxOrderUpdate,
  type OkxQuote,
  orderDedupKeys,
  parseAccountBalance,
  parseAccountConfigReply,
  parseAlgoAcks,
  parseAlgoOrder,
  parseFill,
  parseInstruments,
  parseOrder,
  parseOrdersPush,
  parsePosition,
  parsePositionsPush,
  parsePublicTime,
  readMarkPrice,
  readTicker,
  singleAlgoAck,
  singleOrderAck,
  validate,
} from './parse.js';
import { buildAlgoOrder, buildAmendOrder, buildCancelAlgos, buildCancelOrder, buildPlaceOrder, OKX_PATHS } from './requests.js';
import type { OkxRestClient, OkxRestReply } from './rest-client.js';
import { OkxAccountBalanceSchema, OkxAlgoOrderSchema, OkxFillSchema, OkxOrderSchema, OkxPositionSchema } from './rest-models.js';
import { isUnifiedSymbol, unifiedToOkx } from './unified-symbol.js';
import type { OkxPush, OkxWsClient, OkxWsClientOptions } from './ws-client.js';
import { businessChannelArgs, marketDataArgs, type OkxChannelArg, privateChannelArgs } from './ws-messages.js';

/** What only OKX knows about its errors, for the shared outcome mapping. */
export const OKX_ERROR_FACTS: VenueErrorFacts = {
  classify,
  isOrderNotFound,
  wouldTriggerImmediately: isImmediateTrigger,
};

/** The instrument type this adapter trades (perpetual swaps, sized in contracts). */
const INST_TYPE = 'SWAP';
/** A clock measurement younger than this is not repeated before a login. */
const CLOCK_FRESH_MS = 10_000;
/** `public/time` samples per clock measurement (the one with the smallest round trip wins). */
const CLOCK_SAMPLES = 3;
/** Fills are asked for from this long before the converted start (the offset is an estimate). */
const FILLS_SINCE_MARGIN_MS = 5_000;
/** `trade/fills` page size (the venue's maximum) and the most pages read in one call. */
const FILLS_PAGE = 100;
const FILLS_MAX_PAGES = 20;
/** Dedup keys of `orders` pushes kept (the venue may repeat a push). */
const DEDUP_KEEP = 5_000;
/** Spawned orders held until their algo is known. */
const UNATTRIBUTED_KEEP = 200;
/** Algo ids and the orders they spawned, remembered to follow a triggered stop. */
const ALGO_KEEP = 10_000;

export interface OkxVenueDeps {
  readonly config: OkxConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly credentials?: OkxCredentials;
  readonly rest: OkxRestClient;
  readonly venueClock: VenueClock;
  /** Builds one socket; the venue supplies the hooks. */
  readonly ws: (hooks: Pick<OkxWsClientOptions, 'kind' | 'argsToRestore' | 'onPush' | 'beforeLogin'>) => OkxWsClient;
  /** How long connect() waits for the first ready state. Default 15 s. */
  readonly connectTimeoutMs?: number;
  /** How often the clock offset is measured again. Default `clockSyncIntervalSecs`. */
  readonly clockSyncIntervalMs?: number;
}

/** What we know about one of our algo orders: its client id and the order(s) it spawned. */
interface AlgoInfo {
  readonly algoId: string;
  clientId: string | undefined;
  readonly symbol: string;
  spawned: string[];
  lastState?: string;
}

export class OkxVenue implements Venue {
  readonly id = OKX_VENUE_ID;
  private readonly log: Logger;
  private readonly rest: OkxRestClient;
  private readonly venueClock: VenueClock;
  private readonly fanout: VenueEventFanout;
  private readonly gap: GapResync;
  private readonly limiter: RateLimiter;
  private readonly sockets: SocketGroup;
  private readonly publicWs: OkxWsClient;
  private readonly privateWs: OkxWsClient | undefined;
  private readonly businessWs: OkxWsClient | undefined;
  private readonly instruments = new Map<string, Instrument>();
  private catalogueLoaded = false;
  /** Market-data args wanted, by instrument. */
  private readonly watched = new Map<string, readonly OkxChannelArg[]>();
  /** Last quote and mark of each watched instrument, as sent (strings), to build whole tickers. */
  private readonly quotes = new Map<string, OkxQuote>();
  private readonly algosById = new Map<string, AlgoInfo>();
  private readonly algoIdByClientId = new Map<string, string>();
  /** Spawned order id → the algo that placed it. */
  private readonly algoBySpawned = new Map<string, string>();
  private readonly seenPushKeys = new Set<string>();
  /** Pushes of algo-spawned orders whose algo is not known yet, by ordId. */
  private readonly unattributed = new Map<string, OkxOrderUpdate[]>();
  private readonly rejected = new RejectionCounter();
  private readonly skippedItems = new RejectionCounter();
  private started = false;
  private clockTimer: NodeJS.Timeout | undefined;
  private warnedOffsetMs: number | undefined;
  private accountChecked = false;

  constructor(private readonly deps: OkxVenueDeps) {
    const { config } = deps;
    this.log = deps.logger;
    this.rest = deps.rest;
    this.venueClock = deps.venueClock;
    this.fanout = new VenueEventFanout(this.log);
    const rl = config.rateLimit;
    this.limiter = new RateLimiter({
      name: 'okx',
      logger: this.log,
      axes: {
        // Order placement, cancel and amend: OKX counts them per UID and instrument (60 / 2 s).
        order: {
          kind: 'window',
          limit: rl.ordersPerInstrumentPerWindow,
          windowMs: rl.orderWindowMs,
          protectiveReserve: Math.min(rl.protectiveReserve, rl.ordersPerInstrumentPerWindow - 1),
        },
        // Everything else (reads, instruments, time): the IP / UID read budget.
        ip: {
          kind: 'window',
          limit: rl.restRequestsPerWindow,
          windowMs: rl.restWindowMs,
          protectiveReserve: Math.min(2, rl.restRequestsPerWindow - 1),
        },
      },
    });
    this.gap = new GapResync({
      venue: OKX_VENUE_ID,
      logger: this.log,
      clock: deps.clock,
      enabled: deps.credentials !== undefined,
      emit: (event) => this.emit(event),
      reads: { openOrders: () => this.openOrders(), positions: () => this.positions(), fillsSince: (sinceMs) => this.fillsSince(sinceMs) },
    });
    this.sockets = new SocketGroup(OKX_VENUE_ID, this.log);
    const onPush = (push: OkxPush, receivedAtMs: number): void => this.onPush(push, receivedAtMs);
    // Both logged-in sockets sign with the venue clock: measure it before a login unless a
    // measurement is fresh (public/time allows 10 calls / 2 s per IP; a reconnect logs in twice).
    const beforeLogin = async (): Promise<void> => {
      const last = this.venueClock.offset();
      if (last !== undefined && deps.clock.now() - last.measuredAtMs < CLOCK_FRESH_MS) return;
      await this.syncClock('before login');
    };
    this.publicWs = deps.ws({ kind: 'public', argsToRestore: () => [...this.watched.values()].flat(), onPush });
    const authed = deps.credentials !== undefined;
    this.sockets.add('public', this.publicWs, authed ? 'auxiliary' : 'essential');
    if (authed) {
      this.privateWs = deps.ws({ kind: 'private', argsToRestore: () => privateChannelArgs(INST_TYPE, INST_TYPE), onPush, beforeLogin });
      this.businessWs = deps.ws({ kind: 'business', argsToRestore: () => businessChannelArgs(INST_TYPE), onPush, beforeLogin });
      this.sockets.add('private', this.privateWs, 'essential');
      this.sockets.add('business', this.businessWs, 'essential');
    }
    this.sockets.on('state', ({ from, to, reason }) => {
      this.gap.noteState(from, to);
      this.emit({ type: 'connection', venue: this.id, state: to, ...(reason === undefined ? {} : { detail: reason }) });
      if (to === 'ready') this.onReady();
    });
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /**
   * Loads the catalogue, measures the clock, checks the account (net position mode required: a
   * `long_short_mode` account is refused with the fix), then starts the sockets and waits for ready.
   */
  async connect(): Promise<void> {
    if (!this.started) {
      await this.syncClock('start-up');
      await this.loadInstrumentsLogged('start-up');
      await this.checkAccount();
      this.started = true;
      this.sockets.start();
      this.clockTimer = setInterval(
        () => void this.syncClock('periodic refresh'),
        this.deps.clockSyncIntervalMs ?? this.deps.config.clockSyncIntervalSecs * 1_000,
      );
      this.clockTimer.unref();
    }
    await this.sockets.whenReady({ timeoutMs: this.deps.connectTimeoutMs ?? 15_000 });
  }

  async disconnect(): Promise<void> {
    if (this.clockTimer) clearInterval(this.clockTimer);
    this.clockTimer = undefined;
    this.started = false;
    await this.sockets.stop();
  }

  connectionState(): ConnectionState {
    return this.sockets.state();
  }

  isReady(): boolean {
    return this.sockets.isReady();
  }

  /** Every socket's state and what they add up to, for health detail. */
  socketHealth(): { readonly health: GroupHealth; readonly members: readonly MemberState[] } {
    return { health: this.sockets.health(), members: this.sockets.members() };
  }

  /** The reconnecting socket of one kind (public, private, business), for health detail and tests; undefined without credentials for the private ones. */
  socket(kind: 'public' | 'private' | 'business'): OkxWsClient['socket'] | undefined {
    return this.sockets.socket(kind);
  }

  /** OKX in net mode (the only mode this adapter accepts) keeps one signed position per instrument. */
  netsPositions(_symbol: string): boolean {
    return true;
  }

  clockOffset(): ClockOffset | undefined {
    return this.venueClock.offset();
  }

  subscribe(listener: VenueEventListener): () => void {
    return this.fanout.subscribe(listener);
  }

  private emit(event: VenueEvent): void {
    this.fanout.emit(event);
  }

  private onReady(): void {
    if (!this.catalogueLoaded) void this.loadInstrumentsLogged('connection ready without instruments');
    this.gap.afterReady();
  }

  /** After a reconnect: re-read orders, algos, fills and positions over REST (pushes in the gap are lost). */
  resync(): Promise<void> {
    return this.gap.run();
  }

  /**
   * Reads `account/config`: net position mode is required (one signed position per instrument,
   * reduce-only closes). Any other mode stops the start-up with the fix; a failed read is retried
   * at the next connect.
   */
  private async checkAccount(): Promise<void> {
    if (!this.deps.credentials || this.accountChecked) return;
    let setup;
    try {
      setup = parseAccountConfigReply(await this.get(OKX_PATHS.accountConfig, {}), { method: 'GET /api/v5/account/config' });
    } catch (err) {
      if (err instanceof OkxApiError && isAuthError(err)) {
        throw new OkxRequestError(
          'account/config',
          `reading the OKX account configuration failed (${err.message}): check OKX_API_KEY / OKX_API_SECRET / OKX_API_PASSPHRASE and the environment (demo keys only work on demo)`,
        );
      }
      this.log.warn(
        { err },
        'could not read the okx account configuration (position mode) at start-up; trading carries on, it is checked again at the next connect',
      );
      return;
    }
    if (!setup.netMode) {
      throw new OkxRequestError(
        'posMode',
        setup.problems[0] ?? `OKX account position mode is ${setup.posMode}; this daemon needs net_mode`,
      );
    }
    for (const problem of setup.problems) this.log.warn({ uid: setup.uid }, problem);
    this.accountChecked = true;
    this.log.info({ uid: setup.uid, posMode: setup.posMode, acctLv: setup.acctLv }, 'okx account checked: net position mode');
  }

  // ---- clock -----------------------------------------------------------------------------------

  /** Measures the venue-host clock offset with a few `public/time` calls (smallest round trip wins). Never throws. */
  async syncClock(why: string): Promise<ClockOffset | undefined> {
    const samples: ClockOffset[] = [];
    for (let i = 0; i < CLOCK_SAMPLES; i += 1) {
      try {
        const sent = this.deps.clock.now();
        const reply = await this.rest.get(
          OKX_PATHS.time,
          {},
          { timeoutMs: Math.min(2_000, this.deps.config.requestTimeoutMs), auth: false },
        );
        const received = this.deps.clock.now();
        samples.push(offsetSample(sent, parsePublicTime(reply, reply.context), received));
      } catch (err) {
        this.log.warn({ err, why }, 'okx public/time failed; the clock offset keeps its last value');
        break;
      }
    }
    const best = bestSample(samples);
    if (best) this.noteClockOffset(best, why);
    return best;
  }

  private noteClockOffset(offset: ClockOffset, why: string): void {
    this.venueClock.set(offset);
    const limit = this.deps.config.clockSkewWarnMs;
    const detail = { offsetMs: offset.offsetMs, rttMs: offset.rttMs, thresholdMs: limit, why };
    if (Math.abs(offset.offsetMs) <= limit) {
      if (this.warnedOffsetMs !== undefined) this.log.info(detail, 'okx clock offset is back within clockSkewWarnMs');
      this.warnedOffsetMs = undefined;
      return;
    }
    if (this.warnedOffsetMs !== undefined && Math.abs(offset.offsetMs - this.warnedOffsetMs) <= limit) return;
    this.warnedOffsetMs = offset.offsetMs;
    this.log.warn(
      detail,
      `okx's clock is ${Math.abs(offset.offsetMs)} ms ${offset.offsetMs < 0 ? 'behind' : 'ahead of'} this host's (more than clockSkewWarnMs ${limit}); signatures use the measured offset, but check NTP on the host (timedatectl status)`,
    );
  }

  // ---- instruments -----------------------------------------------------------------------------

  async loadInstruments(): Promise<readonly Instrument[]> {
    // Perpetual swaps only: the channels and REST reads below ask for instType SWAP.
    const reply = await this.get(OKX_PATHS.instruments, { instType: INST_TYPE }, 'normal', false);
    const { instruments, skipped } = parseInstruments(expectOk(reply, reply.context));
    for (const info of instruments) this.instruments.set(info.instrument.symbol, info.instrument);
    if (skipped.length > 0)
      this.log.debug({ instType: INST_TYPE, skipped: skipped.length }, 'okx instruments skipped (unsupported records)');
    this.catalogueLoaded = true;
    this.log.info({ count: this.instruments.size }, 'okx instruments loaded');
    return [...this.instruments.values()];
  }

  private async loadInstrumentsLogged(why: string): Promise<void> {
    try {
      await this.loadInstruments();
    } catch (err) {
      this.log.error(
        { err, why },
        `loading okx instruments failed (${why}); orders are refused until a load succeeds (tried again when a socket is ready)`,
      );
    }
  }

  instrument(symbol: string): Instrument | undefined {
    return this.instruments.get(this.nativeSymbol(symbol));
  }

  nativeSymbol(symbol: string): string {
    return isUnifiedSymbol(symbol) ? (unifiedToOkx(symbol) ?? symbol) : symbol;
  }

  private requireInstrument(symbol: string): Instrument {
    const instrument = this.instruments.get(symbol);
    if (!instrument) {
      throw new OkxRequestError(
        'symbol',
        `unknown okx instrument ${symbol} (${this.instruments.size} swaps loaded); use a name such as BTC-USDT-SWAP or BTC/USDT:USDT`,
      );
    }
    return instrument;
  }

  // ---- REST with budgets -----------------------------------------------------------------------

  private timeoutFor(priority: RatePriority): number {
    const { requestTimeoutMs, protectiveRequestTimeoutMs } = this.deps.config;
    return priority === 'protective' ? Math.min(requestTimeoutMs, protectiveRequestTimeoutMs) : requestTimeoutMs;
  }

  /** A GET on the IP / UID read budget. */
  private async get(
    path: string,
    query: Readonly<Record<string, string | undefined>>,
    priority: RatePriority = 'normal',
    auth?: boolean,
  ): Promise<OkxRestReply> {
    await this.limiter.acquire({ ip: 1 }, priority);
    const reply = await this.rest.get(path, query, { timeoutMs: this.timeoutFor(priority), ...(auth === undefined ? {} : { auth }) });
    this.noteThrottle(reply, 'ip');
    return reply;
  }

  /** A trading POST on the per-instrument order budget. */
  private async post(path: string, body: object, instId: string, priority: RatePriority): Promise<OkxRestReply> {
    await this.limiter.acquire({ [`order:${instId}`]: 1 }, priority);
    const reply = await this.rest.post(path, body, { timeoutMs: this.timeoutFor(priority) });
    this.noteThrottle(reply, `order:${instId}`);
    return reply;
  }

  /** A `50011`-style answer: new entries on that axis wait; protective requests go on. */
  private noteThrottle(reply: OkxRestReply, axis: string): void {
    if (reply.code === '0') return;
    const probe = new OkxApiError({ code: reply.code, msg: reply.msg });
    if (!isRateLimited(probe)) return;
    this.limiter.holdUntil(this.deps.clock.now() + this.deps.config.rateLimit.holdAfterRateLimitMs, axis);
    this.log.warn(
      { code: reply.code, msg: reply.msg, axis, method: reply.context.method },
      'okx rate limit answered (50011-style); new entries on this budget wait, protective requests go first',
    );
  }

  private outcomeOf(err: unknown, what: string): CommandOutcome {
    // A 50011-style answer was already noted on its axis (noteThrottle).
    const outcome = commandOutcomeOf(err, OKX_ERROR_FACTS);
    if (outcome.status === 'unknown')
      this.log.warn({ err, what }, `okx ${what}: outcome unknown; look the order up by client id before any retry`);
    return outcome;
  }

  // ---- orders ----------------------------------------------------------------------------------

  async submitOrder(request: OrderRequest): Promise<CommandOutcome> {
    const priority = request.priority ?? 'normal';
    const symbol = this.nativeSymbol(request.symbol);
    let instrument: Instrument;
    try {
      instrument = this.requireInstrument(symbol);
    } catch (err) {
      return invalidRequestOutcome(err);
    }
    const req: OrderRequest = symbol === request.symbol ? request : { ...request, symbol };
    return isTriggerType(req.type) ? this.submitAlgo(req, instrument, priority) : this.submitPlain(req, instrument, priority);
  }

  private async submitPlain(request: OrderRequest, instrument: Instrument, priority: RatePriority): Promise<CommandOutcome> {
    let body;
    try {
      body = buildPlaceOrder(request, instrument);
    } catch (err) {
      return invalidRequestOutcome(err);
    }
    let ordId: string;
    try {
      const reply = await this.post(OKX_PATHS.placeOrder, body, instrument.symbol, priority);
      ordId = singleOrderAck(reply, reply.context).ordId;
    } catch (err) {
      return this.outcomeOf(err, 'POST trade/order');
    }
    // The ack only says "accepted": read the order for its state and what already filled.
    const now = this.deps.clock.now();
    const fallback: OrderSnapshot = {
      venue: OKX_VENUE_ID,
      venueOrderId: ordId,
      clientId: request.clientId,
      symbol: instrument.symbol,
      side: request.side,
      type: request.type,
      status: 'pending',
      size: Decimal.from(body.sz),
      filledSize: Decimal.ZERO,
      reduceOnly: request.reduceOnly,
      updatedAtMs: now,
      ...(body.px === undefined ? {} : { price: Decimal.from(body.px) }),
    };
    try {
      const found = await this.readOrder(instrument.symbol, { ordId }, priority);
      return { status: 'accepted', order: found?.order ?? fallback };
    } catch (err) {
      this.log.debug({ err, ordId }, 'okx order accepted; reading it back failed, its state comes with the orders push');
      return { status: 'accepted', order: fallback };
    }
  }

  private async submitAlgo(request: OrderRequest, instrument: Instrument, priority: RatePriority): Promise<CommandOutcome> {
    let body;
    try {
      body = buildAlgoOrder(request, instrument);
    } catch (err) {
      return invalidRequestOutcome(err);
    }
    try {
      const reply = await this.post(OKX_PATHS.placeAlgo, body, instrument.symbol, priority);
      const ack = singleAlgoAck(reply, reply.context);
      this.rememberAlgo(ack.algoId, request.clientId, instrument.symbol);
      const trigger = body.slTriggerPx ?? body.tpTriggerPx;
      const ordPx = body.slOrdPx ?? body.tpOrdPx;
      const order: OrderSnapshot = {
        venue: OKX_VENUE_ID,
        venueOrderId: ack.algoId,
        clientId: request.clientId,
        symbol: instrument.symbol,
        side: request.side,
        type: request.type,
        status: 'untriggered',
        size: Decimal.from(body.sz),
        filledSize: Decimal.ZERO,
        reduceOnly: request.reduceOnly,
        updatedAtMs: this.deps.clock.now(),
        ...(trigger === undefined ? {} : { triggerPrice: Decimal.from(trigger) }),
        ...(ordPx === undefined || ordPx === '-1' ? {} : { price: Decimal.from(ordPx) }),
      };
      return { status: 'accepted', order };
    } catch (err) {
      return this.outcomeOf(err, 'POST trade/order-algo');
    }
  }

  async cancelOrder(ref: OrderRef, priority: RatePriority = 'normal'): Promise<CancelOutcome> {
    const symbol = this.nativeSymbol(ref.symbol);
    const r: OrderRef = { ...ref, symbol };
    const algo = this.algoOf(r);
    try {
      // One of our stops/takes; anything else is tried as an order-book order first, then as an algo.
      if (algo !== undefined) return await this.cancelAlgo(r, algo, priority);
      try {
        const reply = await this.post(OKX_PATHS.cancelOrder, buildCancelOrder(r), symbol, priority);
        const ack = singleOrderAck(reply, reply.context);
        // The ack is not the outcome: read the order back, and hand it on only once it is final
        // (with what filled before the cancel, accFillSz); otherwise its push will tell.
        const after = await this.readOrder(symbol, ack.ordId !== '' ? { ordId: ack.ordId } : buildCancelOrder(r), priority).catch(
          () => undefined,
        );
        return after !== undefined && isTerminal(after.order.status) ? { status: 'accepted', order: after.order } : { status: 'accepted' };
      } catch (err) {
        if (!isOrderNotFound(err) && !(r.venueOrderId === undefined && isOrderAlreadyClosed(err))) throw err;
        // Not an order-book order: maybe an algo we have not seen (after a restart).
        const found = await this.findPendingAlgo(r, priority);
        if (found === undefined) throw err;
        return await this.cancelAlgo(r, found, priority);
      }
    } catch (err) {
      if (err instanceof OkxRequestError) return { status: 'rejected', code: err.code, reason: err.message, notFound: false };
      return cancelOutcomeOf(err, OKX_ERROR_FACTS);
    }
  }

  /** Cancels an algo; when it already fired, cancels the order it spawned if that is still working. */
  private async cancelAlgo(ref: OrderRef, algoId: string, priority: RatePriority): Promise<CancelOutcome> {
    const reply = await this.post(
      OKX_PATHS.cancelAlgos,
      buildCancelAlgos([{ symbol: ref.symbol, venueOrderId: algoId }]),
      ref.symbol,
      priority,
    );
    const outcome = parseAlgoAcks(reply, reply.context)[0];
    if (outcome === undefined || outcome.ok) return { status: 'accepted' };
    const spawned = this.algosById.get(algoId)?.spawned ?? [];
    if (isOrderAlreadyClosed(outcome.error) || isOrderNotFound(outcome.error)) {
      for (const ordId of spawned) {
        const child = await this.readOrder(ref.symbol, { ordId }, priority).catch(() => undefined);
        if (child && (child.order.status === 'open' || child.order.status === 'partially_filled')) {
          const r2 = await this.post(OKX_PATHS.cancelOrder, { instId: ref.symbol, ordId }, ref.symbol, priority);
          singleOrderAck(r2, r2.context);
          return { status: 'accepted' };
        }
      }
    }
    throw outcome.error;
  }

  async amendOrder(request: AmendRequest): Promise<CommandOutcome> {
    const symbol = this.nativeSymbol(request.ref.symbol);
    const ref: OrderRef = { ...request.ref, symbol };
    if (this.algoOf(ref) !== undefined) {
      return {
        status: 'rejected',
        code: 'INVALID_REQUEST',
        reason: 'okx stops and take-profits are algo orders: place a new one and cancel the old (amend is for order-book orders)',
        retryable: false,
      };
    }
    const priority = request.priority ?? 'normal';
    const found = await this.getOrder(ref, priority);
    if (found.status !== 'found') {
      return found.status === 'not_found'
        ? { status: 'rejected', code: '51603', reason: 'order to amend not found', retryable: false }
        : { status: 'unknown', reason: found.reason };
    }
    let body;
    try {
      body = buildAmendOrder(
        { ...request, ref: { ...ref, venueOrderId: found.order.venueOrderId } },
        this.requireInstrument(symbol),
        found.order.side,
      );
    } catch (err) {
      return invalidRequestOutcome(err);
    }
    try {
      const reply = await this.post(OKX_PATHS.amendOrder, body, symbol, priority);
      singleOrderAck(reply, reply.context);
    } catch (err) {
      return this.outcomeOf(err, 'POST trade/amend-order');
    }
    const after = await this.readOrder(symbol, { ordId: found.order.venueOrderId }, priority).catch(() => undefined);
    const order = after?.order ?? {
      ...found.order,
      ...(body.newSz === undefined ? {} : { size: Decimal.from(body.newSz) }),
      ...(body.newPx === undefined ? {} : { price: Decimal.from(body.newPx) }),
    };
    return { status: 'accepted', order };
  }

  /**
   * Looks an order up by venue id or client id: order-book orders with `GET trade/order`, our
   * stops and takes among the pending algos. A triggered algo is followed to the order it spawned
   * (its state and `accFillSz` tell whether the stop filled), reported under the algo's client id.
   */
  async getOrder(ref: OrderRef, priority: RatePriority = 'normal'): Promise<OrderLookup> {
    const symbol = this.nativeSymbol(ref.symbol);
    const r: OrderRef = { ...ref, symbol };
    try {
      const algoId = this.algoOf(r) ?? (await this.findPendingAlgo(r, priority));
      if (algoId !== undefined) return await this.lookupAlgo(r, algoId, priority);
      const query = r.venueOrderId ? { ordId: r.venueOrderId } : r.clientId ? { clOrdId: r.clientId } : undefined;
      if (!query) return { status: 'unknown', reason: 'lookup needs a venue order id or a client id' };
      const found = await this.readOrder(symbol, query, priority);
      if (found) return { status: 'found', order: found.order };
      // A venue id OKX does not know as an order may be one of our algos from before a restart.
      if (r.venueOrderId !== undefined) {
        const finished = await this.algoHistory(symbol, r.venueOrderId, priority).catch(() => undefined);
        if (finished) {
          this.noteAlgo(finished);
          return await this.lookupAlgo(r, r.venueOrderId, priority);
        }
      }
      return { status: 'not_found' };
    } catch (err) {
      if (isOrderNotFound(err)) return { status: 'not_found' };
      return { status: 'unknown', reason: errorMessage(err) };
    }
  }

  private async lookupAlgo(ref: OrderRef, algoId: string, priority: RatePriority): Promise<OrderLookup> {
    const pending = await this.pendingAlgos(ref.symbol, priority, algoId);
    const live = pending.find((a) => a.algoId === algoId);
    if (live) return { status: 'found', order: live.order };
    // No longer pending: fired (follow it to the order it placed), cancelled, or failed.
    const finished = await this.algoHistory(ref.symbol, algoId, priority).catch((err: unknown) => {
      this.log.debug({ err, algoId }, 'okx orders-algo-history unavailable; following the algo from what this process saw');
      return undefined;
    });
    const info = finished ? this.noteAlgo(finished) : this.algosById.get(algoId);
    const clientId = info?.clientId ?? ref.clientId;
    for (const ordId of [...(info?.spawned ?? [])].reverse()) {
      const child = await this.readOrder(ref.symbol, { ordId }, priority);
      if (child) return { status: 'found', order: this.asAlgoChild(child.order, clientId, algoId) };
    }
    if (finished) return { status: 'found', order: clientId === undefined ? finished.order : { ...finished.order, clientId } };
    if (info?.lastState === 'canceled' || info?.lastState === 'effective' || info?.lastState === 'order_failed') {
      const status = info.lastState === 'canceled' ? 'cancelled' : info.lastState === 'order_failed' ? 'rejected' : 'triggered';
      return {
        status: 'unknown',
        reason: `okx algo ${algoId} is no longer pending (last seen ${status}) and its history could not be read; try again`,
      };
    }
    return { status: 'not_found' };
  }

  /** A finished algo from `orders-algo-history` by its algoId; undefined when OKX lists none. */
  private async algoHistory(instId: string, algoId: string, priority: RatePriority): Promise<OkxAlgoUpdate | undefined> {
    const reply = await this.get(OKX_PATHS.algosHistory, { ordType: 'conditional', algoId, instType: INST_TYPE, instId }, priority);
    const now = this.deps.clock.now();
    const [first] = this.parseEach(expectOk(reply, reply.context), 'orders-algo-history', (raw, path) =>
      parseAlgoOrder(validate(OkxAlgoOrderSchema, raw, path), now, path, this.venueClock.offsetMs()),
    );
    return first?.algoId === algoId ? first : undefined;
  }

  /** `GET trade/order`; undefined when OKX does not know it (`51603`). */
  private async readOrder(
    instId: string,
    query: { readonly ordId?: string; readonly clOrdId?: string },
    priority: RatePriority,
  ): Promise<OkxOrderUpdate | undefined> {
    const reply = await this.get(OKX_PATHS.getOrder, { instId, ...query }, priority);
    let data;
    try {
      data = expectOk(reply, reply.context);
    } catch (err) {
      if (isOrderNotFound(err)) return undefined;
      throw err;
    }
    const first = data[0];
    if (first === undefined) return undefined;
    const update = parseOrder(validate(OkxOrderSchema, first, 'order'), this.deps.clock.now(), 'order', this.venueClock.offsetMs());
    return this.withAlgoIdentity(update);
  }

  private async pendingAlgos(instId: string | undefined, priority: RatePriority = 'normal', algoId?: string): Promise<OkxAlgoUpdate[]> {
    const reply = await this.get(OKX_PATHS.algosPending, { ordType: 'conditional,oco', instType: INST_TYPE, instId, algoId }, priority);
    const now = this.deps.clock.now();
    const updates = this.parseEach(expectOk(reply, reply.context), 'orders-algo-pending', (raw, path) =>
      parseAlgoOrder(validate(OkxAlgoOrderSchema, raw, path), now, path, this.venueClock.offsetMs()),
    );
    for (const u of updates) this.noteAlgo(u);
    return updates;
  }

  /** An algo among the pending ones by client id (after a restart we may not know its algoId). */
  private async findPendingAlgo(ref: OrderRef, priority: RatePriority): Promise<string | undefined> {
    if (!ref.clientId && !ref.venueOrderId) return undefined;
    const pending = await this.pendingAlgos(ref.symbol, priority);
    return pending.find(
      (a) =>
        (ref.venueOrderId !== undefined && a.algoId === ref.venueOrderId) || (ref.clientId !== undefined && a.algoClOrdId === ref.clientId),
    )?.algoId;
  }

  private algoOf(ref: OrderRef): string | undefined {
    if (ref.venueOrderId !== undefined && this.algosById.has(ref.venueOrderId)) return ref.venueOrderId;
    if (ref.clientId !== undefined) return this.algoIdByClientId.get(ref.clientId);
    return undefined;
  }

  private rememberAlgo(algoId: string, clientId: string | undefined, symbol: string): AlgoInfo {
    let info = this.algosById.get(algoId);
    if (!info) {
      info = { algoId, clientId, symbol, spawned: [] };
      this.algosById.set(algoId, info);
      if (this.algosById.size > ALGO_KEEP) {
        const oldest = this.algosById.keys().next().value;
        if (oldest !== undefined) this.algosById.delete(oldest);
      }
    }
    if (clientId !== undefined) {
      info.clientId = clientId;
      this.algoIdByClientId.set(clientId, algoId);
    }
    return info;
  }

  private noteAlgo(update: OkxAlgoUpdate): AlgoInfo {
    const info = this.rememberAlgo(update.algoId, update.algoClOrdId, update.order.symbol);
    info.lastState = update.state;
    for (const ordId of update.spawnedOrderIds) {
      if (!info.spawned.includes(ordId)) info.spawned.push(ordId);
      this.algoBySpawned.set(ordId, update.algoId);
      this.replayUnattributed(ordId);
    }
    return info;
  }

  /**
   * Pushes of an order a fired algo placed can arrive (private socket) before the algo's own push
   * naming it (business socket). Until then they are kept; once the algo is known they are handed
   * on again under its client id, so the stop's fill reaches the leg that owns it.
   */
  private replayUnattributed(ordId: string): void {
    const held = this.unattributed.get(ordId);
    if (!held) return;
    this.unattributed.delete(ordId);
    for (const raw of held) {
      const update = this.withAlgoIdentity(raw);
      this.emit({ type: 'order', venue: this.id, order: update.order });
      if (update.fill) this.emit({ type: 'fill', venue: this.id, fill: update.fill });
    }
  }

  /** An order a triggered algo spawned carries the algo's client id (the leg the daemon knows). */
  private withAlgoIdentity(update: OkxOrderUpdate): OkxOrderUpdate {
    const algoId = update.algoId ?? this.algoBySpawned.get(update.order.venueOrderId);
    if (algoId === undefined) return update;
    const info = this.algosById.get(algoId);
    if (info && !info.spawned.includes(update.order.venueOrderId)) {
      info.spawned.push(update.order.venueOrderId);
      this.algoBySpawned.set(update.order.venueOrderId, algoId);
    }
    const clientId = update.algoClOrdId ?? info?.clientId;
    if (clientId === undefined) return update;
    const order = this.asAlgoChild(update.order, clientId, algoId);
    const fill = update.fill === undefined ? undefined : { ...update.fill, clientId };
    return { ...update, order, ...(fill === undefined ? {} : { fill }) };
  }

  private asAlgoChild(order: OrderSnapshot, clientId: string | undefined, _algoId: string): OrderSnapshot {
    return clientId === undefined ? order : { ...order, clientId };
  }

  // ---- snapshots -------------------------------------------------------------------------------

  async openOrders(symbol?: string): Promise<readonly OrderSnapshot[]> {
    const instId = symbol === undefined ? undefined : this.nativeSymbol(symbol);
    const reply = await this.get(OKX_PATHS.ordersPending, { instType: INST_TYPE, instId });
    const now = this.deps.clock.now();
    const orders = this.parseEach(
      expectOk(reply, reply.context),
      'orders-pending',
      (raw, path) => this.withAlgoIdentity(parseOrder(validate(OkxOrderSchema, raw, path), now, path, this.venueClock.offsetMs())).order,
    );
    const algos = await this.pendingAlgos(instId);
    return [...orders, ...algos.map((a) => a.order)];
  }

  async positions(priority: RatePriority = 'normal'): Promise<readonly Position[]> {
    const reply = await this.get(OKX_PATHS.positions, { instType: INST_TYPE }, priority);
    const now = this.deps.clock.now();
    return this.parseEach(
      expectOk(reply, reply.context),
      'positions',
      (raw, path) => parsePosition(validate(OkxPositionSchema, raw, path), now, path, this.venueClock.offsetMs()).position,
    ).filter((p) => !p.size.isZero());
  }

  async balances(): Promise<readonly Balance[]> {
    const reply = await this.get(OKX_PATHS.balance, {});
    const now = this.deps.clock.now();
    return this.parseEach(expectOk(reply, reply.context), 'balance', (raw, path) =>
      parseAccountBalance(validate(OkxAccountBalanceSchema, raw, path), now, path, this.venueClock.offsetMs()),
    ).flat();
  }

  /**
   * Fills at or after `sinceMs` (host time) from `trade/fills` (the last 3 days), newest first in
   * pages of 100 followed with `after` (billId). Fills up to a margin before `sinceMs` may be
   * included; consumers deduplicate by trade id.
   */
  async fillsSince(sinceMs: number, symbol?: string): Promise<readonly Fill[]> {
    const now = this.deps.clock.now();
    const offset = this.venueClock.offsetMs();
    const keepFrom = sinceMs - FILLS_SINCE_MARGIN_MS;
    const instId = symbol === undefined ? undefined : this.nativeSymbol(symbol);
    const begin = String(Math.max(0, Math.floor(sinceMs + offset - FILLS_SINCE_MARGIN_MS)));
    const out: Fill[] = [];
    const seen = new Set<string>();
    let after: string | undefined;
    for (let page = 0; page < FILLS_MAX_PAGES; page += 1) {
      const reply = await this.get(OKX_PATHS.fills, { instType: INST_TYPE, instId, begin, after, limit: String(FILLS_PAGE) });
      const raw = expectOk(reply, reply.context);
      const parsed = this.parseEach(raw, `fills.${page}`, (item, path) => {
        const wire = validate(OkxFillSchema, item, path);
        return { billId: wire.billId, fill: parseFill(wire, now, path, offset) };
      });
      let fresh = 0;
      for (const { fill } of parsed) {
        const key = `${fill.symbol}:${fill.tradeId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        fresh += 1;
        if (fill.tsMs >= keepFrom) out.push(this.fillWithAlgoIdentity(fill));
      }
      const last = parsed.at(-1);
      if (raw.length < FILLS_PAGE || fresh === 0 || last === undefined || last.billId === '' || last.fill.tsMs < keepFrom) break;
      after = last.billId;
    }
    return out;
  }

  private fillWithAlgoIdentity(fill: Fill): Fill {
    const algoId = this.algoBySpawned.get(fill.venueOrderId);
    const clientId = algoId === undefined ? undefined : this.algosById.get(algoId)?.clientId;
    return clientId === undefined ? fill : { ...fill, clientId };
  }

  private parseEach<W, D>(list: readonly W[], prefix: string, parse: (item: W, path: string) => D): D[] {
    return parseItems(list, prefix, parse, ({ path, error }) => {
      this.skippedItems.note(error);
      this.log.error({ err: error, item: path }, 'an okx record failed to parse and was skipped; reconciliation may see it as missing');
    });
  }

  // ---- market data -----------------------------------------------------------------------------

  /** Subscribes `tickers` and `mark-price` of `symbol` on the public socket (never twice). */
  async watchTicker(symbol: string): Promise<void> {
    const instId = this.nativeSymbol(symbol);
    if (this.catalogueLoaded && !this.instruments.has(instId)) {
      throw new OkxRequestError(
        'symbol',
        `unknown okx instrument ${symbol}: not among the ${this.instruments.size} instruments loaded; check the name (e.g. BTC-USDT-SWAP)`,
      );
    }
    if (this.watched.has(instId)) return;
    const args = marketDataArgs(instId);
    this.watched.set(instId, args);
    // While the socket is not ready, its restore subscribes everything watched.
    if (this.publicWs.isReady()) await this.publicWs.subscribe(args);
  }

  async unwatchTicker(symbol: string): Promise<void> {
    const instId = this.nativeSymbol(symbol);
    const args = this.watched.get(instId);
    if (!args) return;
    this.watched.delete(instId);
    this.quotes.delete(instId);
    await this.publicWs.unsubscribe(args);
  }

  // ---- inbound ---------------------------------------------------------------------------------

  private onPush(push: OkxPush, receivedAtMs: number): void {
    const offset = this.venueClock.offsetMs();
    try {
      switch (push.channel) {
        case 'tickers':
          for (const item of push.data) this.onTicker(item, receivedAtMs, offset);
          return;
        case 'mark-price':
          for (const item of push.data) this.onMark(item, receivedAtMs, offset);
          return;
        case 'orders':
          this.onOrders(push.data, receivedAtMs, offset);
          return;
        case 'orders-algo':
          this.onAlgos(push.data, receivedAtMs, offset);
          return;
        case 'positions': {
          const { positions, errors } = parsePositionsPush(push.data, receivedAtMs, offset);
          for (const error of errors) this.skip('positions', error);
          for (const p of positions) this.emit({ type: 'position', venue: this.id, position: p.position });
          return;
        }
        case 'balance_and_position':
          // Cash balances only (no equity): balances() reads the account over REST.
          return;
        default:
          this.log.debug({ channel: push.channel }, 'okx push on an unhandled channel ignored');
      }
    } catch (err) {
      this.rejected.note(err);
      this.log.error({ err, channel: push.channel }, 'okx push failed to parse; dropped, the next reconciliation pass catches up');
    }
  }

  /** The hot path: a `tickers` item checked by hand, decimals kept as sent, merged with the last mark; one ticker object per push. */
  private onTicker(item: unknown, receivedAtMs: number, offset: number): void {
    this.emit({ type: 'ticker', venue: this.id, ticker: readTicker(item, receivedAtMs, 'tickers', offset, this.quotes) });
  }

  private onMark(item: unknown, receivedAtMs: number, offset: number): void {
    this.emit({ type: 'ticker', venue: this.id, ticker: readMarkPrice(item, receivedAtMs, 'mark-price', offset, this.quotes) });
  }

  private onOrders(data: readonly unknown[], receivedAtMs: number, offset: number): void {
    const { updates, errors } = parseOrdersPush(data, receivedAtMs, offset);
    for (const error of errors) this.skip('orders', error);
    for (const raw of updates) {
      const update = this.withAlgoIdentity(raw);
      const keys = orderDedupKeys(update);
      const fresh = this.firstTime(keys.fill);
      const freshTerminal = this.firstTime(keys.terminal);
      // A repeated push (same fill, same terminal state) is already processed.
      if (!fresh && !freshTerminal && (keys.fill !== undefined || keys.terminal !== undefined)) continue;
      // Placed by an algo we cannot name yet: handed on again once its orders-algo push names it.
      if (update.spawnedByAlgo && update.order.clientId === undefined) this.holdUnattributed(fresh ? update : withoutFill(update));
      this.emit({ type: 'order', venue: this.id, order: update.order });
      if (update.fill && fresh) {
        this.gap.noteFill(update.fill);
        this.emit({ type: 'fill', venue: this.id, fill: update.fill });
      }
    }
  }

  private onAlgos(data: readonly unknown[], receivedAtMs: number, offset: number): void {
    const updates = this.parseEach(data, 'orders-algo', (raw, path) =>
      parseAlgoOrder(validate(OkxAlgoOrderSchema, raw, path), receivedAtMs, path, offset),
    );
    for (const update of updates) {
      this.noteAlgo(update);
      if (update.failCode !== undefined) {
        this.log.error(
          { algoId: update.algoId, clientId: update.algoClOrdId, failCode: update.failCode },
          `okx algo ${update.algoClOrdId ?? update.algoId} fired but could not place its order (failCode ${update.failCode}); the position may be unprotected — the order manager reconciles`,
        );
      }
      this.emit({ type: 'order', venue: this.id, order: update.order });
    }
  }

  private holdUnattributed(update: OkxOrderUpdate): void {
    const id = update.order.venueOrderId;
    const held = this.unattributed.get(id) ?? [];
    held.push(update);
    this.unattributed.set(id, held);
    if (this.unattributed.size > UNATTRIBUTED_KEEP) {
      const oldest = this.unattributed.keys().next().value;
      if (oldest !== undefined) this.unattributed.delete(oldest);
    }
  }

  private firstTime(key: string | undefined): boolean {
    if (key === undefined) return false;
    if (this.seenPushKeys.has(key)) return false;
    this.seenPushKeys.add(key);
    if (this.seenPushKeys.size > DEDUP_KEEP) {
      const oldest = this.seenPushKeys.values().next().value;
      if (oldest !== undefined) this.seenPushKeys.delete(oldest);
    }
    return true;
  }

  private skip(channel: string, error: unknown): void {
    this.skippedItems.note(error);
    this.log.error(
      { err: error, channel },
      'an okx push item failed to parse and was skipped; the rest of the push was delivered, reconciliation catches up',
    );
  }

  /**
   * Inbound data this adapter could not use, over its sockets since start: malformed frames (by
   * the classifier's reasons), pushes that failed to parse, single items skipped.
   */
  inboundProblems(): {
    readonly malformedFrames: number;
    readonly errorEvents: number;
    readonly rejectedPushes: number;
    readonly skippedItems: number;
    readonly lastRejection: string | undefined;
  } {
    const clients = [this.publicWs, this.privateWs, this.businessWs].filter((c): c is OkxWsClient => c !== undefined);
    let malformedFrames = 0;
    let errorEvents = 0;
    let last: string | undefined;
    for (const c of clients) {
      const p = c.frameProblems();
      malformedFrames += p.total;
      errorEvents += c.errorEventCount();
      last ??= p.last;
    }
    return {
      malformedFrames,
      errorEvents,
      rejectedPushes: this.rejected.count,
      skippedItems: this.skippedItems.count,
      lastRejection: this.rejected.last ?? this.skippedItems.last ?? last,
    };
  }
}

/** The update without its fill (a fill already handed on must not be replayed twice). */
function withoutFill(update: OkxOrderUpdate): OkxOrderUpdate {
  const { fill: _fill, ...rest } = update;
  return rest;
}
