/** The strategy runner over the real order manager on the in-memory venue: entries, protection, exits, restart. */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import { ExampleMomentum, ExampleMomentumConfigSchema } from '../../src/strategies/example-momentum.js';
import { buildStrategies, StrategiesConfigSchema } from '../../src/strategies/registry.js';
import { StrategyRunner } from '../../src/strategies/runner.js';
import type { Strategy } from '../../src/strategies/strategy.js';
import type { MemoryVenue } from '../../src/venues/memory/index.js';
import { newVenue, ourOpenOrders, type Services, silentLogger, startServices, SYMBOL } from '../orders/harness.js';
import { waitFor } from '../support/wait.js';

const exampleConfig = ExampleMomentumConfigSchema.parse({
  venue: 'memory',
  symbol: SYMBOL,
  size: '100',
  stopPct: 0.5,
  takeProfitPct: 0.5,
  lookbackSecs: 10,
  cooldownSecs: 5,
});

describe('strategy runner', () => {
  let venue: MemoryVenue;
  let services: Services;
  let runner: StrategyRunner | undefined;
  let now = 1_000_000;
  const clock = { now: () => now };

  /** Moves the mark and waits until the ticker carrying it has been delivered (to the runner first: it subscribed earlier). */
  async function mark(price: string): Promise<void> {
    let seen = false;
    const off = venue.subscribe((e) => {
      if (e.type === 'ticker' && e.ticker.symbol === SYMBOL && e.ticker.mark?.toString() === price) seen = true;
    });
    try {
      venue.setMarkPrice(SYMBOL, price);
      await waitFor(() => seen, { message: `ticker at ${price} delivered` });
    } finally {
      off();
    }
  }

  afterEach(async () => {
    runner?.stop();
    runner = undefined;
    await services.stop();
    await venue.disconnect();
  });

  it('trades the example through openTrade: entry, stop and target resting, target hit, then a new entry after the cooldown', async () => {
    venue = await newVenue();
    services = await startServices(venue);
    runner = new StrategyRunner({
      strategies: [new ExampleMomentum(exampleConfig)],
      venues: [venue],
      orders: services.orders,
      store: services.store,
      logger: silentLogger,
      clock,
    });
    runner.start();
    await mark('60000');
    now += 10_000;
    await mark('60100');
    const trade = await waitFor(() => services.store.listTrades().find((t) => t.state === 'open'), {
      message: 'the strategy opened a trade',
    });
    expect(trade).toMatchObject({ side: 'buy', source: 'strategy:example-momentum' });
    await waitFor(async () => (await ourOpenOrders(venue)).length === 2, { message: 'stop and target resting' });

    now += 1_000;
    await mark('60500'); // through the target (60100 + 0.5 %)
    await waitFor(() => services.store.getTrade(trade.id)?.state === 'closed', { message: 'target hit and the trade closed' });
    expect(runner.stats()['example-momentum']).toEqual({ entries: 1, active: 0 });

    now += 1_000;
    await mark('60400'); // cooldown starts now
    now += 4_000;
    await mark('60300');
    expect(services.store.listTrades()).toHaveLength(1);
    now += 1_500;
    await mark('60200'); // above the mark 10 s ago (60000): a long
    const second = await waitFor(() => services.store.listTrades().find((t) => t.id !== trade.id && t.state === 'open'), {
      message: 'second trade after the cooldown',
    });
    expect(second.side).toBe('buy');
  });

  it('after a restart it sees its open trade in the store and does not open another', async () => {
    venue = await newVenue();
    services = await startServices(venue);
    const first = await services.orders.openTrade({
      venue: 'memory',
      symbol: SYMBOL,
      side: 'buy',
      size: { unit: 'venue', value: '100' },
      entry: { type: 'market', referencePrice: '60000' },
      stopLossPrice: '59000',
      takeProfitPrice: '61000',
      source: 'strategy:example-momentum',
    });
    expect(first.status).toBe('accepted');
    runner = new StrategyRunner({
      strategies: [new ExampleMomentum(exampleConfig)],
      venues: [venue],
      orders: services.orders,
      store: services.store,
      logger: silentLogger,
      clock,
    });
    runner.start();
    await mark('60000');
    now += 20_000;
    await mark('60300');
    now += 1_000;
    await mark('60400');
    await waitFor(() => runner?.stats()['example-momentum']?.active === 1);
    expect(runner.stats()['example-momentum']?.entries).toBe(0);
    expect(services.store.listTrades()).toHaveLength(1);
  });

  it('a strategy that throws is skipped for that tick and others still trade', async () => {
    venue = await newVenue();
    services = await startServices(venue);
    const broken: Strategy = {
      name: 'broken',
      watches: [{ venue: 'memory', symbol: SYMBOL }],
      onTicker: () => {
        throw new Error('boom');
      },
    };
    runner = new StrategyRunner({
      strategies: [broken, new ExampleMomentum(exampleConfig)],
      venues: [venue],
      orders: services.orders,
      store: services.store,
      logger: silentLogger,
      clock,
    });
    runner.start();
    await mark('60000');
    now += 10_000;
    await mark('59900');
    await waitFor(() => services.store.listTrades().find((t) => t.state === 'open' && t.side === 'sell'), {
      message: 'the healthy strategy still trades',
    });
  });
});

