/** SocketGroup: several reconnecting sockets (OKX-style private + business essential, public auxiliary) give one state and health. */
import { afterEach, describe, expect, it } from 'vitest';

import { ReconnectingSocket } from '../../../src/venues/shared/reconnecting-socket.js';
import { SocketGroup, socketMember } from '../../../src/venues/shared/socket-group.js';
import { FakeWsServer } from '../../support/fake-ws-server.js';
import { captureLogger } from '../../support/log-capture.js';
import { collect, waitFor } from '../../support/wait.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function socketOn(name: string): Promise<{ server: FakeWsServer; socket: ReconnectingSocket }> {
  const server = await FakeWsServer.start({});
  cleanups.push(() => server.close());
  const socket = new ReconnectingSocket({
    name,
    url: server.url,
    logger: captureLogger().logger,
    keepalive: { intervalMs: 1_000, ping: 'ping', isPong: (f) => f.raw === 'pong' },
    backoff: { initialDelayMs: 20, maxDelayMs: 40, random: () => 1 },
  });
  cleanups.push(() => socket.close());
  return { server, socket };
}

describe('SocketGroup', () => {
  it('is ready when every essential socket is; an auxiliary socket down only degrades it', async () => {
    const priv = await socketOn('okx.private');
    const business = await socketOn('okx.business');
    const pub = await socketOn('okx.public');
    const group = new SocketGroup('okx', captureLogger().logger);
    group.add('private', socketMember(priv.socket), 'essential');
    group.add('business', socketMember(business.socket), 'essential');
    group.add('public', socketMember(pub.socket), 'auxiliary');
    const states = collect<string>((l) => group.on('state', (c) => l(c.to)));
    const healths = collect<string>((l) => group.on('health', (c) => l(c.to)));
    expect(group.state()).toBe('idle');

    group.start();
    await group.whenReady({ timeoutMs: 2_000 });
    await waitFor(() => group.health() === 'connected');
    expect(states.values.at(-1)).toBe('ready');
    const fromConnected = healths.values.length - 1;

    pub.server.dropAll();
    await waitFor(() => group.health() === 'degraded');
    expect(group.isReady()).toBe(true);
    await waitFor(() => group.health() === 'connected');

    const before = states.values.length;
    business.server.dropAll();
    await waitFor(() => group.state() === 'reconnecting');
    expect(group.health()).toBe('down');
    await waitFor(() => group.isReady());
    expect(states.values.slice(before)).toEqual(['reconnecting', 'connecting', 'ready']);
    expect(healths.values.slice(fromConnected)).toEqual(['connected', 'degraded', 'connected', 'down', 'connected']);
    expect(group.members().map((m) => `${m.key}:${m.role}:${m.state}`)).toEqual([
      'private:essential:ready',
      'business:essential:ready',
      'public:auxiliary:ready',
    ]);
  });

  it('adds and removes members at run time; stop keeps them for the next start', async () => {
    const main = await socketOn('deribit.ws');
    const md = await socketOn('deribit.md1');
    const group = new SocketGroup('deribit', captureLogger().logger);
    group.add('deribit.ws', socketMember(main.socket), 'essential');
    expect(() => group.add('deribit.ws', socketMember(main.socket), 'essential')).toThrow(RangeError);
    group.start();
    await group.whenReady({ timeoutMs: 2_000 });
    group.add('deribit.md1', socketMember(md.socket), 'auxiliary');
    expect(group.health()).toBe('degraded');
    md.socket.start();
    await waitFor(() => group.health() === 'connected');
    await group.remove('deribit.md1');
    expect(md.socket.state).toBe('stopped');
    expect(group.keys()).toEqual(['deribit.ws']);
    await group.stop();
    expect(group.state()).toBe('stopped');
    group.start();
    await group.whenReady({ timeoutMs: 2_000 });
  });
});
