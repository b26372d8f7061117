/**
 * The example strategy on its shipped Bybit market (BTCUSDT, a 100 USD notional) over the real
 * order manager and the real Bybit adapter on the simulated Bybit: a rise opens a long sized in
 * BTC, with a reduce-only stop and take-profit resting on the simulator and the legs in the store.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { dec } from '../../src/domain/decimal.js';
import { exampleMarkets, ExampleMomentum, ExampleMomentumConfigSchema } from '../../src/strategies/example-momentum.js';
import { StrategyRunner } from '../../src/strategies/runner.js';
import { type Services, silentLogger, startServices } from '../orders/harness.js';
import { type BybitHarness, startBybitHarness } from '../support/bybit-harness.js';
import { REPO_ROOT } from '../support/daemon-process.js';
import { waitFor } from '../support/wait.js';

const SYMBOL = 'BTCUSDT';

/** The Bybit market of the shipped config/default.json. */
function shippedBybitMarket(): unknown {
  const shipped = JSON.parse(readFileSync(join(REPO_ROOT, 'config', 'default.json'), 'utf8')) as {
    strategies: Record<string, unknown>;
  };
  const markets = exampleMarkets(ExampleMomentumConfigSchema.parse(shipped.strategies['example-momentum']));
  return markets.find((m) => m.venue === 'bybit');
}

describe('example-momentum on the simulated Bybit', () => {
  let h: BybitHarness | undefined;
  let services: Services | undefined;
  let runner: StrategyRunner | undefined;
  afterEach(async () => {
    runner?.stop();
    await services?.stop();
    await h?.close();
  });

  it('the shipped BTCUSDT market opens a long of 0.001 BTC from its 100 USD notional, protected on the venue and booked in the store', async () => {
    const market = shippedBybitMarket();
    expect(market).toEqual({ venue: 'bybit', symbol: SYMBOL, notional: '100' });
    const config = ExampleMomentumConfigSchema.parse({ markets: [market], stopPct: 0.5, takeProfitPct: 0.5, lookbackSecs: 10 });
    const bybit = await startBybitHarness();
    h = bybit;
    await waitFor(() => bybit.venue.instrument(SYMBOL), { message: 'bybit instruments loaded' });
    services = await startServices(bybit.venue);
    let now = 1_000_000;
    runner = new StrategyRunner({
      strategies: [new ExampleMomentum(config)],
      venues: [bybit.venue],
      orders: services.orders,
      store: services.store,
      logger: silentLogger,
      clock: { now: () => now },
    });
    runner.start();
    /** Moves the simulated Bybit's mark and waits for the ticker carrying it (pushed on the public linear socket). */
    const mark = async (price: string): Promise<void> => {
      const seen = bybit.events.length;
      bybit.sim.engine.setMarkPrice(SYMBOL, dec(price), bybit.sim.clock.now());
      await waitFor(
        () => bybit.events.slice(seen).some((e) => e.type === 'ticker' && e.ticker.symbol === SYMBOL && e.ticker.mark?.eq(price)),
        { message: `ticker at ${price}` },
      );
    };
    await mark('60000');
    now += 10_000;
    await mark('60100');

    const trade = await waitFor(() => services?.store.listTrades().find((t) => t.state === 'open'), {
      message: 'the strategy opened a trade',
    });
    expect(trade).toMatchObject({ venue: 'bybit', symbol: SYMBOL, side: 'buy', source: 'strategy:example-momentum' });
    expect(trade.size.toString()).toBe('0.001'); // 100 USD / 60 100, down to the 0.001 BTC lot

    // On the simulated Bybit: the long, and two reduce-only conditional sells (a stop falling, a take-profit rising).
    const port = bybit.sim.engine;
    await waitFor(() => port.openOrders(SYMBOL).length === 2, { message: 'stop and take-profit resting on the simulator' });
    expect(port.position(SYMBOL).size.toString()).toBe('0.001');
    const resting = port
      .openOrders(SYMBOL)
      .map((o) => [o.side, o.kind, o.state, o.reduceOnly, o.qty.toString(), o.trigger?.direction])
      .sort();
    expect(resting).toEqual([
      ['sell', 'conditional', 'untriggered', true, '0.001', 'falling'],
      ['sell', 'conditional', 'untriggered', true, '0.001', 'rising'],
    ]);
    const store = services.store;
    await waitFor(() => store.legsOf(trade.id).every((l) => l.state !== 'pending'), { message: 'legs settled in the store' });
    const legs = store.legsOf(trade.id);
    expect(legs.map((l) => [l.kind, l.state])).toEqual([
      ['entry', 'filled'],
      ['stop_loss', 'untriggered'],
      ['take_profit', 'untriggered'],
    ]);
    expect(
      legs
        .slice(1)
        .map((l) => l.venueOrderId)
        .sort(),
    ).toEqual(
      port
        .openOrders(SYMBOL)
        .map((o) => o.orderId)
        .sort(),
    );
  });
});
