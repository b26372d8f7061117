/**
 * Protection: every open position has a reduce-only stop-loss (and its take-profit) for the
 * quantity actually open. Places, resizes and re-places them with retries (adopting an order that
 * did arrive after an unknown outcome), and closes the position at market with a critical alert
 * when the stop cannot be placed.
 */
import { clientIdFor } from '../domain/client-ids.js';
import { Decimal } from '../domain/decimal.js';
import type { LegKind, TradeRecord } from '../domain/trade.js';
import { ACTIVE_TRADE_STATES } from '../domain/trade.js';
import { describeOutcome, describeRequest } from './audit-format.js';
import type { OrderContext, OrderPeers } from './context.js';
import { backoffMs, isProtectiveKind, mergeLeg, nextSeq, retryDelayMs, unfilledSize } from './leg-rules.js';
import { IN_FLIGHT_LEG_STATES, isActiveTrade, isLiveLeg, openQuantity } from './reconcile.js';
import { exitLeg, protectiveRequest } from './requests.js';
import { oppositeActiveTrade } from './settlement.js';
import { isImmediateTriggerRejection, stopWouldTrigger } from './validation.js';

type ProtectiveKind = 'stop_loss' | 'take_profit';

/**
 * A take-profit the venue refused because its price is already through the market: it is not sent
 * again on every pass (each try spends the order budget the stops need), only once the mark is back
 * on its side, or after a delay that doubles with every refusal.
 */
interface TakeProfitRefusal {
  readonly count: number;
  readonly atMs: number;
  /** Earliest retry whatever the mark says. */
  readonly retryAtMs: number;
}

/** Shortest pause after a refused take-profit, even with the mark back on its side (ms). */
const TP_REFUSAL_MIN_PAUSE_MS = 1_000;
/** First retry delay while the mark is unknown or still through the target; doubles per refusal (ms). */
const TP_REFUSAL_BASE_DELAY_MS = 5_000;
/** Ceiling of that delay (ms). */
const TP_REFUSAL_MAX_DELAY_MS = 300_000;

interface PlaceResult {
  readonly placed: boolean;
  /** The venue said the stop would trigger at once. */
  readonly immediate: boolean;
  /** The venue refused a stop and said the same request will not succeed again: no more attempts. */
  readonly refusedForGood?: boolean;
  readonly lastError: string;
}

export class Protection {
  private readonly takeProfitRefusals = new Map<string, TakeProfitRefusal>();

  constructor(
    private readonly ctx: OrderContext,
    private readonly peers: OrderPeers,
  ) {}

  /**
   * Places a missing stop, resizes an undersized one (from the monitor); or closes the position when
   * `mode` is 'close'. With `stopOnly` the take-profit is left for later (the monitor repairs
   * take-profits only after every stop of the pass).
   */
  async ensureStop(
    tradeId: string,
    mode: 'replace' | 'close',
    reason: string,
    options: { readonly stopOnly?: boolean } = {},
  ): Promise<void> {
    await this.ctx.withLock(tradeId, async () => {
      const trade = this.ctx.store.getTrade(tradeId);
      if (!trade || trade.state !== 'open') return;
      if (mode === 'close') {
        this.ctx.alerter.send({
          severity: 'critical',
          kind: 'missing_stop',
          text: `${trade.venue} ${trade.symbol} trade ${trade.id}: ${reason}; closing the position (monitor.onMissingStop=close).`,
        });
        await this.peers.closing.closeTradeLocked(tradeId, `stop missing: ${reason}`);
        return;
      }
      await this.ensureProtectionLocked(tradeId, reason, options);
    });
  }

