/** OKX adapter sessions over the simulator: login good and bad, the login gate and error events, keepalive and the 30 s idle close, reconnect with re-login, resubscribe and resync. */
import { afterEach, describe, expect, it } from 'vitest';

import { dec } from '../../../src/domain/decimal.js';
import type { VenueEvent } from '../../../src/domain/events.js';
import { OkxCredentials } from '../../../src/venues/okx/index.js';
import { OkxWsClient } from '../../../src/venues/okx/ws-client.js';
import { captureLogger } from '../../support/log-capture.js';
import { type OkxHarness, startOkxHarness } from '../../support/okx-harness.js';
import { nextEvent, waitFor } from '../../support/wait.js';

const SYMBOL = 'BTC-USDT-SWAP';

/** The simulator's connection holding `channel` (e.g. the private one holds `orders`). */
function connectionWith(h: OkxHarness, channel: string): string | undefined {
  return h.sim.connectionIds().find((id) => h.sim.subscriptionsOf(id).some((key) => key.startsWith(`${channel}|`)));
}

describe('okx adapter sessions', () => {
  let h: OkxHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('logs in on private and business, subscribes orders, positions and orders-algo there, and is ready', async () => {
    h = await startOkxHarness();
    expect(h.venue.isReady()).toBe(true);
    expect(h.log.find('okx private socket logged in')).toHaveLength(1);
    expect(h.log.find('okx business socket logged in')).toHaveLength(1);
    const priv = connectionWith(h, 'orders');
    const biz = connectionWith(h, 'orders-algo');
    expect(priv).toBeDefined();
    expect(biz).toBeDefined();
    expect(priv).not.toBe(biz);
    expect(h.sim.subscriptionsOf(priv!).some((k) => k.startsWith('positions|'))).toBe(true);
    // secrets never reach the log
    expect(h.log.text()).not.toContain(h.sim.credentials.secretKey);
    expect(h.log.text()).not.toContain(h.sim.credentials.passphrase);
  });

  it('a bad passphrase: the start-up account check is refused and names the env vars to fix', async () => {
    h = await startOkxHarness({
      connect: false,
      credentials: (sim) => new OkxCredentials(sim.credentials.apiKey, sim.credentials.secretKey, 'wrong-passphrase'),
    });
    await expect(h.venue.connect()).rejects.toThrow(/OKX_API_KEY \/ OKX_API_SECRET \/ OKX_API_PASSPHRASE/);
    expect(h.venue.isReady()).toBe(false);
  });

  it('a refused WS login is named, retried with backoff, and never reaches ready (no subscription goes out)', async () => {
    h = await startOkxHarness({ connect: false });
    const bad = new OkxCredentials(h.sim.credentials.apiKey, 'not-the-secret', h.sim.credentials.passphrase);
    const log = captureLogger('debug');
    const client = new OkxWsClient({
      kind: 'private',
      name: 'okx.private',
      url: h.sim.wsPrivateUrl,
      logger: log.logger,
      clock: { now: () => Date.now() },
      credentials: bad,
      keepaliveIntervalMs: 100,
      pongTimeoutMs: 1_000,
      loginTimeoutMs: 1_000,
      subscribeAckTimeoutMs: 1_000,
      backoff: { initialDelayMs: 10, maxDelayMs: 20 },
      argsToRestore: () => [{ channel: 'orders', instType: 'SWAP' }],
      onPush: () => undefined,
    });
    client.start();
    try {
      await waitFor(() => log.find('okx private login refused').length >= 2, { timeoutMs: 3_000, message: 'two refused logins' });
      expect(log.find('okx private login refused')[0]?.msg).toMatch(/check OKX_API_KEY \/ OKX_API_SECRET \/ OKX_API_PASSPHRASE/);
      expect(client.isReady()).toBe(false);
      expect(h.sim.connectionIds().every((id) => h!.sim.subscriptionsOf(id).length === 0)).toBe(true);
    } finally {
      await client.stop();
    }
  });

  it('an error event on the live private socket (60011: deaf) is noticed: reconnect, log in again, resubscribe, resync', async () => {
    h = await startOkxHarness();
    const priv = connectionWith(h, 'orders');
    expect(priv).toBeDefined();
    const resynced = nextEvent<VenueEvent>((l) => h!.venue.subscribe(l), { predicate: (e) => e.type === 'resynced', timeoutMs: 5_000 });
    h.sim.faults.sendMalformedFrame(priv!, JSON.stringify({ event: 'error', code: '60011', msg: 'Please log in', connId: 'deadbeef' }));
    await resynced;
    expect(h.log.find('got error event 60011')).not.toHaveLength(0);
    expect(h.log.find('okx private socket logged in').length).toBeGreaterThanOrEqual(2);
    const again = connectionWith(h, 'orders');
    expect(again).toBeDefined();
    expect(again).not.toBe(priv);
    expect(h.venue.isReady()).toBe(true);
  });

  it('keepalive: text pings keep every socket open past the idle close', async () => {
    // idle close at 300 ms, adapter pings every 100 ms
    h = await startOkxHarness();
    const sock = h.venue.socket('private')!;
    const first = sock.connectionId;
    let pongs = 0;
    sock.on('pong', () => {
      pongs += 1;
    });
    await waitFor(() => pongs >= 6, { timeoutMs: 3_000, message: 'six pongs (600 ms, twice the idle window)' });
    expect(sock.connectionId).toBe(first);
    expect(h.venue.isReady()).toBe(true);
  });

  it('idle close: without a ping inside 30 s (scaled) OKX closes with 4004, and the adapter reconnects and is ready again', async () => {
    h = await startOkxHarness({ keepaliveIntervalMs: 2_000 });
    const sock = h.venue.socket('private')!;
    const first = sock.connectionId ?? 0;
    const closed = nextEvent<{ code: number }>((l) => sock.on('close', l), { timeoutMs: 3_000 });
    expect((await closed).code).toBe(4004);
    await waitFor(() => (sock.connectionId ?? 0) > first && h!.venue.isReady(), { timeoutMs: 3_000, message: 'ready on a new connection' });
  });

  it('reconnect books a fill the pushes never delivered (resync over REST)', async () => {
    h = await startOkxHarness({ connect: false });
    // The first orders subscription is acknowledged but delivers nothing, like pushes lost in a gap.
    h.sim.faults.failNextSubscriptions(1, 'orders');
    await h.venue.connect();
    const out = await h.venue.submitOrder({
      clientId: 'vd1gap1e',
      symbol: SYMBOL,
      side: 'buy',
      type: 'market',
      size: dec(1),
      reduceOnly: false,
    });
    expect(out.status).toBe('accepted');
    expect(h.events.some((e) => e.type === 'fill')).toBe(false);
    const at = h.events.length;
    h.sim.faults.dropConnections();
    await waitFor(() => h!.events.slice(at).some((e) => e.type === 'resynced'), { timeoutMs: 5_000, message: 'resynced' });
    const after = h.events.slice(at);
    const fill = after.find((e) => e.type === 'fill' && e.fill.clientId === 'vd1gap1e');
    expect(fill).toBeDefined();
    expect(after.findIndex((e) => e === fill)).toBeLessThan(after.findIndex((e) => e.type === 'resynced'));
    expect(after.some((e) => e.type === 'position' && e.position.symbol === SYMBOL && e.position.size.eq(1))).toBe(true);
  });
});
