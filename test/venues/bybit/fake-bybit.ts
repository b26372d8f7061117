/**
 * A minimal scripted Bybit for adapter tests: a loopback REST server (market time, instruments,
 * order/realtime + history, executions, positions, create/cancel) over a small in-memory state,
 * and fake WS servers for the public and private streams. Scripted, not a simulator: tests put
 * rows in `state` and replies in `next`, then assert on `requests`. Written from bybit.md; shares
 * nothing with src/sim.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { dec } from '../../../src/domain/decimal.js';
import type { VenueEvent } from '../../../src/domain/events.js';
import type { Clock } from '../../../src/domain/ports.js';
import { BybitConfigSchema } from '../../../src/venues/bybit/config.js';
import { BybitCredentials } from '../../../src/venues/bybit/credentials.js';
import { createBybitVenue } from '../../../src/venues/bybit/index.js';
import type { BybitVenue } from '../../../src/venues/bybit/venue.js';
import { FakeWsServer } from '../../support/fake-ws-server.js';
import { type CapturedLogger, captureLogger } from '../../support/log-capture.js';

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown> | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly at: number;
}

export interface ScriptedReply {
  readonly retCode?: number;
  readonly retMsg?: string;
  readonly result?: unknown;
  readonly headers?: Record<string, string>;
  readonly status?: number;
}

export type Row = Record<string, unknown>;

export interface FakeBybitState {
  orders: Row[];
  history: Row[];
  executions: Row[];
  positions: Row[];
}

export const LINEAR_INSTRUMENT: Row = {
  symbol: 'BTCUSDT',
  contractType: 'LinearPerpetual',
  status: 'Trading',
  baseCoin: 'BTC',
  quoteCoin: 'USDT',
  settleCoin: 'USDT',
  deliveryTime: '0',
  priceFilter: { minPrice: '0.10', maxPrice: '1999999.80', tickSize: '0.10' },
  lotSizeFilter: { maxOrderQty: '1190.000', minOrderQty: '0.001', qtyStep: '0.001', maxMktOrderQty: '500.000', minNotionalValue: '5' },
};

export const INVERSE_INSTRUMENT: Row = {
  symbol: 'BTCUSD',
  contractType: 'InversePerpetual',
  status: 'Trading',
  baseCoin: 'BTC',
  quoteCoin: 'USD',
  settleCoin: 'BTC',
  deliveryTime: '0',
  priceFilter: { minPrice: '0.50', maxPrice: '999999.00', tickSize: '0.50' },
  lotSizeFilter: { maxOrderQty: '1000000', minOrderQty: '1', qtyStep: '1' },
};

/** A linear order row as order/realtime returns it. */
export function orderRow(over: Row): Row {
  return {
    category: 'linear',
    symbol: 'BTCUSDT',
    orderId: randomUUID(),
    orderLinkId: '',
    side: 'Buy',
    orderType: 'Limit',
    price: '30000.0',
    qty: '0.010',
    orderStatus: 'New',
    cumExecQty: '0',
    avgPrice: '',
    leavesQty: '0.010',
    reduceOnly: false,
    closeOnTrigger: false,
    triggerPrice: '',
    triggerDirection: 0,
    triggerBy: '',
    stopOrderType: '',
    cancelType: 'UNKNOWN',
    rejectReason: 'EC_NoError',
    positionIdx: 0,
    createdTime: String(Date.now()),
    updatedTime: String(Date.now()),
    ...over,
  };
}

/** A linear execution row. */
export function executionRow(over: Row): Row {
  return {
    category: 'linear',
    symbol: 'BTCUSDT',
    orderId: randomUUID(),
    orderLinkId: '',
    side: 'Buy',
    execId: randomUUID(),
    execPrice: '30000.0',
    execQty: '0.010',
    execFee: '0.165',
    feeCurrency: 'USDT',
    execType: 'Trade',
    isMaker: false,
    execTime: String(Date.now()),
    ...over,
  };
}