  /**
   * True while a take-profit of the trade that the venue refused as already through the market
   * waits for its retry (the mark is not back on its side and the growing delay has not passed).
   */
  takeProfitOnHold(tradeId: string): boolean {
    const refusal = this.takeProfitRefusals.get(tradeId);
    if (!refusal) return false;
    const trade = this.ctx.store.getTrade(tradeId);
    if (!trade || trade.state !== 'open' || trade.takeProfitPrice === undefined) {
      this.takeProfitRefusals.delete(tradeId);
      return false;
    }
    const now = this.ctx.clock.now();
    if (now >= refusal.retryAtMs) return false;
    if (now - refusal.atMs < TP_REFUSAL_MIN_PAUSE_MS) return true;
    const mark = this.ctx.marks.get(trade.venue, trade.symbol);
    return mark === undefined || targetThrough(trade.side, trade.takeProfitPrice, mark);
  }

  /** The venue's signed position in the trade's symbol, or undefined when it cannot be read. */
  private async venuePositionOf(trade: TradeRecord): Promise<Decimal | undefined> {
    try {
      return (await this.ctx.venueOf(trade).positions()).find((p) => p.symbol === trade.symbol)?.size ?? Decimal.ZERO;
    } catch (err) {
      this.ctx.logger.warn({ err, tradeId: trade.id, venue: trade.venue }, 'could not read the venue position; assuming it is still held');
      return undefined;
    }
  }

  /** A protective leg of an open trade ended without filling, or was lost on the venue. */
  async onProtectionLostLocked(trade: TradeRecord, kind: LegKind, why: string): Promise<void> {
    const { store, audit, logger } = this.ctx;
    if (this.ctx.settlingGone.has(trade.id)) return; // the vanished position is being booked; nothing to protect
    // A protective order that ended without filling while the venue holds no position (closed by
    // hand, then the stop fired and reduce-only left it nothing: rejected or cancelled with a
    // reduce-only reason) means the position is gone, not the protection: book it closed from the
    // venue fills. Re-placing would be refused at once (the trigger is through the market) and
    // turn into a false emergency close.
    const held = await this.venuePositionOf(trade);
    if (held !== undefined && held.isZero() && this.ctx.venueOf(trade).netsPositions(trade.symbol)) {
      // Flat on a netting venue because an opposite daemon trade cancels this one out (such pairs
      // predate the OPPOSITE_TRADE_OPEN refusal): this trade is not gone, and its reduce-only stop
      // cannot rest. Never book it closed from the other trade's effect; the operator decides.
      const opposite = oppositeActiveTrade(trade, store.listTrades({ states: ACTIVE_TRADE_STATES, venue: trade.venue }));
      if (opposite) {
        store.appendAudit(
          audit('protection_lost_netted', trade, {
            why,
            kind,
            opposite: opposite.id,
            venuePosition: '0',
            decided: 'not booked closed, nothing re-placed: alert the operator',
          }),
        );
        logger.error(
          { tradeId: trade.id, opposite: opposite.id, why },
          `${kind} gone; the venue nets this trade with an opposite daemon trade to no position; not booking it closed`,
        );
        this.ctx.alerter.send({
          severity: 'critical',
          kind: 'position_ambiguous',
          text: `${trade.venue} ${trade.symbol} trade ${trade.id}: ${why}. The venue nets it with opposite trade ${opposite.id} to no position, so no reduce-only stop can rest. Neither is booked closed; check by hand.`,
        });
        return;
      }
    }
    if (held !== undefined && held.isZero()) {
      store.appendAudit(
        audit('protection_lost_flat', trade, {
          why,
          kind,
          venuePosition: '0',
          decided: 'nothing to protect: book the trade closed from the venue fills',
        }),
      );
      logger.warn(
        { tradeId: trade.id, why },
        `${kind} gone and the venue holds no position; booking the trade closed instead of placing protection`,
      );
      await this.peers.positionGone.positionGoneLocked(trade.id, `${why}; the venue holds no position`);
      return;
    }
    if (kind === 'stop_loss' && this.ctx.missingStopPolicy === 'close') {
      store.appendAudit(audit('stop_missing', trade, { why, decided: 'close the position (onMissingStop=close)' }));
      logger.warn({ tradeId: trade.id, why }, 'stop gone while the position is open; closing it (onMissingStop=close)');
      this.ctx.alerter.send({
        severity: 'critical',
        kind: 'missing_stop',
        text: `${trade.venue} ${trade.symbol} trade ${trade.id}: ${why}; closing the position (monitor.onMissingStop=close).`,
      });
      await this.peers.closing.closeTradeLocked(trade.id, `stop missing: ${why}`);
      return;
    }
    store.appendAudit(audit('protection_replace', trade, { why, decided: 'place it again' }));
    logger.warn({ tradeId: trade.id, why }, `${kind} gone while the position is open; placing it again`);
    await this.ensureProtectionLocked(trade.id, why);
  }

