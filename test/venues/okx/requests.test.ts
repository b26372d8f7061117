/** OKX REST bodies: trade/order, order-algo (reduce-only SL/TP, ordPx -1, trigger type), cancel-order, cancel-algos, amend-order, close-position, cancel-all-after. */
import { describe, expect, it } from 'vitest';

import { Decimal } from '../../../src/domain/decimal.js';
import type { Instrument } from '../../../src/domain/instrument.js';
import type { OrderRequest } from '../../../src/domain/order.js';
import { OkxRequestError } from '../../../src/venues/okx/errors.js';
import { parseInstruments } from '../../../src/venues/okx/parse.js';
import {
  buildAlgoOrder,
  buildAmendOrder,
  buildCancelAlgos,
  buildCancelAllAfter,
  buildCancelOrder,
  buildClosePosition,
  buildPlaceOrder,
  OKX_PATHS,
  serializeBody,
} from '../../../src/venues/okx/requests.js';
import { okxFixtureData } from './okx-fixtures.js';

const d = (v: string): Decimal => Decimal.from(v);
const BTC = parseInstruments(okxFixtureData('http_get_public_instruments_swap_capture.json')).instruments.find(
  (i) => i.instrument.symbol === 'BTC-USDT-SWAP',
)?.instrument as Instrument;
const SPOT = parseInstruments(okxFixtureData('http_get_public_instruments_spot.json')).instruments[0]?.instrument as Instrument;

function req(over: Partial<OrderRequest> = {}): OrderRequest {
  return {
    clientId: 'vd1lq8z3k1m00a1b2c3E1',
    symbol: 'BTC-USDT-SWAP',
    side: 'buy',
    type: 'limit',
    size: d('1.239'),
    price: d('60000.15'),
    reduceOnly: false,
    ...over,
  };
}

describe('okx trade/order body', () => {
  it('a limit buy: cross, rounded to lot and tick, decimals as strings, no posSide in net mode', () => {
    const body = buildPlaceOrder(req(), BTC);
    expect(serializeBody(body)).toBe(
      '{"instId":"BTC-USDT-SWAP","tdMode":"cross","side":"buy","ordType":"limit","sz":"1.23","clOrdId":"vd1lq8z3k1m00a1b2c3E1","px":"60000.1"}',
    );
  });

  it('a reduce-only market close: no px', () => {
    const body = buildPlaceOrder(
      req({ type: 'market', side: 'sell', size: d('3'), price: undefined, reduceOnly: true, clientId: 'vd1lq8z3k1m00a1b2c3C1' }),
      BTC,
    );
    expect(body).toEqual({
      instId: 'BTC-USDT-SWAP',
      tdMode: 'cross',
      side: 'sell',
      ordType: 'market',
      sz: '3',
      clOrdId: 'vd1lq8z3k1m00a1b2c3C1',
      reduceOnly: true,
    });
  });

  it('post-only, ioc and fok map to ordType; tag is checked', () => {
    expect(buildPlaceOrder(req({ postOnly: true }), BTC).ordType).toBe('post_only');
    expect(buildPlaceOrder(req({ timeInForce: 'ioc' }), BTC).ordType).toBe('ioc');
    expect(buildPlaceOrder(req({ timeInForce: 'fok' }), BTC).ordType).toBe('fok');
    expect(buildPlaceOrder(req(), BTC, { tag: 'd1' }).tag).toBe('d1');
    expect(() => buildPlaceOrder(req(), BTC, { tag: 'd-1' })).toThrow(/tag/);
  });

  it('spot orders use cash and cannot be reduce-only', () => {
    const body = buildPlaceOrder(req({ symbol: 'BTC-USDT', size: d('0.000123456789'), price: d('60000.15') }), SPOT);
    expect(body).toMatchObject({ tdMode: 'cash', sz: '0.00012345', px: '60000.1' });
    expect(() => buildPlaceOrder(req({ symbol: 'BTC-USDT', size: d('1'), reduceOnly: true }), SPOT)).toThrow(/reduce-only/);
  });

  it('refuses what OKX cannot express, naming the field', () => {
    const cases: [Partial<OrderRequest>, RegExp][] = [
      [{ clientId: 'has-dash' }, /clOrdId/],
      [{ clientId: 'x'.repeat(33) }, /clOrdId/],
      [{ size: d('0.001') }, /size: .*below the minimum/],
      [{ price: undefined }, /price: required/],
      [{ type: 'stop_market', triggerPrice: d('1') }, /buildAlgoOrder/],
      [{ triggerPrice: d('1') }, /takes no trigger/],
      [{ timeInForce: 'gtd' }, /timeInForce/],
      [{ postOnly: true, timeInForce: 'ioc' }, /postOnly/],
      [{ type: 'market', postOnly: true }, /postOnly/],
      [{ symbol: 'ETH-USDT-SWAP' }, /symbol/],
    ];
    for (const [over, message] of cases) expect(() => buildPlaceOrder(req(over), BTC)).toThrow(message);
    expect(() => buildPlaceOrder(req({ clientId: '' }), BTC)).toThrow(OkxRequestError);
  });
});

