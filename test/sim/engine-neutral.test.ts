/** The venue-neutral engine: OKX and Bybit catalogues, linear USDT P&L / fees / margin, neutral states, trigger directions, OCO and position-tied orders. */
import { describe, expect, it } from 'vitest';

import { dec } from '../../src/domain/decimal.js';
import { applyFill, feeFor, FLAT, pnlOf } from '../../src/sim/engine/accounting.js';
import { SimEngine } from '../../src/sim/engine/engine.js';
import { EngineRejection, type SimInstrument, type SimVenue, wouldTriggerImmediately } from '../../src/sim/engine/types.js';

/** Monday 2026-01-05 12:00 UTC. */
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

function engine(venue: SimVenue, extra: { balances?: Record<string, number>; btc?: number } = {}): SimEngine {
  return new SimEngine({
    startTime: T0,
    venue,
    initialIndex: { BTC: extra.btc ?? 60000, ETH: 3000 },
    ...(extra.balances ? { balances: extra.balances } : {}),
  });
}

function inst(e: SimEngine, name: string): SimInstrument {
  const i = e.instrument(name);
  if (!i) throw new Error(`no ${name}`);
  return i;
}

function rejection(fn: () => unknown): EngineRejection {
  try {
    fn();
  } catch (e) {
    if (e instanceof EngineRejection) return e;
    throw e;
  }
  throw new Error('expected an EngineRejection');
}

describe('catalogues per venue', () => {
  it('lists OKX USDT swaps with the capture’s ctVal, lotSz, minSz, tickSz (sized in contracts, settled in USDT)', () => {
    const e = engine('okx');
    expect(e.instruments().map((i) => i.name)).toEqual(['BTC-USDT-SWAP', 'ETH-USDT-SWAP']);
    const btc = inst(e, 'BTC-USDT-SWAP');
    expect(btc).toMatchObject({
      kind: 'future',
      perpetual: true,
      contractType: 'linear',
      amountUnit: 'contracts',
      settleCurrency: 'USDT',
      quoteCurrency: 'USDT',
      currency: 'BTC',
      id: 10459,
    });
    expect([btc.contractSize, btc.amountStep, btc.minTradeAmount, btc.tickSize, btc.maxMarketAmount].map((d) => d?.toString())).toEqual([
      '0.01',
      '0.01',
      '0.01',
      '0.1',
      '12000',
    ]);
    const eth = inst(e, 'ETH-USDT-SWAP');
    expect([eth.contractSize, eth.amountStep, eth.minTradeAmount, eth.tickSize].map((d) => d.toString())).toEqual([
      '0.1',
      '0.01',
      '0.01',
      '0.01',
    ]);
    expect(e.settlementCurrencies()).toEqual(['USDT']);
  });

  it('lists Bybit linear perpetuals sized in base coin (contract value 1) with qtyStep, tickSize and min notional', () => {
    const e = engine('bybit');
    expect(e.instruments().map((i) => i.name)).toEqual(['BTCUSDT', 'ETHUSDT', 'BTCUSD', 'ETHUSD']);
    expect(inst(e, 'BTCUSD')).toMatchObject({ contractType: 'inverse', amountUnit: 'quote', settleCurrency: 'BTC', quoteCurrency: 'USD' });
    const btc = inst(e, 'BTCUSDT');
    expect(btc).toMatchObject({
      contractType: 'linear',
      amountUnit: 'base',
      settleCurrency: 'USDT',
      id: 5,
      creationTimestamp: 1585526400000,
    });
    expect(
      [btc.contractSize, btc.amountStep, btc.minTradeAmount, btc.tickSize, btc.minNotional, btc.takerCommission].map((d) => d?.toString()),
    ).toEqual(['1', '0.001', '0.001', '0.1', '5', '0.00055']);
    expect(inst(e, 'ETHUSDT').amountStep.toString()).toBe('0.01');
  });

  it('keeps Deribit’s catalogue by default: inverse, USD-sized, coin-settled perpetuals and coin options', () => {
    const e = new SimEngine({ startTime: T0 });
    expect(inst(e, 'BTC-PERPETUAL')).toMatchObject({
      contractType: 'inverse',
      amountUnit: 'quote',
      settleCurrency: 'BTC',
      quoteCurrency: 'USD',
    });
    expect(e.settlementCurrencies()).toEqual(['BTC', 'ETH']);
  });
});