/** The REST half. */
export class FakeBybitRest {
  readonly requests: FakeRequest[] = [];
  readonly state: FakeBybitState = { orders: [], history: [], executions: [], positions: [] };
  /** Replies queued per path, used before the default handler (one each). */
  readonly next = new Map<string, ScriptedReply[]>();
  /** Headers added to every reply (rate-limit budget). */
  headers: Record<string, string> = {};
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeBybitRest> {
    let self: FakeBybitRest | undefined;
    const server = createServer((req, res) => void self?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new FakeBybitRest(server, `http://127.0.0.1:${port}`);
    return self;
  }

  /** Queue a scripted reply for the next request on `path`. */
  script(path: string, reply: ScriptedReply): void {
    const list = this.next.get(path) ?? [];
    list.push(reply);
    this.next.set(path, list);
  }

  calls(path: string): FakeRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body,
      headers: req.headers,
      at: Date.now(),
    });
    const scripted = this.next.get(url.pathname)?.shift();
    const reply = scripted ?? this.defaultReply(url.pathname, url.searchParams, body);
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...this.headers, ...reply.headers });
    res.end(
      JSON.stringify({
        retCode: reply.retCode ?? 0,
        retMsg: reply.retMsg ?? 'OK',
        result: reply.result ?? {},
        retExtInfo: {},
        time: Date.now(),
      }),
    );
  }

  private defaultReply(path: string, q: URLSearchParams, body: Record<string, unknown> | undefined): ScriptedReply {
    const category = q.get('category') ?? (body?.category as string | undefined);
    const byCategory = (rows: Row[]): Row[] => rows.filter((r) => r.category === category);
    const byRef = (rows: Row[]): Row[] =>
      rows.filter(
        (r) =>
          (q.get('orderId') === null || r.orderId === q.get('orderId')) &&
          (q.get('orderLinkId') === null || r.orderLinkId === q.get('orderLinkId')),
      );
    switch (path) {
      case '/v5/market/time': {
        const now = Date.now();
        return { result: { timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` } };
      }
      case '/v5/market/instruments-info':
        return { result: { category, list: category === 'inverse' ? [INVERSE_INSTRUMENT] : [LINEAR_INSTRUMENT], nextPageCursor: '' } };
      case '/v5/order/realtime':
        return { result: { category, list: byRef(byCategory(this.state.orders)), nextPageCursor: '' } };
      case '/v5/order/history':
        return { result: { category, list: byRef(byCategory(this.state.history)), nextPageCursor: '' } };
      case '/v5/execution/list':
        return { result: { category, list: byCategory(this.state.executions), nextPageCursor: '' } };
      case '/v5/position/list':
        return { result: { category, list: byCategory(this.state.positions), nextPageCursor: '' } };
      case '/v5/account/wallet-balance':
        return { result: { list: [] } };
      case '/v5/order/create': {
        const row = orderRow({
          category,
          symbol: body?.symbol,
          orderLinkId: body?.orderLinkId ?? '',
          side: body?.side,
          orderType: body?.orderType,
          qty: body?.qty,
          price: body?.price ?? '',
          triggerPrice: body?.triggerPrice ?? '',
          triggerDirection: body?.triggerDirection ?? 0,
          reduceOnly: body?.reduceOnly ?? false,
          orderStatus: body?.triggerPrice === undefined ? 'New' : 'Untriggered',
        });
        this.state.orders.push(row);
        return { result: { orderId: row.orderId, orderLinkId: row.orderLinkId } };
      }
      case '/v5/order/cancel': {
        const row = this.state.orders.find(
          (r) => r.orderId === body?.orderId || (body?.orderLinkId !== undefined && r.orderLinkId === body.orderLinkId),
        );
        if (!row) return { retCode: 110001, retMsg: 'order not exists or too late to cancel' };
        return { result: { orderId: row.orderId, orderLinkId: row.orderLinkId } };
      }
      default:
        return { retCode: 10017, retMsg: 'route not found', status: 404 };
    }
  }
}

export interface FakeBybit {
  readonly rest: FakeBybitRest;
  readonly linear: FakeWsServer;
  readonly inverse: FakeWsServer;
  readonly private: FakeWsServer;
  readonly venue: BybitVenue;
  readonly events: VenueEvent[];
  readonly log: CapturedLogger;
  close(): Promise<void>;
}

/** The scripted Bybit and the real adapter pointed at it, with fast timings. */
export async function startFakeBybit(
  options: { readonly config?: Record<string, unknown>; readonly keepaliveIntervalMs?: number; readonly clock?: Clock } = {},
): Promise<FakeBybit> {
  const rest = await FakeBybitRest.start();
  const linear = await FakeWsServer.start();
  const inverse = await FakeWsServer.start();
  const priv = await FakeWsServer.start();
  const log = captureLogger('debug');
  const config = BybitConfigSchema.parse({
    enabled: true,
    environment: 'sim',
    reconnectInitialDelayMs: 10,
    reconnectMaxDelayMs: 100,
    requestTimeoutMs: 2_000,
    loginTimeoutMs: 1_000,
    pongTimeoutMs: 1_000,
    subscribeAckTimeoutMs: 1_000,
    rateLimit: { holdAfterRateLimitMs: 200 },
    ...options.config,
  });
  const venue = createBybitVenue({
    config,
    logger: log.logger,
    clock: options.clock ?? { now: () => Date.now() },
    credentials: new BybitCredentials('KEY', 'SECRET'),
    endpoints: { restUrl: rest.url, wsPublicLinearUrl: linear.url, wsPublicInverseUrl: inverse.url, wsPrivateUrl: priv.url },
    connectTimeoutMs: 3_000,
    keepaliveIntervalMs: options.keepaliveIntervalMs ?? 200,
  });
  const events: VenueEvent[] = [];
  venue.subscribe((e) => events.push(e));
  return {
    rest,
    linear,
    inverse,
    private: priv,
    venue,
    events,
    log,
    async close() {
      await venue.disconnect();
      await Promise.all([rest.close(), linear.close(), inverse.close(), priv.close()]);
    },
  };
}

/** Sends a private push frame on the latest private connection. */
export function pushPrivate(fake: FakeBybit, topic: string, data: Row[]): void {
  fake.private.send(JSON.stringify({ id: randomUUID(), topic, creationTime: Date.now(), data }));
}

export const qty = dec;
