/** The chaos run's view of the simulated Bybit: reduce-only stop conditional orders as cover, orders and executions as the ledger. */
import { describe, expect, it } from 'vitest';

import { bybitExposures, bybitLedger, type BybitLedgerSource } from '../../src/chaos/bybit-ledger.js';
import { duplicates, lostRecords, orphans } from '../../src/chaos/checks.js';
import { dec } from '../../src/domain/decimal.js';
import type { PortFill, PortOrder, PortPosition } from '../../src/sim/bybit/engine-port.js';

const T1 = 'lq8z3k1m00a1b2c3';
const INST = 'BTCUSDT';

const position = (size: string, extra: Partial<PortPosition> = {}): PortPosition => ({
  instrument: INST,
  size: dec(size),
  averagePrice: dec(60_000),
  mark: dec(60_000),
  value: dec(0),
  unrealizedPnl: dec(0),
  curRealizedPnl: dec(0),
  cumRealizedPnl: dec(0),
  initialMargin: dec(0),
  maintenanceMargin: dec(0),
  leverage: 10,
  liquidationPrice: undefined,
  takeProfit: undefined,
  stopLoss: undefined,
  seq: 1,
  createdAt: 0,
  updatedAt: 0,
  ...extra,
});

/** A sell stop of 0.003 BTC under a long, by default. */
const order = (extra: Partial<PortOrder> = {}): PortOrder => ({
  orderId: 's1',
  instrument: INST,
  side: 'sell',
  type: 'market',
  timeInForce: 'ioc',
  kind: 'conditional',
  qty: dec('0.003'),
  filledQty: dec(0),
  filledValue: dec(0),
  averagePrice: undefined,
  price: undefined,
  trigger: { price: dec(59_000), ref: 'mark', direction: 'falling' },
  triggered: false,
  state: 'untriggered',
  reduceOnly: true,
  closeOnTrigger: true,
  cancelReason: undefined,
  rejectReason: undefined,
  fee: dec(0),
  pnl: dec(0),
  takeProfit: undefined,
  stopLoss: undefined,
  createdAt: 0,
  updatedAt: 0,
  ...extra,
});

const fill = (extra: Partial<PortFill> = {}): PortFill => ({
  execId: 'x1',
  orderId: 'e1',
  instrument: INST,
  side: 'buy',
  qty: dec('0.003'),
  price: dec(60_000),
  value: dec(180),
  fee: dec(0),
  feeRate: dec(0),
  pnl: dec(0),
  closedQty: dec(0),
  isMaker: false,
  mark: dec(60_000),
  index: dec(60_000),
  orderQty: dec('0.003'),
  orderPrice: undefined,
  orderType: 'market',
  orderKind: 'order',
  leavesQty: dec(0),
  seq: 1,
  timestamp: 10_000,
  ...extra,
});

describe('bybitExposures', () => {
  it('counts untriggered reduce-only stops on the closing side that fire away from the position, less what they filled', () => {
    const orders = [
      order({ orderId: 'stop', qty: dec('0.002') }),
      order({ orderId: 'take', trigger: { price: dec(61_000), ref: 'mark', direction: 'rising' }, closeOnTrigger: false }),
      order({ orderId: 'wrong-side', side: 'buy', trigger: { price: dec(61_000), ref: 'mark', direction: 'rising' } }),
      order({ orderId: 'fired', state: 'triggered', triggered: true }),
      order({ orderId: 'not-reduce', reduceOnly: false, closeOnTrigger: false }),
      order({ orderId: 'plain', kind: 'order', trigger: undefined, state: 'open', type: 'limit', price: dec(59_000) }),
      order({ orderId: 'other', instrument: 'ETHUSDT' }),
    ];
    expect(bybitExposures([position('0.003')], orders, () => undefined, 0)).toEqual([
      { key: `bybit:${INST}`, size: 0.003, stopQty: 0.002 },
    ]);
  });

  it('a short is covered by rising buy stops; a whole-position stop (qty 0) or a position stop-loss covers the full size; flat ones are left out', () => {
    const whole = order({ side: 'buy', qty: dec(0), trigger: { price: dec(61_000), ref: 'mark', direction: 'rising' } });
    expect(bybitExposures([position('-0.004'), position('0', { instrument: 'ETHUSDT' })], [whole], () => undefined, 0)).toEqual([
      { key: `bybit:${INST}`, size: 0.004, stopQty: 0.004 },
    ]);
    expect(bybitExposures([position('0.005', { stopLoss: dec(59_000) })], [], () => undefined, 0)).toEqual([
      { key: `bybit:${INST}`, size: 0.005, stopQty: 0.005 },
    ]);
  });

  it('reports the last fill in wall-clock time (the venue clock less its skew)', () => {
    expect(bybitExposures([position('0.001')], [], () => fill({ timestamp: 10_000 }), -2_000)).toEqual([
      { key: `bybit:${INST}`, size: 0.001, stopQty: 0, lastFillMs: 12_000 },
    ]);
  });
});

