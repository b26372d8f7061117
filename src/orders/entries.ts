/**
 * Entries: wait for the start-up reconciliation, validate, check risk and the kill switch, persist
 * the trade and its entry leg, then send the entry once. An unknown outcome is looked up by client
 * id, never resent. Also cancels a working entry.
 */
import { clientIdFor, newTradeId } from '../domain/client-ids.js';
import type { CommandOutcome } from '../domain/commands.js';
import type { Decimal } from '../domain/decimal.js';
import type { EntryGuard } from '../domain/entry-checks.js';
import type { Venue } from '../domain/ports.js';
import type { TradeRecord } from '../domain/trade.js';
import { ACTIVE_TRADE_STATES } from '../domain/trade.js';
import { describeOutcome, describeRequest } from './audit-format.js';
import { COMPONENT, type OrderContext, type OrderPeers } from './context.js';
import { backoffMs } from './leg-rules.js';
import { IN_FLIGHT_LEG_STATES, isLiveLeg } from './reconcile.js';
import { entryRequest, newTrade } from './requests.js';
import { oppositeActiveTrade } from './settlement.js';
import type { OpenTradeResult } from './types.js';
import { checkAgainstMark, type Refusal, type TradeIntent, type ValidatedIntent, validateIntent } from './validation.js';

export class Entries {
  private entryGate: Promise<unknown> = Promise.resolve();
  private gateOpen = true;

  constructor(
    private readonly ctx: OrderContext,
    private readonly peers: OrderPeers,
    private readonly guard: EntryGuard | undefined,
  ) {}

  /** Entries wait for `until` (the start-up reconciliation) before anything is validated or sent. */
  holdUntil(until: Promise<unknown>): void {
    this.gateOpen = false;
    const gate = until.then(
      () => {
        if (this.entryGate === gate) this.gateOpen = true;
      },
      (err: unknown) => {
        // the gate stays closed: no entry goes out before a reconciliation has succeeded
        this.ctx.logger.error({ err }, 'start-up reconciliation failed; entries stay blocked until the next one succeeds');
      },
    );
    this.entryGate = gate;
  }

  /** True once the start-up reconciliation has finished (or none was asked for). */
  isOpen(): boolean {
    return this.gateOpen;
  }

