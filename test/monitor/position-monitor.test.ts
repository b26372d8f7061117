/** PositionMonitor scenarios on the in-memory venue: hand closes, restarts, orphans, operator orders, reconnects. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/decimal.js';
import { clientIdFor, newTradeId } from '../../src/orders/client-ids.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { waitFor } from '../support/wait.js';
import { SYMBOL, type Services, auditActions, longIntent, newVenue, ourOpenOrders, scratchDir, startServices } from '../orders/harness.js';

const running: Services[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop().catch(() => undefined);
  for (const c of cleanups.splice(0)) c();
});

describe('PositionMonitor', () => {
  it('cancels the companions of a position closed by hand on the next pass and books it closed from the venue fills', async () => {
    const venue = await newVenue();
    const s = await startServices(venue);
    running.push(s);
    const result = await s.orders.openTrade(longIntent());
    if (result.status !== 'accepted') throw new Error('entry not accepted');
    await waitFor(async () => (await ourOpenOrders(venue)).length === 2);

    venue.setMarkPrice(SYMBOL, '60300');
    venue.closePositionByHand(SYMBOL);
    expect(venue.positionSize(SYMBOL).isZero()).toBe(true);
    expect(await ourOpenOrders(venue)).toHaveLength(2); // nothing happens until the pass

    const report = await s.monitor.runPass('test');
    expect(report.venues[0]?.corrections).toContain('position_gone');
    expect(await ourOpenOrders(venue)).toHaveLength(0);
    const trade = s.store.getTrade(result.tradeId);
    expect(trade?.state).toBe('closed');
    expect(trade?.closeReason).toMatch(/closed outside the daemon/);
    expect(trade?.realizedPnl?.isPositive()).toBe(true); // sold by hand above the entry
    expect(s.store.fillsOf(result.tradeId).length).toBeGreaterThanOrEqual(2);
    expect(auditActions(s.store, result.tradeId)).toContain('booked_closed');
    expect(s.alerter.alerts.some((a) => a.kind === 'closed_outside')).toBe(true);
  });

  it('after a SIGKILL between the entry fill and the stop, the restart places the stop before any new entry is accepted', async () => {
    const dir = scratchDir();
    cleanups.push(dir.cleanup);
    const path = join(dir.path, 'daemon.sqlite');
    const venue = await newVenue();

    // The state a crash leaves: the entry filled on the venue and recorded as filled, no stop sent yet.
    const tradeId = newTradeId(Date.now());
    const entryId = clientIdFor(tradeId, 'entry');
    const sent = await venue.submitOrder({ clientId: entryId, symbol: SYMBOL, side: 'buy', type: 'market', size: Decimal.from(1000), reduceOnly: false });
    if (sent.status !== 'accepted') throw new Error('setup entry not accepted');
    const crashed = new SqliteStore({ path });
    const now = Date.now();
    crashed.createTrade(
      {
        id: tradeId, venue: 'memory', symbol: SYMBOL, side: 'buy', size: Decimal.from(1000), entryType: 'market',
        stopPrice: Decimal.from(59000), takeProfitPrice: Decimal.from(61000), state: 'open', source: 'test',
        filledSize: Decimal.from(1000), avgEntryPrice: sent.order.avgFillPrice ?? Decimal.from(60000), createdAtMs: now, updatedAtMs: now,
      },
      [{ tradeId, kind: 'entry', clientId: entryId, venueOrderId: sent.order.venueOrderId, state: 'filled', side: 'buy', type: 'market', size: Decimal.from(1000), filledSize: Decimal.from(1000), avgFillPrice: sent.order.avgFillPrice, createdAtMs: now, updatedAtMs: now }],
    );
    crashed.close(); // the process is gone

    // Restart: fresh services on the same file and venue. An entry is asked for at once.
    const s = await startServices(venue, { storePath: path, startMonitor: false });
    running.push(s);
    const startup = s.monitor.start();
    const second = s.orders.openTrade(longIntent({ stopLossPrice: '59500', takeProfitPrice: '60500' }));
    await startup;
    const secondResult = await second;
    expect(secondResult.status).toBe('accepted');

    // The stop for the crashed trade reached the venue before the new entry.
    const order = venue.engine.allOrders();
    const stopIdx = order.findIndex((o) => o.label === clientIdFor(tradeId, 'stop_loss'));
    const secondEntryIdx = order.findIndex((o) => !o.reduceOnly && o.label !== entryId);
    expect(stopIdx).toBeGreaterThanOrEqual(0);
    expect(secondEntryIdx).toBeGreaterThan(stopIdx);
    const stop = (await ourOpenOrders(venue)).find((o) => o.clientId === clientIdFor(tradeId, 'stop_loss'));
    expect(stop?.size.toString()).toBe('1000');
    expect(s.store.legsOf(tradeId).find((l) => l.kind === 'stop_loss')?.state).toBe('untriggered');
    const passAudit = s.store.audit().find((a) => a.action === 'reconcile_pass');
    expect(JSON.stringify(passAudit?.detail)).toContain('ensure_stop');
  });

  it('never cancels an operator order, even during a flatten, and cancels our own orders the store does not know', async () => {
    const venue = await newVenue();
    const s = await startServices(venue);
    running.push(s);
    const manualLimit = venue.placeManualOrder({ symbol: SYMBOL, side: 'buy', type: 'limit', size: 100, price: 50000, label: 'my-own-order' });
    const manualNoLabel = venue.placeManualOrder({ symbol: SYMBOL, side: 'sell', type: 'limit', size: 100, price: 70000 });
    // An order with our prefix that the store knows nothing about (say, sent just before a crash of an older build).
    const strayId = clientIdFor(newTradeId(Date.now()), 'take_profit');
    await venue.submitOrder({ clientId: strayId, symbol: SYMBOL, side: 'buy', type: 'limit', size: Decimal.from(100), price: Decimal.from(50500), reduceOnly: false });

    await s.monitor.runPass('test');
    let open = await venue.openOrders();
    expect(open.map((o) => o.venueOrderId)).toEqual(expect.arrayContaining([manualLimit.venueOrderId, manualNoLabel.venueOrderId]));
    expect(open.some((o) => o.clientId === strayId)).toBe(false);
    expect(s.store.audit().some((a) => a.action === 'orphan_cancelled' && (a.detail as { clientId?: string }).clientId === strayId)).toBe(true);

    const result = await s.orders.openTrade(longIntent());
    if (result.status !== 'accepted') throw new Error('entry not accepted');
    const report = await s.killSwitch.activate('test flatten', 'test');
    expect(report.flat).toBe(true);
    open = await venue.openOrders();
    expect(open.map((o) => o.venueOrderId).sort()).toEqual([manualLimit.venueOrderId, manualNoLabel.venueOrderId].sort());
  });

  it('re-places a stop cancelled behind its back and reconciles after a reconnect', async () => {
    const venue = await newVenue();
    const s = await startServices(venue);
    running.push(s);
    const result = await s.orders.openTrade(longIntent());
    if (result.status !== 'accepted') throw new Error('entry not accepted');
    await waitFor(async () => (await ourOpenOrders(venue)).length === 2);

    // While the session is down, the stop disappears (cancelled on the venue); the push is lost.
    venue.dropConnection();
    await waitFor(() => !venue.isReady());
    const stop = (await venue.engine.openOrders()).find((o) => o.orderType === 'stop_market');
    venue.engine.cancelOrder(stop?.orderId ?? '', Date.now());
    venue.reconnect();

    await waitFor(async () => (await ourOpenOrders(venue)).some((o) => o.type === 'stop_market' && o.clientId === `vd1${result.tradeId}S2`), {
      message: 'stop re-placed after the reconnect pass',
    });
    expect(s.store.getTrade(result.tradeId)?.state).toBe('open');
    expect(s.store.legsOf(result.tradeId).find((l) => l.clientId === `vd1${result.tradeId}S1`)?.state).toBe('cancelled');
  });

  it('closes instead of re-placing when configured with onMissingStop=close', async () => {
    const venue = await newVenue();
    const s = await startServices(venue, { monitor: { onMissingStop: 'close' } });
    running.push(s);
    const result = await s.orders.openTrade(longIntent());
    if (result.status !== 'accepted') throw new Error('entry not accepted');
    await waitFor(async () => (await ourOpenOrders(venue)).length === 2);
    venue.muteEvents(true);
    const stop = venue.engine.openOrders().find((o) => o.orderType === 'stop_market');
    venue.engine.cancelOrder(stop?.orderId ?? '', Date.now());
    await s.monitor.runPass('test');
    venue.muteEvents(false);
    expect(venue.positionSize(SYMBOL).isZero()).toBe(true);
    expect(s.store.getTrade(result.tradeId)?.state).toBe('closed');
    expect(await ourOpenOrders(venue)).toHaveLength(0);
  });

  it('books a trade whose stop filled while the daemon was down, with the P&L from the venue', async () => {
    const dir = scratchDir();
    cleanups.push(dir.cleanup);
    const path = join(dir.path, 'daemon.sqlite');
    const venue = await newVenue();
    const first = await startServices(venue, { storePath: path });
    const result = await first.orders.openTrade(longIntent());
    if (result.status !== 'accepted') throw new Error('entry not accepted');
    await waitFor(async () => (await ourOpenOrders(venue)).length === 2);
    await first.stop(); // daemon down

    venue.setMarkPrice(SYMBOL, '58800'); // stop fills while nobody listens
    expect(venue.positionSize(SYMBOL).isZero()).toBe(true);

    const s = await startServices(venue, { storePath: path });
    running.push(s);
    const trade = s.store.getTrade(result.tradeId);
    expect(trade?.state).toBe('closed');
    expect(trade?.closeReason).toBe('stop-loss filled');
    expect(trade?.realizedPnl?.isNegative()).toBe(true);
    expect(await ourOpenOrders(venue)).toHaveLength(0); // the target went too
  });
});
