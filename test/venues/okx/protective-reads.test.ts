/** OKX position reads on the protective path (an emergency close sizing its order) go ahead of routine reads when the IP read budget is spent. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import { OkxConfigSchema } from '../../../src/venues/okx/config.js';
import { OkxCredentials } from '../../../src/venues/okx/credentials.js';
import { createOkxVenue } from '../../../src/venues/okx/index.js';

const silent = pino({ level: 'silent' });

describe('okx protective position reads', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('a protective positions() read uses the reserve instead of waiting out the read window behind routine reads', async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: '0', msg: '', data: [] }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const venue = createOkxVenue({
      // 5 reads per 2 s, 2 of them kept for protective requests.
      config: OkxConfigSchema.parse({ enabled: true, environment: 'sim', rateLimit: { restRequestsPerWindow: 5, restWindowMs: 2_000 } }),
      logger: silent,
      clock: { now: () => Date.now() },
      credentials: new OkxCredentials('key', 'secret-value', 'pass'),
      endpoints: { restUrl: url, wsPublicUrl: 'ws://127.0.0.1:1', wsPrivateUrl: 'ws://127.0.0.1:1', wsBusinessUrl: 'ws://127.0.0.1:1' },
    });
    // Routine reads (the reconciliation pass) spend the ordinary part of the budget.
    for (let i = 0; i < 3; i++) await venue.positions();
    const t0 = Date.now();
    await venue.positions('protective');
    expect(Date.now() - t0).toBeLessThan(500);
  });
});
