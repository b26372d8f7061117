/** The simulator's command line (`npm run sim`). */
import { describe, expect, it } from 'vitest';

import { CliError, parseSimArgs, runSimCli } from '../../src/sim/cli.js';
import { waitFor } from '../support/wait.js';

describe('sim command line', () => {
  it('parses venues, port and seed', () => {
    expect(parseSimArgs(['--venues', 'deribit', '--port', '0', '--seed', '7'])).toMatchObject({ venues: ['deribit'], port: 0, seed: 7 });
  });

  it('parses the market and rate-limit options', () => {
    expect(parseSimArgs(['--venues', 'deribit'])).toMatchObject({ priceStepMs: undefined, meTier: undefined, rateLimitDisconnect: true });
    expect(parseSimArgs(['--venues', 'deribit', '--price-step-ms', '250', '--me-tier', '2', '--no-rate-limit-disconnect'])).toMatchObject({
      priceStepMs: 250,
      meTier: 2,
      rateLimitDisconnect: false,
    });
  });

  it.each([
    [['--venues', 'deribit', '--me-tier', '5'], /--me-tier/],
    [['--venues', 'deribit', '--price-step-ms', '-1'], /--price-step-ms/],
    [['--venues', 'kraken'], /unknown venue/],
    [[], /no venue/],
    [['--venues', 'deribit', '--port', 'x'], /--port/],
    [['--bogus'], /unknown argument/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSimArgs(argv)).toThrow(CliError);
    expect(() => parseSimArgs(argv)).toThrow(message);
  });

  it('parses bybit beside the others', () => {
    expect(parseSimArgs(['--venues', 'deribit,okx,bybit'])).toMatchObject({ venues: ['deribit', 'okx', 'bybit'] });
  });

  it('prints one JSON line per venue, serves it, and stops on the signal', async () => {
    const out: string[] = [];
    let stop: (() => void) | undefined;
    const done = runSimCli(['--venues', 'deribit', '--port', '0'], {
      stdout: (l) => out.push(l),
      stderr: () => undefined,
      onStopSignal: (h) => {
        stop = h;
      },
    });
    const line = await waitFor(() => out[0]);
    const ep = JSON.parse(line) as { venue: string; rest: string; ws: string; clientId: string; clientSecret: string };
    expect(ep.venue).toBe('deribit');
    expect(ep.rest).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v2$/);
    expect(ep.ws).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/api\/v2$/);
    const res = await fetch(`${ep.rest}/public/get_time`);
    expect(res.status).toBe(200);
    stop?.();
    expect(await done).toBe(0);
    await expect(fetch(`${ep.rest}/public/get_time`)).rejects.toThrow();
  });

  it('prints the OKX line: REST, the three WS URLs, key, secret and passphrase', async () => {
    const out: string[] = [];
    let stop: (() => void) | undefined;
    const done = runSimCli(['--venues', 'okx', '--port', '0', '--price-step-ms', '0'], {
      stdout: (l) => out.push(l),
      stderr: () => undefined,
      onStopSignal: (h) => {
        stop = h;
      },
    });
    const line = await waitFor(() => out[0]);
    const ep = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(ep)).toEqual(['venue', 'rest', 'wsPublic', 'wsPrivate', 'wsBusiness', 'apiKey', 'secretKey', 'passphrase', 'demo']);
    expect(ep.venue).toBe('okx');
    expect(ep.wsPrivate).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/v5\/private$/);
    const res = await fetch(`${String(ep.rest)}/api/v5/public/time`);
    expect(((await res.json()) as { code: string }).code).toBe('0');
    stop?.();
    expect(await done).toBe(0);
  });

  it('prints the Bybit line: REST, the four WS URLs, key and secret', async () => {
    const out: string[] = [];
    let stop: (() => void) | undefined;
    const done = runSimCli(['--venues', 'bybit', '--port', '0', '--price-step-ms', '0'], {
      stdout: (l) => out.push(l),
      stderr: () => undefined,
      onStopSignal: (h) => {
        stop = h;
      },
    });
    const line = await waitFor(() => out[0]);
    const ep = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(ep)).toEqual(['venue', 'rest', 'wsPublicLinear', 'wsPublicInverse', 'wsPrivate', 'wsTrade', 'apiKey', 'apiSecret']);
    expect(ep.venue).toBe('bybit');
    expect(ep.rest).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ep.wsPublicLinear).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v5\/public\/linear$/);
    expect(ep.wsPublicInverse).toMatch(/\/v5\/public\/inverse$/);
    expect(ep.wsPrivate).toMatch(/\/v5\/private$/);
    expect(ep.wsTrade).toMatch(/\/v5\/trade$/);
    expect(ep.apiKey).toEqual(expect.any(String));
    expect(ep.apiSecret).toEqual(expect.any(String));
    const res = await fetch(`${String(ep.rest)}/v5/market/time`);
    expect(((await res.json()) as { retCode: number }).retCode).toBe(0);
    stop?.();
    expect(await done).toBe(0);
  });
});
