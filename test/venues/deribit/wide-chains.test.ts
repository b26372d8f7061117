/**
 * Wide option chains: past a connection's channel cap the adapter opens another market-data
 * connection (same login, heartbeat and resubscribe rules) and spreads the tickers across them.
 * Real sockets against the simulator; the simulator's per-connection cap is lowered where a test
 * does not need the default's size.
 */
import { afterEach, describe, expect, it } from 'vitest';

import type { VenueEvent } from '../../../src/domain/events.js';
import type { Instrument } from '../../../src/domain/instrument.js';
import { type DeribitHarness, startDeribitHarness } from '../../support/deribit-harness.js';
import { waitFor } from '../../support/wait.js';

let h: DeribitHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** About 1,220 options (BTC and ETH), prices frozen, no credit limits on the simulator side. */
const WIDE_SIM = { engine: { catalogue: { strikesEachSide: 30 } }, rateLimits: false } as const;
const channelOf = (symbol: string): string => `ticker.${symbol}.100ms`;

async function optionsOf(harness: DeribitHarness): Promise<Instrument[]> {
  const all = (await harness.venue.loadInstruments()).filter((i) => i.kind === 'option');
  return all.sort((a, b) => (a.expiryMs ?? 0) - (b.expiryMs ?? 0) || a.symbol.localeCompare(b.symbol));
}

/** Ticker channels per simulator connection, by connection id. */
function tickersBySimConnection(harness: DeribitHarness): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const id of harness.sim.connectionIds())
    out.set(
      id,
      harness.sim.subscriptionsOf(id).filter((c) => c.startsWith('ticker.')),
    );
  return out;
}

function allSimTickers(harness: DeribitHarness): Set<string> {
  return new Set([...tickersBySimConnection(harness).values()].flat());
}

