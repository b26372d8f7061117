/**
 * DeribitVenue implements the venue-neutral Venue port: builds venue params, calls the raw
 * clients, parses into domain types, classifies outcomes (accepted / rejected / unknown).
 * Order entry goes over the WebSocket; snapshots for reconciliation go over REST.
 */
import type { Logger } from 'pino';
import type { CancelOutcome, CommandOutcome, OrderLookup } from '../../domain/commands.js';
import { DaemonError } from '../../domain/errors.js';
import type { ConnectionState, VenueEvent, VenueEventListener } from '../../domain/events.js';
import type { Instrument } from '../../domain/instrument.js';
import type { AmendRequest, OrderRef, OrderRequest, OrderSnapshot } from '../../domain/order.js';
import type { Balance, Fill, Position } from '../../domain/position.js';
import type { Clock, ClockOffset, Venue } from '../../domain/ports.js';
import { RateLimiter, type RatePriority } from '../shared/rate-limit.js';
import type { DeribitConfig } from './config.js';
import type { DeribitCredentials } from './credentials.js';
import { classify, DeribitApiError, isImmediateTrigger, DeribitRequestError, errorAction, isOrderAlreadyClosed, isOrderNotFound, DERIBIT_VENUE_ID } from './errors.js';
import {
  buildEditParams,
  buildOrderParams,
  parseInstruments,
  parseOrder,
  parsePortfolio,
  parsePosition,
  parseTicker,
  parseTrade,
} from './parse.js';
import {
  DeribitAccountSummarySchema,
  DeribitOrderResultSchema,
  DeribitOrderSchema,
  DeribitPositionSchema,
  DeribitTradeSchema,
  GetInstrumentsResultSchema,
  GetOpenOrdersResultSchema,
  GetPositionsResultSchema,
  GetUserTradesResultSchema,
  type DeribitOrder,
} from './rest-models.js';
import type { DeribitRestClient } from './rest-client.js';
import { validateWire } from './rpc.js';
import { LazySubscriptions } from './subscriptions.js';
import type { DeribitNotification, DeribitWsClient } from './ws-client.js';
import {
  classifyChannel,
  TickerDataSchema,
  UserChangesEnvelopeSchema,
  UserOrdersEnvelopeSchema,
  UserPortfolioDataSchema,
  UserTradesEnvelopeSchema,
} from './ws-messages.js';
import { z } from 'zod';
import { isUnifiedSymbol, unifiedToDeribit } from './unified-symbol.js';

/** The matching-engine methods share their own credit pool (spec 9). */
const MATCHING_ENGINE = new Set(['private/buy', 'private/sell', 'private/edit', 'private/cancel', 'private/cancel_by_label', 'private/close_position']);

export interface DeribitVenueDeps {
  readonly config: DeribitConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly credentials?: DeribitCredentials;
  readonly ws: (hooks: {
    channelsToRestore: () => { public: readonly string[]; private: readonly string[] };
    onNotification: (n: DeribitNotification) => void;
    onRestored: (confirmed: readonly string[]) => void;
    beforeSubscribe: () => Promise<void>;
  }) => DeribitWsClient;
  readonly rest: DeribitRestClient;
  /** How often expired instruments' channels are pruned. Default 60 s. */
  readonly expiryCheckIntervalMs?: number;
  /** How often the instrument catalogue is reloaded. Default 1 h. */
  readonly instrumentsRefreshIntervalMs?: number;
  /** How long connect() waits for the first ready state. Default 15 s. */
  readonly connectTimeoutMs?: number;
}

/** Trades per `get_user_trades_by_currency` page (the venue's maximum). */
const FILLS_PAGE_SIZE = 1000;

