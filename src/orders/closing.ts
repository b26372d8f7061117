/**
 * Closing: a trade is closed with a reduce-only market order bounded by what the venue holds, its
 * companions are cancelled, flatness is confirmed over the API, and it is booked closed with its
 * P&L. Also cancels single legs (settling "not found" answers by look-up), the siblings of a
 * filled exit, and orphaned daemon orders.
 */
import { clientIdFor, parseClientId } from '../domain/client-ids.js';
import { Decimal } from '../domain/decimal.js';
import { isTerminal, type OrderSnapshot, type OrderStatus } from '../domain/order.js';
import type { Venue } from '../domain/ports.js';
import type { LegRecord, TradeRecord } from '../domain/trade.js';
import { describeOutcome, describeRequest, errorText, outcomeError } from './audit-format.js';
import { COMPONENT, type OrderContext, type OrderPeers } from './context.js';
import { backoffMs, isProtectiveKind, nextSeq, retryDelayMs } from './leg-rules.js';
import { averagePrice, realizedPnl } from './pnl.js';
import { exitsFilledWholeEntry, IN_FLIGHT_LEG_STATES, isActiveTrade, isLiveLeg, openQuantity } from './reconcile.js';
import { closeRequest, exitLeg } from './requests.js';
import { closeQuantity, legExecutions, netOpenQuantity } from './settlement.js';
import type { CancelLegResult, CloseResult } from './types.js';

type FailedCancel = { clientId: string; error: string };

export class Closing {
  constructor(
    private readonly ctx: OrderContext,
    private readonly peers: OrderPeers,
  ) {}

  /** Reduce-only market close, then cancel the trade's remaining orders, then confirm flat over the API. */
  async closeTrade(tradeId: string, reason: string): Promise<CloseResult> {
    // An entry still on the wire could land after the close: wait for its answer (pushes meanwhile
    // are applied and protected at once; the trade's lock is not held by the entry).
    await this.ctx.entrySubmitted(tradeId);
    return this.ctx.withLock(tradeId, () => this.closeTradeLocked(tradeId, reason));
  }

  /**
   * A close that does not end flat puts the trade back to open and, unless `reprotect` is false
   * (the emergency close of a stop that cannot be placed), protects what is still open at once: its
   * companions may already be cancelled, and the next pass can be 30 s away.
   */
  /**
   * Finishes a close the process did not finish (the trade is still 'closing' once its lock is
   * free: no close is running). Returns undefined when there was nothing to resume.
   */
  async resumeClose(tradeId: string, why: string): Promise<CloseResult | undefined> {
    await this.ctx.entrySubmitted(tradeId);
    return this.ctx.withLock(tradeId, async () => {
      const trade = this.ctx.store.getTrade(tradeId);
      if (!trade || trade.state !== 'closing') return undefined;
      const reason = trade.closeReason ?? 'close resumed';
      this.ctx.store.appendAudit(
        this.ctx.audit('close_resumed', trade, {
          why,
          reason,
          decided: 'finish the interrupted close: close what is open, cancel the companions, confirm flat',
        }),
      );
      this.ctx.logger.warn(
        { tradeId, venue: trade.venue, symbol: trade.symbol, why },
        'trade left closing by an interrupted close; finishing the close',
      );
      return this.closeTradeLocked(tradeId, reason);
    });
  }

