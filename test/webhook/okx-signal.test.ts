/** The webhook over real HTTP opens trades on the simulated OKX with either symbol form (BTC-USDT-SWAP, BTC/USDT:USDT). */
import { request } from 'node:http';

import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { WebhookServer } from '../../src/webhook/server.js';
import { type Services, startServices } from '../orders/harness.js';
import { type OkxHarness, startOkxHarness } from '../support/okx-harness.js';
import { waitFor } from '../support/wait.js';

const SECRET = 'wh-Secret-okx-4c3b2a';

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

describe('webhook POST /signal on the simulated OKX', () => {
  let okx: OkxHarness;
  let services: Services;
  let server: WebhookServer;
  let port: number;

  beforeEach(async () => {
    okx = await startOkxHarness();
    await waitFor(() => okx.venue.instrument('BTC-USDT-SWAP'), { message: 'okx instruments loaded' });
    services = await startServices(okx.venue);
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
    await okx.close();
  });

  it.each([
    ['the native name', 'BTC-USDT-SWAP'],
    ['the unified form', 'BTC/USDT:USDT'],
  ])('%s (%s) opens a protected trade: the position and its stop on the simulator, the trade in the store', async (_, symbol) => {
    const res = await post(port, {
      id: `okx-${symbol}`,
      venue: 'okx',
      symbol,
      side: 'buy',
      size: '2',
      stopLoss: '59000',
      takeProfit: '61000',
      secret: SECRET,
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'accepted' });
    const tradeId = String(res.body.tradeId);
    // 2 contracts of ctVal 0.01 BTC: the simulator holds a 2-contract long with a reduce-only stop at 59000
    await waitFor(() => okx.sim.engine.position('BTC-USDT-SWAP')?.size.toString() === '2', { message: 'okx position of 2 contracts' });
    await waitFor(
      () => okx.sim.engine.openAlgos('BTC-USDT-SWAP').some((a) => a.reduceOnly && a.stopLoss?.triggerPrice.toString() === '59000'),
      { message: 'stop resting on the simulated okx' },
    );
    await waitFor(() => services.store.getTrade(tradeId)?.state === 'open', { message: 'trade open in the store' });
    expect(services.store.getTrade(tradeId)).toMatchObject({ venue: 'okx', symbol: 'BTC-USDT-SWAP', source: 'webhook' });
  });

  it('a USD notional is turned into contracts of ctVal (1200 USD at 60000 = 0.02 BTC = 2 contracts)', async () => {
    const res = await post(port, {
      id: 'okx-notional',
      venue: 'okx',
      symbol: 'BTC/USDT:USDT',
      side: 'sell',
      notional: '1200',
      stopLoss: '61000',
      secret: SECRET,
    });
    expect(res.status).toBe(202);
    await waitFor(() => okx.sim.engine.position('BTC-USDT-SWAP')?.size.toString() === '-2', { message: 'okx short of 2 contracts' });
    expect(services.store.getTrade(String(res.body.tradeId))).toMatchObject({ venue: 'okx', symbol: 'BTC-USDT-SWAP' });
  });
});
