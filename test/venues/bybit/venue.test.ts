/**
 * The Bybit venue over real loopback sockets and HTTP (scripted Bybit): start-up, recovery after a
 * dropped private connection (reconnect → re-auth → resubscribe → REST resync, a fill during the
 * gap is booked), position pushes with a stale seq dropped, and wallet pushes as balances.
 */
import { afterEach, describe, expect, it } from 'vitest';

import type { VenueEvent } from '../../../src/domain/events.js';
import { waitFor } from '../../support/wait.js';
import { executionRow, type FakeBybit, orderRow, pushPrivate, startFakeBybit } from './fake-bybit.js';

let fake: FakeBybit | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('bybit venue', () => {
  it('connects: clock from market/time, instruments of both categories, private auth and topics, ready', async () => {
    fake = await startFakeBybit();
    await fake.venue.connect();
    expect(fake.venue.isReady()).toBe(true);
    expect(fake.venue.clockOffset()).toBeDefined();
    expect(fake.venue.instrument('BTCUSDT')?.inverse).toBe(false);
    expect(fake.venue.instrument('BTCUSD')?.inverse).toBe(true);
    expect(fake.private.framesWithOp('subscribe')[0]?.json?.args).toEqual(['order', 'execution', 'position', 'wallet']);
    const health = fake.venue.socketHealth();
    expect(health.members.map((m) => [m.key, m.role])).toEqual([
      ['publicLinear', 'auxiliary'],
      ['publicInverse', 'auxiliary'],
      ['private', 'essential'],
    ]);
  });

  it('recovery: reconnect → re-auth → resubscribe → resync; a fill during the gap is booked', async () => {
    const f = (fake = await startFakeBybit());
    await f.venue.connect();
    await f.venue.watchTicker('BTCUSDT');
    expect(f.linear.framesWithOp('subscribe').at(-1)?.json?.args).toEqual(['tickers.BTCUSDT']);
    // The private connection drops; meanwhile our order fills (the push is lost).
    f.private.dropAll();
    const gapFill = executionRow({ orderLinkId: 'gap-1', execId: 'exec-gap-1' });
    f.rest.state.executions.push(gapFill);
    f.rest.state.orders.push(orderRow({ orderLinkId: 'open-1' }));
    f.rest.state.positions.push({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', size: '0.010', avgPrice: '30000', positionIdx: 0 });
    await waitFor(() => f.events.some((e) => e.type === 'resynced'), { message: 'resynced after the reconnect' });
    expect(f.private.framesWithOp('auth')).toHaveLength(2);
    const resub = f.private.framesWithOp('subscribe').filter((s) => s.connection === 2);
    expect(resub[0]?.authed).toBe(true);
    expect(resub[0]?.json?.args).toEqual(['order', 'execution', 'position', 'wallet']);
    const fill = f.events.find((e): e is Extract<VenueEvent, { type: 'fill' }> => e.type === 'fill' && e.fill.tradeId === 'exec-gap-1');
    expect(fill?.fill.clientId).toBe('gap-1');
    expect(f.events.some((e) => e.type === 'order' && e.order.clientId === 'open-1')).toBe(true);
    expect(f.events.some((e) => e.type === 'position' && e.position.symbol === 'BTCUSDT')).toBe(true);
    expect(f.rest.calls('/v5/execution/list').length).toBeGreaterThan(0);
    expect(f.venue.isReady()).toBe(true);
  });

  it('position pushes with a stale seq are dropped; wallet pushes become balances', async () => {
    const f = (fake = await startFakeBybit());
    await f.venue.connect();
    const pos = { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', size: '0.004', entryPrice: '37000', positionIdx: 0 };
    pushPrivate(f, 'position', [{ ...pos, seq: 10 }]);
    pushPrivate(f, 'position', [{ ...pos, size: '0.001', seq: 9 }]);
    pushPrivate(f, 'wallet', [
      {
        accountType: 'UNIFIED',
        coin: [{ coin: 'USDT', equity: '1000', walletBalance: '1000', locked: '0', totalOrderIM: '10', totalPositionIM: '40' }],
      },
    ]);
    const bal = await waitFor(() => f.events.find((e): e is Extract<VenueEvent, { type: 'balance' }> => e.type === 'balance'));
    expect(bal.balance.available.eq(950)).toBe(true);
    const positions = f.events.filter((e): e is Extract<VenueEvent, { type: 'position' }> => e.type === 'position');
    expect(positions.map((p) => p.position.size.toString())).toEqual(['0.004']);
  });

  it('opens a public socket only for the configured categories', async () => {
    fake = await startFakeBybit({ config: { categories: ['linear'] } });
    await fake.venue.connect();
    expect(fake.venue.socketHealth().members.map((m) => m.key)).toEqual(['publicLinear', 'private']);
    expect(fake.inverse.connectionCount).toBe(0);
    expect(fake.rest.calls('/v5/market/instruments-info').map((r) => r.query.get('category'))).toEqual(['linear']);
  });
});
