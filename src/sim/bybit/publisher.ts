/**
 * Pushes from the engine to WebSocket subscribers of the simulated Bybit: private `order`,
 * `execution`, `position` and `wallet` (and their per-category forms) after every engine batch that
 * touched orders or fills (bybit.md §5: a position message on every order action, a wallet message
 * only when a fill changed it), and `tickers.{symbol}` on the public streams: a snapshot on subscribe,
 * then deltas holding only the fields that changed.
 */
import { randomUUID } from 'node:crypto';

import { isPublic, tickerSymbol, topicsFor } from './channels.js';
import type { SimState } from './context.js';
import { defaultMeta, type Dispatcher, nextFunding } from './dispatch.js';
import type { PortEvent, PortFill, PortInstrument, PortOrder } from './engine-port.js';
import type { WsSession } from './session.js';
import {
  execRecordPush,
  type Json,
  type JsonObject,
  type OrderMeta,
  orderRecordPush,
  positionRecordPush,
  privatePush,
  tickerRecord,
  walletRecord,
} from './wire.js';

export class Publisher {
  /** Cross sequence of ticker pushes (`cs`). */
  private cs = 9_532_239_429;
  private readonly lastTrade = new Map<string, string>();

  constructor(
    private readonly state: SimState,
    private readonly dispatcher: Dispatcher,
  ) {}

  /** Meta of an order; a new id adopts the meta of the request being placed. */
  private metaOf(orderId: string, inst: PortInstrument): OrderMeta {
    const known = this.state.orderMeta.get(orderId);
    if (known) return known;
    const placing = this.dispatcher.adoptPlacingMeta();
    const meta = placing ?? defaultMeta(inst.category);
    this.state.orderMeta.set(orderId, meta);
    return meta;
  }

  onEngineEvents(events: readonly PortEvent[]): void {
    const now = this.state.clock.now();
    const orders: PortOrder[] = [];
    const fills: PortFill[] = [];
    const touched = new Set<string>();
    for (const ev of events) {
      if (ev.type === 'order') {
        orders.push(ev.order);
        touched.add(ev.order.instrument);
      } else if (ev.type === 'fill') {
        fills.push(ev.fill);
        touched.add(ev.fill.instrument);
        this.lastTrade.set(ev.fill.instrument, ev.fill.price.toString());
      } else if (ev.type === 'position' && events.some((e) => e.type === 'order' || e.type === 'fill')) {
        touched.add(ev.position.instrument);
      }
    }
    // Metas first, so every push (and later read) of a new order carries its orderLinkId.
    const orderRows = orders.map((o) => {
      const inst = this.mustInstrument(o.instrument);
      return { category: inst.category, row: orderRecordPush(o, this.metaOf(o.orderId, inst), inst) };
    });
    const sessions = [...this.state.sessions.values()].filter((s) => s.kind === 'private' && s.authed && s.isOpen);
    if (sessions.length === 0) return;
    // One frame per step of an order: a conditional's Triggered and the fill after it go out as two messages.
    for (const chunk of splitOnRepeat(orderRows)) this.fanOut(sessions, 'order', chunk, now);
    const execRows = fills.map((f) => {
      const inst = this.mustInstrument(f.instrument);
      return { category: inst.category, row: execRecordPush(f, this.metaOf(f.orderId, inst).orderLinkId, inst) };
    });
    this.fanOut(sessions, 'execution', execRows, now);
    const positionRows = [...touched].map((name) => {
      const inst = this.mustInstrument(name);
      return { category: inst.category, row: positionRecordPush(this.state.engine.position(name), inst) };
    });
    this.fanOut(sessions, 'position', positionRows, now);
    if (fills.length > 0) {
      const coins = new Set(fills.map((f) => this.mustInstrument(f.instrument).settleCoin));
      const balances = this.state.engine.balances(now).filter((c) => coins.has(c.coin) || !c.walletBalance.isZero());
      const frame = privatePush(randomUUID(), 'wallet', now, [walletRecord(balances)]);
      for (const s of sessions) if (s.subscriptions.has('wallet')) s.send(frame);
    }
  }

