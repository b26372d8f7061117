/** RequestTracker: numeric and string ids, timeouts, late answers dropped, everything rejected at once on disconnect. */
import { afterEach, describe, expect, it } from 'vitest';

import { TransportError } from '../../../src/domain/errors.js';
import { ReconnectingSocket } from '../../../src/venues/shared/reconnecting-socket.js';
import { alphanumericIds, RequestTracker } from '../../../src/venues/shared/request-tracker.js';
import { FakeTimers } from '../../support/fake-timers.js';
import { FakeWsServer } from '../../support/fake-ws-server.js';
import { captureLogger } from '../../support/log-capture.js';
import { waitFor } from '../../support/wait.js';

function makeTracker(defaultTimeoutMs = 1_000) {
  const timers = new FakeTimers();
  const log = captureLogger();
  const tracker = new RequestTracker<{ result: string }>({ name: 'test.rpc', logger: log.logger, defaultTimeoutMs, timers });
  return { tracker, timers, log };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('RequestTracker', () => {
  it('hands out monotonic ids and resolves a pending request by id', async () => {
    const { tracker } = makeTracker();
    const a = tracker.nextId();
    const b = tracker.nextId();
    expect(b).toBe(a + 1);
    const response = tracker.register(b, { method: 'public/test' });
    expect(tracker.size()).toBe(1);
    expect(tracker.resolve(b, { result: 'ok' })).toBe(true);
    await expect(response).resolves.toEqual({ result: 'ok' });
    expect(tracker.size()).toBe(0);
  });

  it('on timeout removes the entry and rejects with TIMEOUT (unknown outcome); a late answer is dropped quietly', async () => {
    const { tracker, timers, log } = makeTracker();
    const { id, response } = tracker.call(() => {}, { method: 'private/buy', timeoutMs: 500 });
    const settled = expect(response).rejects.toMatchObject({ code: 'TIMEOUT' });
    await timers.advance(499);
    expect(tracker.size()).toBe(1);
    await timers.advance(1);
    await settled;
    await expect(response).rejects.toBeInstanceOf(TransportError);
    await expect(response).rejects.toThrow(/private\/buy.*outcome unknown/);
    expect(tracker.size()).toBe(0);
    expect(tracker.has(id)).toBe(false);

    expect(tracker.resolve(id, { result: 'late' })).toBe(false);
    expect(tracker.resolve(9_999, { result: 'never asked' })).toBe(false);
    const dropped = log.find('unknown or expired request id dropped');
    expect(dropped).toHaveLength(2);
    expect(dropped.every((l) => l.level === 20)).toBe(true);
  });

  it('rejectAll rejects everything pending at once with DISCONNECTED', async () => {
    const { tracker, timers } = makeTracker();
    const responses = [1, 2, 3].map(() => tracker.call(() => {}, { method: 'private/cancel' }).response);
    const outcomes = Promise.allSettled(responses);
    expect(tracker.rejectAll('socket closed')).toBe(3);
    const settled = await outcomes;
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const s of settled) {
      expect(s.status === 'rejected' && s.reason).toMatchObject({ code: 'DISCONNECTED' });
    }
    expect(tracker.size()).toBe(0);
    expect(timers.pending()).toBe(0);
    expect(tracker.rejectAll('again')).toBe(0);
  });

  it('rejects one request with the venue error, and removes an entry whose send threw', async () => {
    const { tracker } = makeTracker();
    const { id, response } = tracker.call(() => {}, { method: 'private/buy' });
    expect(tracker.reject(id, new Error('10009 not_enough_funds'))).toBe(true);
    await expect(response).rejects.toThrow('not_enough_funds');

    const failed = tracker.call(() => {
      throw new TransportError('NOT_CONNECTED', 'no socket');
    });
    await expect(failed.response).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    expect(tracker.size()).toBe(0);
    expect(() => {
      const dup = tracker.nextId();
      void tracker.register(dup).catch(() => {});
      tracker.register(dup);
    }).toThrow(RangeError);
    tracker.rejectAll('cleanup');
  });

  it('takes string ids (OKX `id`, Bybit `reqId`): formatted from the sequence, resolved, timed out and dropped like numbers', async () => {
    const timers = new FakeTimers();
    const log = captureLogger();
    const tracker = new RequestTracker<string, string>({
      name: 'okx.trade',
      logger: log.logger,
      defaultTimeoutMs: 100,
      timers,
      formatId: alphanumericIds('o'),
    });
    const sent: string[] = [];
    const first = tracker.call((id) => sent.push(id));
    const second = tracker.call((id) => sent.push(id));
    expect(sent).toEqual(['o1', 'o2']);
    expect(tracker.resolve('o1', 'ack')).toBe(true);
    await expect(first.response).resolves.toBe('ack');
    expect(tracker.resolve('nope', 'x')).toBe(false);
    const late = expect(second.response).rejects.toMatchObject({ code: 'TIMEOUT' });
    await timers.advance(100);
    await late;
    expect(tracker.resolve('o2', 'late')).toBe(false);
  });

  it('alphanumericIds keeps to OKX rules: letters and digits, at most 32 characters', () => {
    expect(() => alphanumericIds('a-b')).toThrow(RangeError);
    expect(() => alphanumericIds('x'.repeat(32))).toThrow(RangeError);
    expect(alphanumericIds('sub')(42)).toBe('sub42');
    expect(() => alphanumericIds('x'.repeat(30))(123)).toThrow(/longer than 32/);
    // @ts-expect-error a string-id tracker must say how its ids are made
    expect(() => new RequestTracker<string, string>({ name: 'x', logger: captureLogger().logger })).not.toThrow();
  });

  it('wired to a socket: a dropped connection rejects the pending requests at once', async () => {
    const server = await FakeWsServer.start();
    cleanups.push(() => server.close());
    const log = captureLogger();
    const tracker = new RequestTracker({ name: 'test.rpc', logger: log.logger, defaultTimeoutMs: 5_000 });
    const socket = new ReconnectingSocket({
      name: 'test.ws',
      url: server.url,
      logger: log.logger,
      backoff: { initialDelayMs: 10, random: () => 1 },
    });
    cleanups.push(() => socket.close());
    socket.on('close', (event) => tracker.rejectAll(`connection ${event.connectionId} closed: ${event.reason}`));
    socket.on('message', (frame) => {
      if (frame.ok && typeof frame.data === 'object' && frame.data !== null && 'id' in frame.data) {
        tracker.resolve(Number((frame.data as { id: unknown }).id), frame.data);
      }
    });
    socket.start();
    await socket.whenReady();
    const { id, response } = tracker.call((reqId) => socket.send({ jsonrpc: '2.0', id: reqId, method: 'private/buy', params: {} }));
    await waitFor(() => server.framesWithOp('private/buy').length === 1);
    const outcome = expect(response).rejects.toMatchObject({ code: 'DISCONNECTED' });
    server.dropAll();
    await outcome;
    expect(tracker.has(id)).toBe(false);
  });
});