  async closeTradeLocked(tradeId: string, reason: string, options: { readonly reprotect?: boolean } = {}): Promise<CloseResult> {
    const reprotect = options.reprotect ?? true;
    const { store, audit, clock } = this.ctx;
    const trade = store.getTrade(tradeId);
    const none: CloseResult = { tradeId, flat: true, closedSize: Decimal.ZERO, cancelled: [], failedCancels: [] };
    if (!trade) return { ...none, flat: false, error: `trade ${tradeId} is not in the store` };
    if (!isActiveTrade(trade.state)) return none;
    const venue = this.ctx.venueOf(trade);
    const cancelled: string[] = [];
    const failedCancels: FailedCancel[] = [];
    store.updateTrade(
      tradeId,
      { state: 'closing', closeReason: reason },
      clock.now(),
      audit('close_requested', trade, { reason, previousState: trade.state }),
    );

    // 1. A working entry must not fill any more.
    const entry = store.legsOf(tradeId).find((l) => l.kind === 'entry');
    if (entry && isLiveLeg(entry.state)) {
      const r = await this.cancelLegLocked(trade, entry, 'closing the trade');
      if (r.ok) cancelled.push(entry.clientId);
      else failedCancels.push({ clientId: entry.clientId, error: r.error });
    }

    // 2. Close what is open, bounded by what the venue actually holds.
    let closedSize = Decimal.ZERO;
    let current = store.getTrade(tradeId) ?? trade;
    const qty = openQuantity(current, store.legsOf(tradeId));
    if (qty.isPositive()) {
      let position: Decimal;
      try {
        position = await this.readPosition(trade, venue);
      } catch (err) {
        return this.closeFailed(trade, `could not read positions: ${errorText(err)}`, cancelled, failedCancels, reprotect);
      }
      const closeQty = closeQuantity(trade.side, qty, position, this.ctx.instrumentOf(trade));
      store.appendAudit(
        audit('close_sizing', trade, { openQty: qty.toString(), venuePosition: position.toString(), closeQty: closeQty.toString() }),
      );
      if (closeQty.isPositive()) {
        const sent = await this.sendCloseLocked(trade, closeQty);
        if (!sent.ok) return this.closeFailed(trade, sent.error, cancelled, failedCancels, reprotect);
        closedSize = sent.filled;
      }
    }

    // 3. Cancel the companions.
    for (const leg of store.legsOf(tradeId)) {
      if (leg.kind === 'close' || !isLiveLeg(leg.state)) continue;
      const r = await this.cancelLegLocked(trade, leg, 'trade closed');
      if (r.ok) cancelled.push(leg.clientId);
      else failedCancels.push({ clientId: leg.clientId, error: r.error });
    }

    // 4. The trade's own legs prove it flat (entry done, exits filled the whole filled entry):
    // closed, whatever the account's net position says (other trades' fills in flight, an
    // operator's position). Otherwise confirm over the API: the venue holds no more than the
    // daemon's other trades there.
    current = store.getTrade(tradeId) ?? trade;
    if (exitsFilledWholeEntry(current, store.legsOf(tradeId))) {
      if (isActiveTrade(current.state)) await this.finalizeClosed(current, reason, 'its exits filled its whole entry');
      return { tradeId, flat: true, closedSize, cancelled, failedCancels };
    }
    const flat = await this.confirmFlat(trade);
    current = store.getTrade(tradeId) ?? trade;
    if (!flat.ok && exitsFilledWholeEntry(current, store.legsOf(tradeId))) {
      // An exit filled while the venue was asked: never back to open.
      if (isActiveTrade(current.state)) await this.finalizeClosed(current, reason, 'its exits filled its whole entry');
      return { tradeId, flat: true, closedSize, cancelled, failedCancels };
    }
    if (!flat.ok) {
      store.appendAudit(audit('close_not_flat', trade, { detail: flat.detail, decided: 'report; the caller retries' }));
      if (current.state === 'closing') {
        store.updateTrade(
          tradeId,
          { state: 'open' },
          clock.now(),
          audit('close_failed', trade, {
            error: flat.detail,
            decided: reprotect ? 'back to open; protect what is still open now' : 'back to open so the monitor keeps it protected',
          }),
        );
        if (reprotect) await this.peers.protection.ensureProtectionLocked(tradeId, `close not confirmed flat: ${flat.detail}`);
      }
      return { tradeId, flat: false, closedSize, cancelled, failedCancels, error: flat.detail };
    }
    if (isActiveTrade(current.state)) await this.finalizeClosed(current, reason, 'close confirmed flat over the API');
    return { tradeId, flat: true, closedSize, cancelled, failedCancels };
  }

