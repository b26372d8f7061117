/**
 * Event intake and leg snapshots: venue pushes (orders, fills, tickers) and look-up answers are
 * matched to the trade's legs, merged and persisted under the trade's lock, and the trade takes its
 * next step: protect a fill, end a trade whose entry ended, book an exit, or react to a lost stop.
 */
import { parseClientId } from '../domain/client-ids.js';
import type { Decimal } from '../domain/decimal.js';
import type { VenueEvent } from '../domain/events.js';
import { isTerminal, type OrderSnapshot, type OrderStatus } from '../domain/order.js';
import type { Venue } from '../domain/ports.js';
import type { Fill } from '../domain/position.js';
import type { LegRecord, LegState, TradeRecord } from '../domain/trade.js';
import type { OrderContext, OrderPeers } from './context.js';
import { entryStep, exitCloseReason, isProtectiveKind, mergeLeg, notFoundStep } from './leg-rules.js';
import { IN_FLIGHT_LEG_STATES, isLiveLeg, openQuantity } from './reconcile.js';

export type RefreshResult = 'found' | 'not_found' | 'unknown';

/** Where a leg's new fill may have come without its fill push (learned by asking the venue). */
const LOOKUP_SOURCES: ReadonlySet<string> = new Set(['lookup', 'reconcile']);

export class LegUpdates {
  constructor(
    private readonly ctx: OrderContext,
    private readonly peers: OrderPeers,
  ) {}

  // ------------------------------------------------------------------ venue events

  onVenueEvent(venue: Venue, event: VenueEvent): void {
    switch (event.type) {
      case 'order':
        this.onOrderEvent(venue, event.order);
        return;
      case 'fill':
        this.onFillEvent(venue, event.fill);
        return;
      case 'ticker': {
        const price = event.ticker.mark ?? event.ticker.last;
        if (price === undefined) return;
        this.ctx.marks.set(venue.id, event.ticker.symbol, price);
        return;
      }
      default:
        return;
    }
  }

  private findLeg(venue: Venue, order: { clientId?: string; venueOrderId: string }): LegRecord | undefined {
    const { store, config } = this.ctx;
    if (order.clientId !== undefined && parseClientId(order.clientId, config.clientIdPrefix)) {
      const leg = store.getLeg(order.clientId);
      if (leg) return leg;
    }
    return store.legByVenueOrderId(venue.id, order.venueOrderId);
  }

  private onOrderEvent(venue: Venue, order: OrderSnapshot): void {
    const leg = this.findLeg(venue, order);
    if (!leg) return; // not ours (operator) or unknown to the store: the monitor decides
    this.ctx
      .withLock(leg.tradeId, () => this.applySnapshotLocked(leg.clientId, order, 'push'))
      .catch((err: unknown) => {
        this.ctx.logger.error(
          { err, venue: venue.id, tradeId: leg.tradeId, clientId: leg.clientId },
          'applying an order update failed; the next reconciliation pass re-reads this order',
        );
      });
  }

  private onFillEvent(venue: Venue, fill: Fill): void {
    const leg = this.findLeg(venue, fill);
    if (!leg) return;
    this.bookFill(venue, fill, leg.tradeId, 'push');
  }

  /** Records a venue fill against the trade (once per venue trade id), with an audit entry. */
  bookFill(venue: Venue, fill: Fill, tradeId: string, source: string): boolean {
    const { store, audit, logger } = this.ctx;
    try {
      const added = store.recordFill({
        venue: venue.id,
        venueTradeId: fill.tradeId,
        venueOrderId: fill.venueOrderId,
        ...(fill.clientId !== undefined ? { clientId: fill.clientId } : {}),
        tradeId,
        symbol: fill.symbol,
        side: fill.side,
        size: fill.size,
        price: fill.price,
        fee: fill.fee,
        feeCurrency: fill.feeCurrency,
        tsMs: fill.tsMs,
      });
      if (added) {
        store.appendAudit(
          audit(
            'fill',
            { id: tradeId, venue: venue.id },
            {
              source,
              clientId: fill.clientId,
              venueTradeId: fill.tradeId,
              side: fill.side,
              size: fill.size.toString(),
              price: fill.price.toString(),
              fee: fill.fee.toString(),
            },
          ),
        );
      }
      return added;
    } catch (err) {
      logger.error(
        { err, venue: venue.id, tradeId, venueTradeId: fill.tradeId },
        'recording a fill failed; P&L will be rebuilt from the venue fills at close',
      );
      return false;
    }
  }

