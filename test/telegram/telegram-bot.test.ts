/** Telegram commands end to end against a fake Telegram and the in-memory venue. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { configSchema } from '../../src/config/schema.js';
import { createTelegram, type Telegram } from '../../src/telegram/index.js';
import type { MemoryVenue } from '../../src/venues/memory/index.js';
import { longIntent, newVenue, ourOpenOrders, type Services, startServices, SYMBOL } from '../orders/harness.js';
import { FakeTelegram, type SentMessage } from '../support/fake-telegram.js';
import { type CapturedLogger, captureLogger } from '../support/log-capture.js';
import { nextEvent, waitFor } from '../support/wait.js';

const TOKEN = '987654321:AAH-another-fake-token_q';
const CHAT = 500;
const USER = 77;

describe('Telegram commands against a fake Telegram and the in-memory venue', () => {
  let fake: FakeTelegram;
  let venue: MemoryVenue;
  let s: Services;
  let telegram: Telegram;
  let log: CapturedLogger;
  let skewMs = 0;
  const clock = { now: () => Date.now() + skewMs };

  beforeEach(async () => {
    skewMs = 0;
    fake = new FakeTelegram(TOKEN);
    await fake.start();
    venue = await newVenue();
    s = await startServices(venue);
    log = captureLogger('debug');
    const config = configSchema.parse({
      telegram: { allowedChatIds: [CHAT, -900], allowedUserIds: [USER], apiRoot: fake.url, pollTimeoutSecs: 1 },
    }).telegram;
    telegram = createTelegram({
      config,
      botToken: TOKEN,
      store: s.store,
      logger: log.logger,
      clock,
      tuning: { perChatIntervalMs: 0, backoffBaseMs: 20 },
    });
    telegram.start({ trading: s.orders, killSwitch: s.killSwitch, venues: [venue] });
    await waitFor(() => fake.commands.length > 0, { message: 'setMyCommands' });
  });

  afterEach(async () => {
    await telegram.stop();
    await s.stop();
    await venue.disconnect();
    await fake.stop();
    expect(log.text()).not.toContain(TOKEN);
  });

  /** The bot's next answer to a chat (info alerts, which start with ℹ️, go to every chat too and are skipped). */
  function nextAnswer(chatId = CHAT): Promise<SentMessage> {
    return nextEvent<SentMessage>((l) => (fake.on('message', l), () => fake.off('message', l)), {
      predicate: (m) => m.chatId === chatId && !m.text.startsWith('ℹ️'),
      message: `answer in chat ${chatId}`,
    });
  }

  /** Sends a command as the allowed user and resolves with the bot's answer. */
  async function command(text: string, chatId = CHAT, userId = USER): Promise<SentMessage> {
    const reply = nextAnswer(chatId);
    fake.pushMessage({ chatId, userId, text });
    return reply;
  }

  async function openLong(): Promise<string> {
    const result = await s.orders.openTrade(longIntent());
    expect(result.status).toBe('accepted');
    const tradeId = (result as { tradeId: string }).tradeId;
    await waitFor(async () => (await venue.positions()).some((p) => !p.size.isZero()) && s.store.getTrade(tradeId)?.state === 'open');
    return tradeId;
  }

  async function press(question: SentMessage, which: 0 | 1, userId = USER): Promise<void> {
    const answered = nextEvent<{ id: string }>((l) => (fake.on('answer', l), () => fake.off('answer', l)));
    fake.pushCallback({ chatId: question.chatId, userId, data: question.buttons[which]!.data, messageId: question.messageId });
    await answered;
  }

  it('registers the command menu', () => {
    expect(fake.commands.map((c) => c.command)).toEqual([
      'status',
      'positions',
      'orders',
      'balance',
      'pnl',
      'trades',
      'pause',
      'resume',
      'kill',
      'close',
      'open',
      'help',
    ]);
  });

  it('/status shows venues, open trades, kill switch, pause and uptime', async () => {
    await openLong();
    const reply = await command('/status');
    expect(reply.parseMode).toBe('HTML');
    expect(reply.text).toMatch(/^✅ <b>Status<\/b>\n<pre>/);
    expect(reply.text).toMatch(/<pre>memory +ready · ready · \d+ ms\n/);
    expect(reply.text).toMatch(/\nopen trades +1\n/);
    expect(reply.text).toMatch(/\nkill switch +off\n/);
    expect(reply.text).toMatch(/\nentries +allowed\n/);
    expect(reply.text).toMatch(/\nuptime +\dm \d\ds/);
  });

  it('ignores, without answering, commands from an unknown chat or from an unknown user in an allowed chat, logging each sender once', async () => {
    const tradeId = await openLong();
    fake.pushMessage({ chatId: 666, userId: USER, text: '/kill now' });
    fake.pushMessage({ chatId: -900, userId: 31337, text: '/kill now' });
    fake.pushMessage({ chatId: -900, userId: 31337, text: '/pause' });
    fake.pushMessage({ chatId: -900, userId: 31337, text: `/close ${tradeId}` });
    const status = await command('/status', -900, USER);
    expect(status.text).toContain('Status');
    await waitFor(() => log.find('not allow-listed').length === 2);
    expect(fake.sent.filter((m) => !m.text.startsWith('ℹ️'))).toHaveLength(1);
    expect(s.killSwitch.isActive()).toBe(false);
    expect(s.killSwitch.isPaused()).toBe(false);
    expect(s.store.getTrade(tradeId)?.state).toBe('open');
    const lines = log.find('not allow-listed');
    expect(lines.map((l) => [l.chatId, l.userId])).toEqual([
      [666, USER],
      [-900, 31337],
    ]);
    expect(String(lines[0]!.msg)).toContain('telegram.allowedUserIds');
  });

  it('ignores button presses from a user who is not allow-listed', async () => {
    await openLong();
    const question = await command('/kill');
    fake.pushCallback({ chatId: CHAT, userId: 4040, data: question.buttons[0]!.data, messageId: question.messageId });
    await waitFor(() => log.find('not allow-listed').length === 1);
    expect(fake.callbackAnswers).toHaveLength(0);
    expect(s.killSwitch.isActive()).toBe(false);
  });

  it('/kill asks; the confirm button turns the kill switch on and leaves the venue flat', async () => {
    await openLong();
    const question = await command('/kill');
    expect(question.text).toContain('Kill switch?');
    expect(question.buttons.map((b) => b.text)).toEqual(['🛑 Confirm: flatten all', 'Cancel']);
    expect(s.killSwitch.isActive()).toBe(false);
    const report = nextAnswer();
    await press(question, 0);
    expect((await report).text).toContain('Kill switch ON — flat');
    expect(s.killSwitch.isActive()).toBe(true);
    expect((await venue.positions()).filter((p) => !p.size.isZero())).toEqual([]);
    expect(await ourOpenOrders(venue)).toEqual([]);
    // The button is single use.
    await press(question, 0);
    expect(fake.callbackAnswers.at(-1)?.text).toContain('no longer valid');
  });

  it('an expired confirm does nothing', async () => {
    const tradeId = await openLong();
    const question = await command('/kill');
    skewMs = 61_000;
    await press(question, 0);
    expect(fake.callbackAnswers.at(-1)?.text).toBe('Expired: nothing was done.');
    await waitFor(() => fake.edits.some((e) => e.text.includes('Expired')));
    expect(s.killSwitch.isActive()).toBe(false);
    expect(s.store.getTrade(tradeId)?.state).toBe('open');
    expect((await venue.positions()).some((p) => !p.size.isZero())).toBe(true);
  });

  it('cancel does nothing', async () => {
    await openLong();
    const question = await command('/kill');
    await press(question, 1);
    expect(fake.callbackAnswers.at(-1)?.text).toBe('Cancelled.');
    expect(s.killSwitch.isActive()).toBe(false);
  });

  it('/kill now flattens without asking', async () => {
    await openLong();
    const reply = await command('/kill now');
    expect(reply.text).toContain('Kill switch ON — flat');
    expect(reply.buttons).toEqual([]);
    expect(s.killSwitch.isActive()).toBe(true);
    const resumed = await command('/resume');
    expect(resumed.text).toContain('Entries allowed');
    expect(s.killSwitch.isActive()).toBe(false);
  });

  it('/open opens a protected trade: the stop rests on the venue', async () => {
    const reply = await command(`/open memory ${SYMBOL} buy 1000 sl=59000 tp=61000`);
    expect(reply.text).toContain('Trade accepted');
    const tradeId = /trade\s+(\S+)/.exec(reply.text)![1]!;
    expect(s.store.getTrade(tradeId)?.source).toBe('telegram');
    await waitFor(async () => (await ourOpenOrders(venue)).some((o) => o.triggerPrice?.toString() === '59000' && o.reduceOnly), {
      message: 'stop resting on the venue',
    });
  });

  it('/open answers a refusal in one line with what to do', async () => {
    s.killSwitch.pause('test');
    const reply = await command(`/open memory ${SYMBOL} buy 1000 sl=59000`);
    expect(reply.text).toContain('Trade refused');
    expect(reply.text).toContain('/resume');
    const bad = await command(`/open memory ${SYMBOL} buy 1000`);
    expect(bad.text).toBe(
      '❌ <b>every trade needs a stop: add sl=&lt;price&gt;</b>\nUsage: /open &lt;venue&gt; &lt;symbol&gt; &lt;buy|sell&gt; &lt;size&gt; sl=&lt;price&gt; [tp=&lt;price&gt;] [limit=&lt;price&gt;]',
    );
    const venueBad = await command(`/open nowhere ${SYMBOL} buy 1000 sl=59000`);
    expect(venueBad.text).toContain('Unknown venue');
  });

  it('/close asks, and the confirm closes the trade', async () => {
    const tradeId = await openLong();
    const question = await command(`/close ${tradeId}`);
    expect(question.text).toContain(`Close ${tradeId}?`);
    const result = nextAnswer();
    await press(question, 0);
    expect((await result).text).toContain('Trade closed');
    expect(s.store.getTrade(tradeId)?.state).toBe('closed');
    const trades = await command('/trades 5');
    expect(trades.text).toContain(tradeId);
    const pnl = await command('/pnl week');
    expect(pnl.text).toContain('P&amp;L, last 7 days');
    expect(pnl.text).toContain('1 trade(s)');
    const unknown = await command('/close nope');
    expect(unknown.text).toContain('No trade &quot;nope&quot;');
  });

  it('/positions, /orders, /balance, /help, /pause answer', async () => {
    await openLong();
    expect((await command('/positions')).text).toContain(`memory ${SYMBOL}  +1000 @`);
    expect((await command('/orders')).text).toContain('trigger 59000');
    expect((await command('/balance')).text).toContain('Balances');
    expect((await command('/help')).text).toContain('/kill [now]');
    expect((await command('/pause')).text).toContain('Entries paused');
    expect(s.killSwitch.isPaused()).toBe(true);
    expect((await command('/frobnicate')).text).toContain('unknown command /frobnicate');
  });

  it('refuses a command queued while the daemon was down', async () => {
    await openLong();
    const reply = nextAnswer();
    fake.pushMessage({ chatId: CHAT, userId: USER, text: '/kill now', dateSecs: Math.floor(Date.now() / 1000) - 600 });
    expect((await reply).text).toContain('Ignored an old command');
    expect(s.killSwitch.isActive()).toBe(false);
  });

  it('sends trade opened and closed alerts from the order manager events', async () => {
    const tradeId = await openLong();
    await waitFor(() => fake.messagesWith('Trade opened', CHAT).length === 1 && fake.messagesWith('Trade opened', -900).length === 1);
    expect(fake.messagesWith('Trade opened', CHAT)[0]!.text).toContain(`Long ${SYMBOL} on memory`);
    await s.orders.closeTrade(tradeId, 'test close');
    await waitFor(() => fake.messagesWith('Trade closed', CHAT).length === 1);
    expect(fake.messagesWith('Trade closed', CHAT)[0]!.text).toMatch(/P&amp;L +-?\d/);
    expect(fake.messagesWith('Trade opened', CHAT)).toHaveLength(1);
  });
});
