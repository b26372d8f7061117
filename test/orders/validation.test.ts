/** Intent validation: rounding to tick and lot, stop and target sides, explicit notional conversion. */
import { describe, expect, it } from 'vitest';

import { Decimal } from '../../src/domain/decimal.js';
import type { Instrument } from '../../src/domain/instrument.js';
import {
  checkAgainstMark,
  isImmediateTriggerRejection,
  stopWouldTrigger,
  type TradeIntent,
  validateIntent,
} from '../../src/orders/validation.js';

const perp: Instrument = {
  venue: 'deribit',
  symbol: 'BTC-PERPETUAL',
  kind: 'perpetual',
  base: 'BTC',
  quote: 'USD',
  settle: 'BTC',
  inverse: true,
  tickSize: Decimal.from('0.5'),
  tickSteps: [],
  lotSize: Decimal.from(10),
  minSize: Decimal.from(10),
  contractSize: Decimal.from(10),
  sizeUnit: 'quote',
  active: true,
};
const linear: Instrument = {
  ...perp,
  venue: 'bybit',
  symbol: 'BTCUSDT',
  inverse: false,
  quote: 'USDT',
  settle: 'USDT',
  tickSize: Decimal.from('0.1'),
  lotSize: Decimal.from('0.001'),
  minSize: Decimal.from('0.001'),
  contractSize: Decimal.from(1),
  sizeUnit: 'base',
};

const base: TradeIntent = {
  venue: 'deribit',
  symbol: 'BTC-PERPETUAL',
  side: 'buy',
  size: { unit: 'venue', value: '1005' },
  entry: { type: 'limit', price: '60000.3' },
  stopLossPrice: '59000.2',
  takeProfitPrice: '61000.7',
  source: 't',
};

describe('validateIntent', () => {
  it('rounds sizes down to the lot and prices to the tick', () => {
    const r = validateIntent(base, perp);
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.size.toString()).toBe('1000');
    expect(r.value.entryPrice?.toString()).toBe('60000'); // a buy limit rounds down, never paying more than asked
    expect(r.value.stopPrice.toString()).toBe('59000');
    expect(r.value.takeProfitPrice?.toString()).toBe('61000.5');
    // loss at stop: 1000 USD / 60000 = 0.01667 BTC x 1000 USD
    expect(r.value.lossAtStop.toNumber()).toBeCloseTo(16.6667, 3);
  });

  it('refuses a stop on the winning side and a target on the losing side, for longs and shorts', () => {
    expect(validateIntent({ ...base, stopLossPrice: '60100' }, perp)).toMatchObject({ ok: false, code: 'STOP_WRONG_SIDE' });
    expect(validateIntent({ ...base, takeProfitPrice: '59900' }, perp)).toMatchObject({ ok: false, code: 'TARGET_WRONG_SIDE' });
    const short = { ...base, side: 'sell' as const, stopLossPrice: '61000', takeProfitPrice: '59000' };
    expect(validateIntent(short, perp).ok).toBe(true);
    expect(validateIntent({ ...short, stopLossPrice: '59500' }, perp)).toMatchObject({ ok: false, code: 'STOP_WRONG_SIDE' });
  });

  it('converts a notional explicitly and refuses a size below the minimum', () => {
    const r = validateIntent({ ...base, symbol: 'BTCUSDT', size: { unit: 'notional', value: '1000' } }, linear);
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.size.toString()).toBe('0.016'); // 1000 / 60000 = 0.01666.. rounded down to 0.001
    expect(validateIntent({ ...base, size: { unit: 'venue', value: '5' } }, perp)).toMatchObject({ ok: false, code: 'SIZE_TOO_SMALL' });
  });

  it('needs a price for a market entry, from the intent or the market', () => {
    const market = { ...base, entry: { type: 'market' as const } };
    expect(validateIntent(market, perp)).toMatchObject({ ok: false, code: 'NO_REFERENCE_PRICE' });
    expect(validateIntent(market, perp, Decimal.from(60000)).ok).toBe(true);
    expect(validateIntent({ ...base, stopLossPrice: 'abc' }, perp)).toMatchObject({ ok: false, code: 'INVALID_NUMBER' });
  });

  it("knows when a stop would trigger at once and recognises the venues' trigger-side rejections", () => {
    expect(stopWouldTrigger('buy', Decimal.from(59000), Decimal.from(58990))).toBe(true);
    expect(stopWouldTrigger('buy', Decimal.from(59000), Decimal.from(60000))).toBe(false);
    expect(stopWouldTrigger('sell', Decimal.from(61000), Decimal.from(61000))).toBe(true);
    expect(
      isImmediateTriggerRejection({
        status: 'rejected',
        code: '10034',
        reason: 'trigger_price_too_high',
        retryable: false,
        wouldTriggerImmediately: true,
      }),
    ).toBe(true);
    // the code alone means nothing here: only the adapter's verdict counts
    expect(isImmediateTriggerRejection({ status: 'rejected', code: '10034', reason: 'trigger_price_too_high', retryable: false })).toBe(
      false,
    );
    expect(isImmediateTriggerRejection({ status: 'unknown', reason: 'timeout' })).toBe(false);
  });
});

describe('checkAgainstMark (at send time)', () => {
  const market = (over: Partial<TradeIntent> = {}) => {
    const r = validateIntent(
      { ...base, entry: { type: 'market', referencePrice: '60000' }, stopLossPrice: '59000', takeProfitPrice: '61000', ...over },
      perp,
    );
    if (!r.ok) throw new Error(r.reason);
    return r.value;
  };
  const d = (v: string | number): Decimal => Decimal.from(v);

  it('lets an entry go while its stop and target are on the right sides of the live mark', () => {
    expect(checkAgainstMark(market(), d(60200))).toBeUndefined();
    expect(checkAgainstMark(market({ side: 'sell', stopLossPrice: '61000', takeProfitPrice: '59000' }), d(59800))).toBeUndefined();
  });

  it('refuses a market entry whose stop (or target) the mark has reached or passed, long and short', () => {
    expect(checkAgainstMark(market(), d(59000))).toMatchObject({ code: 'STOP_THROUGH_MARK' });
    expect(checkAgainstMark(market(), d(58500))).toMatchObject({ code: 'STOP_THROUGH_MARK' });
    expect(checkAgainstMark(market(), d(61000))).toMatchObject({ code: 'TARGET_THROUGH_MARK' });
    const short = market({ side: 'sell', stopLossPrice: '61000', takeProfitPrice: '59000' });
    expect(checkAgainstMark(short, d(61500))).toMatchObject({ code: 'STOP_THROUGH_MARK' });
    expect(checkAgainstMark(short, d(58900))).toMatchObject({ code: 'TARGET_THROUGH_MARK' });
  });

  it('measures a limit entry at its price, or at the mark when the limit is marketable', () => {
    const limit = validateIntent(
      { ...base, entry: { type: 'limit', price: '60000' }, stopLossPrice: '59000', takeProfitPrice: '61000' },
      perp,
    );
    if (!limit.ok) throw new Error(limit.reason);
    // resting below a 62000 market: fills at 60000 later; the target under today's mark is fine
    expect(checkAgainstMark(limit.value, d(62000))).toBeUndefined();
    // marketable above a 58500 market: fills at 58500, under the stop
    expect(checkAgainstMark(limit.value, d(58500))).toMatchObject({ code: 'STOP_THROUGH_MARK' });
  });
});
