/**
 * `npm start` with no keys, as shipped: the repository's config/default.json runs simulated Deribit
 * and OKX together, /healthz is 200 with both, and the example strategy trades on both (OKX sized
 * in contracts of ctVal from a USD notional).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import {
  DAEMON_ENTRY,
  killLeftovers,
  REPO_ROOT,
  type RunningProcess,
  scratchDir,
  startProcess,
  testConfig,
  withDeadline,
} from '../support/daemon-process.js';
import { waitFor } from '../support/wait.js';

interface Health {
  readonly ok: boolean;
  readonly components: ReadonlyArray<{ readonly name: string; readonly ok: boolean; readonly detail: Record<string, unknown> }>;
}

describe('sim mode on both venues, default config, no keys', () => {
  const running: RunningProcess[] = [];
  afterEach(() => killLeftovers(running));

  it('is healthy on simulated Deribit and OKX and the example strategy opens, protects and closes a trade on each', async () => {
    const shipped = JSON.parse(readFileSync(join(REPO_ROOT, 'config', 'default.json'), 'utf8')) as Record<string, unknown>;
    const { dir, configDir } = scratchDir(shipped);
    // local.json as an operator would write it: files inside the scratch folder, a free port, a lively market
    writeFileSync(
      join(configDir, 'local.json'),
      JSON.stringify(
        testConfig({
          sim: { annualVolatility: 10, seed: 11 },
          strategies: { 'example-momentum': { lookbackSecs: 1, cooldownSecs: 0 } },
        }),
      ),
    );
    // no keys in the environment and no .env: nothing but PATH
    const p = startProcess([DAEMON_ENTRY, '--config-dir', configDir], { cwd: dir });
    running.push(p);

    const starting = await p.waitForLine((l) => l.msg === 'daemon starting', 10_000);
    expect(starting.venues).toEqual([
      { venue: 'deribit', environment: 'sim' },
      { venue: 'okx', environment: 'sim' },
    ]);
    const url = String((await p.waitForLine((l) => l.msg === 'health endpoint listening', 10_000)).url);
    const health = await waitFor(
      async () => {
        const res = await fetch(url);
        return res.status === 200 ? ((await res.json()) as Health) : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100, message: '/healthz 200' },
    );
    const venues = health.components.filter((c) => c.name.startsWith('venue:'));
    expect(venues.map((c) => [c.name, c.ok, c.detail.environment])).toEqual([
      ['venue:deribit', true, 'sim'],
      ['venue:okx', true, 'sim'],
    ]);

    // one entry per venue, each in its venue's unit: Deribit 100 USD, OKX 100 USD as contracts of 0.01 BTC
    const deribit = await p.waitForLine((l) => l.msg === 'trade persisted; sending entry' && l.venue === 'deribit', 20_000);
    const okx = await p.waitForLine((l) => l.msg === 'trade persisted; sending entry' && l.venue === 'okx', 20_000);
    expect(deribit).toMatchObject({ symbol: 'BTC-PERPETUAL', size: '100' });
    expect(okx.symbol).toBe('BTC-USDT-SWAP');
    const contracts = Number(okx.size);
    // 100 USD / (mark x 0.01 BTC) near a 60 000 start: a fraction of a contract, never 100 contracts
    expect(contracts).toBeGreaterThan(0.05);
    expect(contracts).toBeLessThan(0.5);
    for (const venue of ['deribit', 'okx']) {
      const entry = await p.waitForLine((l) => l.msg === 'trade persisted; sending entry' && l.venue === venue);
      const tradeId = String(entry.tradeId);
      await p.waitForLine((l) => l.msg === 'stop_loss placed' && l.tradeId === tradeId, 10_000);
      await p.waitForLine((l) => l.msg === 'take_profit placed' && l.tradeId === tradeId, 10_000);
    }
    const closedOkx = await p.waitForLine((l) => l.msg === 'trade closed' && l.venue === 'okx', 30_000);
    const closedDeribit = await p.waitForLine((l) => l.msg === 'trade closed' && l.venue === 'deribit', 30_000);
    for (const closed of [closedOkx, closedDeribit]) {
      expect(String(closed.reason)).toMatch(/stop-loss filled|take-profit filled/);
      expect(closed.pnl).toEqual(expect.any(String));
    }
    p.child.kill('SIGTERM');
    expect(await withDeadline(p.exited, 8_000, 'exit after SIGTERM')).toBe(0);
  });
});
