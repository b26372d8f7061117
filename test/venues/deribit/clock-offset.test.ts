/**
 * Issue 7, defect 4: clock skew. The Venue port speaks host time; the Deribit adapter measures the
 * venue-host offset with `public/get_time`, converts every venue timestamp it hands up, asks the
 * venue for fills in venue time, and signs with the venue's time. Against the simulator with its
 * clock moved away from the host's, over real sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { dec } from '../../../src/domain/decimal.js';
import type { VenueEvent } from '../../../src/domain/events.js';
import { type DeribitHarness, startDeribitHarness } from '../../support/deribit-harness.js';
import { waitFor } from '../../support/wait.js';

const PERP = 'BTC-PERPETUAL';

let h: DeribitHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The harness with the simulated venue's clock `skewMs` away from the host's before the adapter connects. */
async function skewed(skewMs: number, options: Parameters<typeof startDeribitHarness>[0] = {}): Promise<DeribitHarness> {
  const harness = await startDeribitHarness({ ...options, connect: false });
  harness.sim.clock.advance(skewMs);
  h = harness;
  await harness.venue.connect();
  return harness;
}

describe('Deribit adapter: venue-host clock offset', () => {
  it('measures the offset with public/get_time: about -3000 ms with the venue 3 s behind', async () => {
    const v = await skewed(-3_000);
    const offset = v.venue.clockOffset();
    expect(offset).toBeDefined();
    expect(Math.abs(offset!.offsetMs + 3_000)).toBeLessThanOrEqual(Math.max(50, offset!.rttMs));
    expect(offset!.rttMs).toBeGreaterThanOrEqual(0);
    expect(Math.abs(offset!.measuredAtMs - Date.now())).toBeLessThan(5_000);
    expect(v.sim.requests.some((r) => r.method === 'public/get_time')).toBe(true);
  });

  it('with the venue 3 s behind, a position closed by hand: fillsSince(trade creation, host time) returns the closing fill', async () => {
    const v = await skewed(-3_000);
    const createdAtMs = v.clock.now(); // the trade is created (host time) before its entry is sent
    const entry = await v.venue.submitOrder({
      clientId: 'vd1-skew-e',
      symbol: PERP,
      side: 'buy',
      type: 'market',
      size: dec(100),
      reduceOnly: false,
    });
    expect(entry.status).toBe('accepted');
    // The operator closes the position on the venue's web UI: a foreign order, no label of ours.
    v.sim.engine.closePosition(PERP, 'market', undefined, v.sim.clock.now(), 'web');
    expect(v.sim.engine.position(PERP).size.isZero()).toBe(true);

    const fills = await v.venue.fillsSince(createdAtMs, PERP);
    const ours = fills.filter((f) => f.clientId === 'vd1-skew-e');
    const closing = fills.filter((f) => f.side === 'sell');
    expect(ours).toHaveLength(1);
    expect(closing).toHaveLength(1);
    expect(closing[0]!.size.toString()).toBe('100');
    // Handed up in host time: at or after the trade's creation, not 3 s before it.
    for (const f of fills) {
      expect(f.tsMs).toBeGreaterThanOrEqual(createdAtMs - 100);
      expect(f.tsMs).toBeLessThanOrEqual(Date.now() + 100);
    }
  });

  it('order snapshots and pushed fills carry host times', async () => {
    const v = await skewed(-3_000);
    const before = Date.now();
    const out = await v.venue.submitOrder({
      clientId: 'vd1-skew-t',
      symbol: PERP,
      side: 'buy',
      type: 'market',
      size: dec(10),
      reduceOnly: false,
    });
    if (out.status !== 'accepted') throw new Error('not accepted');
    expect(out.order.updatedAtMs).toBeGreaterThanOrEqual(before - 100);
    const fill = await v.event((e): e is Extract<VenueEvent, { type: 'fill' }> => e.type === 'fill' && e.fill.clientId === 'vd1-skew-t');
    expect(fill.fill.tsMs).toBeGreaterThanOrEqual(before - 100);
    const order = await v.event(
      (e): e is Extract<VenueEvent, { type: 'order' }> => e.type === 'order' && e.order.clientId === 'vd1-skew-t',
    );
    expect(order.order.updatedAtMs).toBeGreaterThanOrEqual(before - 100);
    const snapshot = await v.venue.getOrder({ symbol: PERP, clientId: 'vd1-skew-t' });
    expect(snapshot.status === 'found' && snapshot.order.updatedAtMs >= before - 100).toBe(true);
  });

  it('signs with the venue time: logs in (WS) and signs REST with the venue 3 s behind', async () => {
    const v = await skewed(-3_000);
    expect(v.venue.isReady()).toBe(true);
    const auth = v.sim.requests.find((r) => r.method === 'public/auth');
    const ts = Number(auth?.params['timestamp']);
    // the auth timestamp is the venue's time (host now + offset), within a measurement's error
    expect(Math.abs(ts - (auth!.at ?? 0))).toBeLessThan(500);
    expect(await v.venue.positions()).toEqual([]);
  });

  it('signs with the venue time even when the skew is beyond the 60 s signature window (venue 90 s behind)', async () => {
    const v = await skewed(-90_000, { connectTimeoutMs: 3_000 });
    expect(v.venue.isReady()).toBe(true);
    expect(v.log.find('deribit login refused')).toHaveLength(0);
    // REST private calls (per-request signature) work too
    expect(await v.venue.positions()).toEqual([]);
    expect(Math.abs(v.venue.clockOffset()!.offsetMs + 90_000)).toBeLessThan(500);
  });

  it('warns in one line, with the offset and what to check, when the skew exceeds clockSkewWarnMs', async () => {
    const v = await skewed(-3_000);
    const warnings = v.log.lines.filter((l) => l.level === 40 && /clock/i.test(String(l.msg)));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]!.msg)).toMatch(/behind/);
    expect(String(warnings[0]!.msg)).toMatch(/NTP/);
    expect(Math.abs(Number(warnings[0]!['offsetMs']) + 3_000)).toBeLessThan(500);
  });

  it('does not warn when the skew is within clockSkewWarnMs', async () => {
    const v = await skewed(-300);
    expect(v.venue.clockOffset()).toBeDefined();
    expect(v.log.lines.filter((l) => l.level === 40 && /clock/i.test(String(l.msg)))).toHaveLength(0);
  });

  it('the periodic refresh measures again over the live connection and follows the venue clock', async () => {
    const v = await skewed(-3_000);
    const before = v.sim.requests.filter((r) => r.method === 'public/get_time').length;
    v.sim.clock.advance(4_500); // the venue is now 1.5 s ahead
    const offset = await v.venue.syncClock('periodic refresh');
    expect(Math.abs(offset!.offsetMs - 1_500)).toBeLessThan(500);
    expect(v.venue.clockOffset()).toEqual(offset);
    const calls = v.sim.requests.filter((r) => r.method === 'public/get_time').slice(before);
    expect(calls.length).toBe(3);
    expect(calls.every((r) => r.transport === 'ws')).toBe(true);
    // still beyond the threshold, but on the other side: warned again, saying "ahead"
    const warnings = v.log.lines.filter((l) => l.level === 40 && /clock/i.test(String(l.msg)));
    expect(warnings.map((w) => /ahead/.test(String(w.msg)))).toEqual([false, true]);
  });

  it('a public-only session (no API key) measures when ready; without a connection it measures over REST', async () => {
    const v = await skewed(-3_000, { credentials: () => undefined });
    await waitFor(() => v.venue.clockOffset(), { message: 'offset measured on the public session' });
    expect(Math.abs(v.venue.clockOffset()!.offsetMs + 3_000)).toBeLessThan(500);
    await v.venue.disconnect();
    const before = v.sim.requests.length;
    const offset = await v.venue.syncClock('periodic refresh');
    expect(Math.abs(offset!.offsetMs + 3_000)).toBeLessThan(500);
    expect(
      v.sim.requests
        .slice(before)
        .filter((r) => r.method === 'public/get_time')
        .map((r) => r.transport),
    ).toEqual(['http', 'http', 'http']);
  });

  it('measures again after a reconnect (the venue clock moved meanwhile)', async () => {
    const v = await skewed(-3_000);
    expect(Math.abs(v.venue.clockOffset()!.offsetMs + 3_000)).toBeLessThan(500);
    v.sim.clock.advance(-2_000);
    v.sim.faults.dropConnections();
    await v.event((e): e is VenueEvent => e.type === 'connection' && e.state === 'reconnecting', 5_000);
    await waitFor(() => v.venue.isReady() && Math.abs(v.venue.clockOffset()!.offsetMs + 5_000) < 500, {
      timeoutMs: 5_000,
      message: 'offset re-measured after reconnect',
    });
  });
});
