/**
 * Pushes engine events to subscribed connections. `raw` user and trades channels are sent at once
 * (so a user.orders notification can arrive before the private/buy response, as on the venue);
 * `100ms`/`agg2` channels are buffered and sent as arrays on the flush tick; tickers, quotes, books,
 * the price index and portfolios are sent on the flush tick when they changed.
 */
import { Decimal } from '../../domain/decimal.js';
import type { BookLevel, Currency, EngineEvent, SimOrder, SimPosition, SimPublicTrade, SimTrade } from '../engine/types.js';
import { type BookGroup, bookGroupStep, scopeMatches } from './channels.js';
import type { SimState } from './context.js';
import { subscriptionFrame } from './rpc.js';
import type { ChangesBuffer, SentBook, Subscription, WsSession } from './session.js';
import { orderToWire, positionToWire, publicTradeToWire, summaryToWire, tickerToWire, tradeToWire } from './wire.js';

/** agg2 = server-chosen aggregation, about one message per second. */
const AGG2_MS = 1000;
/** Levels per side on `book.{instrument}.{interval}` (the venue sends its whole book; the synthetic one is cut here). */
export const FULL_BOOK_DEPTH = 50;
/** Most synthetic levels read to build one grouped side. */
const MAX_GROUPED_SOURCE_LEVELS = 2000;

type Side = 'bids' | 'asks';

/** A user fill as the public tape shows it: the taker's side, no account fields. */
function fillAsPublic(t: SimTrade): SimPublicTrade {
  const taker = t.liquidity === 'M' ? (t.direction === 'buy' ? 'sell' : 'buy') : t.direction;
  return {
    tradeId: t.tradeId,
    tradeSeq: t.tradeSeq,
    instrumentName: t.instrumentName,
    currency: t.currency,
    kind: t.kind,
    direction: taker,
    amount: t.amount,
    price: t.price,
    indexPrice: t.indexPrice,
    markPrice: t.markPrice,
    timestamp: t.timestamp,
    tickDirection: t.tickDirection,
    ...(t.iv !== undefined ? { iv: t.iv } : {}),
  };
}

/** Levels summed into price groups: bids rounded down, asks up (both best first). */
function groupLevels(levels: readonly BookLevel[], side: Side, step: number, depth: number): BookLevel[] {
  const out: BookLevel[] = [];
  const stepText = String(step);
  for (const l of levels) {
    const price = l.price.roundToStep(stepText, side === 'bids' ? 'floor' : 'ceil');
    const last = out.at(-1);
    if (last && last.price.eq(price)) last.amount = last.amount.plus(l.amount);
    else {
      if (out.length === depth) break;
      out.push({ price, amount: l.amount });
    }
  }
  return out;
}

function sideMap(levels: readonly BookLevel[]): Map<string, number> {
  return new Map(levels.map((l) => [l.price.toString(), l.amount.toNumber()]));
}

/** [action, price, amount] entries that turn `before` into `after`, best first. */
function diffSide(before: Map<string, number>, after: Map<string, number>, side: Side): [string, number, number][] {
  const out: [string, number, number][] = [];
  for (const [price, amount] of after) {
    const old = before.get(price);
    if (old === undefined) out.push(['new', Number(price), amount]);
    else if (old !== amount) out.push(['change', Number(price), amount]);
  }
  for (const price of before.keys()) if (!after.has(price)) out.push(['delete', Number(price), 0]);
  return out.sort((a, b) => (side === 'bids' ? b[1] - a[1] : a[1] - b[1]));
}

export class Publisher {
  constructor(private readonly state: SimState) {}

  /** Engine listener: routes one batch of events to every open connection's subscriptions. */
  onEngineEvents(events: readonly EngineEvent[]): void {
    const orders: SimOrder[] = [];
    const trades: SimTrade[] = [];
    const positions: SimPosition[] = [];
    const portfolios = new Set<Currency>();
    const tape: SimPublicTrade[] = [];
    for (const e of events) {
      if (e.type === 'order') orders.push(e.order);
      else if (e.type === 'trade') {
        trades.push(e.trade);
        tape.push(fillAsPublic(e.trade));
      } else if (e.type === 'public_trade') tape.push(e.trade);
      else if (e.type === 'position') positions.push(e.position);
      else if (e.type === 'portfolio' && e.currency !== 'USDT') portfolios.add(e.currency);
    }
    if (orders.length + trades.length + positions.length + portfolios.size + tape.length === 0) return;
    for (const session of this.state.sessions.values()) {
      if (!session.isOpen) continue;
      for (const sub of session.subscriptions.values()) this.route(session, sub, orders, trades, positions, portfolios, tape);
    }
  }