  // ------------------------------------------------------------------ applying venue state

  /** Applies a venue snapshot of one of our orders (from the monitor). */
  async applyLegSnapshot(clientId: string, order: OrderSnapshot, source: string): Promise<void> {
    const leg = this.ctx.store.getLeg(clientId);
    if (!leg) return;
    await this.ctx.withLock(leg.tradeId, () => this.applySnapshotLocked(clientId, order, source));
  }

  /** Asks the venue for one of our orders by client id and applies the answer (under the trade's lock). */
  async refreshLeg(clientId: string, lostAfterNotFound: number): Promise<RefreshResult> {
    const leg = this.ctx.store.getLeg(clientId);
    if (!leg) return 'not_found';
    return this.ctx.withLock(leg.tradeId, () => this.refreshLegLocked(clientId, lostAfterNotFound));
  }

  /**
   * A leg whose outcome was unknown is marked lost after `lostAfterNotFound` consecutive "not
   * found" answers; a leg the venue had acknowledged is marked lost at the first one.
   */
  async refreshLegLocked(clientId: string, lostAfterNotFound: number): Promise<RefreshResult> {
    const { store, audit, clock, logger, notFoundCounts } = this.ctx;
    const leg = store.getLeg(clientId);
    const trade = leg ? store.getTrade(leg.tradeId) : undefined;
    if (!leg || !trade) return 'not_found';
    const venue = this.ctx.venueOf(trade);
    if (this.ctx.submitting.has(clientId) && IN_FLIGHT_LEG_STATES.includes(leg.state)) {
      // Its submit is still on the wire: "not found" now would prove nothing. Its answer settles it.
      return 'unknown';
    }
    const lookup = await venue.getOrder({
      symbol: trade.symbol,
      clientId,
      ...(leg.venueOrderId !== undefined ? { venueOrderId: leg.venueOrderId } : {}),
    });
    if (lookup.status === 'found') {
      notFoundCounts.delete(clientId);
      await this.applySnapshotLocked(clientId, lookup.order, 'lookup');
      return 'found';
    }
    if (lookup.status === 'unknown') {
      logger.warn({ tradeId: trade.id, clientId, reason: lookup.reason }, 'order look-up got no answer; will ask again on the next pass');
      return 'unknown';
    }
    const count = (notFoundCounts.get(clientId) ?? 0) + 1;
    notFoundCounts.set(clientId, count);
    if (notFoundStep(leg, trade, count, lostAfterNotFound) === 'ask_again') {
      store.appendAudit(audit('lookup_not_found', trade, { clientId, legState: leg.state, count, decided: 'ask again later' }));
      return 'not_found';
    }
    this.ctx.forgetLeg(clientId);
    store.updateLeg(
      clientId,
      { state: 'lost' },
      clock.now(),
      audit('leg_lost', trade, {
        clientId,
        kind: leg.kind,
        previousState: leg.state,
        notFoundCount: count,
        decided: leg.kind === 'entry' ? 'entry never reached the venue' : 're-check protection',
      }),
    );
    if (leg.kind === 'entry') {
      const t = store.getTrade(trade.id);
      if (t && (t.state === 'pending' || t.state === 'entry_working') && t.filledSize.isZero()) {
        store.updateTrade(
          t.id,
          { state: 'failed', closeReason: 'entry lost: the venue never showed it', closedAtMs: clock.now() },
          clock.now(),
          audit('trade_failed', t, {
            reason: 'entry not found on the venue after repeated look-ups',
            decided: 'no position; nothing to protect',
          }),
        );
        this.ctx.alerter.send({
          severity: 'warning',
          kind: 'entry_lost',
          text: `${t.venue} ${t.symbol} trade ${t.id}: the entry's outcome was unknown and the venue never showed it; marked failed, not resent.`,
        });
      }
    } else if (trade.state === 'open') {
      await this.peers.protection.onProtectionLostLocked(trade, leg.kind, `${leg.kind} ${clientId} lost on the venue`);
    }
    return 'not_found';
  }

