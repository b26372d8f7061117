/**
 * Turns engine-port events into OKX channel pushes on every subscribed session (okx.md §5):
 * tickers, mark-price, orders (no snapshot), positions (snapshot then event_update),
 * balance_and_position (snapshot then `filled` updates) and orders-algo (no snapshot).
 * Events are handled one microtask later, so order metadata stored right after a place call is seen.
 */
import { matchesInstrument, type Subscription } from './channels.js';
import { posIdOf, type SimState } from './context.js';
import type { PortAlgo, PortEvent, PortFill, PortOrder, PortPosition } from './engine-port.js';
import { failCodeOf, metaOfAlgo, metaOfOrder } from './orders-meta.js';
import type { WsSession } from './session.js';
import {
  algoRecordPush,
  type Json,
  type JsonObject,
  markRecord,
  num,
  orderRecordPush,
  positionRecord,
  pushFrame,
  tickerRecordFor,
} from './wire.js';

export class Publisher {
  constructor(private readonly state: SimState) {}

  onEngineEvents(events: readonly PortEvent[]): void {
    queueMicrotask(() => this.publish(events));
  }

  private sessionsWith(channel: Subscription['channel']): { session: WsSession; sub: Subscription }[] {
    const out: { session: WsSession; sub: Subscription }[] = [];
    for (const session of this.state.sessions.values()) {
      if (!session.isOpen) continue;
      for (const sub of session.subscriptions.values()) if (sub.channel === channel) out.push({ session, sub });
    }
    return out;
  }

  private argOf(sub: Subscription): JsonObject {
    return sub.channel === 'tickers' || sub.channel === 'mark-price' ? sub.arg : { ...sub.arg, uid: this.state.config.uid };
  }

  publish(events: readonly PortEvent[]): void {
    const tickers = new Set<string>();
    const marks = new Set<string>();
    const fillsByOrder = new Map<string, PortFill>();
    const tradesInBatch: PortFill[] = [];
    const positions = new Map<string, PortPosition>();
    let balanceChanged = false;
    const now = this.state.clock.now();
    for (const ev of events) {
      switch (ev.type) {
        case 'ticker':
          tickers.add(ev.instrument);
          break;
        case 'mark':
          marks.add(ev.instrument);
          break;
        case 'fill':
          fillsByOrder.set(ev.fill.orderId, ev.fill);
          tradesInBatch.push(ev.fill);
          break;
        case 'order': {
          const fill = fillsByOrder.get(ev.order.orderId);
          fillsByOrder.delete(ev.order.orderId);
          this.pushOrder(ev.order, fill);
          break;
        }
        case 'algo':
          this.pushAlgo(ev.algo);
          break;
        case 'position':
          positions.set(ev.position.instrument, ev.position);
          break;
        case 'balance':
          balanceChanged = true;
          break;
      }
    }
    for (const name of tickers) this.pushTicker(name, now);
    for (const name of marks) this.pushMark(name, now);
    for (const p of positions.values()) this.pushPosition(p, now);
    if (balanceChanged || positions.size > 0) this.pushBalanceAndPosition([...positions.values()], tradesInBatch, now);
  }

  pushTicker(name: string, now: number, only?: WsSession): void {
    const inst = this.state.engine.instrument(name);
    if (!inst) return;
    const data = tickerRecordFor(this.state.engine.ticker(name, now), inst);
    for (const { session, sub } of this.sessionsWith('tickers')) {
      if (sub.instId !== name || (only && session !== only)) continue;
      session.send(pushFrame(this.argOf(sub), [data]));
    }
  }

  pushMark(name: string, now: number, only?: WsSession): void {
    if (!this.state.engine.instrument(name)) return;
    const data = markRecord(this.state.engine.ticker(name, now));
    for (const { session, sub } of this.sessionsWith('mark-price')) {
      if (sub.instId !== name || (only && session !== only)) continue;
      session.snapshotAt.set(sub.key, now);
      session.send(pushFrame(this.argOf(sub), [data]));
    }
  }

  private pushOrder(order: PortOrder, fill: PortFill | undefined): void {
    // An amend is answered by the first push after it, whoever listens.
    const reqId = this.state.pendingAmends.get(order.orderId);
    this.state.pendingAmends.delete(order.orderId);
    const inst = this.state.engine.instrument(order.instrument);
    if (!inst) return;
    const subs = this.sessionsWith('orders').filter(({ sub }) => matchesInstrument(sub, order.instrument));
    if (subs.length === 0) return;
    const meta = metaOfOrder(this.state, order);
    const mark = this.state.engine.ticker(order.instrument, this.state.clock.now()).mark;
    const amend = reqId === undefined ? undefined : { reqId, amendResult: '0' as const };
    const data = orderRecordPush(order, meta, inst, this.state.engine.leverage(order.instrument), fill, mark, amend);
    for (const { session, sub } of subs) session.send(pushFrame(this.argOf(sub), [data]));
  }

