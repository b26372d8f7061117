/** Group commit: every order, cancel and amend leaves the daemon only after what led to it is synced to the disk. */
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { Venue } from '../../src/domain/ports.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { longIntent, newVenue, ourOpenOrders, scratchDir, type Services, startServices, SYMBOL } from '../orders/harness.js';
import { waitFor } from '../support/wait.js';

interface Send {
  readonly call: 'submitOrder' | 'cancelOrder' | 'amendOrder';
  readonly unsynced: number;
}

/** The venue as the OrderManager sees it, noting how many store rows were unsynced at each send. */
function watchedVenue(inner: Venue, unsynced: () => number, sends: Send[]): Venue {
  return new Proxy(inner, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      if (key === 'submitOrder' || key === 'cancelOrder' || key === 'amendOrder') {
        return (...args: unknown[]) => {
          sends.push({ call: key, unsynced: unsynced() });
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

describe('store durability barrier', () => {
  const dirs: { cleanup(): void }[] = [];
  let services: Services | undefined;
  afterEach(async () => {
    await services?.stop();
    services = undefined;
    for (const d of dirs.splice(0)) d.cleanup();
  });

  it('syncs the store before the entry, the stop, the target and the sibling cancel leave the daemon', async () => {
    const dir = scratchDir();
    dirs.push(dir);
    const memory = await newVenue();
    const sends: Send[] = [];
    let store: SqliteStore | undefined;
    const venue = watchedVenue(memory, () => store?.unsyncedWrites() ?? -1, sends);
    services = await startServices(venue, { storePath: join(dir.path, 'daemon.sqlite') });
    store = services.store;

    const result = await services.orders.openTrade(longIntent());
    expect(result.status).toBe('accepted');
    if (result.status !== 'accepted') return;
    await waitFor(async () => (await ourOpenOrders(memory)).length === 2, { message: 'stop and target resting' });
    memory.setMarkPrice(SYMBOL, 58_000); // through the stop: the stop fills, the target is cancelled
    await waitFor(() => services?.store.getTrade(result.tradeId)?.state === 'closed', { message: 'trade closed' });

    // entry, stop, target, then the cancel of the target: each after a sync, none with writes waiting
    expect(sends.map((s) => s.call)).toEqual(expect.arrayContaining(['submitOrder', 'cancelOrder']));
    expect(sends.filter((s) => s.call === 'submitOrder').length).toBeGreaterThanOrEqual(3);
    expect(sends.filter((s) => s.unsynced !== 0)).toEqual([]);
  });

  it('syncs on its own timer when no order goes out, and flush() with nothing new is free', async () => {
    const dir = scratchDir();
    dirs.push(dir);
    const store = new SqliteStore({ path: join(dir.path, 'daemon.sqlite'), flushIntervalMs: 20 });
    try {
      expect(store.unsyncedWrites()).toBe(0);
      store.setSetting('k', 'v', 1);
      expect(store.unsyncedWrites()).toBe(1);
      await waitFor(() => store.unsyncedWrites() === 0, { message: 'timer sync' });
      store.flush();
      expect(store.unsyncedWrites()).toBe(0);
      expect(store.getSetting('k')).toBe('v');
    } finally {
      store.close();
    }
    // a closed store's barrier is a no-op, not a throw
    expect(() => store.flush()).not.toThrow();
  });

  it('has nothing to sync for an in-memory store', () => {
    const store = new SqliteStore({ path: ':memory:' });
    store.setSetting('k', 'v', 1);
    expect(store.unsyncedWrites()).toBe(0);
    store.flush();
    store.close();
  });
});
