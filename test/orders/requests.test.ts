/** Pure request builders: entry, protective orders, closes and the legs that track them. */
import { describe, expect, it } from 'vitest';

import { Decimal } from '../../src/domain/decimal.js';
import { OrdersConfigSchema } from '../../src/orders/config.js';
import { closeRequest, entryRequest, exitLeg, newTrade, protectiveRequest } from '../../src/orders/requests.js';
import type { ValidatedIntent } from '../../src/orders/validation.js';
import { d, perp, trade } from './fixtures-pure.js';

const config = OrdersConfigSchema.parse({});
const intent: ValidatedIntent = {
  venue: 'v',
  symbol: 'BTC-PERPETUAL',
  side: 'buy',
  size: d(1000),
  entryType: 'limit',
  entryPrice: d(60000),
  referencePrice: d(60000),
  stopPrice: d(59000),
  notional: d(1000),
  lossAtStop: d('16.6'),
  source: 'test',
  label: 'L',
};

describe('entry', () => {
  it('builds a non-reduce-only entry and a pending trade with its entry leg', () => {
    expect(entryRequest(intent, 'cid')).toEqual({
      clientId: 'cid',
      symbol: 'BTC-PERPETUAL',
      side: 'buy',
      type: 'limit',
      size: d(1000),
      price: d(60000),
      reduceOnly: false,
      priority: 'normal',
    });
    const { trade: t, entry } = newTrade(intent, 'tid', 'cid', 42);
    expect(t).toMatchObject({
      id: 'tid',
      state: 'pending',
      stopPrice: d(59000),
      entryPrice: d(60000),
      label: 'L',
      createdAtMs: 42,
      updatedAtMs: 42,
    });
    expect(t.filledSize.isZero()).toBe(true);
    expect('takeProfitPrice' in t).toBe(false);
    expect(entry).toMatchObject({
      tradeId: 'tid',
      kind: 'entry',
      clientId: 'cid',
      state: 'pending',
      side: 'buy',
      type: 'limit',
      price: d(60000),
      createdAtMs: 42,
    });
  });

  it('leaves the price off a market entry', () => {
    const market = { ...intent, entryType: 'market' as const, entryPrice: undefined };
    expect('price' in entryRequest(market, 'cid')).toBe(false);
    expect('entryPrice' in newTrade(market, 'tid', 'cid', 0).trade).toBe(false);
  });
});

describe('protectiveRequest', () => {
  it('places a reduce-only protective stop-market on the opposite side at the stop price', () => {
    expect(protectiveRequest(trade(), 'stop_loss', 'sl', d(300), config, perp)).toEqual({
      clientId: 'sl',
      symbol: 'BTC-PERPETUAL',
      side: 'sell',
      type: 'stop_market',
      size: d(300),
      triggerPrice: d(59000),
      trigger: 'mark',
      reduceOnly: true,
      priority: 'protective',
    });
  });

  it('puts a stop-limit price beyond the trigger, rounded away from the market', () => {
    const cfg = OrdersConfigSchema.parse({ stopOrderType: 'stop_limit', stopLimitSlippagePct: 0.5 });
    // long: sell limit at 59000.3 - 0.5 % = 58705.2985, floored to the 0.5 tick
    expect(protectiveRequest(trade({ stopPrice: d('59000.3') }), 'stop_loss', 'sl', d(1), cfg, perp).price?.toString()).toBe('58705');
    // short: buy limit at 61000.3 + 0.5 % = 61305.3015, ceiled to the 0.5 tick
    expect(protectiveRequest(trade({ side: 'sell', stopPrice: d('61000.3') }), 'stop_loss', 'sl', d(1), cfg, perp).price?.toString()).toBe(
      '61305.5',
    );
    // without an instrument the raw price goes
    expect(protectiveRequest(trade(), 'stop_loss', 'sl', d(1), cfg, undefined).price?.toString()).toBe('58705');
  });

  it('places the take-profit as a normal-priority take-market at the target', () => {
    expect(protectiveRequest(trade(), 'take_profit', 'tp', d(1000), config, perp)).toMatchObject({
      type: 'take_market',
      side: 'sell',
      triggerPrice: d(61000),
      reduceOnly: true,
      priority: 'normal',
    });
  });
});

describe('close', () => {
  it('closes with a reduce-only protective market order tracked by a pending leg', () => {
    const r = closeRequest(trade({ side: 'sell' }), 'cl', d(500));
    expect(r).toEqual({
      clientId: 'cl',
      symbol: 'BTC-PERPETUAL',
      side: 'buy',
      type: 'market',
      size: d(500),
      reduceOnly: true,
      priority: 'protective',
    });
    expect(exitLeg(trade(), 'close', r, 7)).toEqual({
      tradeId: trade().id,
      kind: 'close',
      clientId: 'cl',
      state: 'pending',
      side: 'buy',
      type: 'market',
      size: d(500),
      filledSize: Decimal.ZERO,
      createdAtMs: 7,
      updatedAtMs: 7,
    });
  });

  it('copies price and trigger into a protective leg', () => {
    const r = protectiveRequest(trade(), 'stop_loss', 'sl', d(300), config, perp);
    expect(exitLeg(trade(), 'stop_loss', r, 1)).toMatchObject({
      kind: 'stop_loss',
      type: 'stop_market',
      triggerPrice: d(59000),
      size: d(300),
    });
  });
});