describe('bybitLedger', () => {
  const source = (orders: PortOrder[], linkIds: Array<[string, string]>, fills: PortFill[] = []): BybitLedgerSource => {
    const byId = new Map(orders.map((o) => [o.orderId, o]));
    return { orderLinkIds: new Map(linkIds), order: (id) => byId.get(id), fills };
  };

  it('lists every order under its orderLinkId, a fired stop under its own id (no child order), open ones apart', () => {
    const ledger = bybitLedger(
      source(
        [
          order({
            orderId: 'e1',
            side: 'buy',
            kind: 'order',
            trigger: undefined,
            state: 'filled',
            reduceOnly: false,
            closeOnTrigger: false,
          }),
          order({ orderId: 's1', state: 'filled', triggered: true, filledQty: dec('0.003') }),
          order({ orderId: 't1', trigger: { price: dec(61_000), ref: 'mark', direction: 'rising' }, closeOnTrigger: false }),
        ],
        [
          ['e1', `vd1${T1}E1`],
          ['s1', `vd1${T1}S1`],
          ['t1', `vd1${T1}T1`],
          ['gone', `vd1${T1}C1`],
        ],
      ),
    );
    expect(ledger.allOrders.map((o) => [o.orderId, o.label, o.state, o.reduceOnly, o.triggerOrderId])).toEqual([
      ['e1', `vd1${T1}E1`, 'filled', false, undefined],
      ['s1', `vd1${T1}S1`, 'filled', true, undefined],
      ['t1', `vd1${T1}T1`, 'untriggered', true, undefined],
    ]);
    expect(ledger.openOrders.map((o) => o.orderId)).toEqual(['t1']);
  });

  it('names executions bybit:<execId> under their order link id, so the checks find a lost fill, an orphan and a duplicate', () => {
    const ledger = bybitLedger(
      source(
        [
          order({
            orderId: 'e1',
            side: 'buy',
            kind: 'order',
            trigger: undefined,
            state: 'filled',
            reduceOnly: false,
            closeOnTrigger: false,
          }),
          order({
            orderId: 'e2',
            side: 'buy',
            kind: 'order',
            trigger: undefined,
            state: 'filled',
            reduceOnly: false,
            closeOnTrigger: false,
          }),
          order({ orderId: 's1' }),
        ],
        [
          ['e1', `vd1${T1}E1`],
          ['e2', `vd1${T1}E1`],
          ['s1', `vd1${T1}S1`],
        ],
        [fill({ execId: 'x2', orderId: 'e2' }), fill({ execId: 'x1', orderId: 'e1' }), fill({ execId: 'x9', orderId: 'manual' })],
      ),
    );
    expect(ledger.fills).toEqual([
      { tradeId: 'bybit:x2', orderId: 'e2', label: `vd1${T1}E1` },
      { tradeId: 'bybit:x1', orderId: 'e1', label: `vd1${T1}E1` },
      { tradeId: 'bybit:x9', orderId: 'manual', label: '' },
    ]);
    const store = {
      trades: [{ id: T1, state: 'closed' }],
      legClientIds: new Set([`vd1${T1}E1`, `vd1${T1}S1`]),
      fillIds: new Set(['bybit:x1']),
    };
    expect(lostRecords(ledger.allOrders, ledger.fills, store, 'vd1')).toEqual([
      { what: 'fill not in the store', detail: `fill bybit:x2 of vd1${T1}E1 (e2)` },
    ]);
    expect(orphans(ledger.openOrders, store, 'vd1').map((f) => f.what)).toEqual(['orphan']);
    expect(duplicates(ledger.allOrders, 'vd1', new Map()).map((f) => f.what)).toEqual([
      'same client id twice',
      'two entries for one trade',
    ]);
  });
});
