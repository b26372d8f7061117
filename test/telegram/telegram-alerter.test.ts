/** TelegramAlerter over a real socket to a fake Telegram: queueing, retries, outages. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { TelegramAlerter, type TelegramAlerterOptions } from '../../src/alerts/telegram-alerter.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { BotApiClient } from '../../src/telegram/client.js';
import { FakeTelegram } from '../support/fake-telegram.js';
import { type CapturedLogger, captureLogger } from '../support/log-capture.js';
import { waitFor } from '../support/wait.js';

const TOKEN = '123456789:AAFake-telegram-token_xyz';
const CHAT = 1001;

describe('TelegramAlerter over a real socket to a fake Telegram', () => {
  let fake: FakeTelegram;
  let dir: string;
  let log: CapturedLogger;
  const alerters: TelegramAlerter[] = [];
  const stores: SqliteStore[] = [];

  beforeEach(async () => {
    fake = new FakeTelegram(TOKEN);
    await fake.start();
    dir = mkdtempSync(join(tmpdir(), 'tg-alerter-'));
    log = captureLogger('debug');
  });

  afterEach(async () => {
    for (const a of alerters.splice(0)) await a.stop();
    for (const s of stores.splice(0)) s.close();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
    expect(log.text()).not.toContain(TOKEN);
  });

  function openStore(): SqliteStore {
    const store = new SqliteStore({ path: join(dir, 'daemon.sqlite') });
    stores.push(store);
    return store;
  }

  function alerter(store: SqliteStore, options: Partial<TelegramAlerterOptions> = {}): TelegramAlerter {
    const a = new TelegramAlerter({
      store,
      logger: log.logger,
      api: new BotApiClient({ token: TOKEN, apiRoot: fake.url, timeoutMs: 2_000 }),
      chatIds: [CHAT],
      perChatIntervalMs: 0,
      backoffBaseMs: 20,
      maxBackoffMs: 100,
      tickMs: 10,
      token: TOKEN,
      ...options,
    });
    alerters.push(a);
    a.start();
    return a;
  }

  it('sends the exact HTML message, every dynamic value escaped, and marks the outbox row sent', async () => {
    const store = openStore();
    const a = alerter(store);
    a.send({ severity: 'critical', kind: 'kill_switch', text: 'Kill switch ON (telegram): <b>oops</b> & "more"', venue: 'deribit' });
    await waitFor(() => fake.sent.length === 1 && store.countPendingAlerts() === 0);
    expect(fake.sent[0]).toMatchObject({
      chatId: CHAT,
      parseMode: 'HTML',
      text: '🚨 <b>Kill switch · deribit</b>\nKill switch ON (telegram): &lt;b&gt;oops&lt;/b&gt; &amp; &quot;more&quot;',
    });
    a.send({
      severity: 'info',
      kind: 'trade_opened',
      text: 'Long BTC-PERPETUAL on deribit',
      fields: [
        ['trade', 't-1'],
        ['size', '1000'],
        ['stop', '59000'],
      ],
    });
    await waitFor(() => fake.sent.length === 2);
    expect(fake.sent[1]!.text).toBe(
      'ℹ️ <b>Trade opened</b>\nLong BTC-PERPETUAL on deribit\n<pre>trade  t-1\nsize   1000\nstop   59000</pre>',
    );
  });

  it('sends to every allowed chat', async () => {
    const store = openStore();
    alerter(store, { chatIds: [CHAT, -2002] }).send({ severity: 'warning', kind: 'pause', text: 'Entries paused by telegram' });
    await waitFor(() => fake.sent.length === 2 && store.countPendingAlerts() === 0);
    expect(fake.sent.map((m) => m.chatId).sort()).toEqual([-2002, CHAT]);
  });

  it('sends a critical alert ahead of a backlog of info alerts', async () => {
    const store = openStore();
    const a = alerter(store, { perChatIntervalMs: 30 });
    for (let i = 0; i < 10; i++) a.send({ severity: 'info', kind: 'trade_closed', text: `info ${i}` });
    await waitFor(() => fake.sent.length >= 1);
    a.send({ severity: 'critical', kind: 'emergency_close', text: 'Emergency close of t-9' });
    await waitFor(() => fake.sent.length === 11, { timeoutMs: 5_000 });
    const index = fake.sent.findIndex((m) => m.text.includes('Emergency close of t-9'));
    expect(index).toBeGreaterThan(0);
    expect(index).toBeLessThanOrEqual(2);
  });

  it('after an outage sends critical alerts first', async () => {
    const store = openStore();
    fake.setDown({ status: 502 });
    const a = alerter(store);
    for (let i = 0; i < 5; i++) a.send({ severity: 'info', kind: 'trade_closed', text: `info ${i}` });
    a.send({ severity: 'warning', kind: 'pause', text: 'paused' });
    a.send({ severity: 'critical', kind: 'missing_stop', text: 'Stop missing on t-1' });
    await waitFor(() => fake.calls.filter((c) => c.method === 'sendMessage').length >= 2);
    fake.setDown(undefined);
    await waitFor(() => fake.sent.length === 7);
    expect(fake.sent[0]!.text).toContain('Stop missing on t-1');
    expect(fake.sent[1]!.text).toContain('paused');
  });

  it('honours 429 retry_after before sending again', async () => {
    const store = openStore();
    fake.failNext('sendMessage', { status: 429, retryAfter: 1 });
    alerter(store).send({ severity: 'info', kind: 'trade_opened', text: 'opened' });
    await waitFor(() => fake.sent.length === 1, { timeoutMs: 5_000 });
    const attempts = fake.calls.filter((c) => c.method === 'sendMessage');
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[1]!.atMs - attempts[0]!.atMs).toBeGreaterThanOrEqual(990);
    expect(log.find('rate limit').length).toBe(1);
  });

  it('retries 5xx with backoff and delivers once', async () => {
    const store = openStore();
    fake.failNext('sendMessage', { status: 500 }, 2);
    alerter(store).send({ severity: 'warning', kind: 'pause', text: 'paused' });
    await waitFor(() => fake.sent.length === 1 && store.countPendingAlerts() === 0);
    expect(fake.calls.filter((c) => c.method === 'sendMessage').map((c) => c.status)).toEqual([500, 500, 200]);
    const failLines = log.find('will retry');
    expect(failLines.length).toBeGreaterThan(0);
    for (const l of failLines) expect(String(l.msg)).not.toContain('\n');
  });

  it('retries network errors (connection dropped) and delivers once', async () => {
    const store = openStore();
    fake.failNext('sendMessage', { status: 'reset' }, 2);
    alerter(store).send({ severity: 'critical', kind: 'emergency_close', text: 'closing t-7' });
    await waitFor(() => fake.sent.length === 1 && store.countPendingAlerts() === 0);
    expect(fake.calls.filter((c) => c.method === 'sendMessage').map((c) => c.status)).toEqual([0, 0, 200]);
    expect(log.find('cannot reach Telegram').length).toBeGreaterThan(0);
  });

  it('falls back to plain text when Telegram cannot parse the HTML', async () => {
    const store = openStore();
    fake.failNext('sendMessage', { status: 400, description: "Bad Request: can't parse entities: unsupported start tag" });
    alerter(store).send({ severity: 'info', kind: 'trade_opened', text: 'a < b' });
    await waitFor(() => fake.sent.length === 1);
    expect(fake.sent[0]!.parseMode).toBeUndefined();
    expect(fake.sent[0]!.text).toBe('ℹ️ Trade opened\na < b');
  });

  it('delivers a critical alert raised during an outage exactly once, after a crash and a restart', async () => {
    const store1 = openStore();
    fake.setDown({ status: 503 });
    const first = alerter(store1);
    first.send({ severity: 'critical', kind: 'kill_switch', text: 'Kill switch ON (risk): daily loss limit' });
    await waitFor(() => fake.calls.filter((c) => c.method === 'sendMessage').length >= 2);
    await first.stop();
    store1.close();

    const store2 = openStore();
    fake.setDown(undefined);
    const second = alerter(store2);
    await waitFor(() => fake.messagesWith('daily loss limit').length === 1 && store2.countPendingAlerts() === 0);
    // A marker sent after it proves the worker went on and did not send the critical alert again.
    second.send({ severity: 'info', kind: 'trade_opened', text: 'marker' });
    await waitFor(() => fake.messagesWith('marker').length === 1);
    await second.stop();
    store2.close();

    const store3 = openStore();
    const third = alerter(store3);
    third.send({ severity: 'info', kind: 'trade_opened', text: 'marker 2' });
    await waitFor(() => fake.messagesWith('marker 2').length === 1);
    expect(fake.messagesWith('daily loss limit')).toHaveLength(1);
  });

  it('folds API errors per venue into one message a minute with a count', async () => {
    const store = openStore();
    const a = alerter(store, { foldWindowsMs: { api_error: 300 } });
    for (let i = 0; i < 5; i++) a.send({ severity: 'warning', kind: 'api_error', venue: 'okx', text: `timeout ${i}` });
    a.send({ severity: 'warning', kind: 'api_error', venue: 'bybit', text: 'bybit down' });
    await waitFor(() => fake.messagesWith('+4 similar').length === 1);
    expect(fake.messagesWith('timeout').map((m) => htmlLine(m.text, 1))).toEqual(['timeout 0', 'timeout 4']);
    expect(fake.messagesWith('bybit down')).toHaveLength(1);
    expect(a.stats().folded).toBe(4);
  });

  it('bounds the outbox: beyond it non-critical alerts are dropped and counted, critical ones kept', async () => {
    const store = openStore();
    fake.setDown({ status: 502 });
    const a = alerter(store, { maxPending: 10 });
    for (let i = 0; i < 15; i++) a.send({ severity: 'info', kind: 'trade_closed', text: `info ${i}` });
    a.send({ severity: 'critical', kind: 'emergency_close', text: 'critical while full' });
    expect(store.countPendingAlerts()).toBe(11);
    expect(a.stats().dropped).toBe(5);
    fake.setDown(undefined);
    await waitFor(() => fake.messagesWith('were dropped').length === 1, { timeoutMs: 5_000 });
    expect(fake.sent[0]!.text).toContain('critical while full');
    expect(fake.messagesWith('5 non-critical alert(s) were dropped')).toHaveLength(1);
  });

  it('keeps alerts in the outbox while Telegram rejects the bot token', async () => {
    const store = openStore();
    const wrong = '999:AAwrong-token-value';
    const a = new TelegramAlerter({
      store,
      logger: log.logger,
      api: new BotApiClient({ token: wrong, apiRoot: fake.url }),
      chatIds: [CHAT],
      perChatIntervalMs: 0,
      backoffBaseMs: 10,
      maxBackoffMs: 30,
      token: wrong,
    });
    alerters.push(a);
    a.start();
    a.send({ severity: 'critical', kind: 'kill_switch', text: 'must not be lost' });
    await waitFor(() => fake.calls.filter((c) => c.method === 'sendMessage').length >= 3);
    expect(store.countPendingAlerts()).toBe(1);
    expect(log.find('check TELEGRAM_BOT_TOKEN')).toHaveLength(1);
    expect(log.text()).not.toContain(wrong);
  });

  it('gives up on a chat that refuses the alert for good, and still delivers to the others', async () => {
    const store = openStore();
    fake.failNext('sendMessage', { status: 400, description: 'Bad Request: chat not found' });
    alerter(store, { chatIds: [CHAT, -2002] }).send({ severity: 'critical', kind: 'kill_switch', text: 'to both' });
    await waitFor(() => store.countPendingAlerts() === 0);
    expect(fake.sent.map((m) => m.chatId)).toEqual([-2002]);
    expect(log.find('Telegram refused an alert for this chat')).toHaveLength(1);
  });

  it('send never throws, even when the store is closed', () => {
    const store = openStore();
    const a = alerter(store);
    store.close();
    expect(() => a.send({ severity: 'critical', kind: 'kill_switch', text: 'x' })).not.toThrow();
    expect(log.find('could not be queued').length).toBe(1);
  });
});

function htmlLine(html: string, index: number): string {
  return html.split('\n')[index] ?? '';
}