  /** Settles protective legs left in flight, then makes the stop (and take-profit) cover the open quantity. */
  async ensureProtectionLocked(tradeId: string, why: string, options: { readonly stopOnly?: boolean } = {}): Promise<void> {
    const { store } = this.ctx;
    let trade = store.getTrade(tradeId);
    if (!trade || trade.state !== 'open') return;
    const stopOnly = options.stopOnly === true;
    // Settle protective legs left in flight (a crash between persisting and the venue's answer).
    for (const leg of store.legsOf(tradeId)) {
      if ((stopOnly ? leg.kind === 'stop_loss' : isProtectiveKind(leg.kind)) && IN_FLIGHT_LEG_STATES.includes(leg.state)) {
        await this.peers.legs.refreshLegLocked(leg.clientId, 1);
      }
    }
    trade = store.getTrade(tradeId);
    if (!trade || trade.state !== 'open') return;
    const qty = openQuantity(trade, store.legsOf(tradeId));
    if (!qty.isPositive()) return;
    const stopOk = await this.ensureLegLocked(trade, 'stop_loss', qty, why);
    if (!stopOk) return;
    if (trade.takeProfitPrice !== undefined && !stopOnly) await this.ensureLegLocked(trade, 'take_profit', qty, why);
    this.ctx.emit({ type: 'protected', tradeId, stopSize: qty });
  }

  /** Makes sure live legs of `kind` cover `qty`: place, or resize (amend; else place anew and cancel the old). */
  private async ensureLegLocked(trade: TradeRecord, kind: ProtectiveKind, qty: Decimal, why: string): Promise<boolean> {
    const { store, audit, clock, logger } = this.ctx;
    const legs = store.legsOf(trade.id).filter((l) => l.kind === kind && isLiveLeg(l.state));
    if (unfilledSize(legs).gte(qty)) return true;
    if (kind === 'take_profit' && this.takeProfitOnHold(trade.id)) {
      logger.debug({ tradeId: trade.id }, 'take-profit refused as through the market earlier; not sent again yet (the stop protects)');
      return false;
    }
    const venue = this.ctx.venueOf(trade);
    const current = legs.at(-1);
    if (current && legs.length === 1 && current.venueOrderId !== undefined && current.filledSize.isZero()) {
      this.ctx.store.flush(); // what led to the resize is on the disk before it leaves
      const outcome = await venue.amendOrder({
        ref: { symbol: trade.symbol, venueOrderId: current.venueOrderId, clientId: current.clientId },
        size: qty,
        priority: kind === 'stop_loss' ? 'protective' : 'normal',
      });
      store.appendAudit(
        audit(`${kind}_resize_outcome`, trade, {
          clientId: current.clientId,
          from: current.size.toString(),
          to: qty.toString(),
          why,
          outcome: describeOutcome(outcome),
        }),
      );
      if (outcome.status === 'accepted') {
        store.updateLeg(
          current.clientId,
          { size: outcome.order.size, state: mergeLeg(current, outcome.order).state },
          clock.now(),
          audit(`${kind}_resized`, trade, { clientId: current.clientId, size: outcome.order.size.toString() }),
        );
        return true;
      }
      logger.warn(
        { tradeId: trade.id, clientId: current.clientId, outcome: describeOutcome(outcome) },
        `${kind} resize not accepted; placing a new one for the full quantity, then cancelling the old`,
      );
    }
    const placed = kind === 'stop_loss' ? await this.placeStopLocked(trade, qty, why) : await this.placeTakeProfitLocked(trade, qty, why);
    if (placed) {
      for (const old of legs) await this.peers.closing.cancelLegLocked(trade, old, `replaced by a ${kind} for ${qty.toString()}`);
    }
    return placed;
  }

