/**
 * Pure formatting of Telegram messages (HTML parse mode). Every dynamic value is escaped; every
 * message fits Telegram's 4096-character limit; layout reads well on a phone: one headline with a
 * severity emoji, an optional sentence, then aligned key/value lines in a monospace block.
 */
import type { AlertSeverity } from '../domain/trade.js';

/** Telegram's limit is 4096 characters (after entity parsing); stay well under it. */
export const MAX_MESSAGE_CHARS = 4000;

export const SEVERITY_EMOJI: Record<AlertSeverity, string> = { critical: '🚨', warning: '⚠️', info: 'ℹ️' };

/** Alert kinds this module knows by name (others are shown humanized). */
export const ALERT_KINDS = {
  tradeOpened: 'trade_opened',
  tradeClosed: 'trade_closed',
  apiError: 'api_error',
  reconnect: 'reconnect',
  dailyReport: 'daily_report',
  killSwitch: 'kill_switch',
  emergencyClose: 'emergency_close',
  missingStop: 'missing_stop',
  unprotected: 'position_unprotected',
  dailyLoss: 'daily_loss_limit',
  dropped: 'alerts_dropped',
} as const;

const KIND_TITLES: Record<string, string> = {
  trade_opened: 'Trade opened',
  trade_closed: 'Trade closed',
  api_error: 'Venue API error',
  reconnect: 'Venue reconnecting',
  daily_report: 'Daily report',
  kill_switch: 'Kill switch',
  emergency_close: 'Emergency close',
  missing_stop: 'Stop missing',
  position_unprotected: 'Position unprotected',
  daily_loss_limit: 'Daily loss limit',
  close_failed: 'Close failed',
  closed_outside: 'Closed outside the daemon',
  entry_lost: 'Entry lost',
  pause: 'Entries paused',
  alerts_dropped: 'Alerts dropped',
};

export type Field = readonly [key: string, value: string];

/** Escapes the three characters HTML parse mode treats specially (and quotes, for attributes). */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Plain text of an HTML message (for the fallback when Telegram cannot parse it, and for logs). */
export function htmlToPlain(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

export function kindTitle(kind: string): string {
  const known = KIND_TITLES[kind];
  if (known) return known;
  const words = kind.replace(/[_-]+/g, ' ').trim();
  return words.length === 0 ? 'Alert' : words[0]!.toUpperCase() + words.slice(1);
}

/** Key/value lines with the values aligned (inside <pre>, so the phone shows them monospaced). */
export function alignFields(fields: readonly Field[]): string {
  if (fields.length === 0) return '';
  const width = Math.max(...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return max <= 1 ? '…' : `${text.slice(0, max - 1)}…`;
}

export interface MessageParts {
  readonly emoji: string;
  readonly title: string;
  readonly text?: string;
  readonly fields?: readonly Field[];
  /** A last line in italics (what to do next, counts of folded alerts...). */
  readonly footer?: string;
}

function render(p: { emoji: string; title: string; text: string; fields: string; footer: string }): string {
  const lines = [`${p.emoji} <b>${escapeHtml(p.title)}</b>`];
  if (p.text) lines.push(escapeHtml(p.text));
  if (p.fields) lines.push(`<pre>${escapeHtml(p.fields)}</pre>`);
  if (p.footer) lines.push(`<i>${escapeHtml(p.footer)}</i>`);
  return lines.join('\n');
}

/**
 * One message: headline, sentence, aligned fields, footer; all escaped; clipped (plain text
 * first, so no tag or entity is ever cut) to stay under MAX_MESSAGE_CHARS.
 */
export function formatMessage(parts: MessageParts): string {
  const p = {
    emoji: parts.emoji,
    title: clip(parts.title, 200),
    text: parts.text ?? '',
    fields: alignFields(parts.fields ?? []),
    footer: clip(parts.footer ?? '', 300),
  };
  let html = render(p);
  // Escaping only lengthens text, so cutting the plain parts by the overflow converges quickly.
  for (let i = 0; html.length > MAX_MESSAGE_CHARS && i < 20; i++) {
    const over = html.length - MAX_MESSAGE_CHARS;
    if (p.fields.length > p.text.length) p.fields = clip(p.fields, Math.max(0, p.fields.length - over - 1));
    else p.text = clip(p.text, Math.max(0, p.text.length - over - 1));
    html = render(p);
  }
  return html;
}

export interface AlertContent {
  readonly severity: AlertSeverity;
  readonly kind: string;
  readonly text: string;
  readonly venue?: string;
  readonly fields?: readonly Field[];
  /** How many similar alerts were folded into this one. */
  readonly folded?: number;
}

/** An alert as a Telegram message: severity emoji + kind title (+ venue), the text, the fields. */
export function formatAlert(alert: AlertContent): string {
  const title = alert.venue ? `${kindTitle(alert.kind)} · ${alert.venue}` : kindTitle(alert.kind);
  const footer = alert.folded && alert.folded > 0 ? `+${alert.folded} similar in the last minute, folded into this one` : undefined;
  return formatMessage({ emoji: SEVERITY_EMOJI[alert.severity], title, text: alert.text, fields: alert.fields, footer });
}

/** A command's error answer: one line saying what went wrong and what to do. Never a stack. */
export function formatError(what: string, todo?: string): string {
  return formatMessage({ emoji: '❌', title: oneLine(what), text: todo ? oneLine(todo) : undefined });
}

/** First line of a text, trimmed (errors shown to an operator are one line). */
export function oneLine(text: string): string {
  const first = text.split('\n').find((l) => l.trim().length > 0) ?? '';
  return clip(first.trim(), 500);
}

/** Duration as "3d 4h 05m" / "4h 05m" / "5m 03s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  const sec = s % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${h}h ${pad(m)}m`;
  if (h > 0) return `${h}h ${pad(m)}m`;
  return `${m}m ${pad(sec)}s`;
}

/** "2026-12-04 21:30 UTC". */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A signed figure: "+12.5" / "-3" / "0". */
export function signed(value: string): string {
  return value.startsWith('-') || value === '0' ? value : `+${value}`;
}