  /**
   * Validates, checks risk and the kill switch, persists the trade and its entry leg, then sends
   * the entry. Waits for the start-up reconciliation first (up to `entryGateTimeoutMs`).
   */
  async openTrade(asked: TradeIntent): Promise<OpenTradeResult> {
    // The venue maps a unified symbol (BTC/USD:BTC) to its own name; the trade is stored with that name.
    const native = this.ctx.venues.get(asked.venue)?.nativeSymbol(asked.symbol) ?? asked.symbol;
    const intent: TradeIntent = native === asked.symbol ? asked : { ...asked, symbol: native };
    if (!this.gateOpen) {
      const opened = await Promise.race([
        this.entryGate.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), this.ctx.config.entryGateTimeoutMs)),
      ]);
      if (!opened || !this.gateOpen) {
        return this.refuse(intent, {
          code: 'STARTUP_RECONCILE_PENDING',
          reason: 'the start-up reconciliation has not finished; entries wait until every venue was compared with the store',
        });
      }
    }
    const venue = this.ctx.venues.get(intent.venue);
    if (!venue) return this.refuse(intent, { code: 'UNKNOWN_VENUE', reason: `venue ${intent.venue} is not configured` });
    if (!venue.isReady())
      return this.refuse(intent, { code: 'VENUE_NOT_READY', reason: `${intent.venue} is ${venue.connectionState()}, not ready to trade` });
    const instrument = venue.instrument(intent.symbol);
    if (!instrument) {
      const named = native === asked.symbol ? intent.symbol : `${asked.symbol} (${native})`;
      return this.refuse(intent, {
        code: 'UNKNOWN_INSTRUMENT',
        reason: `${intent.venue} has no instrument ${named}; use the venue's own name or BASE/QUOTE:SETTLE`,
      });
    }
    // Every entry watches the live mark: a market entry without a reference is priced from it, and
    // every entry's stop and target are checked against it when it is sent.
    const liveMark = await this.referencePrice(venue, intent.symbol);
    const marketPrice = intent.entry.type === 'market' && intent.entry.referencePrice === undefined ? liveMark : undefined;

    // From here to submitOrder nothing awaits: the mark check, the risk check, the insert and the
    // send are one step on the event loop, with the latest mark the ticker pushed.
    const validated = validateIntent(intent, instrument, marketPrice);
    if (!validated.ok) return this.refuse(intent, validated);
    const refusal = this.guard?.checkEntry(validated.value);
    if (refusal) return this.refuse(intent, refusal);
    const opposite = this.oppositeRefusal(venue, validated.value);
    if (opposite) return this.refuse(intent, opposite);
    const mark = this.ctx.marks.get(venue.id, intent.symbol);
    if (mark !== undefined) {
      const stale = checkAgainstMark(validated.value, mark);
      if (stale) return this.refuse(intent, stale);
    } else {
      this.ctx.logger.warn(
        { venue: venue.id, symbol: intent.symbol },
        'no live mark to re-check the stop and target against; sending on the validation against the reference price',
      );
    }
    return this.sendEntry(venue, validated.value);
  }

  /**
   * On a venue that nets positions per instrument, an entry opposite to an active trade of the
   * daemon on that instrument would cancel it out: the venue keeps one net position, the reduce-only
   * stops of both cannot both rest, and neither trade could be told apart on the venue. Refused.
   */
  private oppositeRefusal(venue: Venue, v: ValidatedIntent): Refusal | undefined {
    if (!venue.netsPositions(v.symbol)) return undefined;
    const other = oppositeActiveTrade(v, this.ctx.store.listTrades({ states: ACTIVE_TRADE_STATES, venue: venue.id }));
    if (!other) return undefined;
    return {
      code: 'OPPOSITE_TRADE_OPEN',
      reason: `trade ${other.id} is ${other.side === 'buy' ? 'long' : 'short'} ${v.symbol} on ${v.venue} (${other.state}); ${v.venue} nets positions per instrument, so a ${v.side === 'buy' ? 'long' : 'short'} would cancel it out. Close it first`,
    };
  }

  private refuse(intent: TradeIntent, refusal: Refusal): OpenTradeResult {
    this.ctx.store.appendAudit({
      tsMs: this.ctx.clock.now(),
      component: COMPONENT,
      action: 'entry_refused',
      venue: intent.venue,
      detail: { code: refusal.code, reason: refusal.reason, symbol: intent.symbol, side: intent.side, source: intent.source },
    });
    this.ctx.logger.warn(
      { venue: intent.venue, symbol: intent.symbol, code: refusal.code, source: intent.source },
      `entry refused: ${refusal.reason}`,
    );
    return { status: 'refused', code: refusal.code, reason: refusal.reason };
  }

  /** The latest mark for an entry (its price, and its send-time check): subscribes to the ticker and waits for a first price if there is none yet. */
  private async referencePrice(venue: Venue, symbol: string): Promise<Decimal | undefined> {
    const { marks } = this.ctx;
    const cached = marks.get(venue.id, symbol);
    if (cached) return cached;
    try {
      await venue.watchTicker(symbol);
    } catch (err) {
      this.ctx.logger.warn(
        { err, venue: venue.id, symbol },
        'could not subscribe to the ticker; a market entry without a reference price is refused, others go without the send-time mark check',
      );
      return undefined;
    }
    if (!marks.has(venue.id, symbol)) await marks.waitFor(venue.id, symbol, this.ctx.config.referencePriceWaitMs);
    return marks.get(venue.id, symbol);
  }

  private async sendEntry(venue: Venue, v: ValidatedIntent): Promise<OpenTradeResult> {
    const { store, audit, clock, logger, config } = this.ctx;
    const now = clock.now();
    const tradeId = newTradeId(now);
    const clientId = clientIdFor(tradeId, 'entry', 1, config.clientIdPrefix);
    const request = entryRequest(v, clientId);
    const { trade, entry } = newTrade(v, tradeId, clientId, now);
    store.createTrade(
      trade,
      [entry],
      audit('trade_created', trade, {
        source: v.source,
        label: v.label,
        request: describeRequest(request),
        stopPrice: v.stopPrice.toString(),
        takeProfitPrice: v.takeProfitPrice?.toString(),
        referencePrice: v.referencePrice.toString(),
        lossAtStop: v.lossAtStop.toString(),
        decided: 'persisted before sending the entry',
      }),
    );
    logger.info(
      { tradeId, venue: v.venue, symbol: v.symbol, side: v.side, size: v.size.toString(), clientId },
      'trade persisted; sending entry',
    );

    // The trade's lock is NOT held across the round trip: a push that arrives before the answer
    // (the fill is proof the entry exists) is applied and protected at once. While the request is
    // in flight no look-up may count the entry "not found" (it may not have arrived yet).
    store.flush(); // the trade and its entry leg are on the disk before the order leaves
    const submit = venue.submitOrder(request);
    this.ctx.submitting.set(
      clientId,
      submit.then(
        () => undefined,
        () => undefined,
      ),
    );
    let outcome: CommandOutcome;
    try {
      outcome = await submit;
    } finally {
      this.ctx.submitting.delete(clientId);
    }
    const handled = await this.ctx.withLock(tradeId, () => this.applyEntryOutcomeLocked(v, trade, clientId, outcome));
    if (handled !== 'lookup') return handled;

    // Unknown: ask the venue by client id (each answer applied under the trade's lock); never resend.
    for (let attempt = 1; attempt <= config.unknownLookupAttempts; attempt += 1) {
      const result = await this.peers.legs.refreshLeg(clientId, Number.POSITIVE_INFINITY);
      if (result === 'found') {
        const t = store.getTrade(tradeId) ?? trade;
        return { status: 'accepted', tradeId, trade: t };
      }
      const current = store.getLeg(clientId);
      if (current && current.state !== 'unknown') return { status: 'accepted', tradeId, trade: store.getTrade(tradeId) ?? trade };
      if (attempt < config.unknownLookupAttempts) await this.ctx.sleep(backoffMs(config.unknownLookupDelayMs, attempt));
    }
    return {
      status: 'unknown',
      tradeId,
      reason: 'the venue did not answer and does not (yet) show the entry; the monitor keeps looking it up, it is never resent',
    };
  }

  /**
   * Applies the entry's answer under the trade's lock. Pushes may have got there first (the entry
   * already open, filled, protected): the answer is merged (a leg never moves backwards), and a
   * rejection or an unknown outcome after the venue showed the entry changes nothing.
   */
  private async applyEntryOutcomeLocked(
    v: ValidatedIntent,
    trade: TradeRecord,
    clientId: string,
    outcome: CommandOutcome,
  ): Promise<OpenTradeResult | 'lookup'> {
    const { store, audit, clock, logger } = this.ctx;
    const tradeId = trade.id;
    const leg = store.getLeg(clientId);
    // Pushes already showed the entry on the venue (acknowledged, filled, ...).
    const seen = leg !== undefined && (!IN_FLIGHT_LEG_STATES.includes(leg.state) || leg.filledSize.isPositive());
    store.appendAudit(
      audit('entry_outcome', trade, {
        clientId,
        outcome: describeOutcome(outcome),
        ...(seen ? { legState: leg.state, filled: leg.filledSize.toString() } : {}),
      }),
    );
    const accepted = (): OpenTradeResult => ({ status: 'accepted', tradeId, trade: store.getTrade(tradeId) ?? trade });
    switch (outcome.status) {
      case 'accepted':
        await this.peers.legs.applySnapshotLocked(clientId, outcome.order, 'submit response');
        return accepted();
      case 'rejected': {
        if (seen && leg.state !== 'rejected') {
          logger.error(
            { tradeId, clientId, code: outcome.code, legState: leg.state },
            `entry answer says rejected (${outcome.reason}) but the venue already showed the entry; keeping what the venue showed`,
          );
          return accepted();
        }
        if (seen) return { status: 'rejected', tradeId, code: outcome.code, reason: outcome.reason }; // a push already booked the rejection
        const at = clock.now();
        store.updateLeg(clientId, { state: 'rejected' }, at);
        store.updateTrade(
          tradeId,
          { state: 'failed', closeReason: `entry rejected: ${outcome.code} ${outcome.reason}`, closedAtMs: at },
          at,
          audit('entry_rejected', trade, { code: outcome.code, reason: outcome.reason, decided: 'trade failed; nothing to protect' }),
        );
        logger.warn({ tradeId, venue: v.venue, code: outcome.code }, `entry rejected by the venue: ${outcome.reason}; trade marked failed`);
        return { status: 'rejected', tradeId, code: outcome.code, reason: outcome.reason };
      }
      case 'unknown':
        if (seen) {
          // The venue's pushes already proved the entry exists: no look-up, nothing marked unknown.
          logger.info(
            { tradeId, clientId, legState: leg.state, reason: outcome.reason },
            'entry answer lost, but the venue already showed the entry; nothing to look up',
          );
          return accepted();
        }
        store.updateLeg(
          clientId,
          { state: 'unknown' },
          clock.now(),
          audit('entry_unknown', trade, { reason: outcome.reason, decided: 'look the entry up by client id; never send it again' }),
        );
        store.updateTrade(tradeId, { state: 'entry_working' }, clock.now());
        logger.warn(
          { tradeId, venue: v.venue, clientId, reason: outcome.reason },
          'entry outcome unknown; looking it up by client id, it will not be resent',
        );
        return 'lookup';
    }
  }

  /** Cancels a working entry; what filled stays protected. Waits for the entry's answer if it is on the wire. */
  async cancelEntry(tradeId: string, reason: string): Promise<boolean> {
    await this.ctx.entrySubmitted(tradeId);
    return this.ctx.withLock(tradeId, async () => {
      const trade = this.ctx.store.getTrade(tradeId);
      if (!trade) return false;
      const entry = this.ctx.store.legsOf(tradeId).find((l) => l.kind === 'entry');
      if (!entry || !isLiveLeg(entry.state)) return false;
      const r = await this.peers.closing.cancelLegLocked(trade, entry, reason);
      return r.ok;
    });
  }
}
