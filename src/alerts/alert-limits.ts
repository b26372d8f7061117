/**
 * Per-type alert limits (pure, clock passed in). API errors and reconnects: at most one message a
 * minute per venue; the ones in between are folded into a summary sent when the minute ends.
 * The daily report: once a UTC day. Everything else (trade opened/closed...) goes every time.
 * Critical alerts are never limited.
 */
import type { AlertSeverity } from '../domain/trade.js';

export interface LimitedAlert {
  readonly severity: AlertSeverity;
  readonly kind: string;
  readonly text: string;
  readonly venue?: string;
}

/** Kind → window in ms during which later alerts of the same kind and venue are folded. */
export const DEFAULT_FOLD_WINDOWS_MS: Readonly<Record<string, number>> = {
  api_error: 60_000,
  reconnect: 60_000,
};

/** Kinds sent at most once per UTC day. */
export const ONCE_A_DAY_KINDS: ReadonlySet<string> = new Set(['daily_report']);

interface Window {
  readonly endsAtMs: number;
  count: number;
  last?: LimitedAlert;
}

export type Decision = 'send' | 'fold' | 'drop';

export class AlertLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly sentDay = new Map<string, string>();

  constructor(private readonly foldWindowsMs: Readonly<Record<string, number>> = DEFAULT_FOLD_WINDOWS_MS) {}

  /** Whether an alert goes now, is folded into the next summary, or is dropped (daily kinds). */
  offer(alert: LimitedAlert, nowMs: number): Decision {
    if (alert.severity === 'critical') return 'send';
    if (ONCE_A_DAY_KINDS.has(alert.kind)) {
      const day = new Date(nowMs).toISOString().slice(0, 10);
      if (this.sentDay.get(alert.kind) === day) return 'drop';
      this.sentDay.set(alert.kind, day);
      return 'send';
    }
    const windowMs = this.foldWindowsMs[alert.kind];
    if (windowMs === undefined) return 'send';
    const key = `${alert.kind}|${alert.venue ?? ''}`;
    const open = this.windows.get(key);
    if (open && nowMs < open.endsAtMs) {
      open.count += 1;
      open.last = alert;
      return 'fold';
    }
    this.windows.set(key, { endsAtMs: nowMs + windowMs, count: 0 });
    return 'send';
  }

  /**
   * Summaries of windows that ended with folded alerts: the last folded alert and how many were
   * folded. Each summary opens a new window, so a steady stream gives one message a minute.
   */
  due(nowMs: number): { readonly alert: LimitedAlert; readonly folded: number }[] {
    const out: { alert: LimitedAlert; folded: number }[] = [];
    for (const [key, w] of this.windows) {
      if (nowMs < w.endsAtMs) continue;
      if (w.count > 0 && w.last) {
        out.push({ alert: w.last, folded: w.count });
        const windowMs = this.foldWindowsMs[w.last.kind] ?? 60_000;
        this.windows.set(key, { endsAtMs: nowMs + windowMs, count: 0 });
      } else {
        this.windows.delete(key);
      }
    }
    return out;
  }
}
