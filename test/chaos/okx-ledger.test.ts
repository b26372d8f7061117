/** The chaos run's view of the simulated OKX: stop-loss algos as cover, orders, algos and fills as the ledger. */
import { describe, expect, it } from 'vitest';

import { lostRecords } from '../../src/chaos/checks.js';
import { okxExposures, okxLedger, type OkxLedgerSource } from '../../src/chaos/okx-ledger.js';
import { dec } from '../../src/domain/decimal.js';
import type { PortAlgo, PortFill, PortOrder, PortPosition } from '../../src/sim/okx/engine-port.js';

const T1 = 'lq8z3k1m00a1b2c3';
const INST = 'BTC-USDT-SWAP';

const position = (size: string, instrument = INST): PortPosition => ({
  instrument,
  size: dec(size),
  averagePrice: dec(60_000),
  mark: dec(60_000),
  unrealizedPnl: dec(0),
  realizedPnl: dec(0),
  fees: dec(0),
  initialMargin: dec(0),
  maintenanceMargin: dec(0),
  leverage: 10,
  liquidationPrice: undefined,
  lastTradeId: '1',
  createdAt: 0,
  updatedAt: 0,
});

const algo = (extra: Partial<PortAlgo> = {}): PortAlgo => ({
  algoId: 'a1',
  instrument: INST,
  side: 'sell',
  amount: dec(3),
  closeWholePosition: false,
  reduceOnly: true,
  cancelOnPositionClose: false,
  takeProfit: undefined,
  stopLoss: { triggerPrice: dec(59_000), triggerRef: 'mark', orderPrice: undefined },
  state: 'untriggered',
  firedLeg: undefined,
  firedAt: undefined,
  childOrderId: undefined,
  childAmount: undefined,
  childPrice: undefined,
  failReason: undefined,
  cancelReason: undefined,
  createdAt: 0,
  updatedAt: 0,
  ...extra,
});

const order = (extra: Partial<PortOrder> = {}): PortOrder => ({
  orderId: 'o1',
  instrument: INST,
  side: 'buy',
  type: 'market',
  timeInForce: 'ioc',
  amount: dec(3),
  filledAmount: dec(3),
  averagePrice: dec(60_000),
  price: undefined,
  state: 'filled',
  reduceOnly: false,
  cancelReason: undefined,
  fee: dec(0),
  pnl: dec(0),
  algoId: undefined,
  createdAt: 0,
  updatedAt: 0,
  ...extra,
});

const fill = (extra: Partial<PortFill> = {}): PortFill => ({
  tradeId: 't1',
  orderId: 'o1',
  instrument: INST,
  side: 'buy',
  amount: dec(3),
  price: dec(60_000),
  fee: dec(0),
  pnl: dec(0),
  liquidity: 'T',
  timestamp: 10_000,
  ...extra,
});

describe('okxExposures', () => {
  it('counts untriggered reduce-only stop-loss algos on the closing side against the size', () => {
    const algos = [
      algo({ algoId: 'a1', amount: dec(2) }),
      algo({ algoId: 'tp', stopLoss: undefined, takeProfit: { triggerPrice: dec(61_000), triggerRef: 'mark', orderPrice: undefined } }),
      algo({ algoId: 'wrong-side', side: 'buy' }),
      algo({ algoId: 'fired', state: 'triggered' }),
      algo({ algoId: 'not-reduce', reduceOnly: false }),
      algo({ algoId: 'other', instrument: 'ETH-USDT-SWAP' }),
    ];
    expect(okxExposures([position('3')], algos, () => undefined, 0)).toEqual([{ key: `okx:${INST}`, size: 3, stopQty: 2 }]);
  });

  it('a whole-position algo covers the full size; a short is covered by buy stops; flat positions are left out', () => {
    const whole = algo({ side: 'buy', amount: undefined, closeWholePosition: true, reduceOnly: false });
    expect(okxExposures([position('-4'), position('0', 'ETH-USDT-SWAP')], [whole], () => undefined, 0)).toEqual([
      { key: `okx:${INST}`, size: 4, stopQty: 4 },
    ]);
  });

  it('reports the last fill in wall-clock time (the venue clock less its skew)', () => {
    expect(okxExposures([position('1')], [], () => fill({ timestamp: 10_000 }), 3_000)).toEqual([
      { key: `okx:${INST}`, size: 1, stopQty: 0, lastFillMs: 7_000 },
    ]);
  });
});

