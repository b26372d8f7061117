/** The market-data hot path keeps its validation: bad frames over a real socket are caught, named and counted, never fatal. */
import { afterEach, describe, expect, it } from 'vitest';

import type { VenueEvent } from '../../../src/domain/events.js';
import { type DeribitHarness, startDeribitHarness } from '../../support/deribit-harness.js';
import { waitFor } from '../../support/wait.js';

let h: DeribitHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const PERP = 'BTC-PERPETUAL';
const CHANNEL = `ticker.${PERP}.100ms`;
const notification = (data: unknown, channel = CHANNEL): string =>
  JSON.stringify({ jsonrpc: '2.0', method: 'subscription', params: { channel, data } });
const tickerData = (mark: unknown): Record<string, unknown> => ({
  instrument_name: PERP,
  timestamp: Date.now(),
  mark_price: mark,
  best_bid_price: 1,
  best_bid_amount: 10,
  best_ask_price: 2,
  best_ask_amount: 10,
});
/** Raw text to the adapter's connections (the simulator's fault knob sends any text, not only junk). */
const sendRaw = (harness: DeribitHarness, text: string): number => harness.sim.faults.sendMalformedFrame('all', text);
type TickerEvent = Extract<VenueEvent, { type: 'ticker' }>;
const tickerWithMark =
  (mark: string) =>
  (e: VenueEvent): e is TickerEvent =>
    e.type === 'ticker' && e.ticker.symbol === PERP && e.ticker.mark?.toString() === mark;

describe('Deribit market-data hot path: malformed, truncated and oversized frames', () => {
  it('are counted and named, the connection survives, and the next good ticker is delivered', async () => {
    h = await startDeribitHarness();
    await h.venue.watchTicker(PERP);
    const before = h.venue.inboundProblems();

    // truncated: a ticker notification cut mid-frame (not JSON)
    expect(sendRaw(h, notification(tickerData(123.5)).slice(0, 60))).toBe(1);
    // malformed: a price that is not a number
    sendRaw(h, notification(tickerData('abc')));
    // oversized: a 256 kB junk price, and a 256 kB frame that is not JSON at all
    sendRaw(h, notification(tickerData('7'.repeat(256 * 1024))));
    sendRaw(h, `{"jsonrpc":"2.0","method":"subscription","params":${'['.repeat(256 * 1024)}`);
    // a notification whose envelope is wrong (no channel)
    sendRaw(h, JSON.stringify({ jsonrpc: '2.0', method: 'subscription', params: { data: {} } }));
    // then a good one
    sendRaw(h, notification(tickerData(4242.5)));

    const good = await h.event(tickerWithMark('4242.5'));
    expect(good.ticker.bid?.toString()).toBe('1');
    const after = h.venue.inboundProblems();
    expect(after.unparseableFrames - before.unparseableFrames).toBe(2);
    expect(after.unrecognisedFrames - before.unrecognisedFrames).toBe(1);
    expect(after.rejectedNotifications - before.rejectedNotifications).toBe(2);
    // named: the field path, with a bounded preview of the bad value
    expect(after.lastRejection).toMatch(/ticker\.BTC-PERPETUAL\.100ms\.mark_price: not a number: "7{40}…"/);
    expect(after.lastRejection!.length).toBeLessThan(200);
    const rejections = h.log.lines.filter((l) => l.level === 50 && /failed to parse/.test(String(l.msg)));
    expect(
      rejections.some((l) =>
        /ticker\.BTC-PERPETUAL\.100ms\.mark_price: not a number: "abc"/.test(String((l as { err?: { message?: string } }).err?.message)),
      ),
    ).toBe(true);
    expect(h.venue.isReady()).toBe(true);
    // no junk value reached a consumer
    expect(
      h.events
        .filter((e) => e.type === 'ticker' && e.ticker.symbol === PERP)
        .every((e) => e.type === 'ticker' && e.ticker.mark !== undefined),
    ).toBe(true);
  });

  it('a consumer reading ticker.mark gets a Decimal it can compute with', async () => {
    h = await startDeribitHarness();
    await h.venue.watchTicker(PERP);
    sendRaw(h, notification(tickerData('36446.51')));
    const e = await waitFor(() => h!.events.find(tickerWithMark('36446.51')) as TickerEvent | undefined);
    expect(e.ticker.mark!.plus('0.49').toString()).toBe('36447');
  });
});