describe('P&L arithmetic per contract type (exact decimals)', () => {
  it('linear: coin x (price - avg) in USDT, with ctVal for OKX contracts', () => {
    const okx = engine('okx');
    // 2 ETH-USDT-SWAP contracts = 0.2 ETH; 3000 -> 3100 = +20 USDT; short loses the same.
    expect(pnlOf(inst(okx, 'ETH-USDT-SWAP'), dec(2), dec(3000), dec(3100)).toString()).toBe('20');
    expect(pnlOf(inst(okx, 'ETH-USDT-SWAP'), dec(-2), dec(3000), dec(3100)).toString()).toBe('-20');
    // bybit.md worked number: long 0.1 BTCUSDT from 50000 to 55000 = +500 USDT.
    expect(pnlOf(inst(engine('bybit'), 'BTCUSDT'), dec('0.1'), dec(50000), dec(55000)).toString()).toBe('500');
  });

  it('inverse: usd x (1/avg - 1/price) in coin (bybit.md’s worked numbers on a USD-sized perpetual)', () => {
    const perp = inst(new SimEngine({ startTime: T0 }), 'BTC-PERPETUAL');
    expect(pnlOf(perp, dec(1000), dec(50000), dec(55000)).toString()).toBe('0.001818182');
    expect(pnlOf(perp, dec(1000), dec(50000), dec(45000)).toString()).toBe('-0.002222222');
  });

  it('linear averages are value-weighted, inverse ones harmonic', () => {
    const linear = inst(engine('okx'), 'BTC-USDT-SWAP');
    const a = applyFill(applyFill(FLAT, linear, 'buy', dec(1), dec(60000)).next, linear, 'buy', dec(3), dec(61000)).next;
    expect(a.averagePrice.toString()).toBe('60750');
    const inverse = inst(new SimEngine({ startTime: T0 }), 'BTC-PERPETUAL');
    const b = applyFill(applyFill(FLAT, inverse, 'buy', dec(100), dec(50000)).next, inverse, 'buy', dec(100), dec(60000)).next;
    // 200 / (100/50000 + 100/60000) = 54545.4545...
    expect(b.averagePrice.toString()).toBe('54545.45454545');
  });

  it('fees: linear rate x coin x price in USDT, inverse rate x usd / price in coin', () => {
    const okx = inst(engine('okx'), 'BTC-USDT-SWAP');
    // okx.md orders push: 0.4 contracts x 0.01 BTC x 60000 as maker (0.02 %) = 0.048 USDT.
    expect(feeFor(okx, dec('0.4'), dec(60000), 'M').toString()).toBe('0.048');
    expect(feeFor(okx, dec(3), dec('60000.1'), 'T').toString()).toBe('0.9000015');
    expect(feeFor(inst(engine('bybit'), 'BTCUSDT'), dec('0.1'), dec(55000), 'T').toString()).toBe('3.025');
    expect(feeFor(inst(new SimEngine({ startTime: T0 }), 'BTC-PERPETUAL'), dec(1000), dec(50000), 'T').toString()).toBe('0.00001');
  });
});

