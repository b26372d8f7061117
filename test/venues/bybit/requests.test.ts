/** Bybit request bodies: plain orders, stops (reduce-only conditional with triggerPrice/direction/by and closeOnTrigger), takes, inverse contracts, cancel and amend. */
import { describe, expect, it } from 'vitest';

import { dec } from '../../../src/domain/decimal.js';
import type { Instrument } from '../../../src/domain/instrument.js';
import { BybitRequestError } from '../../../src/venues/bybit/errors.js';
import { buildAmendOrder, buildCancelOrder, buildCreateOrder, checkOrderLinkId } from '../../../src/venues/bybit/requests.js';

const base = { venue: 'bybit', kind: 'perpetual', tickSteps: [], contractSize: dec(1), active: true } as const;
const linear: Instrument = {
  ...base,
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  settle: 'USDT',
  inverse: false,
  tickSize: dec('0.1'),
  lotSize: dec('0.001'),
  minSize: dec('0.001'),
  sizeUnit: 'base',
};
const inverse: Instrument = {
  ...base,
  symbol: 'BTCUSD',
  base: 'BTC',
  quote: 'USD',
  settle: 'BTC',
  inverse: true,
  tickSize: dec('0.5'),
  lotSize: dec(1),
  minSize: dec(1),
  sizeUnit: 'quote',
};