  private async closeFailed(
    trade: TradeRecord,
    error: string,
    cancelled: string[],
    failedCancels: FailedCancel[],
    reprotect: boolean,
  ): Promise<CloseResult> {
    const { store, audit, clock } = this.ctx;
    const current = store.getTrade(trade.id);
    if (current && isActiveTrade(current.state) && exitsFilledWholeEntry(current, store.legsOf(trade.id))) {
      // Its exits filled its whole entry meanwhile (a stop or target fired): nothing is open, never back to open.
      await this.finalizeClosed(
        current,
        current.closeReason ?? 'exits filled the whole entry',
        `its exits filled its whole entry (the close itself failed: ${error})`,
      );
      return { tradeId: trade.id, flat: true, closedSize: Decimal.ZERO, cancelled, failedCancels };
    }
    this.ctx.logger.error(
      { tradeId: trade.id, venue: trade.venue, symbol: trade.symbol },
      `close failed: ${error}; trade kept open with its stop; retry or close by hand`,
    );
    if (current?.state === 'closing') {
      store.updateTrade(
        trade.id,
        { state: 'open' },
        clock.now(),
        audit('close_failed', trade, {
          error,
          decided: reprotect ? 'back to open; protect what is still open now' : 'back to open so the monitor keeps it protected',
        }),
      );
      // A fill that came with the entry's cancel (step 1) was not protected while closing.
      if (reprotect) await this.peers.protection.ensureProtectionLocked(trade.id, `close failed: ${error}`);
    }
    return { tradeId: trade.id, flat: false, closedSize: Decimal.ZERO, cancelled, failedCancels, error };
  }

  /**
   * The venue's position in the trade's symbol, asked up to `closeRetryAttempts` times: a transient
   * error (a rate-limit answer, a dropped request) must not end a close with the position unprotected.
   */
  private async readPosition(trade: TradeRecord, venue: Venue): Promise<Decimal> {
    const { config, logger } = this.ctx;
    for (let attempt = 1; ; attempt += 1) {
      try {
        // Protective: this read sizes a close (an emergency one too) and must not queue behind routine reads.
        return (await venue.positions('protective')).find((p) => p.symbol === trade.symbol)?.size ?? Decimal.ZERO;
      } catch (err) {
        if (attempt >= config.closeRetryAttempts) throw err;
        logger.warn(
          { tradeId: trade.id, venue: trade.venue, attempt, error: errorText(err) },
          'could not read positions while closing; asking again',
        );
        await this.ctx.sleep(backoffMs(config.closePollDelayMs, attempt));
      }
    }
  }

  /** Flat means the venue's position equals what the daemon's other open trades on that symbol hold. */
  private async confirmFlat(trade: TradeRecord): Promise<{ ok: boolean; detail: string }> {
    const { store } = this.ctx;
    let position: Decimal;
    try {
      position = await this.readPosition(trade, this.ctx.venueOf(trade));
    } catch (err) {
      return { ok: false, detail: `could not read positions: ${errorText(err)}` };
    }
    const others = netOpenQuantity(
      store
        .listTrades({ states: ['open', 'closing'], venue: trade.venue })
        .filter((t) => t.id !== trade.id && t.symbol === trade.symbol)
        .map((t) => ({ trade: t, legs: store.legsOf(t.id) })),
    );
    const ok = position.eq(others);
    return { ok, detail: `venue position ${position.toString()}, other daemon trades ${others.toString()}` };
  }

