/** GapResync: no resync on the first ready; after a reconnect it reads from the gap (or the last fill) and emits, then `resynced`. */
import { describe, expect, it } from 'vitest';

import { Decimal } from '../../../src/domain/decimal.js';
import type { VenueEvent } from '../../../src/domain/events.js';
import type { Fill } from '../../../src/domain/position.js';
import { GapResync } from '../../../src/venues/shared/gap-resync.js';
import { captureLogger } from '../../support/log-capture.js';
import { waitFor } from '../../support/wait.js';

const fill = (tsMs: number): Fill => ({
  venue: 'toy',
  tradeId: `t${tsMs}`,
  venueOrderId: 'o1',
  symbol: 'X',
  side: 'buy',
  size: Decimal.from(1),
  price: Decimal.from(1),
  fee: Decimal.ZERO,
  feeCurrency: 'USD',
  liquidity: 'taker',
  tsMs,
});

function setup(enabled = true) {
  let now = 100_000;
  const events: VenueEvent[] = [];
  const asked: number[] = [];
  const gap = new GapResync({
    venue: 'toy',
    logger: captureLogger().logger,
    clock: { now: () => now },
    enabled,
    emit: (e) => events.push(e),
    reads: { openOrders: async () => [], positions: async () => [], fillsSince: async (ms) => (asked.push(ms), [fill(now - 10)]) },
  });
  return { gap, events, asked, setNow: (ms: number) => (now = ms) };
}

describe('GapResync', () => {
  it('first ready only marks the session; a reconnect resyncs from the gap start less the margin', async () => {
    const t = setup();
    t.gap.afterReady();
    await Promise.resolve();
    expect(t.asked).toEqual([]);
    t.gap.noteState('ready', 'reconnecting');
    t.setNow(110_000);
    t.gap.afterReady();
    await waitFor(() => t.events.some((e) => e.type === 'resynced'));
    expect(t.asked).toEqual([95_000]);
    expect(t.events.map((e) => e.type)).toEqual(['fill', 'resynced']);
  });
  it('reads from the last fill when it is earlier than the gap', () => {
    const t = setup();
    t.gap.noteFill(fill(50_000));
    t.gap.noteState('ready', 'reconnecting');
    expect(t.gap.fillsFromMs()).toBe(49_000);
  });
  it('does nothing without a private session', async () => {
    const t = setup(false);
    t.gap.afterReady();
    t.gap.afterReady();
    await new Promise((r) => setImmediate(r));
    expect(t.asked).toEqual([]);
  });
});
