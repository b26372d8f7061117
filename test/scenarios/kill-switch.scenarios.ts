/**
 * Kill switch and risk-limit scenarios, written once and run on every venue fixture: flatten on
 * the venue, survive a restart, block entries, the daily loss trips it. Each asserts the venue's
 * final state, the store's, and the audit trail.
 */
import { describe, expect, it } from 'vitest';

import { ourOpenOrders } from '../orders/harness.js';
import { waitFor } from '../support/wait.js';
import { scenarioSymbols, type ScenarioVenueFactory } from './venue-fixture.js';
import { useScenarioWorld } from './world.js';

const ACTIVE = ['open', 'pending', 'entry_working', 'closing'] as const;

export function runKillSwitchScenarios(factory: ScenarioVenueFactory): void {
  // The instruments this venue's scenarios trade (Deribit's BTC-PERPETUAL by default).
  const { symbol: SYMBOL, other: OTHER, Q, QOther } = scenarioSymbols(factory);
  describe(`KillSwitch and RiskManager scenarios on ${factory.name}`, () => {
    const { venue, services, storeFile } = useScenarioWorld(factory);

    it('flattens every daemon position on the venue, reports, and is still on after a restart', async () => {
      const path = storeFile();
      const { fx, intent } = await venue();
      const s = await services(fx, { storePath: path });
      const a = await s.orders.openTrade(intent());
      const b = await s.orders.openTrade(intent({ size: { unit: 'venue', value: Q('500') } }));
      const c = await s.orders.openTrade(
        intent({ entry: { type: 'limit', price: '59000.5' }, stopLossPrice: '58000', takeProfitPrice: '60000' }),
      );
      expect([a.status, b.status, c.status]).toEqual(['accepted', 'accepted', 'accepted']);
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 5); // 2 x (stop, target) + working limit entry
      expect(fx.positionSize(SYMBOL).toString()).toBe(Q('1500'));

      const report = await s.killSwitch.activate('operator /kill', 'telegram');
      expect(report.flat).toBe(true);
      expect(report.closedTrades).toHaveLength(3);
      expect(report.failedTrades).toHaveLength(0);
      expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
      expect(await ourOpenOrders(fx.venue)).toHaveLength(0);
      expect(fx.engine.openOrders()).toHaveLength(0);
      expect(s.store.listTrades({ states: [...ACTIVE] })).toHaveLength(0);
      for (const t of [a, b, c]) if (t.status === 'accepted') expect(s.store.getTrade(t.tradeId)?.state).toBe('closed');
      expect(s.alerter.critical().filter((x) => x.kind === 'kill_switch').length).toBeGreaterThanOrEqual(2); // on + report
      const actions = s.store
        .audit({ limit: 10_000 })
        .reverse()
        .map((e) => e.action);
      expect(actions.indexOf('kill_switch_on')).toBeLessThan(actions.indexOf('close_all'));
      expect(actions.indexOf('close_all_done')).toBeLessThan(actions.indexOf('flatten_report'));

      const refused = await s.orders.openTrade(intent());
      expect(refused).toMatchObject({ status: 'refused', code: 'KILL_SWITCH_ACTIVE' });
      await s.stop();
      await fx.restartVenue();

      // Restart on the same file: still on, still refusing.
      const restarted = await services(fx, { storePath: path });
      expect(restarted.killSwitch.isActive()).toBe(true);
      expect(restarted.killSwitch.state().reason).toBe('operator /kill');
      const again = await restarted.orders.openTrade(intent());
      expect(again.status).toBe('refused');
      if (again.status === 'refused') expect(again.reason).toMatch(/kill switch is on \(operator \/kill\)/);
      expect(fx.engine.allOrders({ predicate: (o) => !o.reduceOnly })).toHaveLength(3); // no new entry reached the venue
      expect(restarted.store.audit().filter((e) => e.action === 'entry_refused')).toHaveLength(2);

      restarted.killSwitch.resume('telegram');
      expect((await restarted.orders.openTrade(intent())).status).toBe('accepted');
      expect(fx.engine.allOrders({ predicate: (o) => !o.reduceOnly })).toHaveLength(4);
      expect(restarted.store.audit().some((e) => e.action === 'resumed')).toBe(true);
    });

    it('a position the flatten cannot close keeps a stop on the venue, and the report says NOT flat', async () => {
      const { fx, intent } = await venue();
      const s = await services(fx);
      const a = await s.orders.openTrade(intent());
      expect(a.status).toBe('accepted');
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2); // stop + target
      // every reduce-only market close is refused from now on
      fx.rejectNextOrders(1_000, 'market', 'error');
      const report = await s.killSwitch.activate('operator /kill', 'telegram');
      expect(report.flat).toBe(false);
      expect(report.failedTrades.map((f) => f.tradeId)).toEqual(a.status === 'accepted' ? [a.tradeId] : []);
      expect(fx.positionSize(SYMBOL).toString()).toBe(Q('1000'));
      // the position is not left naked: a daemon stop still rests on the venue
      const stops = (await ourOpenOrders(fx.venue)).filter((o) => o.type === 'stop_market' && o.reduceOnly);
      expect(stops).toHaveLength(1);
      expect(stops[0]?.size.toString()).toBe(Q('1000'));
      expect(s.alerter.critical().some((al) => /NOT verified flat/.test(al.text))).toBe(true);
    });

    it('pause blocks entries without touching open positions', async () => {
      const { fx, intent } = await venue();
      const s = await services(fx);
      const a = await s.orders.openTrade(intent());
      expect(a.status).toBe('accepted');
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 2);
      s.killSwitch.pause('telegram');
      expect(await s.orders.openTrade(intent())).toMatchObject({ status: 'refused', code: 'ENTRIES_PAUSED' });
      expect(fx.positionSize(SYMBOL).toString()).toBe(Q('1000'));
      expect(await ourOpenOrders(fx.venue)).toHaveLength(2);
      expect(fx.engine.allOrders({ predicate: (o) => !o.reduceOnly })).toHaveLength(1);
      expect(s.killSwitch.isActive()).toBe(false);
      expect(s.store.audit().some((e) => e.action === 'paused')).toBe(true);
      s.killSwitch.resume('telegram');
      expect((await s.orders.openTrade(intent())).status).toBe('accepted');
    });

    it('refuses entries over the open-trade, size and loss-at-stop limits with a clear reason', async () => {
      const { fx, intent } = await venue();
      const s = await services(fx, {
        risk: { maxOpenTrades: 1, maxSizePerTrade: [{ venue: fx.venue.id, symbol: SYMBOL, maxSize: Q('2000') }], maxLossAtStopUsd: 50 },
      });
      expect(await s.orders.openTrade(intent({ size: { unit: 'venue', value: Q('3000') } }))).toMatchObject({
        status: 'refused',
        code: 'RISK_MAX_SIZE',
      });
      // 2000 USD with a 2000 USD stop distance at 60 000: ~66.7 USD at risk > 50.
      expect(await s.orders.openTrade(intent({ size: { unit: 'venue', value: Q('2000') }, stopLossPrice: '58000' }))).toMatchObject({
        status: 'refused',
        code: 'RISK_MAX_LOSS_AT_STOP',
      });
      expect((await s.orders.openTrade(intent())).status).toBe('accepted');
      const third = await s.orders.openTrade(intent());
      expect(third).toMatchObject({ status: 'refused', code: 'RISK_MAX_OPEN_TRADES' });
      expect(fx.engine.allOrders({ predicate: (o) => !o.reduceOnly })).toHaveLength(1);
      expect(s.store.listTrades()).toHaveLength(1);
      expect(
        s.store
          .audit()
          .filter((e) => e.action === 'entry_refused')
          .map((e) => (e.detail as { code?: string }).code),
      ).toEqual(expect.arrayContaining(['RISK_MAX_SIZE', 'RISK_MAX_LOSS_AT_STOP', 'RISK_MAX_OPEN_TRADES']));
    });

    it('activates the kill switch, which flattens, when the daily loss limit is breached', async () => {
      const { fx, intent } = await venue();
      const s = await services(fx, { risk: { maxDailyLossUsd: 20, maxLossAtStopUsd: 100 } });
      const losing = await s.orders.openTrade(
        intent({ size: { unit: 'venue', value: Q('2000') }, stopLossPrice: '59000', takeProfitPrice: '62000' }),
      );
      const other = await s.orders.openTrade(
        intent({
          symbol: OTHER,
          size: { unit: 'venue', value: QOther('100') },
          entry: { type: 'market', referencePrice: '3000' },
          stopLossPrice: '2900',
          takeProfitPrice: '3100',
        }),
      );
      expect([losing.status, other.status]).toEqual(['accepted', 'accepted']);
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 4);

      fx.setMarkPrice(SYMBOL, '58900'); // stop fills: ~ -37 USD, over the 20 USD daily limit
      await waitFor(() => s.killSwitch.isActive(), { message: 'kill switch on after the daily loss' });
      await waitFor(() => fx.positionSize(OTHER).isZero(), { message: 'the other position flattened' });
      await waitFor(async () => (await ourOpenOrders(fx.venue)).length === 0);
      expect(fx.positionSize(SYMBOL).isZero()).toBe(true);
      expect(s.killSwitch.state().reason).toMatch(/daily loss/);
      expect(s.risk.dailyPnl().isNegative()).toBe(true);
      if (losing.status === 'accepted') expect(s.store.getTrade(losing.tradeId)?.closeReason).toBe('stop-loss filled');
      await waitFor(() => s.store.listTrades({ states: [...ACTIVE] }).length === 0, { message: 'every trade booked closed' });
      expect(await s.orders.openTrade(intent())).toMatchObject({ status: 'refused', code: 'KILL_SWITCH_ACTIVE' });
      expect(s.store.audit({ limit: 10_000 }).some((e) => e.action === 'kill_switch_on' && JSON.stringify(e.detail).includes('risk'))).toBe(
        true,
      );
    });
  });
}
