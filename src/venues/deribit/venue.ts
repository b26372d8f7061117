/**
 * DeribitVenue implements the venue-neutral Venue port: builds venue params, calls the raw
 * clients, parses into domain types, classifies outcomes (accepted / rejected / unknown).
 * Order entry goes over the WebSocket; snapshots for reconciliation go over REST.
 */
import type { Logger } from 'pino';
import { z } from 'zod';

import type { CancelOutcome, CommandOutcome, OrderLookup } from '../../domain/commands.js';
import type { ConnectionState, VenueEvent, VenueEventListener } from '../../domain/events.js';
import type { Instrument } from '../../domain/instrument.js';
import type { AmendRequest, OrderRef, OrderRequest, OrderSnapshot } from '../../domain/order.js';
import type { Clock, ClockOffset, Venue } from '../../domain/ports.js';
import type { Balance, Fill, Position } from '../../domain/position.js';
import { bestSample, offsetSample, VenueClock } from '../shared/clock-offset.js';
import { cancelOutcomeOf, commandOutcomeOf, errorMessage, invalidRequestOutcome } from '../shared/command-outcome.js';
import { GapResync } from '../shared/gap-resync.js';
import { LazySubscriptions } from '../shared/lazy-subscriptions.js';
import { parseItems, RejectionCounter } from '../shared/parse-items.js';
import { RateLimiter, type RatePriority } from '../shared/rate-limit.js';
import { type GroupHealth, type MemberState, SocketGroup } from '../shared/socket-group.js';
import { VenueEventFanout } from '../shared/venue-event-fanout.js';
import type { DeribitConfig } from './config.js';
import type { DeribitCredentials } from './credentials.js';
import {
  DERIBIT_ERROR_FACTS,
  DERIBIT_VENUE_ID,
  DeribitApiError,
  DeribitRequestError,
  errorAction,
  isOrderAlreadyClosed,
  isOrderNotFound,
  isRateLimited,
} from './errors.js';
import {
  buildEditParams,
  buildOrderParams,
  parseInstruments,
  parseOrder,
  parsePortfolio,
  parsePosition,
  parseTrade,
  parseUserChanges,
  parseUserOrders,
  parseUserTrades,
  type PrivatePush,
  readTicker,
} from './parse.js';
import type { DeribitRestClient } from './rest-client.js';
import {
  DeribitAccountSummarySchema,
  type DeribitOrder,
  DeribitOrderResultSchema,
  DeribitOrderSchema,
  GetInstrumentsResultSchema,
  GetOpenOrdersResultSchema,
  GetPositionsResultSchema,
  GetUserTradesResultSchema,
} from './rest-models.js';
import { validateWire } from './rpc.js';
import { isUnifiedSymbol, unifiedToDeribit } from './unified-symbol.js';
import type { DeribitNotification, DeribitWsClient } from './ws-client.js';
import {
  classifyChannel,
  UserChangesEnvelopeSchema,
  UserOrdersEnvelopeSchema,
  UserPortfolioDataSchema,
  UserTradesEnvelopeSchema,
} from './ws-messages.js';

/** The matching-engine methods share their own credit pool (spec 9). */
const MATCHING_ENGINE = new Set([
  'private/buy',
  'private/sell',
  'private/edit',
  'private/cancel',
  'private/cancel_by_label',
  'private/close_position',
]);

export interface DeribitVenueDeps {
  readonly config: DeribitConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly credentials?: DeribitCredentials;
  readonly ws: (hooks: {
    /** Socket name in log lines (`deribit.md1`, … for the extra market-data connections). */
    name?: string;
    channelsToRestore: () => { public: readonly string[]; private: readonly string[] };
    onNotification: (n: DeribitNotification) => void;
    onRestored: (confirmed: readonly string[]) => void;
    beforeSubscribe: () => Promise<void>;
    beforeLogin: (call: (method: string, params: object, timeoutMs?: number) => Promise<unknown>) => Promise<void>;
  }) => DeribitWsClient;
  readonly rest: DeribitRestClient;
  /** How often expired instruments' channels are pruned. Default 60 s. */
  readonly expiryCheckIntervalMs?: number;
  /** How often the instrument catalogue is reloaded. Default 1 h. */
  readonly instrumentsRefreshIntervalMs?: number;
  /** How long connect() waits for the first ready state. Default 15 s. */
  readonly connectTimeoutMs?: number;
  /** First delay before a failed catalogue load is tried again (doubling, up to 60 s). Default 1 s. */
  readonly instrumentsRetryDelayMs?: number;
  /**
   * The venue-host clock offset, shared with the clients that sign (they sign with its venue
   * time). Default: a new one on `clock`.
   */
  readonly venueClock?: VenueClock;
  /** How often the clock offset is measured again. Default `clockSyncIntervalSecs`. */
  readonly clockSyncIntervalMs?: number;
}

/** One connection carrying ticker channels, with its own lazy subscriptions and cap. */
interface MarketDataConnection {
  /** 0 = the trading connection. */
  readonly index: number;
  /** Its key in the socket group and its name in log lines: `deribit.ws`, `deribit.md1`, … */
  readonly name: string;
  readonly client: DeribitWsClient;
  readonly subs: LazySubscriptions;
  readonly cap: number;
}

/** The trading connection's name in the socket group (the extra market-data ones are `deribit.md1`, …). */
const TRADING_SOCKET = 'deribit.ws';

/** After a 10028, new entries on that pool wait this long (protective requests only for one refill). */
const RATE_LIMIT_HOLD_MS = 1_000;

/**
 * The part of the matching-engine burst only protective requests (stop-loss, emergency close,
 * cancels) may use, so entries can never drain what a stop needs: a quarter of the burst, at
 * most 5 (a stop, its retries and an emergency close), at least 1 whenever the burst allows it.
 */
