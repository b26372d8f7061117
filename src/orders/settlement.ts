/**
 * Pure arithmetic of closing and booking a trade: how much to close against what the venue holds,
 * what the daemon's other trades hold, which venue fills belong to the trade (and which foreign
 * fills closed it by hand), and the executions its P&L is computed from.
 */
import { parseClientId } from '../domain/client-ids.js';
import { Decimal } from '../domain/decimal.js';
import { type Instrument, roundSize } from '../domain/instrument.js';
import type { Side } from '../domain/order.js';
import type { Fill } from '../domain/position.js';
import type { FillRecord, LegRecord, TradeRecord } from '../domain/trade.js';
import type { Execution } from './pnl.js';
import { isActiveTrade, type LocalTrade, openQuantity } from './reconcile.js';

/**
 * Size of the reduce-only close: the trade's open quantity, bounded by the venue's signed position
 * on the trade's side (nothing when the venue holds the other side or nothing), rounded to the lot.
 */
export function closeQuantity(side: Side, openQty: Decimal, venuePosition: Decimal, instrument: Instrument | undefined): Decimal {
  const sameSide = side === 'buy' ? venuePosition.isPositive() : venuePosition.isNegative();
  let closeQty = sameSide ? Decimal.min(openQty, venuePosition.abs()) : Decimal.ZERO;
  if (instrument) closeQty = roundSize(instrument, closeQty);
  return closeQty;
}

/** Signed open quantity (negative = short) of the given trades together. */
export function netOpenQuantity(trades: readonly LocalTrade[]): Decimal {
  let net = Decimal.ZERO;
  for (const { trade, legs } of trades) {
    const q = openQuantity(trade, legs);
    net = net.plus(trade.side === 'buy' ? q : q.neg());
  }
  return net;
}

/** The trade's entry as one execution at its average price (when nothing better is known). */
export function entryExecutions(trade: TradeRecord): Execution[] {
  return trade.avgEntryPrice !== undefined && trade.filledSize.isPositive() ? [{ size: trade.filledSize, price: trade.avgEntryPrice }] : [];
}

/** Entry and exit executions from the trade's filled legs, with fees from its recorded fills. */
export function legExecutions(legs: readonly LegRecord[], fills: readonly FillRecord[]): { entries: Execution[]; exits: Execution[] } {
  const feeOf = (clientId: string): { fee: Decimal; feeCurrency?: string } => {
    let fee = Decimal.ZERO;
    let feeCurrency: string | undefined;
    for (const f of fills) {
      if (f.clientId !== clientId) continue;
      fee = fee.plus(f.fee);
      feeCurrency = f.feeCurrency;
    }
    return { fee, ...(feeCurrency !== undefined ? { feeCurrency } : {}) };
  };
  const entries: Execution[] = [];
  const exits: Execution[] = [];
  for (const leg of legs) {
    if (!leg.filledSize.isPositive() || leg.avgFillPrice === undefined) continue;
    const ex: Execution = { size: leg.filledSize, price: leg.avgFillPrice, ...feeOf(leg.clientId) };
    if (leg.kind === 'entry') entries.push(ex);
    else exits.push(ex);
  }
  return { entries, exits };
}

/** The venue's fills since a trade started, sorted by whom they belong to. */
export interface AttributedFills {
  /** Fills of the trade's own legs, in venue order. */
  readonly ours: readonly Fill[];
  readonly entries: readonly Execution[];
  readonly exits: readonly Execution[];
  /** Size the trade's exit legs filled. */
  readonly exitQty: Decimal;
  /** Opposite-side fills without the daemon's prefix: candidates for a close by hand. */
  readonly foreign: readonly Fill[];
  /** Time of the trade's last entry fill (its creation when none). */
  readonly lastEntryTs: number;
}

export function attributeFills(trade: TradeRecord, legs: readonly LegRecord[], fills: readonly Fill[], prefix: string): AttributedFills {
  const byClient = new Map(legs.map((l) => [l.clientId, l]));
  const byVenueId = new Map(legs.filter((l) => l.venueOrderId !== undefined).map((l) => [l.venueOrderId as string, l]));
  const ours: Fill[] = [];
  const entries: Execution[] = [];
  const exits: Execution[] = [];
  let exitQty = Decimal.ZERO;
  const foreign: Fill[] = [];
  for (const f of fills) {
    const leg = (f.clientId !== undefined ? byClient.get(f.clientId) : undefined) ?? byVenueId.get(f.venueOrderId);
    if (!leg) {
      if (f.side !== trade.side && parseClientId(f.clientId, prefix) === undefined) foreign.push(f);
      continue;
    }
    ours.push(f);
    const ex: Execution = { size: f.size, price: f.price, fee: f.fee, feeCurrency: f.feeCurrency };
    if (leg.kind === 'entry') entries.push(ex);
    else {
      exits.push(ex);
      exitQty = exitQty.plus(f.size);
    }
  }
  const lastEntryTs = Math.max(
    trade.createdAtMs,
    ...fills.filter((f) => byClient.get(f.clientId ?? '')?.kind === 'entry').map((f) => f.tsMs),
  );
  return { ours, entries, exits, exitQty, foreign, lastEntryTs };
}

/**
 * Foreign fills after the last entry fill that closed what the daemon's exits did not: each
 * counts up to the size still open (`filledSize` minus `exitQty` and earlier outside exits).
 */
export function outsideExits(
  foreign: readonly Fill[],
  filledSize: Decimal,
  exitQty: Decimal,
  lastEntryTs: number,
): { exits: { readonly fill: Fill; readonly size: Decimal }[]; outsideQty: Decimal } {
  let outsideQty = Decimal.ZERO;
  const exits: { fill: Fill; size: Decimal }[] = [];
  for (const f of foreign) {
    const remaining = filledSize.minus(exitQty).minus(outsideQty);
    if (!remaining.isPositive()) break;
    if (f.tsMs < lastEntryTs) continue;
    const size = Decimal.min(remaining, f.size);
    exits.push({ fill: f, size });
    outsideQty = outsideQty.plus(size);
  }
  return { exits, outsideQty };
}

/**
 * An active trade of the daemon on the same venue and instrument as `trade`, on the other side (the
 * first one), or undefined. On a venue that nets positions such a pair cancels out in the venue's
 * one net position: what the venue holds then says nothing about either trade alone.
 */
export function oppositeActiveTrade(
  trade: { readonly id?: string; readonly venue: string; readonly symbol: string; readonly side: Side },
  active: readonly TradeRecord[],
): TradeRecord | undefined {
  return active.find(
    (t) => t.id !== trade.id && t.venue === trade.venue && t.symbol === trade.symbol && t.side !== trade.side && isActiveTrade(t.state),
  );
}
