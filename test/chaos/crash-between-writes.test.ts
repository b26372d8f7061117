/**
 * Chaos-run finding (seed 1): a SIGKILL between the two writes of an entry fill — the entry leg
 * booked filled, the trade not yet moved on (still pending, nothing filled, no stop) — left a
 * position on the venue that no restart protected: the reconciliation skipped the finished entry
 * leg, left the pending trade out of the position sum, and only reported a mismatch, for ever.
 * After the fix the start-up reconciliation catches the trade up with its entry and protects it.
 */
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { clientIdFor } from '../../src/domain/client-ids.js';
import { Decimal } from '../../src/domain/decimal.js';
import { reconcile } from '../../src/orders/reconcile.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { MemoryVenue } from '../../src/venues/memory/memory-venue.js';
import { leg, trade } from '../orders/fixtures-pure.js';
import { newVenue, ourOpenOrders, scratchDir, type Services, startServices, SYMBOL } from '../orders/harness.js';

const TRADE = '0mx9jv3twvvds5un';

describe('a crash between booking the entry fill and moving the trade on', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('reconcile asks about an active trade whose entry leg filled more than the trade booked', () => {
    const t = trade({ id: TRADE, state: 'pending', filledSize: Decimal.ZERO });
    const entry = {
      ...leg('entry', { state: 'filled', filledSize: Decimal.from(1000) }),
      tradeId: TRADE,
      clientId: clientIdFor(TRADE, 'entry'),
    };
    const r = reconcile(
      [{ trade: t, legs: [entry] }],
      {
        venue: 'v',
        positions: [{ venue: 'v', symbol: SYMBOL, size: Decimal.from(1000), avgPrice: Decimal.from(60000), updatedAtMs: 0 }],
        openOrders: [],
      },
      'vd1',
    );
    expect(r.corrections).toContainEqual(expect.objectContaining({ kind: 'refresh_leg', tradeId: TRADE, clientId: entry.clientId }));
  });

  it('the restarted services protect the position: trade open for the filled size, a stop resting for all of it', async () => {
    const venue: MemoryVenue = await newVenue();
    cleanups.push(() => venue.disconnect());
    const dir = scratchDir();
    cleanups.push(dir.cleanup);
    const storePath = join(dir.path, 'daemon.sqlite');
    const entryId = clientIdFor(TRADE, 'entry');

    // The state the killed daemon left: the entry reached the venue and filled; the store has the
    // leg filled (first write) but the trade still pending with nothing filled (second write lost).
    const placed = await venue.submitOrder({
      clientId: entryId,
      symbol: SYMBOL,
      side: 'buy',
      type: 'market',
      size: Decimal.from(1000),
      reduceOnly: false,
    });
    expect(placed.status).toBe('accepted');
    expect(venue.positionSize(SYMBOL).toString()).toBe('1000');
    const venueOrderId = placed.status === 'accepted' ? placed.order.venueOrderId : 'x';
    const crashed = new SqliteStore({ path: storePath });
    const now = Date.now();
    crashed.createTrade(
      trade({ id: TRADE, venue: venue.id, state: 'pending', filledSize: Decimal.ZERO, createdAtMs: now, updatedAtMs: now }),
      [
        {
          ...leg('entry', { state: 'pending', filledSize: Decimal.ZERO, venueOrderId: undefined }),
          tradeId: TRADE,
          clientId: entryId,
          createdAtMs: now,
          updatedAtMs: now,
        },
      ],
    );
    crashed.updateLeg(entryId, { venueOrderId, state: 'filled', filledSize: Decimal.from(1000), avgFillPrice: Decimal.from(60000) }, now);
    crashed.close();

    const s: Services = await startServices(venue, { storePath });
    cleanups.push(() => s.stop());
    const after = s.store.getTrade(TRADE);
    expect(after?.state).toBe('open');
    expect(after?.filledSize.toString()).toBe('1000');
    const stops = (await ourOpenOrders(venue)).filter((o) => o.clientId?.startsWith(`vd1${TRADE}S`));
    expect(stops.map((o) => o.size.toString())).toEqual(['1000']);
    expect(s.alerter.alerts.filter((a) => a.kind === 'position_mismatch')).toEqual([]);
  });
});
