/**
 * OrderManager scenarios, written once and run on every venue fixture (the in-memory venue, and
 * the real Deribit adapter against the simulated Deribit). Each asserts the venue's final state,
 * the store's, and the audit trail.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { Decimal } from '../../src/domain/decimal.js';
import type { OrderSnapshot } from '../../src/domain/order.js';
import type { OrderContext } from '../../src/orders/context.js';
import type { OrderManager } from '../../src/orders/order-manager.js';
import type { TradeIntent } from '../../src/orders/validation.js';
import { auditActions, longIntent, ourOpenOrders, type ServiceOptions, type Services, startServices } from '../orders/harness.js';
import { waitFor } from '../support/wait.js';
import { type ScenarioGrid, scenarioSymbols, type ScenarioVenue, type ScenarioVenueFactory } from './venue-fixture.js';

/** BTC-PERPETUAL: USD lots of 10, tick 0.5; sizes are rounded down to the lot, stop and target to the nearest tick. */
const BTC_PERPETUAL_GRID: ScenarioGrid = {
  name: 'BTC-PERPETUAL: USD lots of 10, tick 0.5',
  size: ['1005', '1000'],
  stop: ['59000.3', '59000.5'],
  take: ['61000.2', '61000'],
};

export function runOrderManagerScenarios(factory: ScenarioVenueFactory): void {
  // The instruments this venue's scenarios trade (Deribit's BTC-PERPETUAL by default).
  const { symbol: SYMBOL, unified: UNIFIED, Q } = scenarioSymbols(factory);
  describe(`OrderManager scenarios on ${factory.name}`, () => {
    let fx: ScenarioVenue | undefined;
    let services: Services | undefined;
    afterEach(async () => {
      await services?.stop();
      services = undefined;
      await fx?.close();
      fx = undefined;
    });

    async function start(
      options: ServiceOptions = {},
    ): Promise<{ fx: ScenarioVenue; s: Services; intent: (o?: Partial<TradeIntent>) => TradeIntent }> {
      const venue = await factory.create();
      fx = venue;
      services = await startServices(venue.venue, options);
      return {
        fx: venue,
        s: services,
        intent: (o = {}) => longIntent({ venue: venue.venue.id, symbol: SYMBOL, size: { unit: 'venue', value: Q('1000') }, ...o }),
      };
    }

    /** The OrderManager's process-lifetime bookkeeping (expected cancels, "not found" counts, trades being settled). */
    function bookkeeping(orders: OrderManager): Pick<OrderContext, 'cancelling' | 'notFoundCounts' | 'settlingGone'> {
      return (orders as unknown as { ctx: OrderContext }).ctx;
    }

    async function stopOf(f: ScenarioVenue): Promise<OrderSnapshot | undefined> {
      return (await ourOpenOrders(f.venue)).find((o) => o.type === 'stop_market');
    }

    async function targetOf(f: ScenarioVenue): Promise<OrderSnapshot | undefined> {
      return (await ourOpenOrders(f.venue)).find((o) => o.type === 'take_market');
    }

    describe('entry and protection', () => {
      it("takes the unified symbol form (BTC/USD:BTC) and books the trade under the venue's own name, protected", async () => {
        const { fx, s, intent } = await start();
        const result = await s.orders.openTrade(intent({ symbol: UNIFIED }));
        expect(result.status).toBe('accepted');
        if (result.status !== 'accepted') return;
        expect(s.store.getTrade(result.tradeId)?.symbol).toBe(SYMBOL);
        await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2, { message: 'stop and target resting' });
        expect((await stopOf(fx))?.symbol).toBe(SYMBOL);
        expect(fx.positionSize(SYMBOL).toString()).toBe(Q('1000'));
        const unknown = await s.orders.openTrade(intent({ symbol: 'BTC/USD:ETH' }));
        expect(unknown).toMatchObject({ status: 'refused', code: 'UNKNOWN_INSTRUMENT' });
      });

      it('places a reduce-only stop and target for the filled size once a market entry fills', async () => {
        const { fx, s, intent } = await start();
        const result = await s.orders.openTrade(intent());
        expect(result.status).toBe('accepted');
        if (result.status !== 'accepted') return;
        const tradeId = result.tradeId;

        // Venue: position long 1000, a sell stop_market at 59000 and a take_market at 61000, both reduce-only, for 1000.
        await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2, { message: 'stop and target resting' });
        expect(fx.positionSize(SYMBOL).toString()).toBe(Q('1000'));
        const stop = await stopOf(fx);
        const target = await targetOf(fx);
        expect(stop).toMatchObject({ side: 'sell', reduceOnly: true, status: 'untriggered' });
        expect(stop?.size.toString()).toBe(Q('1000'));
        expect(stop?.triggerPrice?.toString()).toBe('59000');
        expect(target).toMatchObject({ side: 'sell', reduceOnly: true, status: 'untriggered' });
        expect(target?.size.toString()).toBe(Q('1000'));
        expect(target?.triggerPrice?.toString()).toBe('61000');
        expect(stop?.clientId).toBe(`vd1${tradeId}S1`);
        expect(target?.clientId).toBe(`vd1${tradeId}T1`);
        // The engine holds exactly one entry (not reduce-only) and the two reduce-only triggers.
        expect(fx.engine.allOrders({ predicate: (o) => !o.reduceOnly }).map((o) => o.label)).toEqual([`vd1${tradeId}E1`]);

        // Store: trade open, filled 1000; legs recorded with venue ids (each once its answer is in: on
        // Bybit an ack and a read-back, so the venue may list an order a few ms before it is booked).
        await waitFor(() => s.store.legsOf(tradeId).every((l) => l.state !== 'pending'), { message: 'legs booked' });
        const trade = s.store.getTrade(tradeId);
        expect(trade?.state).toBe('open');
        expect(trade?.filledSize.toString()).toBe(Q('1000'));
        const legs = s.store.legsOf(tradeId);
        expect(legs.map((l) => [l.kind, l.state])).toEqual([
          ['entry', 'filled'],
          ['stop_loss', 'untriggered'],
          ['take_profit', 'untriggered'],
        ]);
        expect(legs.every((l) => l.venueOrderId !== undefined)).toBe(true);
        expect(legs.find((l) => l.kind === 'stop_loss')?.venueOrderId).toBe(stop?.venueOrderId);

        // Audit: what was sent, what came back, what was decided, in order.
        const actions = auditActions(s.store, tradeId);
        expect(actions.indexOf('trade_created')).toBeLessThan(actions.indexOf('entry_outcome'));
        expect(actions.indexOf('entry_filled')).toBeLessThan(actions.indexOf('stop_loss_submit'));
        expect(actions.indexOf('stop_loss_outcome')).toBeLessThan(actions.indexOf('take_profit_submit'));
        expect(actions).toContain('take_profit_outcome');
      });
    });

    describe('partial fills', () => {
      it('protects what a limit entry has filled and resizes the protection as more fills arrive', async () => {
        const { fx, s, intent } = await start();
        const result = await s.orders.openTrade(intent({ entry: { type: 'limit', price: '59900' } }));
        expect(result.status).toBe('accepted');
        if (result.status !== 'accepted') return;
        expect(s.store.getTrade(result.tradeId)?.state).toBe('entry_working');
        expect(await stopOf(fx)).toBeUndefined();

        // First fill: 300 of 1000.
        fx.partialFillNext(Q('300'));
        fx.setMarkPrice(SYMBOL, '59850');
        await waitFor(async () => (await stopOf(fx))?.size.eq(Q(300)), { message: 'stop for 300' });
        await waitFor(async () => (await targetOf(fx))?.size.eq(Q(300)), { message: 'target for 300' });
        expect(fx.positionSize(SYMBOL).toString()).toBe(Q('300'));
        expect(s.store.getTrade(result.tradeId)?.filledSize.toString()).toBe(Q('300'));

        // The rest fills: the same stop is amended to 1000.
        fx.setMarkPrice(SYMBOL, '59800');
        await waitFor(async () => (await stopOf(fx))?.size.eq(Q(1000)), { message: 'stop resized to 1000' });
        await waitFor(async () => (await targetOf(fx))?.size.eq(Q(1000)), { message: 'target resized' });
        expect(fx.positionSize(SYMBOL).toString()).toBe(Q('1000'));
        const open = await ourOpenOrders(fx.venue);
        // Resized in place where the venue can (the same S1); replaced by S2 where it cannot (OKX algo orders).
        const amends = factory.amendsProtectiveOrders ?? true;
        expect(open.filter((o) => o.type === 'stop_market').map((o) => o.clientId)).toEqual([
          `vd1${result.tradeId}${amends ? 'S1' : 'S2'}`,
        ]);
        const trade = s.store.getTrade(result.tradeId);
        expect(trade?.filledSize.toString()).toBe(Q('1000'));
        expect(trade?.state).toBe('open');
        const stopLegs = s.store.legsOf(result.tradeId).filter((l) => l.kind === 'stop_loss' && l.state === 'untriggered');
        expect(stopLegs).toHaveLength(1);
        expect(stopLegs[0]?.size.toString()).toBe(Q('1000'));
        const actions = auditActions(s.store, result.tradeId);
        expect(actions).toContain(amends ? 'stop_loss_resized' : 'stop_loss_resize_outcome');
        expect(actions).toContain(amends ? 'take_profit_resized' : 'take_profit_resize_outcome');
        expect(actions.filter((a) => a === 'entry_filled')).toHaveLength(2);
      });

      it('keeps the filled part protected when the entry is cancelled after a partial fill', async () => {
        const { fx, s, intent } = await start();
        const result = await s.orders.openTrade(intent({ entry: { type: 'limit', price: '59900' } }));
        if (result.status !== 'accepted') throw new Error(`entry not accepted: ${JSON.stringify(result)}`);
        fx.partialFillNext(Q('300'));
        fx.setMarkPrice(SYMBOL, '59850');
        await waitFor(async () => (await stopOf(fx))?.size.eq(Q(300)), { message: 'stop for 300' });

        expect(await s.orders.cancelEntry(result.tradeId)).toBe(true);
        fx.setMarkPrice(SYMBOL, '59800'); // would have filled the rest
        await waitFor(() => s.store.legsOf(result.tradeId).find((l) => l.kind === 'entry')?.state === 'cancelled');

        expect(fx.positionSize(SYMBOL).toString()).toBe(Q('300'));
        expect((await stopOf(fx))?.size.toString()).toBe(Q('300'));
        const entryOnVenue = fx.engine.allOrders({ label: `vd1${result.tradeId}E1` });
        expect(entryOnVenue.map((o) => [o.state, o.filledAmount.toString()])).toEqual([['cancelled', Q('300')]]);
        const trade = s.store.getTrade(result.tradeId);
        expect(trade?.state).toBe('open');
        expect(trade?.filledSize.toString()).toBe(Q('300'));
        expect(auditActions(s.store, result.tradeId)).toContain('entry_done');
      });
    });

    describe('stop failures', () => {
      it('closes the position at market and raises a critical alert when the stop is rejected three times', async () => {
        const { fx, s, intent } = await start();
        fx.rejectNextOrders(3, 'stop_market', 'error');

        const result = await s.orders.openTrade(intent());
        if (result.status !== 'accepted') throw new Error(`entry not accepted: ${JSON.stringify(result)}`);
        await waitFor(() => s.store.getTrade(result.tradeId)?.state === 'closed', { message: 'trade closed by the emergency close' });

        // Venue: flat, none of our orders left, no stop ever placed.
        expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
        expect(await ourOpenOrders(fx.venue)).toHaveLength(0);
        expect(fx.engine.allOrders({ predicate: (o) => o.orderType === 'stop_market' })).toHaveLength(0);
        // Store and alerts.
        const trade = s.store.getTrade(result.tradeId);
        expect(trade?.closeReason).toMatch(/^emergency: the stop could not be placed after 3 attempts/);
        expect(s.alerter.critical().some((a) => a.kind === 'emergency_close')).toBe(true);
        const actions = auditActions(s.store, result.tradeId);
        expect(actions.filter((a) => a === 'stop_loss_outcome')).toHaveLength(3);
        expect(actions.indexOf('stop_loss_failed')).toBeLessThan(actions.indexOf('emergency_close'));
        expect(actions.indexOf('emergency_close')).toBeLessThan(actions.indexOf('close_submit'));
        expect(actions).toContain('trade_closed');
        const close = s.store.legsOf(result.tradeId).find((l) => l.kind === 'close');
        expect(close?.state).toBe('filled');
        expect(close?.filledSize.toString()).toBe(Q('1000'));
        expect(s.store.legsOf(result.tradeId).find((l) => l.kind === 'stop_loss')?.state).toBe('rejected');
        // The take-profit was never left behind.
        expect(s.store.legsOf(result.tradeId).some((l) => l.kind === 'take_profit' && l.state === 'untriggered')).toBe(false);
      });

      it('keeps trying the emergency close when the venue refuses the first close orders too, until the position is flat', async () => {
        const { fx, s, intent } = await start();
        fx.rejectNextOrders(3, 'stop_market', 'error');
        fx.rejectNextOrders(4, 'market', 'error'); // the entry is a marketable limit: only closes are market orders

        const result = await s.orders.openTrade(intent({ entry: { type: 'limit', price: '60100' } }));
        if (result.status !== 'accepted') throw new Error(`entry not accepted: ${JSON.stringify(result)}`);
        await waitFor(() => s.store.getTrade(result.tradeId)?.state === 'closed', {
          message: 'trade closed by a later round of the emergency close',
        });
        expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
        expect(await ourOpenOrders(fx.venue)).toHaveLength(0);
        const actions = auditActions(s.store, result.tradeId);
        expect(actions).toContain('emergency_close_retry');
        expect(actions.filter((a) => a === 'close_outcome').length).toBeGreaterThanOrEqual(5);
      });

      it('closes after one attempt, without waiting, when the venue refuses the stop for good', async () => {
        // The shipped retry delay (config/default.json): a refusal for good must not wait on it, nor
        // spend two more requests of the order budget that other naked positions may need.
        const { fx, s, intent } = await start({ orders: { stopRetryBaseDelayMs: 200 } });
        fx.rejectNextOrders(3, 'stop_market', 'refused');
        const result = await s.orders.openTrade(intent());
        if (result.status !== 'accepted') throw new Error(`entry not accepted: ${JSON.stringify(result)}`);
        await waitFor(() => s.store.getTrade(result.tradeId)?.state === 'closed', { message: 'trade closed by the emergency close' });
        expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
        expect(fx.engine.allOrders({ predicate: (o) => o.orderType === 'stop_market' })).toHaveLength(0);
        const audit = s.store.audit({ tradeId: result.tradeId, limit: 1_000 }).reverse();
        const at = (action: string): number => audit.find((a) => a.action === action)?.tsMs ?? Number.NaN;
        expect(audit.filter((a) => a.action === 'stop_loss_outcome')).toHaveLength(1);
        expect(audit.map((a) => a.action)).toContain('stop_loss_refused_for_good');
        expect(s.store.getTrade(result.tradeId)?.closeReason).toMatch(
          /^emergency: the venue refused the stop and says retrying will not help/,
        );
        expect(s.alerter.critical().some((a) => a.kind === 'emergency_close')).toBe(true);
        // Fill to the reduce-only close on the wire: one round trip, no sleeping.
        expect(at('close_submit') - at('entry_filled')).toBeLessThan(400);
      });

      it('retries a rejected stop with the same client id and keeps the position when a retry succeeds', async () => {
        const { fx, s, intent } = await start();
        fx.rejectNextOrders(2, 'stop_market', 'error');
        const result = await s.orders.openTrade(intent());
        if (result.status !== 'accepted') throw new Error('entry not accepted');
        await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);
        expect(fx.positionSize(SYMBOL).toString()).toBe(Q('1000'));
        expect((await stopOf(fx))?.clientId).toBe(`vd1${result.tradeId}S1`);
        expect(fx.engine.allOrders({ predicate: (o) => o.orderType === 'stop_market' })).toHaveLength(1);
        await waitFor(() => s.store.getLeg(`vd1${result.tradeId}S1`)?.state !== 'pending', { message: 'stop booked' });
        expect(s.store.getLeg(`vd1${result.tradeId}S1`)?.state).toBe('untriggered');
        expect(s.store.getTrade(result.tradeId)?.state).toBe('open');
        expect(auditActions(s.store, result.tradeId).filter((a) => a === 'stop_loss_outcome')).toHaveLength(3);
        expect(s.alerter.critical()).toHaveLength(0);
      });

      it('closes at once, without retrying, when the venue says the stop would trigger immediately', async () => {
        const { fx, s, intent } = await start();
        fx.rejectNextOrders(1, 'stop_market', 'would_trigger');
        const result = await s.orders.openTrade(intent());
        if (result.status !== 'accepted') throw new Error('entry not accepted');
        await waitFor(() => s.store.getTrade(result.tradeId)?.state === 'closed');
        expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
        expect(await ourOpenOrders(fx.venue)).toHaveLength(0);
        const actions = auditActions(s.store, result.tradeId);
        expect(actions.filter((a) => a === 'stop_loss_outcome')).toHaveLength(1);
        expect(actions.indexOf('stop_loss_outcome')).toBeLessThan(actions.indexOf('emergency_close'));
        expect(s.store.getTrade(result.tradeId)?.closeReason).toMatch(/would trigger at once/);
        expect(s.alerter.critical().some((a) => a.kind === 'emergency_close')).toBe(true);
      });

      it('a limit entry filled on a gap through its stop: the venue refuses the stop as already triggered and the position is closed at once', async () => {
        const { fx, s, intent } = await start();
        const result = await s.orders.openTrade(intent({ entry: { type: 'limit', price: '59900' }, stopLossPrice: '59000' }));
        if (result.status !== 'accepted') throw new Error('entry not accepted');
        // One move from 60000 to 58900: the resting buy fills at 59900, the mark is already under the 59000 stop.
        fx.setMarkPrice(SYMBOL, '58900');
        await waitFor(() => s.store.getTrade(result.tradeId)?.state === 'closed', { message: 'closed at market' });

        expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
        expect(await ourOpenOrders(fx.venue)).toHaveLength(0);
        expect(fx.engine.allOrders({ predicate: (o) => o.orderType === 'stop_market' })).toHaveLength(0);
        const trade = s.store.getTrade(result.tradeId);
        expect(trade?.closeReason).toMatch(/would trigger at once/);
        expect(trade?.realizedPnl?.isNegative()).toBe(true);
        expect(s.alerter.critical().some((a) => a.kind === 'emergency_close')).toBe(true);
        // No retry, retrying cannot help: either the venue refused the one stop sent, or the live
        // mark (the entry watches the ticker) already showed the stop through the market and none was sent.
        const outcomes = s.store.audit({ tradeId: result.tradeId, limit: 1_000 }).filter((a) => a.action === 'stop_loss_outcome');
        expect(outcomes.length).toBeLessThanOrEqual(1);
        if (outcomes.length === 1) expect(JSON.stringify(outcomes[0]?.detail)).toMatch(/10034|trigger_price_too_high/);
        else expect(auditActions(s.store, result.tradeId)).toContain('stop_would_trigger');
        const close = s.store.legsOf(result.tradeId).find((l) => l.kind === 'close');
        expect(close).toMatchObject({ state: 'filled' });
        expect(close?.filledSize.toString()).toBe(Q('1000'));
      });

      it('treats a take-profit failure as an alert, not a reason to close', async () => {
        const { fx, s, intent } = await start();
        fx.rejectNextOrders(3, 'take_market', 'error');
        const result = await s.orders.openTrade(intent());
        if (result.status !== 'accepted') throw new Error('entry not accepted');
        await waitFor(async () => (await stopOf(fx)) !== undefined && s.alerter.alerts.some((a) => a.kind === 'take_profit_failed'));
        expect(fx.positionSize(SYMBOL).toString()).toBe(Q('1000'));
        expect(await targetOf(fx)).toBeUndefined();
        expect(s.store.getTrade(result.tradeId)?.state).toBe('open');
        expect(s.alerter.critical()).toHaveLength(0);
        const actions = auditActions(s.store, result.tradeId);
        expect(actions.filter((a) => a === 'take_profit_outcome')).toHaveLength(3);
        expect(actions).toContain('take_profit_failed');
        expect(actions).not.toContain('emergency_close');
      });
    });

    describe('siblings (with the PositionMonitor)', () => {
      it('cancels the target at once when the stop fills, and books the loss', async () => {
        const { fx, s, intent } = await start();
        const result = await s.orders.openTrade(intent());
        if (result.status !== 'accepted') throw new Error('entry not accepted');
        await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);

        fx.setMarkPrice(SYMBOL, '58900');
        await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 0, { message: 'target cancelled after the stop filled' });
        await waitFor(() => s.store.getTrade(result.tradeId)?.state === 'closed');
        // The cancel's outcome is booked once its answer is in: on Bybit the ack is followed by a read-back
        // of the order, so the venue can list the target gone a few ms before the store has the leg cancelled.
        await waitFor(() => s.store.getLeg(`vd1${result.tradeId}T1`)?.state === 'cancelled', { message: 'target leg booked cancelled' });
        expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
        expect(fx.engine.allOrders({ label: `vd1${result.tradeId}T1` }).map((o) => o.state)).toEqual(['cancelled']);
        const trade = s.store.getTrade(result.tradeId);
        expect(trade?.closeReason).toBe('stop-loss filled');
        expect(trade?.realizedPnl?.isNegative()).toBe(true);
        const legs = s.store.legsOf(result.tradeId);
        expect(legs.find((l) => l.kind === 'stop_loss')?.state).toBe('filled');
        expect(legs.find((l) => l.kind === 'stop_loss')?.filledSize.toString()).toBe(Q('1000'));
        expect(legs.find((l) => l.kind === 'take_profit')?.state).toBe('cancelled');
        await waitFor(() => auditActions(s.store, result.tradeId).includes('sibling_cancelled'));
        expect(auditActions(s.store, result.tradeId)).toContain('trade_closed');
      });

      it('cancels the stop at once when the target fills, and books the profit', async () => {
        const { fx, s, intent } = await start();
        const result = await s.orders.openTrade(intent());
        if (result.status !== 'accepted') throw new Error('entry not accepted');
        await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);

        fx.setMarkPrice(SYMBOL, '61100');
        await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 0, { message: 'stop cancelled after the target filled' });
        await waitFor(() => s.store.getTrade(result.tradeId)?.state === 'closed');
        await waitFor(() => s.store.getLeg(`vd1${result.tradeId}S1`)?.state === 'cancelled', { message: 'stop leg booked cancelled' });
        expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
        expect(fx.engine.allOrders({ label: `vd1${result.tradeId}S1` }).map((o) => o.state)).toEqual(['cancelled']);
        const trade = s.store.getTrade(result.tradeId);
        expect(trade?.closeReason).toBe('take-profit filled');
        expect(trade?.realizedPnl?.isPositive()).toBe(true);
        const legs = s.store.legsOf(result.tradeId);
        expect(legs.find((l) => l.kind === 'take_profit')?.state).toBe('filled');
        expect(legs.find((l) => l.kind === 'stop_loss')?.state).toBe('cancelled');
        await waitFor(() => auditActions(s.store, result.tradeId).includes('sibling_cancelled'));
        expect(auditActions(s.store, result.tradeId)).toContain('trade_closed');
      });
    });

    describe('stop-limit stops', () => {
      it('a stop_limit that fired and whose limit rests is cancelled through the order it spawned when the trade is closed', async () => {
        const { fx, s, intent } = await start({ orders: { stopOrderType: 'stop_limit', stopLimitSlippagePct: 0.5 } });
        const result = await s.orders.openTrade(intent());
        if (result.status !== 'accepted') throw new Error('entry not accepted');
        await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);
        const stopId = `vd1${result.tradeId}S1`;
        const placed = (await ourOpenOrders(fx.venue)).find((o) => o.clientId === stopId);
        expect(placed).toMatchObject({ type: 'stop_limit', status: 'untriggered' });
        expect(placed?.price?.toString()).toBe('58705'); // 0.5 % under the trigger, floored to the 0.5 tick

        // The mark gaps through the trigger and below the limit: the spawned sell limit rests unfilled.
        fx.setMarkPrice(SYMBOL, '58600');
        await waitFor(async () => (await ourOpenOrders(fx.venue)).some((o) => o.clientId === stopId && o.status === 'open'), {
          message: 'the stop fired; its limit rests',
        });
        expect(fx.positionSize(SYMBOL).toString()).toBe(Q('1000'));

        const closed = await s.orders.closeTrade(result.tradeId, 'operator /close');
        expect(closed).toMatchObject({ flat: true, failedCancels: [] });
        expect(closed.cancelled).toEqual(expect.arrayContaining([stopId, `vd1${result.tradeId}T1`]));
        expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
        expect(fx.engine.openOrders()).toHaveLength(0);
        expect(fx.engine.allOrders({ label: stopId }).map((o) => [o.orderType, o.state])).toEqual([
          ['stop_limit', 'triggered'],
          ['limit', 'cancelled'],
        ]);
        const trade = s.store.getTrade(result.tradeId);
        expect(trade?.state).toBe('closed');
        expect(trade?.closeReason).toBe('operator /close');
        expect(s.store.getLeg(stopId)?.state).toBe('cancelled');
        const actions = auditActions(s.store, result.tradeId);
        expect(actions.indexOf('close_outcome')).toBeLessThan(actions.lastIndexOf('cancel_outcome'));
        expect(actions.at(-1)).toBe('trade_closed');
      });
    });

    describe('unknown outcomes', () => {
      it('never sends a second entry when the entry response never comes (the order did arrive)', async () => {
        const { fx, s, intent } = await start();
        fx.neverAnswerNextOrder({ execute: true });

        const result = await s.orders.openTrade(intent());
        expect(result.status).toBe('accepted'); // settled by the look-up
        if (result.status !== 'accepted') return;
        await waitFor(async () => (await stopOf(fx)) !== undefined, { message: 'stop placed after the look-up found the entry' });
        await s.monitor.runPass('test');

        const entries = fx.engine.allOrders({ predicate: (o) => !o.reduceOnly });
        expect(entries.map((o) => o.label)).toEqual([`vd1${result.tradeId}E1`]);
        expect(fx.positionSize(SYMBOL).toString()).toBe(Q('1000'));
        expect((await stopOf(fx))?.size.toString()).toBe(Q('1000'));
        expect(s.store.getTrade(result.tradeId)?.state).toBe('open');
        expect(s.store.legsOf(result.tradeId).find((l) => l.kind === 'entry')?.state).toBe('filled');
        const actions = auditActions(s.store, result.tradeId);
        expect(actions.indexOf('entry_unknown')).toBeLessThan(actions.indexOf('entry_filled'));
        expect(actions.filter((a) => a === 'entry_outcome')).toHaveLength(1);
      });

      it('protects an entry the venue filled at once, while the entry request still waits for its answer', async () => {
        const { fx, s, intent } = await start();
        // The venue executes the entry and pushes the fill, but answers the request 1.2 s later
        // (on Deribit past the adapter's 1 s request timeout: an unknown outcome, the answer dropped).
        fx.delayNextOrderAnswer(1_200);
        let answered = false;
        const pending = s.orders.openTrade(intent()).finally(() => {
          answered = true;
        });
        // Watched on the engine (what really rests on the venue), without REST polling.
        const stop = await waitFor(() => fx.engine.openOrders().find((o) => o.orderType === 'stop_market'), {
          timeoutMs: 800,
          message: 'stop resting on the venue before the entry request was answered',
        });
        expect(answered).toBe(false);
        expect(stop).toMatchObject({ direction: 'sell', reduceOnly: true, state: 'untriggered' });
        expect(stop.amount.toString()).toBe(Q('1000'));
        expect(fx.positionSize(SYMBOL).toString()).toBe(Q('1000'));

        // The late answer (or the unknown outcome) merges harmlessly: nothing moves backwards, nothing is sent twice.
        const result = await pending;
        expect(result.status).toBe('accepted');
        if (result.status !== 'accepted') return;
        await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2, { message: 'stop and target resting' });
        await s.monitor.runPass('test');
        expect(fx.engine.allOrders({ predicate: (o) => !o.reduceOnly }).map((o) => o.label)).toEqual([`vd1${result.tradeId}E1`]);
        expect(fx.engine.allOrders({ predicate: (o) => o.orderType === 'stop_market' }).map((o) => o.label)).toEqual([
          `vd1${result.tradeId}S1`,
        ]);
        expect(fx.positionSize(SYMBOL).toString()).toBe(Q('1000'));
        expect((await stopOf(fx))?.size.toString()).toBe(Q('1000'));
        await waitFor(() => s.store.legsOf(result.tradeId).every((l) => l.state !== 'pending'), { message: 'legs booked' });
        const trade = s.store.getTrade(result.tradeId);
        expect(trade?.state).toBe('open');
        expect(trade?.filledSize.toString()).toBe(Q('1000'));
        expect(s.store.legsOf(result.tradeId).map((l) => [l.kind, l.state])).toEqual([
          ['entry', 'filled'],
          ['stop_loss', 'untriggered'],
          ['take_profit', 'untriggered'],
        ]);
        const actions = auditActions(s.store, result.tradeId);
        expect(actions.indexOf('stop_loss_outcome')).toBeLessThan(actions.indexOf('entry_outcome'));
        expect(actions.filter((a) => a === 'entry_outcome')).toHaveLength(1);
        expect(s.alerter.critical()).toHaveLength(0);
      });

      it('never resends an entry that did not arrive; it is marked lost after repeated look-ups', async () => {
        const { fx, s, intent } = await start({ monitor: { lostAfterNotFound: 3 } });
        fx.neverAnswerNextOrder({ execute: false });

        const result = await s.orders.openTrade(intent());
        expect(result.status).toBe('unknown');
        if (result.status !== 'unknown') return;
        for (let i = 0; i < 3; i += 1) await s.monitor.runPass('test');

        expect(fx.engine.allOrders()).toHaveLength(0);
        expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
        expect(s.store.getTrade(result.tradeId)?.state).toBe('failed');
        expect(s.store.legsOf(result.tradeId)[0]?.state).toBe('lost');
        expect(s.alerter.alerts.some((a) => a.kind === 'entry_lost')).toBe(true);
        const actions = auditActions(s.store, result.tradeId);
        expect(actions.filter((a) => a === 'entry_outcome')).toHaveLength(1);
        expect(actions.indexOf('entry_unknown')).toBeLessThan(actions.indexOf('leg_lost'));
        expect(actions).toContain('trade_failed');
      });
    });

    describe('validation and closing', () => {
      it('refuses a stop on the winning side and a target on the losing side, persisting nothing', async () => {
        const { fx, s, intent } = await start();
        const badStop = await s.orders.openTrade(intent({ stopLossPrice: '60500' }));
        expect(badStop).toMatchObject({ status: 'refused', code: 'STOP_WRONG_SIDE' });
        const badTarget = await s.orders.openTrade(intent({ takeProfitPrice: '59500' }));
        expect(badTarget).toMatchObject({ status: 'refused', code: 'TARGET_WRONG_SIDE' });
        expect(s.store.listTrades()).toHaveLength(0);
        expect(fx.engine.allOrders()).toHaveLength(0);
        expect(s.store.audit().filter((a) => a.action === 'entry_refused')).toHaveLength(2);
      });

      it('re-checks stop and target against the live mark when the entry is sent, also after it waited at the entry gate', async () => {
        const { fx, s, intent } = await start();
        // A queued entry: priced by its caller at 60000, held at the entry gate while the market falls through its stop.
        let release = (): void => undefined;
        s.orders.holdEntriesUntil(new Promise<void>((resolve) => (release = resolve)));
        const queued = s.orders.openTrade(intent({ entry: { type: 'market', referencePrice: '60000' }, stopLossPrice: '59000' }));
        fx.setMarkPrice(SYMBOL, '58500');
        release();
        expect(await queued).toMatchObject({ status: 'refused', code: 'STOP_THROUGH_MARK' });
        // A buy limit above the market fills at the market, under its stop: refused too.
        expect(await s.orders.openTrade(intent({ entry: { type: 'limit', price: '60000' }, stopLossPrice: '59000' }))).toMatchObject({
          status: 'refused',
          code: 'STOP_THROUGH_MARK',
        });
        // The market has already passed the target.
        fx.setMarkPrice(SYMBOL, '61500');
        const marks = (s.orders as unknown as { ctx: OrderContext }).ctx.marks;
        await waitFor(() => marks.get(fx.venue.id, SYMBOL)?.eq(61500), { message: 'the ticker push brought the new mark' });
        expect(await s.orders.openTrade(intent())).toMatchObject({ status: 'refused', code: 'TARGET_THROUGH_MARK' });
        // Nothing persisted, nothing sent, no position.
        expect(s.store.listTrades()).toHaveLength(0);
        expect(fx.engine.allOrders()).toHaveLength(0);
        expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
        expect(s.alerter.critical()).toHaveLength(0);
      });

      it('refuses an entry opposite to an open trade on the same netted instrument; of two opposite entries at once only one goes', async () => {
        const { fx, s, intent } = await start();
        const short = (): TradeIntent => intent({ side: 'sell', stopLossPrice: '61000', takeProfitPrice: '59000' });
        const long = await s.orders.openTrade(intent());
        if (long.status !== 'accepted') throw new Error('entry not accepted');
        await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2, { message: 'long protected' });

        // The venue nets positions: a short would cancel the long out and its reduce-only stop could not be placed.
        expect(await s.orders.openTrade(short())).toMatchObject({ status: 'refused', code: 'OPPOSITE_TRADE_OPEN' });
        await s.monitor.runPass('test');
        expect(fx.positionSize(SYMBOL).toString()).toBe(Q('1000'));
        expect((await ourOpenOrders(fx.venue)).map((o) => o.clientId).sort()).toEqual([`vd1${long.tradeId}S1`, `vd1${long.tradeId}T1`]);
        expect(s.store.listTrades().map((t) => [t.side, t.state])).toEqual([['buy', 'open']]);
        expect(s.alerter.alerts.filter((a) => a.kind === 'closed_outside' || a.severity === 'critical')).toEqual([]);
        // Another long on the same instrument adds to the same side: allowed.
        expect((await s.orders.openTrade(intent({ size: { unit: 'venue', value: Q('100') } }))).status).toBe('accepted');

        // Flat again, two opposite entries at once: the check and the insert are one step, so only one passes.
        for (const t of s.orders.activeTrades()) expect((await s.orders.closeTrade(t.trade.id, 'test')).flat).toBe(true);
        const both = await Promise.all([s.orders.openTrade(intent()), s.orders.openTrade(short())]);
        expect(both.map((r) => r.status).sort()).toEqual(['accepted', 'refused']);
        expect(both.find((r) => r.status === 'refused')).toMatchObject({ code: 'OPPOSITE_TRADE_OPEN' });
        expect(s.orders.activeTrades()).toHaveLength(1);
        await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2, { message: 'the one that went is protected' });
        expect(fx.positionSize(SYMBOL).abs().toString()).toBe(Q('1000'));
      });

      it('never books a trade closed from an opposite trade that nets it out (a pair that predates the refusal)', async () => {
        const { fx, s, intent } = await start();
        const long = await s.orders.openTrade(intent());
        if (long.status !== 'accepted') throw new Error('entry not accepted');
        await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2, { message: 'long protected' });
        // The pair is made as an older daemon would have: the netting rule switched off for one entry.
        const venue = fx.venue as { netsPositions(symbol: string): boolean };
        const nets = venue.netsPositions;
        venue.netsPositions = () => false;
        const short = await s.orders.openTrade(intent({ side: 'sell', stopLossPrice: '61000', takeProfitPrice: '59000' }));
        venue.netsPositions = nets;
        if (short.status !== 'accepted') throw new Error('short not accepted');
        await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 4, { message: 'both protected' });
        // The venue nets the two to nothing. The market falls through the long's stop and the short's
        // target: reduce-only, with no position to reduce, neither can fill.
        fx.setMarkPrice(SYMBOL, '58900');
        const stopLeg = `vd1${long.tradeId}S1`;
        await waitFor(() => s.store.getLeg(stopLeg)?.state !== 'untriggered', { message: "the long's stop fired" });
        await waitFor(() => s.alerter.alerts.some((a) => a.kind === 'position_ambiguous' || a.kind === 'closed_outside'), {
          message: 'the daemon reacted',
        });
        await s.monitor.runPass('test');
        expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
        // Neither trade is booked closed from the other's effect, and no false "closed outside" alert.
        expect(s.store.getTrade(long.tradeId)?.state).toBe('open');
        expect(s.store.getTrade(short.tradeId)?.state).toBe('open');
        expect(s.alerter.alerts.filter((a) => a.kind === 'closed_outside')).toEqual([]);
        expect(s.alerter.alerts.some((a) => a.kind === 'position_ambiguous')).toBe(true);
      });

      // The venue's own grid where the factory gives it (Deribit BTC-PERPETUAL by default); OKX's
      // rounding is covered by its adapter's tests (test/venues/okx/trading.test.ts).
      const grid = factory.grid ?? (SYMBOL === 'BTC-PERPETUAL' ? BTC_PERPETUAL_GRID : undefined);
      it.skipIf(grid === undefined)(
        `rounds sizes and prices to the instrument grid before anything is sent (${grid?.name ?? 'no grid given'})`,
        async () => {
          if (grid === undefined) return;
          const { fx, s, intent } = await start();
          const result = await s.orders.openTrade(
            intent({ size: { unit: 'venue', value: grid.size[0] }, stopLossPrice: grid.stop[0], takeProfitPrice: grid.take[0] }),
          );
          if (result.status !== 'accepted') throw new Error(`entry not accepted: ${JSON.stringify(result)}`);
          await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);
          const onVenue = fx.engine.allOrders();
          expect(onVenue.map((o) => [o.orderType, o.amount.toString(), o.triggerPrice?.toString()])).toEqual([
            ['market', grid.size[1], undefined],
            ['stop_market', grid.size[1], grid.stop[1]],
            ['take_market', grid.size[1], grid.take[1]],
          ]);
          expect(s.store.getTrade(result.tradeId)?.size.toString()).toBe(grid.size[1]);
          expect(s.store.getTrade(result.tradeId)?.stopPrice.toString()).toBe(grid.stop[1]);
        },
      );

      it('closeTrade closes at market, cancels the companions and confirms flat', async () => {
        const { fx, s, intent } = await start();
        const result = await s.orders.openTrade(intent());
        if (result.status !== 'accepted') throw new Error('entry not accepted');
        await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);

        const closed = await s.orders.closeTrade(result.tradeId, 'operator /close');
        expect(closed.flat).toBe(true);
        expect(closed.closedSize.toString()).toBe(Q('1000'));
        expect(closed.cancelled).toHaveLength(2);
        expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
        expect(await ourOpenOrders(fx.venue)).toHaveLength(0);
        const trade = s.store.getTrade(result.tradeId);
        expect(trade?.state).toBe('closed');
        expect(trade?.closeReason).toBe('operator /close');
        expect(trade?.realizedPnl).toBeInstanceOf(Decimal);
        const actions = auditActions(s.store, result.tradeId);
        expect(actions.indexOf('close_outcome')).toBeLessThan(actions.lastIndexOf('cancel_outcome'));
        expect(actions.at(-1)).toBe('trade_closed');
      });

      it('a close that fills only part of the position puts a stop on what is left at once, not at the next pass', async () => {
        const { fx, s, intent } = await start();
        const result = await s.orders.openTrade(intent());
        if (result.status !== 'accepted') throw new Error('entry not accepted');
        await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);

        fx.partialFillNext(Q('400')); // the reduce-only market close only gets 400 of the 1000
        const closed = await s.orders.closeTrade(result.tradeId, 'operator /close');
        expect(closed.flat).toBe(false);
        expect(fx.positionSize(SYMBOL).toString()).toBe(Q('600'));
        expect(s.store.getTrade(result.tradeId)?.state).toBe('open');
        // No pass has run: the 600 still held must already be under a reduce-only stop on the venue.
        const stop = await stopOf(fx);
        expect(stop?.size.toString()).toBe(Q('600'));
        expect(stop?.reduceOnly).toBe(true);
        expect(auditActions(s.store, result.tradeId)).toContain('close_failed');
      });
    });

    describe('trades whose exits filled the whole entry (no zombies)', () => {
      it('books an emergency-closed trade closed from its own legs even when the account holds more (an operator position), and entries stay allowed', async () => {
        const { fx, s, intent } = await start({ risk: { maxOpenTrades: 1 } });
        fx.placeManualOrder({ symbol: SYMBOL, side: 'buy', type: 'market', size: Q(500) }); // the operator's own position
        await waitFor(() => fx.positionSize(SYMBOL).eq(Q(500)), { message: 'operator position' });
        fx.rejectNextOrders(3, 'stop_market', 'error');
        const result = await s.orders.openTrade(intent());
        if (result.status !== 'accepted') throw new Error(`entry not accepted: ${JSON.stringify(result)}`);
        await waitFor(() => auditActions(s.store, result.tradeId).includes('close_outcome'), { message: 'emergency close sent' });
        await waitFor(() => s.store.getTrade(result.tradeId)?.state !== 'closing', { message: 'emergency close done' });

        // Its close filled its whole entry: closed, whatever the account's net position says.
        const trade = s.store.getTrade(result.tradeId);
        expect(trade?.state).toBe('closed');
        expect(trade?.closeReason).toMatch(/^emergency: /);
        expect(trade?.realizedPnl).toBeInstanceOf(Decimal);
        expect(
          s.store
            .legsOf(result.tradeId)
            .find((l) => l.kind === 'close')
            ?.filledSize.toString(),
        ).toBe(Q('1000'));
        expect(fx.positionSize(SYMBOL).toString()).toBe(Q('500')); // the operator's position, untouched
        expect(await ourOpenOrders(fx.venue)).toHaveLength(0);
        // It no longer counts as open: the next entry (limit 1 open trade) goes.
        await s.monitor.runPass('test');
        expect(s.orders.activeTrades()).toHaveLength(0);
        expect((await s.orders.openTrade(intent())).status).toBe('accepted');
      });

      it("entries at once on one instrument emergency-close while other trades' targets fill: all are booked closed, none is left open, entries are not blocked", async () => {
        const { fx, s, intent } = await start({ risk: { maxOpenTrades: 5 } });
        const small = (o: Partial<TradeIntent> = {}): TradeIntent => intent({ size: { unit: 'venue', value: Q('100') }, ...o });
        // Two trades open and protected, their targets at 61000.
        const targets: string[] = [];
        for (let i = 0; i < 2; i += 1) {
          const r = await s.orders.openTrade(small());
          if (r.status !== 'accepted') throw new Error(`entry not accepted: ${JSON.stringify(r)}`);
          targets.push(r.tradeId);
        }
        await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 4, { message: 'two trades protected' });

        // Three entries at once whose stops the venue refuses as already through the market: each
        // closes at once. The moment the first emergency close starts, the market jumps through the
        // targets of the two open trades: their exits fill on the venue while the closes are checked.
        fx.rejectNextOrders(3, 'stop_market', 'would_trigger');
        let moved = false;
        const off = s.orders.onTradeEvent((e) => {
          if (e.type !== 'emergency_close' || moved) return;
          moved = true;
          fx.setMarkPrice(SYMBOL, '61100');
        });
        const results = await Promise.all(Array.from({ length: 3 }, () => s.orders.openTrade(small({ takeProfitPrice: '63000' }))));
        off();
        const emergencies = results.map((r) => {
          if (r.status !== 'accepted') throw new Error(`entry not accepted: ${JSON.stringify(r)}`);
          return r.tradeId;
        });
        const all = [...targets, ...emergencies];
        await waitFor(() => all.every((id) => s.store.getTrade(id)?.state === 'closed' || s.store.getTrade(id)?.state === 'open'), {
          message: 'no trade in flight',
        });
        await s.monitor.runPass('test');

        // Every trade's exits filled its whole entry: each is closed, none left open with nothing open.
        expect(all.map((id) => s.store.getTrade(id)?.state)).toEqual(['closed', 'closed', 'closed', 'closed', 'closed']);
        expect(targets.map((id) => s.store.getTrade(id)?.closeReason)).toEqual(['take-profit filled', 'take-profit filled']);
        for (const id of emergencies) {
          expect(s.store.getTrade(id)?.closeReason).toMatch(/^emergency: /);
          expect(
            s.store
              .legsOf(id)
              .find((l) => l.kind === 'close')
              ?.filledSize.toString(),
          ).toBe(Q('100'));
        }
        expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
        expect(await ourOpenOrders(fx.venue)).toHaveLength(0);
        // Nothing counts against risk.maxOpenTrades any more: a new entry goes.
        expect(s.orders.activeTrades()).toHaveLength(0);
        fx.setMarkPrice(SYMBOL, '60000');
        await waitFor(() => (s.orders as unknown as { ctx: OrderContext }).ctx.marks.get(fx.venue.id, SYMBOL)?.eq(60000), {
          message: 'mark back at 60000',
        });
        expect((await s.orders.openTrade(small())).status).toBe('accepted');
      });
    });

    describe('bookkeeping over a long run', () => {
      it('forgets the client ids it cancelled once their orders are done: nothing grows with the number of trades', async () => {
        const { fx, s, intent } = await start();
        for (let i = 0; i < 3; i += 1) {
          const result = await s.orders.openTrade(intent());
          if (result.status !== 'accepted') throw new Error('entry not accepted');
          await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);
          const closed = await s.orders.closeTrade(result.tradeId, 'operator /close');
          expect(closed.flat).toBe(true);
        }
        const stopped = await s.orders.openTrade(intent());
        if (stopped.status !== 'accepted') throw new Error('entry not accepted');
        await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);
        fx.setMarkPrice(SYMBOL, '58900'); // the stop fills; the monitor cancels the target
        await waitFor(() => auditActions(s.store, stopped.tradeId).includes('sibling_cancelled'), { message: 'target cancelled' });
        expect(await ourOpenOrders(fx.venue)).toHaveLength(0);
        const book = bookkeeping(s.orders);
        expect([...book.cancelling]).toEqual([]);
        expect([...book.notFoundCounts.keys()]).toEqual([]);
        expect([...book.settlingGone]).toEqual([]);
      });
    });
  });
}
