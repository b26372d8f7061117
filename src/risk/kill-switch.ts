/**
 * The kill switch: a persistent state in the store that survives restarts. While on, every entry is
 * refused. Activating it flattens (close every position the daemon owns, cancel its orders, verify
 * flat over the API, retry what failed) and reports. `resume` turns it off. A separate pause blocks
 * entries without flattening.
 */
import type { Logger } from 'pino';

import type { Refusal } from '../domain/entry-checks.js';
import type { Flattener, FlattenReport } from '../domain/flatten.js';
import type { Alerter, Clock, Store } from '../domain/ports.js';
import type { KillSwitchState } from '../domain/trade.js';

export type { Flattener, FlattenReport } from '../domain/flatten.js';

const PAUSE_KEY = 'entries_paused';

export interface KillSwitchOptions {
  readonly store: Store;
  readonly alerter: Alerter;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Can be set later with `setFlattener` (the OrderManager needs the kill switch too). */
  readonly flattener?: Flattener;
}

/** One-line summary of a flatten report for an alert. */
export function describeFlatten(report: FlattenReport): string {
  const parts = [
    `closed ${report.closedTrades.length} trade(s)`,
    `cancelled ${report.cancelledOrders.length} order(s)`,
    report.flat ? 'verified flat over the API' : 'NOT verified flat',
  ];
  if (report.failedTrades.length > 0) parts.push(`failed: ${report.failedTrades.map((f) => `${f.tradeId} (${f.error})`).join('; ')}`);
  if (report.failedCancels.length > 0)
    parts.push(`cancel failures: ${report.failedCancels.map((f) => `${f.venue} ${f.clientId} (${f.error})`).join('; ')}`);
  return parts.join(', ');
}

export class KillSwitch {
  private readonly store: Store;
  private readonly alerter: Alerter;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private flattener: Flattener | undefined;
  private flattening: Promise<FlattenReport> | undefined;

  constructor(options: KillSwitchOptions) {
    this.store = options.store;
    this.alerter = options.alerter;
    this.logger = options.logger.child({ component: 'kill-switch' });
    this.clock = options.clock ?? { now: () => Date.now() };
    this.flattener = options.flattener;
  }

  setFlattener(flattener: Flattener): void {
    this.flattener = flattener;
  }

  state(): KillSwitchState {
    return this.store.getKillSwitch();
  }

  isActive(): boolean {
    return this.store.getKillSwitch().active;
  }

  isPaused(): boolean {
    return this.store.getSetting(PAUSE_KEY) === 'true';
  }

  /** Why entries are blocked right now (kill switch, then pause), or undefined. */
  entryRefusal(): Refusal | undefined {
    const ks = this.store.getKillSwitch();
    if (ks.active) {
      return {
        code: 'KILL_SWITCH_ACTIVE',
        reason: `kill switch is on (${ks.reason ?? 'no reason given'}); send /resume to allow entries again`,
      };
    }
    if (this.isPaused()) return { code: 'ENTRIES_PAUSED', reason: 'entries are paused; send /resume to allow entries again' };
    return undefined;
  }

  /**
   * Turns the switch on (persisted first, with an audit entry), raises a critical alert, then
   * flattens and reports. A second call while a flatten runs returns the same report.
   */
  async activate(reason: string, source: string): Promise<FlattenReport> {
    const now = this.clock.now();
    if (!this.isActive()) {
      this.store.setKillSwitch(
        { active: true, reason, changedAtMs: now },
        { tsMs: now, component: 'kill-switch', action: 'kill_switch_on', detail: { reason, source } },
      );
      this.logger.warn({ reason, source }, 'kill switch activated; entries refused; flattening');
      this.alerter.send({
        severity: 'critical',
        kind: 'kill_switch',
        text: `Kill switch ON (${source}): ${reason}. Flattening every daemon position.`,
      });
    }
    if (this.flattening) return this.flattening;
    const flattener = this.flattener;
    if (!flattener) {
      const report: FlattenReport = {
        reason,
        closedTrades: [],
        failedTrades: [],
        cancelledOrders: [],
        failedCancels: [],
        flat: false,
        rounds: 0,
      };
      this.logger.error('kill switch has no flattener wired; positions were NOT closed; wire OrderManager.closeAll or close by hand');
      return report;
    }
    this.flattening = (async () => {
      try {
        const report = await flattener.closeAll(`kill switch: ${reason}`);
        this.store.appendAudit({ tsMs: this.clock.now(), component: 'kill-switch', action: 'flatten_report', detail: { ...report } });
        const text = `Kill switch flatten: ${describeFlatten(report)}.`;
        this.alerter.send({ severity: 'critical', kind: 'kill_switch', text: report.flat ? text : `${text} Check the venues by hand.` });
        if (report.flat) this.logger.info({ report }, 'kill switch flatten done');
        else this.logger.error({ report }, 'kill switch flatten could not verify flat; operator must check the venues');
        return report;
      } finally {
        this.flattening = undefined;
      }
    })();
    return this.flattening;
  }

  /** Turns the kill switch and the pause off (persisted with an audit entry). */
  resume(source: string): void {
    const now = this.clock.now();
    this.store.setSetting(PAUSE_KEY, 'false', now);
    this.store.setKillSwitch(
      { active: false, reason: `resumed by ${source}`, changedAtMs: now },
      { tsMs: now, component: 'kill-switch', action: 'resumed', detail: { source } },
    );
    this.logger.info({ source }, 'kill switch off and entries resumed');
    this.alerter.send({ severity: 'info', kind: 'kill_switch', text: `Entries resumed by ${source}.` });
  }

  /** Blocks new entries without touching positions or orders (persisted). */
  pause(source: string): void {
    const now = this.clock.now();
    this.store.setSetting(PAUSE_KEY, 'true', now);
    this.store.appendAudit({ tsMs: now, component: 'kill-switch', action: 'paused', detail: { source } });
    this.logger.info({ source }, 'entries paused; open positions keep their protection');
    this.alerter.send({ severity: 'warning', kind: 'pause', text: `Entries paused by ${source}; open positions keep their stops.` });
  }
}
