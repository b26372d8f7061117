/** Pure formatting of command answers and trade alerts (HTML, escaped, phone-sized). */
import { Decimal } from '../domain/decimal.js';
import type { OrderSnapshot } from '../domain/order.js';
import type { Balance, Position } from '../domain/position.js';
import type { KillSwitchState, TradeRecord } from '../domain/trade.js';
import type { CloseResult, OpenTradeResult } from '../orders/types.js';
import type { FlattenReport } from '../risk/kill-switch.js';
import { COMMAND_MENU, type PnlPeriod } from './command-parser.js';
import { escapeHtml, type Field, formatDuration, formatMessage, formatUtc, oneLine, signed } from './format.js';

export interface VenueStatus {
  readonly id: string;
  readonly state: string;
  readonly ready: boolean;
  /** Round trip of the last clock measurement, when known. */
  readonly rttMs?: number;
}

export interface StatusView {
  readonly venues: readonly VenueStatus[];
  readonly openTrades: number;
  readonly killSwitch: KillSwitchState;
  readonly paused: boolean;
  readonly uptimeMs: number;
  readonly pendingAlerts?: number;
}

export function formatStatus(s: StatusView): string {
  const allReady = s.venues.length > 0 && s.venues.every((v) => v.ready);
  const emoji = s.killSwitch.active ? '🛑' : !allReady ? '⚠️' : s.paused ? '⏸️' : '✅';
  const fields: Field[] = s.venues.map((v) => [
    v.id,
    `${v.ready ? 'ready' : 'NOT ready'} · ${v.state}${v.rttMs === undefined ? '' : ` · ${Math.round(v.rttMs)} ms`}`,
  ]);
  if (s.venues.length === 0) fields.push(['venues', 'none configured']);
  fields.push(['open trades', String(s.openTrades)]);
  fields.push(['kill switch', s.killSwitch.active ? `ON (${s.killSwitch.reason ?? 'no reason'})` : 'off']);
  fields.push(['entries', s.killSwitch.active ? 'refused (kill switch)' : s.paused ? 'paused' : 'allowed']);
  fields.push(['uptime', formatDuration(s.uptimeMs)]);
  if (s.pendingAlerts !== undefined && s.pendingAlerts > 0) fields.push(['unsent alerts', String(s.pendingAlerts)]);
  return formatMessage({ emoji, title: 'Status', fields });
}

/** Per venue: a value, or the error that prevented reading it. */
export type PerVenue<T> = { readonly venue: string } & (
  { readonly ok: true; readonly items: readonly T[] } | { readonly ok: false; readonly error: string }
);

function perVenue<T>(title: string, emoji: string, empty: string, rows: readonly PerVenue<T>[], line: (item: T) => Field): string {
  const fields: Field[] = [];
  const errors: string[] = [];
  for (const r of rows) {
    if (!r.ok) {
      errors.push(`${r.venue}: ${oneLine(r.error)}`);
      continue;
    }
    for (const item of r.items) fields.push(line(item));
  }
  const text = [fields.length === 0 ? empty : undefined, ...errors.map((e) => `could not read ${e}`)].filter(Boolean).join('\n');
  return formatMessage({ emoji, title, ...(text ? { text } : {}), fields });
}

export function formatPositions(rows: readonly PerVenue<Position>[]): string {
  return perVenue('Positions', '📊', 'No open positions.', rows, (p) => [
    `${p.venue} ${p.symbol}`,
    `${signed(p.size.toString())} @ ${p.avgPrice.toString()}${p.unrealizedPnl ? ` · uPnL ${signed(p.unrealizedPnl.toString())}` : ''}`,
  ]);
}

export function formatOrders(rows: readonly PerVenue<OrderSnapshot>[]): string {
  return perVenue('Open orders', '📋', 'No open orders.', rows, (o) => {
    const price = o.triggerPrice ? `trigger ${o.triggerPrice.toString()}` : o.price ? `@ ${o.price.toString()}` : 'market';
    return [
      `${o.venue} ${o.symbol}`,
      `${o.side} ${o.size.toString()} ${o.type} ${price}${o.reduceOnly ? ' RO' : ''}${o.clientId ? ` · ${o.clientId}` : ''}`,
    ];
  });
}

export function formatBalances(rows: readonly PerVenue<Balance>[]): string {
  return perVenue('Balances', '💰', 'No balances reported.', rows, (b) => [
    `${b.venue} ${b.currency}`,
    `equity ${b.equity.toString()} · available ${b.available.toString()}`,
  ]);
}

const PERIOD_MS: Record<PnlPeriod, number> = { day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000 };

/** Start of the /pnl window: the last 24 h, 7 days or 30 days. */
export function pnlWindowStart(period: PnlPeriod, nowMs: number): number {
  return nowMs - PERIOD_MS[period];
}

/** Realized P&L of trades closed in the window, per venue (each in its settlement unit). */
export function formatPnl(period: PnlPeriod, sinceMs: number, closed: readonly TradeRecord[]): string {
  const byVenue = new Map<string, { pnl: Decimal; n: number; wins: number }>();
  for (const t of closed) {
    const v = byVenue.get(t.venue) ?? { pnl: Decimal.ZERO, n: 0, wins: 0 };
    const pnl = t.realizedPnl ?? Decimal.ZERO;
    v.pnl = v.pnl.plus(pnl);
    v.n += 1;
    if (pnl.isPositive()) v.wins += 1;
    byVenue.set(t.venue, v);
  }
  const fields: Field[] = [...byVenue].map(([venue, v]) => [venue, `${signed(v.pnl.toString())} · ${v.n} trade(s), ${v.wins} won`]);
  const label = period === 'day' ? 'last 24 h' : period === 'week' ? 'last 7 days' : 'last 30 days';
  return formatMessage({
    emoji: '📈',
    title: `P&L, ${label}`,
    text: fields.length === 0 ? `No trade closed since ${formatUtc(sinceMs)}.` : `Realized, trades closed since ${formatUtc(sinceMs)}`,
    fields,
  });
}

