/**
 * One Bybit socket over a real loopback WebSocket: the JSON ping starts at open and repeats every
 * interval, a missed pong reconnects, start-up work longer than 20 s does not lose the connection
 * (the ping runs from open; fake timers, no real waiting), the auth gate (no private topic before
 * the auth ack; a refused subscription is caught and reconnects), and a failed auth reconnects.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { BybitCredentials } from '../../../src/venues/bybit/credentials.js';
import { type BybitPush, BybitWsClient } from '../../../src/venues/bybit/ws-client.js';
import { FakeTimers } from '../../support/fake-timers.js';
import { type AuthMode, FakeWsServer } from '../../support/fake-ws-server.js';
import { captureLogger } from '../../support/log-capture.js';
import { waitFor } from '../../support/wait.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Setup {
  readonly server: FakeWsServer;
  readonly client: BybitWsClient;
  readonly timers: FakeTimers | undefined;
  readonly pushes: BybitPush[];
  readonly log: ReturnType<typeof captureLogger>;
}

async function setup(
  options: {
    readonly kind?: 'private' | 'publicLinear';
    readonly authMode?: AuthMode;
    readonly fake?: boolean;
    readonly topics?: readonly string[];
    readonly loginTimeoutMs?: number;
    readonly beforeAuth?: (timers: FakeTimers | undefined) => Promise<void>;
  } = {},
): Promise<Setup> {
  const server = await FakeWsServer.start({ authMode: options.authMode ?? 'ok' });
  const timers = options.fake === true ? new FakeTimers(Date.now()) : undefined;
  const log = captureLogger('debug');
  const pushes: BybitPush[] = [];
  const client = new BybitWsClient({
    kind: options.kind ?? 'private',
    name: 'bybit.test',
    url: server.url,
    logger: log.logger,
    clock: { now: () => timers?.now() ?? Date.now() },
    credentials: new BybitCredentials('KEY', 'SECRET'),
    keepaliveIntervalMs: timers ? 15_000 : 100,
    pongTimeoutMs: timers ? 5_000 : 200,
    loginTimeoutMs: options.loginTimeoutMs ?? 1_000,
    subscribeAckTimeoutMs: 1_000,
    authExpiresInMs: 10_000,
    backoff: { initialDelayMs: 10, maxDelayMs: 50 },
    ...(timers ? { timers } : {}),
    topicsToRestore: () => options.topics ?? ['order', 'execution', 'position', 'wallet'],
    onPush: (p) => pushes.push(p),
    ...(options.beforeAuth ? { beforeAuth: () => options.beforeAuth?.(timers) ?? Promise.resolve() } : {}),
  });
  cleanups.push(async () => {
    await client.stop();
    await server.close();
  });
  client.start();
  return { server, client, timers, pushes, log };
}

/** Advance fake time in 1 s steps, letting real socket I/O (pongs) in between. */
async function advance(timers: FakeTimers, ms: number, between?: () => Promise<void>): Promise<void> {
  for (let t = 0; t < ms; t += 1_000) {
    await timers.advance(Math.min(1_000, ms - t));
    await between?.();
  }
}

