/**
 * BybitVenue implements the venue-neutral Venue port on Bybit v5 (unified account, one-way
 * mode): orders over signed REST (the trade WS is optional and demo has none), stops and
 * take-profits as reduce-only conditional orders on the same order stream, linear sizes in coin
 * and inverse sizes in USD contracts rounded to `qtyStep`, prices to `tickSize`, an order budget
 * apart from the read budget (protective first) fed by the `X-Bapi-Limit*` headers and `10006`,
 * `10002` answered by a clock resync and a re-signed resend, a duplicate `orderLinkId` (`110072`)
 * settled as the existing order, and a REST resync of orders, fills and positions after every
 * reconnect of the private stream (it has no snapshot).
 */
import type { Logger } from 'pino';

import type { CancelOutcome, CommandOutcome, OrderLookup } from '../../domain/commands.js';
import { Decimal } from '../../domain/decimal.js';
import type { ConnectionState, VenueEvent, VenueEventListener } from '../../domain/events.js';
import type { Instrument } from '../../domain/instrument.js';
import { type AmendRequest, isTerminal, type OrderRef, type OrderRequest, type OrderSnapshot } from '../../domain/order.js';
import type { Clock, ClockOffset, Venue } from '../../domain/ports.js';
import type { Balance, Fill, Position } from '../../domain/position.js';
import { bestSample, offsetSample, type VenueClock } from '../shared/clock-offset.js';
import { cancelOutcomeOf, commandOutcomeOf, errorMessage, invalidRequestOutcome } from '../shared/command-outcome.js';
import { GapResync } from '../shared/gap-resync.js';
import { parseItems, RejectionCounter } from '../shared/parse-items.js';
import { type AxisSpec, RateLimiter, type RatePriority } from '../shared/rate-limit.js';
import { type GroupHealth, type MemberState, SocketGroup } from '../shared/socket-group.js';
import { VenueEventFanout } from '../shared/venue-event-fanout.js';
import type { BybitConfig } from './config.js';
import type { BybitCredentials } from './credentials.js';
import type { BybitCategory } from './enums.js';
import {
  BYBIT_ERROR_FACTS,
  BYBIT_VENUE_ID,
  BybitApiError,
  BybitParseError,
  BybitRequestError,
  errorInfo,
  isDuplicateClientId,
  isOrderNotFound,
  isRateLimitCode,
} from './errors.js';
import { categoryOfSymbol } from './instrument-name.js';
import {
  type BybitOrderUpdate,
  type BybitQuote,
  expectList,
  parseExecution,
  parseInstrument,
  parseMarketTime,
  parseOrder,
  parseOrderAck,
  parsePosition,
  parseWallet,
  readTicker,
  validate,
} from './parse.js';
import {
  buildAmendOrder,
  buildCancelOrder,
  buildCreateOrder,
  buildSwitchToOneWay,
  BYBIT_HEDGE_SETTLE_COIN,
  BYBIT_PATHS,
} from './requests.js';
import type { BybitQuery, BybitRestClient, BybitRestReply } from './rest-client.js';
import { BybitExecutionSchema, BybitInstrumentSchema, BybitOrderSchema, BybitPositionSchema, BybitWalletSchema } from './rest-models.js';
import { isUnifiedSymbol, unifiedToBybit } from './unified-symbol.js';
import type { BybitSocketKind } from './urls.js';
import type { BybitPush, BybitWsClient, BybitWsClientOptions } from './ws-client.js';
import { PRIVATE_TOPICS, tickerTopic } from './ws-messages.js';

/** A clock measurement younger than this is not repeated before an auth. */
const CLOCK_FRESH_MS = 10_000;
const CLOCK_SAMPLES = 3;
/** Fills are asked for from this long before the converted start (the offset is an estimate). */
const FILLS_SINCE_MARGIN_MS = 5_000;
/** `execution/list` page size (the venue's maximum), pages per call, and its 7-day window. */
const FILLS_PAGE = 100;
const FILLS_MAX_PAGES = 20;
const SEVEN_DAYS_MS = 7 * 24 * 3_600_000;
/** `order/realtime` page size (the venue's maximum) and most pages per scope. */
const OPEN_ORDERS_PAGE = 50;
const OPEN_ORDERS_MAX_PAGES = 10;
/** Instruments page size and most pages. */
const INSTRUMENTS_PAGE = 1_000;
const INSTRUMENTS_MAX_PAGES = 10;
/** Orders, executions and positions remembered for deduplication. */
const DEDUP_KEEP = 5_000;
/** 10002 answers re-signed and resent (not executed: safe), after a clock resync. */
const CLOCK_RETRIES = 2;

/** The cancel-all endpoint: not used by the adapter yet, but budgeted like the venue does if it is. */
const CANCEL_ALL_PATH = '/v5/order/cancel-all';

/** Order endpoints with a budget of their own (bybit.md §9: per UID, per endpoint, rolling 1 s). */
const ORDER_AXES: Readonly<Record<string, string>> = {
  [BYBIT_PATHS.createOrder]: 'create',
  [BYBIT_PATHS.cancelOrder]: 'cancel',
  [BYBIT_PATHS.amendOrder]: 'amend',
  [CANCEL_ALL_PATH]: 'cancelAll',
};

/** The budget a POST is charged to: its order endpoint's, or for any other POST (switch-mode…) one of its own. */
export function postAxisOf(path: string): string {
  return ORDER_AXES[path] ?? `post:${path}`;
}

/**
 * The limiter's budgets: one per order endpoint, each with the protective reserve (so entries can
 * never take what a stop or an emergency close needs, and creates never take the cancels' room),
 * one per other POST endpoint (switch-mode, set-leverage: 10/s on the venue), and the reads.
 */
