/** ReconnectingSocket over real sockets: keepalive from open, login gate, reconnect with backoff, resubscribe, timers. */
import { afterEach, describe, expect, it } from 'vitest';

import { TransportError } from '../../../src/domain/errors.js';
import {
  type ConnectionContext,
  type InboundFrame,
  ReconnectingSocket,
  type ReconnectingSocketEvents,
  type ReconnectingSocketOptions,
  type StateChange,
} from '../../../src/venues/shared/reconnecting-socket.js';
import { FakeTimers } from '../../support/fake-timers.js';
import { FakeWsServer } from '../../support/fake-ws-server.js';
import { type CapturedLogger, captureLogger } from '../../support/log-capture.js';
import { collect, nextEvent, waitFor } from '../../support/wait.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(knobs: Parameters<typeof FakeWsServer.start>[0] = {}): Promise<FakeWsServer> {
  const server = await FakeWsServer.start(knobs);
  cleanups.push(() => server.close());
  return server;
}

function isJson(frame: InboundFrame, op: string): boolean {
  return frame.ok && typeof frame.data === 'object' && frame.data !== null && (frame.data as Record<string, unknown>)['op'] === op;
}

/** The Bybit-style login used by these tests: send {op:'auth'} and wait for {op:'auth', success:true}. */
async function bybitStyleAuth(ctx: ConnectionContext): Promise<void> {
  const ack = ctx.nextMessage((f) => isJson(f, 'auth'));
  ctx.send({ op: 'auth', args: ['TESTKEY', 1700000010000, 'super-secret-signature'] });
  const frame = await ack;
  if (!frame.ok || (frame.data as Record<string, unknown>)['success'] !== true) throw new Error('login rejected');
}

function makeSocket(
  server: FakeWsServer,
  overrides: Partial<ReconnectingSocketOptions> = {},
  capture: CapturedLogger = captureLogger(),
): { socket: ReconnectingSocket; log: CapturedLogger } {
  const socket = new ReconnectingSocket({
    name: 'test.ws',
    url: server.url,
    logger: capture.logger,
    keepalive: {
      intervalMs: 50,
      ping: { op: 'ping' },
      isPong: (f) => isJson(f, 'pong'),
      pongTimeoutMs: 100,
    },
    authTimeoutMs: 300,
    backoff: { initialDelayMs: 10, maxDelayMs: 40, random: () => 1 },
    readyWaitTimeoutMs: 2_000,
    ...overrides,
  });
  cleanups.push(() => socket.close());
  return { socket, log: capture };
}

/** The next `event` from the socket that satisfies `predicate`, within 3 s. */
function next<K extends keyof ReconnectingSocketEvents>(
  socket: ReconnectingSocket,
  event: K,
  predicate?: (value: ReconnectingSocketEvents[K]) => boolean,
): Promise<ReconnectingSocketEvents[K]> {
  return nextEvent<ReconnectingSocketEvents[K]>((l) => socket.on(event, l), {
    message: `socket event '${event}'`,
    ...(predicate ? { predicate } : {}),
  });
}

