/** The chaos run's end-of-run counts: the simulator's ledger against the store. */
import { describe, expect, it } from 'vitest';

import { countSecrets, duplicates, lostRecords, orphans, type StoreSnapshot, tradeIdOf, type VenueOrder } from '../../src/chaos/checks.js';

const T1 = 'lq8z3k1m00a1b2c3';
const T2 = 'lq8z3k1m00zzzzzz';
const order = (label: string, extra: Partial<VenueOrder> = {}): VenueOrder => ({
  orderId: `o-${label}`,
  instrumentName: 'BTC-PERPETUAL',
  label,
  state: 'untriggered',
  reduceOnly: true,
  ...extra,
});
const store = (trades: Array<[string, string]>, legs: string[] = [], fills: string[] = []): StoreSnapshot => ({
  trades: trades.map(([id, state]) => ({ id, state })),
  legClientIds: new Set(legs),
  fillIds: new Set(fills),
});

describe('chaos checks', () => {
  it('reads the trade id from a daemon client id only', () => {
    expect(tradeIdOf(`vd1${T1}S2`, 'vd1')).toBe(T1);
    expect(tradeIdOf('manual-order', 'vd1')).toBeUndefined();
    expect(tradeIdOf(`vd1${T1}X1`, 'vd1')).toBeUndefined();
  });

  it('an orphan is a resting daemon order whose trade is not active; operator orders are not counted', () => {
    const open = [order(`vd1${T1}S1`), order(`vd1${T2}T1`), order('operator-stop')];
    expect(
      orphans(
        open,
        store([
          [T1, 'open'],
          [T2, 'closed'],
        ]),
        'vd1',
      ),
    ).toEqual([expect.objectContaining({ detail: expect.stringContaining(`trade ${T2} is closed`) })]);
    expect(orphans([order(`vd1${T1}S1`)], store([]), 'vd1')).toHaveLength(1);
  });

  it('duplicates: one client id twice, two entries for one trade, one signal with two trades; a fired stop is not a second order', () => {
    const all = [
      order(`vd1${T1}E1`),
      order(`vd1${T1}S1`),
      order(`vd1${T1}S1`, { orderId: 'spawned', triggerOrderId: `o-vd1${T1}S1` }),
      order(`vd1${T2}E1`),
      order(`vd1${T2}E1`, { orderId: 'again' }),
    ];
    const found = duplicates(
      all,
      'vd1',
      new Map([
        ['sig-1', new Set([T1])],
        ['sig-2', new Set([T1, T2])],
      ]),
    );
    expect(found.map((f) => f.what).sort()).toEqual(['one signal, two trades', 'same client id twice', 'two entries for one trade']);
    expect(duplicates([order(`vd1${T1}E1`), order(`vd1${T1}E2`)], 'vd1', new Map()).map((f) => f.what)).toEqual([
      'two entries for one trade',
    ]);
  });

  it('lost records: a daemon order or fill on the venue that the store lacks', () => {
    const all = [order(`vd1${T1}E1`), order(`vd1${T1}S1`), order(`vd1${T2}E1`), order('operator')];
    const fills = [
      { tradeId: 'f1', orderId: `o-vd1${T1}E1`, label: `vd1${T1}E1` },
      { tradeId: 'f2', orderId: `o-vd1${T1}E1`, label: `vd1${T1}E1` },
      { tradeId: 'f3', orderId: 'o-operator', label: 'operator' },
    ];
    const found = lostRecords(all, fills, store([[T1, 'open']], [`vd1${T1}E1`], ['f1']), 'vd1');
    expect(found.map((f) => f.what).sort()).toEqual(['fill not in the store', 'order not in the store', 'order of an unknown trade']);
  });

  it('counts every occurrence of a secret', () => {
    expect(countSecrets('a sekret-123 b sekret-123 c', ['sekret-123', 'absent-one'])).toBe(2);
    expect(countSecrets('nothing here', ['sekret-123'])).toBe(0);
  });
});