  private pushAlgo(algo: PortAlgo): void {
    const inst = this.state.engine.instrument(algo.instrument);
    if (!inst) return;
    const subs = this.sessionsWith('orders-algo').filter(({ sub }) => matchesInstrument(sub, algo.instrument));
    if (subs.length === 0) return;
    const meta = metaOfAlgo(this.state, algo.algoId);
    const last =
      this.state.engine.ticker(algo.instrument, this.state.clock.now()).last ??
      this.state.engine.ticker(algo.instrument, this.state.clock.now()).mark;
    const data = algoRecordPush(algo, meta, inst, this.state.engine.leverage(algo.instrument), last, failCodeOf(algo));
    for (const { session, sub } of subs) session.send(pushFrame(this.argOf(sub), [data]));
  }

  private positionData(p: PortPosition, now: number): JsonObject | undefined {
    const inst = this.state.engine.instrument(p.instrument);
    return inst ? positionRecord(p, inst, posIdOf(this.state, p.instrument), 'push', now) : undefined;
  }

  private pushPosition(p: PortPosition, now: number): void {
    const data = this.positionData(p, now);
    if (!data) return;
    for (const { session, sub } of this.sessionsWith('positions')) {
      if (!matchesInstrument(sub, p.instrument)) continue;
      session.send(pushFrame(this.argOf(sub), [data], { eventType: 'event_update', curPage: 1, lastPage: true }));
    }
  }

  /**
   * Periodic pushes: the unchanged mark every 10 s, and `positions` snapshots every `updateInterval` ms from the arg's `extraParams`
   * ("2000"/"3000"/"4000"; "0" = events only), about 5 s when omitted (okx.md §5); times scaled.
   */
  tickPeriodic(now: number): void {
    for (const session of this.state.sessions.values()) {
      if (!session.isOpen) continue;
      for (const sub of session.subscriptions.values()) {
        // mark-price: pushed on change, else every 10 s (okx.md §5).
        if (
          sub.channel === 'mark-price' &&
          sub.instId !== undefined &&
          now - (session.snapshotAt.get(sub.key) ?? now) >= 10_000 * this.state.config.timeScale
        ) {
          this.pushMark(sub.instId, now, session);
          continue;
        }
        if (sub.channel !== 'positions') continue;
        const period = positionsInterval(sub) * this.state.config.timeScale;
        if (period <= 0) continue;
        const last = session.snapshotAt.get(sub.key) ?? now;
        if (!session.snapshotAt.has(sub.key)) session.snapshotAt.set(sub.key, now);
        if (now - last >= period) this.sendPositionsSnapshot(session, sub, now);
      }
    }
  }

  /** The snapshot sent right after a `positions` subscription (and periodically): non-zero positions only. */
  sendPositionsSnapshot(session: WsSession, sub: Subscription, now: number): void {
    session.snapshotAt.set(sub.key, now);
    const data: Json[] = [];
    for (const p of this.state.engine.positions()) {
      if (p.size.isZero() || !matchesInstrument(sub, p.instrument)) continue;
      const rec = this.positionData(p, now);
      if (rec) data.push(rec);
    }
    session.send(pushFrame(this.argOf(sub), data, { eventType: 'snapshot', curPage: 1, lastPage: true }));
  }

  private posData(p: PortPosition): JsonObject {
    return {
      posId: posIdOf(this.state, p.instrument),
      tradeId: p.lastTradeId,
      instId: p.instrument,
      instType: 'SWAP',
      mgnMode: 'cross',
      posSide: 'net',
      pos: num(p.size),
      ccy: 'USDT',
      posCcy: '',
      avgPx: p.size.isZero() ? '' : num(p.averagePrice),
      nonSettleAvgPx: '',
      settledPnl: '',
      uTime: String(p.updatedAt),
    };
  }

  private balData(now: number): JsonObject {
    const b = this.state.engine.balance(now);
    return { ccy: b.currency, cashBal: num(b.cash), uTime: String(b.updatedAt) };
  }

  /** The snapshot sent right after a `balance_and_position` subscription. */
  sendBalanceAndPositionSnapshot(session: WsSession, sub: Subscription, now: number): void {
    const posData = this.state.engine
      .positions()
      .filter((p) => !p.size.isZero())
      .map((p) => this.posData(p));
    session.send(
      pushFrame(this.argOf(sub), [{ pTime: String(now), eventType: 'snapshot', balData: [this.balData(now)], posData, trades: [] }]),
    );
  }

  private pushBalanceAndPosition(changed: PortPosition[], trades: PortFill[], now: number): void {
    const subs = this.sessionsWith('balance_and_position');
    if (subs.length === 0) return;
    const data: JsonObject = {
      pTime: String(now),
      eventType: trades.length > 0 ? 'filled' : 'snapshot',
      balData: [this.balData(now)],
      posData: changed.map((p) => this.posData(p)),
      trades: trades.map((t) => ({ instId: t.instrument, tradeId: t.tradeId })),
    };
    for (const { session, sub } of subs) session.send(pushFrame(this.argOf(sub), [data]));
  }
}

/** ms between periodic positions snapshots; 0 = none. */
export function positionsInterval(sub: Subscription): number {
  const raw = sub.arg.extraParams;
  if (typeof raw !== 'string' || raw === '') return 5000;
  try {
    const parsed = JSON.parse(raw) as { updateInterval?: unknown };
    const v = String(parsed.updateInterval ?? '');
    if (v === '0') return 0;
    if (v === '2000' || v === '3000' || v === '4000') return Number(v);
  } catch {
    return 5000;
  }
  return 5000;
}