export function bybitAxes(rl: BybitConfig['rateLimit']): Record<string, AxisSpec> {
  const orders = (limit: number): AxisSpec => ({
    kind: 'window',
    limit,
    windowMs: 1_000,
    protectiveReserve: Math.min(rl.protectiveReserve, limit - 1),
  });
  return {
    create: orders(rl.ordersPerSecond),
    cancel: orders(rl.cancelsPerSecond),
    amend: orders(rl.amendsPerSecond),
    cancelAll: orders(rl.cancelAllPerSecond),
    // Other POST endpoints, each its own budget on first use (`post:<path>`).
    post: { kind: 'window', limit: 8, windowMs: 1_000 },
    // Private reads (50/s per endpoint, counted here together) and public market reads.
    read: { kind: 'window', limit: rl.readsPerSecond, windowMs: 1_000, protectiveReserve: Math.min(4, rl.readsPerSecond - 1) },
  };
}

export interface BybitVenueDeps {
  readonly config: BybitConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly credentials?: BybitCredentials;
  readonly rest: BybitRestClient;
  readonly venueClock: VenueClock;
  /** Builds one socket (undefined: the environment has no such stream); the venue supplies the hooks. */
  readonly ws: (hooks: Pick<BybitWsClientOptions, 'kind' | 'topicsToRestore' | 'onPush' | 'beforeAuth'>) => BybitWsClient | undefined;
  /** How long connect() waits for the first ready state. Default 15 s. */
  readonly connectTimeoutMs?: number;
  readonly clockSyncIntervalMs?: number;
}

/**
 * What we remember of an order for idempotent pushes: terminal never reopens, cumExecQty never
 * decreases; a repeat is the same status, fill and terms (an amend changes qty, price or trigger
 * with the status and fill unchanged, and must reach the OrderManager).
 */
interface OrderMemory {
  readonly filled: Decimal;
  readonly terminal: boolean;
  readonly status: string;
  /** qty, price and trigger price as one text. */
  readonly terms: string;
}

function termsOf(order: OrderSnapshot): string {
  return `${order.size.toString()}|${order.price?.toString() ?? ''}|${order.triggerPrice?.toString() ?? ''}`;
}

export class BybitVenue implements Venue {
  readonly id = BYBIT_VENUE_ID;
  private readonly log: Logger;
  private readonly rest: BybitRestClient;
  private readonly venueClock: VenueClock;
  private readonly fanout: VenueEventFanout;
  private readonly gap: GapResync;
  private readonly limiter: RateLimiter;
  private readonly sockets: SocketGroup;
  private readonly publicWs: Partial<Record<BybitCategory, BybitWsClient>> = {};
  private readonly privateWs: BybitWsClient | undefined;
  private readonly tradeWs: BybitWsClient | undefined;
  private readonly instruments = new Map<string, Instrument>();
  private readonly categoryBySymbol = new Map<string, BybitCategory>();
  private catalogueLoaded = false;
  /** Watched ticker topics, by category. */
  private readonly watched: Record<BybitCategory, Set<string>> = { linear: new Set(), inverse: new Set() };
  /** Last merged ticker fields of each symbol (snapshot + deltas). */
  private readonly quotes = new Map<string, BybitQuote>();
  private readonly orders = new Map<string, OrderMemory>();
  private readonly seenExecIds = new Set<string>();
  /** orderIds and orderLinkIds of the conditional orders this process placed (a cancel of one answers from its ack). */
  private readonly conditionalIds = new Set<string>();
  private readonly positionSeq = new Map<string, number>();
  private readonly rejected = new RejectionCounter();
  private readonly skippedItems = new RejectionCounter();
  private started = false;
  /** One-way mode confirmed (or switched to) at a connect. */
  private positionModeChecked = false;
  /** Why this venue refuses to trade: the account is in hedge mode with positions or orders open. */
  private positionModeRefusal: string | undefined;
  private clockTimer: NodeJS.Timeout | undefined;
  private warnedOffsetMs: number | undefined;

