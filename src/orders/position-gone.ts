/**
 * A position that vanished under an active trade (closed by hand, or its stop filled while the
 * daemon was away): re-check the venue, settle the legs, attribute the venue's fills (the
 * trade's own, and foreign ones that closed it by hand), cancel the companions and book the
 * trade closed with its P&L.
 */
import { Decimal } from '../domain/decimal.js';
import { ACTIVE_TRADE_STATES } from '../domain/trade.js';
import type { OrderContext, OrderPeers } from './context.js';
import { averagePrice, realizedPnl } from './pnl.js';
import { isActiveTrade, isLiveLeg } from './reconcile.js';
import { attributeFills, entryExecutions, oppositeActiveTrade, outsideExits } from './settlement.js';

export class PositionGone {
  constructor(
    private readonly ctx: OrderContext,
    private readonly peers: OrderPeers,
  ) {}

  /** Re-checks the venue and books the trade closed when the position is really gone. */
  handlePositionGone(tradeId: string, reason: string): Promise<boolean> {
    return this.ctx.withLock(tradeId, () => this.positionGoneLocked(tradeId, reason));
  }

  async positionGoneLocked(tradeId: string, reason: string): Promise<boolean> {
    const { settlingGone } = this.ctx;
    if (settlingGone.has(tradeId)) return false;
    settlingGone.add(tradeId);
    try {
      return await this.settleLocked(tradeId, reason);
    } finally {
      settlingGone.delete(tradeId);
    }
  }

  private async settleLocked(tradeId: string, reason: string): Promise<boolean> {
    const { store, audit, clock, config } = this.ctx;
    const { legs: legsPeer, closing } = this.peers;
    const trade = store.getTrade(tradeId);
    if (!trade || !isActiveTrade(trade.state)) return false;
    const venue = this.ctx.venueOf(trade);
    const position = (await venue.positions()).find((p) => p.symbol === trade.symbol)?.size ?? Decimal.ZERO;
    if (!position.isZero()) {
      store.appendAudit(
        audit('position_gone_recheck', trade, { position: position.toString(), decided: 'position is back; leave the trade as it is' }),
      );
      return false;
    }
    // A flat net position is no proof this trade is gone when an opposite trade of the daemon on the
    // same netted instrument cancels it out (entries opposite to an open trade are refused; such a
    // pair predates that rule): never book one trade closed from another trade's effect.
    const opposite = venue.netsPositions(trade.symbol)
      ? oppositeActiveTrade(trade, store.listTrades({ states: ACTIVE_TRADE_STATES, venue: trade.venue }))
      : undefined;
    if (opposite) {
      store.appendAudit(
        audit('position_gone_ambiguous', trade, {
          reason,
          opposite: opposite.id,
          venuePosition: '0',
          decided: 'not booked closed: the flat net position may be the two trades cancelling out',
        }),
      );
      this.ctx.logger.warn(
        { tradeId, opposite: opposite.id, venue: trade.venue, symbol: trade.symbol },
        'venue shows no net position, but an opposite daemon trade on this netted instrument may cancel this one out; not booking it closed',
      );
      this.ctx.alerter.send({
        severity: 'warning',
        kind: 'position_ambiguous',
        text: `${trade.venue} ${trade.symbol}: trades ${trade.id} (${trade.side}) and ${opposite.id} (${opposite.side}) net to no position on the venue. Neither is booked closed; check them by hand.`,
      });
      return false;
    }
    // Settle every live leg from the venue (an exit that filled while we were away books the close).
    for (const leg of store.legsOf(tradeId)) {
      if (isLiveLeg(leg.state)) await legsPeer.refreshLegLocked(leg.clientId, 1);
    }
    // Fills from the venue: ours are booked to their legs; foreign opposite-side fills after our
    // entry close the remainder (a hand close).
    const fills = await venue.fillsSince(trade.createdAtMs, trade.symbol);
    const attributed = attributeFills(trade, store.legsOf(tradeId), fills, config.clientIdPrefix);
    for (const f of attributed.ours) legsPeer.bookFill(venue, f, tradeId, 'reconcile');
    const current = store.getTrade(tradeId) ?? trade;
    const outside = outsideExits(attributed.foreign, current.filledSize, attributed.exitQty, attributed.lastEntryTs);
    const exits = [...attributed.exits];
    for (const { fill, size } of outside.exits) {
      exits.push({ size, price: fill.price, fee: fill.fee, feeCurrency: fill.feeCurrency });
      legsPeer.bookFill(venue, fill, tradeId, 'reconcile: closed outside the daemon');
    }
    const outsideQty = outside.outsideQty;
    // Cancel the companions still on the venue.
    for (const leg of store.legsOf(tradeId)) {
      if (!isLiveLeg(leg.state)) continue;
      await closing.cancelLegLocked(current, leg, 'position gone');
    }
    const after = store.getTrade(tradeId) ?? current;
    if (!isActiveTrade(after.state)) return true; // an exit leg's fill already booked it
    const instrument = this.ctx.instrumentOf(after);
    const entries = attributed.entries.length > 0 ? attributed.entries : entryExecutions(after);
    const pnl = instrument ? realizedPnl(instrument, after.side, entries, exits) : Decimal.ZERO;
    const now = clock.now();
    const closeReason = outsideQty.isPositive() ? `closed outside the daemon (${reason})` : `position gone (${reason})`;
    store.updateTrade(
      tradeId,
      { state: 'closed', realizedPnl: pnl, closedAtMs: now, closeReason },
      now,
      audit('booked_closed', after, {
        reason,
        venuePosition: '0',
        exitsByDaemon: attributed.exitQty.toString(),
        exitsOutside: outsideQty.toString(),
        exitAvgPrice: averagePrice(exits)?.toString(),
        realizedPnl: pnl.toString(),
        decided: 'companions cancelled; trade booked closed from the venue fills',
      }),
    );
    this.ctx.logger.warn(
      { tradeId, venue: after.venue, symbol: after.symbol, pnl: pnl.toString() },
      'position closed outside the daemon; companions cancelled and trade booked closed',
    );
    this.ctx.alerter.send({
      severity: 'warning',
      kind: 'closed_outside',
      text: `${after.venue} ${after.symbol} trade ${after.id} was closed outside the daemon; its orders were cancelled and it is booked closed (P&L ${pnl.toString()}).`,
    });
    this.ctx.emit({ type: 'closed', tradeId, reason: closeReason, realizedPnl: pnl });
    return true;
  }
}