  /** Sends the reduce-only market close with retries (adopting one that did arrive), then polls until it is done. */
  private async sendCloseLocked(trade: TradeRecord, qty: Decimal): Promise<{ ok: true; filled: Decimal } | { ok: false; error: string }> {
    const { store, audit, clock, logger, config } = this.ctx;
    const legsPeer = this.peers.legs;
    const venue = this.ctx.venueOf(trade);
    const clientId = clientIdFor(trade.id, 'close', nextSeq(store.legsOf(trade.id), 'close', config.clientIdPrefix), config.clientIdPrefix);
    const request = closeRequest(trade, clientId, qty);
    store.upsertLeg(exitLeg(trade, 'close', request, clock.now()), audit('close_submit', trade, { request: describeRequest(request) }));
    let lastUnknown = false;
    let lastError = '';
    let accepted = false;
    for (let attempt = 1; attempt <= config.closeRetryAttempts && !accepted; attempt += 1) {
      if (lastUnknown) {
        const earlier = await legsPeer.adoptIfExists(trade, clientId, attempt);
        if (earlier === 'adopted') {
          accepted = true;
          break;
        }
        // The venue cannot say whether the earlier close arrived: a second one could cut other trades' positions.
        if (earlier === 'unknown') {
          lastError = 'unknown: the earlier close may have arrived and the look-up got no answer; not sent again under the same id';
          continue;
        }
      }
      if (attempt > 1) store.updateLeg(clientId, { state: 'pending' }, clock.now());
      store.flush(); // the close leg is on the disk before the order leaves
      const outcome = await venue.submitOrder(request);
      store.appendAudit(audit('close_outcome', trade, { clientId, attempt, outcome: describeOutcome(outcome) }));
      if (outcome.status === 'accepted') {
        await legsPeer.applySnapshotLocked(clientId, outcome.order, 'submit response');
        accepted = true;
        break;
      }
      lastUnknown = outcome.status === 'unknown';
      lastError = outcomeError(outcome);
      store.updateLeg(clientId, { state: lastUnknown ? 'unknown' : 'rejected' }, clock.now());
      // Same rule as the stop: only a "busy, try again" answer waits, a short fixed delay.
      const delayMs = retryDelayMs(outcome, config.stopRetryBaseDelayMs);
      logger.warn({ tradeId: trade.id, clientId, attempt, lastError, delayMs }, 'close order attempt failed; retrying');
      if (attempt < config.closeRetryAttempts && delayMs > 0) await this.ctx.sleep(delayMs);
    }
    if (!accepted && lastUnknown && (await legsPeer.adoptIfExists(trade, clientId, config.closeRetryAttempts + 1)) === 'adopted')
      accepted = true;
    if (!accepted) {
      store.updateLeg(
        clientId,
        { state: lastUnknown ? 'lost' : 'rejected' },
        clock.now(),
        audit('close_order_failed', trade, { clientId, lastError }),
      );
      return { ok: false, error: `close order not accepted: ${lastError}` };
    }
    // Market orders normally fill at once; poll until the leg is terminal.
    for (let poll = 0; poll < config.closePollAttempts; poll += 1) {
      const leg = store.getLeg(clientId);
      if (leg && isTerminal(leg.state as OrderStatus)) return { ok: true, filled: leg.filledSize };
      await this.ctx.sleep(config.closePollDelayMs);
      const lookup = await venue.getOrder({ symbol: trade.symbol, clientId });
      if (lookup.status === 'found') await legsPeer.applySnapshotLocked(clientId, lookup.order, 'close poll');
    }
    const leg = store.getLeg(clientId);
    return leg && leg.filledSize.isPositive()
      ? { ok: true, filled: leg.filledSize }
      : { ok: false, error: 'close order did not fill in time' };
  }

  /** Cancels one leg on the venue and records the result; a "not found" answer is settled by a look-up. */
  async cancelLegLocked(trade: TradeRecord, leg: LegRecord, reason: string): Promise<CancelLegResult> {
    this.ctx.cancelling.add(leg.clientId);
    try {
      return await this.sendCancelLocked(trade, leg, reason);
    } finally {
      // Done on the venue: forget it. Still live (cancel not confirmed): keep the mark, so that its
      // late cancellation is not taken for a lost stop; it is forgotten when the order ends.
      const after = this.ctx.store.getLeg(leg.clientId);
      if (!after || !isLiveLeg(after.state)) this.ctx.forgetLeg(leg.clientId);
    }
  }