describe('bybit ws client keepalive', () => {
  it('sends {"op":"ping"} from the moment the socket opens (before auth), every interval', async () => {
    const { server, client, timers } = await setup({ authMode: 'manual', fake: true, loginTimeoutMs: 60_000 });
    if (!timers) throw new Error('fake timers');
    await waitFor(() => server.pendingAuthCount() === 1);
    expect(client.socket.state).toBe('authenticating');
    let pongs = 0;
    client.socket.on('pong', () => (pongs += 1));
    await timers.advance(15_000);
    await waitFor(() => server.pings(1).length === 1);
    expect(server.pings(1)[0]?.json).toMatchObject({ op: 'ping' });
    expect(server.pings(1)[0]?.authed).toBe(false);
    await waitFor(() => pongs === 1);
    await timers.advance(15_000);
    await waitFor(() => server.pings(1).length === 2);
    expect(server.connectionCount).toBe(1);
  });

  it('a pong missing for pongTimeoutMs closes the socket and reconnects', async () => {
    const { server, client, timers } = await setup({ fake: true });
    if (!timers) throw new Error('fake timers');
    await waitFor(() => server.framesWithOp('subscribe').length === 1);
    server.knobs.replyToPings = false;
    await timers.advance(15_000);
    await waitFor(() => server.pings(1).length === 1);
    await timers.advance(5_000);
    await waitFor(() => client.socket.state === 'reconnecting', { message: 'socket dropped after the missed pong' });
    await timers.advance(1_000); // backoff
    await waitFor(() => server.connectionCount === 2, { message: 'reconnect after the missed pong' });
  });

  it('start-up work longer than 20 s does not lose the connection: the ping runs from open', async () => {
    let workDone = false;
    const { server, client, timers } = await setup({
      fake: true,
      loginTimeoutMs: 60_000,
      // 25 s of start-up work (clock sync, instrument paging…) before the auth frame is even signed.
      beforeAuth: (t) =>
        new Promise<void>((resolve) => {
          t?.setTimeout(() => {
            workDone = true;
            resolve();
          }, 25_000);
        }),
    });
    if (!timers) throw new Error('fake timers');
    await waitFor(() => server.connectionCount === 1 && client.socket.state === 'authenticating');
    let pongs = 0;
    client.socket.on('pong', () => (pongs += 1));
    const openedAt = timers.now();
    await advance(timers, 26_000, async () => {
      const due = Math.floor((timers.now() - openedAt) / 15_000);
      if (due > 0) await waitFor(() => pongs >= due);
    });
    expect(workDone).toBe(true);
    // A server that drops after 20 s without a ping saw one at 15 s: the gap never exceeded 20 s.
    expect(server.pings(1).length).toBeGreaterThanOrEqual(1);
    expect(server.connectionCount).toBe(1);
    await waitFor(() => client.isReady());
    expect(client.isAuthenticated()).toBe(true);
  });
});

describe('bybit ws client auth gate', () => {
  it('no private topic goes out before the auth ack; after it, every topic is subscribed on the authed connection', async () => {
    const { server, client } = await setup({ authMode: 'manual' });
    await waitFor(() => server.pendingAuthCount() === 1);
    const auth = server.framesWithOp('auth')[0]?.json;
    expect(auth?.args).toHaveLength(3);
    expect(server.framesWithOp('subscribe')).toHaveLength(0);
    server.ackAuth();
    await waitFor(() => client.isReady());
    const subs = server.framesWithOp('subscribe');
    expect(subs).toHaveLength(1);
    expect(subs[0]?.authed).toBe(true);
    expect(subs[0]?.json?.args).toEqual(['order', 'execution', 'position', 'wallet']);
  });

  it('a private subscription refused by the venue (sent too early) is caught, counted and the socket reconnects', async () => {
    const { server, client, log } = await setup({ topics: ['tickers.BTCUSDT'] });
    await waitFor(() => client.isReady());
    server.knobs.ackSubscribe = false;
    server.events.on('frame', (f: { json?: Record<string, unknown> }) => {
      if (f.json?.op === 'subscribe')
        server.send(JSON.stringify({ success: false, ret_msg: 'Request not authorized', op: 'subscribe', req_id: f.json.req_id }));
    });
    await expect(client.subscribe(['order'])).rejects.toThrow(/Request not authorized/);
    expect(client.refusedSubscriptions()).toBe(1);
    expect(log.find('subscribe refused').length).toBeGreaterThan(0);
    await waitFor(() => server.connectionCount >= 2, { message: 'reconnect after the refused private subscription' });
  });

  it('a public socket refuses private topics outright (login gate)', async () => {
    const { client } = await setup({ kind: 'publicLinear', topics: [] });
    await waitFor(() => client.isReady());
    await expect(client.subscribe(['order'])).rejects.toThrow(/private topics/);
  });

  it('a subscription never acknowledged reconnects (a socket without its topics would be deaf)', async () => {
    const { server, client, timers } = await setup({ fake: true });
    if (!timers) throw new Error('fake timers');
    server.knobs.ackSubscribe = false;
    await waitFor(() => server.framesWithOp('subscribe').length === 1);
    expect(client.isReady()).toBe(false);
    await timers.advance(1_000);
    await waitFor(() => client.socket.state === 'reconnecting', { message: 'dropped after the missing ack' });
    server.knobs.ackSubscribe = true;
    await timers.advance(1_000);
    await waitFor(() => server.connectionCount === 2 && client.isReady(), { message: 'ready again on a new connection' });
  });

  it('a failed auth (success:false) fails the attempt and reconnects with a fresh signature', async () => {
    const { server, client, log } = await setup({ authMode: 'fail' });
    await waitFor(() => server.framesWithOp('auth').length >= 2, { message: 'second auth attempt' });
    expect(client.isReady()).toBe(false);
    expect(log.find('auth refused').length).toBeGreaterThan(0);
    expect(server.framesWithOp('subscribe')).toHaveLength(0);
  });
});