  /**
   * Looks an order up by client id before a retry: an order that did arrive is applied and
   * adopted ('adopted' when it is working or filled), never doubled. 'unknown' when the venue did
   * not answer the look-up: the caller must not send the same client id again then.
   */
  async adoptIfExists(trade: TradeRecord, clientId: string, attempt: number): Promise<'adopted' | 'absent' | 'unknown'> {
    const lookup = await this.ctx.venueOf(trade).getOrder({ symbol: trade.symbol, clientId }, 'protective');
    this.ctx.store.appendAudit(this.ctx.audit('lookup_before_retry', trade, { clientId, attempt, result: lookup.status }));
    if (lookup.status === 'unknown') return 'unknown';
    if (lookup.status !== 'found') return 'absent';
    await this.applySnapshotLocked(clientId, lookup.order, 'lookup before retry');
    return isLiveLeg(lookup.order.status) || lookup.order.status === 'filled' ? 'adopted' : 'absent';
  }

  /** Merges a snapshot into its leg, persists the change, and lets the trade take its next step. */
  async applySnapshotLocked(clientId: string, order: OrderSnapshot, source: string): Promise<void> {
    const { store, audit, clock } = this.ctx;
    const leg = store.getLeg(clientId);
    const trade = leg ? store.getTrade(leg.tradeId) : undefined;
    if (!leg || !trade) return;
    const merged = mergeLeg(leg, order);
    if (!merged.changed) {
      // Nothing new on the leg, but a crash may have cut in before the trade took its step: take it now.
      if (leg.kind === 'entry' && entryStep(trade, leg).step === 'filled') await this.afterEntryUpdate(trade.id);
      return;
    }
    store.updateLeg(
      clientId,
      {
        ...(leg.venueOrderId === undefined ? { venueOrderId: order.venueOrderId } : {}),
        state: merged.state,
        filledSize: merged.filledSize,
        ...(order.avgFillPrice !== undefined ? { avgFillPrice: order.avgFillPrice } : {}),
      },
      clock.now(),
      audit('leg_update', trade, {
        source,
        clientId,
        kind: leg.kind,
        from: leg.state,
        to: merged.state,
        filled: merged.filledSize.toString(),
        avgFillPrice: order.avgFillPrice?.toString(),
        venueStatus: order.status,
        cancelReason: order.cancelReason,
        rejectReason: order.rejectReason,
      }),
    );
    // A fill learned from a look-up (the daemon was down, or the push was lost) has no fill record yet.
    if (LOOKUP_SOURCES.has(source) && merged.filledSize.gt(leg.filledSize))
      await this.bookMissedFills(trade, clientId, order.venueOrderId, source);
    if (leg.kind === 'entry') await this.afterEntryUpdate(trade.id);
    else await this.afterExitUpdate(trade.id, leg, merged.state, merged.filledSize);
    // The order is done: its expected-cancel mark and "not found" count have served their purpose.
    if (!isLiveLeg(merged.state)) this.ctx.forgetLeg(clientId);
  }

  /**
   * After a restart: the venue's fills since the oldest active trade began, booked to their legs
   * (a push the killed process never got is recorded now; fills already booked are skipped).
   */
  async bookGapFills(venue: Venue): Promise<number> {
    const { store, logger } = this.ctx;
    const active = store.listTrades({ states: ['pending', 'entry_working', 'open', 'closing'], venue: venue.id });
    if (active.length === 0) return 0;
    let booked = 0;
    try {
      const fills = await venue.fillsSince(Math.min(...active.map((t) => t.createdAtMs)));
      for (const f of fills) {
        const leg = this.findLeg(venue, f);
        if (leg && this.bookFill(venue, f, leg.tradeId, 'start-up fill read')) booked += 1;
      }
    } catch (err) {
      logger.warn(
        { err, venue: venue.id },
        'could not read the fills missed while the daemon was down; trades are still booked from their orders',
      );
    }
    if (booked > 0) logger.info({ venue: venue.id, booked }, 'fills missed while the daemon was down booked from the venue');
    return booked;
  }

