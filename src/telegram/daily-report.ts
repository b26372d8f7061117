/** The daily report: when it is due (pure) and what it says (pure). */
import { Decimal } from '../domain/decimal.js';
import type { KillSwitchState, TradeRecord } from '../domain/trade.js';
import type { Field } from './format.js';
import { signed } from './format.js';

/** Setting holding the UTC day (YYYY-MM-DD) of the last daily report, so a restart does not repeat it. */
export const DAILY_REPORT_SETTING = 'telegram.daily_report_day';

/** The UTC day to report for when the report is due now (hour reached, not yet sent today), else undefined. */
export function dailyReportDue(nowMs: number, utcHour: number, lastDay: string | undefined): string | undefined {
  const now = new Date(nowMs);
  const day = now.toISOString().slice(0, 10);
  if (now.getUTCHours() < utcHour || lastDay === day) return undefined;
  return day;
}

/** Text and fields of the report: trades closed in the last 24 h, P&L per venue, what is open, the kill switch. */
export function buildDailyReport(
  closed: readonly TradeRecord[],
  openTrades: number,
  killSwitch: KillSwitchState,
  paused: boolean,
): { text: string; fields: Field[] } {
  const byVenue = new Map<string, Decimal>();
  let wins = 0;
  for (const t of closed) {
    const pnl = t.realizedPnl ?? Decimal.ZERO;
    byVenue.set(t.venue, (byVenue.get(t.venue) ?? Decimal.ZERO).plus(pnl));
    if (pnl.isPositive()) wins += 1;
  }
  const fields: Field[] = [['closed trades', `${closed.length} (${wins} won)`]];
  for (const [venue, pnl] of byVenue) fields.push([`P&L ${venue}`, signed(pnl.toString())]);
  fields.push(['open trades', String(openTrades)]);
  fields.push(['kill switch', killSwitch.active ? 'ON' : 'off']);
  if (paused) fields.push(['entries', 'paused']);
  return { text: 'Last 24 hours', fields };
}
