/** MemoryVenue: the Venue port on the sim engine, with its fault knobs. */
import { afterEach, describe, expect, it } from 'vitest';

import { Decimal } from '../../../src/domain/decimal.js';
import type { VenueEvent } from '../../../src/domain/events.js';
import { MemoryVenue } from '../../../src/venues/memory/index.js';
import { collect, waitFor } from '../../support/wait.js';

const S = 'BTC-PERPETUAL';
let venue: MemoryVenue;
afterEach(async () => {
  await venue.disconnect();
});

async function connected(): Promise<MemoryVenue> {
  venue = new MemoryVenue();
  await venue.connect();
  return venue;
}

describe('MemoryVenue', () => {
  it('maps instruments to the domain with explicit size units', async () => {
    const v = await connected();
    const perp = v.instrument(S);
    expect(perp).toMatchObject({ kind: 'perpetual', sizeUnit: 'quote', inverse: true, quote: 'USD' });
    expect(perp?.lotSize.toString()).toBe('10');
    expect((await v.loadInstruments()).length).toBeGreaterThan(10);
  });

  it('submits, finds by client id, pushes order and fill events, and cancels', async () => {
    const v = await connected();
    const events = collect<VenueEvent>((l) => v.subscribe(l));
    const entry = await v.submitOrder({
      clientId: 'c1',
      symbol: S,
      side: 'buy',
      type: 'market',
      size: Decimal.from(100),
      reduceOnly: false,
    });
    expect(entry).toMatchObject({ status: 'accepted', order: { status: 'filled', clientId: 'c1' } });
    await waitFor(() => events.values.some((e) => e.type === 'fill' && e.fill.clientId === 'c1'));
    const stop = await v.submitOrder({
      clientId: 'c2',
      symbol: S,
      side: 'sell',
      type: 'stop_market',
      size: Decimal.from(100),
      triggerPrice: Decimal.from(59000),
      trigger: 'mark',
      reduceOnly: true,
    });
    expect(stop).toMatchObject({ status: 'accepted', order: { status: 'untriggered' } });
    expect(await v.getOrder({ symbol: S, clientId: 'c2' })).toMatchObject({ status: 'found', order: { type: 'stop_market' } });
    expect(await v.getOrder({ symbol: S, clientId: 'nope' })).toEqual({ status: 'not_found' });
    expect(await v.cancelOrder({ symbol: S, clientId: 'c2' })).toMatchObject({ status: 'accepted' });
    expect(await v.cancelOrder({ symbol: S, clientId: 'c2' })).toMatchObject({ status: 'rejected', notFound: true });
    events.stop();
  });

  it('shows a triggered stop under its own id and client id once it fills', async () => {
    const v = await connected();
    await v.submitOrder({ clientId: 'e', symbol: S, side: 'buy', type: 'market', size: Decimal.from(100), reduceOnly: false });
    const stop = await v.submitOrder({
      clientId: 's',
      symbol: S,
      side: 'sell',
      type: 'stop_market',
      size: Decimal.from(100),
      triggerPrice: Decimal.from(59000),
      trigger: 'mark',
      reduceOnly: true,
    });
    if (stop.status !== 'accepted') throw new Error('stop not accepted');
    v.setMarkPrice(S, 58900);
    const found = await v.getOrder({ symbol: S, clientId: 's' });
    expect(found).toMatchObject({
      status: 'found',
      order: { venueOrderId: stop.order.venueOrderId, status: 'filled', type: 'stop_market' },
    });
    const fills = await v.fillsSince(0, S);
    expect(fills.find((f) => f.clientId === 's')?.venueOrderId).toBe(stop.order.venueOrderId);
    expect(v.positionSize(S).isZero()).toBe(true);
  });

  it('fault knobs: rejects the next N orders of a type, never answers, fills partially', async () => {
    const v = await connected();
    v.faults.rejectNextOrders(2, { type: 'stop_market' }, { code: 11030, message: 'other_reject' });
    const req = {
      clientId: 's',
      symbol: S,
      side: 'sell' as const,
      type: 'stop_market' as const,
      size: Decimal.from(100),
      triggerPrice: Decimal.from(59000),
      trigger: 'mark' as const,
      reduceOnly: true,
    };
    expect(await v.submitOrder(req)).toMatchObject({ status: 'rejected', code: '11030' });
    expect(await v.submitOrder(req)).toMatchObject({ status: 'rejected' });
    expect(await v.submitOrder(req)).toMatchObject({ status: 'accepted' });

    v.faults.neverAnswer('submitOrder', { times: 1, execute: true });
    expect(
      await v.submitOrder({ clientId: 'x', symbol: S, side: 'buy', type: 'market', size: Decimal.from(100), reduceOnly: false }),
    ).toMatchObject({ status: 'unknown' });
    expect(await v.getOrder({ symbol: S, clientId: 'x' })).toMatchObject({ status: 'found' }); // it exists

    v.faults.partialFillNext(1, { amount: '30' });
    const partial = await v.submitOrder({
      clientId: 'p',
      symbol: S,
      side: 'buy',
      type: 'market',
      size: Decimal.from(100),
      reduceOnly: false,
    });
    expect(partial).toMatchObject({ status: 'accepted', order: { status: 'cancelled' } });
    if (partial.status === 'accepted') expect(partial.order.filledSize.toString()).toBe('30');
  });

  it('answers neutral rejections with the reason as code (would-trigger ones flagged); venue codes pass through unflagged', async () => {
    const v = await connected();
    const req = {
      clientId: 's',
      symbol: S,
      side: 'sell' as const,
      type: 'stop_market' as const,
      size: Decimal.from(100),
      triggerPrice: Decimal.from(59000),
      trigger: 'mark' as const,
      reduceOnly: true,
    };
    v.faults.rejectNextOrders(1, { type: 'stop_market' }, { reason: 'trigger_price_too_high' });
    expect(await v.submitOrder(req)).toEqual({
      status: 'rejected',
      code: 'trigger_price_too_high',
      reason: 'trigger_price_too_high',
      retryable: false,
      wouldTriggerImmediately: true,
    });
    v.faults.rejectNextOrders(1, { type: 'stop_market' }, { code: 10034, message: 'trigger_price_too_high' });
    expect(await v.submitOrder(req)).toEqual({ status: 'rejected', code: '10034', reason: 'trigger_price_too_high', retryable: false });
    // The engine's own refusal: a sell stop above the mark would fire at once.
    const above = await v.submitOrder({ ...req, triggerPrice: Decimal.from(70000) });
    expect(above).toMatchObject({ status: 'rejected', code: 'trigger_price_too_high', wouldTriggerImmediately: true });
  });

  it('serves the OKX catalogue: linear swaps in contracts settled in USDT, unified symbols, USDT balance', async () => {
    venue = new MemoryVenue({ id: 'okx-mem', engineOptions: { venue: 'okx', initialIndex: { BTC: 60000, ETH: 3000 } } });
    await venue.connect();
    expect(venue.nativeSymbol('BTC/USDT:USDT')).toBe('BTC-USDT-SWAP');
    expect(venue.nativeSymbol('ETH/USD:ETH')).toBe('ETH/USD:ETH');
    expect(venue.instrument('BTC-USDT-SWAP')).toMatchObject({
      kind: 'perpetual',
      inverse: false,
      sizeUnit: 'contracts',
      quote: 'USDT',
      settle: 'USDT',
    });
    expect(venue.instrument('BTC-USDT-SWAP')?.contractSize.toString()).toBe('0.01');
    const buy = await venue.submitOrder({
      clientId: 'o1',
      symbol: 'BTC-USDT-SWAP',
      side: 'buy',
      type: 'market',
      size: Decimal.from(2),
      reduceOnly: false,
    });
    expect(buy).toMatchObject({ status: 'accepted', order: { status: 'filled' } });
    const [fill] = await venue.fillsSince(0, 'BTC-USDT-SWAP');
    expect([fill?.price.toString(), fill?.fee.toString(), fill?.feeCurrency]).toEqual(['60000.1', '0.600001', 'USDT']);
    const balances = await venue.balances();
    // 100000 - fee 0.600001 + floating 0.02 BTC x (mark 60000 - 60000.1) = -0.002
    expect(balances.map((b) => [b.currency, b.equity.toString()])).toEqual([['USDT', '99999.397999']]);
  });

  it('operator knobs: a manual order and a hand close; connection knobs drop pushes until reconnect', async () => {
    const v = await connected();
    const events = collect<VenueEvent>((l) => v.subscribe(l));
    const manual = v.placeManualOrder({ symbol: S, side: 'buy', type: 'limit', size: 100, price: 50000 });
    expect(manual.clientId).toBeUndefined();
    await v.submitOrder({ clientId: 'e', symbol: S, side: 'buy', type: 'market', size: Decimal.from(100), reduceOnly: false });
    v.closePositionByHand(S);
    expect(v.positionSize(S).isZero()).toBe(true);
    await waitFor(() => events.values.some((e) => e.type === 'position' && e.position.size.isZero()));
    events.values.splice(0);

    v.dropConnection();
    v.setMarkPrice(S, 40000); // the manual buy limit fills during the gap: its push is lost
    expect(v.isReady()).toBe(false);
    expect(
      await v.submitOrder({ clientId: 'z', symbol: S, side: 'buy', type: 'market', size: Decimal.from(10), reduceOnly: false }),
    ).toMatchObject({ status: 'unknown' });
    await expect(v.openOrders()).rejects.toThrow(/not connected/);
    v.reconnect();
    await waitFor(() => events.values.some((e) => e.type === 'resynced'));
    expect(events.values.map((e) => e.type)).toEqual(['connection', 'connection', 'resynced']);
    expect(await v.getOrder({ symbol: S, venueOrderId: manual.venueOrderId })).toMatchObject({
      status: 'found',
      order: { status: 'filled' },
    });
    events.stop();
  });
});
