/** Deribit order and edit params built from domain requests: methods, types, rounding, labels, reduce-only. */
import { describe, expect, it } from 'vitest';

import { dec } from '../../../src/domain/decimal.js';
import type { Instrument } from '../../../src/domain/instrument.js';
import type { OrderRequest } from '../../../src/domain/order.js';
import { DeribitRequestError } from '../../../src/venues/deribit/errors.js';
import { buildEditParams, buildOrderParams, parseInstrument } from '../../../src/venues/deribit/parse.js';
import { DeribitInstrumentSchema, GetInstrumentsResultSchema } from '../../../src/venues/deribit/rest-models.js';
import { unwrapRpcResponse } from '../../../src/venues/deribit/rpc.js';
import { loadFixture } from '../../support/load-fixture.js';

function instrumentFrom(fixtureName: string, symbol: string): Instrument {
  const list = unwrapRpcResponse(loadFixture('deribit', fixtureName), GetInstrumentsResultSchema, 'public/get_instruments');
  const wire = list.find((i) => i.instrument_name === symbol);
  if (!wire) throw new Error(`${symbol} not in ${fixtureName}`);
  return parseInstrument(wire);
}

const perp = instrumentFrom('http_public_get_instruments_btc_future.json', 'BTC-PERPETUAL');
const ethCall = instrumentFrom('http_public_get_instruments_eth_option_capture.json', 'ETH-6JUL25-1500-C');
const btcPut = parseInstrument(
  unwrapRpcResponse(loadFixture('deribit', 'http_public_get_instrument_btc_option.json'), DeribitInstrumentSchema, 'public/get_instrument'),
);

const request = (overrides: Partial<OrderRequest>): OrderRequest => ({
  clientId: 'd1-t42-entry',
  symbol: 'BTC-PERPETUAL',
  side: 'buy',
  type: 'limit',
  size: dec(100),
  price: dec('60000.5'),
  reduceOnly: false,
  ...overrides,
});