/** Venue timestamps vs our clock: a resync reads fills from this long before the connection was lost. */
const RESYNC_CLOCK_MARGIN_MS = 5_000;

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
  private readonly listeners = new Set<VenueEventListener>();
  private readonly instruments = new Map<string, Instrument>();
  private readonly tickers: LazySubscriptions;
  private readonly privateChannels: string[];
  private everReady = false;
  private lastFillMs = 0;
  /** Our clock when the last ready connection was lost and no resync has covered it yet. */
  private gapStartMs: number | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private instrumentsTimer: NodeJS.Timeout | undefined;
  private started = false;
  /** One subscribe call in units of the non-matching-engine budget. */
  private readonly subscribeCost: number;

  constructor(private readonly deps: DeribitVenueDeps) {
    const { config } = deps;
    this.log = deps.logger;
    this.rest = deps.rest;
    this.privateChannels = deps.credentials
      ? config.currencies.flatMap((c) => [`user.changes.any.${c}.raw`, `user.portfolio.${c}`])
      : [];
    this.ws = deps.ws({
      channelsToRestore: () => ({ public: this.tickers.all(), private: this.privateChannels }),
      onNotification: (n) => this.onNotification(n),
      onRestored: (confirmed) => this.tickers.markRestored(confirmed),
      // A subscribe call costs 3,000 credits, several ordinary requests' worth (spec 9).
      beforeSubscribe: () => this.limiter.acquire({ nonMatching: this.subscribeCost }),
    });
    this.tickers = new LazySubscriptions({
      batchSize: config.optionSubscriptionBatchSize,
      maxChannels: Math.max(1, config.maxChannelsPerConnection - this.privateChannels.length),
      logger: this.log,
      isReady: () => this.ws.socket.isReady(),
      subscribe: (channels) => this.ws.subscribe(channels),
      unsubscribe: (channels) => this.ws.unsubscribe(channels),
    });
    const rl = config.rateLimit;
    this.subscribeCost = Math.min(rl.nonMatchingEngineBurst, Math.ceil(rl.nonMatchingEngineRatePerSec / rl.subscribeRatePerSec));
    this.limiter = new RateLimiter({
      name: 'deribit',
      logger: this.log,
      axes: {
        matching: { kind: 'bucket', capacity: rl.matchingEngineBurst, refillPerSecond: rl.matchingEngineRatePerSec, protectiveReserve: Math.min(5, Math.floor(rl.matchingEngineBurst / 4)) },
        nonMatching: { kind: 'bucket', capacity: rl.nonMatchingEngineBurst, refillPerSecond: rl.nonMatchingEngineRatePerSec },
      },
    });
    this.ws.socket.on('state', ({ from, to, reason }) => {
      if (from === 'ready' && to !== 'ready' && this.gapStartMs === undefined) this.gapStartMs = this.deps.clock.now();
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
      this.ws.start();
      this.expiryTimer = setInterval(() => void this.pruneExpired(), this.deps.expiryCheckIntervalMs ?? 60_000);
      this.expiryTimer.unref();
      // New option expiries are listed every day: refresh the catalogue now and then.
      this.instrumentsTimer = setInterval(() => void this.reloadInstruments('periodic refresh'), this.deps.instrumentsRefreshIntervalMs ?? 3_600_000);
      this.instrumentsTimer.unref();
    }
    await this.ws.socket.whenReady({ timeoutMs: this.deps.connectTimeoutMs ?? 15_000 });
  }

  async disconnect(): Promise<void> {
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    this.expiryTimer = undefined;
    if (this.instrumentsTimer) clearInterval(this.instrumentsTimer);
    this.instrumentsTimer = undefined;
    this.started = false;
    this.limiter.close('deribit venue disconnected');
    this.tickers.close();
    await this.ws.stop();
  }

  connectionState(): ConnectionState {
    return this.ws.socket.state;
  }

  isReady(): boolean {
    return this.ws.socket.isReady();
  }

  /** Deribit keeps one net position per instrument. */
  netsPositions(_symbol: string): boolean {
    return true;
  }

  /** Not measured yet (lands with the clock-offset work). */
  clockOffset(): ClockOffset | undefined {
    return undefined;
  }

  subscribe(listener: VenueEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: VenueEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.log.error({ err, event: event.type }, 'a venue event listener threw; event delivered to the others');
      }
    }
  }

  // ---- instruments -----------------------------------------------------------------------------

  async loadInstruments(): Promise<readonly Instrument[]> {
    for (const currency of this.deps.config.currencies) {
      for (const kind of ['future', 'option'] as const) {
        await this.limiter.acquire({ nonMatching: 1 });
        const list = await this.rest.call('public/get_instruments', { currency, kind }, GetInstrumentsResultSchema);
        const { instruments, skipped } = parseInstruments(list);
        for (const i of instruments) this.instruments.set(i.symbol, i);
        if (skipped.length > 0) this.log.debug({ currency, kind, skipped: skipped.length }, 'deribit instruments skipped (unsupported kinds)');
      }
    }
    this.log.info({ count: this.instruments.size }, 'deribit instruments loaded');
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
    await this.limiter.acquire(MATCHING_ENGINE.has(method) ? { matching: 1 } : { nonMatching: 1 }, priority);
    try {
      return await this.ws.call(method, params);
    } catch (err) {
      if (err instanceof DeribitApiError && errorAction(err) === 'backoff') {
        this.limiter.holdUntil(this.deps.clock.now() + 1_000);
      }
      if (err instanceof DeribitApiError && errorAction(err) === 'reauth') {
        void this.ws.reauthenticate().catch((e: unknown) => this.log.warn({ err: e }, 'deribit re-authentication failed; reconnect will log in again'));
      }
      throw err;
    }
  }

  private requireInstrument(symbol: string): Instrument {
    const instrument = this.instruments.get(symbol);
    if (!instrument) throw new DeribitRequestError('symbol', `unknown deribit instrument ${symbol} (instruments loaded: ${this.instruments.size})`);
    return instrument;
  }

  async submitOrder(request: OrderRequest): Promise<CommandOutcome> {
    let call;
    try {
      call = buildOrderParams(request, this.requireInstrument(request.symbol));
    } catch (err) {
      return { status: 'rejected', code: 'INVALID_REQUEST', reason: (err as Error).message, retryable: false };
    }
    try {
      const raw = await this.rpc(call.method, call.params, request.priority ?? 'normal');
      const result = validateWire(DeribitOrderResultSchema, raw, `${call.method}.result`);
      const now = this.deps.clock.now();
      const order = parseOrder(result.order, now);
      for (const t of result.trades) this.noteFill(parseTrade(t, now));
      return { status: 'accepted', order };
    } catch (err) {
      return this.outcomeOf(err, call.method);
    }
  }

  private outcomeOf(err: unknown, method: string): CommandOutcome {
    const kind = classify(err);
    if (kind === 'unknown') {
      this.log.warn({ err, method }, `deribit ${method}: outcome unknown; reconcile by label before any retry`);
      return { status: 'unknown', reason: (err as Error).message };
    }
    const code = err instanceof DeribitApiError ? String(err.rpcCode) : err instanceof DaemonError ? err.code : 'ERROR';
    return {
      status: 'rejected',
      code,
      reason: (err as Error).message,
      retryable: kind === 'retryable',
      ...(isImmediateTrigger(err) ? { wouldTriggerImmediately: true } : {}),
    };
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
        return { status: 'accepted', order: parseOrder(validateWire(DeribitOrderSchema, raw, 'private/cancel.result'), this.deps.clock.now()) };
      }
      if (!ref.clientId) return { status: 'rejected', code: 'INVALID_REQUEST', reason: 'cancel needs a venue order id or a client id', notFound: false };
      const currency = this.requireInstrument(ref.symbol).base;
      const count = Number(await this.rpc('private/cancel_by_label', { label: ref.clientId, currency }, priority));
      return count > 0
        ? { status: 'accepted' }
        : { status: 'rejected', code: '10004', reason: `no open order labelled ${ref.clientId}`, notFound: true };
    } catch (err) {
      if (isOrderNotFound(err)) return { status: 'rejected', code: '10004', reason: (err as Error).message, notFound: true };
      const kind = classify(err);
      if (kind === 'unknown') return { status: 'unknown', reason: (err as Error).message };
      return { status: 'rejected', code: err instanceof DeribitApiError ? String(err.rpcCode) : 'ERROR', reason: (err as Error).message, notFound: false };
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
      call = buildEditParams({ ...request, ref: { ...request.ref, venueOrderId: found.order.venueOrderId } }, this.requireInstrument(request.ref.symbol), {
        venueOrderId: found.order.venueOrderId,
        side: found.order.side,
        size: found.order.size,
      });
    } catch (err) {
      return { status: 'rejected', code: 'INVALID_REQUEST', reason: (err as Error).message, retryable: false };
    }
    try {
      const raw = await this.rpc(call.method, call.params, request.priority ?? 'normal');
      const result = validateWire(DeribitOrderResultSchema, raw, 'private/edit.result');
      return { status: 'accepted', order: parseOrder(result.order, this.deps.clock.now()) };
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
  async getOrder(ref: OrderRef): Promise<OrderLookup> {
    try {
      const now = this.deps.clock.now();
      if (ref.venueOrderId) {
        const raw = await this.rest.call('private/get_order_state', { order_id: ref.venueOrderId }, DeribitOrderSchema);
        const spawned = raw.order_state === 'triggered' ? await this.spawnedOrder(raw.order_id, raw) : undefined;
        return { status: 'found', order: parseOrder(spawned ?? raw, now) };
      }
      if (!ref.clientId) return { status: 'unknown', reason: 'lookup needs a venue order id or a client id' };
      const currency = this.requireInstrument(ref.symbol).base;
      const list = await this.rest.call('private/get_order_state_by_label', { currency, label: ref.clientId }, z.array(DeribitOrderSchema));
      const current = currentOrderOf(list.filter((o) => o.instrument_name === ref.symbol));
      return current ? { status: 'found', order: parseOrder(current, now) } : { status: 'not_found' };
    } catch (err) {
      if (isOrderNotFound(err)) return { status: 'not_found' };
      return { status: 'unknown', reason: (err as Error).message };
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
      return this.parseEach(list, (o, i) => parseOrder(o, now, `open_orders.${i}`));
    }
    const out: OrderSnapshot[] = [];
    for (const currency of this.deps.config.currencies) {
      const list = await this.rest.call('private/get_open_orders_by_currency', { currency }, GetOpenOrdersResultSchema);
      out.push(...this.parseEach(list, (o, i) => parseOrder(o, now, `open_orders.${currency}.${i}`)));
    }
    return out;
  }

  async positions(): Promise<readonly Position[]> {
    const now = this.deps.clock.now();
    const out: Position[] = [];
    for (const currency of this.deps.config.currencies) {
      const list = await this.rest.call('private/get_positions', { currency }, GetPositionsResultSchema);
      out.push(...this.parseEach(list, (p, i) => parsePosition(p, now, `positions.${currency}.${i}`)).filter((p) => !p.size.isZero()));
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

  async fillsSince(sinceMs: number, symbol?: string): Promise<readonly Fill[]> {
    const now = this.deps.clock.now();
    const out: Fill[] = [];
    for (const currency of this.deps.config.currencies) {
      // Oldest first, 1000 a page: follow `has_more`, or the newest fills (the ones a reconnect
      // gap is about) would be cut off on a busy account.
      const seen = new Set<string>();
      let start = Math.max(0, Math.floor(sinceMs));
      for (let page = 0; ; page += 1) {
        const res = await this.rest.call(
          'private/get_user_trades_by_currency',
          { currency, start_timestamp: start, count: FILLS_PAGE_SIZE, sorting: 'asc' },
          GetUserTradesResultSchema,
        );
        const fresh = res.trades.filter((t) => !seen.has(t.trade_id));
        for (const t of fresh) seen.add(t.trade_id);
        const fills = this.parseEach(fresh, (t, i) => parseTrade(t, now, `trades.${currency}.${page}.${i}`));
        out.push(...fills.filter((f) => f.tsMs >= sinceMs && (!symbol || f.symbol === symbol)));
        const last = res.trades.at(-1);
        if (res.has_more !== true || last === undefined) break;
        // The next page starts at the last timestamp (inclusive; duplicates are skipped above). A
        // full page within one millisecond cannot advance that way: step past it and say so.
        let next = last.timestamp;
        if (fresh.length === 0 || next <= start) {
          next = Math.max(start, next) + 1;
          this.log.warn({ currency, atMs: next - 1 }, 'more than one page of deribit trades share a timestamp; some may be skipped, reconciliation by order catches up');
        }
        start = next;
      }
    }
    return out;
  }

  /** Parse a list item by item: a bad item is logged and skipped, the rest still count. */
  private parseEach<W, D>(list: readonly W[], parse: (item: W, index: number) => D): D[] {
    const out: D[] = [];
    list.forEach((item, i) => {
      try {
        out.push(parse(item, i));
      } catch (err) {
        this.log.error({ err }, 'a deribit record failed to parse and was skipped; reconciliation may see it as missing');
      }
    });
    return out;
  }

  // ---- market data -----------------------------------------------------------------------------

  private tickerChannel(symbol: string): string {
    return `ticker.${symbol}.100ms`;
  }

  async watchTicker(symbol: string): Promise<void> {
    if (!this.instruments.has(symbol)) throw new DeribitRequestError('symbol', `unknown deribit instrument ${symbol}`);
    await this.tickers.request([this.tickerChannel(symbol)]);
  }

  async unwatchTicker(symbol: string): Promise<void> {
    await this.tickers.release([this.tickerChannel(symbol)]);
  }

  /** Lazy-subscription state, for tests and health detail. */
  tickerSubscriptions(): { readonly wanted: readonly string[]; readonly batches: readonly number[] } {
    return { wanted: this.tickers.all(), batches: this.tickers.batchSizes() };
  }

  async pruneExpired(): Promise<string[]> {
    return this.tickers.releaseExpired(this.deps.clock.now(), (channel) => {
      const symbol = channel.split('.')[1];
      return symbol ? this.instruments.get(symbol)?.expiryMs : undefined;
    });
  }

  // ---- inbound ---------------------------------------------------------------------------------

  private noteFill(fill: Fill): void {
    if (fill.tsMs > this.lastFillMs) this.lastFillMs = fill.tsMs;
  }

  private onNotification(n: DeribitNotification): void {
    const channel = classifyChannel(n.channel);
    const venue = this.id;
    try {
      switch (channel.kind) {
        case 'ticker': {
          const data = validateWire(TickerDataSchema, n.data, n.channel);
          this.emit({ type: 'ticker', venue, ticker: parseTicker(data, n.receivedAtMs) });
          return;
        }
        case 'user.changes': {
          // Item by item: an order we cannot parse (an operator's trailing stop, a new state)
          // must not take the fills and positions of the same push down with it.
          const data = validateWire(UserChangesEnvelopeSchema, n.data, n.channel);
          const at = n.receivedAtMs;
          const orders = this.parseItems(data.orders, n.channel, 'orders', (w, p) => parseOrder(validateWire(DeribitOrderSchema, w, p), at, p));
          const fills = this.parseItems(data.trades, n.channel, 'trades', (w, p) => parseTrade(validateWire(DeribitTradeSchema, w, p), at, p));
          const positions = this.parseItems(data.positions, n.channel, 'positions', (w, p) =>
            parsePosition(validateWire(DeribitPositionSchema, w, p), at, p),
          );
          for (const order of orders) this.emit({ type: 'order', venue, order });
          for (const fill of fills) {
            this.noteFill(fill);
            this.emit({ type: 'fill', venue, fill });
          }
          for (const position of positions) this.emit({ type: 'position', venue, position });
          return;
        }
        case 'user.orders': {
          const items = validateWire(UserOrdersEnvelopeSchema, n.data, n.channel);
          for (const order of this.parseItems(items, n.channel, 'orders', (w, p) => parseOrder(validateWire(DeribitOrderSchema, w, p), n.receivedAtMs, p))) {
            this.emit({ type: 'order', venue, order });
          }
          return;
        }
        case 'user.trades': {
          const items = validateWire(UserTradesEnvelopeSchema, n.data, n.channel);
          for (const fill of this.parseItems(items, n.channel, 'trades', (w, p) => parseTrade(validateWire(DeribitTradeSchema, w, p), n.receivedAtMs, p))) {
            this.noteFill(fill);
            this.emit({ type: 'fill', venue, fill });
          }
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
      this.log.error({ err, channel: n.channel }, 'deribit notification failed to parse; dropped, the next reconciliation pass catches up');
    }
  }

  /** Parses the items of one push one by one; a bad item is logged (naming it) and skipped, the others still count. */
  private parseItems<D>(items: readonly unknown[], channel: string, field: string, parse: (wire: unknown, path: string) => D): D[] {
    const out: D[] = [];
    items.forEach((item, i) => {
      const path = `${channel}.${field}.${i}`;
      try {
        out.push(parse(item, path));
      } catch (err) {
        this.log.error({ err, channel, item: path }, 'a deribit push item failed to parse and was skipped; the rest of the push was delivered, reconciliation catches up');
      }
    });
    return out;
  }

  /** After every reconnect: re-read orders, fills and positions over REST, because pushes in the gap are lost. */
  /** Load the instrument catalogue; a failure is logged and retried later, never thrown. */
  private async reloadInstruments(why: string): Promise<void> {
    try {
      await this.loadInstruments();
    } catch (err) {
      this.log.error(
        { err, why },
        `loading deribit instruments failed (${why}); orders for unknown instruments are refused until a reload succeeds (on the next ready connection and every refresh interval)`,
      );
    }
  }

  private onReady(): void {
    if (this.instruments.size === 0) void this.reloadInstruments('connection ready without instruments');
    if (!this.everReady) {
      this.everReady = true;
      return;
    }
    if (!this.deps.credentials) return;
    void this.resync().catch((err: unknown) => {
      this.log.error({ err }, 'deribit resync after reconnect failed; the position monitor pass will reconcile');
    });
  }

  async resync(): Promise<void> {
    const venue = this.id;
    // From the last fill we saw or from when the connection was lost, whichever is earlier: fills
    // pushed while the restore was running move lastFillMs past the gap, and with no fill seen yet
    // lastFillMs is 0 (which would read the account's oldest trades instead of the gap).
    const gap = this.gapStartMs;
    const starts: number[] = [];
    if (this.lastFillMs > 0) starts.push(this.lastFillMs - 1_000);
    if (gap !== undefined) starts.push(gap - RESYNC_CLOCK_MARGIN_MS);
    const since = Math.max(0, starts.length > 0 ? Math.min(...starts) : 0);
    const [orders, positions, fills] = await Promise.all([this.openOrders(), this.positions(), this.fillsSince(since)]);
    if (this.gapStartMs === gap) this.gapStartMs = undefined;
    for (const order of orders) this.emit({ type: 'order', venue, order });
    for (const fill of fills) {
      this.noteFill(fill);
      this.emit({ type: 'fill', venue, fill });
    }
    for (const position of positions) this.emit({ type: 'position', venue, position });
    this.log.info({ orders: orders.length, positions: positions.length, fills: fills.length }, 'deribit resynced after reconnect');
    this.emit({ type: 'resynced', venue, atMs: this.deps.clock.now() });
  }
}

