/** The signal ledger that makes entry sources idempotent. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { SqliteStore } from '../../src/store/sqlite-store.js';

describe('signal ledger (idempotency of entry sources)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'signals-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('claims an id once, per source, and keeps the first answer across a restart', () => {
    const path = join(dir, 'd.sqlite');
    const a = new SqliteStore({ path });
    expect(a.claimSignal('webhook', 'sig-1', 1000)).toBeUndefined();
    expect(a.claimSignal('webhook', 'sig-1', 1001)).toMatchObject({ id: 'sig-1', receivedAtMs: 1000 });
    expect(a.claimSignal('telegram', 'sig-1', 1002)).toBeUndefined();
    a.finishSignal('webhook', 'sig-1', '{"status":"accepted","tradeId":"t1"}', 't1', 1500);
    a.close();

    const b = new SqliteStore({ path });
    expect(b.claimSignal('webhook', 'sig-1', 2000)).toEqual({
      source: 'webhook',
      id: 'sig-1',
      receivedAtMs: 1000,
      result: '{"status":"accepted","tradeId":"t1"}',
      tradeId: 't1',
      finishedAtMs: 1500,
    });
    b.close();
  });

  it('an interrupted first delivery stays claimed (never opened twice)', () => {
    const path = join(dir, 'e.sqlite');
    const a = new SqliteStore({ path });
    a.claimSignal('webhook', 'sig-2', 1000);
    a.close();
    const b = new SqliteStore({ path });
    expect(b.claimSignal('webhook', 'sig-2', 2000)).toEqual({ source: 'webhook', id: 'sig-2', receivedAtMs: 1000 });
    b.close();
  });
});