describe('ReconnectingSocket', () => {
  it('goes idle → connecting → authenticating → ready, and resubscribes before ready', async () => {
    const server = await startServer();
    const { socket } = makeSocket(server, {
      auth: bybitStyleAuth,
      onReady: async (ctx) => {
        const ack = ctx.nextMessage((f) => isJson(f, 'subscribe'));
        ctx.send({ op: 'subscribe', args: ['order'] });
        await ack;
      },
    });
    const states = collect<StateChange>((l) => socket.on('state', l));
    expect(socket.state).toBe('idle');
    socket.start();
    await socket.whenReady();
    expect(states.values.map((s) => s.to)).toEqual(['connecting', 'authenticating', 'ready']);
    const subscribe = server.framesWithOp('subscribe');
    expect(subscribe).toHaveLength(1);
    expect(subscribe[0]?.authed).toBe(true);
  });

  it('starts keepalive the moment the socket opens, before auth', async () => {
    const server = await startServer({ authMode: 'manual' });
    const order: string[] = [];
    const { socket } = makeSocket(server, {
      keepalive: {
        intervalMs: 30,
        ping: { op: 'ping' },
        isPong: (f) => isJson(f, 'pong'),
        pongTimeoutMs: 200,
        // Deribit-style start hook: public/set_heartbeat goes out before the login.
        onOpen: (ctx) => {
          order.push('keepalive');
          ctx.send({ jsonrpc: '2.0', id: 1, method: 'public/set_heartbeat', params: { interval: 30 } });
        },
      },
      authTimeoutMs: 2_000,
      auth: async (ctx) => {
        order.push('auth');
        await bybitStyleAuth(ctx);
      },
    });
    socket.start();
    // While the login is held by the server, pings keep flowing on the authenticating socket.
    await waitFor(() => server.pings(1).length >= 2, { message: 'two pings during auth' });
    expect(socket.state).toBe('authenticating');
    expect(order).toEqual(['keepalive', 'auth']);
    const first = server.framesOn(1)[0];
    expect(first?.json?.['method']).toBe('public/set_heartbeat');
    const authIndex = server.framesOn(1).findIndex((f) => f.json?.['op'] === 'auth');
    expect(authIndex).toBeGreaterThan(0);
    server.ackAuth(1);
    await socket.whenReady();
  });

  it('treats a missed pong as a dead connection and reconnects', async () => {
    const server = await startServer({ replyToPings: false });
    const { socket, log } = makeSocket(server);
    const errors = collect<{ stage: string; error: Error }>((l) => socket.on('error', l));
    socket.start();
    await socket.whenReady();
    const closed = await next(socket, 'close');
    expect(closed.connectionId).toBe(1);
    expect(closed.reason).toContain('no pong within 100 ms');
    expect(closed.willReconnect).toBe(true);
    expect(errors.values.some((e) => e.stage === 'keepalive' && e.error instanceof TransportError)).toBe(true);
    expect(log.find('terminating connection').length).toBeGreaterThan(0);
    server.knobs.replyToPings = true;
    await waitFor(() => socket.isReady() && (socket.connectionId ?? 0) >= 2, { message: 'ready on a new connection' });
    expect(server.connectionCount).toBeGreaterThanOrEqual(2);
  });

  it('answers pongs as keepalive only: text pong (OKX) is consumed, not emitted or logged as malformed', async () => {
    const server = await startServer();
    const { socket, log } = makeSocket(server, {
      keepalive: { intervalMs: 20, ping: 'ping', isPong: (f) => f.raw === 'pong', pongTimeoutMs: 200 },
    });
    const messages = collect<InboundFrame>((l) => socket.on('message', l));
    const pongs = collect<{ latencyMs: number }>((l) => socket.on('pong', l));
    socket.start();
    await waitFor(() => pongs.values.length >= 3, { message: 'three pongs' });
    expect(server.pings(1).every((f) => f.text === 'ping')).toBe(true);
    expect(messages.values).toHaveLength(0);
    expect(log.find('malformed')).toHaveLength(0);
    expect(socket.connectionId).toBe(1);
  });

  it('declares a silent connection dead (no frames within the silence window) and reconnects', async () => {
    const server = await startServer();
    // Deribit-like: no client ping, the server is expected to send heartbeats; here it sends nothing.
    const { socket } = makeSocket(server, {
      keepalive: { intervalMs: 1_000, silenceTimeoutMs: 80, onOpen: (ctx) => ctx.send({ method: 'public/set_heartbeat' }) },
    });
    socket.start();
    const closed = await next(socket, 'close');
    expect(closed.reason).toContain('nothing received');
    await waitFor(() => server.framesWithOp('public/set_heartbeat').length >= 2, { message: 'heartbeat re-sent on the new connection' });
  });

  it('closes and reconnects when login is not acknowledged within the deadline', async () => {
    const server = await startServer({ authMode: 'never' });
    const { socket, log } = makeSocket(server, { auth: bybitStyleAuth, authTimeoutMs: 150 });
    const errors = collect<{ stage: string; error: Error }>((l) => socket.on('error', l));
    socket.start();
    const closed = await next(socket, 'close');
    expect(closed.reason).toContain('login failed');
    expect(errors.values.some((e) => e.stage === 'auth')).toBe(true);
    expect(log.find('login failed or not acknowledged within 150 ms').length).toBe(1);
    server.knobs.authMode = 'ok';
    await waitFor(() => socket.isReady(), { message: 'ready after auth is acked' });
    expect(server.framesWithOp('auth').length).toBeGreaterThanOrEqual(2);
    // The login frame (with its signature) never reaches a log line.
    expect(log.text()).not.toContain('super-secret-signature');
  });

  it('reconnects when the venue rejects the login', async () => {
    const server = await startServer({ authMode: 'fail' });
    const { socket } = makeSocket(server, { auth: bybitStyleAuth });
    socket.start();
    const failure = await next(socket, 'error', (e) => e.stage === 'auth');
    expect(failure.error.message).toBe('login rejected');
    server.knobs.authMode = 'ok';
    await waitFor(() => socket.isReady(), { message: 'ready after a good login' });
  });

  it('holds private sends behind the login gate until auth is acknowledged', async () => {
    const server = await startServer({ authMode: 'manual' });
    const { socket } = makeSocket(server, { auth: bybitStyleAuth, authTimeoutMs: 2_000 });
    socket.start();
    const sent = socket.sendPrivate({ op: 'private-order', id: 7 });
    await waitFor(() => server.pendingAuthCount(1) === 1, { message: 'login frame held by the server' });
    // Public frames go out while authenticating; private ones wait.
    socket.send({ op: 'public-hello' });
    await waitFor(() => server.framesWithOp('public-hello').length === 1);
    expect(socket.state).toBe('authenticating');
    expect(server.framesWithOp('private-order')).toHaveLength(0);
    server.ackAuth(1);
    await sent;
    const frame = await waitFor(() => server.framesWithOp('private-order')[0]);
    expect(frame.authed).toBe(true);
  });

  it('rejects whenReady with NOT_CONNECTED after its timeout, and on stop', async () => {
    const server = await startServer({ authMode: 'manual' });
    const { socket } = makeSocket(server, { auth: bybitStyleAuth, authTimeoutMs: 5_000 });
    socket.start();
    await expect(socket.whenReady({ timeoutMs: 50 })).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    const pending = expect(socket.sendPrivate({ op: 'private-order' })).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    const aborter = new AbortController();
    const aborted = socket.whenReady({ signal: aborter.signal });
    aborter.abort(new Error('caller gave up'));
    await expect(aborted).rejects.toThrow('caller gave up');
    await socket.close();
    await pending;
    await expect(socket.whenReady()).rejects.toBeInstanceOf(TransportError);
    expect(server.framesWithOp('private-order')).toHaveLength(0);
  });

  it('calls the resubscribe hook after every reconnect, each time after a fresh login', async () => {
    const server = await startServer();
    const readyCalls: number[] = [];
    const { socket } = makeSocket(server, {
      auth: bybitStyleAuth,
      onReady: async (ctx) => {
        readyCalls.push(ctx.connectionId);
        const ack = ctx.nextMessage((f) => isJson(f, 'subscribe'));
        ctx.send({ op: 'subscribe', args: ['order', 'position'] });
        await ack;
      },
    });
    socket.start();
    await socket.whenReady();
    server.dropAll();
    await waitFor(() => socket.isReady() && socket.connectionId === 2, { message: 'ready on connection 2' });
    server.dropAll();
    await waitFor(() => socket.isReady() && socket.connectionId === 3, { message: 'ready on connection 3' });
    expect(readyCalls).toEqual([1, 2, 3]);
    const subscribes = server.framesWithOp('subscribe');
    expect(subscribes.map((f) => f.connection)).toEqual([1, 2, 3]);
    expect(subscribes.every((f) => f.authed)).toBe(true);
  });

  it('reconnect(reason) drops a live connection the venue made deaf, then logs in and resubscribes on a new one', async () => {
    const server = await startServer();
    const readyCalls: number[] = [];
    const { socket, log } = makeSocket(server, {
      auth: bybitStyleAuth,
      onReady: async (ctx) => {
        readyCalls.push(ctx.connectionId);
        const ack = ctx.nextMessage((f) => isJson(f, 'subscribe'));
        ctx.send({ op: 'subscribe', args: ['order'] });
        await ack;
      },
    });
    socket.start();
    await socket.whenReady();
    socket.reconnect('error event 60011');
    await waitFor(() => socket.isReady() && socket.connectionId === 2, { message: 'ready on connection 2' });
    expect(readyCalls).toEqual([1, 2]);
    expect(server.framesWithOp('subscribe').every((f) => f.authed)).toBe(true);
    expect(log.lines.some((l) => l.reason === 'error event 60011')).toBe(true);
    await socket.close();
    socket.reconnect('after close'); // a no-op once stopped
    expect(socket.state).toBe('stopped');
  });

  it('reconnects when the resubscribe hook fails', async () => {
    const server = await startServer();
    let calls = 0;
    const { socket } = makeSocket(server, {
      onReady: () => {
        calls += 1;
        if (calls === 1) throw new Error('subscribe rejected: 60011 Please log in');
      },
    });
    socket.start();
    const failure = await next(socket, 'error', (e) => e.stage === 'ready');
    expect(failure.error.message).toContain('60011');
    await waitFor(() => socket.isReady() && socket.connectionId === 2, { message: 'ready after a second try' });
  });

  it('backs off with growing, jittered delays (injected random)', async () => {
    const server = await startServer({ dropOnConnect: true });
    const draws = [0.5, 0.25, 1, 0.5, 0.75, 0];
    let i = 0;
    const { socket } = makeSocket(server, {
      backoff: { initialDelayMs: 8, maxDelayMs: 40, multiplier: 2, random: () => draws[i++ % draws.length] ?? 0 },
    });
    const reconnects = collect<{ attempt: number; delayMs: number }>((l) => socket.on('reconnecting', l));
    socket.start();
    await waitFor(() => reconnects.values.length >= 6, { message: 'six reconnect attempts' });
    await socket.close();
    // Ceilings 8, 16, 32, 40, 40, 40 (capped) times the draws.
    expect(reconnects.values.slice(0, 6)).toEqual([
      { attempt: 1, delayMs: 4, reason: expect.any(String) },
      { attempt: 2, delayMs: 4, reason: expect.any(String) },
      { attempt: 3, delayMs: 32, reason: expect.any(String) },
      { attempt: 4, delayMs: 20, reason: expect.any(String) },
      { attempt: 5, delayMs: 30, reason: expect.any(String) },
      { attempt: 6, delayMs: 0, reason: expect.any(String) },
    ]);
  });

  it('resets the backoff after a stable ready period', async () => {
    const server = await startServer({ dropOnConnect: true });
    const { socket, log } = makeSocket(server, { stableAfterMs: 30 });
    const reconnects = collect<{ attempt: number }>((l) => socket.on('reconnecting', l));
    socket.start();
    await waitFor(() => reconnects.values.length >= 2, { message: 'two failed attempts' });
    server.knobs.dropOnConnect = false;
    await socket.whenReady();
    expect(reconnects.values.at(-1)?.attempt).toBeGreaterThanOrEqual(2);
    await waitFor(() => log.find('backoff reset').length === 1, { message: 'stable period reached' });
    server.dropAll();
    const after = await next(socket, 'reconnecting');
    expect(after.attempt).toBe(1);
  });

  it('logs a malformed frame (what, where, what next) and keeps the connection', async () => {
    const server = await startServer();
    const { socket, log } = makeSocket(server);
    const messages = collect<InboundFrame>((l) => socket.on('message', l));
    // A listener that throws must not take the socket down either.
    socket.on('message', () => {
      throw new Error('handler bug');
    });
    socket.start();
    await socket.whenReady();
    server.send('{"jsonrpc":"2.0","method":"subscription","params":');
    server.send('{"op":"after","n":1}');
    await waitFor(() => messages.values.length >= 2, { message: 'both frames delivered' });
    const [bad, good] = messages.values;
    expect(bad?.ok).toBe(false);
    expect(bad?.raw).toContain('"subscription"');
    expect(good).toMatchObject({ ok: true, data: { op: 'after', n: 1 }, connectionId: 1 });
    const warned = log.find('malformed frame');
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ level: 40, socket: 'test.ws', connectionId: 1 });
    expect(String(warned[0]?.['preview'])).toContain('subscription');
    expect(log.find('listener threw').length).toBe(2);
    expect(socket.isReady()).toBe(true);
    expect(socket.connectionId).toBe(1);
  });

  it('resolves the URL function on every connect', async () => {
    const server = await startServer();
    let calls = 0;
    const { socket } = makeSocket(server, {
      url: async () => {
        calls += 1;
        return server.url;
      },
    });
    socket.start();
    await socket.whenReady();
    server.dropAll();
    await waitFor(() => socket.isReady() && socket.connectionId === 2);
    expect(calls).toBe(2);
  });

  it('close() is idempotent and stops reconnecting', async () => {
    const server = await startServer();
    const { socket } = makeSocket(server);
    const reconnects = collect<unknown>((l) => socket.on('reconnecting', l));
    socket.start();
    await socket.whenReady();
    await Promise.all([socket.close(), socket.close()]);
    await socket.close();
    expect(socket.state).toBe('stopped');
    await waitFor(() => server.openConnections() === 0, { message: 'server saw the close' });
    expect(reconnects.values).toHaveLength(0);
    expect(() => socket.send({ op: 'late' })).toThrow(TransportError);
    expect(server.connectionCount).toBe(1);
  });

  it('can be started again after close(), even before the close finished', async () => {
    const server = await startServer();
    const { socket } = makeSocket(server);
    socket.start();
    await socket.whenReady();
    const closing = socket.close();
    socket.start();
    await closing;
    await waitFor(() => socket.isReady() && socket.connectionId === 2, { message: 'ready again on connection 2' });
    await socket.close();
    socket.start();
    await waitFor(() => socket.isReady() && socket.connectionId === 3, { message: 'ready again on connection 3' });
  });

  it('can be closed while reconnecting and while connecting', async () => {
    const server = await startServer({ dropOnConnect: true });
    const { socket } = makeSocket(server, { backoff: { initialDelayMs: 5_000, random: () => 1 } });
    socket.start();
    await next(socket, 'reconnecting');
    expect(socket.state).toBe('reconnecting');
    await socket.close();
    expect(socket.state).toBe('stopped');

    const { socket: second } = makeSocket(server);
    second.start();
    expect(second.state).toBe('connecting');
    await second.close();
    expect(second.state).toBe('stopped');
  });

  it('runs its keepalive, pong deadline and backoff on injected timers', async () => {
    const server = await startServer({ replyToPings: false });
    const timers = new FakeTimers();
    const { socket } = makeSocket(server, {
      timers,
      keepalive: { intervalMs: 1_000, ping: 'ping', isPong: (f) => f.raw === 'pong', pongTimeoutMs: 500 },
      backoff: { initialDelayMs: 200, maxDelayMs: 200, random: () => 1 },
    });
    socket.start();
    await waitFor(() => socket.state === 'ready');
    expect(server.pings()).toHaveLength(0);
    await timers.advance(1_000);
    await waitFor(() => server.pings().length === 1, { message: 'a text ping after 1 s of fake time' });
    // no pong: the deadline on the fake clock kills the connection, the backoff waits on it too
    await timers.advance(500);
    await waitFor(() => socket.state === 'reconnecting', { message: 'dead connection noticed' });
    expect(server.connectionCount).toBe(1);
    await timers.advance(200);
    await waitFor(() => socket.state === 'ready' && server.connectionCount === 2, { message: 'reconnected after the fake backoff' });
  });
});