export function formatTrades(trades: readonly TradeRecord[]): string {
  if (trades.length === 0) return formatMessage({ emoji: '🧾', title: 'Closed trades', text: 'No closed trade yet.' });
  const fields: Field[] = trades.map((t) => [
    t.id,
    `${t.venue} ${t.symbol} ${t.side} ${t.filledSize.toString()} · P&L ${signed((t.realizedPnl ?? Decimal.ZERO).toString())}${t.closeReason ? ` · ${t.closeReason}` : ''}`,
  ]);
  return formatMessage({ emoji: '🧾', title: `Last ${trades.length} closed trade(s)`, fields });
}

/** One command a line: the usage, then what it does (a phone screen is too narrow for aligned columns). */
export function formatHelp(): string {
  const lines = COMMAND_MENU.map((c) => `<code>${escapeHtml(c.usage)}</code>\n    ${escapeHtml(c.description)}`);
  return `🤖 <b>Commands</b>\n${lines.join('\n')}\n<i>/kill and /close ask for a confirm button (valid one minute).</i>`;
}

export function formatFlattenReport(report: FlattenReport): string {
  const fields: Field[] = [
    ['closed', `${report.closedTrades.length} trade(s)`],
    ['cancelled', `${report.cancelledOrders.length} order(s)`],
    ['verified flat', report.flat ? 'yes' : 'NO'],
  ];
  for (const f of report.failedTrades) fields.push([`failed ${f.tradeId}`, oneLine(f.error)]);
  for (const f of report.failedCancels) fields.push([`cancel failed ${f.venue}`, `${f.clientId}: ${oneLine(f.error)}`]);
  return formatMessage({
    emoji: report.flat ? '🛑' : '🚨',
    title: report.flat ? 'Kill switch ON — flat' : 'Kill switch ON — NOT verified flat',
    text: report.flat ? 'Entries are refused until /resume.' : 'Check the venues by hand. Entries are refused until /resume.',
    fields,
  });
}

export function formatOpenResult(result: OpenTradeResult, intent: { venue: string; symbol: string; side: string }): string {
  const what = `${intent.side} ${intent.symbol} on ${intent.venue}`;
  switch (result.status) {
    case 'accepted': {
      const t = result.trade;
      const fields: Field[] = [
        ['trade', t.id],
        ['state', t.state],
        ['size', t.size.toString()],
        ['entry', t.entryType === 'limit' && t.entryPrice ? `limit ${t.entryPrice.toString()}` : 'market'],
        ['stop', t.stopPrice.toString()],
      ];
      if (t.takeProfitPrice) fields.push(['target', t.takeProfitPrice.toString()]);
      return formatMessage({ emoji: '✅', title: 'Trade accepted', text: what, fields });
    }
    case 'refused':
      return formatMessage({
        emoji: '❌',
        title: 'Trade refused',
        text: `${what}: ${oneLine(result.reason)}`,
        fields: [['code', result.code]],
      });
    case 'rejected':
      return formatMessage({
        emoji: '❌',
        title: 'Venue rejected the entry',
        text: `${what}: ${oneLine(result.reason)}`,
        fields: [
          ['trade', result.tradeId],
          ['code', result.code],
        ],
      });
    case 'unknown':
      return formatMessage({
        emoji: '⚠️',
        title: 'Entry outcome unknown',
        text: `${what}: ${oneLine(result.reason)}. The daemon looks it up and never sends it twice; check /status and /orders.`,
        fields: [['trade', result.tradeId]],
      });
  }
}

export function formatCloseResult(result: CloseResult): string {
  const fields: Field[] = [
    ['trade', result.tradeId],
    ['closed size', result.closedSize.toString()],
    ['verified flat', result.flat ? 'yes' : 'NO'],
  ];
  if (result.cancelled.length > 0) fields.push(['cancelled', result.cancelled.join(', ')]);
  for (const f of result.failedCancels) fields.push([`cancel failed`, `${f.clientId}: ${oneLine(f.error)}`]);
  return formatMessage({
    emoji: result.flat ? '✅' : '⚠️',
    title: result.flat ? 'Trade closed' : 'Close NOT verified',
    ...(result.error ? { text: oneLine(result.error) } : result.flat ? {} : { text: 'Check the position with /positions.' }),
    fields,
  });
}

/** Fields of a trade for the opened/closed alerts. */
export function tradeFields(t: TradeRecord): Field[] {
  const fields: Field[] = [
    ['trade', t.id],
    ['size', t.filledSize.isZero() ? t.size.toString() : t.filledSize.toString()],
  ];
  if (t.avgEntryPrice) fields.push(['entry', t.avgEntryPrice.toString()]);
  fields.push(['stop', t.stopPrice.toString()]);
  if (t.takeProfitPrice) fields.push(['target', t.takeProfitPrice.toString()]);
  return fields;
}

/** "Long BTC-PERPETUAL on deribit". */
export function tradeHeadline(t: TradeRecord): string {
  return `${t.side === 'buy' ? 'Long' : 'Short'} ${t.symbol} on ${t.venue}`;
}
