/** Pure close and booking arithmetic: close sizing, other trades' net, executions, fill attribution. */
import { describe, expect, it } from 'vitest';

import { clientIdFor } from '../../src/domain/client-ids.js';
import { Decimal } from '../../src/domain/decimal.js';
import type { FillRecord } from '../../src/domain/trade.js';
import {
  attributeFills,
  closeQuantity,
  entryExecutions,
  legExecutions,
  netOpenQuantity,
  oppositeActiveTrade,
  outsideExits,
} from '../../src/orders/settlement.js';
import { d, fill, leg, perp, trade } from './fixtures-pure.js';

describe('closeQuantity', () => {
  it('closes the open quantity bounded by the venue position on the same side, rounded down to the lot', () => {
    expect(closeQuantity('buy', d(1000), d(600), perp).toString()).toBe('600');
    expect(closeQuantity('buy', d(1000), d(5000), perp).toString()).toBe('1000');
    expect(closeQuantity('sell', d(1000), d(-995), perp).toString()).toBe('990');
    expect(closeQuantity('sell', d(1000), d(-995), undefined).toString()).toBe('995');
  });

  it('closes nothing when the venue holds nothing or the other side', () => {
    expect(closeQuantity('buy', d(1000), Decimal.ZERO, perp).isZero()).toBe(true);
    expect(closeQuantity('buy', d(1000), d(-1000), perp).isZero()).toBe(true);
  });
});

describe('netOpenQuantity', () => {
  it('signs longs positive and shorts negative, net of their exits', () => {
    const long = { trade: trade({ id: 'a' }), legs: [leg('close', { filledSize: d(400) })] };
    const short = { trade: trade({ id: 'b', side: 'sell', filledSize: d(300) }), legs: [] };
    expect(netOpenQuantity([long, short]).toString()).toBe('300');
    expect(netOpenQuantity([]).isZero()).toBe(true);
  });
});

describe('executions', () => {
  it('takes the entry at its average price when nothing better is known', () => {
    expect(entryExecutions(trade({ avgEntryPrice: d(60000) }))).toEqual([{ size: d(1000), price: d(60000) }]);
    expect(entryExecutions(trade())).toEqual([]);
  });

  it('builds executions from filled legs with the fees of their recorded fills', () => {
    const entry = leg('entry', { state: 'filled', filledSize: d(1000), avgFillPrice: d(60000) });
    const stop = leg('stop_loss', { state: 'filled', filledSize: d(1000), avgFillPrice: d(59000) });
    const tp = leg('take_profit', { state: 'cancelled' });
    const rec = (clientId: string, fee: string): FillRecord => ({
      venue: 'v',
      venueTradeId: `t-${fee}`,
      venueOrderId: 'o',
      clientId,
      symbol: 'BTC-PERPETUAL',
      side: 'buy',
      size: d(500),
      price: d(60000),
      fee: d(fee),
      feeCurrency: 'BTC',
      tsMs: 0,
    });
    const { entries, exits } = legExecutions([entry, stop, tp], [rec(entry.clientId, '0.1'), rec(entry.clientId, '0.2')]);
    expect(entries).toEqual([{ size: d(1000), price: d(60000), fee: d('0.3'), feeCurrency: 'BTC' }]);
    expect(exits).toEqual([{ size: d(1000), price: d(59000), fee: Decimal.ZERO }]);
  });
});

describe('attributeFills and outsideExits', () => {
  const entry = leg('entry', { state: 'filled', filledSize: d(1000), venueOrderId: 'E' });
  const stop = leg('stop_loss', { venueOrderId: 'S' });

  it("sorts the trade's own fills (by client id, else venue order id) from foreign opposite-side fills", () => {
    const fills = [
      fill({ tradeId: 'e1', side: 'buy', clientId: entry.clientId, venueOrderId: 'E', size: d(1000), tsMs: 5 }),
      fill({ tradeId: 's1', venueOrderId: 'S', size: d(200), tsMs: 20 }),
      fill({ tradeId: 'h1', clientId: 'hand', venueOrderId: 'H', size: d(900), tsMs: 30 }),
      fill({ tradeId: 'o1', clientId: clientIdFor('bbbbbbbbbbbbbbbb', 'stop_loss', 1), venueOrderId: 'O', tsMs: 31 }),
      fill({ tradeId: 'b1', side: 'buy', venueOrderId: 'B', tsMs: 32 }),
    ];
    const a = attributeFills(trade({ createdAtMs: 1 }), [entry, stop], fills, 'vd1');
    expect(a.ours.map((f) => f.tradeId)).toEqual(['e1', 's1']);
    expect(a.entries).toHaveLength(1);
    expect(a.exits).toHaveLength(1);
    expect(a.exitQty.toString()).toBe('200');
    expect(a.foreign.map((f) => f.tradeId)).toEqual(['h1']);
    expect(a.lastEntryTs).toBe(5);
  });

  it('counts foreign fills after the last entry fill up to what is still open', () => {
    const foreign = [
      fill({ tradeId: 'early', tsMs: 1 }),
      fill({ tradeId: 'h1', size: d(500), tsMs: 10 }),
      fill({ tradeId: 'h2', size: d(500), tsMs: 11 }),
      fill({ tradeId: 'h3', tsMs: 12 }),
    ];
    const r = outsideExits(foreign, d(1000), d(200), 5);
    expect(r.exits.map((e) => [e.fill.tradeId, e.size.toString()])).toEqual([
      ['h1', '500'],
      ['h2', '300'],
    ]);
    expect(r.outsideQty.toString()).toBe('800');
    expect(outsideExits(foreign, d(1000), d(1000), 0).exits).toEqual([]);
  });
});

describe('oppositeActiveTrade', () => {
  it('finds an active trade on the other side of the same venue and instrument, never the trade itself nor a closed one', () => {
    const long = trade({ id: 'L' });
    const short = trade({ id: 'S', side: 'sell' });
    expect(oppositeActiveTrade({ venue: 'v', symbol: 'BTC-PERPETUAL', side: 'sell' }, [long])?.id).toBe('L');
    expect(oppositeActiveTrade(long, [long, short])?.id).toBe('S');
    expect(oppositeActiveTrade(long, [long, trade({ id: 'S2', side: 'sell', state: 'closed' })])).toBeUndefined();
    expect(
      oppositeActiveTrade(long, [
        trade({ id: 'S3', side: 'sell', symbol: 'ETH-PERPETUAL' }),
        trade({ id: 'S4', side: 'sell', venue: 'w' }),
      ]),
    ).toBeUndefined();
    expect(oppositeActiveTrade(long, [trade({ id: 'L2' })])).toBeUndefined();
  });
});
