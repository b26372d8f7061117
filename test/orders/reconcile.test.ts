/** Pure reconciliation: store vs venue snapshot → corrections; foreign orders are never in one. */
import { describe, expect, it } from 'vitest';

import { clientIdFor } from '../../src/domain/client-ids.js';
import { Decimal } from '../../src/domain/decimal.js';
import type { OrderSnapshot } from '../../src/domain/order.js';
import type { LegRecord, TradeRecord } from '../../src/domain/trade.js';
import { openQuantity, reconcile } from '../../src/orders/reconcile.js';

const T = 'aaaaaaaaaaaaaaaa';
const trade: TradeRecord = {
  id: T,
  venue: 'v',
  symbol: 'BTC-PERPETUAL',
  side: 'buy',
  size: Decimal.from(1000),
  entryType: 'market',
  stopPrice: Decimal.from(59000),
  takeProfitPrice: Decimal.from(61000),
  state: 'open',
  source: 't',
  filledSize: Decimal.from(1000),
  createdAtMs: 0,
  updatedAtMs: 0,
};
function leg(kind: LegRecord['kind'], state: LegRecord['state'], size = 1000, filled = 0, seq = 1): LegRecord {
  return {
    tradeId: T,
    kind,
    clientId: clientIdFor(T, kind, seq),
    venueOrderId: `${kind}-${seq}`,
    state,
    side: kind === 'entry' ? 'buy' : 'sell',
    type: 'stop_market',
    size: Decimal.from(size),
    filledSize: Decimal.from(filled),
    createdAtMs: 0,
    updatedAtMs: 0,
  };
}
function order(l: LegRecord, status: OrderSnapshot['status'] = 'untriggered', size = 1000): OrderSnapshot {
  return {
    venue: 'v',
    venueOrderId: l.venueOrderId ?? 'x',
    clientId: l.clientId,
    symbol: 'BTC-PERPETUAL',
    side: l.side,
    type: 'stop_market',
    status,
    size: Decimal.from(size),
    filledSize: Decimal.ZERO,
    reduceOnly: true,
    updatedAtMs: 0,
  };
}
const position = (size: number) => ({
  venue: 'v',
  symbol: 'BTC-PERPETUAL',
  size: Decimal.from(size),
  avgPrice: Decimal.from(60000),
  updatedAtMs: 0,
});
const foreign: OrderSnapshot = {
  venue: 'v',
  venueOrderId: 'op-1',
  clientId: 'my-own',
  symbol: 'BTC-PERPETUAL',
  side: 'sell',
  type: 'limit',
  status: 'open',
  size: Decimal.from(10),
  filledSize: Decimal.ZERO,
  reduceOnly: false,
  updatedAtMs: 0,
};

describe('reconcile', () => {
  const entry = leg('entry', 'filled', 1000, 1000);
  const sl = leg('stop_loss', 'untriggered');
  const tp = leg('take_profit', 'untriggered');

  it('finds nothing to do when store and venue agree, and never touches foreign orders', () => {
    const r = reconcile(
      [{ trade, legs: [entry, sl, tp] }],
      { venue: 'v', positions: [position(1000)], openOrders: [order(sl), order(tp), foreign] },
      'vd1',
    );
    expect(r.corrections).toEqual([]);
    expect(r.foreignOrders).toBe(1);
  });

  it('never skips an open trade whose exits filled its whole entry: it is settled from its own legs, whatever the venue position', () => {
    const close = leg('close', 'filled', 1000, 1000);
    // the account still holds 500 (an operator's position, or other trades' fills in flight)
    const r = reconcile(
      [{ trade, legs: [entry, { ...sl, state: 'cancelled' }, { ...tp, state: 'cancelled' }, close] }],
      { venue: 'v', positions: [position(500)], openOrders: [] },
      'vd1',
    );
    expect(r.corrections).toEqual([expect.objectContaining({ kind: 'settle_exited', tradeId: T })]);
    // a live entry may still fill: not settled
    const working = reconcile(
      [{ trade, legs: [{ ...entry, state: 'partially_filled' }, close] }],
      { venue: 'v', positions: [position(0)], openOrders: [order({ ...entry, state: 'partially_filled' }, 'partially_filled')] },
      'vd1',
    );
    expect(working.corrections.map((c) => c.kind)).not.toContain('settle_exited');
    // a trade being closed is left to its close (or resume_close)
    const closing = reconcile(
      [{ trade: { ...trade, state: 'closing' }, legs: [entry, close] }],
      { venue: 'v', positions: [], openOrders: [] },
      'vd1',
    );
    expect(closing.corrections.map((c) => c.kind)).toEqual(['resume_close']);
  });

  it('asks for a missing stop, and for an undersized one', () => {
    const missing = reconcile(
      [{ trade, legs: [entry, { ...sl, state: 'cancelled' }, tp] }],
      { venue: 'v', positions: [position(1000)], openOrders: [order(tp)] },
      'vd1',
    );
    expect(missing.corrections).toEqual([expect.objectContaining({ kind: 'ensure_stop', reason: 'missing' })]);
    const under = reconcile(
      [{ trade, legs: [entry, { ...sl, size: Decimal.from(300) }, tp] }],
      { venue: 'v', positions: [position(1000)], openOrders: [order({ ...sl, size: Decimal.from(300) }, 'untriggered', 300), order(tp)] },
      'vd1',
    );
    expect(under.corrections).toEqual([expect.objectContaining({ kind: 'ensure_stop', reason: 'undersized' })]);
  });

  it('settles live legs missing from the venue first, then books a flat position as gone', () => {
    const first = reconcile([{ trade, legs: [entry, sl, tp] }], { venue: 'v', positions: [], openOrders: [order(tp)] }, 'vd1');
    expect(first.corrections.map((c) => c.kind)).toEqual(['refresh_leg']);
    const second = reconcile(
      [{ trade, legs: [entry, { ...sl, state: 'cancelled' }, tp] }],
      { venue: 'v', positions: [], openOrders: [order(tp)] },
      'vd1',
    );
    expect(second.corrections.map((c) => c.kind)).toEqual(['position_gone']);
  });

  it('cancels our orders that belong to closed trades or to no trade at all', () => {
    const closed = { ...trade, state: 'closed' as const };
    const stray = {
      ...order(leg('stop_loss', 'untriggered')),
      clientId: clientIdFor('bbbbbbbbbbbbbbbb', 'stop_loss'),
      venueOrderId: 'stray',
    };
    const r = reconcile(
      [{ trade: closed, legs: [entry, sl, tp] }],
      { venue: 'v', positions: [], openOrders: [order(tp), stray, foreign] },
      'vd1',
    );
    expect(r.corrections.map((c) => (c.kind === 'cancel_orphan' ? c.order.venueOrderId : c.kind))).toEqual(['take_profit-1', 'stray']);
  });

  it('reports a position that differs from the trades without guessing', () => {
    const r = reconcile(
      [{ trade, legs: [entry, sl, tp] }],
      { venue: 'v', positions: [position(600)], openOrders: [order(sl), order(tp)] },
      'vd1',
    );
    expect(r.corrections).toEqual([expect.objectContaining({ kind: 'position_mismatch' })]);
  });

  it('computes the open quantity from the entry and every exit leg', () => {
    expect(openQuantity(trade, [entry, { ...sl, filledSize: Decimal.from(400) }]).toString()).toBe('600');
    expect(
      openQuantity(trade, [entry, { ...sl, filledSize: Decimal.from(1000) }, { ...tp, filledSize: Decimal.from(10) }]).toString(),
    ).toBe('0');
  });
});
