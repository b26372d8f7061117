/** Pure leg rules: snapshot merge, client-id sequence, coverage, the step after an entry update or a "not found". */
import { describe, expect, it } from 'vitest';

import { clientIdFor } from '../../src/domain/client-ids.js';
import { Decimal } from '../../src/domain/decimal.js';
import type { OrderSnapshot } from '../../src/domain/order.js';
import {
  backoffMs,
  entryStep,
  exitCloseReason,
  mergeLeg,
  nextSeq,
  notFoundStep,
  notFoundThreshold,
  retryDelayMs,
  unfilledSize,
} from '../../src/orders/leg-rules.js';
import { mergeLeg as mergeLegFromFacade } from '../../src/orders/order-manager.js';
import { d, leg, T, trade } from './fixtures-pure.js';

function snapshot(status: OrderSnapshot['status'], filled = 0, over: Partial<OrderSnapshot> = {}): OrderSnapshot {
  return {
    venue: 'v',
    venueOrderId: 'stop_loss-1',
    symbol: 'BTC-PERPETUAL',
    side: 'sell',
    type: 'stop_market',
    status,
    size: d(1000),
    filledSize: d(filled),
    reduceOnly: true,
    updatedAtMs: 0,
    ...over,
  };
}

describe('mergeLeg', () => {
  it('is still exported by the facade', () => {
    expect(mergeLegFromFacade).toBe(mergeLeg);
  });

  it('never lowers the filled size and keeps a filled leg filled', () => {
    const r = mergeLeg(leg('stop_loss', { state: 'filled', filledSize: d(1000) }), snapshot('cancelled', 400));
    expect(r.state).toBe('filled');
    expect(r.filledSize.toString()).toBe('1000');
    expect(r.changed).toBe(false);
  });

  it('does not reopen a terminal leg on a stale working snapshot, but a pending leg takes it', () => {
    expect(mergeLeg(leg('stop_loss', { state: 'cancelled' }), snapshot('untriggered')).state).toBe('cancelled');
    expect(mergeLeg(leg('stop_loss', { state: 'pending', venueOrderId: undefined }), snapshot('untriggered'))).toMatchObject({
      state: 'untriggered',
      changed: true,
    });
  });

  it('keeps a part-filled leg partially filled when a late submit answer still says open with nothing filled', () => {
    const r = mergeLeg(leg('entry', { state: 'partially_filled', filledSize: d(300) }), snapshot('open', 0));
    expect(r).toMatchObject({ state: 'partially_filled', changed: false });
    expect(r.filledSize.toString()).toBe('300');
  });

  it('reports a change for a first venue order id or a new average price only', () => {
    expect(mergeLeg(leg('stop_loss'), snapshot('untriggered')).changed).toBe(false);
    expect(mergeLeg(leg('stop_loss', { venueOrderId: undefined }), snapshot('untriggered')).changed).toBe(true);
    expect(mergeLeg(leg('stop_loss'), snapshot('untriggered', 0, { avgFillPrice: d(59000) })).changed).toBe(true);
  });
});

describe('nextSeq and unfilledSize', () => {
  it('counts only our client ids of the same kind', () => {
    const legs = [leg('stop_loss', {}, 1), leg('stop_loss', {}, 3), leg('take_profit', {}, 7), leg('stop_loss', { clientId: 'manual-9' })];
    expect(nextSeq(legs, 'stop_loss', 'vd1')).toBe(4);
    expect(nextSeq(legs, 'close', 'vd1')).toBe(1);
    expect(nextSeq([leg('stop_loss', { clientId: clientIdFor(T, 'stop_loss', 2, 'abc') })], 'stop_loss', 'vd1')).toBe(1);
  });

  it('sums what the legs still have to fill', () => {
    expect(unfilledSize([leg('stop_loss', { size: d(600), filledSize: d(100) }), leg('stop_loss', { size: d(300) })]).toString()).toBe(
      '800',
    );
    expect(unfilledSize([]).isZero()).toBe(true);
  });
});