describe('linear trading on OKX and Bybit catalogues', () => {
  it('OKX: opens 3 contracts, values them at the mark, closes them: P&L, fees, margin and equity in USDT', () => {
    const e = engine('okx');
    const buy = e.placeOrder({ instrumentName: 'BTC-USDT-SWAP', direction: 'buy', amount: dec(3), type: 'market' }, T0);
    expect(buy.order.state).toBe('filled');
    expect(buy.trades.map((t) => [t.price.toString(), t.fee.toString(), t.feeCurrency, t.liquidity])).toEqual([
      ['60000.1', '0.9000015', 'USDT', 'T'],
    ]);

    e.setMarkPrice('BTC-USDT-SWAP', 61000, T0 + 1);
    const pos = e.position('BTC-USDT-SWAP');
    expect(pos).toMatchObject({ settleCurrency: 'USDT', direction: 'buy' });
    expect(
      [pos.size, pos.averagePrice, pos.sizeCurrency, pos.notional, pos.floatingProfitLoss, pos.initialMargin, pos.maintenanceMargin].map(
        (d) => d.toString(),
      ),
    ).toEqual(['3', '60000.1', '0.03', '1830', '29.997', '18.3', '12.81']);
    const open = e.accountSummary('USDT');
    expect([open.balance, open.equity, open.availableFunds, open.initialMargin].map((d) => d.toString())).toEqual([
      '99999.0999985',
      '100029.0969985',
      '100010.7969985',
      '18.3',
    ]);
    // Deribit's coin accounts are untouched by USDT trading.
    expect(e.accountSummary('BTC').balance.toString()).toBe('10');

    const sell = e.placeOrder({ instrumentName: 'BTC-USDT-SWAP', direction: 'sell', amount: dec(3), type: 'market' }, T0 + 2);
    expect(sell.trades.map((t) => [t.price.toString(), t.fee.toString(), t.profitLoss.toString()])).toEqual([['61000', '0.915', '29.997']]);
    const closed = e.accountSummary('USDT');
    expect([closed.balance, closed.equity, closed.sessionRpl, closed.initialMargin].map((d) => d.toString())).toEqual([
      '100028.1819985',
      '100028.1819985',
      '29.997',
      '0',
    ]);
  });

  it('Bybit: a resting limit fills as maker at its price; +500 USDT on 0.1 BTC from 50000 to 55000', () => {
    const e = engine('bybit', { btc: 50000 });
    const bid = e.placeOrder({ instrumentName: 'BTCUSDT', direction: 'buy', amount: dec('0.1'), type: 'limit', price: dec(50000) }, T0);
    expect(bid.order.state).toBe('open');
    e.setMarkPrice('BTCUSDT', '49999.9', T0 + 1);
    const filled = e.getOrder(bid.order.orderId);
    expect(filled?.state).toBe('filled');
    expect(e.trades({ orderId: bid.order.orderId }).map((t) => [t.price.toString(), t.fee.toString(), t.liquidity])).toEqual([
      ['50000', '1', 'M'],
    ]);
    e.setMarkPrice('BTCUSDT', 55000, T0 + 2);
    const exit = e.placeOrder(
      { instrumentName: 'BTCUSDT', direction: 'sell', amount: dec('0.1'), type: 'limit', price: dec(55000) },
      T0 + 3,
    );
    expect(exit.trades.map((t) => [t.price.toString(), t.fee.toString(), t.profitLoss.toString()])).toEqual([['55000', '3.025', '500']]);
    expect(e.accountSummary('USDT').balance.toString()).toBe('100495.975');
  });

  it('enforces lot, minimum, maximum, min notional, tick and USDT margin', () => {
    const okx = engine('okx');
    const place = (e: SimEngine, name: string, amount: string, extra: { price?: string; type?: 'market' | 'limit' } = {}) =>
      rejection(() =>
        e.placeOrder(
          {
            instrumentName: name,
            direction: 'buy',
            amount: dec(amount),
            type: extra.type ?? (extra.price ? 'limit' : 'market'),
            ...(extra.price ? { price: dec(extra.price) } : {}),
          },
          T0,
        ),
      ).reason;
    expect(place(okx, 'BTC-USDT-SWAP', '0.005')).toBe('qty_too_low');
    expect(place(okx, 'BTC-USDT-SWAP', '0.015')).toBe('amount_not_multiple');
    expect(place(okx, 'BTC-USDT-SWAP', '12000.01')).toBe('qty_too_high');
    expect(place(okx, 'BTC-USDT-SWAP', '1', { price: '59000.05' })).toBe('price_wrong_tick');
    // Reduce-only orders are exempt from the max size: a stop on a large position is never refused for size.
    okx.placeOrder({ instrumentName: 'BTC-USDT-SWAP', direction: 'buy', amount: dec(12000), type: 'market' }, T0);
    okx.placeOrder({ instrumentName: 'BTC-USDT-SWAP', direction: 'buy', amount: dec(1), type: 'market' }, T0);
    const flat = okx.placeOrder(
      { instrumentName: 'BTC-USDT-SWAP', direction: 'sell', amount: dec(12001), type: 'market', reduceOnly: true },
      T0,
    ).order;
    expect([flat.state, flat.filledAmount.toString()]).toEqual(['filled', '12001']);
    const bybit = engine('bybit');
    expect(place(bybit, 'BTCUSDT', '0.0015')).toBe('amount_not_multiple');
    expect(place(bybit, 'BTCUSDT', '0.001', { price: '4000' })).toBe('notional_too_low');
    const poor = engine('bybit', { balances: { USDT: 100 } });
    // 1 BTC at ~60000 needs 600 USDT initial margin at 100x.
    expect(place(poor, 'BTCUSDT', '1')).toBe('not_enough_funds');
    expect(() =>
      poor.placeOrder({ instrumentName: 'BTCUSDT', direction: 'buy', amount: dec('0.1'), type: 'limit', price: dec(59000) }, T0),
    ).not.toThrow();
  });
});

