/**
 * Issue 7, defect 4 at scenario level: with the venue's clock 3 s behind the host, a trade closed
 * by hand on the venue gets its closing fill recorded and a non-zero P&L (it was booked
 * "position gone" with P&L 0 and no closing fill, so the daily-loss limit undercounted). The
 * order/monitor services over the real Deribit adapter against the simulator, over real sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { longIntent, ourOpenOrders, type Services, startServices, SYMBOL } from '../../orders/harness.js';
import { type DeribitHarness, startDeribitHarness } from '../../support/deribit-harness.js';
import { waitFor } from '../../support/wait.js';

let h: DeribitHarness | undefined;
let s: Services | undefined;
afterEach(async () => {
  await s?.stop();
  await h?.close();
  s = undefined;
  h = undefined;
});

describe('clock skew: a trade closed by hand with the venue 3 s behind', () => {
  it('is booked closed with its closing fill recorded and its real P&L', async () => {
    h = await startDeribitHarness({ connect: false, config: { requestTimeoutMs: 1_000, loginTimeoutMs: 1_000 } });
    h.sim.clock.advance(-3_000);
    await h.venue.connect();
    s = await startServices(h.venue);
    const result = await s.orders.openTrade(longIntent({ venue: h.venue.id }));
    if (result.status !== 'accepted') throw new Error(`entry not accepted: ${JSON.stringify(result)}`);
    await waitFor(async () => (await ourOpenOrders(h!.venue)).length === 2, { message: 'stop and take-profit resting' });

    // The operator sells the whole position by hand on the venue, above the entry.
    const { engine, clock } = h.sim;
    engine.setMarkPrice(SYMBOL, '60300', clock.now());
    engine.closePosition(SYMBOL, 'market', undefined, clock.now(), 'web');
    expect(engine.position(SYMBOL).size.isZero()).toBe(true);

    await s.monitor.runPass('test');
    const trade = s.store.getTrade(result.tradeId);
    expect(trade?.state).toBe('closed');
    expect(trade?.closeReason).toMatch(/closed outside the daemon/);
    expect(trade?.realizedPnl?.isZero()).toBe(false);
    expect(trade?.realizedPnl?.isPositive()).toBe(true); // sold by hand above the entry
    const fills = s.store.fillsOf(result.tradeId);
    expect(fills.some((f) => f.side === 'sell')).toBe(true); // the closing fill is recorded
    expect(fills.length).toBeGreaterThanOrEqual(2);
  });
});
