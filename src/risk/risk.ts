/**
 * Risk limits: max open trades, max size and max loss-at-stop per trade, max daily loss (reset at a
 * configured UTC hour). The checks are pure; RiskManager reads the store and activates the kill
 * switch when the daily loss is breached.
 */
import type { Logger } from 'pino';

import { Decimal } from '../domain/decimal.js';
import type { EntryGuard, Refusal, ValidatedIntent } from '../domain/entry-checks.js';
import type { Clock, Store } from '../domain/ports.js';
import type { TradeRecord } from '../domain/trade.js';
import { ACTIVE_TRADE_STATES } from '../domain/trade.js';
import { type RiskConfig, type RiskConfigInput, RiskConfigSchema } from './config.js';
import type { KillSwitch } from './kill-switch.js';

export type { EntryGuard } from '../domain/entry-checks.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Start (ms) of the daily-loss window containing `nowMs`: the latest `resetUtcHour`:00 UTC at or before it. */
export function dailyWindowStart(nowMs: number, resetUtcHour: number): number {
  const d = new Date(nowMs);
  let start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), resetUtcHour);
  if (start > nowMs) start -= DAY_MS;
  return start;
}

/** Realized P&L of the trades closed at or after `sinceMs` (quote currency, USD for USD-quoted contracts). */
export function realizedPnlSince(trades: readonly TradeRecord[], sinceMs: number): Decimal {
  let total = Decimal.ZERO;
  for (const t of trades) {
    if (t.closedAtMs === undefined || t.closedAtMs < sinceMs || t.realizedPnl === undefined) continue;
    total = total.plus(t.realizedPnl);
  }
  return total;
}

/** The size cap that applies to `venue`/`symbol`: venue+symbol, then symbol, then venue, then generic. */
export function sizeLimitFor(config: RiskConfig, venue: string, symbol: string): Decimal | undefined {
  const rank = (l: RiskConfig['maxSizePerTrade'][number]): number =>
    l.venue !== undefined && l.symbol !== undefined ? 0 : l.symbol !== undefined ? 1 : l.venue !== undefined ? 2 : 3;
  const candidates = config.maxSizePerTrade
    .filter((l) => (l.venue === undefined || l.venue === venue) && (l.symbol === undefined || l.symbol === symbol))
    .sort((a, b) => rank(a) - rank(b));
  const best = candidates[0];
  return best ? Decimal.from(best.maxSize) : undefined;
}

/** What the entry check needs to know besides the intent. */
export interface RiskContext {
  readonly openTrades: number;
  /** Realized P&L since the daily reset (negative = loss). */
  readonly dailyPnl: Decimal;
}

/** Checks one validated entry against the limits; returns the first breach, or undefined when it may go. */
export function checkEntryLimits(intent: ValidatedIntent, ctx: RiskContext, config: RiskConfig): Refusal | undefined {
  if (ctx.openTrades >= config.maxOpenTrades) {
    return {
      code: 'RISK_MAX_OPEN_TRADES',
      reason: `${ctx.openTrades} trades are open, the limit is ${config.maxOpenTrades} (risk.maxOpenTrades)`,
    };
  }
  const maxSize = sizeLimitFor(config, intent.venue, intent.symbol);
  if (maxSize !== undefined && intent.size.gt(maxSize)) {
    return {
      code: 'RISK_MAX_SIZE',
      reason: `size ${intent.size.toString()} exceeds the limit ${maxSize.toString()} for ${intent.venue} ${intent.symbol} (risk.maxSizePerTrade)`,
    };
  }
  if (config.maxNotionalUsdPerTrade !== undefined && intent.notional.gt(config.maxNotionalUsdPerTrade)) {
    return {
      code: 'RISK_MAX_NOTIONAL',
      reason: `notional ${intent.notional.roundToStep('0.01').toString()} USD exceeds the limit ${config.maxNotionalUsdPerTrade} USD (risk.maxNotionalUsdPerTrade)`,
    };
  }
  if (intent.lossAtStop.gt(config.maxLossAtStopUsd)) {
    return {
      code: 'RISK_MAX_LOSS_AT_STOP',
      reason: `loss at the stop would be ${intent.lossAtStop.roundToStep('0.01').toString()} USD, the limit is ${config.maxLossAtStopUsd} USD per trade (risk.maxLossAtStopUsd); tighten the stop or trade smaller`,
    };
  }
  if (ctx.dailyPnl.neg().gte(config.maxDailyLossUsd)) {
    return {
      code: 'RISK_DAILY_LOSS',
      reason: `today's realized loss ${ctx.dailyPnl.neg().roundToStep('0.01').toString()} USD has reached the limit ${config.maxDailyLossUsd} USD (risk.maxDailyLossUsd)`,
    };
  }
  return undefined;
}

export interface RiskManagerOptions {
  readonly store: Store;
  readonly killSwitch: KillSwitch;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** The `risk` config section (defaults filled in by the schema). */
  readonly config?: RiskConfigInput;
}

/**
 * Applies the kill switch, the pause and the limits to every entry, and watches the daily loss:
 * call `onTradeClosed()` after each close (the OrderManager's trade events do it when wired with
 * `attach`). Breaching the daily loss activates the kill switch, which flattens.
 */
export class RiskManager implements EntryGuard {
  readonly config: RiskConfig;
  private readonly store: Store;
  private readonly killSwitch: KillSwitch;
  private readonly logger: Logger;
  private readonly clock: Clock;

  constructor(options: RiskManagerOptions) {
    this.config = RiskConfigSchema.parse(options.config ?? {});
    this.store = options.store;
    this.killSwitch = options.killSwitch;
    this.logger = options.logger.child({ component: 'risk' });
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  /**
   * Watches a trade-event source (the OrderManager) and re-checks the daily loss after every
   * close. Returns the unsubscribe function.
   */
  attach(source: { onTradeEvent(listener: (event: { readonly type: string }) => void): () => void }): () => void {
    return source.onTradeEvent((event) => {
      if (event.type !== 'closed') return;
      this.onTradeClosed().catch((err: unknown) => {
        this.logger.error({ err }, 'daily-loss check after a close failed; it runs again after the next close');
      });
    });
  }

  /** Realized P&L since the last daily reset. */
  dailyPnl(): Decimal {
    const since = dailyWindowStart(this.clock.now(), this.config.dailyResetUtcHour);
    return realizedPnlSince(this.store.listTrades({ states: ['closed'], closedSinceMs: since }), since);
  }

  checkEntry(intent: ValidatedIntent): Refusal | undefined {
    const ks = this.killSwitch.entryRefusal();
    if (ks) return ks;
    const openTrades = this.store.listTrades({ states: ACTIVE_TRADE_STATES }).length;
    return checkEntryLimits(intent, { openTrades, dailyPnl: this.dailyPnl() }, this.config);
  }

  /**
   * Re-reads the daily P&L; activates the kill switch (which flattens) when the loss limit is
   * reached. Returns true when it did.
   */
  async onTradeClosed(): Promise<boolean> {
    const pnl = this.dailyPnl();
    if (pnl.neg().lt(this.config.maxDailyLossUsd) || this.killSwitch.isActive()) return false;
    const reason = `daily loss ${pnl.neg().roundToStep('0.01').toString()} USD reached the limit ${this.config.maxDailyLossUsd} USD`;
    this.logger.error(
      { dailyPnl: pnl.toString(), limitUsd: this.config.maxDailyLossUsd },
      `${reason}; activating the kill switch to flatten`,
    );
    await this.killSwitch.activate(reason, 'risk');
    return true;
  }
}