  private route(
    session: WsSession,
    sub: Subscription,
    orders: SimOrder[],
    trades: SimTrade[],
    positions: SimPosition[],
    portfolios: Set<Currency>,
    tape: SimPublicTrade[],
  ): void {
    const spec = sub.spec;
    const engine = this.state.engine;
    const inScope = (name: string): boolean => {
      if (!('scope' in spec)) return false;
      const inst = engine.instrument(name);
      return inst !== undefined && scopeMatches(spec.scope, inst);
    };
    switch (spec.kind) {
      case 'trades': {
        const seen = tape.filter((t) => inScope(t.instrumentName)).map((t) => publicTradeToWire(t, engine.instrument(t.instrumentName)));
        if (seen.length === 0) return;
        if (spec.interval === 'raw') session.send(subscriptionFrame(sub.name, seen));
        else this.buffer(session, sub.name, seen);
        return;
      }
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
        for (const o of orders)
          if (inScope(o.instrumentName)) slot(o.instrumentName).orders.push(orderToWire(o, engine.instrument(o.instrumentName)));
        for (const t of trades)
          if (inScope(t.instrumentName)) slot(t.instrumentName).trades.push(tradeToWire(t, engine.instrument(t.instrumentName)));
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
    // Raw trades went out as they printed.
    if (sub.spec.kind === 'trades' && sub.spec.interval === 'raw') return;
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
          session.send(
            subscriptionFrame(sub.name, { index_name: spec.indexName, price: price.toNumber(), timestamp: this.state.clock.now() }),
          );
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
      case 'quote': {
        const inst = engine.instrument(spec.instrument);
        if (!inst) break;
        const t = engine.ticker(spec.instrument, now);
        const quote = {
          timestamp: now,
          instrument_name: spec.instrument,
          best_bid_price: t.bestBidPrice?.toNumber() ?? null,
          best_bid_amount: t.bestBidAmount.toNumber(),
          best_ask_price: t.bestAskPrice?.toNumber() ?? null,
          best_ask_amount: t.bestAskAmount.toNumber(),
        };
        const key = JSON.stringify([quote.best_bid_price, quote.best_bid_amount, quote.best_ask_price, quote.best_ask_amount]);
        if (session.quoteSent.get(sub.name) !== key) {
          session.quoteSent.set(sub.name, key);
          session.send(subscriptionFrame(sub.name, quote));
          sent = true;
        }
        break;
      }
      case 'book':
        sent = this.flushBook(session, sub.name, spec.instrument, now);
        break;
      case 'book.grouped':
        sent = this.flushGroupedBook(session, sub.name, spec.instrument, spec.group, spec.depth, now);
        break;
      case 'trades':
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

  /**
   * `book.{instrument}.{interval}`: a snapshot first, then `change` messages with the levels that
   * changed (`new`/`change`/`delete`), each with `prev_change_id` = the change_id sent before it.
   */
  private flushBook(session: WsSession, channel: string, instrument: string, now: number): boolean {
    const engine = this.state.engine;
    const changeId = engine.bookChangeId(instrument);
    const last = session.books.get(channel);
    if (last && last.changeId === changeId) return false;
    const book = engine.book(instrument, FULL_BOOK_DEPTH);
    const next: SentBook = { changeId, bids: sideMap(book.bids), asks: sideMap(book.asks) };
    if (!last) {
      session.books.set(channel, next);
      session.send(
        subscriptionFrame(channel, {
          type: 'snapshot',
          timestamp: now,
          instrument_name: instrument,
          change_id: changeId,
          bids: book.bids.map((l) => ['new', l.price.toNumber(), l.amount.toNumber()]),
          asks: book.asks.map((l) => ['new', l.price.toNumber(), l.amount.toNumber()]),
        }),
      );
      return true;
    }
    const bids = diffSide(last.bids, next.bids, 'bids');
    const asks = diffSide(last.asks, next.asks, 'asks');
    if (bids.length + asks.length === 0) return false;
    session.books.set(channel, next);
    session.send(
      subscriptionFrame(channel, {
        type: 'change',
        timestamp: now,
        prev_change_id: last.changeId,
        instrument_name: instrument,
        change_id: changeId,
        bids,
        asks,
      }),
    );
    return true;
  }

  /** `book.{instrument}.{group}.{depth}.{interval}`: the whole top-N, grouped, whenever it changed. */
  private flushGroupedBook(session: WsSession, channel: string, instrument: string, group: BookGroup, depth: number, now: number): boolean {
    const engine = this.state.engine;
    const inst = engine.instrument(instrument);
    if (!inst) return false;
    const changeId = engine.bookChangeId(instrument);
    const last = session.books.get(channel);
    if (last && last.changeId === changeId) return false;
    const step = bookGroupStep(inst.currency, group);
    let bids: BookLevel[];
    let asks: BookLevel[];
    if (step === undefined || step <= 0) {
      ({ bids, asks } = engine.book(instrument, depth));
    } else {
      const perGroup = Math.max(1, Math.ceil(step / inst.tickSize.toNumber()));
      const raw = engine.book(instrument, Math.min(depth * perGroup + perGroup, MAX_GROUPED_SOURCE_LEVELS));
      bids = groupLevels(raw.bids, 'bids', step, depth).filter((l) => l.price.gt(Decimal.ZERO));
      asks = groupLevels(raw.asks, 'asks', step, depth);
    }
    const next: SentBook = { changeId, bids: sideMap(bids), asks: sideMap(asks) };
    const same = last !== undefined && JSON.stringify([...last.bids, ...last.asks]) === JSON.stringify([...next.bids, ...next.asks]);
    session.books.set(channel, next);
    if (same) return false;
    session.send(
      subscriptionFrame(channel, {
        timestamp: now,
        instrument_name: instrument,
        change_id: changeId,
        bids: bids.map((l) => [l.price.toNumber(), l.amount.toNumber()]),
        asks: asks.map((l) => [l.price.toNumber(), l.amount.toNumber()]),
      }),
    );
    return true;
  }
}
