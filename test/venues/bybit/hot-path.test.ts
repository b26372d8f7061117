/**
 * The Bybit ticker hot path over a real socket: frames routed by a cheap `topic` check, decimals
 * kept as strings (no Decimal until read), deltas merged onto the snapshot (a delta before any
 * snapshot is not applied), and bad frames caught, named and counted, never fatal.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

import { Decimal } from '../../../src/domain/decimal.js';
import type { VenueEvent } from '../../../src/domain/events.js';
import { waitFor } from '../../support/wait.js';
import { bybitFixtureText } from './bybit-fixtures.js';
import { type FakeBybit, startFakeBybit } from './fake-bybit.js';

let fake: FakeBybit | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await fake?.close();
  fake = undefined;
});

const tickers = (f: FakeBybit): Array<Extract<VenueEvent, { type: 'ticker' }>> =>
  f.events.filter((e): e is Extract<VenueEvent, { type: 'ticker' }> => e.type === 'ticker');

function frame(type: 'snapshot' | 'delta', data: Record<string, unknown>, ts = 1_700_000_000_000): string {
  return JSON.stringify({ topic: `tickers.${String(data.symbol)}`, type, data, cs: 1, ts });
}

describe('bybit hot path', () => {
  it('bad frames are caught, named and counted; the socket stays up and good tickers flow', async () => {
    const f = (fake = await startFakeBybit());
    await f.venue.connect();
    await f.venue.watchTicker('BTC/USDT:USDT');
    const conn = f.linear.latest;
    f.linear.send('{"topic":"tickers.BTCUSDT","type":"snap', conn);
    f.linear.send(JSON.stringify({ topic: 'tickers.BTCUSDT', type: 'snapshot' }), conn);
    f.linear.send(JSON.stringify({ op: 'mystery' }), conn);
    f.linear.send(frame('snapshot', { symbol: 'BTCUSDT', bid1Price: 'abc', bid1Size: '1' }), conn);
    f.linear.send(bybitFixtureText('ws_push_tickers_linear_snapshot.json'), conn);
    await waitFor(() => tickers(f).length === 1);
    const problems = f.venue.inboundProblems();
    expect(problems.malformedFrames).toBe(3);
    expect(problems.rejectedPushes).toBe(1);
    expect(problems.lastRejection).toContain('bid1Price');
    expect(f.linear.connectionCount).toBe(1);
    expect(f.venue.isReady()).toBe(true);
    expect(f.log.find('malformed bybit publicLinear frame').length).toBe(2);
  });

  it('a ticker delta before a snapshot is not applied; later deltas merge onto the snapshot', async () => {
    const f = (fake = await startFakeBybit());
    await f.venue.connect();
    await f.venue.watchTicker('BTCUSDT');
    f.linear.send(frame('delta', { symbol: 'BTCUSDT', bid1Price: '100', bid1Size: '1' }));
    f.linear.send(
      frame('snapshot', {
        symbol: 'BTCUSDT',
        bid1Price: '200',
        bid1Size: '1',
        ask1Price: '201',
        ask1Size: '2',
        lastPrice: '200.5',
        markPrice: '200.4',
      }),
    );
    f.linear.send(frame('delta', { symbol: 'BTCUSDT', ask1Price: '202', ask1Size: '3' }));
    await waitFor(() => tickers(f).length === 2);
    const [snap, merged] = tickers(f).map((e) => e.ticker);
    expect(snap?.bid?.eq(200)).toBe(true);
    expect(merged?.bid?.eq(200)).toBe(true);
    expect(merged?.ask?.eq(202)).toBe(true);
    expect(merged?.mark?.eq('200.4')).toBe(true);
  });

  it('creates no Decimal on the way from frame to ticker event', async () => {
    const f = (fake = await startFakeBybit());
    await f.venue.connect();
    await f.venue.watchTicker('BTCUSDT');
    const spy = vi.spyOn(Decimal, 'from');
    for (let i = 0; i < 50; i += 1)
      f.linear.send(frame('snapshot', { symbol: 'BTCUSDT', bid1Price: `${60000 + i}.5`, bid1Size: '1', lastPrice: '60000' }));
    await waitFor(() => tickers(f).length === 50);
    expect(spy).not.toHaveBeenCalled();
    expect(tickers(f)[49]?.ticker.bid?.toString()).toBe('60049.5');
  });
});
