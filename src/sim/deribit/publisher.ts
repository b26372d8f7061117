/**
 * Pushes engine events to subscribed connections. `raw` user channels are sent at once (so a
 * user.orders notification can arrive before the private/buy response, as on the venue);
 * `100ms`/`agg2` channels are buffered and sent as arrays on the flush tick; tickers, the price
 * index and portfolios are sent on the flush tick when they changed.
 */
import type { Currency, EngineEvent, SimOrder, SimPosition, SimTrade } from '../engine/types.js';
import { scopeMatches } from './channels.js';
import type { SimState } from './context.js';
import { subscriptionFrame } from './rpc.js';
import type { ChangesBuffer, Subscription, WsSession } from './session.js';
import { orderToWire, positionToWire, summaryToWire, tickerToWire, tradeToWire } from './wire.js';

/** agg2 = server-chosen aggregation, about one message per second. */
const AGG2_MS = 1000;

export class Publisher {
  constructor(private readonly state: SimState) {}

  /** Engine listener: routes one batch of events to every open connection's subscriptions. */
  onEngineEvents(events: readonly EngineEvent[]): void {
    const orders: SimOrder[] = [];
    const trades: SimTrade[] = [];
    const positions: SimPosition[] = [];
    const portfolios = new Set<Currency>();
    for (const e of events) {
      if (e.type === 'order') orders.push(e.order);
      else if (e.type === 'trade') trades.push(e.trade);
      else if (e.type === 'position') positions.push(e.position);
      else if (e.type === 'portfolio') portfolios.add(e.currency);
    }
    if (orders.length + trades.length + positions.length + portfolios.size === 0) return;
    for (const session of this.state.sessions.values()) {
      if (!session.isOpen) continue;
      for (const sub of session.subscriptions.values()) this.route(session, sub, orders, trades, positions, portfolios);
    }
  }

  private route(session: WsSession, sub: Subscription, orders: SimOrder[], trades: SimTrade[], positions: SimPosition[], portfolios: Set<Currency>): void {
    const spec = sub.spec;
    const engine = this.state.engine;
    const inScope = (name: string): boolean => {
      if (!('scope' in spec)) return false;
      const inst = engine.instrument(name);
      return inst !== undefined && scopeMatches(spec.scope, inst);
    };
    switch (spec.kind) {
      case 'user.orders': {
        const mine = orders.filter((o) => inScope(o.instrumentName)).map((o) => orderToWire(o, engine.instrument(o.instrumentName)));
        if (spec.interval === 'raw') for (const o of mine) session.send(subscriptionFrame(sub.name, o, sub.label));
        else this.buffer(session, sub.name, mine);
        return;
      }
      case 'user.trades': {
        const mine = trades.filter((t) => inScope(t.instrumentName)).map((t) => tradeToWire(t, engine.instrument(t.instrumentName)));
        if (mine.length === 0) return;
        if (spec.interval === 'raw') session.send(subscriptionFrame(sub.name, mine, sub.label));
        else this.buffer(session, sub.name, mine);
        return;
      }
      case 'user.changes': {
        const byInstrument = new Map<string, ChangesBuffer>();
        const slot = (name: string): ChangesBuffer => {
          let b = byInstrument.get(name);
          if (!b) {
            b = { orders: [], trades: [], positions: [] };
            byInstrument.set(name, b);
          }
          return b;
        };
        for (const o of orders) if (inScope(o.instrumentName)) slot(o.instrumentName).orders.push(orderToWire(o, engine.instrument(o.instrumentName)));
        for (const t of trades) if (inScope(t.instrumentName)) slot(t.instrumentName).trades.push(tradeToWire(t, engine.instrument(t.instrumentName)));
        for (const p of positions) if (inScope(p.instrumentName)) slot(p.instrumentName).positions.push(positionToWire(p));
        if (spec.interval === 'raw') {
          for (const [name, b] of byInstrument) session.send(subscriptionFrame(sub.name, { instrument_name: name, ...b }, sub.label));
          return;
        }
        let pending = session.changes.get(sub.name);
        if (!pending) {
          pending = new Map();
          session.changes.set(sub.name, pending);
        }
        for (const [name, b] of byInstrument) {
          const acc = pending.get(name) ?? { orders: [], trades: [], positions: [] };
          acc.orders.push(...b.orders);
          acc.trades.push(...b.trades);
          // Only the latest position state matters.
          if (b.positions.length > 0) acc.positions = b.positions.slice(-1);
          pending.set(name, acc);
        }
        return;
      }
      case 'user.portfolio':
        if ([...portfolios].some((c) => spec.currency === 'any' || spec.currency === c)) session.portfolioDirty.add(sub.name);
        return;
      default:
        return;
    }
  }

  private buffer(session: WsSession, channel: string, items: unknown[]): void {
    if (items.length === 0) return;
    const list = session.buffers.get(channel) ?? [];
    list.push(...items);
    session.buffers.set(channel, list);
  }

  /** Flush tick: sends buffered interval data, changed tickers, index prices and portfolios. */
  flush(now: number): void {
    for (const session of this.state.sessions.values()) {
      if (!session.isOpen) continue;
      for (const sub of session.subscriptions.values()) this.flushOne(session, sub, now);
    }
  }

  private due(session: WsSession, sub: Subscription, now: number): boolean {
    const interval = 'interval' in sub.spec ? sub.spec.interval : '100ms';
    if (interval !== 'agg2') return true;
    const last = session.lastFlushAt.get(sub.name);
    return last === undefined || now - last >= AGG2_MS;
  }

  private flushOne(session: WsSession, sub: Subscription, now: number): void {
    if (!this.due(session, sub, now)) return;
    const engine = this.state.engine;
    const spec = sub.spec;
    let sent = false;
    switch (spec.kind) {
      case 'ticker': {
        const version = engine.tickerVersion(spec.instrument);
        if (session.tickerSent.get(sub.name) !== version) {
          session.tickerSent.set(sub.name, version);
          session.send(subscriptionFrame(sub.name, tickerToWire(engine.ticker(spec.instrument, this.state.clock.now()))));
          sent = true;
        }
        break;
      }
      case 'price_index': {
        const price = engine.indexPrice(spec.currency);
        if (session.indexSent.get(sub.name) !== price.toString()) {
          session.indexSent.set(sub.name, price.toString());
          session.send(subscriptionFrame(sub.name, { index_name: spec.indexName, price: price.toNumber(), timestamp: this.state.clock.now() }));
          sent = true;
        }
        break;
      }
      case 'user.portfolio': {
        if (!session.portfolioDirty.delete(sub.name)) break;
        const currencies: Currency[] = spec.currency === 'any' ? ['BTC', 'ETH'] : [spec.currency];
        for (const c of currencies) session.send(subscriptionFrame(sub.name, summaryToWire(engine.accountSummary(c)), sub.label));
        sent = true;
        break;
      }
      case 'user.orders':
      case 'user.trades': {
        const items = session.buffers.get(sub.name);
        if (items && items.length > 0) {
          session.buffers.delete(sub.name);
          session.send(subscriptionFrame(sub.name, items, sub.label));
          sent = true;
        }
        break;
      }
      case 'user.changes': {
        const pending = session.changes.get(sub.name);
        if (pending && pending.size > 0) {
          session.changes.delete(sub.name);
          for (const [name, b] of pending) session.send(subscriptionFrame(sub.name, { instrument_name: name, ...b }, sub.label));
          sent = true;
        }
        break;
      }
    }
    if (sent) session.lastFlushAt.set(sub.name, now);
  }
}