describe('bybit requests', () => {
  it('a limit entry in coin, one-way positionIdx 0', () => {
    expect(
      buildCreateOrder(
        { clientId: 'e1', symbol: 'BTCUSDT', side: 'buy', type: 'limit', size: dec('0.0105'), price: dec('30000.04'), reduceOnly: false },
        linear,
        'linear',
      ),
    ).toEqual({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.01',
      price: '30000',
      timeInForce: 'GTC',
      positionIdx: 0,
      orderLinkId: 'e1',
    });
  });

  it('a stop-loss is a reduce-only conditional market order with closeOnTrigger, trigger rounded away from the market', () => {
    const body = buildCreateOrder(
      {
        clientId: 's1',
        symbol: 'BTCUSDT',
        side: 'sell',
        type: 'stop_market',
        size: dec('0.01'),
        triggerPrice: dec('36000.07'),
        trigger: 'mark',
        reduceOnly: true,
      },
      linear,
      'linear',
    );
    expect(body).toEqual({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'Sell',
      orderType: 'Market',
      qty: '0.01',
      positionIdx: 0,
      orderLinkId: 's1',
      triggerPrice: '36000',
      triggerDirection: 2,
      triggerBy: 'MarkPrice',
      reduceOnly: true,
      closeOnTrigger: true,
    });
  });

  it('a take-profit is a reduce-only conditional order firing on a move in the position’s favour', () => {
    const body = buildCreateOrder(
      {
        clientId: 't1',
        symbol: 'BTCUSD',
        side: 'buy',
        type: 'take_market',
        size: dec(500),
        triggerPrice: dec(30000),
        trigger: 'last',
        reduceOnly: true,
      },
      inverse,
      'inverse',
    );
    expect(body).toMatchObject({
      category: 'inverse',
      qty: '500',
      triggerDirection: 2,
      triggerBy: 'LastPrice',
      reduceOnly: true,
      orderType: 'Market',
    });
    expect(body.closeOnTrigger).toBeUndefined();
    const limit = buildCreateOrder(
      {
        clientId: 't2',
        symbol: 'BTCUSDT',
        side: 'sell',
        type: 'stop_limit',
        size: dec('0.01'),
        triggerPrice: dec(36000),
        price: dec(35900),
        reduceOnly: true,
      },
      linear,
      'linear',
    );
    expect(limit).toMatchObject({ orderType: 'Limit', price: '35900', triggerPrice: '36000', timeInForce: 'GTC' });
  });

  it('refuses what Bybit cannot take, naming the field', () => {
    expect(() =>
      buildCreateOrder(
        { clientId: 'x'.repeat(37), symbol: 'BTCUSDT', side: 'buy', type: 'market', size: dec(1), reduceOnly: false },
        linear,
        'linear',
      ),
    ).toThrow(/orderLinkId/);
    expect(() =>
      buildCreateOrder(
        { clientId: 'a', symbol: 'BTCUSDT', side: 'buy', type: 'stop_market', size: dec(1), reduceOnly: true },
        linear,
        'linear',
      ),
    ).toThrow(/triggerPrice/);
    expect(() =>
      buildCreateOrder(
        {
          clientId: 'a',
          symbol: 'BTCUSDT',
          side: 'buy',
          type: 'limit',
          size: dec(1),
          reduceOnly: false,
          timeInForce: 'gtd',
          price: dec(1),
        },
        linear,
        'linear',
      ),
    ).toThrow(BybitRequestError);
    expect(() => checkOrderLinkId('bad id')).toThrow(BybitRequestError);
    expect(checkOrderLinkId(crypto.randomUUID())).toHaveLength(36);
  });

  it('cancel and amend by orderId (wins) or orderLinkId', () => {
    expect(buildCancelOrder({ symbol: 'BTCUSDT', venueOrderId: 'o1', clientId: 'c1' }, 'linear')).toEqual({
      category: 'linear',
      symbol: 'BTCUSDT',
      orderId: 'o1',
    });
    expect(buildCancelOrder({ symbol: 'BTCUSD', clientId: 'c1' }, 'inverse')).toEqual({
      category: 'inverse',
      symbol: 'BTCUSD',
      orderLinkId: 'c1',
    });
    expect(() => buildCancelOrder({ symbol: 'BTCUSDT' }, 'linear')).toThrow(BybitRequestError);
    expect(
      buildAmendOrder({ ref: { symbol: 'BTCUSDT', clientId: 'c1' }, size: dec('0.02'), triggerPrice: dec('36000.04') }, linear, 'linear', {
        side: 'sell',
        type: 'stop_market',
      }),
    ).toEqual({
      category: 'linear',
      symbol: 'BTCUSDT',
      orderLinkId: 'c1',
      qty: '0.02',
      triggerPrice: '36000',
    });
    expect(() => buildAmendOrder({ ref: { symbol: 'BTCUSDT', clientId: 'c1' } }, linear, 'linear')).toThrow(/nothing to change/);
  });

  it('an amended stop trigger rounds away from the market like a new one (sell stop down, buy stop up); a take to nearest', () => {
    const ref = { symbol: 'BTCUSDT', venueOrderId: 'o1' };
    const amend = (side: 'buy' | 'sell', type: 'stop_market' | 'take_market', trigger: string): string | undefined =>
      buildAmendOrder({ ref, triggerPrice: dec(trigger) }, linear, 'linear', { side, type }).triggerPrice;
    // A sell stop protects a long from below: 36000.06 must not move up to 36000.1 (closer to the market).
    expect(amend('sell', 'stop_market', '36000.06')).toBe('36000');
    // A buy stop protects a short from above: 36000.04 must not move down to 36000 (closer to the market).
    expect(amend('buy', 'stop_market', '36000.04')).toBe('36000.1');
    expect(amend('sell', 'take_market', '36000.06')).toBe('36000.1');
    // The same rounding as the create of the same stop.
    const created = buildCreateOrder(
      {
        clientId: 's1',
        symbol: 'BTCUSDT',
        side: 'sell',
        type: 'stop_market',
        size: dec('0.01'),
        triggerPrice: dec('36000.06'),
        reduceOnly: true,
      },
      linear,
      'linear',
    );
    expect(amend('sell', 'stop_market', '36000.06')).toBe(created.triggerPrice);
    // Without knowing the order's side and kind a trigger amend is refused (nothing is sent).
    expect(() => buildAmendOrder({ ref, triggerPrice: dec('36000.06') }, linear, 'linear')).toThrow(BybitRequestError);
  });
});