describe('building strategies from config', () => {
  it('runs the example only against simulated venues', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) });
    const config = StrategiesConfigSchema.parse({ enabled: ['example-momentum'] });
    expect(buildStrategies(config, () => 'sim', logger).map((s) => s.name)).toEqual(['example-momentum']);
    expect(buildStrategies(config, () => 'live', logger)).toEqual([]);
    expect(lines.join('')).toMatch(/only trades simulated venues; not trading deribit BTC-PERPETUAL .*so it is not started/);
    expect(buildStrategies(StrategiesConfigSchema.parse({}), () => 'sim', logger)).toEqual([]);
  });

  it('with several markets, a venue off sim drops only its own market (the others keep trading), and says so', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) });
    const config = StrategiesConfigSchema.parse({
      enabled: ['example-momentum'],
      'example-momentum': {
        markets: [
          { venue: 'deribit', symbol: 'BTC-PERPETUAL', size: '100' },
          { venue: 'okx', symbol: 'BTC-USDT-SWAP', notional: '100' },
        ],
      },
    });
    const [both] = buildStrategies(config, () => 'sim', logger);
    expect(both?.watches).toEqual([
      { venue: 'deribit', symbol: 'BTC-PERPETUAL' },
      { venue: 'okx', symbol: 'BTC-USDT-SWAP' },
    ]);
    expect(lines).toEqual([]);
    const [okxOnly] = buildStrategies(config, (venue) => (venue === 'deribit' ? 'live' : 'sim'), logger);
    expect(okxOnly?.watches).toEqual([{ venue: 'okx', symbol: 'BTC-USDT-SWAP' }]);
    expect(lines.join('')).toMatch(/not trading deribit BTC-PERPETUAL \(venue not enabled or not in sim mode\) — /);
  });

  it('the one-market keys win over markets, with a warning naming the fix', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) });
    const config = StrategiesConfigSchema.parse({
      enabled: ['example-momentum'],
      'example-momentum': { symbol: 'ETH-PERPETUAL', markets: [{ venue: 'okx', symbol: 'BTC-USDT-SWAP', notional: '100' }] },
    });
    const [strategy] = buildStrategies(config, () => 'sim', logger);
    expect(strategy?.watches).toEqual([{ venue: 'deribit', symbol: 'ETH-PERPETUAL' }]);
    expect(lines.join('')).toMatch(/venue\/symbol\/size are set, so it trades that one market and ignores markets/);
  });
});