describe('okx trade/order-algo body (protective stop and take-profit)', () => {
  it('a reduce-only stop-loss for a long: slTriggerPx, slOrdPx -1, mark trigger by default', () => {
    const body = buildAlgoOrder(
      req({
        type: 'stop_market',
        side: 'sell',
        size: d('3'),
        price: undefined,
        triggerPrice: d('57000.04'),
        reduceOnly: true,
        clientId: 'vd1lq8z3k1m00a1b2c3S1',
      }),
      BTC,
    );
    expect(serializeBody(body)).toBe(
      '{"instId":"BTC-USDT-SWAP","tdMode":"cross","side":"sell","ordType":"conditional","sz":"3","algoClOrdId":"vd1lq8z3k1m00a1b2c3S1","slTriggerPx":"57000.1","slOrdPx":"-1","slTriggerPxType":"mark","reduceOnly":true}',
    );
  });

  it('a reduce-only take-profit for a short on last price: tp fields only', () => {
    const body = buildAlgoOrder(
      req({
        type: 'take_market',
        side: 'buy',
        size: d('3'),
        price: undefined,
        triggerPrice: d('50000.07'),
        trigger: 'last',
        reduceOnly: true,
        clientId: 'vd1lq8z3k1m00a1b2c3T1',
      }),
      BTC,
    );
    expect(body).toEqual({
      instId: 'BTC-USDT-SWAP',
      tdMode: 'cross',
      side: 'buy',
      ordType: 'conditional',
      sz: '3',
      algoClOrdId: 'vd1lq8z3k1m00a1b2c3T1',
      tpTriggerPx: '50000',
      tpOrdPx: '-1',
      tpTriggerPxType: 'last',
      reduceOnly: true,
    });
    expect(body).not.toHaveProperty('slTriggerPx');
  });

  it('limit legs carry the rounded order price; cxlOnClosePos needs reduceOnly', () => {
    const body = buildAlgoOrder(
      req({ type: 'stop_limit', side: 'sell', triggerPrice: d('57000'), price: d('56990.01'), reduceOnly: true }),
      BTC,
      { cancelOnClosePosition: true },
    );
    expect(body).toMatchObject({ slTriggerPx: '57000', slOrdPx: '56990.1', cxlOnClosePos: true });
    expect(() => buildAlgoOrder(req({ type: 'stop_market', triggerPrice: d('1') }), BTC, { cancelOnClosePosition: true })).toThrow(
      /reduceOnly/,
    );
    expect(() => buildAlgoOrder(req({ type: 'stop_limit', triggerPrice: d('57000'), price: undefined }), BTC)).toThrow(/price: required/);
    expect(() => buildAlgoOrder(req({ type: 'stop_market' }), BTC)).toThrow(/triggerPrice: required/);
    expect(() => buildAlgoOrder(req(), BTC)).toThrow(/buildPlaceOrder/);
    expect(() => buildAlgoOrder(req({ type: 'take_market', triggerPrice: d('1'), clientId: 'a-b' }), BTC)).toThrow(/algoClOrdId/);
  });
});

