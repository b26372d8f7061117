/**
 * The pure Telegram parts: command parsing, message formats, alert limits, daily report, error
 * classes, help.
 */
import { NetworkError, TelegramApiError, TimeoutError } from 'node-telegram-bot-api';
import { describe, expect, it } from 'vitest';

import { AlertLimiter } from '../../src/alerts/alert-limits.js';
import { Decimal } from '../../src/domain/decimal.js';
import type { TradeRecord } from '../../src/domain/trade.js';
import { classifyTelegramError, redactToken } from '../../src/telegram/client.js';
import { parseCommand } from '../../src/telegram/command-parser.js';
import { buildDailyReport, dailyReportDue } from '../../src/telegram/daily-report.js';
import {
  alignFields,
  escapeHtml,
  formatAlert,
  formatDuration,
  formatError,
  formatMessage,
  htmlToPlain,
  MAX_MESSAGE_CHARS,
} from '../../src/telegram/format.js';
import { formatFlattenReport, formatPnl, formatPositions, formatStatus } from '../../src/telegram/replies.js';

describe('parseCommand', () => {
  it('parses every command', () => {
    expect(parseCommand('/status')).toEqual({ ok: true, command: { name: 'status' } });
    expect(parseCommand('  /Status@venue_daemon_bot ', 'venue_daemon_bot')).toEqual({ ok: true, command: { name: 'status' } });
    expect(parseCommand('/start')).toEqual({ ok: true, command: { name: 'help' } });
    expect(parseCommand('/pnl')).toEqual({ ok: true, command: { name: 'pnl', period: 'day' } });
    expect(parseCommand('/pnl MONTH')).toEqual({ ok: true, command: { name: 'pnl', period: 'month' } });
    expect(parseCommand('/trades')).toEqual({ ok: true, command: { name: 'trades', count: 10 } });
    expect(parseCommand('/trades 500')).toEqual({ ok: true, command: { name: 'trades', count: 50 } });
    expect(parseCommand('/kill')).toEqual({ ok: true, command: { name: 'kill', now: false } });
    expect(parseCommand('/kill now')).toEqual({ ok: true, command: { name: 'kill', now: true } });
    expect(parseCommand('/close t-42')).toEqual({ ok: true, command: { name: 'close', tradeId: 't-42' } });
    expect(parseCommand('/open deribit BTC-PERPETUAL Buy 1000 sl=59000 tp=61000.5 limit=60000')).toEqual({
      ok: true,
      command: {
        name: 'open',
        venue: 'deribit',
        symbol: 'BTC-PERPETUAL',
        side: 'buy',
        size: '1000',
        stopLoss: '59000',
        takeProfit: '61000.5',
        limit: '60000',
      },
    });
    expect(parseCommand('/open okx BTC/USDT:USDT sell 0.1 SL=70000')).toEqual({
      ok: true,
      command: { name: 'open', venue: 'okx', symbol: 'BTC/USDT:USDT', side: 'sell', size: '0.1', stopLoss: '70000' },
    });
  });

  it('ignores what is not a command, or a command for another bot', () => {
    expect(parseCommand('hello')).toBeUndefined();
    expect(parseCommand('/status@other_bot', 'venue_daemon_bot')).toBeUndefined();
  });

  it('says what is wrong and how to write it', () => {
    expect(parseCommand('/open deribit BTC-PERPETUAL buy 1000')).toEqual({
      ok: false,
      error: 'every trade needs a stop: add sl=<price>',
      usage: expect.stringContaining('/open <venue>'),
    });
    expect(parseCommand('/open deribit BTC-PERPETUAL long 1000 sl=1')).toMatchObject({
      ok: false,
      error: 'side must be buy or sell, got "long"',
    });
    expect(parseCommand('/open deribit BTC-PERPETUAL buy -1 sl=1')).toMatchObject({
      ok: false,
      error: 'size must be a positive number, got "-1"',
    });
    expect(parseCommand('/open deribit BTC-PERPETUAL buy 1 sl=abc')).toMatchObject({
      ok: false,
      error: 'sl= must be a positive price, got "abc"',
    });
    expect(parseCommand('/open deribit BTC-PERPETUAL buy 1 sl=1 sl=2')).toMatchObject({ ok: false, error: 'sl= given twice' });
    expect(parseCommand('/open deribit BTC-PERPETUAL buy 1 sl=1 qty=2')).toMatchObject({
      ok: false,
      error: 'unknown option "qty="; use sl=, tp= or limit=',
    });
    expect(parseCommand('/pnl year')).toMatchObject({ ok: false, error: 'unknown period "year"; use day, week or month' });
    expect(parseCommand('/trades x')).toMatchObject({ ok: false });
    expect(parseCommand('/kill please')).toMatchObject({ ok: false });
    expect(parseCommand('/close')).toMatchObject({ ok: false, usage: '/close <tradeId>' });
    expect(parseCommand('/status now')).toMatchObject({ ok: false, error: '/status takes no arguments' });
    expect(parseCommand('/sudo')).toEqual({ ok: false, error: 'unknown command /sudo', usage: 'send /help for the list' });
  });
});

