/**
 * Flatten (kill switch, `/kill`): close every active trade, cancel every order carrying the
 * daemon's prefix, verify over the API that nothing of the daemon's remains, and retry what failed
 * for up to `flattenRounds` rounds. Never touches orders without the prefix.
 */
import { parseClientId } from '../domain/client-ids.js';
import type { FlattenReport } from '../domain/flatten.js';
import { errorText } from './audit-format.js';
import type { Closing } from './closing.js';
import { activeTradesOf, COMPONENT, type OrderContext } from './context.js';

/** What the flatten needs from the order manager. */
export interface Flattening extends Pick<Closing, 'closeTrade' | 'cancelOrphan'> {
  ensureStop(tradeId: string, mode: 'replace' | 'close', reason: string): Promise<void>;
}

export async function closeAll(ctx: OrderContext, closing: Flattening, reason: string): Promise<FlattenReport> {
  const { store, clock, logger, config } = ctx;
  const closed = new Set<string>();
  const cancelledOrders: string[] = [];
  let failedTrades: { tradeId: string; error: string }[] = [];
  let failedCancels: { venue: string; clientId: string; error: string }[] = [];
  const symbols = new Map<string, Set<string>>();
  let flat = false;
  let round = 0;
  store.appendAudit({ tsMs: clock.now(), component: COMPONENT, action: 'close_all', detail: { reason } });
  while (round < config.flattenRounds && !flat) {
    round += 1;
    failedTrades = [];
    failedCancels = [];
    for (const { trade } of activeTradesOf(store)) {
      const set = symbols.get(trade.venue) ?? new Set<string>();
      set.add(trade.symbol);
      symbols.set(trade.venue, set);
      try {
        const r = await closing.closeTrade(trade.id, reason);
        for (const c of r.cancelled) cancelledOrders.push(c);
        if (r.flat) closed.add(trade.id);
        else failedTrades.push({ tradeId: trade.id, error: r.error ?? 'not flat' });
      } catch (err) {
        logger.error({ err, tradeId: trade.id }, 'closing a trade during flatten threw; retried in the next round');
        failedTrades.push({ tradeId: trade.id, error: errorText(err) });
      }
    }
    flat = failedTrades.length === 0;
    for (const venue of ctx.venues.values()) {
      try {
        // A trade this round could not close keeps its stop: cancelling it would leave the
        // position naked while the next round (or the operator) deals with it.
        const stillOpen = new Set(failedTrades.map((f) => f.tradeId));
        for (const order of await venue.openOrders()) {
          const parsed = parseClientId(order.clientId, config.clientIdPrefix);
          if (!parsed) continue;
          if (parsed.kind === 'stop_loss' && stillOpen.has(parsed.tradeId)) continue;
          if (await closing.cancelOrphan(venue.id, order, reason, { evenIfLive: true }))
            cancelledOrders.push(order.clientId ?? order.venueOrderId);
          else {
            failedCancels.push({ venue: venue.id, clientId: order.clientId ?? order.venueOrderId, error: 'cancel not confirmed' });
            flat = false;
          }
        }
        // Verify: no daemon order left, no position on a symbol the daemon traded.
        const left = (await venue.openOrders()).filter((o) => parseClientId(o.clientId, config.clientIdPrefix));
        const positions = (await venue.positions()).filter((p) => symbols.get(venue.id)?.has(p.symbol) && !p.size.isZero());
        if (left.length > 0 || positions.length > 0) flat = false;
      } catch (err) {
        logger.error({ err, venue: venue.id }, 'flatten could not read or cancel orders on this venue; retried in the next round');
        failedCancels.push({ venue: venue.id, clientId: '*', error: errorText(err) });
        flat = false;
      }
    }
    if (!flat && round < config.flattenRounds) await ctx.sleep(config.closePollDelayMs);
  }
  // Whatever could not be closed must not stay without a stop.
  for (const { tradeId } of failedTrades) {
    if (!activeTradesOf(store).some(({ trade }) => trade.id === tradeId)) continue;
    try {
      await closing.ensureStop(tradeId, 'replace', `flatten could not close it (${reason})`);
    } catch (err) {
      logger.error(
        { err, tradeId },
        'could not re-protect a trade the flatten failed to close; the operator must check this position by hand',
      );
    }
  }
  const report: FlattenReport = {
    reason,
    closedTrades: [...closed],
    failedTrades,
    cancelledOrders: [...new Set(cancelledOrders)],
    failedCancels,
    flat,
    rounds: round,
  };
  store.appendAudit({ tsMs: clock.now(), component: COMPONENT, action: 'close_all_done', detail: { ...report } });
  return report;
}
