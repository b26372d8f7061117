/**
 * PositionMonitor scenarios, written once and run on every venue fixture: hand closes, restarts,
 * orphans, operator orders, reconnects. Each asserts the venue's final state, the store's, and
 * the audit trail.
 */
import { describe, expect, it } from 'vitest';

import { clientIdFor, newTradeId } from '../../src/domain/client-ids.js';
import { Decimal } from '../../src/domain/decimal.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { auditActions, ourOpenOrders, type Services } from '../orders/harness.js';
import { waitFor } from '../support/wait.js';
import { scenarioSymbols, type ScenarioVenueFactory } from './venue-fixture.js';
import { useScenarioWorld } from './world.js';

export function runPositionMonitorScenarios(factory: ScenarioVenueFactory): void {
  // The instruments this venue's scenarios trade (Deribit's BTC-PERPETUAL by default).
  const { symbol: SYMBOL, Q } = scenarioSymbols(factory);
  describe(`PositionMonitor scenarios on ${factory.name}`, () => {
    const { venue, services, storeFile } = useScenarioWorld(factory);

    it('cancels the companions of a position closed by hand on the next pass and books it closed from the venue fills', async () => {
      const { fx, intent } = await venue();
      const s = await services(fx);
      const result = await s.orders.openTrade(intent());
      if (result.status !== 'accepted') throw new Error('entry not accepted');
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);

      fx.setMarkPrice(SYMBOL, '60300');
      fx.closePositionByHand(SYMBOL);
      expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
      expect(await ourOpenOrders(fx.venue)).toHaveLength(2); // nothing happens until the pass

      const report = await s.monitor.runPass('test');
      expect(report.venues[0]?.corrections).toContain('position_gone');
      expect(await ourOpenOrders(fx.venue)).toHaveLength(0);
      expect(fx.engine.openOrders()).toHaveLength(0);
      const trade = s.store.getTrade(result.tradeId);
      expect(trade?.state).toBe('closed');
      expect(trade?.closeReason).toMatch(/closed outside the daemon/);
      expect(trade?.realizedPnl?.isPositive()).toBe(true); // sold by hand above the entry
      expect(s.store.fillsOf(result.tradeId).length).toBeGreaterThanOrEqual(2);
      expect(
        s.store
          .legsOf(result.tradeId)
          .filter((l) => l.kind !== 'entry')
          .map((l) => l.state),
      ).toEqual(['cancelled', 'cancelled']);
      const actions = auditActions(s.store, result.tradeId);
      expect(actions.indexOf('cancel_outcome')).toBeLessThan(actions.indexOf('booked_closed'));
      expect(s.alerter.alerts.some((a) => a.kind === 'closed_outside')).toBe(true);
    });

    it('a stop that fires after the position was closed by hand is clipped by reduce-only: the trade is booked closed, nothing re-placed, no emergency', async () => {
      const { fx, intent } = await venue();
      const s = await services(fx);
      const result = await s.orders.openTrade(intent());
      if (result.status !== 'accepted') throw new Error('entry not accepted');
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);

      fx.setMarkPrice(SYMBOL, '60300');
      fx.closePositionByHand(SYMBOL);
      // Before any pass notices, the market falls through the stop: reduce-only leaves it nothing to do.
      fx.setMarkPrice(SYMBOL, '58900');
      expect(fx.positionSize(SYMBOL).isZero()).toBe(true);

      await waitFor(() => s.store.getTrade(result.tradeId)?.state === 'closed', { message: 'trade booked closed' });
      await s.monitor.runPass('test');
      expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
      expect(await ourOpenOrders(fx.venue)).toHaveLength(0);
      expect(fx.engine.allOrders({ predicate: (o) => o.orderType === 'stop_market' })).toHaveLength(1); // never re-placed
      expect(
        fx.engine.allOrders({
          predicate: (o) => o.orderType === 'market' && o.reduceOnly && o.label.startsWith('vd1') && o.filledAmount.isPositive(),
        }),
      ).toHaveLength(0);
      const trade = s.store.getTrade(result.tradeId);
      expect(trade?.closeReason).toMatch(/closed outside the daemon/);
      expect(trade?.realizedPnl?.isPositive()).toBe(true); // the hand close sold above the entry
      expect(s.alerter.critical()).toHaveLength(0);
      const actions = auditActions(s.store, result.tradeId);
      expect(actions).toContain('booked_closed');
      expect(actions).not.toContain('emergency_close');
      expect(actions.filter((a) => a === 'stop_loss_submit')).toHaveLength(1);
      expect(s.store.legsOf(result.tradeId).find((l) => l.kind === 'take_profit')?.state).toBe('cancelled');
    });

    it('after the operator reduced the position by hand, the stop fills what is left (reduce-only clips it) and the trade is booked closed at once', async () => {
      const { fx, intent } = await venue();
      const s = await services(fx);
      const result = await s.orders.openTrade(intent());
      if (result.status !== 'accepted') throw new Error('entry not accepted');
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);

      fx.placeManualOrder({ symbol: SYMBOL, side: 'sell', type: 'market', size: Q(700) });
      expect(fx.positionSize(SYMBOL).toString()).toBe(Q('300'));
      fx.setMarkPrice(SYMBOL, '58900'); // the stop for 1000 fires; reduce-only lets it sell the 300 left

      await waitFor(() => s.store.getTrade(result.tradeId)?.state === 'closed', {
        message: 'trade booked closed without waiting for a pass',
      });
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 0, { message: 'the target cancelled' });
      expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
      const stopLeg = s.store.getLeg(`vd1${result.tradeId}S1`);
      expect(stopLeg?.filledSize.toString()).toBe(Q('300'));
      expect(stopLeg?.state).toBe('cancelled');
      expect(s.store.getLeg(`vd1${result.tradeId}T1`)?.state).toBe('cancelled');
      const trade = s.store.getTrade(result.tradeId);
      expect(trade?.closeReason).toMatch(/closed outside the daemon/);
      expect(trade?.realizedPnl?.isNegative()).toBe(true);
      expect(
        fx.engine.allOrders({ predicate: (o) => o.label.startsWith(`vd1${result.tradeId}S`) && o.orderType === 'stop_market' }),
      ).toHaveLength(1); // never re-placed
      expect(s.alerter.critical()).toHaveLength(0);
      const actions = auditActions(s.store, result.tradeId);
      expect(actions).toContain('protection_lost_flat');
      expect(actions).toContain('booked_closed');
      expect(actions).not.toContain('emergency_close');
    });

    /** What the crash left of the stop: nothing yet; persisted but the request never reached the venue; persisted and executed, the answer lost. */
    type StopAtCrash = 'not_sent' | 'lost_in_flight' | 'executed_unanswered';
    it.each<[StopAtCrash, string]>([
      ['not_sent', 'no stop sent yet'],
      ['lost_in_flight', 'the stop persisted as pending, its request never reached the venue'],
      ['executed_unanswered', 'the stop persisted as pending, the venue placed it, the answer was lost'],
    ])(
      'after a crash between the entry fill and the stop (%s: %s), the restart protects the position before any new entry is accepted',
      async (variant) => {
        const path = storeFile();
        const { fx, intent } = await venue();

        // The state a crash leaves: the entry filled on the venue and recorded as filled; the stop as per the variant.
        const tradeId = newTradeId(Date.now());
        const entryId = clientIdFor(tradeId, 'entry');
        const stopId = clientIdFor(tradeId, 'stop_loss');
        const sent = await fx.venue.submitOrder({
          clientId: entryId,
          symbol: SYMBOL,
          side: 'buy',
          type: 'market',
          size: Decimal.from(Q(1000)),
          reduceOnly: false,
        });
        if (sent.status !== 'accepted') throw new Error('setup entry not accepted');
        if (variant === 'executed_unanswered') {
          const placed = await fx.venue.submitOrder({
            clientId: stopId,
            symbol: SYMBOL,
            side: 'sell',
            type: 'stop_market',
            size: Decimal.from(Q(1000)),
            triggerPrice: Decimal.from(59000),
            trigger: 'mark',
            reduceOnly: true,
          });
          if (placed.status !== 'accepted') throw new Error('setup stop not accepted');
        }
        const crashed = new SqliteStore({ path });
        const now = Date.now();
        crashed.createTrade(
          {
            id: tradeId,
            venue: fx.venue.id,
            symbol: SYMBOL,
            side: 'buy',
            size: Decimal.from(Q(1000)),
            entryType: 'market',
            stopPrice: Decimal.from(59000),
            takeProfitPrice: Decimal.from(61000),
            state: 'open',
            source: 'test',
            filledSize: Decimal.from(Q(1000)),
            avgEntryPrice: sent.order.avgFillPrice ?? Decimal.from(60000),
            createdAtMs: now,
            updatedAtMs: now,
          },
          [
            {
              tradeId,
              kind: 'entry',
              clientId: entryId,
              venueOrderId: sent.order.venueOrderId,
              state: 'filled',
              side: 'buy',
              type: 'market',
              size: Decimal.from(Q(1000)),
              filledSize: Decimal.from(Q(1000)),
              avgFillPrice: sent.order.avgFillPrice,
              createdAtMs: now,
              updatedAtMs: now,
            },
          ],
        );
        if (variant !== 'not_sent') {
          crashed.upsertLeg({
            tradeId,
            kind: 'stop_loss',
            clientId: stopId,
            state: 'pending',
            side: 'sell',
            type: 'stop_market',
            size: Decimal.from(Q(1000)),
            filledSize: Decimal.ZERO,
            triggerPrice: Decimal.from(59000),
            createdAtMs: now,
            updatedAtMs: now,
          });
        }
        crashed.close();
        await fx.restartVenue(); // the process is gone, and its connection with it

        // Restart: fresh services and connection on the same file and venue. An entry is asked for at once.
        const s = await services(fx, { storePath: path, startMonitor: false });
        const startup = s.monitor.start();
        const second = s.orders.openTrade(intent({ stopLossPrice: '59500', takeProfitPrice: '60500' }));
        await startup;
        const secondResult = await second;
        expect(secondResult.status).toBe('accepted');

        // A stop for the crashed trade was resting on the venue before the new entry reached it.
        const expectedStop = variant === 'lost_in_flight' ? clientIdFor(tradeId, 'stop_loss', 2) : stopId;
        const order = fx.engine.allOrders();
        const stopIdx = order.findIndex((o) => o.label === expectedStop);
        const secondEntryIdx = order.findIndex((o) => !o.reduceOnly && o.label !== entryId);
        expect(stopIdx).toBeGreaterThanOrEqual(0);
        expect(secondEntryIdx).toBeGreaterThan(stopIdx);
        // Exactly one stop protects it, for the whole position.
        const stops = (await ourOpenOrders(fx.venue)).filter((o) => o.type === 'stop_market' && o.clientId?.includes(tradeId));
        expect(stops.map((o) => [o.clientId, o.size.toString()])).toEqual([[expectedStop, Q('1000')]]);
        expect(s.store.getLeg(expectedStop)?.state).toBe('untriggered');
        if (variant === 'lost_in_flight') expect(s.store.getLeg(stopId)?.state).toBe('lost');
        expect(s.store.getTrade(tradeId)?.state).toBe('open');
        const actions = auditActions(s.store, tradeId);
        if (variant === 'executed_unanswered') {
          expect(actions).not.toContain('stop_loss_submit'); // adopted, not sent again
        } else {
          expect(actions).toContain('stop_loss_submit');
          expect(actions).toContain('stop_loss_outcome');
        }
        if (variant === 'lost_in_flight') expect(actions.indexOf('leg_lost')).toBeLessThan(actions.indexOf('stop_loss_submit'));
        expect(s.store.audit().some((a) => a.action === 'reconcile_pass')).toBe(true);
      },
    );

    it('a close interrupted by a crash after its companions were cancelled is finished by the start-up pass, never left without a stop', async () => {
      const path = storeFile();
      const { fx, intent } = await venue();
      const first = await services(fx, { storePath: path });
      const result = await first.orders.openTrade(intent());
      if (result.status !== 'accepted') throw new Error('entry not accepted');
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);
      const tradeId = result.tradeId;
      const companions = first.store.legsOf(tradeId).filter((l) => l.kind !== 'entry');
      await first.stop();
      // The process died inside closeTrade: 'closing' persisted, the companions cancelled on the
      // venue, the close order not sent yet.
      await fx.restartVenue(() => {
        for (const leg of companions) fx.cancelOnVenue(leg.venueOrderId ?? '');
      });
      const crashed = new SqliteStore({ path });
      crashed.updateTrade(tradeId, { state: 'closing', closeReason: 'operator /close' }, Date.now());
      crashed.close();
      expect(fx.positionSize(SYMBOL).toString()).toBe(Q('1000'));
      expect(await ourOpenOrders(fx.venue)).toHaveLength(0);

      const s = await services(fx, { storePath: path }); // start-up pass done
      await waitFor(() => s.store.getTrade(tradeId)?.state === 'closed', { timeoutMs: 3_000, message: 'the interrupted close finished' });
      expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
      expect(await ourOpenOrders(fx.venue)).toHaveLength(0);
      expect(s.store.getTrade(tradeId)?.closeReason).toBe('operator /close');
      expect(auditActions(s.store, tradeId)).toContain('close_resumed');
    });

    it('a trade left open with its whole entry exited (by an older daemon) is booked closed by the next pass, and stops blocking entries', async () => {
      const { fx, intent } = await venue();
      const s = await services(fx, { risk: { maxOpenTrades: 1 } });
      fx.placeManualOrder({ symbol: SYMBOL, side: 'buy', type: 'market', size: Q(500) }); // the operator's own position
      const result = await s.orders.openTrade(intent());
      if (result.status !== 'accepted') throw new Error('entry not accepted');
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);
      expect((await s.orders.closeTrade(result.tradeId, 'operator /close')).flat).toBe(true);
      // What the "not confirmed flat" path used to leave behind: back to open, entry filled 1000, close filled 1000, nothing resting.
      s.store.updateTrade(result.tradeId, { state: 'open' }, Date.now());
      expect(await s.orders.openTrade(intent())).toMatchObject({ status: 'refused', code: 'RISK_MAX_OPEN_TRADES' });

      const report = await s.monitor.runPass('test');
      expect(report.venues[0]?.corrections).toContain('settle_exited');
      const trade = s.store.getTrade(result.tradeId);
      expect(trade?.state).toBe('closed');
      expect(trade?.realizedPnl).toBeInstanceOf(Decimal);
      expect(auditActions(s.store, result.tradeId)).toContain('exits_filled_whole_entry');
      expect(fx.positionSize(SYMBOL).toString()).toBe(Q('500')); // the operator's position, untouched
      expect((await s.orders.openTrade(intent())).status).toBe('accepted');
    });

    it('never cancels an operator order, even during a flatten, and cancels our own orders the store does not know', async () => {
      const { fx, intent } = await venue();
      const s = await services(fx);
      const manualLimit = fx.placeManualOrder({
        symbol: SYMBOL,
        side: 'buy',
        type: 'limit',
        size: Q(100),
        price: 50000,
        label: 'my-own-order',
      });
      const manualNoLabel = fx.placeManualOrder({ symbol: SYMBOL, side: 'sell', type: 'limit', size: Q(100), price: 70000 });
      // An order with our prefix that the store knows nothing about (say, sent just before a crash of an older build).
      const strayId = clientIdFor(newTradeId(Date.now()), 'take_profit');
      const stray = await fx.venue.submitOrder({
        clientId: strayId,
        symbol: SYMBOL,
        side: 'buy',
        type: 'limit',
        size: Decimal.from(Q(100)),
        price: Decimal.from(50500),
        reduceOnly: false,
      });
      expect(stray.status).toBe('accepted');

      await s.monitor.runPass('test');
      let open = await fx.venue.openOrders();
      expect(open.map((o) => o.venueOrderId)).toEqual(expect.arrayContaining([manualLimit, manualNoLabel]));
      expect(open.some((o) => o.clientId === strayId)).toBe(false);
      expect(fx.engine.allOrders({ label: strayId }).map((o) => o.state)).toEqual(['cancelled']);
      expect(s.store.audit().some((a) => a.action === 'orphan_cancelled' && (a.detail as { clientId?: string }).clientId === strayId)).toBe(
        true,
      );

      const result = await s.orders.openTrade(intent());
      if (result.status !== 'accepted') throw new Error('entry not accepted');
      const report = await s.killSwitch.activate('test flatten', 'test');
      expect(report.flat).toBe(true);
      open = await fx.venue.openOrders();
      expect(open.map((o) => o.venueOrderId).sort()).toEqual([manualLimit, manualNoLabel].sort());
      expect(
        fx.engine
          .openOrders()
          .map((o) => o.orderId)
          .sort(),
      ).toEqual([manualLimit, manualNoLabel].sort());
      expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
      expect(s.store.getTrade(result.tradeId)?.state).toBe('closed');
      // The only orphan the daemon ever cancelled is its own stray order.
      const orphanCancels = s.store.audit({ limit: 10_000 }).filter((a) => a.action.startsWith('orphan_cancel'));
      expect(orphanCancels.map((a) => (a.detail as { venueOrderId?: string }).venueOrderId)).not.toContain(manualLimit);
      expect(orphanCancels.map((a) => (a.detail as { venueOrderId?: string }).venueOrderId)).not.toContain(manualNoLabel);
      expect(orphanCancels.map((a) => (a.detail as { clientId?: string }).clientId)).toContain(strayId);
    });

    it('re-places a stop cancelled behind its back and reconciles after a reconnect', async () => {
      const { fx, intent } = await venue();
      const s = await services(fx);
      const result = await s.orders.openTrade(intent());
      if (result.status !== 'accepted') throw new Error('entry not accepted');
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);
      const firstStop = `vd1${result.tradeId}S1`;
      const stopId = s.store.getLeg(firstStop)?.venueOrderId ?? '';

      // While the session is down, the stop disappears (cancelled on the venue); the push is lost.
      await fx.whileDisconnected(() => fx.cancelOnVenue(stopId));

      await waitFor(
        async () => (await ourOpenOrders(fx.venue)).some((o) => o.type === 'stop_market' && o.clientId === `vd1${result.tradeId}S2`),
        {
          timeoutMs: 5_000,
          message: 'stop re-placed after the reconnect pass',
        },
      );
      expect(fx.positionSize(SYMBOL).toString()).toBe(Q('1000'));
      expect((await ourOpenOrders(fx.venue)).filter((o) => o.type === 'stop_market').map((o) => o.size.toString())).toEqual([Q('1000')]);
      expect(s.store.getTrade(result.tradeId)?.state).toBe('open');
      expect(s.store.legsOf(result.tradeId).find((l) => l.clientId === firstStop)?.state).toBe('cancelled');
      await waitFor(() => s.store.getLeg(`vd1${result.tradeId}S2`)?.state !== 'pending', { message: 'new stop booked' });
      expect(s.store.legsOf(result.tradeId).find((l) => l.clientId === `vd1${result.tradeId}S2`)?.state).toBe('untriggered');
      const actions = auditActions(s.store, result.tradeId);
      expect(actions.indexOf('protection_lost')).toBeLessThan(actions.lastIndexOf('stop_loss_submit'));
    });

    it('a pass that read the store just before a stop was re-placed never cancels the new stop as an orphan', async () => {
      const { fx, intent } = await venue();
      const s = await services(fx);
      const result = await s.orders.openTrade(intent());
      if (result.status !== 'accepted') throw new Error('entry not accepted');
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);
      const firstStop = `vd1${result.tradeId}S1`;
      const secondStop = `vd1${result.tradeId}S2`;
      const v = fx.venue;
      const realPositions = v.positions.bind(v);
      const realOpenOrders = v.openOrders.bind(v);
      const secondPlaced = (): boolean => s.store.getLeg(secondStop)?.venueOrderId !== undefined;
      let passStarted = false;
      let pass: ReturnType<Services['monitor']['runPass']> | undefined;
      // The stop is cancelled on the venue; the OrderManager marks it cancelled and reads the venue
      // position before re-placing it. A pass starts right then: it reads the store (old stop gone,
      // new one not persisted yet), and its venue snapshot comes back after the new stop is placed.
      const patched = v as unknown as { positions: typeof v.positions; openOrders: typeof v.openOrders };
      patched.positions = async () => {
        if (!passStarted) {
          passStarted = true;
          pass = s.monitor.runPass('race');
        } else {
          await waitFor(secondPlaced, { message: 'new stop placed' });
        }
        return realPositions();
      };
      patched.openOrders = async () => {
        if (passStarted) await waitFor(secondPlaced, { message: 'new stop placed' });
        return realOpenOrders();
      };
      fx.cancelOnVenue(s.store.getLeg(firstStop)?.venueOrderId ?? '');
      await waitFor(() => pass !== undefined, { message: 'pass started by the race' });
      await pass;
      patched.positions = realPositions;
      patched.openOrders = realOpenOrders;

      expect(fx.positionSize(SYMBOL).toString()).toBe(Q('1000'));
      const stops = (await ourOpenOrders(fx.venue)).filter((o) => o.type === 'stop_market');
      expect(stops.map((o) => [o.clientId, o.size.toString()])).toEqual([[secondStop, Q('1000')]]);
      expect(s.store.getLeg(secondStop)?.state).toBe('untriggered');
      expect(
        s.store
          .audit({ limit: 10_000 })
          .some((a) => a.action === 'orphan_cancelled' && (a.detail as { clientId?: string }).clientId === secondStop),
      ).toBe(false);
    });

    it('closes instead of re-placing when configured with onMissingStop=close', async () => {
      const { fx, intent } = await venue();
      const s = await services(fx, { monitor: { onMissingStop: 'close' } });
      const result = await s.orders.openTrade(intent());
      if (result.status !== 'accepted') throw new Error('entry not accepted');
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);
      const stopId = s.store.getLeg(`vd1${result.tradeId}S1`)?.venueOrderId ?? '';

      await fx.whileDisconnected(() => fx.cancelOnVenue(stopId));
      await s.monitor.runPass('test');

      await waitFor(() => s.store.getTrade(result.tradeId)?.state === 'closed', { message: 'trade closed for its missing stop' });
      expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
      expect(await ourOpenOrders(fx.venue)).toHaveLength(0);
      expect(s.store.getTrade(result.tradeId)?.closeReason).toMatch(/^stop missing/);
      expect(s.alerter.critical().some((a) => a.kind === 'missing_stop')).toBe(true);
      expect(auditActions(s.store, result.tradeId)).toContain('stop_missing');
      expect(fx.engine.allOrders({ predicate: (o) => o.orderType === 'stop_market' })).toHaveLength(1); // never re-placed
    });

    it('a pass restores every missing stop before it looks up or re-places the take-profit of another trade', async () => {
      const { fx, intent } = await venue();
      const s = await services(fx);
      const first = await s.orders.openTrade(intent());
      if (first.status !== 'accepted') throw new Error('first entry not accepted');
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2, { message: 'first trade protected' });
      const second = await s.orders.openTrade(intent());
      if (second.status !== 'accepted') throw new Error('second entry not accepted');
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 4, { message: 'second trade protected' });
      const firstTarget = `vd1${first.tradeId}T1`;
      const secondStop = `vd1${second.tradeId}S1`;
      // Every look-up and order the daemon sends from here on, in order.
      const calls: string[] = [];
      const v = fx.venue;
      const realGetOrder = v.getOrder.bind(v);
      const realSubmit = v.submitOrder.bind(v);
      const patched = v as unknown as { getOrder: typeof v.getOrder; submitOrder: typeof v.submitOrder };
      patched.getOrder = (ref) => {
        calls.push(`get ${ref.clientId ?? ref.venueOrderId ?? '?'}`);
        return realGetOrder(ref);
      };
      patched.submitOrder = (request) => {
        calls.push(`submit ${request.clientId}`);
        return realSubmit(request);
      };

      // While the session is down, the older trade loses its take-profit and the newer one its
      // stop (the pushes are lost): the reconnect pass finds both.
      await fx.whileDisconnected(() => {
        fx.cancelOnVenue(s.store.getLeg(firstTarget)?.venueOrderId ?? '');
        fx.cancelOnVenue(s.store.getLeg(secondStop)?.venueOrderId ?? '');
      });
      const newStop = `vd1${second.tradeId}S2`;
      const newTarget = `vd1${first.tradeId}T2`;
      await waitFor(
        async () => (await ourOpenOrders(fx.venue)).filter((o) => o.clientId === newStop || o.clientId === newTarget).length === 2,
        {
          timeoutMs: 5_000,
          message: 'stop and take-profit both re-placed',
        },
      );
      patched.getOrder = realGetOrder;
      patched.submitOrder = realSubmit;

      const stopAt = calls.indexOf(`submit ${newStop}`);
      expect(stopAt).toBeGreaterThanOrEqual(0);
      // The stop went out before the other trade's take-profit was even looked up, let alone re-placed.
      expect(calls.indexOf(`get ${firstTarget}`)).toBeGreaterThan(stopAt);
      expect(calls.indexOf(`submit ${newTarget}`)).toBeGreaterThan(stopAt);
      expect(fx.positionSize(SYMBOL).toString()).toBe(Q('2000'));
      // Booked once each order's answer is in (on Bybit an ack and a read-back: the venue may list it a few ms earlier).
      await waitFor(() => s.store.getLeg(newStop)?.state === 'untriggered' && s.store.getLeg(newTarget)?.state === 'untriggered', {
        message: 'both re-placed legs booked as resting',
      });
    });

    it('a take-profit already through the market is refused once and not re-placed on every pass; it goes back once the mark is on its side again', async () => {
      const { fx, intent } = await venue();
      const s = await services(fx);
      const result = await s.orders.openTrade(intent());
      if (result.status !== 'accepted') throw new Error('entry not accepted');
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2, { message: 'trade protected' });
      const firstTarget = `vd1${result.tradeId}T1`;
      const targetLegs = (): string[] =>
        s.store
          .legsOf(result.tradeId)
          .filter((l) => l.kind === 'take_profit')
          .map((l) => `${l.clientId}:${l.state}`);

      // While the session is down the take-profit (61 000) disappears and the market rises above it:
      // a new take-profit would fill at once, the venue refuses it. The stop (59 000) still rests.
      await fx.whileDisconnected(() => {
        fx.cancelOnVenue(s.store.getLeg(firstTarget)?.venueOrderId ?? '');
        fx.setMarkPrice(SYMBOL, '61500');
      });
      const refused = `vd1${result.tradeId}T2`;
      await waitFor(() => s.store.getLeg(refused)?.state === 'rejected', {
        timeoutMs: 15_000,
        message: 'take-profit refused by the venue',
      });
      await s.monitor.runPass('settle');
      const afterRefusal = targetLegs();
      expect(afterRefusal).toEqual([`${firstTarget}:cancelled`, `${refused}:rejected`]);
      const outcomesBefore = s.store
        .audit({ tradeId: result.tradeId, limit: 10_000 })
        .filter((a) => a.action === 'take_profit_outcome').length;

      for (let i = 0; i < 3; i += 1) await s.monitor.runPass(`pass ${i}`);

      // Nothing sent again, and the decision was written and alerted once.
      expect(targetLegs()).toEqual(afterRefusal);
      expect(s.store.audit({ tradeId: result.tradeId, limit: 10_000 }).filter((a) => a.action === 'take_profit_outcome')).toHaveLength(
        outcomesBefore,
      );
      expect(s.store.audit({ tradeId: result.tradeId, limit: 10_000 }).filter((a) => a.action === 'take_profit_deferred')).toHaveLength(1);
      expect(s.alerter.alerts.filter((a) => a.kind === 'take_profit_failed')).toHaveLength(1);
      expect((await ourOpenOrders(fx.venue)).filter((o) => o.type === 'stop_market').map((o) => o.size.toString())).toEqual([Q('1000')]);
      expect(s.store.getTrade(result.tradeId)?.state).toBe('open');

      // The market comes back below the target: the next pass places it again.
      fx.setMarkPrice(SYMBOL, '60500');
      const placedAgain = `vd1${result.tradeId}T3`;
      await waitFor(
        async () => {
          await s.monitor.runPass('mark back');
          return s.store.getLeg(placedAgain)?.state === 'untriggered';
        },
        { timeoutMs: 15_000, intervalMs: 50, message: 'take-profit placed again once the mark is below it' },
      );
      expect((await ourOpenOrders(fx.venue)).filter((o) => o.clientId === placedAgain).map((o) => o.size.toString())).toEqual([Q('1000')]);
    });

    it('books a trade whose stop filled while the daemon was down, with the P&L from the venue', async () => {
      const path = storeFile();
      const { fx, intent } = await venue();
      const first = await services(fx, { storePath: path });
      const result = await first.orders.openTrade(intent());
      if (result.status !== 'accepted') throw new Error('entry not accepted');
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);
      await first.stop(); // daemon down, its connection too; the stop fills while nobody listens
      await fx.restartVenue(() => fx.setMarkPrice(SYMBOL, '58800'));
      expect(fx.positionSize(SYMBOL).isZero()).toBe(true);

      const s = await services(fx, { storePath: path });
      const trade = s.store.getTrade(result.tradeId);
      expect(trade?.state).toBe('closed');
      expect(trade?.closeReason).toBe('stop-loss filled');
      expect(trade?.realizedPnl?.isNegative()).toBe(true);
      expect(await ourOpenOrders(fx.venue)).toHaveLength(0); // the target went too
      const stopLeg = s.store.legsOf(result.tradeId).find((l) => l.kind === 'stop_loss');
      expect(stopLeg?.state).toBe('filled');
      expect(stopLeg?.filledSize.toString()).toBe(Q('1000'));
      expect(stopLeg?.avgFillPrice?.lt(59000)).toBe(true);
      expect(s.store.legsOf(result.tradeId).find((l) => l.kind === 'take_profit')?.state).toBe('cancelled');
      expect(auditActions(s.store, result.tradeId)).toContain('trade_closed');
    });
  });
}