  private async sendCancelLocked(trade: TradeRecord, leg: LegRecord, reason: string): Promise<CancelLegResult> {
    const { store, audit, clock } = this.ctx;
    const venue = this.ctx.venueOf(trade);
    store.flush(); // what led to the cancel is on the disk before it leaves
    const outcome = await venue.cancelOrder(
      { symbol: trade.symbol, clientId: leg.clientId, ...(leg.venueOrderId !== undefined ? { venueOrderId: leg.venueOrderId } : {}) },
      'protective',
    );
    store.appendAudit(
      audit('cancel_outcome', trade, {
        clientId: leg.clientId,
        kind: leg.kind,
        reason,
        outcome:
          outcome.status === 'rejected'
            ? { status: 'rejected', code: outcome.code, reason: outcome.reason, notFound: outcome.notFound }
            : { status: outcome.status },
      }),
    );
    if (outcome.status === 'accepted') {
      if (outcome.order) await this.peers.legs.applySnapshotLocked(leg.clientId, outcome.order, 'cancel response');
      const after = store.getLeg(leg.clientId);
      if (after && isLiveLeg(after.state)) store.updateLeg(leg.clientId, { state: 'cancelled' }, clock.now());
      return { ok: true };
    }
    // Rejected as not found, or no answer: ask what the order is now.
    const lookup = await venue.getOrder({
      symbol: trade.symbol,
      clientId: leg.clientId,
      ...(leg.venueOrderId !== undefined ? { venueOrderId: leg.venueOrderId } : {}),
    });
    if (lookup.status === 'found') {
      await this.peers.legs.applySnapshotLocked(leg.clientId, lookup.order, 'lookup after cancel');
      if (isTerminal(lookup.order.status)) return { ok: true };
      return { ok: false, error: outcomeError(outcome) };
    }
    if (lookup.status === 'not_found' && (outcome.status !== 'rejected' || outcome.notFound)) {
      store.updateLeg(
        leg.clientId,
        { state: IN_FLIGHT_LEG_STATES.includes(leg.state) ? 'lost' : 'cancelled' },
        clock.now(),
        audit('cancel_not_found', trade, { clientId: leg.clientId, decided: 'nothing left on the venue' }),
      );
      return { ok: true };
    }
    const error = outcomeError(outcome);
    this.ctx.logger.warn(
      { tradeId: trade.id, clientId: leg.clientId, error },
      'cancel not confirmed; the monitor retries on its next pass',
    );
    return { ok: false, error };
  }

  /** Cancels the trade's live companions (stop, take-profit): the sibling of a filled exit. */
  cancelCompanions(tradeId: string, reason: string): Promise<string[]> {
    return this.ctx.withLock(tradeId, async () => {
      const { store } = this.ctx;
      const trade = store.getTrade(tradeId);
      if (!trade) return [];
      const done: string[] = [];
      for (const leg of store.legsOf(tradeId)) {
        if (!isProtectiveKind(leg.kind) || !isLiveLeg(leg.state)) continue;
        if (trade.state === 'open' && openQuantity(trade, store.legsOf(tradeId)).isPositive()) continue; // still needed
        const r = await this.cancelLegLocked(trade, leg, reason);
        if (r.ok) done.push(leg.clientId);
      }
      return done;
    });
  }

  /**
   * Cancels one of our orders that no active trade accounts for. Refuses anything without our prefix.
   * The caller's view may be stale (the monitor reads the store, then the venue: a stop placed in
   * between looks unknown), so under the trade's lock the store is asked again and a live leg of an
   * active trade is left alone, unless `evenIfLive` (flatten: every daemon order goes).
   */
  async cancelOrphan(
    venueId: string,
    order: OrderSnapshot,
    reason: string,
    options: { readonly evenIfLive?: boolean } = {},
  ): Promise<boolean> {
    const parsed = parseClientId(order.clientId, this.ctx.config.clientIdPrefix);
    const venue = this.ctx.venues.get(venueId);
    if (!parsed || !venue) return false; // never touch an order the daemon did not create
    return this.ctx.withLock(parsed.tradeId, async () => {
      const { store, clock } = this.ctx;
      const trade = store.getTrade(parsed.tradeId);
      const leg = order.clientId !== undefined ? store.getLeg(order.clientId) : undefined;
      if (!options.evenIfLive && trade && leg && leg.tradeId === trade.id && isActiveTrade(trade.state) && isLiveLeg(leg.state)) {
        store.appendAudit({
          tsMs: clock.now(),
          component: COMPONENT,
          action: 'orphan_cancel_skipped',
          tradeId: trade.id,
          venue: venueId,
          detail: {
            clientId: order.clientId,
            venueOrderId: order.venueOrderId,
            reason,
            legState: leg.state,
            decided: 'the store now has it as a live leg of an active trade; not an orphan',
          },
        });
        this.ctx.logger.info(
          { venue: venueId, clientId: order.clientId, reason },
          'order looked orphaned in a stale view; the store now tracks it, left alone',
        );
        return false;
      }
      return this.cancelOrphanLocked(venue, order, parsed.tradeId, reason);
    });
  }