describe('neutral states and conditional orders', () => {
  it('OKX-style OCO: reduce-only stop and take-profit on a long; the stop fires, spawns a market order, the take is cancelled', () => {
    const e = engine('okx');
    e.placeOrder({ instrumentName: 'BTC-USDT-SWAP', direction: 'buy', amount: dec(5), type: 'market' }, T0);
    const common = {
      instrumentName: 'BTC-USDT-SWAP',
      direction: 'sell' as const,
      amount: dec(5),
      reduceOnly: true,
      trigger: 'mark_price' as const,
      ocoGroup: 'oco-1',
    };
    const sl = e.placeOrder({ ...common, type: 'stop_market', triggerPrice: dec(58000) }, T0 + 1).order;
    const tp = e.placeOrder({ ...common, type: 'take_market', triggerPrice: dec(62000) }, T0 + 1).order;
    expect([sl.state, sl.triggerDirection, tp.state, tp.triggerDirection]).toEqual(['untriggered', 'falling', 'untriggered', 'rising']);
    // Without a front-end id scheme, ids are plain sequence numbers.
    expect([sl.orderId, tp.orderId]).toEqual(['algo-1', 'algo-2']);
    e.setMarkPrice('BTC-USDT-SWAP', 57990, T0 + 2);
    expect(e.getOrder(sl.orderId)).toMatchObject({ state: 'triggered', triggered: true });
    expect(e.getOrder(tp.orderId)).toMatchObject({ state: 'cancelled', cancelReason: 'oco_sibling' });
    const child = e.allOrders({ predicate: (o) => o.triggerOrderId === sl.orderId });
    expect(child).toHaveLength(1);
    expect(child[0]).toMatchObject({ orderType: 'market', state: 'filled', reduceOnly: true });
    expect(e.position('BTC-USDT-SWAP').size.isZero()).toBe(true);
    expect(e.openOrders()).toEqual([]);
  });

  it('Bybit-style conditional with an explicit direction: a buy that fires when the price falls; the wrong side is refused', () => {
    const e = engine('bybit');
    const req = {
      instrumentName: 'BTCUSDT',
      direction: 'buy' as const,
      amount: dec('0.01'),
      type: 'stop_market' as const,
      trigger: 'last_price' as const,
    };
    // Default for a stop buy is rising: a trigger below the price would fire at once (Bybit 110092).
    const wrong = rejection(() => e.placeOrder({ ...req, triggerPrice: dec(59000) }, T0));
    expect(wrong.reason).toBe('trigger_price_too_low');
    expect(wouldTriggerImmediately(wrong.reason)).toBe(true);
    // Falling with a trigger above the price (Bybit 110093).
    expect(rejection(() => e.placeOrder({ ...req, triggerPrice: dec(61000), triggerDirection: 'falling' }, T0)).reason).toBe(
      'trigger_price_too_high',
    );
    const dip = e.placeOrder({ ...req, triggerPrice: dec(59000), triggerDirection: 'falling' }, T0).order;
    expect(dip.state).toBe('untriggered');
    e.setLastPrice('BTCUSDT', 59000, T0 + 1);
    expect(e.getOrder(dip.orderId)?.state).toBe('triggered');
    expect(e.position('BTCUSDT').size.toString()).toBe('0.01');
  });

  it('cancels orders tied to the position when it goes flat, and keeps reduce-only for linear contracts', () => {
    const e = engine('okx');
    expect(
      rejection(() =>
        e.placeOrder({ instrumentName: 'BTC-USDT-SWAP', direction: 'sell', amount: dec(1), type: 'market', reduceOnly: true }, T0),
      ).reason,
    ).toBe('reduce_only_would_increase');
    e.placeOrder({ instrumentName: 'BTC-USDT-SWAP', direction: 'buy', amount: dec(2), type: 'market' }, T0);
    const tp = e.placeOrder(
      {
        instrumentName: 'BTC-USDT-SWAP',
        direction: 'sell',
        amount: dec(2),
        type: 'take_limit',
        price: dec(63000),
        trigger: 'mark_price',
        triggerPrice: dec(63000),
        reduceOnly: true,
        cancelOnPositionClose: true,
      },
      T0 + 1,
    ).order;
    const manual = e.placeOrder(
      { instrumentName: 'BTC-USDT-SWAP', direction: 'buy', amount: dec(1), type: 'limit', price: dec(50000) },
      T0 + 1,
    ).order;
    // Reduce-only market sell of 5 against a long of 2: fills 2, the rest is cancelled, no flip.
    const close = e.placeOrder(
      { instrumentName: 'BTC-USDT-SWAP', direction: 'sell', amount: dec(5), type: 'market', reduceOnly: true },
      T0 + 2,
    ).order;
    expect(close).toMatchObject({ state: 'cancelled', cancelReason: 'unfilled_remainder' });
    expect(close.filledAmount.toString()).toBe('2');
    expect(e.position('BTC-USDT-SWAP').size.isZero()).toBe(true);
    expect(e.getOrder(tp.orderId)).toMatchObject({ state: 'cancelled', cancelReason: 'position_closed' });
    expect(e.getOrder(manual.orderId)?.state).toBe('open');
  });

  it('cancels a post-only order that would take when asked to (OKX, Bybit), instead of re-pricing it (Deribit)', () => {
    const e = engine('bybit');
    const req = { instrumentName: 'BTCUSDT', direction: 'buy' as const, amount: dec('0.01'), type: 'limit' as const, postOnly: true };
    // Book: bid 60000, ask 60000.1.
    const taking = e.placeOrder({ ...req, price: dec('60000.1'), cancelPostOnly: true }, T0);
    expect(taking.trades).toEqual([]);
    expect(taking.order).toMatchObject({ state: 'cancelled', cancelReason: 'post_only' });
    expect(e.openOrders()).toEqual([]);
    const resting = e.placeOrder({ ...req, price: dec(60000), cancelPostOnly: true }, T0).order;
    expect(resting.state).toBe('open');
    const repriced = e.placeOrder({ ...req, price: dec('60000.1') }, T0).order;
    expect([repriced.state, repriced.price?.toString()]).toEqual(['open', '60000']);
  });

  it('reports partially filled working orders and emits a USDT portfolio event', () => {
    const e = new SimEngine({
      startTime: T0,
      venue: 'okx',
      initialIndex: { BTC: 60000, ETH: 3000 },
      fillHooks: { maxFillFor: (o) => (o.filledAmount.isZero() ? dec(1) : undefined) },
    });
    const seen: string[] = [];
    e.onEvents((batch) => {
      for (const ev of batch) if (ev.type === 'portfolio') seen.push(ev.currency);
    });
    const { order } = e.placeOrder(
      { instrumentName: 'BTC-USDT-SWAP', direction: 'buy', amount: dec(4), type: 'limit', price: dec(60100) },
      T0,
    );
    expect(order.state).toBe('partially_filled');
    expect(order.filledAmount.toString()).toBe('1');
    expect(e.openOrders().map((o) => o.orderId)).toEqual([order.orderId]);
    expect(seen).toContain('USDT');
    expect(seen).not.toContain('BTC');
  });
});