describe('Deribit wide option chains', () => {
  it('the 497th watchTicker on the default config opens a second connection instead of throwing SUBSCRIPTION_CAP', async () => {
    h = await startDeribitHarness({ sim: WIDE_SIM });
    const options = (await optionsOf(h)).slice(0, 497);
    // 500 channels per connection by default, 4 of them private on the trading connection
    await Promise.all(options.slice(0, 496).map((o) => h!.venue.watchTicker(o.symbol)));
    await expect(h.venue.watchTicker(options[496]!.symbol)).resolves.toBeUndefined();
    await waitFor(() => allSimTickers(h!).size === 497, { timeoutMs: 10_000, message: '497 ticker channels on the simulator' });
    expect(h.sim.connections).toBe(2);
  }, 20_000);

  it('watches 1,000 options on the default config: three connections, none past 500 channels, every ticker delivered', async () => {
    h = await startDeribitHarness({ sim: WIDE_SIM });
    const options = (await optionsOf(h)).slice(0, 1_000);
    await Promise.all(options.map((o) => h!.venue.watchTicker(o.symbol)));
    await waitFor(() => allSimTickers(h!).size === 1_000, { timeoutMs: 15_000, message: '1,000 ticker channels on the simulator' });
    expect(h.sim.connections).toBe(3);
    for (const id of h.sim.connectionIds()) expect(h.sim.subscriptionsOf(id).length).toBeLessThanOrEqual(500);
    expect(h.venue.tickerSubscriptions().wanted).toHaveLength(1_000);
    // every option's first ticker arrives, whichever connection carries it
    const seen = new Set<string>();
    await waitFor(
      () => {
        for (const e of h!.events) if (e.type === 'ticker') seen.add(e.ticker.symbol);
        return options.every((o) => seen.has(o.symbol));
      },
      { timeoutMs: 10_000, message: 'a ticker for each of the 1,000 options' },
    );
  }, 40_000);

  it('spreads 250 instruments over 3 connections at a cap of 100 (simulator and adapter), each holding only its own', async () => {
    h = await startDeribitHarness({ sim: { ...WIDE_SIM, maxChannelsPerConnection: 100 }, config: { maxChannelsPerConnection: 100 } });
    const options = (await optionsOf(h)).slice(0, 250);
    await Promise.all(options.map((o) => h!.venue.watchTicker(o.symbol)));
    await waitFor(() => allSimTickers(h!).size === 250, { timeoutMs: 10_000, message: '250 ticker channels on the simulator' });
    const byConn = tickersBySimConnection(h);
    expect(byConn.size).toBe(3);
    const sizes = [...byConn.values()].map((c) => c.length).sort((a, b) => b - a);
    // the trading connection keeps 4 slots for its private channels
    expect(sizes).toEqual([100, 96, 54]);
    expect(new Set([...byConn.values()].flat()).size).toBe(250);
    // a warning would say if the venue had left any out
    expect(h.log.lines.some((l) => /did not confirm/.test(String(l.msg)))).toBe(false);
  }, 20_000);

  it('instruments past expiry are unsubscribed and their slots reused before another connection is opened', async () => {
    h = await startDeribitHarness({ sim: { ...WIDE_SIM, maxChannelsPerConnection: 100 }, config: { maxChannelsPerConnection: 100 } });
    const options = await optionsOf(h);
    const soonest = options[0]!.expiryMs!;
    const expiring = options.filter((o) => o.expiryMs === soonest).slice(0, 96);
    const lasting = options.filter((o) => o.expiryMs! > soonest);
    expect(expiring).toHaveLength(96);
    // the 96 soonest-expiring fill the trading connection, 100 later ones a second connection
    await Promise.all(expiring.map((o) => h!.venue.watchTicker(o.symbol)));
    await Promise.all(lasting.slice(0, 100).map((o) => h!.venue.watchTicker(o.symbol)));
    await waitFor(() => allSimTickers(h!).size === 196, { timeoutMs: 10_000, message: '196 ticker channels' });
    expect(h.sim.connections).toBe(2);
    expect(h.venue.tickerSubscriptions().perConnection).toEqual([96, 100]);

    h.clock.offsetMs = soonest - Date.now() + 1_000;
    const released = await h.venue.pruneExpired();
    expect([...released].sort()).toEqual(expiring.map((o) => channelOf(o.symbol)).sort());
    await waitFor(() => expiring.every((o) => !allSimTickers(h!).has(channelOf(o.symbol))), { message: 'expired channels unsubscribed' });
    expect(h.venue.tickerSubscriptions().perConnection).toEqual([0, 100]);

    // 96 new instruments fit in the freed slots of the trading connection: no third connection
    const later = lasting.slice(100, 196);
    await Promise.all(later.map((o) => h!.venue.watchTicker(o.symbol)));
    const trading = h.sim.connectionIds().find((id) => h!.sim.subscriptionsOf(id).some((c) => c.startsWith('user.')))!;
    await waitFor(() => later.every((o) => h!.sim.subscriptionsOf(trading).includes(channelOf(o.symbol))), {
      timeoutMs: 10_000,
      message: 'new channels on the trading connection',
    });
    expect(h.sim.connections).toBe(2);
    expect(h.venue.tickerSubscriptions().perConnection).toEqual([96, 100]);
  }, 20_000);

  it('an extra connection left with no channel is closed; the next overflow opens a fresh one', async () => {
    h = await startDeribitHarness({ sim: { ...WIDE_SIM, maxChannelsPerConnection: 100 }, config: { maxChannelsPerConnection: 100 } });
    const options = (await optionsOf(h)).slice(0, 200);
    await Promise.all(options.slice(0, 150).map((o) => h!.venue.watchTicker(o.symbol)));
    await waitFor(() => allSimTickers(h!).size === 150, { timeoutMs: 10_000, message: '150 ticker channels' });
    expect(h.sim.connections).toBe(2);
    expect(h.venue.tickerSubscriptions().perConnection).toEqual([96, 54]);
    // unwatch everything the second connection carries
    await Promise.all(options.slice(96, 150).map((o) => h!.venue.unwatchTicker(o.symbol)));
    await waitFor(() => h!.sim.connections === 1, { message: 'the empty market-data connection closed' });
    expect(h.venue.tickerSubscriptions().perConnection).toEqual([96]);
    expect(h.venue.isReady()).toBe(true);
    expect(h.venue.socketHealth().members.map((m) => m.key)).toEqual(['deribit.ws']);
    // overflow again: a new connection, and its tickers flow
    await Promise.all(options.slice(150, 200).map((o) => h!.venue.watchTicker(o.symbol)));
    await waitFor(() => allSimTickers(h!).size === 146 && h!.sim.connections === 2, {
      timeoutMs: 10_000,
      message: 'a fresh market-data connection',
    });
    const last = options[199]!.symbol;
    await h.event((e: VenueEvent): e is VenueEvent => e.type === 'ticker' && e.ticker.symbol === last, 5_000);
  }, 20_000);

  it('a dropped market-data connection reconnects on its own and resubscribes only its channels', async () => {
    h = await startDeribitHarness({ sim: { ...WIDE_SIM, maxChannelsPerConnection: 100 }, config: { maxChannelsPerConnection: 100 } });
    const options = (await optionsOf(h)).slice(0, 250);
    await Promise.all(options.map((o) => h!.venue.watchTicker(o.symbol)));
    await waitFor(() => allSimTickers(h!).size === 250, { timeoutMs: 10_000, message: '250 ticker channels' });
    const before = tickersBySimConnection(h);
    // a market-data connection: the one without private channels holding 100 tickers
    const [mdId, mdChannels] = [...before].find(
      ([id, channels]) => channels.length === 100 && !h!.sim.subscriptionsOf(id).some((c) => c.startsWith('user.')),
    )!;
    const requestsBefore = h.sim.requests.length;
    const connectionEvents = h.events.length;

    expect(h.sim.faults.dropConnections(mdId)).toBe(1);
    const newId = await waitFor(
      () => {
        const now = tickersBySimConnection(h!);
        return [...now].find(([id, channels]) => !before.has(id) && channels.length === mdChannels.length)?.[0];
      },
      { timeoutMs: 10_000, message: 'the dropped connection back with its channels' },
    );
    expect([...tickersBySimConnection(h).get(newId)!].sort()).toEqual([...mdChannels].sort());

    const subscribes = h.sim.requests
      .slice(requestsBefore)
      .filter((r) => r.method === 'public/subscribe' || r.method === 'private/subscribe');
    // only the new connection subscribed anything, and only the dropped connection's channels
    expect(new Set(subscribes.map((r) => r.connectionId))).toEqual(new Set([newId]));
    expect(subscribes.flatMap((r) => r.params.channels as string[]).sort()).toEqual([...mdChannels].sort());
    // it logged in and set its heartbeat like the first one
    const onNew = h.sim.requests
      .slice(requestsBefore)
      .filter((r) => r.connectionId === newId)
      .map((r) => r.method);
    expect(onNew).toContain('public/auth');
    expect(onNew).toContain('public/set_heartbeat');
    // the other connections kept theirs, and the trading connection never left ready
    for (const [id, channels] of before)
      if (id !== mdId)
        expect(
          h.sim
            .subscriptionsOf(id)
            .filter((c) => c.startsWith('ticker.'))
            .sort(),
        ).toEqual([...channels].sort());
    expect(h.venue.isReady()).toBe(true);
    expect(h.events.slice(connectionEvents).some((e: VenueEvent) => e.type === 'connection')).toBe(false);
    // the socket group saw it: essential trading connection plus auxiliary market-data ones, all back
    await waitFor(() => h!.venue.socketHealth().health === 'connected', { message: 'every deribit socket ready again' });
    expect(h.venue.socketHealth().members.map((m) => `${m.key}:${m.role}`)).toEqual([
      'deribit.ws:essential',
      'deribit.md1:auxiliary',
      'deribit.md2:auxiliary',
    ]);
  }, 20_000);
});
