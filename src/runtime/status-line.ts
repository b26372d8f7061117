/**
 * The periodic "still alive" line: venues, open trades, the last reconciliation and the alert
 * outbox, in one log line a `tail` can read. Pure.
 */
import type { ReconciliationStatus } from '../monitor/position-monitor.js';

export interface StatusInput {
  readonly venues: readonly { readonly id: string; readonly state: string; readonly ready: boolean }[];
  readonly openTrades: number;
  readonly reconciliation: ReconciliationStatus;
  readonly telegram: { readonly enabled: boolean; readonly connected: boolean; readonly outboxPending: number };
  readonly killSwitch: boolean;
  readonly paused: boolean;
  readonly nowMs: number;
}

function ago(nowMs: number, atMs: number | undefined): string {
  if (atMs === undefined) return 'never';
  const secs = Math.max(0, Math.round((nowMs - atMs) / 1000));
  return secs < 120 ? `${secs}s ago` : `${Math.round(secs / 60)}m ago`;
}

export function statusLine(s: StatusInput): { readonly message: string; readonly fields: Record<string, unknown> } {
  const venues = s.venues.map((v) => `${v.id} ${v.ready ? 'ready' : v.state}`).join(', ') || 'none';
  const rec = s.reconciliation;
  const reconcile =
    rec.consecutiveFailures > 0
      ? `failing (${rec.consecutiveFailures} in a row, last ok ${ago(s.nowMs, rec.lastSuccessAtMs)})`
      : `ok ${ago(s.nowMs, rec.lastSuccessAtMs)}`;
  const telegram = s.telegram.enabled
    ? `${s.telegram.connected ? 'connected' : 'NOT connected'}, ${s.telegram.outboxPending} pending`
    : 'off (alerts to the log)';
  const trading = s.killSwitch ? 'KILL SWITCH ON' : s.paused ? 'paused' : 'entries allowed';
  const message = `status: venues ${venues}; ${s.openTrades} open trade(s); reconciliation ${reconcile}; telegram ${telegram}; ${trading}`;
  return {
    message,
    fields: {
      venues: s.venues,
      openTrades: s.openTrades,
      reconcileFailures: rec.consecutiveFailures,
      lastReconcileAt: rec.lastSuccessAtMs !== undefined ? new Date(rec.lastSuccessAtMs).toISOString() : null,
      outboxPending: s.telegram.outboxPending,
      killSwitch: s.killSwitch,
      paused: s.paused,
    },
  };
}
