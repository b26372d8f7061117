/**
 * Issue 7, defect 6: misleading or missing recovery. A rate-limited login is not "bad
 * credentials"; a ticker asked for before the instrument catalogue loaded is subscribed once it
 * does. The real Deribit adapter against the simulator, over real sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { TransportError } from '../../../src/domain/errors.js';
import type { VenueEvent } from '../../../src/domain/events.js';
import { classifyLoginError, DeribitApiError } from '../../../src/venues/deribit/errors.js';
import { type DeribitHarness, startDeribitHarness } from '../../support/deribit-harness.js';
import { waitFor } from '../../support/wait.js';

const PERP = 'BTC-PERPETUAL';

let h: DeribitHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const authCount = (x: DeribitHarness): number => x.sim.requests.filter((r) => r.method === 'public/auth').length;

describe('Deribit adapter: login failures are classified', () => {
  it('a rate-limited login (10028) is a warning that says so, is retried with backoff, and the session becomes ready', async () => {
    h = await startDeribitHarness({ connect: false });
    h.sim.faults.rateLimitNext(1, { method: 'public/auth' });
    await h.venue.connect();
    expect(h.venue.isReady()).toBe(true);
    expect(authCount(h)).toBe(2);
    const rateLimited = h.log.lines.filter((l) => l.level === 40 && /rate-limited/.test(String(l.msg)));
    expect(rateLimited).toHaveLength(1);
    expect(rateLimited[0]).toMatchObject({ code: 10028 });
    // not blamed on the credentials, and nothing at error level
    expect(h.log.text()).not.toMatch(/DERIBIT_CLIENT_ID/);
    expect(h.log.lines.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('a transient venue error on login (13503 unavailable) is a warning, retried, not a credentials problem', async () => {
    h = await startDeribitHarness({ connect: false });
    h.sim.faults.rateLimitNext(1, { method: 'public/auth', error: { code: 13503, message: 'unavailable' } });
    await h.venue.connect();
    expect(h.venue.isReady()).toBe(true);
    expect(h.log.lines.filter((l) => l.level === 40 && /transient/.test(String(l.msg)))).toHaveLength(1);
    expect(h.log.text()).not.toMatch(/DERIBIT_CLIENT_ID/);
    expect(h.log.lines.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('a token refresh and the fallback login both rate-limited: a warning, and the next try succeeds', async () => {
    h = await startDeribitHarness({ sim: { tokenLifetimeSec: 1 } });
    h.sim.faults.rateLimitNext(2, { method: 'public/auth' });
    await waitFor(() => h!.log.find('re-authentication failed after a failed token refresh').length, { timeoutMs: 5_000 });
    const line = h.log.find('re-authentication failed after a failed token refresh')[0]!;
    expect(line.level).toBe(40);
    expect(String(line.msg)).toMatch(/rate-limited/);
    await waitFor(() => h!.log.find('deribit token refreshed').length, { timeoutMs: 5_000, message: 'refreshed on the next try' });
    expect(h.log.lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(h.venue.isReady()).toBe(true);
  });

  it('classifies login errors: rate-limited, transient, or the credentials', () => {
    const api = (code: number, message: string) => new DeribitApiError({ code, message }, 'public/auth', 1);
    expect(classifyLoginError(api(10028, 'too_many_requests'))).toBe('rate_limited');
    expect(classifyLoginError(api(13503, 'unavailable'))).toBe('transient');
    expect(classifyLoginError(api(11051, 'system_maintenance'))).toBe('transient');
    expect(classifyLoginError(api(11094, 'internal_server_error'))).toBe('transient');
    expect(classifyLoginError(new TransportError('TIMEOUT', 'no answer'))).toBe('transient');
    expect(classifyLoginError(api(13004, 'invalid_credentials'))).toBe('credentials');
    expect(classifyLoginError(api(13009, 'unauthorized'))).toBe('credentials');
    expect(classifyLoginError(api(13403, 'scope_exceeded'))).toBe('credentials');
  });
});

describe('Deribit adapter: tickers asked for before the instruments loaded', () => {
  it('watchTicker is remembered while get_instruments fails, and subscribed once the instruments arrive; tickers flow', async () => {
    h = await startDeribitHarness({ connect: false });
    h.sim.faults.rateLimitNext(Infinity, { method: 'public/get_instruments' });
    await h.venue.connect();
    expect(h.venue.instrument(PERP)).toBeUndefined();
    await h.venue.watchTicker(PERP); // resolves: deferred, not refused
    expect(h.sim.requests.some((r) => r.method === 'public/subscribe')).toBe(false);
    // the start-up load and the one on the first ready connection both failed
    await waitFor(() => h!.log.find('loading deribit instruments failed').length >= 2, { message: 'both loads failed' });
    expect(h.venue.instrument(PERP)).toBeUndefined();

    h.sim.faults.reset(); // the venue answers get_instruments again
    await waitFor(() => h!.venue.instrument(PERP), { timeoutMs: 8_000, message: 'instruments loaded by the retry' });
    const conn = h.sim.connectionIds()[0]!;
    await waitFor(() => h!.sim.subscriptionsOf(conn).includes(`ticker.${PERP}.100ms`), { timeoutMs: 3_000, message: 'ticker subscribed' });
    const tick = await h.event((e): e is Extract<VenueEvent, { type: 'ticker' }> => e.type === 'ticker' && e.ticker.symbol === PERP, 5_000);
    expect(tick.ticker.mark?.isPositive()).toBe(true);
  });

  it('an unknown symbol after the instruments loaded still fails, naming the symbol', async () => {
    h = await startDeribitHarness();
    await expect(h.venue.watchTicker('BTC-NOPE')).rejects.toThrow(/BTC-NOPE/);
  });
});