describe('okx cancel, amend, close, cancel-all-after bodies', () => {
  it('cancel-order: ordId wins, else clOrdId', () => {
    expect(buildCancelOrder({ symbol: 'BTC-USDT-SWAP', venueOrderId: '1', clientId: 'abc' })).toEqual({
      instId: 'BTC-USDT-SWAP',
      ordId: '1',
    });
    expect(buildCancelOrder({ symbol: 'BTC-USDT-SWAP', clientId: 'abc' })).toEqual({ instId: 'BTC-USDT-SWAP', clOrdId: 'abc' });
    expect(() => buildCancelOrder({ symbol: 'BTC-USDT-SWAP' })).toThrow(/ordId or clOrdId/);
  });

  it('cancel-algos: an array of ≤ 10, algoId or algoClOrdId', () => {
    const body = buildCancelAlgos([
      { symbol: 'BTC-USDT-SWAP', venueOrderId: '1836487817828872192' },
      { symbol: 'BTC-USDT-SWAP', clientId: 'vd1lq8z3k1m00a1b2c3T1' },
    ]);
    expect(serializeBody(body)).toBe(
      '[{"instId":"BTC-USDT-SWAP","algoId":"1836487817828872192"},{"instId":"BTC-USDT-SWAP","algoClOrdId":"vd1lq8z3k1m00a1b2c3T1"}]',
    );
    expect(() => buildCancelAlgos([])).toThrow(OkxRequestError);
    expect(() => buildCancelAlgos(Array.from({ length: 11 }, (_, i) => ({ symbol: 'X', venueOrderId: String(i) })))).toThrow(/at most 10/);
    expect(() => buildCancelAlgos([{ symbol: 'X' }])).toThrow(/refs\.0/);
  });

  it('amend-order: new size and price rounded, reqId checked, no trigger amends', () => {
    const body = buildAmendOrder(
      { ref: { symbol: 'BTC-USDT-SWAP', clientId: 'vd1lq8z3k1m00a1b2c3E1' }, size: d('2.005'), price: d('60100.19') },
      BTC,
      'sell',
      { reqId: 'r1', cancelOnFail: false },
    );
    expect(body).toEqual({
      instId: 'BTC-USDT-SWAP',
      clOrdId: 'vd1lq8z3k1m00a1b2c3E1',
      newSz: '2',
      newPx: '60100.2',
      reqId: 'r1',
      cxlOnFail: false,
    });
    expect(() => buildAmendOrder({ ref: { symbol: 'BTC-USDT-SWAP', venueOrderId: '1' } }, BTC, 'buy')).toThrow(/nothing to change/);
    expect(() => buildAmendOrder({ ref: { symbol: 'BTC-USDT-SWAP', venueOrderId: '1' }, triggerPrice: d('1') }, BTC, 'buy')).toThrow(
      /triggerPrice/,
    );
  });

  it('close-position: net mode, cross by default', () => {
    expect(buildClosePosition('BTC-USDT-SWAP')).toEqual({ instId: 'BTC-USDT-SWAP', mgnMode: 'cross' });
    expect(buildClosePosition('BTC-USDT-SWAP', { autoCancel: true, clientId: 'vd1lq8z3k1m00a1b2c3C1' })).toEqual({
      instId: 'BTC-USDT-SWAP',
      mgnMode: 'cross',
      autoCxl: true,
      clOrdId: 'vd1lq8z3k1m00a1b2c3C1',
    });
  });

  it('cancel-all-after: 0 or 10..120 seconds', () => {
    expect(buildCancelAllAfter(30)).toEqual({ timeOut: '30' });
    expect(buildCancelAllAfter(0)).toEqual({ timeOut: '0' });
    expect(buildCancelAllAfter(60, 'd1')).toEqual({ timeOut: '60', tag: 'd1' });
    for (const bad of [5, 121, 30.5, -1]) expect(() => buildCancelAllAfter(bad)).toThrow(/timeOut/);
  });

  it('knows its paths', () => {
    expect(OKX_PATHS.placeAlgo).toBe('/api/v5/trade/order-algo');
    expect(OKX_PATHS.cancelAllAfter).toBe('/api/v5/trade/cancel-all-after');
  });
});