  private async cancelOrphanLocked(venue: Venue, order: OrderSnapshot, tradeId: string, reason: string): Promise<boolean> {
    const { store, clock, logger } = this.ctx;
    const venueId = venue.id;
    store.flush(); // what led to the cancel is on the disk before it leaves
    const outcome = await venue.cancelOrder(
      { symbol: order.symbol, venueOrderId: order.venueOrderId, ...(order.clientId !== undefined ? { clientId: order.clientId } : {}) },
      'protective',
    );
    const ok = outcome.status === 'accepted' || (outcome.status === 'rejected' && outcome.notFound);
    const knownTrade = store.getTrade(tradeId);
    store.appendAudit({
      tsMs: clock.now(),
      component: COMPONENT,
      action: ok ? 'orphan_cancelled' : 'orphan_cancel_failed',
      ...(knownTrade ? { tradeId: knownTrade.id } : {}),
      venue: venueId,
      detail: { clientId: order.clientId, venueOrderId: order.venueOrderId, reason, outcome: outcome.status },
    });
    const leg = order.clientId !== undefined ? store.getLeg(order.clientId) : undefined;
    if (ok && leg && isLiveLeg(leg.state)) store.updateLeg(leg.clientId, { state: 'cancelled' }, clock.now());
    if (ok && leg) this.ctx.forgetLeg(leg.clientId);
    if (ok) logger.info({ venue: venueId, clientId: order.clientId, reason }, 'orphaned daemon order cancelled');
    else
      logger.warn(
        { venue: venueId, clientId: order.clientId, reason, outcome: outcome.status },
        'orphan cancel not confirmed; retried on the next pass',
      );
    return ok;
  }

  /**
   * An open trade whose exits filled its whole entry (from the monitor): re-checked under the lock,
   * its remaining companions cancelled, booked closed with the P&L from its own legs. True when booked.
   */
  settleExited(tradeId: string, why: string): Promise<boolean> {
    return this.ctx.withLock(tradeId, async () => {
      const { store, audit, logger } = this.ctx;
      const trade = store.getTrade(tradeId);
      if (!trade || trade.state !== 'open' || !exitsFilledWholeEntry(trade, store.legsOf(tradeId))) return false;
      store.appendAudit(
        audit('exits_filled_whole_entry', trade, {
          why,
          filled: trade.filledSize.toString(),
          decided: 'cancel what still rests and book it closed from its own legs',
        }),
      );
      logger.warn(
        { tradeId, venue: trade.venue, symbol: trade.symbol, why },
        'open trade with nothing open: booking it closed from its own legs',
      );
      for (const leg of store.legsOf(tradeId)) {
        if (leg.kind !== 'entry' && isLiveLeg(leg.state)) await this.cancelLegLocked(trade, leg, 'trade has nothing open');
      }
      const current = store.getTrade(tradeId);
      if (!current || !isActiveTrade(current.state)) return false;
      await this.finalizeClosed(current, current.closeReason ?? 'exits filled the whole entry', why);
      return true;
    });
  }

  /** Books a trade closed with P&L from its legs (fees from the recorded fills). */
  async finalizeClosed(trade: TradeRecord, reason: string, why: string): Promise<void> {
    const { store, audit, clock } = this.ctx;
    const { entries, exits } = legExecutions(store.legsOf(trade.id), store.fillsOf(trade.id));
    const instrument = this.ctx.instrumentOf(trade);
    const pnl = instrument ? realizedPnl(instrument, trade.side, entries, exits) : Decimal.ZERO;
    const now = clock.now();
    store.updateTrade(
      trade.id,
      { state: 'closed', realizedPnl: pnl, closedAtMs: now, closeReason: reason },
      now,
      audit('trade_closed', trade, { reason, why, realizedPnl: pnl.toString(), exitAvgPrice: averagePrice(exits)?.toString() }),
    );
    this.ctx.logger.info({ tradeId: trade.id, venue: trade.venue, symbol: trade.symbol, pnl: pnl.toString(), reason }, 'trade closed');
    this.ctx.emit({ type: 'closed', tradeId: trade.id, reason, realizedPnl: pnl });
  }
}
