/** Kill switch and risk limits: flatten on the venue, survive a restart, block entries, daily loss trips it. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.js';
import { SYMBOL, type Services, longIntent, newVenue, ourOpenOrders, scratchDir, startServices } from '../orders/harness.js';

const running: Services[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop().catch(() => undefined);
  for (const c of cleanups.splice(0)) c();
});

describe('KillSwitch', () => {
  it('flattens every daemon position on the venue, reports, and is still on after a restart', async () => {
    const dir = scratchDir();
    cleanups.push(dir.cleanup);
    const path = join(dir.path, 'daemon.sqlite');
    const venue = await newVenue();
    const s = await startServices(venue, { storePath: path });
    const a = await s.orders.openTrade(longIntent());
    const b = await s.orders.openTrade(longIntent({ size: { unit: 'venue', value: '500' } }));
    const c = await s.orders.openTrade(longIntent({ entry: { type: 'limit', price: '59000.5' }, stopLossPrice: '58000', takeProfitPrice: '60000' }));
    expect([a.status, b.status, c.status]).toEqual(['accepted', 'accepted', 'accepted']);
    await waitFor(async () => (await ourOpenOrders(venue)).length === 5); // 2 x (stop, target) + working limit entry
    expect(venue.positionSize(SYMBOL).toString()).toBe('1500');

    const report = await s.killSwitch.activate('operator /kill', 'telegram');
    expect(report.flat).toBe(true);
    expect(report.closedTrades).toHaveLength(3);
    expect(report.failedTrades).toHaveLength(0);
    expect(venue.positionSize(SYMBOL).isZero()).toBe(true);
    expect(await ourOpenOrders(venue)).toHaveLength(0);
    expect(s.store.listTrades({ states: ['open', 'pending', 'entry_working', 'closing'] })).toHaveLength(0);
    expect(s.alerter.critical().filter((x) => x.kind === 'kill_switch').length).toBeGreaterThanOrEqual(2); // on + report
    expect(s.store.audit().some((e) => e.action === 'flatten_report')).toBe(true);

    const refused = await s.orders.openTrade(longIntent());
    expect(refused).toMatchObject({ status: 'refused', code: 'KILL_SWITCH_ACTIVE' });
    await s.stop();

    // Restart on the same file: still on, still refusing.
    const restarted = await startServices(venue, { storePath: path });
    running.push(restarted);
    expect(restarted.killSwitch.isActive()).toBe(true);
    expect(restarted.killSwitch.state().reason).toBe('operator /kill');
    const again = await restarted.orders.openTrade(longIntent());
    expect(again.status).toBe('refused');
    if (again.status === 'refused') expect(again.reason).toMatch(/kill switch is on \(operator \/kill\)/);
    expect(venue.engine.allOrders().filter((o) => !o.reduceOnly)).toHaveLength(3); // no new entry reached the venue

    restarted.killSwitch.resume('telegram');
    expect((await restarted.orders.openTrade(longIntent())).status).toBe('accepted');
  });

  it('pause blocks entries without touching open positions', async () => {
    const venue = await newVenue();
    const s = await startServices(venue);
    running.push(s);
    const a = await s.orders.openTrade(longIntent());
    expect(a.status).toBe('accepted');
    await waitFor(async () => (await ourOpenOrders(venue)).length === 2);
    s.killSwitch.pause('telegram');
    expect(await s.orders.openTrade(longIntent())).toMatchObject({ status: 'refused', code: 'ENTRIES_PAUSED' });
    expect(venue.positionSize(SYMBOL).toString()).toBe('1000');
    expect(await ourOpenOrders(venue)).toHaveLength(2);
    expect(s.killSwitch.isActive()).toBe(false);
    s.killSwitch.resume('telegram');
    expect((await s.orders.openTrade(longIntent())).status).toBe('accepted');
  });
});

describe('RiskManager', () => {
  it('refuses entries over the open-trade, size and loss-at-stop limits with a clear reason', async () => {
    const venue = await newVenue();
    const s = await startServices(venue, {
      risk: { maxOpenTrades: 1, maxSizePerTrade: [{ venue: 'memory', symbol: SYMBOL, maxSize: '2000' }], maxLossAtStopUsd: 50 },
    });
    running.push(s);
    expect(await s.orders.openTrade(longIntent({ size: { unit: 'venue', value: '3000' } }))).toMatchObject({ status: 'refused', code: 'RISK_MAX_SIZE' });
    // 2000 USD with a 2000 USD stop distance at 60 000: ~66.7 USD at risk > 50.
    expect(await s.orders.openTrade(longIntent({ size: { unit: 'venue', value: '2000' }, stopLossPrice: '58000' }))).toMatchObject({
      status: 'refused',
      code: 'RISK_MAX_LOSS_AT_STOP',
    });
    expect((await s.orders.openTrade(longIntent())).status).toBe('accepted');
    const third = await s.orders.openTrade(longIntent());
    expect(third).toMatchObject({ status: 'refused', code: 'RISK_MAX_OPEN_TRADES' });
    expect(venue.engine.allOrders().filter((o) => !o.reduceOnly)).toHaveLength(1);
  });

  it('activates the kill switch, which flattens, when the daily loss limit is breached', async () => {
    const venue = await newVenue();
    const s = await startServices(venue, { risk: { maxDailyLossUsd: 20, maxLossAtStopUsd: 100 } });
    running.push(s);
    const losing = await s.orders.openTrade(longIntent({ size: { unit: 'venue', value: '2000' }, stopLossPrice: '59000', takeProfitPrice: '62000' }));
    const other = await s.orders.openTrade(longIntent({ symbol: 'ETH-PERPETUAL', size: { unit: 'venue', value: '100' }, entry: { type: 'market', referencePrice: '3000' }, stopLossPrice: '2900', takeProfitPrice: '3100' }));
    expect([losing.status, other.status]).toEqual(['accepted', 'accepted']);
    await waitFor(async () => (await ourOpenOrders(venue)).length === 4);

    venue.setMarkPrice(SYMBOL, '58900'); // stop fills: ~ -37 USD, over the 20 USD daily limit
    await waitFor(() => s.killSwitch.isActive(), { message: 'kill switch on after the daily loss' });
    await waitFor(() => venue.positionSize('ETH-PERPETUAL').isZero(), { message: 'the other position flattened' });
    await waitFor(async () => (await ourOpenOrders(venue)).length === 0);
    expect(s.killSwitch.state().reason).toMatch(/daily loss/);
    expect(s.risk.dailyPnl().isNegative()).toBe(true);
    expect(await s.orders.openTrade(longIntent())).toMatchObject({ status: 'refused', code: 'KILL_SWITCH_ACTIVE' });
  });
});