  constructor(private readonly deps: BybitVenueDeps) {
    const { config } = deps;
    this.log = deps.logger;
    this.rest = deps.rest;
    this.venueClock = deps.venueClock;
    this.fanout = new VenueEventFanout(this.log);
    this.limiter = new RateLimiter({ name: 'bybit', logger: this.log, axes: bybitAxes(config.rateLimit) });
    this.gap = new GapResync({
      venue: BYBIT_VENUE_ID,
      logger: this.log,
      clock: deps.clock,
      enabled: deps.credentials !== undefined,
      emit: (event) => this.emit(event),
      reads: { openOrders: () => this.openOrders(), positions: () => this.positions(), fillsSince: (sinceMs) => this.fillsSince(sinceMs) },
    });
    this.sockets = new SocketGroup(BYBIT_VENUE_ID, this.log);
    const onPush = (push: BybitPush, receivedAtMs: number): void => this.onPush(push, receivedAtMs);
    const beforeAuth = async (): Promise<void> => {
      const last = this.venueClock.offset();
      if (last !== undefined && deps.clock.now() - last.measuredAtMs < CLOCK_FRESH_MS) return;
      await this.syncClock('before auth');
    };
    const authed = deps.credentials !== undefined;
    const add = (key: BybitSocketKind, ws: BybitWsClient | undefined, role: 'essential' | 'auxiliary'): void => {
      if (ws) this.sockets.add(key, ws, role);
    };
    // Public linear carries the watched tickers; it is essential only without keys (market data only).
    // One public socket per configured category (Bybit serves each category on its own URL).
    const trades = (c: BybitCategory): boolean => config.categories.includes(c);
    const linear = trades('linear')
      ? deps.ws({ kind: 'publicLinear', topicsToRestore: () => [...this.watched.linear], onPush })
      : undefined;
    const inverse = trades('inverse')
      ? deps.ws({ kind: 'publicInverse', topicsToRestore: () => [...this.watched.inverse], onPush })
      : undefined;
    if (linear) this.publicWs.linear = linear;
    if (inverse) this.publicWs.inverse = inverse;
    // Without keys the adapter is market data only: its first public socket is then essential.
    add('publicLinear', linear, authed ? 'auxiliary' : 'essential');
    add('publicInverse', inverse, authed || linear !== undefined ? 'auxiliary' : 'essential');
    if (authed) {
      this.privateWs = deps.ws({ kind: 'private', topicsToRestore: () => PRIVATE_TOPICS, onPush, beforeAuth });
      add('private', this.privateWs, 'essential');
      this.tradeWs = config.tradeSocket ? deps.ws({ kind: 'trade', topicsToRestore: () => [], onPush, beforeAuth }) : undefined;
      add('trade', this.tradeWs, 'auxiliary');
    }
    this.sockets.on('state', ({ from, to, reason }) => {
      this.gap.noteState(from, to);
      this.emit({ type: 'connection', venue: this.id, state: to, ...(reason === undefined ? {} : { detail: reason }) });
      if (to === 'ready') this.onReady();
    });
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /**
   * Measures the clock, loads the catalogue, checks the position mode (one-way required: a hedge
   * account with open positions or orders is refused with the fix), then starts the sockets and
   * waits for ready.
   */
  async connect(): Promise<void> {
    if (!this.started) {
      await this.syncClock('start-up');
      await this.loadInstrumentsLogged('start-up');
      await this.checkPositionMode();
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

  socketHealth(): { readonly health: GroupHealth; readonly members: readonly MemberState[] } {
    return { health: this.sockets.health(), members: this.sockets.members() };
  }

  /** The reconnecting socket of one kind, for health detail and tests. */
  socket(kind: BybitSocketKind): BybitWsClient['socket'] | undefined {
    return this.sockets.socket(kind);
  }

  /** One-way mode (`positionIdx` 0, the only mode this adapter sends): one net position per symbol. */
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
    if (this.privateWs?.isReady() ?? false) this.gap.afterReady();
  }

  /** After a reconnect: re-read orders, fills and positions over REST (the private stream has no snapshot). */
  resync(): Promise<void> {
    return this.gap.run();
  }

  // ---- position mode ---------------------------------------------------------------------------

  /**
   * One-way mode is required (every order is sent with `positionIdx` 0; in hedge mode each would
   * fail with 10001). Hedge exists only for USDT perpetuals, so with linear configured the adapter
   * asks `position/switch-mode` for one-way on the USDT coin: 0 = it was hedge with nothing open and
   * is now one-way; 110025 = already one-way. Any other answer (110024 open position, 110028 open
   * orders) is settled by the `positionIdx` of the open positions and orders: 1 or 2 means hedge,
   * and the venue refuses to start (orders refused too) with a one-line operator error. A failed
   * request is logged and tried again at the next connect.
   */
  private async checkPositionMode(): Promise<void> {
    if (this.deps.credentials === undefined || this.positionModeChecked || !this.deps.config.categories.includes('linear')) return;
    let reply: BybitRestReply;
    try {
      reply = await this.post(BYBIT_PATHS.switchMode, buildSwitchToOneWay(), 'normal');
    } catch (err) {
      this.log.warn(
        { err },
        'could not check the bybit position mode at start-up (switch-mode failed); trading carries on, checked again at the next connect',
      );
      return;
    }
    if (reply.retCode === 0 || reply.retCode === 110025) {
      this.positionModeChecked = true;
      this.positionModeRefusal = undefined;
      if (reply.retCode === 0) {
        this.log.warn(
          { coin: BYBIT_HEDGE_SETTLE_COIN },
          'bybit USDT perpetuals were in hedge mode with nothing open; switched to one-way mode (this daemon sends positionIdx 0)',
        );
      } else this.log.info({ coin: BYBIT_HEDGE_SETTLE_COIN }, 'bybit position mode checked: one-way');
      return;
    }
    if (errorInfo(reply.retCode)?.family === 'auth') {
      throw new BybitRequestError(
        'credentials',
        `bybit refused the start-up check (retCode ${reply.retCode} ${reply.retMsg}): check BYBIT_API_KEY / BYBIT_API_SECRET, the key's permissions and that it was made for this environment`,
      );
    }
    let hedged: readonly string[];
    try {
      hedged = await this.hedgeModeEvidence();
    } catch (err) {
      this.log.warn(
        { err, retCode: reply.retCode, retMsg: reply.retMsg },
        'could not check the bybit position mode at start-up (positions or orders unreadable); trading carries on, checked again at the next connect',
      );
      return;
    }
    if (hedged.length === 0) {
      this.positionModeChecked = true;
      this.log.info(
        { retCode: reply.retCode, retMsg: reply.retMsg },
        'bybit position mode checked: no hedge-mode (positionIdx 1/2) positions or orders, taken as one-way',
      );
      return;
    }
    const message = `bybit account is in hedge position mode for USDT perpetuals with ${hedged.join(', ')} open (switch-mode answered ${reply.retCode} ${reply.retMsg}); this daemon trades one-way only (positionIdx 0) and will not trade on bybit: close those, set Position Mode to One-Way (Bybit → Derivatives → Preferences, or POST /v5/position/switch-mode mode 0), then restart`;
    this.positionModeRefusal = message;
    this.log.error({ retCode: reply.retCode, open: hedged }, message);
    throw new BybitRequestError('positionMode', message);
  }

  /**
   * 10001 "position idx not match position mode": the account was switched to hedge mode while the
   * daemon runs, and every order (stops and closes too) will fail. One error line with the fix; the
   * mode is checked again at the next connect.
   */
  private notePositionModeMismatch(err: unknown, symbol: string): void {
    if (!(err instanceof BybitApiError) || err.retCode !== 10001 || !/position idx not match position mode/i.test(err.retMsg)) return;
    this.positionModeChecked = false;
    this.log.error(
      { retCode: err.retCode, retMsg: err.retMsg, symbol },
      `bybit refused an order on ${symbol}: the account is now in hedge position mode (10001 position idx not match position mode); this daemon sends one-way orders only, so stops and closes fail too: set Position Mode to One-Way on Bybit (Derivatives → Preferences) at once and check every open position by hand`,
    );
  }

  /** Open USDT-perpetual positions and orders that carry a hedge-mode `positionIdx` (1 or 2), named for the operator. */
  private async hedgeModeEvidence(): Promise<string[]> {
    const scope = { category: 'linear', settleCoin: BYBIT_HEDGE_SETTLE_COIN } as const;
    const out: string[] = [];
    const positions = await this.get(BYBIT_PATHS.positions, { ...scope, limit: 200 });
    for (const raw of expectList(positions, positions.context).list) {
      const row = validate(BybitPositionSchema, raw, 'position/list');
      if (row.positionIdx === 1 || row.positionIdx === 2)
        out.push(`position ${row.symbol} ${row.side} ${row.size} (positionIdx ${row.positionIdx})`);
    }
    const orders = await this.get(BYBIT_PATHS.openOrders, { ...scope, openOnly: 0, limit: OPEN_ORDERS_PAGE });
    for (const raw of expectList(orders, orders.context).list) {
      const row = validate(BybitOrderSchema, raw, 'order/realtime');
      if (row.positionIdx === 1 || row.positionIdx === 2)
        out.push(`order ${row.symbol} ${row.orderLinkId ?? row.orderId} (positionIdx ${row.positionIdx})`);
    }
    return out;
  }

  // ---- clock -----------------------------------------------------------------------------------

  /** Measures the venue-host clock offset with a few `market/time` calls (smallest round trip wins). Never throws. */
  async syncClock(why: string): Promise<ClockOffset | undefined> {
    const samples: ClockOffset[] = [];
    for (let i = 0; i < CLOCK_SAMPLES; i += 1) {
      try {
        const sent = this.deps.clock.now();
        const reply = await this.rest.get(
          BYBIT_PATHS.time,
          {},
          { timeoutMs: Math.min(2_000, this.deps.config.requestTimeoutMs), auth: false },
        );
        const received = this.deps.clock.now();
        samples.push(offsetSample(sent, parseMarketTime(reply, reply.context), received));
      } catch (err) {
        this.log.warn({ err, why }, 'bybit market/time failed; the clock offset keeps its last value');
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
      if (this.warnedOffsetMs !== undefined) this.log.info(detail, 'bybit clock offset is back within clockSkewWarnMs');
      this.warnedOffsetMs = undefined;
      return;
    }
    if (this.warnedOffsetMs !== undefined && Math.abs(offset.offsetMs - this.warnedOffsetMs) <= limit) return;
    this.warnedOffsetMs = offset.offsetMs;
    this.log.warn(
      detail,
      `bybit's clock is ${Math.abs(offset.offsetMs)} ms ${offset.offsetMs < 0 ? 'behind' : 'ahead of'} this host's (more than clockSkewWarnMs ${limit}); signatures use the measured offset, but check NTP on the host (timedatectl status)`,
    );
  }

  // ---- instruments -----------------------------------------------------------------------------

  /** Loads linear and inverse instruments (the configured categories), paging with the cursor. */
  async loadInstruments(): Promise<readonly Instrument[]> {
    for (const category of this.deps.config.categories) {
      let cursor: string | undefined;
      for (let page = 0; page < INSTRUMENTS_MAX_PAGES; page += 1) {
        const reply = await this.get(BYBIT_PATHS.instruments, { category, limit: INSTRUMENTS_PAGE, cursor }, 'normal', false);
        const { list, cursor: next } = expectList(reply, reply.context);
        const parsed = this.parseEach(list, `instruments.${category}`, (raw, path) =>
          parseInstrument(validate(BybitInstrumentSchema, raw, path), category, path),
        );
        for (const inst of parsed) {
          this.instruments.set(inst.symbol, inst);
          this.categoryBySymbol.set(inst.symbol, category);
        }
        if (next === '' || list.length === 0) break;
        cursor = next;
      }
    }
    this.catalogueLoaded = true;
    this.log.info({ count: this.instruments.size, categories: this.deps.config.categories }, 'bybit instruments loaded');
    return [...this.instruments.values()];
  }

  private async loadInstrumentsLogged(why: string): Promise<void> {
    try {
      await this.loadInstruments();
    } catch (err) {
      this.log.error(
        { err, why },
        `loading bybit instruments failed (${why}); orders are refused until a load succeeds (tried again when a socket is ready)`,
      );
    }
  }

  instrument(symbol: string): Instrument | undefined {
    return this.instruments.get(this.nativeSymbol(symbol));
  }

  nativeSymbol(symbol: string): string {
    return isUnifiedSymbol(symbol) ? (unifiedToBybit(symbol) ?? symbol) : symbol;
  }

  /** The category of a symbol: from instruments-info, else what its name implies, else linear. */
  categoryOf(symbol: string): BybitCategory {
    return this.categoryBySymbol.get(symbol) ?? categoryOfSymbol(symbol) ?? 'linear';
  }

  private requireInstrument(symbol: string): Instrument {
    const instrument = this.instruments.get(symbol);
    if (!instrument) {
      throw new BybitRequestError(
        'symbol',
        `unknown bybit instrument ${symbol} (${this.instruments.size} loaded); use a name such as BTCUSDT or BTC/USDT:USDT`,
      );
    }
    return instrument;
  }

  // ---- REST with budgets -----------------------------------------------------------------------

  private timeoutFor(priority: RatePriority): number {
    const { requestTimeoutMs, protectiveRequestTimeoutMs } = this.deps.config;
    return priority === 'protective' ? Math.min(requestTimeoutMs, protectiveRequestTimeoutMs) : requestTimeoutMs;
  }

  /** A GET on the read budget; a `10002` answer is re-signed and resent after a clock resync. */
  private async get(path: string, query: BybitQuery, priority: RatePriority = 'normal', auth?: boolean): Promise<BybitRestReply> {
    return this.withClockRetry(async () => {
      await this.limiter.acquire({ read: 1 }, priority);
      const reply = await this.rest.get(path, query, { timeoutMs: this.timeoutFor(priority), ...(auth === undefined ? {} : { auth }) });
      this.noteBudget(reply, 'read');
      return reply;
    });
  }

  /** A trading POST on its endpoint's budget (creates, cancels and amends are counted apart, as Bybit counts them). */
  private async post(path: string, body: object, priority: RatePriority): Promise<BybitRestReply> {
    const axis = postAxisOf(path);
    return this.withClockRetry(async () => {
      await this.limiter.acquire({ [axis]: 1 }, priority);
      const reply = await this.rest.post(path, body, { timeoutMs: this.timeoutFor(priority) });
      this.noteBudget(reply, axis);
      return reply;
    });
  }

  /** `10002` (timestamp outside recv_window) means "not executed": measure the clock again, re-sign, resend (at most twice). */
  private async withClockRetry(send: () => Promise<BybitRestReply>): Promise<BybitRestReply> {
    let reply = await send();
    for (let i = 0; i < CLOCK_RETRIES && reply.retCode === 10002; i += 1) {
      this.log.warn(
        { method: reply.context.method, retMsg: reply.retMsg },
        'bybit 10002 (timestamp outside recv_window): measuring the clock again and resending',
      );
      await this.syncClock('10002 answer');
      reply = await send();
    }
    return reply;
  }

  /**
   * The budget from the reply's `X-Bapi-Limit*` headers: when the endpoint has no requests left,
   * or the venue answered `10006`, new requests on that axis wait until the reset timestamp
   * (protective requests go first). The venue's reset time is converted to host time.
   */
  private noteBudget(reply: BybitRestReply, axis: string): void {
    const budget = reply.budget;
    const throttled = isRateLimitCode(reply.retCode);
    if (!throttled && (budget === undefined || budget.remaining > 0)) return;
    const now = this.deps.clock.now();
    const resetHost = budget !== undefined && budget.resetAtMs > 0 ? this.venueClock.toHost(budget.resetAtMs) : 0;
    const until = resetHost > now ? resetHost : now + this.deps.config.rateLimit.holdAfterRateLimitMs;
    this.limiter.holdUntil(until, axis);
    this.log.warn(
      {
        retCode: reply.retCode,
        axis,
        method: reply.context.method,
        limit: budget?.limit,
        remaining: budget?.remaining,
        holdMs: until - now,
      },
      throttled
        ? 'bybit rate limit answered (10006): new requests on this budget wait for the reset, protective requests go first'
        : 'bybit budget for this endpoint used up (X-Bapi-Limit-Status 0): waiting for its reset',
    );
  }

  /** The last budget Bybit reported for a REST path (from the headers). */
  rateBudget(path: string): ReturnType<BybitRestClient['budget']> {
    return this.rest.budget(path);
  }

  private outcomeOf(err: unknown, what: string): CommandOutcome {
    const outcome = commandOutcomeOf(err, BYBIT_ERROR_FACTS);
    if (outcome.status === 'unknown')
      this.log.warn({ err, what }, `bybit ${what}: outcome unknown; look the order up by orderLinkId before any retry`);
    return outcome;
  }

  // ---- orders ----------------------------------------------------------------------------------

  async submitOrder(request: OrderRequest): Promise<CommandOutcome> {
    if (this.positionModeRefusal !== undefined) {
      return { status: 'rejected', code: 'POSITION_MODE', reason: this.positionModeRefusal, retryable: false };
    }
    const priority = request.priority ?? 'normal';
    const symbol = this.nativeSymbol(request.symbol);
    let instrument: Instrument;
    let body;
    const category = this.categoryOf(symbol);
    try {
      instrument = this.requireInstrument(symbol);
      body = buildCreateOrder(symbol === request.symbol ? request : { ...request, symbol }, instrument, category);
    } catch (err) {
      return invalidRequestOutcome(err);
    }
    let orderId: string;
    try {
      const reply = await this.post(BYBIT_PATHS.createOrder, body, priority);
      orderId = parseOrderAck(reply, reply.context).orderId;
    } catch (err) {
      if (isDuplicateClientId(err)) return this.settleDuplicate(symbol, request.clientId, priority, err);
      this.notePositionModeMismatch(err, symbol);
      return this.outcomeOf(err, 'POST order/create');
    }
    const built: OrderSnapshot = {
      venue: BYBIT_VENUE_ID,
      venueOrderId: orderId,
      clientId: request.clientId,
      symbol,
      side: request.side,
      type: request.type,
      status: body.triggerPrice === undefined ? 'pending' : 'untriggered',
      size: Decimal.from(body.qty),
      filledSize: Decimal.ZERO,
      reduceOnly: request.reduceOnly,
      updatedAtMs: this.deps.clock.now(),
      ...(body.price === undefined ? {} : { price: Decimal.from(body.price) }),
      ...(body.triggerPrice === undefined ? {} : { triggerPrice: Decimal.from(body.triggerPrice) }),
    };
    // retCode 0 means Bybit accepted the order (bybit.md §6); its later states come with the `order`
    // and `execution` pushes. A conditional order (stop, take-profit) fills nothing until it
    // triggers: the ack is its whole answer (untriggered, filled 0), one round trip.
    if (body.triggerPrice !== undefined) {
      this.rememberConditional(orderId, request.clientId);
      return { status: 'accepted', order: built };
    }
    // A market or limit order may fill at once: read it back so the answer carries what filled
    // (a market close polls until its leg is final; an entry's answer is merged with pushes).
    try {
      const found = await this.readOrder(symbol, { orderId }, priority);
      return { status: 'accepted', order: found?.order ?? built };
    } catch (err) {
      this.log.debug({ err, orderId }, 'bybit order accepted; reading it back failed, its state comes with the order push');
      return { status: 'accepted', order: built };
    }
  }

  /**
   * `110072`: an order with this orderLinkId already exists (an earlier attempt got through). It
   * is looked up by orderLinkId and reported as the outcome; a second order is never sent.
   */
  private async settleDuplicate(symbol: string, clientId: string, priority: RatePriority, err: unknown): Promise<CommandOutcome> {
    this.log.warn(
      { clientId, symbol },
      'bybit 110072: an order with this orderLinkId already exists; settling as that order, not sending another',
    );
    try {
      const found = await this.readOrder(symbol, { orderLinkId: clientId }, priority);
      if (found) return { status: 'accepted', order: found.order };
    } catch (lookupErr) {
      return { status: 'unknown', reason: `duplicate orderLinkId ${clientId}, and looking it up failed: ${errorMessage(lookupErr)}` };
    }
    return { status: 'unknown', reason: `duplicate orderLinkId ${clientId} but no order with it was found yet: ${errorMessage(err)}` };
  }

  async cancelOrder(ref: OrderRef, priority: RatePriority = 'normal'): Promise<CancelOutcome> {
    const symbol = this.nativeSymbol(ref.symbol);
    const r: OrderRef = { ...ref, symbol };
    const category = this.categoryOf(symbol);
    try {
      const reply = await this.post(BYBIT_PATHS.cancelOrder, buildCancelOrder(r, category), priority);
      const ack = parseOrderAck(reply, reply.context);
      // A conditional order we placed (stop, take-profit): retCode 0 means Bybit accepted the
      // cancel (bybit.md §7); the final state, and a fill that raced it, come with the order push.
      // One round trip: this is the "stop/target filled -> sibling cancelled" path.
      if (this.forgetConditional(ack.orderId, r)) return { status: 'accepted' };
      // Any other order (an entry, maybe part filled): read it back; hand it on only once it is
      // final, so the OrderManager books how much the entry filled with the cancel's answer.
      const after = await this.readOrder(symbol, ack.orderId !== '' ? { orderId: ack.orderId } : refQuery(r), priority).catch(
        () => undefined,
      );
      return after !== undefined && isTerminal(after.order.status) ? { status: 'accepted', order: after.order } : { status: 'accepted' };
    } catch (err) {
      if (err instanceof BybitRequestError) return { status: 'rejected', code: err.code, reason: err.message, notFound: false };
      return cancelOutcomeOf(err, BYBIT_ERROR_FACTS);
    }
  }

  private rememberConditional(orderId: string, clientId: string): void {
    this.conditionalIds.add(orderId);
    this.conditionalIds.add(clientId);
    while (this.conditionalIds.size > DEDUP_KEEP) {
      const oldest = this.conditionalIds.values().next().value;
      if (oldest === undefined) break;
      this.conditionalIds.delete(oldest);
    }
  }

  /** True when the cancelled order is a conditional one this process placed (and forgets it). */
  private forgetConditional(ackOrderId: string, ref: OrderRef): boolean {
    const known =
      (ackOrderId !== '' && this.conditionalIds.has(ackOrderId)) ||
      (ref.venueOrderId !== undefined && this.conditionalIds.has(ref.venueOrderId)) ||
      (ref.clientId !== undefined && this.conditionalIds.has(ref.clientId));
    if (!known) return false;
    for (const id of [ackOrderId, ref.venueOrderId, ref.clientId]) if (id !== undefined) this.conditionalIds.delete(id);
    return true;
  }

  async amendOrder(request: AmendRequest): Promise<CommandOutcome> {
    const symbol = this.nativeSymbol(request.ref.symbol);
    const ref: OrderRef = { ...request.ref, symbol };
    const priority = request.priority ?? 'normal';
    // A new trigger price is rounded by the order's side and kind (a stop away from the market): read it first.
    let current: { readonly side: OrderSnapshot['side']; readonly type: OrderSnapshot['type'] } | undefined;
    if (request.triggerPrice !== undefined) {
      const found = await this.getOrder(ref, priority);
      if (found.status === 'not_found') return { status: 'rejected', code: '110001', reason: 'order to amend not found', retryable: false };
      if (found.status === 'unknown') {
        return { status: 'rejected', code: 'LOOKUP_FAILED', reason: `order to amend could not be read: ${found.reason}`, retryable: true };
      }
      current = found.order;
    }
    let body;
    try {
      body = buildAmendOrder({ ...request, ref }, this.requireInstrument(symbol), this.categoryOf(symbol), current);
    } catch (err) {
      return invalidRequestOutcome(err);
    }
    let orderId: string;
    try {
      const reply = await this.post(BYBIT_PATHS.amendOrder, body, priority);
      orderId = parseOrderAck(reply, reply.context).orderId;
    } catch (err) {
      return this.outcomeOf(err, 'POST order/amend');
    }
    const after = await this.readOrder(symbol, orderId !== '' ? { orderId } : refQuery(ref), priority).catch(() => undefined);
    if (after) return { status: 'accepted', order: after.order };
    return {
      status: 'unknown',
      reason: `bybit amend of ${ref.clientId ?? ref.venueOrderId ?? '?'} accepted but the order could not be read back`,
    };
  }

  /** Looks an order up by orderId or orderLinkId: `order/realtime` (open and recent closed), then `order/history`. */
  async getOrder(ref: OrderRef, priority: RatePriority = 'normal'): Promise<OrderLookup> {
    const symbol = this.nativeSymbol(ref.symbol);
    const query = refQuery({ ...ref, symbol });
    if (query === undefined) return { status: 'unknown', reason: 'lookup needs a venue order id or a client id' };
    try {
      const found = await this.readOrder(symbol, query, priority);
      return found ? { status: 'found', order: found.order } : { status: 'not_found' };
    } catch (err) {
      if (isOrderNotFound(err)) return { status: 'not_found' };
      return { status: 'unknown', reason: errorMessage(err) };
    }
  }

  /** One order from `order/realtime` (by id the open-only filter is ignored), else `order/history`; undefined when neither lists it. */
  private async readOrder(
    symbol: string,
    query: { readonly orderId?: string; readonly orderLinkId?: string } | undefined,
    priority: RatePriority,
  ): Promise<BybitOrderUpdate | undefined> {
    if (query === undefined) return undefined;
    const category = this.categoryOf(symbol);
    for (const path of [BYBIT_PATHS.openOrders, BYBIT_PATHS.orderHistory]) {
      const reply = await this.get(path, { category, symbol, ...query }, priority);
      const { list } = expectList(reply, reply.context);
      const now = this.deps.clock.now();
      const parsed = this.parseEach(list, path, (raw, p) =>
        parseOrder(validate(BybitOrderSchema, raw, p), now, p, this.venueClock.offsetMs()),
      );
      const match = parsed.find(
        (u) =>
          (query.orderId !== undefined && u.order.venueOrderId === query.orderId) ||
          (query.orderLinkId !== undefined && u.order.clientId === query.orderLinkId),
      );
      if (match) return match;
    }
    return undefined;
  }

  // ---- snapshots -------------------------------------------------------------------------------

  /** Open orders (conditional ones included) of every configured category, or of one symbol; pages of 50 followed with the cursor. */
  async openOrders(symbol?: string): Promise<readonly OrderSnapshot[]> {
    const out: OrderSnapshot[] = [];
    const native = symbol === undefined ? undefined : this.nativeSymbol(symbol);
    for (const category of this.categoriesFor(native)) {
      for (const scope of this.scopes(category, native)) {
        let cursor: string | undefined;
        for (let page = 0; page < OPEN_ORDERS_MAX_PAGES; page += 1) {
          const reply = await this.get(BYBIT_PATHS.openOrders, { category, ...scope, openOnly: 0, limit: OPEN_ORDERS_PAGE, cursor });
          const { list, cursor: next } = expectList(reply, reply.context);
          const now = this.deps.clock.now();
          const offset = this.venueClock.offsetMs();
          out.push(
            ...this.parseEach(
              list,
              `order/realtime.${category}`,
              (raw, p) => parseOrder(validate(BybitOrderSchema, raw, p), now, p, offset).order,
            ),
          );
          if (next === '' || list.length < OPEN_ORDERS_PAGE) break;
          cursor = next;
        }
      }
    }
    return out.filter((o) => !isTerminal(o.status));
  }

  /** Open positions (size ≠ 0), signed: linear in coin, inverse in USD contracts. */
  async positions(priority: RatePriority = 'normal'): Promise<readonly Position[]> {
    const out: Position[] = [];
    for (const category of this.deps.config.categories) {
      for (const scope of this.scopes(category, undefined)) {
        const reply = await this.get(BYBIT_PATHS.positions, { category, ...scope, limit: 200 }, priority);
        const { list } = expectList(reply, reply.context);
        const now = this.deps.clock.now();
        const offset = this.venueClock.offsetMs();
        out.push(
          ...this.parseEach(list, `position/list.${category}`, (raw, p) =>
            parsePosition(validate(BybitPositionSchema, raw, p), now, p, offset),
          ),
        );
      }
    }
    return out.filter((p) => !p.size.isZero());
  }

  async balances(): Promise<readonly Balance[]> {
    const reply = await this.get(BYBIT_PATHS.wallet, { accountType: 'UNIFIED' });
    const { list } = expectList(reply, reply.context);
    const now = this.deps.clock.now();
    return this.parseEach(list, 'wallet-balance', (raw, p) => parseWallet(validate(BybitWalletSchema, raw, p), now, p)).flat();
  }

  /**
   * Fills at or after `sinceMs` (host time) from `execution/list` (7-day window), newest first, in
   * pages of 100 followed with the cursor. Non-trade rows (funding, settlement) are left out.
   */
  async fillsSince(sinceMs: number, symbol?: string): Promise<readonly Fill[]> {
    const offset = this.venueClock.offsetMs();
    const native = symbol === undefined ? undefined : this.nativeSymbol(symbol);
    const nowVenue = this.deps.clock.now() + offset;
    const start = Math.max(0, Math.floor(sinceMs + offset - FILLS_SINCE_MARGIN_MS), nowVenue - SEVEN_DAYS_MS + 60_000);
    const keepFrom = sinceMs - FILLS_SINCE_MARGIN_MS;
    const out: Fill[] = [];
    const seen = new Set<string>();
    for (const category of this.categoriesFor(native)) {
      let cursor: string | undefined;
      for (let page = 0; page < FILLS_MAX_PAGES; page += 1) {
        const reply = await this.get(BYBIT_PATHS.executions, { category, symbol: native, startTime: start, limit: FILLS_PAGE, cursor });
        const { list, cursor: next } = expectList(reply, reply.context);
        const now = this.deps.clock.now();
        const fills = this.parseEach(list, `execution/list.${category}`, (raw, p) =>
          parseExecution(
            validate(BybitExecutionSchema, raw, p),
            now,
            p,
            offset,
            this.instruments.get(String((raw as { symbol?: unknown }).symbol))?.settle ?? '',
          ),
        );
        for (const fill of fills) {
          if (fill === undefined || seen.has(fill.tradeId)) continue;
          seen.add(fill.tradeId);
          if (fill.tsMs >= keepFrom) out.push(fill);
        }
        if (next === '' || list.length < FILLS_PAGE) break;
        cursor = next;
      }
    }
    return out;
  }

  private categoriesFor(symbol: string | undefined): readonly BybitCategory[] {
    return symbol === undefined ? this.deps.config.categories : [this.categoryOf(symbol)];
  }

  /**
   * The query scopes of an order or position read: by symbol when one is given; else linear needs
   * a settle coin (one read per linear settle coin loaded: USDT, and USDC when USDC perps are
   * listed); inverse lists everything with the category alone.
   */
  private scopes(category: BybitCategory, symbol: string | undefined): ReadonlyArray<{ symbol?: string; settleCoin?: string }> {
    if (symbol !== undefined) return [{ symbol }];
    if (category === 'inverse') return [{}];
    const coins = new Set<string>();
    for (const [name, inst] of this.instruments) if (this.categoryBySymbol.get(name) === 'linear') coins.add(inst.settle);
    if (coins.size === 0) coins.add('USDT');
    return [...coins].sort((a, b) => (a === 'USDT' ? -1 : b === 'USDT' ? 1 : a.localeCompare(b))).map((settleCoin) => ({ settleCoin }));
  }

  private parseEach<W, D>(list: readonly W[], prefix: string, parse: (item: W, path: string) => D): D[] {
    return parseItems(list, prefix, parse, ({ path, error }) => {
      this.skippedItems.note(error);
      this.log.error({ err: error, item: path }, 'a bybit record failed to parse and was skipped; reconciliation may see it as missing');
    });
  }

  // ---- market data -----------------------------------------------------------------------------

  /** Subscribes `tickers.{symbol}` on its category's public socket (never twice). */
  async watchTicker(symbol: string): Promise<void> {
    const native = this.nativeSymbol(symbol);
    if (this.catalogueLoaded && !this.instruments.has(native)) {
      throw new BybitRequestError(
        'symbol',
        `unknown bybit instrument ${symbol}: not among the ${this.instruments.size} instruments loaded; check the name (e.g. BTCUSDT)`,
      );
    }
    const category = this.categoryOf(native);
    const topic = tickerTopic(native);
    if (this.watched[category].has(topic)) return;
    this.watched[category].add(topic);
    const ws = this.publicWs[category];
    // While the socket is not ready, its restore subscribes everything watched.
    if (ws?.isReady()) await ws.subscribe([topic]);
  }

  async unwatchTicker(symbol: string): Promise<void> {
    const native = this.nativeSymbol(symbol);
    const category = this.categoryOf(native);
    const topic = tickerTopic(native);
    if (!this.watched[category].delete(topic)) return;
    this.quotes.delete(native);
    await this.publicWs[category]?.unsubscribe([topic]);
  }

  // ---- inbound ---------------------------------------------------------------------------------

  private onPush(push: BybitPush, receivedAtMs: number): void {
    const offset = this.venueClock.offsetMs();
    const topic = push.topic;
    try {
      if (topic.startsWith('tickers.')) {
        const ticker = readTicker(push.data, push.type, push.ts, receivedAtMs, this.quotes, offset);
        if (ticker) this.emit({ type: 'ticker', venue: this.id, ticker });
        return;
      }
      if (!Array.isArray(push.data)) throw new BybitParseError(`${topic}.data`, 'expected an array of records');
      const head = topic.split('.')[0];
      switch (head) {
        case 'order':
          this.onOrders(push.data, receivedAtMs, offset);
          return;
        case 'execution':
          this.onExecutions(push.data, receivedAtMs, offset);
          return;
        case 'position':
          this.onPositions(push.data, receivedAtMs, offset);
          return;
        case 'wallet':
          for (const b of this.parseEach(push.data, 'wallet', (raw, p) =>
            parseWallet(validate(BybitWalletSchema, raw, p), receivedAtMs, p),
          ).flat()) {
            this.emit({ type: 'balance', venue: this.id, balance: b });
          }
          return;
        default:
          this.log.debug({ topic }, 'bybit push on an unhandled topic ignored');
      }
    } catch (err) {
      this.rejected.note(err);
      this.log.error({ err, topic }, 'bybit push failed to parse; dropped, the next reconciliation pass catches up');
    }
  }

  /**
   * Order pushes, idempotent: a repeated push (same status and cumExecQty) is dropped; a terminal
   * order never goes back to open and its filled quantity never decreases (a cancel racing a fill
   * can give two `Filled` pushes, spec 5).
   */
  private onOrders(data: readonly unknown[], receivedAtMs: number, offset: number): void {
    const updates = this.parseEach(data, 'order', (raw, p) => parseOrder(validate(BybitOrderSchema, raw, p), receivedAtMs, p, offset));
    for (const update of updates) {
      const { order } = update;
      const prev = this.orders.get(order.venueOrderId);
      const terminal = isTerminal(order.status);
      if (prev) {
        if (prev.terminal && !terminal) continue;
        if (order.filledSize.lt(prev.filled)) continue;
        if (prev.status === update.venueStatus && prev.filled.eq(order.filledSize) && prev.terms === termsOf(order)) continue;
      }
      remember(this.orders, order.venueOrderId, { filled: order.filledSize, terminal, status: update.venueStatus, terms: termsOf(order) });
      this.emit({ type: 'order', venue: this.id, order });
    }
  }

  private onExecutions(data: readonly unknown[], receivedAtMs: number, offset: number): void {
    const fills = this.parseEach(data, 'execution', (raw, p) =>
      parseExecution(
        validate(BybitExecutionSchema, raw, p),
        receivedAtMs,
        p,
        offset,
        this.instruments.get(String((raw as { symbol?: unknown }).symbol))?.settle ?? '',
      ),
    );
    for (const fill of fills) {
      if (fill === undefined || this.seenExecIds.has(fill.tradeId)) continue;
      this.seenExecIds.add(fill.tradeId);
      if (this.seenExecIds.size > DEDUP_KEEP) {
        const oldest = this.seenExecIds.values().next().value;
        if (oldest !== undefined) this.seenExecIds.delete(oldest);
      }
      this.gap.noteFill(fill);
      this.emit({ type: 'fill', venue: this.id, fill });
    }
  }

  /** Position pushes are chatty (one per order action): a stale `seq` is dropped. */
  private onPositions(data: readonly unknown[], receivedAtMs: number, offset: number): void {
    for (const [i, raw] of data.entries()) {
      try {
        const wire = validate(BybitPositionSchema, raw, `position.${i}`);
        if (wire.seq !== undefined) {
          const last = this.positionSeq.get(wire.symbol);
          if (last !== undefined && wire.seq < last) continue;
          this.positionSeq.set(wire.symbol, wire.seq);
        }
        this.emit({ type: 'position', venue: this.id, position: parsePosition(wire, receivedAtMs, `position.${i}`, offset) });
      } catch (err) {
        this.skippedItems.note(err);
        this.log.error(
          { err, item: `position.${i}` },
          'a bybit position push item failed to parse and was skipped; reconciliation catches up',
        );
      }
    }
  }

  /** Inbound data this adapter could not use since start: malformed frames, refused subscriptions, pushes that failed to parse, items skipped. */
  inboundProblems(): {
    readonly malformedFrames: number;
    readonly refusedSubscriptions: number;
    readonly rejectedPushes: number;
    readonly skippedItems: number;
    readonly lastRejection: string | undefined;
  } {
    const clients = [this.publicWs.linear, this.publicWs.inverse, this.privateWs, this.tradeWs].filter(
      (c): c is BybitWsClient => c !== undefined,
    );
    let malformedFrames = 0;
    let refusedSubscriptions = 0;
    let last: string | undefined;
    for (const c of clients) {
      const p = c.frameProblems();
      malformedFrames += p.total;
      refusedSubscriptions += c.refusedSubscriptions();
      last ??= p.last;
    }
    return {
      malformedFrames,
      refusedSubscriptions,
      rejectedPushes: this.rejected.count,
      skippedItems: this.skippedItems.count,
      lastRejection: this.rejected.last ?? this.skippedItems.last ?? last,
    };
  }
}

function refQuery(ref: OrderRef): { readonly orderId?: string; readonly orderLinkId?: string } | undefined {
  if (ref.venueOrderId !== undefined) return { orderId: ref.venueOrderId };
  if (ref.clientId !== undefined) return { orderLinkId: ref.clientId };
  return undefined;
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > DEDUP_KEEP) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}