  private async placeStopLocked(trade: TradeRecord, qty: Decimal, why: string): Promise<boolean> {
    const { config } = this.ctx;
    const reference = this.ctx.marks.get(trade.venue, trade.symbol) ?? trade.avgEntryPrice;
    if (reference !== undefined && stopWouldTrigger(trade.side, trade.stopPrice, reference)) {
      const reason = `stop ${trade.stopPrice.toString()} is already through the market (${reference.toString()}); it would trigger at once`;
      this.ctx.store.appendAudit(
        this.ctx.audit('stop_would_trigger', trade, {
          stopPrice: trade.stopPrice.toString(),
          reference: reference.toString(),
          decided: 'close the position at market',
        }),
      );
      await this.emergencyCloseLocked(trade.id, reason);
      return false;
    }
    const result = await this.placeProtectiveLocked(trade, 'stop_loss', qty, why, config.stopRetryAttempts);
    if (result.placed) return true;
    const reason = result.immediate
      ? `the venue says the stop would trigger at once (${result.lastError})`
      : result.refusedForGood
        ? `the venue refused the stop and says retrying will not help (${result.lastError})`
        : `the stop could not be placed after ${config.stopRetryAttempts} attempts (last: ${result.lastError})`;
    await this.emergencyCloseLocked(trade.id, reason);
    return false;
  }

  private async placeTakeProfitLocked(trade: TradeRecord, qty: Decimal, why: string): Promise<boolean> {
    const result = await this.placeProtectiveLocked(trade, 'take_profit', qty, why, this.ctx.config.takeProfitRetryAttempts);
    if (result.placed) {
      this.takeProfitRefusals.delete(trade.id);
      return true;
    }
    if (result.immediate) {
      this.noteTakeProfitRefusal(trade, result.lastError);
      return false;
    }
    this.ctx.logger.error(
      { tradeId: trade.id, lastError: result.lastError },
      'take-profit could not be placed; the position stays protected by its stop; operator alerted',
    );
    this.ctx.alerter.send({
      severity: 'warning',
      kind: 'take_profit_failed',
      text: `${trade.venue} ${trade.symbol} trade ${trade.id}: take-profit at ${trade.takeProfitPrice?.toString() ?? '?'} could not be placed (${result.lastError}). The stop is in place; the monitor places it again on its next pass.`,
    });
    return false;
  }