export function protectiveReserveOf(burst: number): number {
  if (burst < 2) return 0;
  return Math.max(1, Math.min(5, Math.floor(burst / 4)));
}

/** Trades per `get_user_trades_by_currency` page (the venue's maximum). */
const FILLS_PAGE_SIZE = 1000;

/**
 * `fillsSince` asks the venue from this long before the converted start time and keeps fills from
 * this long before it: the measured offset is good to about half a round trip and drifts between
 * measurements. Fills are deduplicated by venue trade id above the port.
 */
const FILLS_SINCE_MARGIN_MS = 5_000;

/** `public/get_time` samples per clock measurement (the one with the smallest round trip wins). */
const CLOCK_SAMPLES = 3;

/** Wire order states in which an order can still trade. */
const LIVE_WIRE_STATES: ReadonlySet<string> = new Set(['open', 'untriggered']);

/**
 * The one order a label currently stands for among `orders` (all carrying that label): a fired
 * trigger order gives way to the order it spawned; otherwise the most recently created wins.
 */
export function currentOrderOf(orders: readonly DeribitOrder[]): DeribitOrder | undefined {
  const superseded = new Set(orders.map((o) => o.trigger_order_id).filter((id): id is string => typeof id === 'string' && id !== ''));
  let best: DeribitOrder | undefined;
  for (const o of orders) {
    if (superseded.has(o.order_id)) continue;
    if (!best || (o.creation_timestamp ?? 0) >= (best.creation_timestamp ?? 0)) best = o;
  }
  return best;
}

export class DeribitVenue implements Venue {
  readonly id = DERIBIT_VENUE_ID;
  private readonly log: Logger;
  private readonly ws: DeribitWsClient;
  private readonly rest: DeribitRestClient;
  private readonly limiter: RateLimiter;
  private readonly fanout: VenueEventFanout;
  private readonly gap: GapResync;
  private readonly instruments = new Map<string, Instrument>();
  private readonly tickers: LazySubscriptions;
  /**
   * Connections carrying ticker channels: the trading connection first (its cap less the private
   * channels), then extra market-data connections opened when the others are full.
   */
  private readonly md: MarketDataConnection[] = [];
  /** Every socket: the trading connection (essential) and the market-data ones (auxiliary). */
  private readonly sockets: SocketGroup;
  private readonly privateChannels: string[];
  private expiryTimer: NodeJS.Timeout | undefined;
  private instrumentsTimer: NodeJS.Timeout | undefined;
  private started = false;
  /** One subscribe call in units of the non-matching-engine budget. */
  private readonly subscribeCost: number;
  private readonly venueClock: VenueClock;
  /** True once a whole catalogue load has succeeded: only then is an unknown symbol really unknown. */
  private catalogueLoaded = false;
  /** Tickers asked for before the catalogue loaded: subscribed as soon as it does. */
  private readonly deferredTickers = new Set<string>();
  private instrumentsLoading: Promise<void> | undefined;
  private instrumentsRetryTimer: NodeJS.Timeout | undefined;
  private instrumentsFailures = 0;
  private clockTimer: NodeJS.Timeout | undefined;
  /** The offset last warned about (undefined while within `clockSkewWarnMs`). */
  private warnedOffsetMs: number | undefined;
  /** Notifications dropped because their payload failed validation. */
  private readonly rejected = new RejectionCounter();
  /** Single items of a push or a snapshot list that failed to parse and were skipped. */
  private readonly skippedItems = new RejectionCounter();

