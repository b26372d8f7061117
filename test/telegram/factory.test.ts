/** createTelegram: alerts to the log only without a token or an allowed chat; sending, daily report and command answers with them. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { LogAlerter } from '../../src/alerts/log-alerter.js';
import { configSchema } from '../../src/config/schema.js';
import type { VenueEventListener } from '../../src/domain/events.js';
import type { KillSwitchState } from '../../src/domain/trade.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { DAILY_REPORT_SETTING } from '../../src/telegram/daily-report.js';
import { createTelegram, type KillSwitchPort, type Telegram, type TradingPort, type VenuePort } from '../../src/telegram/index.js';
import { FakeTelegram, type SentMessage } from '../support/fake-telegram.js';
import { type CapturedLogger, captureLogger } from '../support/log-capture.js';
import { nextEvent, waitFor } from '../support/wait.js';

const TOKEN = '55555:AAH-factory-token-zz';
const CHAT = 42;
const USER = 7;

function stubs(): {
  trading: TradingPort;
  killSwitch: KillSwitchPort;
  venue: VenuePort & { emit(e: Parameters<VenueEventListener>[0]): void };
} {
  let ks: KillSwitchState = { active: false };
  const listeners: VenueEventListener[] = [];
  return {
    trading: {
      activeTrades: () => [],
      openTrade: () => Promise.reject(new Error('database is locked\n    at Statement.run (node_modules/better-sqlite3/lib/x.js:1:1)')),
      closeTrade: () => Promise.reject(new Error('not used')),
      onTradeEvent: () => () => {},
    },
    killSwitch: {
      state: () => ks,
      isPaused: () => false,
      activate: async (reason) => {
        ks = { active: true, reason };
        return { reason, closedTrades: [], failedTrades: [], cancelledOrders: [], failedCancels: [], flat: true, rounds: 1 };
      },
      pause: () => {},
      resume: () => {},
    },
    venue: {
      id: 'deribit',
      connectionState: () => 'reconnecting',
      isReady: () => false,
      clockOffset: () => undefined,
      positions: () => Promise.reject(new Error('Deribit answered 10028 "too_many_requests"\n  at somewhere')),
      openOrders: async () => [],
      balances: async () => [],
      subscribe: (l) => {
        listeners.push(l);
        return () => listeners.splice(listeners.indexOf(l), 1);
      },
      emit: (e) => listeners.forEach((l) => l(e)),
    },
  };
}

describe('createTelegram', () => {
  let fake: FakeTelegram;
  let store: SqliteStore;
  let log: CapturedLogger;
  let telegram: Telegram | undefined;

  beforeEach(async () => {
    fake = new FakeTelegram(TOKEN);
    await fake.start();
    store = new SqliteStore({ path: ':memory:' });
    log = captureLogger('debug');
  });

  afterEach(async () => {
    await telegram?.stop();
    telegram = undefined;
    store.close();
    await fake.stop();
    expect(log.text()).not.toContain(TOKEN);
  });

  function config(extra: Record<string, unknown> = {}) {
    return configSchema.parse({
      telegram: { allowedChatIds: [CHAT], allowedUserIds: [USER], apiRoot: fake.url, pollTimeoutSecs: 1, ...extra },
    }).telegram;
  }

  it('without a token alerts go to the log only, as before', async () => {
    telegram = createTelegram({ config: config(), botToken: undefined, store, logger: log.logger });
    expect(telegram.enabled).toBe(false);
    expect(telegram.alerter).toBeInstanceOf(LogAlerter);
    const s = stubs();
    telegram.start({ trading: s.trading, killSwitch: s.killSwitch, venues: [s.venue] });
    telegram.alerter.send({ severity: 'critical', kind: 'kill_switch', text: 'Kill switch ON' });
    expect(log.find('ALERT Kill switch ON')).toHaveLength(1);
    expect(log.find('no bot token')).toHaveLength(1);
    expect(store.countPendingAlerts()).toBe(0);
    expect(fake.calls).toHaveLength(0);
  });

  it('with a token but no allowed chat, alerts go to the log and commands are off', () => {
    telegram = createTelegram({ config: config({ allowedChatIds: [] }), botToken: TOKEN, store, logger: log.logger });
    expect(telegram.enabled).toBe(false);
    const s = stubs();
    telegram.start({ trading: s.trading, killSwitch: s.killSwitch, venues: [s.venue] });
    expect(log.find('allowedChatIds is empty')).toHaveLength(1);
  });

  it('sends alerts raised before start, the daily report once a day (not again after a restart), and folded reconnect alerts', async () => {
    telegram = createTelegram({
      config: config(),
      botToken: TOKEN,
      store,
      logger: log.logger,
      tuning: { perChatIntervalMs: 0, backoffBaseMs: 20 },
    });
    telegram.alerter.send({ severity: 'critical', kind: 'kill_switch', text: 'raised before start' });
    const s = stubs();
    telegram.start({ trading: s.trading, killSwitch: s.killSwitch, venues: [s.venue] });
    await waitFor(() => fake.messagesWith('raised before start').length === 1 && fake.messagesWith('Daily report').length === 1);
    expect(fake.sent[0]!.text).toContain('raised before start');
    expect(store.getSetting(DAILY_REPORT_SETTING)).toBe(new Date().toISOString().slice(0, 10));
    s.venue.emit({ type: 'connection', venue: 'deribit', state: 'reconnecting', detail: 'socket closed <1006>' });
    s.venue.emit({ type: 'connection', venue: 'deribit', state: 'reconnecting' });
    await waitFor(() => fake.messagesWith('Venue reconnecting').length === 1);
    expect(fake.messagesWith('Venue reconnecting')[0]!.text).toBe(
      '⚠️ <b>Venue reconnecting · deribit</b>\nConnection lost, reconnecting: socket closed &lt;1006&gt;.',
    );
    await telegram.stop();

    telegram = createTelegram({
      config: config(),
      botToken: TOKEN,
      store,
      logger: log.logger,
      tuning: { perChatIntervalMs: 0, backoffBaseMs: 20 },
    });
    telegram.start({ trading: s.trading, killSwitch: s.killSwitch, venues: [s.venue] });
    telegram.alerter.send({ severity: 'info', kind: 'trade_opened', text: 'marker' });
    await waitFor(() => fake.messagesWith('marker').length === 1);
    expect(fake.messagesWith('Daily report')).toHaveLength(1);
  });

  it('a failing command answers one line saying what went wrong and what to do, never a stack', async () => {
    telegram = createTelegram({
      config: config(),
      botToken: TOKEN,
      store,
      logger: log.logger,
      tuning: { perChatIntervalMs: 0, backoffBaseMs: 20 },
    });
    const s = stubs();
    telegram.start({ trading: s.trading, killSwitch: s.killSwitch, venues: [s.venue] });
    await waitFor(() => fake.commands.length > 0);
    const answer = (text: string): Promise<SentMessage> => {
      const p = nextEvent<SentMessage>((l) => (fake.on('message', l), () => fake.off('message', l)), {
        predicate: (m) => m.text.startsWith('❌') || m.text.startsWith('📊') || m.text.startsWith('⚠️ <b>Status'),
      });
      fake.pushMessage({ chatId: CHAT, userId: USER, text });
      return p;
    };
    const open = await answer('/open deribit BTC-PERPETUAL buy 10 sl=50000');
    expect(open.text).toBe('❌ <b>/open failed: database is locked</b>\nCheck /status and the daemon log, then try again.');
    const positions = await answer('/positions');
    expect(positions.text).toBe(
      '📊 <b>Positions</b>\nNo open positions.\ncould not read deribit: Deribit answered 10028 &quot;too_many_requests&quot;',
    );
    const status = await answer('/status');
    expect(status.text).toContain('deribit      NOT ready · reconnecting');
    for (const m of fake.sent) expect(m.text).not.toMatch(/\bat \S+ \(/);
    for (const l of log.lines) expect(String(l.msg ?? '')).not.toContain('\n');
  });

  it('keeps polling through a Telegram outage and answers once it is back', async () => {
    fake.setDown({ status: 502 });
    telegram = createTelegram({
      config: config(),
      botToken: TOKEN,
      store,
      logger: log.logger,
      tuning: { perChatIntervalMs: 0, backoffBaseMs: 20 },
    });
    const s = stubs();
    telegram.start({ trading: s.trading, killSwitch: s.killSwitch, venues: [s.venue] });
    await waitFor(() => fake.calls.filter((c) => c.method === 'deleteWebhook').length >= 2);
    expect(log.find('Telegram polling failed').length).toBe(1);
    fake.setDown(undefined);
    await waitFor(() => fake.commands.length > 0);
    const reply = nextEvent<SentMessage>((l) => (fake.on('message', l), () => fake.off('message', l)), {
      predicate: (m) => m.text.includes('Kill switch ON'),
    });
    fake.pushMessage({ chatId: CHAT, userId: USER, text: '/kill now' });
    expect((await reply).text).toContain('Kill switch ON — flat');
    expect(s.killSwitch.state().active).toBe(true);
  });
});