describe('message formatting', () => {
  it('escapes HTML and aligns fields', () => {
    expect(escapeHtml('a<b>&"c"')).toBe('a&lt;b&gt;&amp;&quot;c&quot;');
    expect(
      alignFields([
        ['a', '1'],
        ['long key', '2'],
      ]),
    ).toBe('a         1\nlong key  2');
    expect(htmlToPlain('<b>x &lt; y &amp; z</b>')).toBe('x < y & z');
  });

  it('formats an alert: severity emoji headline, escaped text, aligned fields, folded count', () => {
    expect(
      formatAlert({
        severity: 'warning',
        kind: 'api_error',
        venue: 'okx',
        text: 'HTTP 502 <html>',
        folded: 3,
        fields: [['code', '50001']],
      }),
    ).toBe(
      '⚠️ <b>Venue API error · okx</b>\nHTTP 502 &lt;html&gt;\n<pre>code  50001</pre>\n<i>+3 similar in the last minute, folded into this one</i>',
    );
    expect(formatAlert({ severity: 'critical', kind: 'some_new_kind', text: 'x' })).toBe('🚨 <b>Some new kind</b>\nx');
  });

  it('keeps every message under the Telegram limit without cutting an entity or a tag', () => {
    const html = formatMessage({ emoji: 'ℹ️', title: 'Big', text: '<&>'.repeat(5_000), fields: [['k', 'v'.repeat(3_000)]] });
    expect(html.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(html).toMatch(/<\/pre>$/);
    expect(html).not.toMatch(/&[a-z]*…/);
    const long = formatAlert({ severity: 'info', kind: 'x', text: 'é'.repeat(10_000) });
    expect(long.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(long.endsWith('…')).toBe(true);
  });

  it('errors are one line', () => {
    expect(formatError('boom\n    at x (y.js:1:1)', 'retry\nlater')).toBe('❌ <b>boom</b>\nretry');
  });

  it('durations', () => {
    expect(formatDuration(65_000)).toBe('1m 05s');
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe('3h 05m');
    expect(formatDuration(2 * 86_400_000 + 3_600_000)).toBe('2d 1h 00m');
  });

  it('status, positions, pnl and flatten report', () => {
    expect(
      formatStatus({
        venues: [
          { id: 'deribit', state: 'ready', ready: true, rttMs: 12.4 },
          { id: 'okx', state: 'reconnecting', ready: false },
        ],
        openTrades: 2,
        killSwitch: { active: false },
        paused: true,
        uptimeMs: 3_723_000,
      }),
    ).toBe(
      '⚠️ <b>Status</b>\n<pre>deribit      ready · ready · 12 ms\nokx          NOT ready · reconnecting\nopen trades  2\nkill switch  off\nentries      paused\nuptime       1h 02m</pre>',
    );
    expect(
      formatPositions([
        {
          venue: 'deribit',
          ok: true,
          items: [
            {
              venue: 'deribit',
              symbol: 'BTC-PERPETUAL',
              size: Decimal.from('-100'),
              avgPrice: Decimal.from('60000'),
              unrealizedPnl: Decimal.from('0.001'),
              updatedAtMs: 0,
            },
          ],
        },
        { venue: 'okx', ok: false, error: 'timeout\nstack' },
      ]),
    ).toBe('📊 <b>Positions</b>\ncould not read okx: timeout\n<pre>deribit BTC-PERPETUAL  -100 @ 60000 · uPnL +0.001</pre>');
    const closed = [trade('a', 'deribit', '0.002'), trade('b', 'deribit', '-0.001'), trade('c', 'okx', '5')];
    expect(formatPnl('day', Date.UTC(2026, 11, 3, 21, 0), closed)).toBe(
      '📈 <b>P&amp;L, last 24 h</b>\nRealized, trades closed since 2026-12-03 21:00 UTC\n<pre>deribit  +0.001 · 2 trade(s), 1 won\nokx      +5 · 1 trade(s), 1 won</pre>',
    );
    expect(
      formatFlattenReport({
        reason: 'x',
        closedTrades: ['a'],
        failedTrades: [{ tradeId: 'b', error: 'venue <down>' }],
        cancelledOrders: [],
        failedCancels: [],
        flat: false,
        rounds: 3,
      }),
    ).toContain('failed b       venue &lt;down&gt;');
  });
});

describe('AlertLimiter', () => {
  it('folds API errors per venue for a window and summarises them with a count', () => {
    const l = new AlertLimiter({ api_error: 60_000 });
    const e = (venue: string) => ({ severity: 'warning' as const, kind: 'api_error', venue, text: `err ${venue}` });
    expect(l.offer(e('okx'), 0)).toBe('send');
    expect(l.offer(e('okx'), 1_000)).toBe('fold');
    expect(l.offer(e('bybit'), 1_000)).toBe('send');
    expect(l.offer(e('okx'), 2_000)).toBe('fold');
    expect(l.due(59_999)).toEqual([]);
    expect(l.due(60_000)).toEqual([{ alert: e('okx'), folded: 2 }]);
    expect(l.offer(e('okx'), 60_001)).toBe('fold');
    expect(l.due(120_000)).toEqual([{ alert: e('okx'), folded: 1 }]);
    expect(l.due(180_000)).toEqual([]);
    expect(l.offer(e('okx'), 180_001)).toBe('send');
  });

  it('never limits critical alerts or trade alerts; the daily report goes once a UTC day', () => {
    const l = new AlertLimiter({ api_error: 60_000 });
    for (let i = 0; i < 5; i++) expect(l.offer({ severity: 'critical', kind: 'api_error', text: 'x' }, i)).toBe('send');
    for (let i = 0; i < 5; i++) expect(l.offer({ severity: 'info', kind: 'trade_opened', text: 'x' }, i)).toBe('send');
    const day = Date.UTC(2026, 11, 4, 8);
    expect(l.offer({ severity: 'info', kind: 'daily_report', text: 'r' }, day)).toBe('send');
    expect(l.offer({ severity: 'info', kind: 'daily_report', text: 'r' }, day + 3_600_000)).toBe('drop');
    expect(l.offer({ severity: 'info', kind: 'daily_report', text: 'r' }, day + 86_400_000)).toBe('send');
  });
});

describe('daily report', () => {
  it('is due once the hour is reached, once per UTC day', () => {
    const at = (h: number) => Date.UTC(2026, 11, 4, h, 30);
    expect(dailyReportDue(at(7), 8, undefined)).toBeUndefined();
    expect(dailyReportDue(at(8), 8, undefined)).toBe('2026-12-04');
    expect(dailyReportDue(at(23), 8, '2026-12-03')).toBe('2026-12-04');
    expect(dailyReportDue(at(9), 8, '2026-12-04')).toBeUndefined();
  });

  it('sums P&L per venue', () => {
    const r = buildDailyReport([trade('a', 'deribit', '1'), trade('b', 'deribit', '-3')], 1, { active: false }, true);
    expect(r.fields).toEqual([
      ['closed trades', '2 (1 won)'],
      ['P&L deribit', '-2'],
      ['open trades', '1'],
      ['kill switch', 'off'],
      ['entries', 'paused'],
    ]);
  });
});

describe('classifyTelegramError', () => {
  const token = '1234:secret-token';
  it('maps 429, 5xx, parse errors, network errors and other 4xx', () => {
    expect(classifyTelegramError(new TelegramApiError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }))).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 7_000,
    });
    expect(classifyTelegramError(new TelegramApiError(502, 'Bad Gateway'))).toMatchObject({
      kind: 'transient',
      message: 'Telegram answered 502: Bad Gateway',
    });
    expect(classifyTelegramError(new TelegramApiError(400, "Bad Request: can't parse entities"))).toMatchObject({ kind: 'unparsable' });
    expect(classifyTelegramError(new TelegramApiError(403, 'Forbidden: bot was blocked by the user'))).toMatchObject({ kind: 'permanent' });
    expect(classifyTelegramError(new TelegramApiError(401, 'Unauthorized'))).toMatchObject({ kind: 'rejected_bot' });
    expect(classifyTelegramError(new NetworkError('Network request failed: sendMessage'))).toMatchObject({ kind: 'transient' });
    expect(classifyTelegramError(new TimeoutError('Request timed out: sendMessage'))).toMatchObject({ kind: 'transient' });
  });
  it('never carries the token', () => {
    const f = classifyTelegramError(new Error(`GET https://api.telegram.org/bot${token}/getMe failed\nat x`), token);
    expect(f.message).toBe('GET https://api.telegram.org/bot[REDACTED]/getMe failed');
    expect(redactToken(`x${encodeURIComponent(token)}y`, token)).toBe('x[REDACTED]y');
  });
});

function trade(id: string, venue: string, pnl: string): TradeRecord {
  return {
    id,
    venue,
    symbol: 'BTC-PERPETUAL',
    side: 'buy',
    size: Decimal.from('1'),
    entryType: 'market',
    stopPrice: Decimal.from('1'),
    state: 'closed',
    source: 'test',
    filledSize: Decimal.from('1'),
    realizedPnl: Decimal.from(pnl),
    createdAtMs: 0,
    updatedAtMs: 0,
    closedAtMs: 1,
  };
}

describe('help reply', () => {
  it('puts each command on its own lines, escaped, never in a wide aligned table', async () => {
    const { formatHelp } = await import('../../src/telegram/replies.js');
    const { htmlToPlain } = await import('../../src/telegram/format.js');
    const text = formatHelp();
    expect(text).toContain('<code>/close &lt;tradeId&gt;</code>\n    Close one trade (asks to confirm)');
    expect(text).not.toContain('<pre>');
    for (const line of htmlToPlain(text).split('\n')) expect(line.length).toBeLessThan(100);
  });
});
