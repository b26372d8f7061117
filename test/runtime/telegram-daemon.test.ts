/**
 * Telegram as the operator meets it, against the real daemon (a child process) and a local fake of
 * the Bot API: a trade's life in messages, and a critical alert raised during an outage that
 * survives a SIGKILL and arrives exactly once after the restart.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  DAEMON_ENTRY,
  killLeftovers,
  type RunningProcess,
  scratchDir,
  startProcess,
  testConfig,
  withDeadline,
} from '../support/daemon-process.js';
import { FakeTelegram } from '../support/fake-telegram.js';
import { waitFor } from '../support/wait.js';

const TOKEN = '123456789:AAH-daemon-test-token_x';
const CHAT = 4242;
const USER = 4242;

describe('Telegram with the daemon', () => {
  let fake: FakeTelegram;
  const running: RunningProcess[] = [];
  beforeEach(async () => {
    fake = new FakeTelegram(TOKEN);
    await fake.start();
  });
  afterEach(async () => {
    killLeftovers(running);
    await fake.stop();
  });

  function config(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return testConfig({
      venues: { deribit: { enabled: true, environment: 'sim' } },
      telegram: { allowedChatIds: [CHAT], allowedUserIds: [USER], apiRoot: fake.url, pollTimeoutSecs: 1 },
      ...extra,
    });
  }

  function start(dir: string, configDir: string): RunningProcess {
    const p = startProcess([DAEMON_ENTRY, '--config-dir', configDir], { cwd: dir, env: { TELEGRAM_BOT_TOKEN: TOKEN } });
    running.push(p);
    return p;
  }

  async function outboxPending(healthUrl: string): Promise<number> {
    const body = (await (await fetch(healthUrl)).json()) as { components: Array<{ name: string; detail: { outboxPending?: number } }> };
    return body.components.find((c) => c.name === 'telegram')?.detail.outboxPending ?? -1;
  }

  it("a trade's life reaches Telegram: opened and protected, then closed by its stop or target with P&L", async () => {
    const { dir, configDir } = scratchDir(
      config({
        sim: { annualVolatility: 8, seed: 11 },
        strategies: {
          enabled: ['example-momentum'],
          'example-momentum': { size: '100', stopPct: 0.03, takeProfitPct: 0.03, lookbackSecs: 1, cooldownSecs: 60 },
        },
      }),
    );
    const p = start(dir, configDir);
    const opened = await waitFor(() => fake.messagesWith('Trade opened', CHAT)[0], { timeoutMs: 30_000, message: 'trade opened message' });
    expect(opened.parseMode).toBe('HTML');
    expect(opened.text).toMatch(
      /^ℹ️ <b>Trade opened · deribit<\/b>\n(Long|Short) BTC-PERPETUAL on deribit, protected: stop and target resting for 100\n<pre>trade +\w{16}\nsize +100\nentry +[\d.]+\nstop +[\d.]+\ntarget +[\d.]+<\/pre>$/,
    );
    const tradeId = /trade +(\w{16})/.exec(opened.text)?.[1];
    const closed = await waitFor(() => fake.messagesWith(String(tradeId), CHAT).find((m) => m.text.includes('Trade closed')), {
      timeoutMs: 60_000,
      message: 'trade closed message',
    });
    expect(closed.text).toMatch(
      /^ℹ️ <b>Trade closed · deribit<\/b>\n(Long|Short) BTC-PERPETUAL on deribit: (stop-loss|take-profit) filled\n<pre>[\s\S]*\nP&amp;L +-?\d+(\.\d+)?<\/pre>$/,
    );
    expect(fake.messagesWith('Trade opened', CHAT).filter((m) => m.text.includes(tradeId ?? '?'))).toHaveLength(1);
    p.child.kill('SIGTERM');
    expect(await withDeadline(p.exited, 8_000, 'exit after SIGTERM')).toBe(0);
  }, 120_000);

  it('a critical alert raised while Telegram is down survives a SIGKILL and arrives exactly once after the restart; the kill switch stays on', async () => {
    const { dir, configDir } = scratchDir(config());
    const a = start(dir, configDir);
    const health = String((await a.waitForLine((l) => l.msg === 'health endpoint listening')).url);
    await waitFor(() => fake.commands.length > 0, { timeoutMs: 15_000, message: 'bot menu registered' });
    await a.waitForLine((l) => l.msg === 'start-up reconciliation finished; entries accepted', 15_000);

    fake.setDown({ status: 502 }); // sends fail; commands still arrive
    fake.pushMessage({ chatId: CHAT, userId: USER, text: '/kill now' });
    await a.waitForLine((l) => typeof l.msg === 'string' && l.msg.startsWith('ALERT Kill switch ON'), 10_000);
    await waitFor(async () => (await outboxPending(health)) >= 2 && fake.pendingUpdates() === 0, {
      timeoutMs: 10_000,
      message: 'alerts waiting in the outbox, /kill confirmed',
    });
    expect(fake.messagesWith('<b>Kill switch</b>')).toHaveLength(0);
    a.child.kill('SIGKILL');
    await withDeadline(a.exited, 5_000, 'SIGKILL');

    fake.setDown(undefined);
    const b = start(dir, configDir);
    const health2 = String((await b.waitForLine((l) => l.msg === 'health endpoint listening')).url);
    await waitFor(async () => fake.messagesWith('<b>Kill switch</b>', CHAT).length >= 2 && (await outboxPending(health2)) === 0, {
      timeoutMs: 20_000,
      message: 'the outbox delivered after the restart',
    });
    const texts = fake.messagesWith('<b>Kill switch</b>', CHAT).map((m) => m.text);
    expect(new Set(texts).size).toBe(texts.length); // each alert exactly once
    expect(texts).toHaveLength(2);
    expect(texts.every((t) => t.startsWith('🚨'))).toBe(true);
    expect(texts.some((t) => t.includes('Kill switch ON (telegram)'))).toBe(true);
    expect(texts.some((t) => t.includes('verified flat'))).toBe(true);

    fake.pushMessage({ chatId: CHAT, userId: USER, text: '/status' });
    const status = await waitFor(() => fake.messagesWith('<b>Status</b>', CHAT)[0], { timeoutMs: 10_000, message: '/status answer' });
    expect(status.text).toMatch(/kill switch +ON/);
    b.child.kill('SIGTERM');
    expect(await withDeadline(b.exited, 8_000, 'exit after SIGTERM')).toBe(0);
  }, 90_000);
});
