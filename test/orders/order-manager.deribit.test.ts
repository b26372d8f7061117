/** OrderManager scenarios through the real Deribit adapter against the simulated Deribit, over real sockets. */
import { describe, expect, it } from 'vitest';

import { runOrderManagerScenarios } from '../scenarios/order-manager.scenarios.js';
import { deribitVenueFactory } from '../scenarios/venue-fixture.js';
import { startDeribitHarness } from '../support/deribit-harness.js';
import { waitFor } from '../support/wait.js';
import { auditActions, longIntent, startServices } from './harness.js';

runOrderManagerScenarios(deribitVenueFactory);

describe('OrderManager on deribit: protective request timeout', () => {
  it('a stop whose answer the venue swallows is looked up after the protective timeout, not the default request timeout', async () => {
    // Venue requests wait 10 s for an answer; protective ones (stop, close, cancel) only 300 ms.
    const h = await startDeribitHarness({ config: { requestTimeoutMs: 10_000, protectiveRequestTimeoutMs: 300 } });
    const s = await startServices(h.venue);
    try {
      // The stop (the first sell after the long entry) is placed on the venue but never answered.
      h.sim.faults.neverAnswer(/^private\/sell$/, { times: 1, execute: true });
      const result = await s.orders.openTrade(longIntent({ venue: h.venue.id }));
      if (result.status !== 'accepted') throw new Error('entry not accepted');
      const stop = `vd1${result.tradeId}S1`;
      // Far sooner than the 10 s default the outcome is given up as unknown, looked up, and the stop adopted.
      await waitFor(() => s.store.getLeg(stop)?.state === 'untriggered', { message: 'swallowed stop adopted' });
      const audit = s.store.audit({ tradeId: result.tradeId, limit: 10_000 });
      const submitted = audit.find((a) => a.action === 'stop_loss_submit');
      const outcomes = audit.filter((a) => a.action === 'stop_loss_outcome');
      expect(outcomes.map((a) => JSON.stringify(a.detail))).toEqual([expect.stringContaining('"status":"unknown"')]);
      expect((outcomes[0]?.tsMs ?? Number.POSITIVE_INFINITY) - (submitted?.tsMs ?? 0)).toBeLessThan(3_000);
      expect(auditActions(s.store, result.tradeId)).toContain('lookup_before_retry');
      expect(h.sim.engine.allOrders({ predicate: (o) => o.orderType === 'stop_market' })).toHaveLength(1); // adopted, never doubled
      expect(s.store.getTrade(result.tradeId)?.state).toBe('open');
    } finally {
      await s.stop();
      await h.close();
    }
  });

  it('the look-up before the stop is sent again also waits only the protective timeout', async () => {
    const h = await startDeribitHarness({ config: { requestTimeoutMs: 10_000, protectiveRequestTimeoutMs: 300 } });
    const s = await startServices(h.venue);
    try {
      // The stop is swallowed and not placed; the first look-up by label is swallowed too.
      h.sim.faults.neverAnswer(/^private\/sell$/, { times: 1, execute: false });
      h.sim.faults.neverAnswer(/^private\/get_order_state_by_label$/, { times: 1, execute: false });
      const result = await s.orders.openTrade(longIntent({ venue: h.venue.id }));
      if (result.status !== 'accepted') throw new Error('entry not accepted');
      const stop = `vd1${result.tradeId}S1`;
      await waitFor(() => s.store.getLeg(stop)?.state === 'untriggered', { timeoutMs: 8_000, message: 'stop placed after the look-ups' });
      const audit = s.store.audit({ tradeId: result.tradeId, limit: 10_000 }).reverse();
      const lookups = audit
        .filter((a) => a.action === 'lookup_before_retry')
        .map((a) => (a.detail as { result?: string } | undefined)?.result);
      expect(lookups).toEqual(['unknown', 'not_found']);
      const filled = audit.find((a) => a.action === 'entry_filled')?.tsMs ?? 0;
      const placed = audit.filter((a) => a.action === 'stop_loss_outcome').at(-1)?.tsMs ?? Number.POSITIVE_INFINITY;
      // two protective deadlines (2 × 300 ms) and a few round trips; the 10 s default would be 20 s
      expect(placed - filled).toBeLessThan(3_000);
      expect(h.sim.engine.allOrders({ predicate: (o) => o.orderType === 'stop_market' })).toHaveLength(1);
    } finally {
      await s.stop();
      await h.close();
    }
  });
});
