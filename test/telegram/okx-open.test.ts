/** Telegram `/open okx ...` against a fake Telegram and the simulated OKX, with both symbol forms. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { configSchema } from '../../src/config/schema.js';
import { createTelegram, type Telegram } from '../../src/telegram/index.js';
import { type Services, startServices } from '../orders/harness.js';
import { FakeTelegram, type SentMessage } from '../support/fake-telegram.js';
import { captureLogger } from '../support/log-capture.js';
import { type OkxHarness, startOkxHarness } from '../support/okx-harness.js';
import { nextEvent, waitFor } from '../support/wait.js';

const TOKEN = '123123123:AAH-okx-fake-token_zz';
const CHAT = 501;
const USER = 78;

describe('Telegram /open on the simulated OKX', () => {
  let fake: FakeTelegram;
  let okx: OkxHarness;
  let s: Services;
  let telegram: Telegram;

  beforeEach(async () => {
    fake = new FakeTelegram(TOKEN);
    await fake.start();
    okx = await startOkxHarness();
    await waitFor(() => okx.venue.instrument('BTC-USDT-SWAP'), { message: 'okx instruments loaded' });
    s = await startServices(okx.venue);
    const config = configSchema.parse({
      telegram: { allowedChatIds: [CHAT], allowedUserIds: [USER], apiRoot: fake.url, pollTimeoutSecs: 1 },
    }).telegram;
    telegram = createTelegram({
      config,
      botToken: TOKEN,
      store: s.store,
      logger: captureLogger('silent').logger,
      tuning: { perChatIntervalMs: 0, backoffBaseMs: 20 },
    });
    telegram.start({ trading: s.orders, killSwitch: s.killSwitch, venues: [okx.venue] });
    await waitFor(() => fake.commands.length > 0, { message: 'setMyCommands' });
  });

  afterEach(async () => {
    await telegram.stop();
    await s.stop();
    await okx.close();
    await fake.stop();
  });

  async function command(text: string): Promise<SentMessage> {
    const reply = nextEvent<SentMessage>((l) => (fake.on('message', l), () => fake.off('message', l)), {
      predicate: (m) => m.chatId === CHAT && !m.text.startsWith('ℹ️'),
      message: 'answer to the command',
    });
    fake.pushMessage({ chatId: CHAT, userId: USER, text });
    return reply;
  }

  it.each(['BTC-USDT-SWAP', 'BTC/USDT:USDT'])(
    '/open okx %s buy 3 opens a protected 3-contract long: position and stop on the simulator, trade in the store',
    async (symbol) => {
      const reply = await command(`/open okx ${symbol} buy 3 sl=59000 tp=61000`);
      expect(reply.text).toContain('Trade accepted');
      const tradeId = /trade\s+(\S+)/.exec(reply.text)?.[1] ?? '';
      await waitFor(() => okx.sim.engine.position('BTC-USDT-SWAP')?.size.toString() === '3', { message: 'okx long of 3 contracts' });
      await waitFor(
        () => okx.sim.engine.openAlgos('BTC-USDT-SWAP').some((a) => a.reduceOnly && a.stopLoss?.triggerPrice.toString() === '59000'),
        { message: 'stop resting on the simulated okx' },
      );
      await waitFor(() => s.store.getTrade(tradeId)?.state === 'open', { message: 'trade open in the store' });
      expect(s.store.getTrade(tradeId)).toMatchObject({ venue: 'okx', symbol: 'BTC-USDT-SWAP', source: 'telegram' });
    },
  );
});
