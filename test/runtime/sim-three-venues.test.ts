/**
 * `npm start` with no keys, as shipped: the repository's config/default.json runs simulated Deribit,
 * OKX and Bybit together, /healthz is 200 with all three, and the example strategy trades on each
 * (OKX sized in contracts of ctVal, Bybit in BTC, both from a USD notional); the Bybit trade's
 * entry, stop and take-profit carry the simulated Bybit's own order ids in the store, and its fill
 * the simulator's execution id.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';
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

const VENUES = ['deribit', 'okx', 'bybit'] as const;
/** Bybit's order ids are UUIDs. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('sim mode on all three venues, default config, no keys', () => {
  const running: RunningProcess[] = [];
  afterEach(() => killLeftovers(running));

  it('is healthy on simulated Deribit, OKX and Bybit and the example strategy opens and protects a trade on each, closing them with P&L', async () => {
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
    const startedAt = Date.now();
    const p = startProcess([DAEMON_ENTRY, '--config-dir', configDir], { cwd: dir });
    running.push(p);

    const starting = await p.waitForLine((l) => l.msg === 'daemon starting', 10_000);
    expect(starting.venues).toEqual(VENUES.map((venue) => ({ venue, environment: 'sim' })));
    const url = String((await p.waitForLine((l) => l.msg === 'health endpoint listening', 10_000)).url);
    const health = await waitFor(
      async () => {
        const res = await fetch(url);
        return res.status === 200 ? ((await res.json()) as Health) : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100, message: '/healthz 200' },
    );
    // start-up stays quick with a third simulator and adapter (the two-venue daemon took about 1.5 s here)
    const healthyAfterMs = Date.now() - startedAt;
    const venues = health.components.filter((c) => c.name.startsWith('venue:'));
    expect(venues.map((c) => [c.name, c.ok, c.detail.environment])).toEqual(VENUES.map((v) => [`venue:${v}`, true, 'sim']));

    // one entry per venue, each in its venue's unit: Deribit 100 USD, OKX contracts of 0.01 BTC, Bybit BTC
    const entries = new Map<string, Record<string, unknown>>();
    for (const venue of VENUES) {
      entries.set(venue, await p.waitForLine((l) => l.msg === 'trade persisted; sending entry' && l.venue === venue, 20_000));
    }
    expect(entries.get('deribit')).toMatchObject({ symbol: 'BTC-PERPETUAL', size: '100' });
    expect(entries.get('okx')?.symbol).toBe('BTC-USDT-SWAP');
    const contracts = Number(entries.get('okx')?.size);
    // 100 USD / (mark x 0.01 BTC) near a 60 000 start: a fraction of a contract, never 100 contracts
    expect(contracts).toBeGreaterThan(0.05);
    expect(contracts).toBeLessThan(0.5);
    // 100 USD at about 60 000 is 0.00166 BTC, rounded down to Bybit's 0.001 BTC lot; never 100 BTC
    expect(entries.get('bybit')).toMatchObject({ symbol: 'BTCUSDT', size: '0.001' });
    for (const venue of VENUES) {
      const tradeId = String(entries.get(venue)?.tradeId);
      await p.waitForLine((l) => l.msg === 'stop_loss placed' && l.tradeId === tradeId, 10_000);
      await p.waitForLine((l) => l.msg === 'take_profit placed' && l.tradeId === tradeId, 10_000);
    }
    const closed = [];
    for (const venue of VENUES) closed.push(await p.waitForLine((l) => l.msg === 'trade closed' && l.venue === venue, 30_000));
    for (const c of closed) {
      expect(String(c.reason)).toMatch(/stop-loss filled|take-profit filled/);
      expect(c.pnl).toEqual(expect.any(String));
    }
    p.child.kill('SIGTERM');
    expect(await withDeadline(p.exited, 8_000, 'exit after SIGTERM')).toBe(0);
    expect(healthyAfterMs).toBeLessThan(8_000);

    // The store after the stop: the first Bybit trade, its legs with the simulated Bybit's order ids, its fills.
    const db = new Database(join(dir, 'data', 'test.sqlite'), { readonly: true });
    try {
      const bybitTradeId = String(entries.get('bybit')?.tradeId);
      const trade = db.prepare('SELECT venue, symbol, state, source FROM trades WHERE id = ?').get(bybitTradeId);
      expect(trade).toMatchObject({ venue: 'bybit', symbol: 'BTCUSDT', state: 'closed', source: 'strategy:example-momentum' });
      const legs = db
        .prepare('SELECT kind, client_id AS clientId, venue_order_id AS venueOrderId, state FROM legs WHERE trade_id = ? ORDER BY rowid')
        .all(bybitTradeId) as Array<{ kind: string; clientId: string; venueOrderId: string | null; state: string }>;
      expect(legs.slice(0, 3).map((l) => [l.kind, l.clientId])).toEqual([
        ['entry', `vd1${bybitTradeId}E1`],
        ['stop_loss', `vd1${bybitTradeId}S1`],
        ['take_profit', `vd1${bybitTradeId}T1`],
      ]);
      for (const leg of legs.slice(0, 3)) expect(leg.venueOrderId).toMatch(UUID);
      expect(legs.find((l) => l.kind === 'entry')?.state).toBe('filled');
      // one of the two protective legs filled, the other was cancelled as its sibling
      expect(
        legs
          .filter((l) => l.kind !== 'entry')
          .map((l) => l.state)
          .sort(),
      ).toEqual(['cancelled', 'filled']);
      const fills = db
        .prepare('SELECT venue, venue_trade_id AS execId, venue_order_id AS orderId FROM fills WHERE trade_id = ?')
        .all(bybitTradeId) as Array<{ venue: string; execId: string; orderId: string }>;
      expect(fills.length).toBeGreaterThanOrEqual(2); // the entry's and the exit's
      for (const f of fills) {
        expect(f.venue).toBe('bybit');
        expect(legs.map((l) => l.venueOrderId)).toContain(f.orderId);
      }
    } finally {
      db.close();
    }
  });
});