  /**
   * Sends a protective order with retries. After an unknown outcome the venue is asked by client
   * id before the next attempt, so an order that did arrive is adopted, never doubled.
   */
  private async placeProtectiveLocked(
    trade: TradeRecord,
    kind: ProtectiveKind,
    qty: Decimal,
    why: string,
    attempts: number,
  ): Promise<PlaceResult> {
    const { store, audit, clock, logger, config } = this.ctx;
    const legsPeer = this.peers.legs;
    const venue = this.ctx.venueOf(trade);
    const seq = nextSeq(store.legsOf(trade.id), kind, config.clientIdPrefix);
    const clientId = clientIdFor(trade.id, kind, seq, config.clientIdPrefix);
    const request = protectiveRequest(trade, kind, clientId, qty, config, this.ctx.instrumentOf(trade));
    store.upsertLeg(exitLeg(trade, kind, request, clock.now()), audit(`${kind}_submit`, trade, { why, request: describeRequest(request) }));
    let lastUnknown = false;
    let lastError = 'no attempt made';
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (lastUnknown) {
        const earlier = await legsPeer.adoptIfExists(trade, clientId, attempt);
        if (earlier === 'adopted') return { placed: true, immediate: false, lastError };
        // The venue cannot say whether the earlier attempt arrived: sending the same id again could double it.
        if (earlier === 'unknown') {
          lastError = 'unknown: the earlier attempt may have arrived and the look-up got no answer; not sent again under the same id';
          continue;
        }
      }
      // A definite rejection means the order does not exist: the same client id is free for the next attempt.
      if (attempt > 1) store.updateLeg(clientId, { state: 'pending' }, clock.now());
      store.flush(); // the leg is on the disk before the order leaves
      const outcome = await venue.submitOrder(request);
      store.appendAudit(audit(`${kind}_outcome`, trade, { clientId, attempt, outcome: describeOutcome(outcome) }));
      if (outcome.status === 'accepted') {
        this.ctx.notFoundCounts.delete(clientId);
        await legsPeer.applySnapshotLocked(clientId, outcome.order, 'submit response');
        logger.info({ tradeId: trade.id, clientId, size: qty.toString(), attempt }, `${kind} placed`);
        return { placed: true, immediate: false, lastError };
      }
      if (outcome.status === 'rejected') {
        lastUnknown = false;
        lastError = `${outcome.code} ${outcome.reason}`;
        store.updateLeg(clientId, { state: 'rejected' }, clock.now());
        // A stop through the market means an emergency close; a take-profit through it waits (see TakeProfitRefusal).
        if (isImmediateTriggerRejection(outcome)) {
          return { placed: false, immediate: true, lastError };
        }
        // A stop refused for a reason that does not pass (the venue says retrying will not help):
        // sending it twice more only spends the order budget other naked positions need, while
        // this one stays naked. Close it now instead.
        if (kind === 'stop_loss' && !outcome.retryable && attempt < attempts) {
          store.appendAudit(
            audit('stop_loss_refused_for_good', trade, {
              clientId,
              attempt,
              lastError,
              decided: 'no more attempts: close the position at market',
            }),
          );
          store.updateLeg(
            clientId,
            { state: 'rejected' },
            clock.now(),
            audit('stop_loss_failed', trade, { clientId, attempts: attempt, lastError, decided: 'close the position at market' }),
          );
          return { placed: false, immediate: false, refusedForGood: true, lastError };
        }
      } else {
        lastUnknown = true;
        lastError = `unknown: ${outcome.reason}`;
        store.updateLeg(clientId, { state: 'unknown' }, clock.now());
      }
      // The position may be naked: a definite rejection is retried at once, an unknown outcome has
      // already waited its request timeout (and is looked up first); only a "busy, try again"
      // answer (rate limit) waits, a short fixed delay, so fill → stop or emergency close stays bounded.
      const delayMs = retryDelayMs(outcome, config.stopRetryBaseDelayMs);
      logger.warn(
        { tradeId: trade.id, clientId, attempt, attempts, lastError, delayMs },
        `${kind} attempt failed; ${attempt < attempts ? 'retrying' : 'no attempts left'}`,
      );
      if (attempt < attempts && delayMs > 0) await this.ctx.sleep(delayMs);
    }
    if (lastUnknown && (await legsPeer.adoptIfExists(trade, clientId, attempts + 1)) === 'adopted')
      return { placed: true, immediate: false, lastError };
    store.updateLeg(
      clientId,
      { state: lastUnknown ? 'lost' : 'rejected' },
      clock.now(),
      audit(`${kind}_failed`, trade, {
        clientId,
        attempts,
        lastError,
        decided: kind === 'stop_loss' ? 'close the position at market' : 'alert; the stop still protects',
      }),
    );
    return { placed: false, immediate: false, lastError };
  }

  /**
   * Remembers a take-profit refused as already through the market and when to try again. The
   * decision is audited, logged and alerted once per run of refusals, not on every pass.
   */
  private noteTakeProfitRefusal(trade: TradeRecord, lastError: string): void {
    const now = this.ctx.clock.now();
    const previous = this.takeProfitRefusals.get(trade.id);
    const count = (previous?.count ?? 0) + 1;
    const delayMs = Math.min(TP_REFUSAL_MAX_DELAY_MS, backoffMs(TP_REFUSAL_BASE_DELAY_MS, count));
    for (const id of this.takeProfitRefusals.keys()) {
      const other = this.ctx.store.getTrade(id);
      if (!other || other.state !== 'open') this.takeProfitRefusals.delete(id);
    }
    this.takeProfitRefusals.set(trade.id, { count, atMs: now, retryAtMs: now + delayMs });
    if (previous) {
      this.ctx.logger.debug(
        { tradeId: trade.id, refusals: count, retryInMs: delayMs, lastError },
        'take-profit still through the market; trying again later',
      );
      return;
    }
    const target = trade.takeProfitPrice?.toString() ?? '?';
    this.ctx.store.appendAudit(
      this.ctx.audit('take_profit_deferred', trade, {
        takeProfitPrice: target,
        lastError,
        retryInMs: delayMs,
        decided: 'not sent again until the mark is back on its side (or after a growing delay); the stop protects the position',
      }),
    );
    this.ctx.logger.warn(
      { tradeId: trade.id, takeProfitPrice: target, lastError, retryInMs: delayMs },
      'take-profit refused: already through the market; the stop protects; placed again once the mark is back on its side',
    );
    this.ctx.alerter.send({
      severity: 'warning',
      kind: 'take_profit_failed',
      text: `${trade.venue} ${trade.symbol} trade ${trade.id}: take-profit at ${target} is already through the market (${lastError}); not placed. The stop is in place; the take-profit is placed again once the market is back on its side.`,
    });
  }

  /** No stop can protect the position: alert, close it at market, and alert again if it is not confirmed flat. */
  private async emergencyCloseLocked(tradeId: string, reason: string): Promise<void> {
    const trade = this.ctx.store.getTrade(tradeId);
    if (!trade) return;
    this.ctx.store.appendAudit(this.ctx.audit('emergency_close', trade, { reason, decided: 'close at market (reduce-only) now' }));
    this.ctx.logger.error(
      { tradeId, venue: trade.venue, symbol: trade.symbol },
      `no stop on an open position: ${reason}; closing at market`,
    );
    this.ctx.alerter.send({
      severity: 'critical',
      kind: 'emergency_close',
      text: `EMERGENCY CLOSE ${trade.venue} ${trade.symbol} trade ${trade.id}: ${reason}. Closing the position at market.`,
    });
    this.ctx.emit({ type: 'emergency_close', tradeId, reason });
    // No re-protection if this close does not end flat: the stop is what could not be placed.
    // A close the venue refuses (rate limit, a passing error) is tried again in rounds with a
    // growing pause: handing a position with no stop to the next reconciliation pass (30 s away)
    // is the one outcome this path exists to avoid.
    const { store, config } = this.ctx;
    let result = await this.peers.closing.closeTradeLocked(tradeId, `emergency: ${reason}`, { reprotect: false });
    for (let round = 2; !result.flat && round <= config.emergencyCloseRounds; round += 1) {
      const current = store.getTrade(tradeId);
      if (!current || !isActiveTrade(current.state)) break;
      const pauseMs = backoffMs(config.stopRetryBaseDelayMs, round - 1);
      store.appendAudit(
        this.ctx.audit('emergency_close_retry', current, {
          round,
          rounds: config.emergencyCloseRounds,
          pauseMs,
          lastError: result.error,
          decided: 'close at market again',
        }),
      );
      this.ctx.logger.warn({ tradeId, round, pauseMs, error: result.error }, 'emergency close not confirmed flat; closing again');
      await this.ctx.sleep(pauseMs);
      result = await this.peers.closing.closeTradeLocked(tradeId, `emergency: ${reason}`, { reprotect: false });
    }
    if (!result.flat) {
      this.ctx.alerter.send({
        severity: 'critical',
        kind: 'emergency_close',
        text: `EMERGENCY CLOSE of ${trade.venue} ${trade.symbol} trade ${trade.id} NOT confirmed flat (${result.error ?? 'position remains'}). Check the venue by hand.`,
      });
    }
  }
}

/** True when a take-profit at `target` for a position on `side` would fill at once against `mark`. */
function targetThrough(side: TradeRecord['side'], target: Decimal, mark: Decimal): boolean {
  return side === 'buy' ? target.lte(mark) : target.gte(mark);
}
