/** OKX adapter set-up: the config section (planned keys kept, live opt-in), credentials that never print, the net-mode start-up check, the demo header and clock-offset signing of the REST client. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';

import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import { OkxConfigSchema } from '../../../src/venues/okx/config.js';
import { OkxCredentials } from '../../../src/venues/okx/credentials.js';
import { createOkxVenue, okxEntry } from '../../../src/venues/okx/index.js';
import { OkxRestClient } from '../../../src/venues/okx/rest-client.js';
import { restSignature } from '../../../src/venues/okx/signing.js';

const silent = pino({ level: 'silent' });

/** A tiny fake OKX REST answering a few paths with fixed bodies, recording the requests. */
async function fakeRest(
  routes: Record<string, unknown>,
): Promise<{ url: string; seen: Array<{ url: string; headers: IncomingMessage['headers'] }>; close(): Promise<void> }> {
  const seen: Array<{ url: string; headers: IncomingMessage['headers'] }> = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    const path = (req.url ?? '').split('?')[0] ?? '';
    const body = routes[path];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { code: '50000', msg: 'not found', data: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('okx config section', () => {
  it('keeps the planned keys and env var names, fills defaults, and requires the live opt-in', () => {
    const config = OkxConfigSchema.parse({});
    expect(config).toMatchObject({ enabled: false, environment: 'sim', liveOptIn: false, watchSymbols: ['BTC-USDT-SWAP'] });
    expect(okxEntry.secretEnv).toEqual({ apiKey: 'OKX_API_KEY', apiSecret: 'OKX_API_SECRET', passphrase: 'OKX_API_PASSPHRASE' });
    expect(OkxConfigSchema.safeParse({ environment: 'live' }).success).toBe(false);
    expect(OkxConfigSchema.safeParse({ environment: 'live', liveOptIn: true }).success).toBe(true);
    expect(OkxConfigSchema.safeParse({ environment: 'testnet' }).success).toBe(false);
    expect(OkxConfigSchema.safeParse({ nope: 1 }).success).toBe(false);
  });
});

describe('okx credentials', () => {
  it('never print the secret or the passphrase', () => {
    const c = new OkxCredentials('key-1', 'S3CRET-value', 'pass-PHRASE');
    for (const text of [JSON.stringify(c), inspect(c), String(c), JSON.stringify({ c })]) {
      expect(text).not.toContain('S3CRET-value');
      expect(text).not.toContain('pass-PHRASE');
      expect(text).toContain('key-1');
    }
    expect(okxEntry.adapter?.readCredentials({ apiKey: 'k', apiSecret: 's' })).toBeUndefined();
    expect(okxEntry.adapter?.readCredentials({ apiKey: 'k', apiSecret: 's', passphrase: 'p' })).toBeInstanceOf(OkxCredentials);
  });
});

describe('okx start-up', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('refuses an account in long/short position mode with the fix, before any socket opens', async () => {
    const rest = await fakeRest({
      '/api/v5/public/time': { code: '0', msg: '', data: [{ ts: String(Date.now()) }] },
      '/api/v5/public/instruments': { code: '0', msg: '', data: [] },
      '/api/v5/account/config': {
        code: '0',
        msg: '',
        data: [{ uid: '1', acctLv: '2', posMode: 'long_short_mode', perm: 'read_only,trade', autoLoan: false }],
      },
    });
    close = rest.close;
    const venue = createOkxVenue({
      config: OkxConfigSchema.parse({ enabled: true, environment: 'sim' }),
      logger: silent,
      clock: { now: () => Date.now() },
      credentials: new OkxCredentials('k', 's', 'p'),
      endpoints: {
        restUrl: rest.url,
        wsPublicUrl: 'ws://127.0.0.1:1/ws/v5/public',
        wsPrivateUrl: 'ws://127.0.0.1:1/ws/v5/private',
        wsBusinessUrl: 'ws://127.0.0.1:1/ws/v5/business',
      },
    });
    await expect(venue.connect()).rejects.toThrow(/position mode is "long_short_mode".*needs net_mode.*set-position-mode/);
    expect(venue.connectionState()).not.toBe('ready');
    await venue.disconnect();
  });

  it('the REST client sends x-simulated-trading: 1 on demo and signs with the venue clock (host + offset)', async () => {
    const rest = await fakeRest({ '/api/v5/account/balance': { code: '0', msg: '', data: [] } });
    close = rest.close;
    const venueNow = Date.parse('2025-03-01T12:00:00.123Z');
    const client = new OkxRestClient({
      restBaseUrl: rest.url,
      restHeaders: { 'x-simulated-trading': '1' },
      credentials: new OkxCredentials('key', 'A1B2C3D4E5F60718293A4B5C6D7E8F90', 'pass'),
      timeoutMs: 2_000,
      logger: silent,
      clock: { now: () => venueNow },
    });
    const reply = await client.get('/api/v5/account/balance', { ccy: 'USDT' });
    expect(reply.code).toBe('0');
    const h = rest.seen[0]!.headers;
    expect(h['x-simulated-trading']).toBe('1');
    expect(h['ok-access-timestamp']).toBe('2025-03-01T12:00:00.123Z');
    expect(h['ok-access-sign']).toBe(
      restSignature('A1B2C3D4E5F60718293A4B5C6D7E8F90', '2025-03-01T12:00:00.123Z', 'GET', '/api/v5/account/balance?ccy=USDT', ''),
    );
    expect(h['ok-access-passphrase']).toBe('pass');
  });

  it('a 401 without data is read as the venue’s own error (50113), not a transport failure', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"msg":"Invalid Sign","code":"50113"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    const client = new OkxRestClient({
      restBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      restHeaders: {},
      credentials: new OkxCredentials('key', 'secret', 'pass'),
      timeoutMs: 2_000,
      logger: silent,
      clock: { now: () => Date.now() },
    });
    const reply = await client.get('/api/v5/account/balance');
    expect(reply).toMatchObject({ code: '50113', msg: 'Invalid Sign', context: { httpStatus: 401 } });
  });
});
