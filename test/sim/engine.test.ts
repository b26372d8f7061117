/**
 * The simulator's matching engine: catalogue, market/limit/trigger orders, reduce-only, partial
 * fills, events and price paths.
 */
import { describe, expect, it } from 'vitest';

import { dec, Decimal } from '../../src/domain/decimal.js';
import { DERIBIT_IDS } from '../../src/sim/deribit/ids.js';
import { SimEngine } from '../../src/sim/engine/engine.js';
import { type EngineEvent, EngineRejection, type FillHooks, type SimOrder } from '../../src/sim/engine/types.js';

/** Monday 2026-01-05 12:00 UTC. */
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

function engine(extra: { fillHooks?: FillHooks; seed?: number } = {}): SimEngine {
  // Deribit's catalogue with the Deribit front-end's id scheme.
  return new SimEngine({ startTime: T0, initialIndex: { BTC: 50000, ETH: 2500 }, ids: DERIBIT_IDS, ...extra });
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

describe('instrument catalogue', () => {
  it('lists inverse perpetuals, a dated future and an options chain expiring at 08:00 UTC', () => {
    const e = engine();
    const names = e.instruments().map((i) => i.name);
    expect(names).toContain('BTC-PERPETUAL');
    expect(names).toContain('ETH-PERPETUAL');
    const btcPerp = e.instrument('BTC-PERPETUAL');
    expect(btcPerp?.contractSize.toString()).toBe('10');
    expect(btcPerp?.tickSize.toString()).toBe('0.5');
    expect(e.instrument('ETH-PERPETUAL')?.contractSize.toString()).toBe('1');
    expect(btcPerp?.expirationTimestamp).toBe(32503708800000);

    const dated = e.instruments().filter((i) => i.kind === 'future' && !i.perpetual);
    expect(dated.map((i) => i.name)).toEqual(['BTC-27MAR26', 'ETH-27MAR26']);

    const options = e.instruments().filter((i) => i.kind === 'option' && i.currency === 'BTC');
    const expiries = [...new Set(options.map((o) => o.expirationTimestamp))].sort((a, b) => a - b);
    for (const x of expiries) expect(new Date(x).getUTCHours()).toBe(8);
    const periods = new Set(options.map((o) => o.settlementPeriod));
    expect(periods).toEqual(new Set(['week', 'month']));
    // weekly (next Fridays), monthly (last Friday of Jan/Feb) and quarterly (Mar, Jun)
    expect(expiries.map((x) => new Date(x).toISOString().slice(0, 10))).toEqual([
      '2026-01-09',
      '2026-01-16',
      '2026-01-30',
      '2026-02-27',
      '2026-03-27',
      '2026-06-26',
    ]);
    const strikes = new Set(options.map((o) => o.strike?.toNumber()));
    expect(strikes.has(50000)).toBe(true);
    expect(strikes.has(44000)).toBe(true);
    expect(strikes.has(56000)).toBe(true);
    const opt = e.instrument('BTC-27MAR26-50000-C');
    expect(opt?.tickSize.toString()).toBe('0.0001');
    expect(opt?.tickSizeSteps.map((s) => [s.abovePrice.toString(), s.tickSize.toString()])).toEqual([['0.005', '0.0005']]);
    expect(opt?.minTradeAmount.toString()).toBe('0.1');
    expect(opt?.underlyingFuture).toBe('BTC-27MAR26');
  });

  it('prices options from the index with greeks and IV', () => {
    const e = engine();
    const t = e.ticker('BTC-27MAR26-50000-C', T0);
    expect(t.markPrice.isPositive()).toBe(true);
    expect(t.greeks?.delta).toBeGreaterThan(0.4);
    expect(t.greeks?.delta).toBeLessThan(0.7);
    expect(t.markIv).toBeGreaterThan(50);
    expect(t.underlyingIndex).toBe('BTC-27MAR26');
  });
});

describe('market and limit orders', () => {
  it('fills a market buy at the best ask as taker and opens a long', () => {
    const e = engine();
    const { order, trades } = e.placeOrder(
      { instrumentName: 'BTC-PERPETUAL', direction: 'buy', amount: dec(100), type: 'market', label: 'm1' },
      T0,
    );
    expect(order.state).toBe('filled');
    expect(order.filledAmount.toString()).toBe('100');
    expect(order.averagePrice.toString()).toBe('50000.5');
    expect(trades).toHaveLength(1);
    const t = trades[0];
    expect(t?.liquidity).toBe('T');
    expect(t?.price.toString()).toBe('50000.5');
    // taker fee 0.05 % of 100 USD at 50000.5 in BTC
    expect(t?.fee.toString()).toBe('0.000001');
    expect(t?.label).toBe('m1');
    const pos = e.position('BTC-PERPETUAL');
    expect(pos.size.toString()).toBe('100');
    expect(pos.direction).toBe('buy');
  });

  it('rests a limit below the ask and fills it as maker when the market trades through', () => {
    const e = engine();
    const { order } = e.placeOrder(
      { instrumentName: 'BTC-PERPETUAL', direction: 'buy', amount: dec(1000), type: 'limit', price: dec(49900) },
      T0,
    );
    expect(order.state).toBe('open');
    expect(e.openOrders().map((o) => o.orderId)).toEqual([order.orderId]);
    e.setIndexPrice('BTC', 49850, T0 + 1000);
    const after = e.getOrder(order.orderId);
    expect(after?.state).toBe('filled');
    expect(after?.averagePrice.toString()).toBe('49900');
    const trade = e.trades({ orderId: order.orderId })[0];
    expect(trade?.liquidity).toBe('M');
    expect(trade?.fee.toString()).toBe('0');
  });

  it('realizes inverse P&L in coin and keeps a harmonic average price', () => {
    const e = engine();
    e.placeOrder({ instrumentName: 'BTC-PERPETUAL', direction: 'buy', amount: dec(10000), type: 'limit', price: dec(50000) }, T0);
    e.setIndexPrice('BTC', 49999, T0 + 1);
    e.placeOrder({ instrumentName: 'BTC-PERPETUAL', direction: 'buy', amount: dec(10000), type: 'limit', price: dec(40000) }, T0 + 2);
    e.setIndexPrice('BTC', 39990, T0 + 3);
    let pos = e.position('BTC-PERPETUAL');
    expect(pos.size.toString()).toBe('20000');
    // 20000 / (10000/50000 + 10000/40000) = 44444.44444444
    expect(pos.averagePrice.toString()).toBe('44444.44444444');

    e.placeOrder({ instrumentName: 'BTC-PERPETUAL', direction: 'sell', amount: dec(20000), type: 'limit', price: dec(62500) }, T0 + 4);
    e.setIndexPrice('BTC', 62600, T0 + 5);
    pos = e.position('BTC-PERPETUAL');
    expect(pos.size.toString()).toBe('0');
    expect(pos.direction).toBe('zero');
    // 20000 * (1/44444.44444444 - 1/62500) = 0.45 - 0.32 = 0.13 BTC (to 1e-9)
    expect(pos.realizedProfitLoss.toString()).toBe('0.13');
    const summary = e.accountSummary('BTC');
    expect(summary.sessionRpl.toString()).toBe('0.13');
    expect(summary.balance.toString()).toBe('10.13');
  });

  it('values a short with negative size and floating P&L at the mark', () => {
    const e = engine();
    e.placeOrder({ instrumentName: 'BTC-PERPETUAL', direction: 'sell', amount: dec(500), type: 'market' }, T0);
    e.setMarkPrice('BTC-PERPETUAL', 40000, T0 + 1);
    const pos = e.position('BTC-PERPETUAL');
    expect(pos.size.toString()).toBe('-500');
    expect(pos.direction).toBe('sell');
    expect(pos.sizeCurrency.toString()).toBe('-0.0125');
    // -500 * (1/50000 - 1/40000) = +0.0025
    expect(pos.floatingProfitLoss.toString()).toBe('0.0025');
  });

  it('books option P&L linearly in coin', () => {
    const e = engine();
    const name = 'BTC-27MAR26-50000-C';
    e.setMarkPrice(name, '0.05', T0);
    const { order } = e.placeOrder({ instrumentName: name, direction: 'buy', amount: dec('0.5'), type: 'market' }, T0);
    expect(order.state).toBe('filled');
    const avg = order.averagePrice;
    e.setMarkPrice(name, '0.08', T0 + 1);
    const pos = e.position(name);
    expect(pos.size.toString()).toBe('0.5');
    expect(pos.floatingProfitLoss.toString()).toBe(dec('0.08').minus(avg).times('0.5').toString());
  });

  it('rejects bad amounts, ticks and sizes', () => {
    const e = engine();
    expect(
      rejection(() => e.placeOrder({ instrumentName: 'BTC-PERPETUAL', direction: 'buy', amount: dec(15), type: 'market' }, T0)).reason,
    ).toBe('amount_not_multiple');
    expect(
      rejection(() =>
        e.placeOrder({ instrumentName: 'BTC-PERPETUAL', direction: 'buy', amount: dec(10), type: 'limit', price: dec('49000.3') }, T0),
      ).reason,
    ).toBe('price_wrong_tick');
    expect(
      rejection(() => e.placeOrder({ instrumentName: 'BTC-27MAR26-50000-C', direction: 'buy', amount: dec('0.05'), type: 'market' }, T0))
        .reason,
    ).toBe('qty_too_low');
    // above 0.005 the option tick is 0.0005
    expect(
      rejection(() =>
        e.placeOrder(
          { instrumentName: 'BTC-27MAR26-50000-C', direction: 'buy', amount: dec('0.1'), type: 'limit', price: dec('0.0101') },
          T0,
        ),
      ).reason,
    ).toBe('price_wrong_tick');
    expect(rejection(() => e.placeOrder({ instrumentName: 'NOPE', direction: 'buy', amount: dec(10), type: 'market' }, T0)).reason).toBe(
      'instrument_not_found',
    );
  });

  it('rejects post-only orders that would take when reject_post_only is set, re-prices them otherwise', () => {
    const e = engine();
    expect(
      rejection(() =>
        e.placeOrder(
          {
            instrumentName: 'BTC-PERPETUAL',
            direction: 'buy',
            amount: dec(10),
            type: 'limit',
            price: dec(50001),
            postOnly: true,
            rejectPostOnly: true,
          },
          T0,
        ),
      ).reason,
    ).toBe('post_only_reject');
    const { order } = e.placeOrder(
      { instrumentName: 'BTC-PERPETUAL', direction: 'buy', amount: dec(10), type: 'limit', price: dec(50001), postOnly: true },
      T0,
    );
    expect(order.state).toBe('open');
    expect(order.price?.toString()).toBe('50000');
  });
});

describe('trigger orders', () => {
  it('fires a stop_market on the mark price and spawns a market order', () => {
    const e = engine();
    e.placeOrder({ instrumentName: 'BTC-PERPETUAL', direction: 'buy', amount: dec(100), type: 'market' }, T0);
    const { order: stop } = e.placeOrder(
      {
        instrumentName: 'BTC-PERPETUAL',
        direction: 'sell',
        amount: dec(100),
        type: 'stop_market',
        trigger: 'mark_price',
        triggerPrice: dec(49000),
        reduceOnly: true,
        label: 'sl',
      },
      T0,
    );
    expect(stop.state).toBe('untriggered');
    expect(stop.price).toBeUndefined();
    expect(stop.orderId).toMatch(/^BTC-SLMS-\d+$/);
    e.setMarkPrice('BTC-PERPETUAL', 49100, T0 + 1);
    expect(e.getOrder(stop.orderId)?.state).toBe('untriggered');
    e.setMarkPrice('BTC-PERPETUAL', 48990, T0 + 2);
    expect(e.getOrder(stop.orderId)?.state).toBe('triggered');
    const child = e.allOrders().find((o) => o.triggerOrderId === stop.orderId);
    expect(child?.orderType).toBe('market');
    expect(child?.state).toBe('filled');
    expect(child?.label).toBe('sl');
    expect(e.position('BTC-PERPETUAL').size.toString()).toBe('0');
  });

  it('fires on the index and on the last price, and take orders trigger the other way', () => {
    const e = engine();
    const { order: idx } = e.placeOrder(
      {
        instrumentName: 'BTC-PERPETUAL',
        direction: 'buy',
        amount: dec(10),
        type: 'stop_limit',
        trigger: 'index_price',
        triggerPrice: dec(51000),
        price: dec(51100),
      },
      T0,
    );
    const { order: last } = e.placeOrder(
      {
        instrumentName: 'ETH-PERPETUAL',
        direction: 'buy',
        amount: dec(5),
        type: 'take_market',
        trigger: 'last_price',
        triggerPrice: dec(2400),
      },
      T0,
    );
    e.setIndexPrice('BTC', 51000, T0 + 1);
    expect(e.getOrder(idx.orderId)?.state).toBe('triggered');
    expect(e.position('BTC-PERPETUAL').size.toString()).toBe('10');
    e.setLastPrice('ETH-PERPETUAL', 2450, T0 + 2);
    expect(e.getOrder(last.orderId)?.state).toBe('untriggered');
    e.setLastPrice('ETH-PERPETUAL', 2399, T0 + 3);
    expect(e.getOrder(last.orderId)?.state).toBe('triggered');
    expect(e.position('ETH-PERPETUAL').size.toString()).toBe('5');
  });

  it('refuses a trigger on the wrong side of the reference price', () => {
    const e = engine();
    const r = rejection(() =>
      e.placeOrder(
        {
          instrumentName: 'BTC-PERPETUAL',
          direction: 'sell',
          amount: dec(10),
          type: 'stop_market',
          trigger: 'mark_price',
          triggerPrice: dec(51000),
        },
        T0,
      ),
    );
    expect(r.reason).toBe('trigger_price_too_high');
    const r2 = rejection(() =>
      e.placeOrder(
        {
          instrumentName: 'BTC-PERPETUAL',
          direction: 'sell',
          amount: dec(10),
          type: 'take_market',
          trigger: 'mark_price',
          triggerPrice: dec(49000),
        },
        T0,
      ),
    );
    expect(r2.reason).toBe('trigger_price_too_low');
  });
});

describe('reduce-only', () => {
  it('clips a reduce-only market order to the position and never flips it', () => {
    const e = engine();
    e.placeOrder({ instrumentName: 'BTC-PERPETUAL', direction: 'buy', amount: dec(100), type: 'market' }, T0);
    const { order } = e.placeOrder(
      { instrumentName: 'BTC-PERPETUAL', direction: 'sell', amount: dec(300), type: 'market', reduceOnly: true },
      T0,
    );
    expect(order.filledAmount.toString()).toBe('100');
    expect(order.state).toBe('cancelled');
    expect(e.position('BTC-PERPETUAL').size.toString()).toBe('0');
  });

  it('refuses a reduce-only order that would open or grow a position', () => {
    const e = engine();
    expect(
      rejection(() =>
        e.placeOrder({ instrumentName: 'BTC-PERPETUAL', direction: 'sell', amount: dec(10), type: 'market', reduceOnly: true }, T0),
      ).reason,
    ).toBe('reduce_only_would_increase');
    e.placeOrder({ instrumentName: 'BTC-PERPETUAL', direction: 'buy', amount: dec(10), type: 'market' }, T0);
    expect(
      rejection(() =>
        e.placeOrder(
          { instrumentName: 'BTC-PERPETUAL', direction: 'buy', amount: dec(10), type: 'limit', price: dec(49000), reduceOnly: true },
          T0,
        ),
      ).reason,
    ).toBe('reduce_only_would_increase');
  });

  it('rejects the spawned order of a reduce-only stop when the position is already gone', () => {
    const e = engine();
    e.placeOrder({ instrumentName: 'BTC-PERPETUAL', direction: 'buy', amount: dec(100), type: 'market' }, T0);
    const { order: stop } = e.placeOrder(
      {
        instrumentName: 'BTC-PERPETUAL',
        direction: 'sell',
        amount: dec(100),
        type: 'stop_market',
        trigger: 'mark_price',
        triggerPrice: dec(49000),
        reduceOnly: true,
      },
      T0,
    );
    e.closePosition('BTC-PERPETUAL', 'market', undefined, T0 + 1);
    e.setMarkPrice('BTC-PERPETUAL', 48000, T0 + 2);
    const child = e.allOrders().find((o) => o.triggerOrderId === stop.orderId);
    expect(child?.state).toBe('rejected');
    expect(child?.rejectReason).toBe('reduce_only_would_increase');
    expect(e.position('BTC-PERPETUAL').size.toString()).toBe('0');
  });

  it('stops a resting reduce-only limit at the position size and cancels the rest', () => {
    const e = engine();
    e.placeOrder({ instrumentName: 'BTC-PERPETUAL', direction: 'buy', amount: dec(100), type: 'market' }, T0);
    const { order } = e.placeOrder(
      { instrumentName: 'BTC-PERPETUAL', direction: 'sell', amount: dec(200), type: 'limit', price: dec(52000), reduceOnly: true },
      T0,
    );
    e.setIndexPrice('BTC', 52100, T0 + 1);
    const after = e.getOrder(order.orderId);
    expect(after?.filledAmount.toString()).toBe('100');
    expect(after?.state).toBe('cancelled');
    expect(e.position('BTC-PERPETUAL').size.toString()).toBe('0');
  });
});

describe('partial fills', () => {
  class CapOnce implements FillHooks {
    used = new Set<string>();
    constructor(private readonly cap: Decimal) {}
    maxFillFor(order: Readonly<SimOrder>): Decimal | undefined {
      if (this.used.has(order.orderId)) return undefined;
      this.used.add(order.orderId);
      return this.cap;
    }
  }

  it('leaves a capped marketable limit partially filled (working) with filled_amount and the right average', () => {
    const e = engine({ fillHooks: new CapOnce(dec(30)) });
    const { order, trades } = e.placeOrder(
      { instrumentName: 'BTC-PERPETUAL', direction: 'buy', amount: dec(100), type: 'limit', price: dec(50100) },
      T0,
    );
    expect(trades).toHaveLength(1);
    expect(order.state).toBe('partially_filled');
    expect(trades[0]?.state).toBe('partially_filled');
    expect(e.openOrders().map((o) => o.orderId)).toEqual([order.orderId]);
    expect(order.filledAmount.toString()).toBe('30');
    expect(order.averagePrice.toString()).toBe('50000.5');
    // the next matching pass (a price move) fills the rest
    e.setIndexPrice('BTC', 50010, T0 + 1);
    const done = e.getOrder(order.orderId);
    expect(done?.state).toBe('filled');
    expect(done?.filledAmount.toString()).toBe('100');
  });

  it('cancels the remainder of a capped market order', () => {
    const e = engine({ fillHooks: new CapOnce(dec(40)) });
    const { order } = e.placeOrder({ instrumentName: 'BTC-PERPETUAL', direction: 'sell', amount: dec(100), type: 'market' }, T0);
    expect(order.state).toBe('cancelled');
    expect(order.filledAmount.toString()).toBe('40');
    expect(e.position('BTC-PERPETUAL').size.toString()).toBe('-40');
  });
});

describe('events and price paths', () => {
  it('emits order, trade, position and portfolio events per operation', () => {
    const e = engine();
    const batches: EngineEvent[][] = [];
    e.onEvents((b) => batches.push([...b]));
    e.placeOrder({ instrumentName: 'BTC-PERPETUAL', direction: 'buy', amount: dec(10), type: 'market' }, T0);
    expect(batches).toHaveLength(1);
    const types = batches[0]?.map((ev) => ev.type);
    expect(types).toEqual(['order', 'trade', 'position', 'ticker', 'portfolio']);
  });

  it('walks prices deterministically for a seed', () => {
    const a = engine({ seed: 42 });
    const b = engine({ seed: 42 });
    const c = engine({ seed: 43 });
    for (let i = 1; i <= 5; i++) {
      a.step(T0 + i * 1000);
      b.step(T0 + i * 1000);
      c.step(T0 + i * 1000);
    }
    expect(a.indexPrice('BTC').toString()).toBe(b.indexPrice('BTC').toString());
    expect(a.indexPrice('BTC').toString()).not.toBe(c.indexPrice('BTC').toString());
    expect(a.indexPrice('BTC').eq(50000)).toBe(false);
  });

  it('keeps the annual volatility whatever the step period (the step sd scales with sqrt(dt))', () => {
    const realised = (stepMs: number, steps: number): number => {
      const e = new SimEngine({
        startTime: T0,
        seed: 3,
        initialIndex: { BTC: 50000, ETH: 2500 },
        volatility: { BTC: 0.6 },
        tradeRates: { perpetual: 0, future: 0, option: 0 },
        catalogue: { strikesEachSide: 0, weeklies: 0 },
      });
      let prev = e.indexPrice('BTC').toNumber();
      let sum = 0;
      let sumSq = 0;
      for (let i = 1; i <= steps; i++) {
        e.step(T0 + i * stepMs);
        const px = e.indexPrice('BTC').toNumber();
        const r = Math.log(px / prev);
        sum += r;
        sumSq += r * r;
        prev = px;
      }
      const variance = sumSq / steps - (sum / steps) ** 2;
      return Math.sqrt((variance * 365 * 86_400_000) / stepMs);
    };
    // 3000 returns: the estimate's relative sd is about 1 / sqrt(6000) ≈ 1.3 %, so 5 % is a wide margin.
    expect(Math.abs(realised(100, 3000) / 0.6 - 1)).toBeLessThan(0.05);
    expect(Math.abs(realised(1000, 3000) / 0.6 - 1)).toBeLessThan(0.05);
  });

  it('prints the crowd’s trades while the walk runs: last price, volume, high and low move; book sizes vary', () => {
    const e = new SimEngine({ startTime: T0, seed: 5, initialIndex: { BTC: 50000, ETH: 2500 }, tradeRates: { perpetual: 5 } });
    const tape: EngineEvent[] = [];
    e.onEvents((b) => tape.push(...b.filter((ev) => ev.type === 'public_trade')));
    const before = e.ticker('BTC-PERPETUAL', T0);
    const amounts = new Set<string>();
    for (let i = 1; i <= 50; i++) {
      e.step(T0 + i * 100);
      amounts.add(e.ticker('BTC-PERPETUAL', T0 + i * 100).bestBidAmount.toString());
    }
    const after = e.ticker('BTC-PERPETUAL', T0 + 5000);
    const perpTrades = tape.filter((ev) => ev.type === 'public_trade' && ev.trade.instrumentName === 'BTC-PERPETUAL');
    // 5 trades/s over 5 s: about 25 (at most one per step).
    expect(perpTrades.length).toBeGreaterThan(10);
    expect(after.stats.volume.gt(before.stats.volume)).toBe(true);
    expect(after.lastPrice?.eq(before.lastPrice ?? 0)).toBe(false);
    expect(after.stats.high?.gt(after.stats.low ?? 0)).toBe(true);
    expect(amounts.size).toBeGreaterThan(5);
    // The price path of a seed does not depend on the crowd.
    const quiet = new SimEngine({
      startTime: T0,
      seed: 5,
      initialIndex: { BTC: 50000, ETH: 2500 },
      tradeRates: { perpetual: 0, future: 0, option: 0 },
    });
    quiet.step(T0 + 5000);
    const busy = new SimEngine({ startTime: T0, seed: 5, initialIndex: { BTC: 50000, ETH: 2500 } });
    busy.step(T0 + 5000);
    expect(busy.indexPrice('BTC').toString()).toBe(quiet.indexPrice('BTC').toString());
  });

  it('cancels orders and settles positions when an instrument expires', () => {
    const e = engine();
    const name = 'BTC-9JAN26-50000-C';
    e.setMarkPrice(name, '0.01', T0);
    e.placeOrder({ instrumentName: name, direction: 'buy', amount: dec(1), type: 'market' }, T0);
    const { order } = e.placeOrder({ instrumentName: name, direction: 'buy', amount: dec(1), type: 'limit', price: dec('0.0001') }, T0);
    e.setIndexPrice('BTC', 55000, T0 + 1);
    e.advance(Date.UTC(2026, 0, 9, 8, 0, 0));
    expect(e.getOrder(order.orderId)?.cancelReason).toBe('settlement');
    expect(e.position(name).size.isZero()).toBe(true);
    expect(e.isActive(name)).toBe(false);
    expect(Decimal.from(e.position(name).realizedProfitLoss).isPositive()).toBe(true);
  });
});
