/** OrderManager scenarios on the in-memory venue: each asserts the venue's final state, the store's, and the audit trail. */
import { afterEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/decimal.js';
import { waitFor } from '../support/wait.js';
import { SYMBOL, type Services, auditActions, longIntent, newVenue, ourOpenOrders, startServices } from './harness.js';
import type { MemoryVenue } from '../../src/venues/memory/index.js';

let services: Services | undefined;
afterEach(async () => {
  await services?.stop();
  services = undefined;
});

describe('OrderManager: entry and protection', () => {
  it('places a reduce-only stop and target for the filled size once a market entry fills', async () => {
    const venue = await newVenue();
    services = await startServices(venue);
    const { orders, store } = services;

    const result = await orders.openTrade(longIntent());
    expect(result.status).toBe('accepted');
    if (result.status !== 'accepted') return;
    const tradeId = result.tradeId;

    // Venue: position long 1000, a sell stop_market at 59000 and a take_market at 61000, both reduce-only, for 1000.
    await waitFor(async () => (await ourOpenOrders(venue)).length === 2, { message: 'stop and target resting' });
    expect(venue.positionSize(SYMBOL).toString()).toBe('1000');
    const open = await ourOpenOrders(venue);
    const stop = open.find((o) => o.type === 'stop_market');
    const target = open.find((o) => o.type === 'take_market');
    expect(stop).toMatchObject({ side: 'sell', reduceOnly: true, status: 'untriggered' });
    expect(stop?.size.toString()).toBe('1000');
    expect(stop?.triggerPrice?.toString()).toBe('59000');
    expect(target).toMatchObject({ side: 'sell', reduceOnly: true });
    expect(target?.triggerPrice?.toString()).toBe('61000');
    expect(stop?.clientId).toBe(`vd1${tradeId}S1`);

    // Store: trade open, filled 1000; legs recorded with venue ids.
    const trade = store.getTrade(tradeId);
    expect(trade?.state).toBe('open');
    expect(trade?.filledSize.toString()).toBe('1000');
    const legs = store.legsOf(tradeId);
    expect(legs.map((l) => [l.kind, l.state])).toEqual([
      ['entry', 'filled'],
      ['stop_loss', 'untriggered'],
      ['take_profit', 'untriggered'],
    ]);
    expect(legs.every((l) => l.venueOrderId !== undefined)).toBe(true);

    // Audit: what was sent, what came back, what was decided, in order.
    const actions = auditActions(store, tradeId);
    expect(actions.indexOf('trade_created')).toBeLessThan(actions.indexOf('entry_outcome'));
    expect(actions.indexOf('entry_filled')).toBeLessThan(actions.indexOf('stop_loss_submit'));
    expect(actions).toContain('stop_loss_outcome');
    expect(actions).toContain('take_profit_outcome');
  });
});

async function stopOf(venue: MemoryVenue) {
  return (await ourOpenOrders(venue)).find((o) => o.type === 'stop_market');
}

describe('OrderManager: partial fills', () => {
  it('protects what a limit entry has filled and resizes the protection as more fills arrive', async () => {
    const venue = await newVenue();
    services = await startServices(venue);
    const { orders, store } = services;

    const result = await orders.openTrade(longIntent({ entry: { type: 'limit', price: '59900' } }));
    expect(result.status).toBe('accepted');
    if (result.status !== 'accepted') return;
    expect(store.getTrade(result.tradeId)?.state).toBe('entry_working');
    expect(await stopOf(venue)).toBeUndefined();

    // First fill: 300 of 1000.
    venue.faults.partialFillNext(1, { amount: '300' });
    venue.setMarkPrice(SYMBOL, '59850');
    await waitFor(async () => (await stopOf(venue))?.size.eq(300), { message: 'stop for 300' });
    expect(venue.positionSize(SYMBOL).toString()).toBe('300');
    expect(store.getTrade(result.tradeId)?.filledSize.toString()).toBe('300');
    const target300 = (await ourOpenOrders(venue)).find((o) => o.type === 'take_market');
    expect(target300?.size.toString()).toBe('300');

    // The rest fills: the same stop is amended to 1000.
    venue.setMarkPrice(SYMBOL, '59800');
    await waitFor(async () => (await stopOf(venue))?.size.eq(1000), { message: 'stop resized to 1000' });
    await waitFor(async () => (await ourOpenOrders(venue)).find((o) => o.type === 'take_market')?.size.eq(1000), { message: 'target resized' });
    expect(venue.positionSize(SYMBOL).toString()).toBe('1000');
    const open = await ourOpenOrders(venue);
    expect(open.filter((o) => o.type === 'stop_market')).toHaveLength(1);
    const trade = store.getTrade(result.tradeId);
    expect(trade?.filledSize.toString()).toBe('1000');
    expect(trade?.state).toBe('open');
    const stopLegs = store.legsOf(result.tradeId).filter((l) => l.kind === 'stop_loss' && l.state === 'untriggered');
    expect(stopLegs).toHaveLength(1);
    expect(stopLegs[0]?.size.toString()).toBe('1000');
    expect(auditActions(store, result.tradeId)).toContain('stop_loss_resized');
  });

  it('keeps the filled part protected when the entry is cancelled after a partial fill', async () => {
    const venue = await newVenue();
    services = await startServices(venue);
    const { orders, store } = services;
    const result = await orders.openTrade(longIntent({ entry: { type: 'limit', price: '59900' } }));
    if (result.status !== 'accepted') throw new Error(`entry not accepted: ${JSON.stringify(result)}`);
    venue.faults.partialFillNext(1, { amount: '300' });
    venue.setMarkPrice(SYMBOL, '59850');
    await waitFor(async () => (await stopOf(venue))?.size.eq(300), { message: 'stop for 300' });

    expect(await orders.cancelEntry(result.tradeId)).toBe(true);
    venue.setMarkPrice(SYMBOL, '59800'); // would have filled the rest
    await waitFor(() => store.legsOf(result.tradeId).find((l) => l.kind === 'entry')?.state === 'cancelled');

    expect(venue.positionSize(SYMBOL).toString()).toBe('300');
    expect((await stopOf(venue))?.size.toString()).toBe('300');
    const trade = store.getTrade(result.tradeId);
    expect(trade?.state).toBe('open');
    expect(trade?.filledSize.toString()).toBe('300');
    expect(auditActions(store, result.tradeId)).toContain('entry_done');
  });
});

describe('OrderManager: stop failures', () => {
  it('closes the position at market and raises a critical alert when the stop is rejected three times', async () => {
    const venue = await newVenue();
    services = await startServices(venue);
    const { orders, store, alerter } = services;
    venue.faults.rejectNextOrders(3, { type: 'stop_market' }, { code: 11030, message: 'other_reject' });

    const result = await orders.openTrade(longIntent());
    if (result.status !== 'accepted') throw new Error(`entry not accepted: ${JSON.stringify(result)}`);
    await waitFor(() => store.getTrade(result.tradeId)?.state === 'closed', { message: 'trade closed by the emergency close' });

    // Venue: flat, none of our orders left.
    expect(venue.positionSize(SYMBOL).isZero()).toBe(true);
    expect(await ourOpenOrders(venue)).toHaveLength(0);
    // Store and alerts.
    const trade = store.getTrade(result.tradeId);
    expect(trade?.closeReason).toMatch(/^emergency: the stop could not be placed after 3 attempts/);
    expect(alerter.critical().some((a) => a.kind === 'emergency_close')).toBe(true);
    const actions = auditActions(store, result.tradeId);
    expect(actions.filter((a) => a === 'stop_loss_outcome')).toHaveLength(3);
    expect(actions.indexOf('stop_loss_failed')).toBeLessThan(actions.indexOf('emergency_close'));
    expect(actions.indexOf('emergency_close')).toBeLessThan(actions.indexOf('close_submit'));
    expect(actions).toContain('trade_closed');
    const close = store.legsOf(result.tradeId).find((l) => l.kind === 'close');
    expect(close?.state).toBe('filled');
    expect(close?.filledSize.toString()).toBe('1000');
    // Exactly three stop attempts reached the venue's rejection knob; the take-profit was never left behind.
    expect(store.legsOf(result.tradeId).some((l) => l.kind === 'take_profit' && l.state === 'untriggered')).toBe(false);
  });

  it('retries a rejected stop with the same client id and keeps the position when a retry succeeds', async () => {
    const venue = await newVenue();
    services = await startServices(venue);
    const { orders, store, alerter } = services;
    venue.faults.rejectNextOrders(2, { type: 'stop_market' }, { code: 11030, message: 'other_reject' });
    const result = await orders.openTrade(longIntent());
    if (result.status !== 'accepted') throw new Error('entry not accepted');
    await waitFor(async () => (await ourOpenOrders(venue)).length === 2);
    expect(venue.positionSize(SYMBOL).toString()).toBe('1000');
    expect((await stopOf(venue))?.clientId).toBe(`vd1${result.tradeId}S1`);
    expect(store.getLeg(`vd1${result.tradeId}S1`)?.state).toBe('untriggered');
    expect(store.getTrade(result.tradeId)?.state).toBe('open');
    expect(auditActions(store, result.tradeId).filter((a) => a === 'stop_loss_outcome')).toHaveLength(3);
    expect(alerter.critical()).toHaveLength(0);
  });

  it('closes at once, without retrying, when the venue says the stop would trigger immediately', async () => {
    const venue = await newVenue();
    services = await startServices(venue);
    const { orders, store, alerter } = services;
    venue.faults.rejectNextOrders(1, { type: 'stop_market' }, { code: 10034, message: 'trigger_price_too_high' });
    const result = await orders.openTrade(longIntent());
    if (result.status !== 'accepted') throw new Error('entry not accepted');
    await waitFor(() => store.getTrade(result.tradeId)?.state === 'closed');
    expect(venue.positionSize(SYMBOL).isZero()).toBe(true);
    expect(auditActions(store, result.tradeId).filter((a) => a === 'stop_loss_outcome')).toHaveLength(1);
    expect(store.getTrade(result.tradeId)?.closeReason).toMatch(/would trigger at once/);
    expect(alerter.critical().length).toBeGreaterThan(0);
  });

  it('treats a take-profit failure as an alert, not a reason to close', async () => {
    const venue = await newVenue();
    services = await startServices(venue);
    const { orders, store, alerter } = services;
    venue.faults.rejectNextOrders(3, { type: 'take_market' }, { code: 11030, message: 'other_reject' });
    const result = await orders.openTrade(longIntent());
    if (result.status !== 'accepted') throw new Error('entry not accepted');
    await waitFor(async () => (await stopOf(venue)) !== undefined && alerter.alerts.some((a) => a.kind === 'take_profit_failed'));
    expect(venue.positionSize(SYMBOL).toString()).toBe('1000');
    expect(store.getTrade(result.tradeId)?.state).toBe('open');
    expect(alerter.critical()).toHaveLength(0);
  });
});

describe('OrderManager + PositionMonitor: siblings', () => {
  it('cancels the target at once when the stop fills, and books the loss', async () => {
    const venue = await newVenue();
    services = await startServices(venue);
    const { orders, store } = services;
    const result = await orders.openTrade(longIntent());
    if (result.status !== 'accepted') throw new Error('entry not accepted');
    await waitFor(async () => (await ourOpenOrders(venue)).length === 2);

    venue.setMarkPrice(SYMBOL, '58900');
    await waitFor(async () => (await ourOpenOrders(venue)).length === 0, { message: 'target cancelled after the stop filled' });
    await waitFor(() => store.getTrade(result.tradeId)?.state === 'closed');
    expect(venue.positionSize(SYMBOL).isZero()).toBe(true);
    const trade = store.getTrade(result.tradeId);
    expect(trade?.closeReason).toBe('stop-loss filled');
    expect(trade?.realizedPnl?.isNegative()).toBe(true);
    const legs = store.legsOf(result.tradeId);
    expect(legs.find((l) => l.kind === 'stop_loss')?.state).toBe('filled');
    expect(legs.find((l) => l.kind === 'take_profit')?.state).toBe('cancelled');
    await waitFor(() => auditActions(store, result.tradeId).includes('sibling_cancelled'));
  });

  it('cancels the stop at once when the target fills, and books the profit', async () => {
    const venue = await newVenue();
    services = await startServices(venue);
    const { orders, store } = services;
    const result = await orders.openTrade(longIntent());
    if (result.status !== 'accepted') throw new Error('entry not accepted');
    await waitFor(async () => (await ourOpenOrders(venue)).length === 2);

    venue.setMarkPrice(SYMBOL, '61100');
    await waitFor(async () => (await ourOpenOrders(venue)).length === 0, { message: 'stop cancelled after the target filled' });
    await waitFor(() => store.getTrade(result.tradeId)?.state === 'closed');
    expect(venue.positionSize(SYMBOL).isZero()).toBe(true);
    const trade = store.getTrade(result.tradeId);
    expect(trade?.closeReason).toBe('take-profit filled');
    expect(trade?.realizedPnl?.isPositive()).toBe(true);
    const legs = store.legsOf(result.tradeId);
    expect(legs.find((l) => l.kind === 'take_profit')?.state).toBe('filled');
    expect(legs.find((l) => l.kind === 'stop_loss')?.state).toBe('cancelled');
  });
});

describe('OrderManager: unknown outcomes', () => {
  it('never sends a second entry when the entry response never comes (the order did arrive)', async () => {
    const venue = await newVenue();
    services = await startServices(venue);
    const { orders, store } = services;
    venue.faults.neverAnswer('submitOrder', { times: 1, execute: true });

    const result = await orders.openTrade(longIntent());
    expect(result.status).toBe('accepted'); // settled by the look-up
    if (result.status !== 'accepted') return;
    await waitFor(async () => (await stopOf(venue)) !== undefined, { message: 'stop placed after the look-up found the entry' });
    await services.monitor.runPass('test');

    const entries = venue.engine.allOrders({ predicate: (o) => !o.reduceOnly });
    expect(entries).toHaveLength(1);
    expect(entries[0]?.label).toBe(`vd1${result.tradeId}E1`);
    expect(venue.positionSize(SYMBOL).toString()).toBe('1000');
    expect(store.getTrade(result.tradeId)?.state).toBe('open');
    const actions = auditActions(store, result.tradeId);
    expect(actions.indexOf('entry_unknown')).toBeLessThan(actions.indexOf('entry_filled'));
    expect(actions.filter((a) => a === 'entry_outcome')).toHaveLength(1);
  });

  it('never resends an entry that did not arrive; it is marked lost after repeated look-ups', async () => {
    const venue = await newVenue();
    services = await startServices(venue, { monitor: { lostAfterNotFound: 3 } });
    const { orders, store, alerter, monitor } = services;
    venue.faults.neverAnswer('submitOrder', { times: 1, execute: false });

    const result = await orders.openTrade(longIntent());
    expect(result.status).toBe('unknown');
    if (result.status !== 'unknown') return;
    for (let i = 0; i < 3; i += 1) await monitor.runPass('test');

    expect(venue.engine.allOrders()).toHaveLength(0);
    expect(venue.positionSize(SYMBOL).isZero()).toBe(true);
    expect(store.getTrade(result.tradeId)?.state).toBe('failed');
    expect(store.legsOf(result.tradeId)[0]?.state).toBe('lost');
    expect(alerter.alerts.some((a) => a.kind === 'entry_lost')).toBe(true);
    expect(auditActions(store, result.tradeId).filter((a) => a === 'entry_outcome')).toHaveLength(1);
  });
});

describe('OrderManager: validation and closing', () => {
  it('refuses a stop on the winning side and a target on the losing side, persisting nothing', async () => {
    const venue = await newVenue();
    services = await startServices(venue);
    const { orders, store } = services;
    const badStop = await orders.openTrade(longIntent({ stopLossPrice: '60500' }));
    expect(badStop).toMatchObject({ status: 'refused', code: 'STOP_WRONG_SIDE' });
    const badTarget = await orders.openTrade(longIntent({ takeProfitPrice: '59500' }));
    expect(badTarget).toMatchObject({ status: 'refused', code: 'TARGET_WRONG_SIDE' });
    expect(store.listTrades()).toHaveLength(0);
    expect(venue.engine.allOrders()).toHaveLength(0);
    expect(store.audit().filter((a) => a.action === 'entry_refused')).toHaveLength(2);
  });

  it('closeTrade closes at market, cancels the companions and confirms flat', async () => {
    const venue = await newVenue();
    services = await startServices(venue);
    const { orders, store } = services;
    const result = await orders.openTrade(longIntent());
    if (result.status !== 'accepted') throw new Error('entry not accepted');
    await waitFor(async () => (await ourOpenOrders(venue)).length === 2);

    const closed = await orders.closeTrade(result.tradeId, 'operator /close');
    expect(closed.flat).toBe(true);
    expect(closed.closedSize.toString()).toBe('1000');
    expect(closed.cancelled).toHaveLength(2);
    expect(venue.positionSize(SYMBOL).isZero()).toBe(true);
    expect(await ourOpenOrders(venue)).toHaveLength(0);
    const trade = store.getTrade(result.tradeId);
    expect(trade?.state).toBe('closed');
    expect(trade?.closeReason).toBe('operator /close');
    expect(trade?.realizedPnl).toBeInstanceOf(Decimal);
    const actions = auditActions(store, result.tradeId);
    expect(actions.indexOf('close_outcome')).toBeLessThan(actions.lastIndexOf('cancel_outcome'));
    expect(actions.at(-1)).toBe('trade_closed');
  });
});
