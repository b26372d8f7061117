/**
 * What /healthz reports about the venues and reconciliation: each part says whether it is ok and,
 * when it is not, why (`detail.reason`). /healthz is 200 only while the daemon can protect
 * positions: every enabled venue ready and reconciliation succeeding.
 */
import type { Venue } from '../domain/ports.js';
import type { ReconciliationStatus } from '../monitor/position-monitor.js';
import type { ComponentHealth } from './health.js';

/** One enabled venue: ready or not, its connection state and the measured venue−host clock offset. */
export function venueProbe(venue: Venue, environment: string): ComponentHealth {
  const ok = venue.isReady();
  const state = venue.connectionState();
  const offset = venue.clockOffset();
  return {
    name: `venue:${venue.id}`,
    ok,
    detail: {
      environment,
      state,
      ...(offset
        ? {
            clockOffsetMs: offset.offsetMs,
            clockOffsetRttMs: offset.rttMs,
            clockOffsetMeasuredAt: new Date(offset.measuredAtMs).toISOString(),
          }
        : { clockOffsetMs: null, clockOffset: 'not measured yet' }),
      ...(ok ? {} : { reason: `${venue.id} is ${state}, not ready: orders cannot be placed or protected` }),
    },
  };
}

export interface ReconciliationLimits {
  readonly nowMs: number;
  /** When the start-up pass began (monitor.start()). */
  readonly startedAtMs: number;
  /** `health.startupGraceMs`. */
  readonly startupGraceMs: number;
  /** `health.maxReconcileFailureMs`. */
  readonly maxReconcileFailureMs: number;
  /** `monitor.reconcileIntervalMs`: with no success for longer than this plus the limit above, a pass is stuck. */
  readonly reconcileIntervalMs: number;
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/**
 * Reconciliation is ok while the start-up pass is within its grace period or done, no run of
 * failed passes has lasted longer than `maxReconcileFailureMs`, and a pass has succeeded within
 * that limit plus one reconcile interval (a pass that never ends records no failure either).
 */
export function reconciliationProbe(status: ReconciliationStatus, limits: ReconciliationLimits): ComponentHealth {
  const { nowMs } = limits;
  const failingForMs = status.failingSinceMs === undefined ? 0 : Math.max(0, nowMs - status.failingSinceMs);
  const common = {
    startupDone: status.startupDone,
    consecutiveFailures: status.consecutiveFailures,
    lastSuccessAt: iso(status.lastSuccessAtMs),
    failingForMs,
    lastErrors: status.lastErrors.slice(0, 5),
  };
  const errorText = status.lastErrors[0] ? `; last error: ${status.lastErrors[0]}` : '';
  if (!status.startupDone) {
    const waitedMs = Math.max(0, nowMs - limits.startedAtMs);
    if (waitedMs <= limits.startupGraceMs) {
      return { name: 'reconciliation', ok: true, detail: { state: 'starting', ...common, startupWaitedMs: waitedMs } };
    }
    return {
      name: 'reconciliation',
      ok: false,
      detail: {
        state: 'startup overdue',
        ...common,
        startupWaitedMs: waitedMs,
        reason: `the start-up reconciliation has not succeeded within health.startupGraceMs (${limits.startupGraceMs} ms): ${status.consecutiveFailures} failed attempts, entries are blocked${errorText}`,
      },
    };
  }
  if (status.consecutiveFailures > 0 && failingForMs > limits.maxReconcileFailureMs) {
    return {
      name: 'reconciliation',
      ok: false,
      detail: {
        state: 'failing',
        ...common,
        reason: `reconciliation has failed for ${failingForMs} ms (${status.consecutiveFailures} passes in a row), more than health.maxReconcileFailureMs (${limits.maxReconcileFailureMs} ms)${errorText}`,
      },
    };
  }
  const sinceSuccessMs = status.lastSuccessAtMs === undefined ? 0 : nowMs - status.lastSuccessAtMs;
  const staleAfterMs = limits.maxReconcileFailureMs + limits.reconcileIntervalMs;
  if (sinceSuccessMs > staleAfterMs) {
    return {
      name: 'reconciliation',
      ok: false,
      detail: {
        state: 'stale',
        ...common,
        reason: `no reconciliation pass has succeeded for ${sinceSuccessMs} ms, more than health.maxReconcileFailureMs + monitor.reconcileIntervalMs (${staleAfterMs} ms): a pass may be stuck${errorText}`,
      },
    };
  }
  return { name: 'reconciliation', ok: true, detail: { state: status.consecutiveFailures > 0 ? 'retrying' : 'ok', ...common } };
}
