/** The webhook over real HTTP, opening trades through the real order manager on the in-memory venue. */
import { request } from 'node:http';
import { Writable } from 'node:stream';

import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { MemoryVenue } from '../../src/venues/memory/index.js';
import { WebhookServer } from '../../src/webhook/server.js';
import { newVenue, ourOpenOrders, type Services, startServices, SYMBOL } from '../orders/harness.js';
import { waitFor } from '../support/wait.js';

const SECRET = 'wh-Secret-9f8e7d';

interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

function post(port: number, body: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/signal', method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
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
    req.end(body);
  });
}

const signal = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: 'tv-1',
    venue: 'memory',
    symbol: SYMBOL,
    side: 'buy',
    size: '1000',
    stopLoss: '59000',
    takeProfit: '61000',
    secret: SECRET,
    ...over,
  });

describe('webhook POST /signal', () => {
  let venue: MemoryVenue;
  let services: Services;
  let server: WebhookServer;
  let port: number;
  const logLines: string[] = [];

  beforeEach(async () => {
    logLines.length = 0;
    venue = await newVenue();
    services = await startServices(venue);
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    server = new WebhookServer({
      host: '127.0.0.1',
      port: 0,
      secret: SECRET,
      opener: services.orders,
      store: services.store,
      logger: pino({ level: 'debug' }, sink),
    });
    port = (await server.start()).port;
  });

  afterEach(async () => {
    await server.stop();
    await services.stop();
    await venue.disconnect();
  });

  const tradeCount = () => services.store.listTrades().length;

  it('a good signal opens a protected trade; a replayed id opens nothing and gets the first answer', async () => {
    const first = await post(port, signal());
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'accepted' });
    const tradeId = String(first.body.tradeId);
    // the stop and the target rest on the venue
    await waitFor(async () => (await ourOpenOrders(venue)).length === 2, { message: 'stop and target resting' });
    expect(services.store.getTrade(tradeId)).toMatchObject({ state: 'open', source: 'webhook' });

    const replay = await post(port, signal({ size: '5000' }));
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ tradeId, status: 'accepted', replay: true });
    expect(tradeCount()).toBe(1);
    expect((await venue.positions()).find((p) => p.symbol === SYMBOL)?.size.toString()).toBe('1000');
  });

  it('two deliveries of one id at the same time open one trade', async () => {
    const [a, b] = await Promise.all([post(port, signal({ id: 'race' })), post(port, signal({ id: 'race' }))]);
    expect([a.status, b.status].sort()).toEqual([200, 202]);
    expect(a.body.tradeId).toBe(b.body.tradeId);
    expect(tradeCount()).toBe(1);
  });

  it('takes the secret as a bearer token and JSON sent as text/plain', async () => {
    const r = await post(port, signal({ secret: undefined, id: 'tv-bearer' }), {
      'content-type': 'text/plain; charset=utf-8',
      authorization: `Bearer ${SECRET}`,
    });
    expect(r.status).toBe(202);
    expect(tradeCount()).toBe(1);
  });

  it.each([
    ['no secret', signal({ secret: undefined }), {}, 401],
    ['a wrong secret', signal({ secret: 'nope' }), {}, 401],
    ['a wrong bearer', signal({ secret: undefined }), { authorization: 'Bearer nope' }, 401],
    ['a garbage body', 'garbage \u0000\u00ff', { authorization: `Bearer ${SECRET}` }, 400],
    ['a truncated body', signal().slice(0, 40), { authorization: `Bearer ${SECRET}` }, 400],
    ['wrong types', signal({ size: true, side: 3 }), {}, 400],
    ['a form body', 'id=1', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
  ])('%s gets its 4xx and changes nothing', async (_what, body, headers, status) => {
    const r = await post(port, body, headers);
    expect(r.status).toBe(status);
    expect(tradeCount()).toBe(0);
    expect(await venue.openOrders()).toHaveLength(0);
  });

  it('lists field-level reasons for a bad body', async () => {
    const r = await post(port, signal({ side: 'long', stopLoss: undefined }));
    expect(r.status).toBe(400);
    expect(r.body.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^side: /), expect.stringMatching(/^stopLoss: /)]));
  });

  it('an oversized body gets 413 and changes nothing', async () => {
    const big = signal({ pad: 'x'.repeat(70 * 1024) });
    const r = await post(port, big);
    expect(r.status).toBe(413);
    expect(tradeCount()).toBe(0);
  });

  it('a refusal by validation or risk answers 422 with the code, and a replay gets the same', async () => {
    const r = await post(port, signal({ id: 'bad-stop', stopLoss: '61000', takeProfit: '62000' }));
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ status: 'refused', code: expect.any(String), reason: expect.any(String) });
    const again = await post(port, signal({ id: 'bad-stop' }));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'refused', code: r.body.code, replay: true });
    expect(tradeCount()).toBe(0);
  });

  it('wrong paths and methods get 404 and 405', async () => {
    const r = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/signal', method: 'GET' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(r).toBe(405);
    const other = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/other', method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end('{}');
    });
    expect(other).toBe(404);
  });

  it('never writes the secret to the log, whatever the request', async () => {
    await post(port, signal({ id: 'log-1' }));
    await post(port, signal({ secret: undefined }), { authorization: `Bearer ${SECRET}` });
    await post(port, signal({ secret: `${SECRET}x` }));
    await post(port, JSON.stringify({ secret: SECRET, junk: true }));
    expect(logLines.length).toBeGreaterThan(3);
    for (const line of logLines) expect(line).not.toContain(SECRET);
  });
});