  /** Reads the order's fills from the venue and books those the store lacks (once per venue trade id). */
  private async bookMissedFills(trade: TradeRecord, clientId: string, venueOrderId: string, source: string): Promise<void> {
    const venue = this.ctx.venueOf(trade);
    try {
      const fills = await venue.fillsSince(trade.createdAtMs, trade.symbol);
      for (const f of fills) if (f.clientId === clientId || f.venueOrderId === venueOrderId) this.bookFill(venue, f, trade.id, source);
    } catch (err) {
      this.ctx.logger.warn(
        { err, tradeId: trade.id, clientId },
        'the fills of an order found filled by a look-up could not be read; the trade is booked from the order, its fill records may be missing',
      );
    }
  }

  private async afterEntryUpdate(tradeId: string): Promise<void> {
    const { store, audit, clock } = this.ctx;
    const trade = store.getTrade(tradeId);
    const entry = store.legsOf(tradeId).find((l) => l.kind === 'entry');
    if (!trade || !entry) return;
    const now = clock.now();
    const next = entryStep(trade, entry);
    switch (next.step) {
      case 'filled': {
        const state = next.state;
        store.updateTrade(
          tradeId,
          { filledSize: entry.filledSize, ...(entry.avgFillPrice !== undefined ? { avgEntryPrice: entry.avgFillPrice } : {}), state },
          now,
          audit('entry_filled', trade, {
            filled: entry.filledSize.toString(),
            previouslyFilled: trade.filledSize.toString(),
            avgFillPrice: entry.avgFillPrice?.toString(),
            entryState: entry.state,
            decided: state === 'open' ? 'protect the filled quantity' : `trade is ${state}; no new protection`,
          }),
        );
        this.ctx.logger.info(
          { tradeId, filled: entry.filledSize.toString(), entryState: entry.state },
          'entry filled; protecting the filled quantity',
        );
        this.ctx.emit({ type: 'entry_filled', tradeId, filledSize: entry.filledSize });
        if (state === 'open') await this.peers.protection.ensureProtectionLocked(tradeId, 'entry fill');
        return;
      }
      case 'ended':
        store.updateTrade(
          tradeId,
          { state: next.state, closeReason: `entry ${entry.state} with nothing filled`, closedAtMs: now },
          now,
          audit('entry_ended', trade, { entryState: entry.state, decided: `trade ${next.state}; nothing to protect` }),
        );
        return;
      case 'done':
        store.appendAudit(
          audit('entry_done', trade, {
            entryState: entry.state,
            filled: entry.filledSize.toString(),
            decided: 'protection stays sized to the filled quantity',
          }),
        );
        return;
      case 'working':
        store.updateTrade(tradeId, { state: 'entry_working' }, now, audit('entry_working', trade, { entryState: entry.state }));
        return;
      case 'none':
        return;
    }
  }

  private async afterExitUpdate(tradeId: string, before: LegRecord, state: LegState, filledSize: Decimal): Promise<void> {
    const { store, audit } = this.ctx;
    const trade = store.getTrade(tradeId);
    if (!trade) return;
    const legs = store.legsOf(tradeId);
    if (filledSize.gt(before.filledSize)) {
      this.ctx.emit({ type: 'exit_filled', tradeId, leg: before.kind, clientId: before.clientId, filledSize });
      if (trade.state !== 'open') return;
      const open = openQuantity(trade, legs);
      if (!open.isPositive()) {
        await this.peers.closing.finalizeClosed(trade, exitCloseReason(before.kind), 'exit leg filled the whole position');
        return;
      }
      // Still working: it covers the rest. Ended short of the open quantity (reduce-only clipped it
      // to what the venue held, or it was cancelled part-filled): the rest is unprotected, or gone.
      if (!isTerminal(state as OrderStatus)) return;
    }
    if (
      isTerminal(state as OrderStatus) &&
      state !== 'filled' &&
      trade.state === 'open' &&
      !this.ctx.cancelling.has(before.clientId) &&
      isProtectiveKind(before.kind)
    ) {
      store.appendAudit(audit('protection_lost', trade, { clientId: before.clientId, kind: before.kind, state }));
      await this.peers.protection.onProtectionLostLocked(trade, before.kind, `${before.kind} ${before.clientId} ${state} on the venue`);
    }
  }
}
