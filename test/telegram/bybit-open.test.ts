/**
 * Telegram `/open bybit ...` against a fake Telegram and the simulated Bybit, with both symbol
 * forms: linear BTCUSDT / BTC/USDT:USDT (size in BTC) and inverse BTCUSD / BTC/USD:BTC (USD contracts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { configSchema } from '../../src/config/schema.js';
import { createTelegram, type Telegram } from '../../src/telegram/index.js';
import { type Services, startServices } from '../orders/harness.js';
import { type BybitHarness, startBybitHarness } from '../support/bybit-harness.js';
import { FakeTelegram, type SentMessage } from '../support/fake-telegram.js';
import { captureLogger } from '../support/log-capture.js';
import { nextEvent, waitFor } from '../support/wait.js';

const TOKEN = '321321321:AAH-bybit-fake-token_yy';
const CHAT = 502;
const USER = 79;

describe('Telegram /open on the simulated Bybit', () => {
  let fake: FakeTelegram;
  let bybit: BybitHarness;
  let s: Services;
  let telegram: Telegram;

  beforeEach(async () => {
    fake = new FakeTelegram(TOKEN);
    await fake.start();
    bybit = await startBybitHarness();
    await waitFor(() => bybit.venue.instrument('BTCUSDT') && bybit.venue.instrument('BTCUSD'), { message: 'bybit instruments loaded' });
    s = await startServices(bybit.venue);
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
    telegram.start({ trading: s.orders, killSwitch: s.killSwitch, venues: [bybit.venue] });
    await waitFor(() => fake.commands.length > 0, { message: 'setMyCommands' });
  });

  afterEach(async () => {
    await telegram.stop();
    await s.stop();
    await bybit.close();
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

  it.each([
    ['BTCUSDT', 'BTCUSDT', '0.02'],
    ['BTC/USDT:USDT', 'BTCUSDT', '0.02'],
    ['BTCUSD', 'BTCUSD', '1200'],
    ['BTC/USD:BTC', 'BTCUSD', '1200'],
  ])(
    '/open bybit %s buy opens a protected long: position, stop and take-profit on the simulator, trade in the store, orders listed',
    async (symbol, native, size) => {
      const reply = await command(`/open bybit ${symbol} buy ${size} sl=59000 tp=61000`);
      expect(reply.text).toContain('Trade accepted');
      const tradeId = /trade\s+(\S+)/.exec(reply.text)?.[1] ?? '';
      await waitFor(() => bybit.sim.engine.position(native).size.toString() === size, { message: `bybit ${native} long of ${size}` });
      const protective = (): string[] =>
        bybit.sim.engine
          .openOrders(native)
          .filter((o) => o.kind === 'conditional' && o.reduceOnly && o.side === 'sell')
          .map((o) => `${o.trigger?.price.toString() ?? ''} ${o.trigger?.direction ?? ''}`)
          .sort();
      await waitFor(() => protective().length === 2, { message: 'stop and take-profit resting on the simulated bybit' });
      expect(protective()).toEqual(['59000 falling', '61000 rising']);
      await waitFor(() => s.store.getTrade(tradeId)?.state === 'open', { message: 'trade open in the store' });
      expect(s.store.getTrade(tradeId)).toMatchObject({ venue: 'bybit', symbol: native, source: 'telegram' });

      // /orders reads the venue: both protective orders, under the venue's own name, with our client ids.
      const orders = await command('/orders');
      expect(orders.text).toContain(`bybit ${native}`);
      expect(orders.text).toContain(`vd1${tradeId}S1`);
      expect(orders.text).toContain(`vd1${tradeId}T1`);
    },
  );
});