describe('entryStep', () => {
  it('opens a waiting trade on a fill, and leaves a closing trade as it is', () => {
    expect(
      entryStep(trade({ state: 'pending', filledSize: Decimal.ZERO }), leg('entry', { state: 'partially_filled', filledSize: d(300) })),
    ).toEqual({ step: 'filled', state: 'open' });
    expect(entryStep(trade({ state: 'closing', filledSize: d(300) }), leg('entry', { state: 'filled', filledSize: d(1000) }))).toEqual({
      step: 'filled',
      state: 'closing',
    });
  });

  it('ends a trade whose entry ended with nothing filled', () => {
    const waiting = trade({ state: 'entry_working', filledSize: Decimal.ZERO });
    expect(entryStep(waiting, leg('entry', { state: 'rejected' }))).toEqual({ step: 'ended', state: 'failed' });
    expect(entryStep(waiting, leg('entry', { state: 'cancelled' }))).toEqual({ step: 'ended', state: 'cancelled' });
  });

  it('keeps protection sized to a part fill when the entry ends on an open trade', () => {
    expect(entryStep(trade({ filledSize: d(300) }), leg('entry', { state: 'cancelled', filledSize: d(300) }))).toEqual({ step: 'done' });
  });

  it('marks a pending trade working once the venue acknowledged the entry, not before', () => {
    const pending = trade({ state: 'pending', filledSize: Decimal.ZERO });
    expect(entryStep(pending, leg('entry', { state: 'open' }))).toEqual({ step: 'working' });
    expect(entryStep(pending, leg('entry', { state: 'unknown' }))).toEqual({ step: 'none' });
    expect(entryStep(pending, leg('entry', { state: 'pending' }))).toEqual({ step: 'none' });
  });
});

describe('not found answers', () => {
  it('loses an in-flight stop of an open trade at the first one', () => {
    const sl = leg('stop_loss', { state: 'pending' });
    expect(notFoundThreshold(sl, trade(), Number.POSITIVE_INFINITY)).toBe(1);
    expect(notFoundStep(sl, trade(), 1, Number.POSITIVE_INFINITY)).toBe('lost');
  });

  it('asks again for an in-flight entry until the threshold', () => {
    const entry = leg('entry', { state: 'unknown' });
    const t = trade({ state: 'entry_working', filledSize: Decimal.ZERO });
    expect(notFoundStep(entry, t, 1, 3)).toBe('ask_again');
    expect(notFoundStep(entry, t, 3, 3)).toBe('lost');
    expect(notFoundStep(entry, t, 50, Number.POSITIVE_INFINITY)).toBe('ask_again');
  });

  it('loses an acknowledged leg at once and never a leg that already ended', () => {
    expect(notFoundStep(leg('take_profit', { state: 'untriggered' }), trade(), 1, 5)).toBe('lost');
    expect(notFoundStep(leg('stop_loss', { state: 'cancelled' }), trade(), 9, 1)).toBe('ask_again');
  });
});

describe('small rules', () => {
  it('names the close reason after the exit that filled', () => {
    expect(exitCloseReason('stop_loss')).toBe('stop-loss filled');
    expect(exitCloseReason('take_profit')).toBe('take-profit filled');
    expect(exitCloseReason('close')).toBe('closed');
  });

  it('doubles the backoff after each attempt', () => {
    expect([1, 2, 3].map((a) => backoffMs(200, a))).toEqual([200, 400, 800]);
  });
});

describe('retryDelayMs (stop-loss and close retries)', () => {
  it('retries a definite rejection or an unknown outcome at once, and waits the fixed delay, never doubled, only when the venue says retry later', () => {
    expect(retryDelayMs({ status: 'rejected', code: '11035', reason: 'no_more_triggers', retryable: false }, 200)).toBe(0);
    expect(retryDelayMs({ status: 'unknown', reason: 'timeout' }, 200)).toBe(0);
    expect(retryDelayMs({ status: 'rejected', code: '10028', reason: 'too_many_requests', retryable: true }, 200)).toBe(200);
  });
});
