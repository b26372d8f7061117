/**
 * The daemon as a newcomer meets it: in sim mode with the example strategy it opens trades,
 * protects them and closes them; and a webhook signal opens a protected trade in the running daemon.
 */
import { afterEach, describe, expect, it } from 'vitest';

import {
  DAEMON_ENTRY,
  killLeftovers,
  type RunningProcess,
  scratchDir,
  startProcess,
  testConfig,
  withDeadline,
} from '../support/daemon-process.js';

const SECRET = 'a-webhook-secret-for-tests-0123';

describe('sim mode that trades', () => {
  const running: RunningProcess[] = [];
  afterEach(() => killLeftovers(running));

  it('the example strategy opens a trade, protects it with a stop and a target, and the trade closes with P&L', async () => {
    const { dir, configDir } = scratchDir(
      testConfig({
        venues: { deribit: { enabled: true, environment: 'sim' } },
        sim: { annualVolatility: 8, seed: 7 },
        strategies: {
          enabled: ['example-momentum'],
          'example-momentum': { size: '100', stopPct: 0.3, takeProfitPct: 0.3, lookbackSecs: 1, cooldownSecs: 0 },
        },
      }),
    );
    const p = startProcess([DAEMON_ENTRY, '--config-dir', configDir], { cwd: dir });
    running.push(p);
    const asked = await p.waitForLine((l) => l.msg === 'strategy example-momentum asks for an entry', 20_000);
    expect(asked).toMatchObject({ component: 'strategies', venue: 'deribit', symbol: 'BTC-PERPETUAL', size: '100' });
    const filled = await p.waitForLine((l) => l.msg === 'entry filled; protecting the filled quantity', 10_000);
    const tradeId = String(filled.tradeId);
    await p.waitForLine((l) => l.msg === 'stop_loss placed' && l.tradeId === tradeId, 10_000);
    await p.waitForLine((l) => l.msg === 'take_profit placed' && l.tradeId === tradeId, 10_000);
    const closed = await p.waitForLine((l) => l.msg === 'trade closed' && l.tradeId === tradeId, 60_000);
    expect(String(closed.reason)).toMatch(/stop-loss filled|take-profit filled/);
    expect(closed.pnl).toEqual(expect.any(String));
    p.child.kill('SIGTERM');
    expect(await withDeadline(p.exited, 8_000, 'exit after SIGTERM')).toBe(0);
  });

  it('a webhook signal opens a protected trade in the running daemon; a replay opens nothing', async () => {
    const { dir, configDir } = scratchDir(
      testConfig({
        venues: { deribit: { enabled: true, environment: 'sim' } },
        webhook: { enabled: true, host: '127.0.0.1', port: 0 },
      }),
    );
    const p = startProcess([DAEMON_ENTRY, '--config-dir', configDir], { cwd: dir, env: { WEBHOOK_SECRET: SECRET } });
    running.push(p);
    const listening = await p.waitForLine(
      (l) => l.msg === 'webhook listening for entry signals (put TLS in front of it before exposing it)',
    );
    const url = String(listening.url);
    await p.waitForLine((l) => l.msg === 'start-up reconciliation finished; entries accepted', 15_000);
    const body = {
      id: 'tv-42',
      venue: 'deribit',
      symbol: 'BTC/USD:BTC',
      side: 'buy',
      size: '100',
      stopLoss: '1000',
      takeProfit: '1000000',
      secret: SECRET,
    };
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(body) });
    const answer = (await res.json()) as { tradeId: string; status: string };
    expect(res.status).toBe(202);
    expect(answer.status).toBe('accepted');
    await p.waitForLine((l) => l.msg === 'stop_loss placed' && l.tradeId === answer.tradeId, 10_000);
    const replay = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, secret: undefined }),
    });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ tradeId: answer.tradeId, replay: true });
    expect(p.stdout().match(/"msg":"trade persisted; sending entry"/g)).toHaveLength(1);
    expect(p.stdout() + p.stderr()).not.toContain(SECRET);
    p.child.kill('SIGTERM');
    expect(await withDeadline(p.exited, 8_000, 'exit after SIGTERM')).toBe(0);
  });
});
