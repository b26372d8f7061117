/**
 * The webhook over real HTTP opens trades on the simulated Bybit with either symbol form: linear
 * BTCUSDT / BTC/USDT:USDT (sized in BTC) and inverse BTCUSD / BTC/USD:BTC (sized in USD contracts).
 */
import { request } from 'node:http';

import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { dec } from '../../src/domain/decimal.js';
import { WebhookServer } from '../../src/webhook/server.js';
import { type Services, startServices } from '../orders/harness.js';
import { type BybitHarness, startBybitHarness } from '../support/bybit-harness.js';
import { waitFor } from '../support/wait.js';

const SECRET = 'wh-Secret-bybit-9f8e7d';

function post(port: number, body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/signal', method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('webhook POST /signal on the simulated Bybit', () => {
  let bybit: BybitHarness;
  let services: Services;
  let server: WebhookServer;
  let port: number;

  beforeEach(async () => {
    bybit = await startBybitHarness();
    await waitFor(() => bybit.venue.instrument('BTCUSDT') && bybit.venue.instrument('BTCUSD'), { message: 'bybit instruments loaded' });
    services = await startServices(bybit.venue);
    server = new WebhookServer({
      host: '127.0.0.1',
      port: 0,
      secret: SECRET,
      opener: services.orders,
      store: services.store,
      logger: pino({ level: 'silent' }),
    });
    port = (await server.start()).port;
  });

  afterEach(async () => {
    await server.stop();
    await services.stop();
    await bybit.close();
  });

  /** The reduce-only conditional sells resting on the simulator for `symbol`: [trigger price, direction]. */
  function protectiveOrders(symbol: string): string[][] {
    return bybit.sim.engine
      .openOrders(symbol)
      .filter((o) => o.kind === 'conditional' && o.reduceOnly && o.side === 'sell')
      .map((o) => [o.trigger?.price.toString() ?? '', o.trigger?.direction ?? ''])
      .sort();
  }

  it.each([
    ['the native linear name', 'BTCUSDT', 'BTCUSDT', '0.02'],
    ['the unified linear form', 'BTC/USDT:USDT', 'BTCUSDT', '0.02'],
    ['the native inverse name', 'BTCUSD', 'BTCUSD', '1200'],
    ['the unified inverse form', 'BTC/USD:BTC', 'BTCUSD', '1200'],
  ])(
    '%s (%s) opens a protected trade: the position, its stop and take-profit on the simulator, the trade in the store',
    async (_, symbol, native, size) => {
      const res = await post(port, {
        id: `bybit-${symbol}`,
        venue: 'bybit',
        symbol,
        side: 'buy',
        size,
        stopLoss: '59000',
        takeProfit: '61000',
        secret: SECRET,
      });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ status: 'accepted' });
      const tradeId = String(res.body.tradeId);
      // Linear: 0.02 BTC; inverse: 1 200 contracts of 1 USD. A long with a falling stop at 59000 and a rising take at 61000.
      await waitFor(() => bybit.sim.engine.position(native).size.toString() === size, { message: `bybit ${native} long of ${size}` });
      await waitFor(() => protectiveOrders(native).length === 2, { message: 'stop and take-profit resting on the simulated bybit' });
      expect(protectiveOrders(native)).toEqual([
        ['59000', 'falling'],
        ['61000', 'rising'],
      ]);
      await waitFor(() => services.store.getTrade(tradeId)?.state === 'open', { message: 'trade open in the store' });
      expect(services.store.getTrade(tradeId)).toMatchObject({ venue: 'bybit', symbol: native, source: 'webhook' });
      expect(services.store.getTrade(tradeId)?.size.toString()).toBe(size);
    },
  );

  it('an inverse trade closes at its take-profit, booked with its P&L in USD like every trade, the stop cancelled on the simulator', async () => {
    const res = await post(port, {
      id: 'bybit-inverse-close',
      venue: 'bybit',
      symbol: 'BTC/USD:BTC',
      side: 'buy',
      size: '1200',
      stopLoss: '59000',
      takeProfit: '61000',
      secret: SECRET,
    });
    expect(res.status).toBe(202);
    const tradeId = String(res.body.tradeId);
    await waitFor(() => protectiveOrders('BTCUSD').length === 2, { message: 'stop and take-profit resting' });
    bybit.sim.engine.setMarkPrice('BTCUSD', dec('61100'), bybit.sim.clock.now());
    await waitFor(() => services.store.getTrade(tradeId)?.state === 'closed', { message: 'trade closed by its take-profit' });
    await waitFor(() => bybit.sim.engine.openOrders('BTCUSD').length === 0, { message: 'the stop cancelled on the simulator' });
    expect(bybit.sim.engine.position('BTCUSD').size.isZero()).toBe(true);
    const trade = services.store.getTrade(tradeId);
    expect(trade?.closeReason).toBe('take-profit filled');
    // The store books trade P&L in the quote currency (as for Deribit's inverse perpetual): 1 200 USD
    // from about 60 000 to about 61 000 is 0.02 BTC x 1 000, about 20 USD, less two taker fees of 0.055 %.
    const pnl = trade?.realizedPnl?.toNumber() ?? 0;
    expect(pnl).toBeGreaterThan(15);
    expect(pnl).toBeLessThan(25);
  });

  it('a USD notional is turned into BTC on the linear contract (1200 USD at 60000 = 0.02 BTC)', async () => {
    const res = await post(port, {
      id: 'bybit-notional',
      venue: 'bybit',
      symbol: 'BTC/USDT:USDT',
      side: 'sell',
      notional: '1200',
      stopLoss: '61000',
      secret: SECRET,
    });
    expect(res.status).toBe(202);
    await waitFor(() => bybit.sim.engine.position('BTCUSDT').size.toString() === '-0.02', { message: 'bybit short of 0.02 BTC' });
    expect(services.store.getTrade(String(res.body.tradeId))).toMatchObject({ venue: 'bybit', symbol: 'BTCUSDT' });
  });
});
