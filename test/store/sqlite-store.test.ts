/** SqliteStore: trades, legs, fills, audit and migrations, and opening a bad store file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { dec } from '../../src/domain/decimal.js';
import { DaemonError } from '../../src/domain/errors.js';
import type { LegRecord, TradeRecord } from '../../src/domain/trade.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { checkStorePath, migrate, SqliteStore } from '../../src/store/sqlite-store.js';
import { REPO_ROOT, startProcess } from '../support/daemon-process.js';

const LATEST = MIGRATIONS.at(-1)?.version ?? 0;

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'store-')), 'nested', 'daemon.sqlite');
}

function trade(id: string, now = 1_700_000_000_000): TradeRecord {
  return {
    id,
    venue: 'deribit',
    symbol: 'BTC-PERPETUAL',
    side: 'buy',
    size: dec('100'),
    entryType: 'limit',
    entryPrice: dec('60000.5'),
    stopPrice: dec('58000'),
    takeProfitPrice: dec('64000'),
    state: 'pending',
    source: 'test',
    filledSize: dec('0'),
    createdAtMs: now,
    updatedAtMs: now,
  };
}

function legs(tradeId: string, now = 1_700_000_000_000): LegRecord[] {
  return (['entry', 'stop_loss', 'take_profit'] as const).map((kind) => ({
    tradeId,
    kind,
    clientId: `d1-${tradeId}-${kind}`,
    state: 'pending',
    side: kind === 'entry' ? 'buy' : 'sell',
    type: kind === 'entry' ? 'limit' : kind === 'stop_loss' ? 'stop_market' : 'take_limit',
    size: dec('100'),
    filledSize: dec('0'),
    createdAtMs: now,
    updatedAtMs: now,
  }));
}

describe('SqliteStore', () => {
  it('opens in WAL mode with foreign keys and the latest schema version', () => {
    const path = tempDb();
    const store = new SqliteStore({ path });
    expect(store.schemaVersion()).toBe(MIGRATIONS.at(-1)?.version);
    store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('applies migrations once: reopening and re-running them changes nothing', () => {
    const path = tempDb();
    const first = new SqliteStore({ path });
    first.createTrade(trade('t1'), legs('t1'));
    first.close();
    const second = new SqliteStore({ path });
    expect(second.schemaVersion()).toBe(LATEST);
    expect(second.legsOf('t1')).toHaveLength(3);
    second.close();
    const db = new Database(path);
    expect(migrate(db)).toBe(LATEST);
    expect(db.prepare('SELECT count(*) AS n FROM legs').get()).toEqual({ n: 3 });
    db.close();
  });

  it('refuses a database from a newer build instead of guessing', () => {
    const path = tempDb();
    new SqliteStore({ path }).close();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new SqliteStore({ path })).toThrow(/schema version 99 is newer than this build knows/);
  });

  it('writes a trade, its legs and the audit entry in one transaction, and round-trips decimals exactly', () => {
    const store = new SqliteStore({ path: ':memory:' });
    store.createTrade(trade('t2'), legs('t2'), {
      tsMs: 1,
      component: 'test',
      action: 'trade.created',
      tradeId: 't2',
      detail: { why: 'test' },
    });
    const t = store.getTrade('t2');
    expect(t?.entryPrice?.toString()).toBe('60000.5');
    expect(t?.size.toString()).toBe('100');
    store.updateLeg('d1-t2-entry', { state: 'filled', filledSize: dec('100'), avgFillPrice: dec('60000.25'), venueOrderId: '123' }, 2);
    expect(store.legByVenueOrderId('deribit', '123')?.avgFillPrice?.toString()).toBe('60000.25');
    store.updateTrade('t2', { state: 'open', filledSize: dec('100') }, 3, {
      tsMs: 3,
      component: 'test',
      action: 'trade.open',
      tradeId: 't2',
    });
    expect(store.listTrades({ states: ['open'] }).map((x) => x.id)).toEqual(['t2']);
    expect(store.audit({ tradeId: 't2' }).map((a) => a.action)).toEqual(['trade.open', 'trade.created']);
    // a duplicate trade id fails whole: no extra legs, no audit line
    expect(() => store.createTrade(trade('t2'), legs('t2'), { tsMs: 4, component: 'test', action: 'dup', tradeId: 't2' })).toThrow();
    expect(store.audit({ tradeId: 't2' })).toHaveLength(2);
    expect(() => store.updateLeg('nope', { state: 'open' }, 5)).toThrow(/leg nope is not in the store/);
    store.close();
  });

  it('filters trades in the database by state, venue and close time', () => {
    const store = new SqliteStore({ path: ':memory:' });
    store.createTrade(trade('a'), legs('a'));
    store.createTrade({ ...trade('b'), venue: 'okx' }, legs('b'));
    store.createTrade(trade('c'), legs('c'));
    store.updateTrade('a', { state: 'closed', closedAtMs: 1_000, realizedPnl: dec('-5') }, 1_000);
    store.updateTrade('c', { state: 'closed', closedAtMs: 5_000, realizedPnl: dec('2.5') }, 5_000);
    expect(store.listTrades({ states: ['closed'] }).map((t) => t.id)).toEqual(['a', 'c']);
    expect(store.listTrades({ states: ['closed'], closedSinceMs: 2_000 }).map((t) => t.id)).toEqual(['c']);
    expect(store.listTrades({ venue: 'okx' }).map((t) => t.id)).toEqual(['b']);
    expect(store.listTrades({ states: [] })).toEqual([]);
    expect(store.listTrades().map((t) => t.id)).toEqual(['a', 'b', 'c']);
    store.close();
  });

  it('books a fill once per venue trade id', () => {
    const store = new SqliteStore({ path: ':memory:' });
    store.createTrade(trade('t3'), legs('t3'));
    const fill = {
      venue: 'deribit',
      venueTradeId: 'T-1',
      venueOrderId: 'O-1',
      clientId: 'd1-t3-entry',
      tradeId: 't3',
      symbol: 'BTC-PERPETUAL',
      side: 'buy' as const,
      size: dec('40'),
      price: dec('60000'),
      fee: dec('0.0000001'),
      feeCurrency: 'BTC',
      tsMs: 10,
    };
    expect(store.recordFill(fill)).toBe(true);
    expect(store.recordFill(fill)).toBe(false);
    expect(store.fillsOf('t3').map((f) => f.fee.toString())).toEqual(['0.0000001']);
    store.close();
  });

  it('keeps the kill switch across a restart', () => {
    const path = tempDb();
    const a = new SqliteStore({ path });
    expect(a.getKillSwitch()).toEqual({ active: false });
    a.setKillSwitch({ active: true, reason: 'telegram /kill', changedAtMs: 42 }, { tsMs: 42, component: 'risk', action: 'kill.on' });
    a.close();
    const b = new SqliteStore({ path });
    expect(b.getKillSwitch()).toEqual({ active: true, reason: 'telegram /kill', changedAtMs: 42 });
    expect(b.audit()[0]?.action).toBe('kill.on');
    b.close();
  });

  it('returns pending alerts critical first, then in order', () => {
    const store = new SqliteStore({ path: ':memory:' });
    store.enqueueAlert({ severity: 'info', kind: 'a', text: 'first info', createdAtMs: 1 });
    const crit = store.enqueueAlert({ severity: 'critical', kind: 'b', text: 'critical', createdAtMs: 2 });
    store.enqueueAlert({ severity: 'warning', kind: 'c', text: 'warn', createdAtMs: 3 });
    expect(store.pendingAlerts(10).map((a) => a.text)).toEqual(['critical', 'warn', 'first info']);
    store.markAlertSent(crit, 5);
    expect(store.pendingAlerts(10).map((a) => a.text)).toEqual(['warn', 'first info']);
    store.close();
  });

  it('leaves no half-written trade when the writer is killed with SIGKILL mid-stream', async () => {
    const path = tempDb();
    new SqliteStore({ path }).close();
    const storeModule = join(REPO_ROOT, 'dist', 'src', 'store', 'sqlite-store.js');
    const decimalModule = join(REPO_ROOT, 'dist', 'src', 'domain', 'decimal.js');
    // The writer creates trades (trade + 3 legs + audit per transaction) as fast as it can.
    const script = `
      const { SqliteStore } = await import(${JSON.stringify(storeModule)});
      const { dec } = await import(${JSON.stringify(decimalModule)});
      const store = new SqliteStore({ path: ${JSON.stringify(path)} });
      for (let i = 0; ; i++) {
        const id = 't' + i; const now = Date.now();
        const base = { tradeId: id, state: 'pending', size: dec('10'), filledSize: dec('0'), createdAtMs: now, updatedAtMs: now };
        store.createTrade(
          { id, venue: 'deribit', symbol: 'BTC-PERPETUAL', side: 'buy', size: dec('10'), entryType: 'market', stopPrice: dec('1'),
            state: 'pending', source: 'crash-test', filledSize: dec('0'), createdAtMs: now, updatedAtMs: now },
          [ { ...base, kind: 'entry', clientId: id + '-e', side: 'buy', type: 'market' },
            { ...base, kind: 'stop_loss', clientId: id + '-s', side: 'sell', type: 'stop_market' },
            { ...base, kind: 'take_profit', clientId: id + '-t', side: 'sell', type: 'take_limit' } ],
          { tsMs: now, component: 'crash-test', action: 'trade.created', tradeId: id });
        if (i === 200) process.stdout.write(JSON.stringify({ msg: 'written', n: i }) + '\\n');
        if (i % 50 === 0) await new Promise((r) => setImmediate(r));
      }`;
    const writer = startProcess(['--input-type=module', '-e', script], { cwd: REPO_ROOT });
    await writer.waitForLine((l) => l.msg === 'written', 15_000);
    writer.child.kill('SIGKILL');
    expect(await writer.exited).toBe('SIGKILL');

    const db = new Database(path);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const counts = db
      .prepare(
        `SELECT t.id, (SELECT count(*) FROM legs l WHERE l.trade_id = t.id) AS legs,
                       (SELECT count(*) FROM audit a WHERE a.trade_id = t.id) AS audits FROM trades t`,
      )
      .all() as Array<{ id: string; legs: number; audits: number }>;
    db.close();
    expect(counts.length).toBeGreaterThan(200);
    expect(counts.filter((c) => c.legs !== 3 || c.audits !== 1)).toEqual([]);
    // reopening through the store (which runs migrations) works and sees the same trades
    const reopened = new SqliteStore({ path });
    expect(reopened.listTrades().length).toBe(counts.length);
    reopened.close();
  });
});

describe('opening the store file', () => {
  it('a file that is not a SQLite database is one readable error naming the path, not a raw SqliteError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-'));
    const path = join(dir, 'daemon.sqlite');
    writeFileSync(path, 'plain text, not a database\n'.repeat(100));
    expect(() => checkStorePath(path)).toThrow(DaemonError);
    expect(() => checkStorePath(path)).toThrow(
      /store\.path ".*daemon\.sqlite" is not a SQLite database \(SQLITE_NOTADB\) — move that file away/,
    );
    expect(() => new SqliteStore({ path })).toThrow(DaemonError);
    expect(() => new SqliteStore({ path })).toThrow(/is not a SQLite database/);
  });

  it('refuses a path under /proc without calling mkdir there', () => {
    expect(() => new SqliteStore({ path: '/proc/venue-daemon-test/data/daemon.sqlite' })).toThrow(
      /is under \/proc, a kernel pseudo-filesystem/,
    );
    expect(() => checkStorePath('/proc/self/daemon.sqlite')).toThrow(/is under \/proc/);
  });

  it('a path that is a folder is named as such', () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-'));
    expect(() => checkStorePath(dir)).toThrow(/is a folder, not a database file/);
  });

  it('an existing database passes the check', () => {
    const path = tempDb();
    new SqliteStore({ path }).close();
    expect(() => checkStorePath(path)).not.toThrow();
  });
});