describe('buildOrderParams', () => {
  it('builds the spec 6.1 post-only limit example', () => {
    expect(buildOrderParams(request({ postOnly: true }), perp)).toEqual({
      method: 'private/buy',
      params: {
        instrument_name: 'BTC-PERPETUAL',
        amount: 100,
        type: 'limit',
        price: 60000.5,
        post_only: true,
        reject_post_only: true,
        label: 'd1-t42-entry',
      },
    });
  });

  it('builds the spec 6.1 reduce-only stop-market example', () => {
    const call = buildOrderParams(
      request({
        clientId: 'd1-t42-sl',
        side: 'sell',
        type: 'stop_market',
        price: undefined,
        triggerPrice: dec(58000),
        trigger: 'mark',
        reduceOnly: true,
      }),
      perp,
    );
    expect(call).toEqual({
      method: 'private/sell',
      params: {
        instrument_name: 'BTC-PERPETUAL',
        amount: 100,
        type: 'stop_market',
        trigger: 'mark_price',
        trigger_price: 58000,
        reduce_only: true,
        label: 'd1-t42-sl',
      },
    });
  });

  it('builds the spec 6.1 take-limit example', () => {
    const call = buildOrderParams(
      request({
        clientId: 'd1-t42-tp',
        side: 'sell',
        type: 'take_limit',
        price: dec(63990),
        triggerPrice: dec(64000),
        trigger: 'last',
        reduceOnly: true,
      }),
      perp,
    );
    expect(call.params).toEqual({
      instrument_name: 'BTC-PERPETUAL',
      amount: 100,
      type: 'take_limit',
      trigger: 'last_price',
      trigger_price: 64000,
      price: 63990,
      reduce_only: true,
      label: 'd1-t42-tp',
    });
  });

  it('defaults the trigger of a stop to the mark price', () => {
    const call = buildOrderParams(request({ side: 'sell', type: 'stop_market', price: undefined, triggerPrice: dec(58000) }), perp);
    expect(call.params.trigger).toBe('mark_price');
  });

  it('rounds prices to the tick on the safe side: buys down, sells up', () => {
    expect(buildOrderParams(request({ price: dec('60000.7') }), perp).params.price).toBe(60000.5);
    expect(buildOrderParams(request({ side: 'sell', price: dec('60000.2') }), perp).params.price).toBe(60000.5);
    // A sell stop rounds up (triggers no later), a buy stop rounds down.
    const sellStop = buildOrderParams(request({ side: 'sell', type: 'stop_market', price: undefined, triggerPrice: dec('58000.1') }), perp);
    expect(sellStop.params.trigger_price).toBe(58000.5);
    const buyStop = buildOrderParams(request({ type: 'stop_market', price: undefined, triggerPrice: dec('58000.9') }), perp);
    expect(buyStop.params.trigger_price).toBe(58000.5);
  });

  it('uses the tick step that applies at the price (options)', () => {
    const opt = (price: string, side: 'buy' | 'sell' = 'buy') =>
      buildOrderParams(request({ symbol: ethCall.symbol, size: dec(1), price: dec(price), side }), ethCall).params.price;
    expect(opt('0.00437')).toBe(0.0043); // below 0.005: tick 0.0001
    expect(opt('0.00437', 'sell')).toBe(0.0044);
    expect(opt('0.0123')).toBe(0.012); // above 0.005: tick 0.0005
    expect(opt('0.0123', 'sell')).toBe(0.0125);
    // The docs' example steps: above 200 the tick is 0.003.
    const put = buildOrderParams(request({ symbol: btcPut.symbol, size: dec('0.5'), price: dec('200.0045') }), btcPut);
    expect(put.params.price).toBe(200.004);
  });

  it('sends numbers without float artefacts', () => {
    const call = buildOrderParams(request({ symbol: btcPut.symbol, size: dec('0.30000000000000004'), price: dec('0.1') }), btcPut);
    expect(call.params.amount).toBe(0.3);
    expect(JSON.stringify(call.params)).toContain('"amount":0.3,');
    expect(call.params.price).toBe(0.1);
  });

  it('rounds the size down to the lot and rejects sizes below the minimum', () => {
    expect(buildOrderParams(request({ size: dec(105) }), perp).params.amount).toBe(100);
    expect(() => buildOrderParams(request({ size: dec(9) }), perp)).toThrow(DeribitRequestError);
    expect(() => buildOrderParams(request({ size: dec(9) }), perp)).toThrow(
      /size: 9 quote rounds down to 0 at lot 10, below the minimum 10/,
    );
    expect(() => buildOrderParams(request({ symbol: btcPut.symbol, size: dec('0.05'), price: dec('0.1') }), btcPut)).toThrow(
      /minimum 0\.1/,
    );
    expect(() => buildOrderParams(request({ size: dec(0) }), perp)).toThrow(/size: must be positive/);
  });

  it('maps time in force and sends valid_until when given', () => {
    const call = buildOrderParams(request({ timeInForce: 'ioc' }), perp, { validUntilMs: 1735689605000 });
    expect(call.params.time_in_force).toBe('immediate_or_cancel');
    expect(call.params.valid_until).toBe(1735689605000);
  });

  it('omits price for market orders', () => {
    const call = buildOrderParams(request({ type: 'market', price: dec(60000) }), perp);
    expect(call.params).toEqual({ instrument_name: 'BTC-PERPETUAL', amount: 100, type: 'market', label: 'd1-t42-entry' });
  });

  it('rejects inconsistent requests naming the field', () => {
    expect(() => buildOrderParams(request({ price: undefined }), perp)).toThrow(/price: required for a limit order/);
    expect(() => buildOrderParams(request({ type: 'stop_limit', triggerPrice: undefined }), perp)).toThrow(/triggerPrice: required/);
    expect(() => buildOrderParams(request({ triggerPrice: dec(1) }), perp)).toThrow(/triggerPrice: only stop\/take orders/);
    expect(() => buildOrderParams(request({ type: 'market', postOnly: true }), perp)).toThrow(/postOnly/);
    expect(() => buildOrderParams(request({ postOnly: true, timeInForce: 'ioc' }), perp)).toThrow(/postOnly: post-only needs/);
    expect(() => buildOrderParams(request({ symbol: 'ETH-PERPETUAL' }), perp)).toThrow(/symbol/);
    expect(() => buildOrderParams(request({ clientId: 'x'.repeat(65) }), perp)).toThrow(/label/);
    expect(() => buildOrderParams(request({ price: dec('-1') }), perp)).toThrow(/price: must be positive/);
  });
});

describe('buildEditParams', () => {
  it('re-sends the current amount and rounds the new trigger', () => {
    const call = buildEditParams({ ref: { symbol: 'BTC-PERPETUAL', venueOrderId: 'ETH-SLIS-12' }, triggerPrice: dec('57500.2') }, perp, {
      side: 'sell',
      size: dec(100),
    });
    expect(call).toEqual({ method: 'private/edit', params: { order_id: 'ETH-SLIS-12', amount: 100, trigger_price: 57500.5 } });
  });

  it('changes size and price', () => {
    const call = buildEditParams({ ref: { symbol: 'BTC-PERPETUAL', venueOrderId: '1' }, size: dec(200), price: dec('60000.4') }, perp, {
      side: 'buy',
      size: dec(100),
    });
    expect(call.params).toEqual({ order_id: '1', amount: 200, price: 60000 });
  });

  it('needs a venue id and something to change', () => {
    expect(() =>
      buildEditParams({ ref: { symbol: 'BTC-PERPETUAL', clientId: 'c' }, price: dec(1) }, perp, { side: 'buy', size: dec(10) }),
    ).toThrow(/ref\.venueOrderId/);
    expect(() => buildEditParams({ ref: { symbol: 'BTC-PERPETUAL', venueOrderId: '1' } }, perp, { side: 'buy', size: dec(10) })).toThrow(
      /nothing to change/,
    );
  });
});