  constructor(private readonly deps: DeribitVenueDeps) {
    const { config } = deps;
    this.log = deps.logger;
    this.rest = deps.rest;
    this.venueClock = deps.venueClock ?? new VenueClock(deps.clock);
    this.fanout = new VenueEventFanout(this.log);
    this.gap = new GapResync({
      venue: DERIBIT_VENUE_ID,
      logger: this.log,
      clock: deps.clock,
      enabled: deps.credentials !== undefined,
      emit: (event) => this.emit(event),
      reads: { openOrders: () => this.openOrders(), positions: () => this.positions(), fillsSince: (sinceMs) => this.fillsSince(sinceMs) },
    });
    this.privateChannels = deps.credentials ? config.currencies.flatMap((c) => [`user.changes.any.${c}.raw`, `user.portfolio.${c}`]) : [];
    this.ws = deps.ws({
      channelsToRestore: () => ({ public: this.tickers.all(), private: this.privateChannels }),
      onNotification: (n) => this.onNotification(n),
      onRestored: (confirmed) => this.tickers.markRestored(confirmed),
      // A subscribe call costs 3,000 credits, several ordinary requests' worth (spec 9).
      beforeSubscribe: () => this.limiter.acquire({ nonMatching: this.subscribeCost }),
      // Every (re)connect measures the clock on that connection before the login is signed.
      beforeLogin: (call) => this.measureClockBeforeLogin(call),
    });
    const primaryCap = Math.max(1, config.maxChannelsPerConnection - this.privateChannels.length);
    this.tickers = new LazySubscriptions({
      batchSize: config.optionSubscriptionBatchSize,
      maxChannels: primaryCap,
      logger: this.log,
      isReady: () => this.ws.socket.isReady(),
      subscribe: (channels) => this.ws.subscribe(channels),
      unsubscribe: (channels) => this.ws.unsubscribe(channels),
    });
    this.md.push({ index: 0, name: TRADING_SOCKET, client: this.ws, subs: this.tickers, cap: primaryCap });
    this.sockets = new SocketGroup(DERIBIT_VENUE_ID, this.log);
    this.sockets.add(TRADING_SOCKET, this.ws, 'essential');
    const rl = config.rateLimit;
    this.subscribeCost = Math.min(rl.nonMatchingEngineBurst, Math.ceil(rl.nonMatchingEngineRatePerSec / rl.subscribeRatePerSec));
    this.limiter = new RateLimiter({
      name: 'deribit',
      logger: this.log,
      axes: {
        matching: {
          kind: 'bucket',
          capacity: rl.matchingEngineBurst,
          refillPerSecond: rl.matchingEngineRatePerSec,
          protectiveReserve: protectiveReserveOf(rl.matchingEngineBurst),
        },
        nonMatching: { kind: 'bucket', capacity: rl.nonMatchingEngineBurst, refillPerSecond: rl.nonMatchingEngineRatePerSec },
      },
    });
    this.sockets.on('state', ({ from, to, reason }) => {
      this.gap.noteState(from, to);
      this.emit({ type: 'connection', venue: this.id, state: to, detail: reason });
      if (to === 'ready') {
        // Channels asked for while the restore was running, or whose batch failed, go out now.
        void this.tickers.resume();
        this.onReady();
      }
    });
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  async connect(): Promise<void> {
    if (!this.started) {
      this.started = true;
      await this.reloadInstruments('start-up');
      this.sockets.start();
      this.expiryTimer = setInterval(() => void this.pruneExpired(), this.deps.expiryCheckIntervalMs ?? 60_000);
      this.expiryTimer.unref();
      // New option expiries are listed every day: refresh the catalogue now and then.
      this.instrumentsTimer = setInterval(
        () => void this.reloadInstruments('periodic refresh'),
        this.deps.instrumentsRefreshIntervalMs ?? 3_600_000,
      );
      this.instrumentsTimer.unref();
      this.clockTimer = setInterval(
        () => void this.syncClock('periodic refresh'),
        this.deps.clockSyncIntervalMs ?? this.deps.config.clockSyncIntervalSecs * 1_000,
      );
      this.clockTimer.unref();
    }
    await this.sockets.whenReady({ timeoutMs: this.deps.connectTimeoutMs ?? 15_000 });
  }

  async disconnect(): Promise<void> {
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    this.expiryTimer = undefined;
    if (this.instrumentsTimer) clearInterval(this.instrumentsTimer);
    this.instrumentsTimer = undefined;
    if (this.clockTimer) clearInterval(this.clockTimer);
    this.clockTimer = undefined;
    if (this.instrumentsRetryTimer) clearTimeout(this.instrumentsRetryTimer);
    this.instrumentsRetryTimer = undefined;
    this.started = false;
    this.limiter.close('deribit venue disconnected');
    for (const conn of this.md) conn.subs.close();
    // The extra market-data connections keep their channels: a later connect() restores them.
    await this.sockets.stop();
  }

  connectionState(): ConnectionState {
    return this.sockets.state();
  }

  isReady(): boolean {
    return this.sockets.isReady();
  }

  /** Every socket's state and what they add up to (degraded while a market-data connection is down), for health detail. */
  socketHealth(): { readonly health: GroupHealth; readonly members: readonly MemberState[] } {
    return { health: this.sockets.health(), members: this.sockets.members() };
  }

  /** Deribit keeps one net position per instrument. */
  netsPositions(_symbol: string): boolean {
    return true;
  }

  /** The venue-host offset measured with `public/get_time` (after every connect and periodically). */
  clockOffset(): ClockOffset | undefined {
    return this.venueClock.offset();
  }

  /**
   * Measures the venue-host clock offset NTP-style with a few `public/get_time` calls (over
   * `getTime`, default: the WebSocket when ready, else REST) and keeps the sample with the
   * smallest round trip. Never throws: a failed measurement keeps the previous offset.
   */
  async syncClock(why: string, getTime?: () => Promise<unknown>): Promise<ClockOffset | undefined> {
    const read =
      getTime ??
      (this.ws.socket.isReady()
        ? () => this.ws.call('public/get_time', {}, { timeoutMs: Math.min(2_000, this.deps.config.requestTimeoutMs) })
        : () => this.rest.call('public/get_time', {}, z.unknown()));
    const samples: ClockOffset[] = [];
    try {
      for (let i = 0; i < CLOCK_SAMPLES; i += 1) {
        // Three cheap calls now and then: take them only when the budget has room, never queue.
        if (!this.limiter.tryAcquire({ nonMatching: 1 })) break;
        const sentAt = this.deps.clock.now();
        const raw = await read();
        const receivedAt = this.deps.clock.now();
        samples.push(offsetSample(sentAt, validateWire(z.number().int(), raw, 'public/get_time.result'), receivedAt));
      }
    } catch (err) {
      if (samples.length === 0) {
        this.log.warn(
          { err, why },
          `measuring the deribit clock offset failed (${why}); keeping the previous offset, the next measurement is after the next reconnect or refresh`,
        );
        return undefined;
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
      if (this.warnedOffsetMs !== undefined) this.log.info(detail, 'deribit clock offset is back within clockSkewWarnMs');
      else this.log.debug(detail, 'deribit clock offset measured');
      this.warnedOffsetMs = undefined;
      return;
    }
    // Once per excursion, and again when it has moved by more than the threshold since.
    if (this.warnedOffsetMs !== undefined && Math.abs(offset.offsetMs - this.warnedOffsetMs) <= limit) {
      this.log.debug(detail, 'deribit clock offset measured');
      return;
    }
    this.warnedOffsetMs = offset.offsetMs;
    const direction = offset.offsetMs < 0 ? 'behind' : 'ahead of';
    this.log.warn(
      detail,
      `deribit's clock is ${Math.abs(offset.offsetMs)} ms ${direction} this host's (more than clockSkewWarnMs ${limit}); venue times and signatures are corrected with the measured offset, but check NTP on the host (timedatectl status / chronyc tracking)`,
    );
  }

  subscribe(listener: VenueEventListener): () => void {
    return this.fanout.subscribe(listener);
  }

  /** Every WebSocket client: the trading connection first, then the extra market-data ones. */
  private allClients(): DeribitWsClient[] {
    return this.md.map((conn) => conn.client);
  }

  private emit(event: VenueEvent): void {
    this.fanout.emit(event);
  }

  // ---- instruments -----------------------------------------------------------------------------

  async loadInstruments(): Promise<readonly Instrument[]> {
    for (const currency of this.deps.config.currencies) {
      for (const kind of ['future', 'option'] as const) {
        await this.limiter.acquire({ nonMatching: 1 });
        const list = await this.rest.call('public/get_instruments', { currency, kind }, GetInstrumentsResultSchema);
        const { instruments, skipped } = parseInstruments(list);
        for (const i of instruments) this.instruments.set(i.symbol, i);
        if (skipped.length > 0)
          this.log.debug({ currency, kind, skipped: skipped.length }, 'deribit instruments skipped (unsupported kinds)');
      }
    }
    this.log.info({ count: this.instruments.size }, 'deribit instruments loaded');
    this.catalogueLoaded = true;
    this.subscribeDeferredTickers();
    return [...this.instruments.values()];
  }

  instrument(symbol: string): Instrument | undefined {
    return this.instruments.get(symbol);
  }

  nativeSymbol(symbol: string): string {
    return isUnifiedSymbol(symbol) ? (unifiedToDeribit(symbol) ?? symbol) : symbol;
  }

  // ---- orders ----------------------------------------------------------------------------------

  private async rpc(method: string, params: object, priority: RatePriority = 'normal'): Promise<unknown> {
    const axis = MATCHING_ENGINE.has(method) ? 'matching' : 'nonMatching';
    await this.limiter.acquire({ [axis]: 1 }, priority);
    try {
      // Protective requests get a shorter deadline: a swallowed stop answer is looked up sooner.
      const { requestTimeoutMs, protectiveRequestTimeoutMs } = this.deps.config;
      return await this.ws.call(
        method,
        params,
        priority === 'protective' ? { timeoutMs: Math.min(requestTimeoutMs, protectiveRequestTimeoutMs) } : {},
      );
    } catch (err) {
      // 10028: that pool (matching engine or not) is empty on the venue. Entries wait a while;
      // protective requests only for one request's refill. Other "back off" errors (settlement,
      // queue full) say nothing about the budget: the caller's retry policy handles them.
      if (isRateLimited(err)) this.limiter.holdUntil(this.deps.clock.now() + RATE_LIMIT_HOLD_MS, axis);
      if (err instanceof DeribitApiError && errorAction(err) === 'reauth') {
        void this.ws
          .reauthenticate()
          .catch((e: unknown) => this.log.warn({ err: e }, 'deribit re-authentication failed; reconnect will log in again'));
      }
      throw err;
    }
  }

  private requireInstrument(symbol: string): Instrument {
    const instrument = this.instruments.get(symbol);
    if (!instrument)
      throw new DeribitRequestError('symbol', `unknown deribit instrument ${symbol} (instruments loaded: ${this.instruments.size})`);
    return instrument;
  }

  async submitOrder(request: OrderRequest): Promise<CommandOutcome> {
    let call;
    try {
      call = buildOrderParams(request, this.requireInstrument(request.symbol));
    } catch (err) {
      return invalidRequestOutcome(err);
    }
    try {
      const raw = await this.rpc(call.method, call.params, request.priority ?? 'normal');
      const result = validateWire(DeribitOrderResultSchema, raw, `${call.method}.result`);
      const now = this.deps.clock.now();
      const offset = this.venueClock.offsetMs();
      const order = parseOrder(result.order, now, 'order', offset);
      for (const t of result.trades) this.noteFill(parseTrade(t, now, 'trade', offset));
      return { status: 'accepted', order };
    } catch (err) {
      return this.outcomeOf(err, call.method);
    }
  }

  private outcomeOf(err: unknown, method: string): CommandOutcome {
    const outcome = commandOutcomeOf(err, DERIBIT_ERROR_FACTS);
    if (outcome.status === 'unknown')
      this.log.warn({ err, method }, `deribit ${method}: outcome unknown; reconcile by label before any retry`);
    return outcome;
  }

  async cancelOrder(ref: OrderRef, priority: RatePriority = 'normal'): Promise<CancelOutcome> {
    try {
      if (ref.venueOrderId) {
        let raw: unknown;
        try {
          raw = await this.rpc('private/cancel', { order_id: ref.venueOrderId }, priority);
        } catch (err) {
          // A trigger order that fired is no longer open (11044): the order it spawned (same
          // label, `trigger_order_id` pointing back) may still be working, and that is what to cancel.
          if (!isOrderAlreadyClosed(err)) throw err;
          const spawned = await this.spawnedOrder(ref.venueOrderId);
          if (!spawned || !LIVE_WIRE_STATES.has(spawned.order_state)) throw err;
          raw = await this.rpc('private/cancel', { order_id: spawned.order_id }, priority);
        }
        return {
          status: 'accepted',
          order: parseOrder(
            validateWire(DeribitOrderSchema, raw, 'private/cancel.result'),
            this.deps.clock.now(),
            'order',
            this.venueClock.offsetMs(),
          ),
        };
      }
      if (!ref.clientId)
        return { status: 'rejected', code: 'INVALID_REQUEST', reason: 'cancel needs a venue order id or a client id', notFound: false };
      const currency = this.requireInstrument(ref.symbol).base;
      const count = Number(await this.rpc('private/cancel_by_label', { label: ref.clientId, currency }, priority));
      return count > 0
        ? { status: 'accepted' }
        : { status: 'rejected', code: '10004', reason: `no open order labelled ${ref.clientId}`, notFound: true };
    } catch (err) {
      return cancelOutcomeOf(err, DERIBIT_ERROR_FACTS);
    }
  }

  async amendOrder(request: AmendRequest): Promise<CommandOutcome> {
    const found = await this.getOrder(request.ref);
    if (found.status !== 'found') {
      return found.status === 'not_found'
        ? { status: 'rejected', code: '10004', reason: 'order to amend not found', retryable: false }
        : { status: 'unknown', reason: found.reason };
    }
    let call;
    try {
      // Edit the order the look-up found: for a trigger order that fired, the order it spawned.
      call = buildEditParams(
        { ...request, ref: { ...request.ref, venueOrderId: found.order.venueOrderId } },
        this.requireInstrument(request.ref.symbol),
        {
          venueOrderId: found.order.venueOrderId,
          side: found.order.side,
          size: found.order.size,
        },
      );
    } catch (err) {
      return invalidRequestOutcome(err);
    }
    try {
      const raw = await this.rpc(call.method, call.params, request.priority ?? 'normal');
      const result = validateWire(DeribitOrderResultSchema, raw, 'private/edit.result');
      return { status: 'accepted', order: parseOrder(result.order, this.deps.clock.now(), 'order', this.venueClock.offsetMs()) };
    } catch (err) {
      return this.outcomeOf(err, 'private/edit');
    }
  }

  /**
   * Looks an order up by venue id, else by label. A trigger order that fired (`triggered`) has
   * done its work through the order it spawned (a new order id, the same label,
   * `trigger_order_id` pointing back): that order is returned instead, because its state and
   * `filled_amount` are what tell whether the stop or take-profit filled.
   */
  async getOrder(ref: OrderRef, priority: 'protective' | 'normal' = 'normal'): Promise<OrderLookup> {
    try {
      const now = this.deps.clock.now();
      const { requestTimeoutMs, protectiveRequestTimeoutMs } = this.deps.config;
      const deadline = priority === 'protective' ? { timeoutMs: Math.min(requestTimeoutMs, protectiveRequestTimeoutMs) } : {};
      if (ref.venueOrderId) {
        const raw = await this.rest.call('private/get_order_state', { order_id: ref.venueOrderId }, DeribitOrderSchema, deadline);
        const spawned = raw.order_state === 'triggered' ? await this.spawnedOrder(raw.order_id, raw) : undefined;
        return { status: 'found', order: parseOrder(spawned ?? raw, now, 'order', this.venueClock.offsetMs()) };
      }
      if (!ref.clientId) return { status: 'unknown', reason: 'lookup needs a venue order id or a client id' };
      const currency = this.requireInstrument(ref.symbol).base;
      const list = await this.rest.call(
        'private/get_order_state_by_label',
        { currency, label: ref.clientId },
        z.array(DeribitOrderSchema),
        deadline,
      );
      const current = currentOrderOf(list.filter((o) => o.instrument_name === ref.symbol));
      return current ? { status: 'found', order: parseOrder(current, now, 'order', this.venueClock.offsetMs()) } : { status: 'not_found' };
    } catch (err) {
      if (isOrderNotFound(err)) return { status: 'not_found' };
      return { status: 'unknown', reason: errorMessage(err) };
    }
  }

  /** The order a fired trigger order spawned, found by its label; undefined when there is none (yet). */
  private async spawnedOrder(triggerOrderId: string, known?: DeribitOrder): Promise<DeribitOrder | undefined> {
    const parent = known ?? (await this.rest.call('private/get_order_state', { order_id: triggerOrderId }, DeribitOrderSchema));
    const label = parent.label ?? '';
    const currency = this.instruments.get(parent.instrument_name)?.base;
    if (label === '' || currency === undefined) return undefined;
    const list = await this.rest.call('private/get_order_state_by_label', { currency, label }, z.array(DeribitOrderSchema));
    return list.filter((o) => o.trigger_order_id === triggerOrderId).at(-1);
  }

  // ---- snapshots -------------------------------------------------------------------------------

  async openOrders(symbol?: string): Promise<readonly OrderSnapshot[]> {
    const now = this.deps.clock.now();
    if (symbol) {
      const list = await this.rest.call('private/get_open_orders_by_instrument', { instrument_name: symbol }, GetOpenOrdersResultSchema);
      return this.parseEach(list, 'open_orders', (o, path) => parseOrder(o, now, path, this.venueClock.offsetMs()));
    }
    const out: OrderSnapshot[] = [];
    for (const currency of this.deps.config.currencies) {
      const list = await this.rest.call('private/get_open_orders_by_currency', { currency }, GetOpenOrdersResultSchema);
      out.push(...this.parseEach(list, `open_orders.${currency}`, (o, path) => parseOrder(o, now, path, this.venueClock.offsetMs())));
    }
    return out;
  }

  /**
   * Open positions. A protective read (it sizes a close, an emergency one too) gets the protective
   * deadline, like every other protective request: a late or swallowed answer is asked again soon
   * rather than after the full request timeout, while the position has no stop.
   */
  async positions(priority: RatePriority = 'normal'): Promise<readonly Position[]> {
    const now = this.deps.clock.now();
    const { requestTimeoutMs, protectiveRequestTimeoutMs } = this.deps.config;
    const deadline = priority === 'protective' ? { timeoutMs: Math.min(requestTimeoutMs, protectiveRequestTimeoutMs) } : {};
    const out: Position[] = [];
    for (const currency of this.deps.config.currencies) {
      const list = await this.rest.call('private/get_positions', { currency }, GetPositionsResultSchema, deadline);
      out.push(...this.parseEach(list, `positions.${currency}`, (p, path) => parsePosition(p, now, path)).filter((p) => !p.size.isZero()));
    }
    return out;
  }

  async balances(): Promise<readonly Balance[]> {
    const now = this.deps.clock.now();
    const out: Balance[] = [];
    for (const currency of this.deps.config.currencies) {
      const summary = await this.rest.call('private/get_account_summary', { currency }, DeribitAccountSummarySchema);
      out.push(parsePortfolio(summary, now));
    }
    return out;
  }

  /**
   * Fills at or after `sinceMs` (host time). The venue is asked in its own time, from a margin
   * before the converted start (the offset is an estimate), and fills are handed up in host time;
   * fills up to that margin before `sinceMs` may be included (deduplicated by trade id above).
   */
  async fillsSince(sinceMs: number, symbol?: string): Promise<readonly Fill[]> {
    const now = this.deps.clock.now();
    const offset = this.venueClock.offsetMs();
    const keepFrom = sinceMs - FILLS_SINCE_MARGIN_MS;
    const out: Fill[] = [];
    for (const currency of this.deps.config.currencies) {
      // Oldest first, 1000 a page: follow `has_more`, or the newest fills (the ones a reconnect
      // gap is about) would be cut off on a busy account.
      const seen = new Set<string>();
      let start = Math.max(0, Math.floor(sinceMs + offset - FILLS_SINCE_MARGIN_MS));
      for (let page = 0; ; page += 1) {
        const res = await this.rest.call(
          'private/get_user_trades_by_currency',
          { currency, start_timestamp: start, count: FILLS_PAGE_SIZE, sorting: 'asc' },
          GetUserTradesResultSchema,
        );
        const fresh = res.trades.filter((t) => !seen.has(t.trade_id));
        for (const t of fresh) seen.add(t.trade_id);
        const fills = this.parseEach(fresh, `trades.${currency}.${page}`, (t, path) => parseTrade(t, now, path, offset));
        out.push(...fills.filter((f) => f.tsMs >= keepFrom && (!symbol || f.symbol === symbol)));
        const last = res.trades.at(-1);
        if (res.has_more !== true || last === undefined) break;
        // The next page starts at the last timestamp (inclusive; duplicates are skipped above). A
        // full page within one millisecond cannot advance that way: step past it and say so.
        let next = last.timestamp;
        if (fresh.length === 0 || next <= start) {
          next = Math.max(start, next) + 1;
          this.log.warn(
            { currency, atMs: next - 1 },
            'more than one page of deribit trades share a timestamp; some may be skipped, reconciliation by order catches up',
          );
        }
        start = next;
      }
    }
    return out;
  }

  /** Parse a snapshot list item by item: a bad item is counted, logged and skipped, the rest still count. */
  private parseEach<W, D>(list: readonly W[], prefix: string, parse: (item: W, path: string) => D): D[] {
    return parseItems(list, prefix, parse, ({ path, error }) => {
      this.skippedItems.note(error);
      this.log.error({ err: error, item: path }, 'a deribit record failed to parse and was skipped; reconciliation may see it as missing');
    });
  }

  // ---- market data -----------------------------------------------------------------------------

  private tickerChannel(symbol: string): string {
    return `ticker.${symbol}.100ms`;
  }

  /**
   * Subscribes the ticker of `symbol`. Before the instrument catalogue has loaded (a failed
   * start-up load is retried with backoff) the request is remembered and subscribed once it
   * arrives; after it has loaded, an unknown symbol is refused with an error naming it.
   */
  async watchTicker(symbol: string): Promise<void> {
    if (!this.instruments.has(symbol)) {
      if (this.catalogueLoaded) {
        throw new DeribitRequestError(
          'symbol',
          `unknown deribit instrument ${symbol}: not among the ${this.instruments.size} instruments listed for ${this.deps.config.currencies.join(', ')}; check the name (e.g. BTC-PERPETUAL) and venues.deribit.currencies`,
        );
      }
      if (!this.deferredTickers.has(symbol)) {
        this.deferredTickers.add(symbol);
        this.log.info({ symbol }, `deribit instruments are not loaded yet; the ticker of ${symbol} is subscribed as soon as they are`);
      }
      return;
    }
    await this.requestTickers([this.tickerChannel(symbol)]);
  }

  async unwatchTicker(symbol: string): Promise<void> {
    this.deferredTickers.delete(symbol);
    await this.releaseTickers([this.tickerChannel(symbol)]);
  }

  /**
   * Spreads ticker channels over the market-data connections: a channel already wanted stays where
   * it is; new ones fill the first connection with room (slots freed by unwatched or expired
   * instruments are reused first), and past every connection's cap another connection is opened.
   * Resolves when the batches carrying them have been sent (or wait for their connection's restore).
   */
  private requestTickers(channels: readonly string[]): Promise<void> {
    const waits: Promise<void>[] = [];
    const fresh: string[] = [];
    for (const channel of new Set(channels)) {
      const holder = this.md.find((conn) => conn.subs.has(channel));
      if (holder) waits.push(holder.subs.request([channel]));
      else fresh.push(channel);
    }
    let next = 0;
    for (const conn of this.md) {
      if (next >= fresh.length) break;
      const room = conn.cap - conn.subs.size();
      if (room <= 0) continue;
      const take = fresh.slice(next, next + room);
      next += take.length;
      waits.push(conn.subs.request(take));
    }
    while (next < fresh.length) {
      const conn = this.openMarketDataConnection();
      const take = fresh.slice(next, next + conn.cap);
      next += take.length;
      waits.push(conn.subs.request(take));
    }
    return Promise.all(waits).then(() => undefined);
  }

  private async releaseTickers(channels: readonly string[]): Promise<void> {
    await Promise.all(
      this.md.map((conn) => {
        const held = channels.filter((c) => conn.subs.has(c));
        return held.length > 0 ? conn.subs.release(held) : Promise.resolve();
      }),
    );
    await this.retireEmptyConnections();
  }

  /**
   * Closes extra market-data connections that no longer carry any channel (everything on them
   * was unwatched or expired): they hold a connection slot (32 per IP) for nothing. The trading
   * connection stays. A connection is taken out of the list before it is closed, so a request
   * arriving meanwhile cannot land on it.
   */
  private async retireEmptyConnections(): Promise<void> {
    const empty = this.md.filter((conn) => conn.index > 0 && conn.subs.size() === 0);
    if (empty.length === 0) return;
    for (const conn of empty) {
      this.md.splice(this.md.indexOf(conn), 1);
      conn.subs.close();
    }
    this.log.info(
      { closed: empty.map((c) => c.name), connections: this.md.length },
      `closing ${empty.length} deribit market-data connection(s) that carry no channel any more`,
    );
    await Promise.all(empty.map((conn) => this.sockets.remove(conn.name)));
  }

  /**
   * Every (re)connect measures the clock on that connection before the login is signed: the
   * signature carries the venue's time, and the host clock may have stepped since the last
   * measurement.
   */
  private async measureClockBeforeLogin(call: (method: string, params: object, timeoutMs?: number) => Promise<unknown>): Promise<void> {
    const timeoutMs = Math.min(1_000, Math.max(100, Math.floor(this.deps.config.loginTimeoutMs / 4)));
    await this.syncClock('connection opened', () => call('public/get_time', {}, timeoutMs));
  }

  /**
   * Opens another market-data connection: the same login (after the same clock measurement),
   * heartbeat and resubscribe rules as the trading connection (it is the same client), public
   * ticker channels only, its own reconnects (a reconnect restores only its own channels).
   */
  private openMarketDataConnection(): MarketDataConnection {
    const { config } = this.deps;
    const index = (this.md.at(-1)?.index ?? 0) + 1;
    const name = `deribit.md${index}`;
    let subs: LazySubscriptions | undefined;
    const client = this.deps.ws({
      name,
      channelsToRestore: () => ({ public: subs?.all() ?? [], private: [] }),
      onNotification: (n) => this.onNotification(n),
      onRestored: (confirmed) => subs?.markRestored(confirmed),
      beforeSubscribe: () => this.limiter.acquire({ nonMatching: this.subscribeCost }),
      beforeLogin: (call) => this.measureClockBeforeLogin(call),
    });
    subs = new LazySubscriptions({
      batchSize: config.optionSubscriptionBatchSize,
      maxChannels: config.maxChannelsPerConnection,
      logger: this.log,
      isReady: () => client.socket.isReady(),
      subscribe: (channels) => client.subscribe(channels),
      unsubscribe: (channels) => client.unsubscribe(channels),
    });
    const own = subs;
    client.socket.on('state', ({ to }) => {
      // Channels asked for while its restore was running, or whose batch failed, go out now.
      if (to === 'ready') void own.resume();
    });
    const conn: MarketDataConnection = { index, name, client, subs, cap: config.maxChannelsPerConnection };
    this.md.push(conn);
    this.sockets.add(name, client, 'auxiliary');
    this.log.info(
      { connection: name, cap: conn.cap, connections: this.md.length },
      `every deribit market-data connection is at its cap of channels (maxChannelsPerConnection); opening ${name}`,
    );
    if (this.started) client.start();
    return conn;
  }

  /** After a catalogue load: subscribe the tickers asked for before it; name the ones it does not list. */
  private subscribeDeferredTickers(): void {
    if (this.deferredTickers.size === 0) return;
    const symbols = [...this.deferredTickers];
    this.deferredTickers.clear();
    const known = symbols.filter((s) => this.instruments.has(s));
    for (const symbol of symbols.filter((s) => !this.instruments.has(s))) {
      this.log.error(
        { symbol },
        `cannot watch the deribit ticker of ${symbol}: the venue does not list it (asked for before the instruments loaded); check the name (e.g. BTC-PERPETUAL) and venues.deribit.currencies`,
      );
    }
    if (known.length === 0) return;
    this.log.info({ symbols: known }, 'deribit instruments loaded; subscribing the tickers asked for before');
    this.requestTickers(known.map((s) => this.tickerChannel(s))).catch((err: unknown) => {
      this.log.warn({ err, symbols: known }, 'subscribing deferred deribit tickers failed; they are retried with the other subscriptions');
    });
  }

  /** Lazy-subscription state, for tests and health detail. */
  tickerSubscriptions(): {
    readonly wanted: readonly string[];
    readonly batches: readonly number[];
    readonly perConnection: readonly number[];
  } {
    return {
      wanted: this.md.flatMap((conn) => conn.subs.all()),
      batches: this.md.flatMap((conn) => conn.subs.batchSizes()),
      perConnection: this.md.map((conn) => conn.subs.size()),
    };
  }

  async pruneExpired(): Promise<string[]> {
    // Expiry times are the venue's: compare them with the venue's clock.
    const now = this.venueClock.venueNow();
    const expiryOf = (channel: string): number | undefined => {
      const symbol = channel.split('.')[1];
      return symbol ? this.instruments.get(symbol)?.expiryMs : undefined;
    };
    const released = await Promise.all(this.md.map((conn) => conn.subs.releaseExpired(now, expiryOf)));
    await this.retireEmptyConnections();
    return released.flat();
  }

  // ---- inbound ---------------------------------------------------------------------------------

  private noteFill(fill: Fill): void {
    this.gap.noteFill(fill);
  }

  private onNotification(n: DeribitNotification): void {
    const venue = this.id;
    const offset = this.venueClock.offsetMs();
    // The hot path: tickers are checked by hand (readTicker) and carry their decimals unparsed.
    if (n.channel.startsWith('ticker.')) {
      let ticker;
      try {
        ticker = readTicker(n.data, n.receivedAtMs, n.channel, offset);
      } catch (err) {
        this.rejectNotification(n.channel, err);
        return;
      }
      this.emit({ type: 'ticker', venue, ticker });
      return;
    }
    const channel = classifyChannel(n.channel);
    try {
      switch (channel.kind) {
        case 'ticker': {
          this.emit({ type: 'ticker', venue, ticker: readTicker(n.data, n.receivedAtMs, n.channel, offset) });
          return;
        }
        case 'user.changes': {
          // Item by item: an order we cannot parse (an operator's trailing stop, a new state)
          // must not take the fills and positions of the same push down with it.
          const data = validateWire(UserChangesEnvelopeSchema, n.data, n.channel);
          this.deliverPush(n.channel, parseUserChanges(data, n.receivedAtMs, n.channel, offset));
          return;
        }
        case 'user.orders': {
          const items = validateWire(UserOrdersEnvelopeSchema, n.data, n.channel);
          this.deliverPush(n.channel, parseUserOrders(items, n.receivedAtMs, n.channel, offset));
          return;
        }
        case 'user.trades': {
          const items = validateWire(UserTradesEnvelopeSchema, n.data, n.channel);
          this.deliverPush(n.channel, parseUserTrades(items, n.receivedAtMs, n.channel, offset));
          return;
        }
        case 'user.portfolio': {
          const data = validateWire(UserPortfolioDataSchema, n.data, n.channel);
          this.emit({ type: 'balance', venue, balance: parsePortfolio(data, n.receivedAtMs) });
          return;
        }
        case 'other':
          this.log.debug({ channel: n.channel }, 'deribit notification on an unhandled channel ignored');
          return;
      }
    } catch (err) {
      this.rejectNotification(n.channel, err);
    }
  }

  /** A notification that failed validation: counted, named in the log, dropped; the connection carries on. */
  private rejectNotification(channel: string, err: unknown): void {
    this.rejected.note(err);
    this.log.error({ err, channel }, 'deribit notification failed to parse; dropped, the next reconciliation pass catches up');
  }

  /**
   * Inbound data this adapter could not use, over all its connections since start: frames that
   * were not JSON or not a JSON-RPC frame it knows, and notifications whose payload failed
   * validation (with the last reason, naming the field).
   */
  inboundProblems(): {
    readonly unparseableFrames: number;
    readonly unrecognisedFrames: number;
    readonly rejectedNotifications: number;
    readonly skippedItems: number;
    readonly lastRejection: string | undefined;
  } {
    let unparseableFrames = 0;
    let unrecognisedFrames = 0;
    for (const client of this.allClients()) {
      const p = client.frameProblems();
      unparseableFrames += p.unparseable;
      unrecognisedFrames += p.unrecognised;
    }
    return {
      unparseableFrames,
      unrecognisedFrames,
      rejectedNotifications: this.rejected.count,
      skippedItems: this.skippedItems.count,
      lastRejection: this.rejected.last ?? this.skippedItems.last,
    };
  }

  /** Hands on what a private push yielded (orders, then fills, then positions); a skipped item is counted and named in the log. */
  private deliverPush(channel: string, push: PrivatePush): void {
    const venue = this.id;
    for (const { path, error } of push.skipped) {
      this.skippedItems.note(error);
      this.log.error(
        { err: error, channel, item: path },
        'a deribit push item failed to parse and was skipped; the rest of the push was delivered, reconciliation catches up',
      );
    }
    for (const order of push.orders) this.emit({ type: 'order', venue, order });
    for (const fill of push.fills) {
      this.noteFill(fill);
      this.emit({ type: 'fill', venue, fill });
    }
    for (const position of push.positions) this.emit({ type: 'position', venue, position });
  }

  /**
   * Load the instrument catalogue; never throws. Until one load has succeeded a failure is retried
   * with backoff (1 s doubling up to 60 s); after that, the periodic refresh tries again.
   */
  private reloadInstruments(why: string): Promise<void> {
    this.instrumentsLoading ??= this.reloadInstrumentsOnce(why).finally(() => {
      this.instrumentsLoading = undefined;
    });
    return this.instrumentsLoading;
  }

  private async reloadInstrumentsOnce(why: string): Promise<void> {
    try {
      await this.loadInstruments();
      this.instrumentsFailures = 0;
      if (this.instrumentsRetryTimer) clearTimeout(this.instrumentsRetryTimer);
      this.instrumentsRetryTimer = undefined;
    } catch (err) {
      this.instrumentsFailures += 1;
      const retryInMs = this.catalogueLoaded ? undefined : this.scheduleInstrumentsRetry();
      const detail = { err, why, attempt: this.instrumentsFailures, retryInMs };
      const text = `loading deribit instruments failed (${why}); orders for unknown instruments are refused until a reload succeeds (${
        retryInMs === undefined ? 'on the next refresh' : `next try in ${retryInMs} ms`
      }); tickers asked for meanwhile are subscribed once it does`;
      if (this.instrumentsFailures === 1) this.log.error(detail, text);
      else this.log.warn(detail, text);
    }
  }

  /** Arms one retry of the catalogue load (none while one is armed); returns its delay. */
  private scheduleInstrumentsRetry(): number | undefined {
    if (!this.started) return undefined;
    const base = this.deps.instrumentsRetryDelayMs ?? 1_000;
    const delayMs = Math.min(60_000, base * 2 ** Math.min(10, this.instrumentsFailures - 1));
    if (this.instrumentsRetryTimer) return delayMs;
    this.instrumentsRetryTimer = setTimeout(() => {
      this.instrumentsRetryTimer = undefined;
      void this.reloadInstruments('retry after a failed load');
    }, delayMs);
    this.instrumentsRetryTimer.unref();
    return delayMs;
  }

  private onReady(): void {
    if (!this.catalogueLoaded) void this.reloadInstruments('connection ready without instruments');
    // With credentials the clock was measured before the login; a public session measures now.
    if (!this.deps.credentials) void this.syncClock('connection ready');
    this.gap.afterReady();
  }

  /** After a reconnect: re-read orders, fills and positions over REST, because pushes in the gap are lost. */
  resync(): Promise<void> {
    return this.gap.run();
  }
}