describe('okxLedger', () => {
  const source = (over: Partial<OkxLedgerSource> & { orders?: PortOrder[]; algos?: PortAlgo[] }): OkxLedgerSource => {
    const orders = new Map((over.orders ?? []).map((o) => [o.orderId, o]));
    const algos = new Map((over.algos ?? []).map((a) => [a.algoId, a]));
    return {
      orderClientIds: over.orderClientIds ?? new Map(),
      algoClientIds: over.algoClientIds ?? new Map(),
      order: (id) => orders.get(id),
      algo: (id) => algos.get(id),
      fills: over.fills ?? [],
    };
  };

  it('lists orders under their clOrdId and algos under their algoClOrdId; open ones apart', () => {
    const ledger = okxLedger(
      source({
        orders: [order({ orderId: 'e1' }), order({ orderId: 'tp1', type: 'limit', state: 'open', reduceOnly: true, filledAmount: dec(0) })],
        algos: [algo({ algoId: 'a1' })],
        orderClientIds: new Map([
          ['e1', `vd1${T1}E1`],
          ['tp1', `vd1${T1}T1`],
        ]),
        algoClientIds: new Map([['a1', `vd1${T1}S1`]]),
      }),
    );
    expect(ledger.allOrders.map((o) => [o.orderId, o.label, o.state])).toEqual([
      ['e1', `vd1${T1}E1`, 'filled'],
      ['tp1', `vd1${T1}T1`, 'open'],
      ['a1', `vd1${T1}S1`, 'untriggered'],
    ]);
    expect(ledger.openOrders.map((o) => o.orderId)).toEqual(['tp1', 'a1']);
  });

  it('books the order a fired stop placed, and its fill, under the stop client id as a trigger child', () => {
    const child = order({ orderId: 'c1', side: 'sell', reduceOnly: true, algoId: 'a1' });
    const ledger = okxLedger(
      source({
        orders: [order({ orderId: 'e1' }), child],
        algos: [algo({ algoId: 'a1', state: 'triggered', childOrderId: 'c1' })],
        orderClientIds: new Map([['e1', `vd1${T1}E1`]]),
        algoClientIds: new Map([['a1', `vd1${T1}S1`]]),
        fills: [fill({ tradeId: 't2', orderId: 'c1', side: 'sell' }), fill({ tradeId: 't1', orderId: 'e1' })],
      }),
    );
    expect(ledger.allOrders.find((o) => o.orderId === 'c1')).toMatchObject({ label: `vd1${T1}S1`, triggerOrderId: 'a1' });
    expect(ledger.fills).toEqual([
      { tradeId: 'okx:t2', orderId: 'c1', label: `vd1${T1}S1` },
      { tradeId: 'okx:t1', orderId: 'e1', label: `vd1${T1}E1` },
    ]);
    // The child is not a second order of the stop; a fill the store lacks is lost.
    const store = {
      trades: [{ id: T1, state: 'closed' }],
      legClientIds: new Set([`vd1${T1}E1`, `vd1${T1}S1`]),
      fillIds: new Set(['okx:t1']),
    };
    expect(lostRecords(ledger.allOrders, ledger.fills, store, 'vd1')).toEqual([
      { what: 'fill not in the store', detail: `fill okx:t2 of vd1${T1}S1 (c1)` },
    ]);
  });
});