  /** One frame per subscribed topic form: `order` gets every row, `order.linear` the linear ones. */
  private fanOut(
    sessions: readonly WsSession[],
    family: 'order' | 'execution' | 'position',
    rows: readonly { category: 'linear' | 'inverse'; row: JsonObject }[],
    now: number,
  ): void {
    if (rows.length === 0) return;
    const id =
      family === 'execution' ? `${Date.now()}_${String(rows[0]?.row.symbol ?? '')}_${String(rows[0]?.row.seq ?? '')}` : randomUUID();
    const frames = new Map<string, string>();
    const frameFor = (topic: string): string => {
      let text = frames.get(topic);
      if (text === undefined) {
        const cat = topic.includes('.') ? topic.split('.')[1] : undefined;
        const data: Json[] = rows.filter((r) => cat === undefined || r.category === cat).map((r) => r.row);
        text = data.length === 0 ? '' : JSON.stringify(privatePush(id, topic, now, data));
        frames.set(topic, text);
      }
      return text;
    };
    for (const s of sessions) {
      for (const topic of [...topicsFor(family, 'linear'), `${family}.inverse`]) {
        if (!s.subscriptions.has(topic)) continue;
        const text = frameFor(topic);
        if (text !== '') s.sendRaw(text);
      }
    }
  }

  private mustInstrument(name: string): PortInstrument {
    const inst = this.state.engine.instrument(name);
    if (!inst) throw new Error(`bybit sim: unknown instrument ${name}`);
    return inst;
  }

  /** The full ticker record of `symbol` now. */
  private tickerNow(symbol: string, now: number): JsonObject | undefined {
    const inst = this.state.engine.instrument(symbol);
    if (!inst) return undefined;
    return tickerRecord(this.state.engine.ticker(symbol, now), inst, nextFunding(now), 'ZeroPlusTick');
  }

  /** Sends the `snapshot` of a ticker topic and remembers it as the base of later deltas. */
  sendTickerSnapshot(session: WsSession, topic: string, now: number): void {
    const symbol = tickerSymbol(topic);
    const record = symbol !== undefined ? this.tickerNow(symbol, now) : undefined;
    if (!record) return;
    session.subscriptions.set(topic, record);
    this.cs += 1;
    session.send({ topic, type: 'snapshot', data: record, cs: this.cs, ts: now });
  }

  /** Every 100 ms: a `delta` with the changed fields for each ticker subscription whose values moved. */
  tickPeriodic(now: number): void {
    const cache = new Map<string, JsonObject | undefined>();
    for (const s of this.state.sessions.values()) {
      if (!isPublic(s.kind) || !s.isOpen) continue;
      for (const [topic, last] of s.subscriptions) {
        const symbol = tickerSymbol(topic);
        if (symbol === undefined) continue;
        if (!cache.has(symbol)) cache.set(symbol, this.tickerNow(symbol, now));
        const fresh = cache.get(symbol);
        if (!fresh) continue;
        // tickDirection follows the last price: kept while it does not move.
        const current: JsonObject = { ...fresh, tickDirection: last.tickDirection ?? fresh.tickDirection ?? 'ZeroPlusTick' };
        if (fresh.lastPrice !== last.lastPrice && last.lastPrice !== undefined)
          current.tickDirection = Number(fresh.lastPrice) > Number(last.lastPrice) ? 'PlusTick' : 'MinusTick';
        const changed: JsonObject = {};
        for (const [k, v] of Object.entries(current)) if (last[k] !== v) changed[k] = v;
        if (Object.keys(changed).length === 0) continue;
        s.subscriptions.set(topic, current);
        this.cs += 1;
        s.send({ topic, type: 'delta', data: { symbol, ...changed }, cs: this.cs, ts: now });
      }
    }
  }
}

/** Consecutive runs of rows in which no orderId appears twice. */
function splitOnRepeat<T extends { row: JsonObject }>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let ids = new Set<unknown>();
  for (const r of rows) {
    if (ids.has(r.row.orderId)) {
      out.push(current);
      current = [];
      ids = new Set();
    }
    current.push(r);
    ids.add(r.row.orderId);
  }
  if (current.length > 0) out.push(current);
  return out;
}
