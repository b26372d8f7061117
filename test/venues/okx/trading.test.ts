/** OKX adapter trading over the simulator: algo stop and take-profit through trigger, fill and sibling cancel; partial fills from accFillSz; sCode failures inside a 200; 50011 answers; malformed frames counted; rounding to lot and tick. */
import { afterEach, describe, expect, it } from 'vitest';

import { dec } from '../../../src/domain/decimal.js';
import type { VenueEvent } from '../../../src/domain/events.js';
import type { OrderSnapshot } from '../../../src/domain/order.js';
import { type OkxHarness, startOkxHarness } from '../../support/okx-harness.js';
import { waitFor } from '../../support/wait.js';

const SYMBOL = 'BTC-USDT-SWAP';

function orderEvents(events: readonly VenueEvent[], clientId: string): OrderSnapshot[] {
  return events.flatMap((e) => (e.type === 'order' && e.order.clientId === clientId ? [e.order] : []));
}

describe('okx adapter trading', () => {
  let h: OkxHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const mark = (): ReturnType<OkxHarness['sim']['engine']['ticker']>['mark'] => h!.sim.engine.ticker(SYMBOL, h!.sim.clock.now()).mark;
  const setMark = (px: string | ReturnType<typeof dec>): void =>
    h!.sim.engine.setMarkPrice(SYMBOL, typeof px === 'string' ? dec(px) : px, h!.sim.clock.now());

  it('a stop-loss is a reduce-only conditional algo with market execution; on trigger it is followed to the order it spawned, whose fill carries the stop’s client id; the take-profit sibling is cancelled', async () => {
    h = await startOkxHarness();
    const { venue, events } = h;
    expect(
      (await venue.submitOrder({ clientId: 'vd1al1E1', symbol: SYMBOL, side: 'buy', type: 'market', size: dec(2), reduceOnly: false }))
        .status,
    ).toBe('accepted');
    const px = mark();
    const tick = venue.instrument(SYMBOL)!.tickSize;
    const sl = await venue.submitOrder({
      clientId: 'vd1al1S1',
      symbol: SYMBOL,
      side: 'sell',
      type: 'stop_market',
      triggerPrice: px.times('0.95'),
      trigger: 'mark',
      size: dec(2),
      reduceOnly: true,
      priority: 'protective',
    });
    const tp = await venue.submitOrder({
      clientId: 'vd1al1T1',
      symbol: SYMBOL,
      side: 'sell',
      type: 'take_market',
      triggerPrice: px.times('1.05'),
      trigger: 'mark',
      size: dec(2),
      reduceOnly: true,
    });
    expect(sl.status === 'accepted' && sl.order.status).toBe('untriggered');
    expect(tp.status === 'accepted' && tp.order.status).toBe('untriggered');
    // the body that went out: conditional, slOrdPx -1 (market), reduceOnly, trigger rounded to the tick
    const sent = h.sim.requests.filter((r) => r.method === 'POST /api/v5/trade/order-algo');
    expect(sent).toHaveLength(2);
    const slBody = sent[0]!.body as Record<string, unknown>;
    expect(slBody).toMatchObject({ ordType: 'conditional', slOrdPx: '-1', reduceOnly: true, algoClOrdId: 'vd1al1S1', sz: '2' });
    expect(
      dec(String(slBody.slTriggerPx))
        .roundToStep(tick)
        .eq(dec(String(slBody.slTriggerPx))),
    ).toBe(true);
    expect((await venue.openOrders(SYMBOL)).map((o) => o.clientId).sort()).toEqual(['vd1al1S1', 'vd1al1T1']);

    setMark(px.times('0.9').roundToStep(tick));
    await waitFor(() => events.some((e) => e.type === 'fill' && e.fill.clientId === 'vd1al1S1'), {
      timeoutMs: 5_000,
      message: 'stop fill under the stop’s client id',
    });
    await waitFor(() => orderEvents(events, 'vd1al1S1').some((o) => o.status === 'filled'), { message: 'stop child filled' });
    expect(orderEvents(events, 'vd1al1S1').some((o) => o.status === 'triggered')).toBe(true);
    // a look-up by the stop's client id follows the algo to its filled child
    const found = await venue.getOrder({ symbol: SYMBOL, clientId: 'vd1al1S1' }, 'protective');
    expect(found.status === 'found' && found.order.status).toBe('filled');
    expect(found.status === 'found' && found.order.filledSize.eq(2)).toBe(true);
    // the sibling take-profit is cancelled by client id
    expect(await venue.cancelOrder({ symbol: SYMBOL, clientId: 'vd1al1T1' }, 'protective')).toMatchObject({ status: 'accepted' });
    await waitFor(() => orderEvents(events, 'vd1al1T1').some((o) => o.status === 'cancelled'), { message: 'take-profit cancelled push' });
    expect(await venue.positions()).toEqual([]);
  });

  it('a take-profit fires, fills under its own client id, and the stop sibling is cancelled', async () => {
    h = await startOkxHarness();
    const { venue, events } = h;
    await venue.submitOrder({ clientId: 'vd1al2E1', symbol: SYMBOL, side: 'buy', type: 'market', size: dec(1), reduceOnly: false });
    const px = mark();
    const tick = venue.instrument(SYMBOL)!.tickSize;
    await venue.submitOrder({
      clientId: 'vd1al2S1',
      symbol: SYMBOL,
      side: 'sell',
      type: 'stop_market',
      triggerPrice: px.times('0.95'),
      size: dec(1),
      reduceOnly: true,
    });
    await venue.submitOrder({
      clientId: 'vd1al2T1',
      symbol: SYMBOL,
      side: 'sell',
      type: 'take_market',
      triggerPrice: px.times('1.05'),
      size: dec(1),
      reduceOnly: true,
    });
    setMark(px.times('1.1').roundToStep(tick));
    await waitFor(() => events.some((e) => e.type === 'fill' && e.fill.clientId === 'vd1al2T1'), {
      timeoutMs: 5_000,
      message: 'take-profit fill',
    });
    expect(await venue.cancelOrder({ symbol: SYMBOL, clientId: 'vd1al2S1' }, 'protective')).toMatchObject({ status: 'accepted' });
    expect((await venue.openOrders(SYMBOL)).length).toBe(0);
  });

  it('a partial fill then cancel: the cancelled order keeps accFillSz as its filled size (push and look-up)', async () => {
    h = await startOkxHarness();
    const { venue, events } = h;
    h.sim.faults.partialFillNext(1, { fraction: 0.5 });
    const px = mark().times('1.01').roundToStep(venue.instrument(SYMBOL)!.tickSize);
    const out = await venue.submitOrder({
      clientId: 'vd1pf1E1',
      symbol: SYMBOL,
      side: 'buy',
      type: 'limit',
      price: px,
      size: dec(4),
      reduceOnly: false,
    });
    expect(out.status === 'accepted' && out.order.status).toBe('partially_filled');
    expect(out.status === 'accepted' && out.order.filledSize.eq(2)).toBe(true);
    expect(await venue.cancelOrder({ symbol: SYMBOL, clientId: 'vd1pf1E1' })).toMatchObject({ status: 'accepted' });
    await waitFor(() => orderEvents(events, 'vd1pf1E1').find((o) => o.status === 'cancelled'), { message: 'cancelled push' });
    const cancelled = orderEvents(events, 'vd1pf1E1').find((o) => o.status === 'cancelled')!;
    expect(cancelled.filledSize.eq(2)).toBe(true);
    const found = await venue.getOrder({ symbol: SYMBOL, clientId: 'vd1pf1E1' });
    expect(found.status === 'found' && found.order.status).toBe('cancelled');
    expect(found.status === 'found' && found.order.filledSize.eq(2)).toBe(true);
    const fills = events.flatMap((e) => (e.type === 'fill' && e.fill.clientId === 'vd1pf1E1' ? [e.fill] : []));
    expect(fills.reduce((sum, f) => sum.plus(f.size), dec(0)).eq(2)).toBe(true);
  });

  it('an sCode failure inside an HTTP 200 is a rejection with the item’s code (51008 insufficient margin: not retryable)', async () => {
    h = await startOkxHarness();
    h.sim.faults.rejectNextOrders(
      1,
      { instrumentName: SYMBOL },
      { code: 51008, message: 'Order failed. Insufficient USDT margin in account' },
    );
    const out = await h.venue.submitOrder({
      clientId: 'vd1sc1E1',
      symbol: SYMBOL,
      side: 'buy',
      type: 'market',
      size: dec(1),
      reduceOnly: false,
    });
    expect(out).toMatchObject({ status: 'rejected', code: '51008', retryable: false });
  });

  it('a stop whose trigger is through the market is refused with wouldTriggerImmediately', async () => {
    h = await startOkxHarness();
    await h.venue.submitOrder({ clientId: 'vd1im1E1', symbol: SYMBOL, side: 'buy', type: 'market', size: dec(1), reduceOnly: false });
    const out = await h.venue.submitOrder({
      clientId: 'vd1im1S1',
      symbol: SYMBOL,
      side: 'sell',
      type: 'stop_market',
      triggerPrice: mark().times('1.1'),
      size: dec(1),
      reduceOnly: true,
    });
    expect(out.status).toBe('rejected');
    expect(out.status === 'rejected' && out.wouldTriggerImmediately).toBe(true);
  });

  it('a 50011 rate-limit answer is a retryable rejection (nothing was placed), logged, and the next order goes through', async () => {
    h = await startOkxHarness();
    h.sim.faults.rateLimitNext(1, { method: 'POST /api/v5/trade/order' });
    const out = await h.venue.submitOrder({
      clientId: 'vd1rl1E1',
      symbol: SYMBOL,
      side: 'buy',
      type: 'market',
      size: dec(1),
      reduceOnly: false,
    });
    expect(out).toMatchObject({ status: 'rejected', code: '50011', retryable: true });
    expect(h.log.find('okx rate limit answered')).not.toHaveLength(0);
    expect(await h.venue.getOrder({ symbol: SYMBOL, clientId: 'vd1rl1E1' })).toEqual({ status: 'not_found' });
    // a protective order is not held back by the hold on entries
    const stop = await h.venue.submitOrder({
      clientId: 'vd1rl1E2',
      symbol: SYMBOL,
      side: 'buy',
      type: 'market',
      size: dec(1),
      reduceOnly: false,
      priority: 'protective',
    });
    expect(stop.status).toBe('accepted');
  });

  it('malformed frames are counted by reason and dropped; a bad push item is skipped; the venue stays ready', async () => {
    h = await startOkxHarness();
    const before = h.venue.inboundProblems();
    h.sim.faults.sendMalformedFrame('all', '{"arg":');
    h.sim.faults.sendMalformedFrame('all', JSON.stringify({ event: 'subscribe' }));
    h.sim.faults.sendMalformedFrame(
      'all',
      JSON.stringify({ arg: { channel: 'orders', instType: 'SWAP' }, data: [{ instId: SYMBOL, ordId: '1', state: 'nonsense' }] }),
    );
    await waitFor(() => h!.venue.inboundProblems().malformedFrames >= before.malformedFrames + 6, {
      message: 'two malformed frames on each of three sockets',
    });
    await waitFor(() => h!.venue.inboundProblems().skippedItems > before.skippedItems, { message: 'the bad orders item skipped' });
    expect(h.venue.isReady()).toBe(true);
    expect(h.log.find('malformed okx').length).toBeGreaterThanOrEqual(3);
    expect(h.log.find('malformed frame from venue (not JSON)').length).toBeGreaterThanOrEqual(3);
  });

  it('sizes are rounded down to lotSz and prices to the tick before they are sent (no float artefacts)', async () => {
    h = await startOkxHarness();
    const out = await h.venue.submitOrder({
      clientId: 'vd1rd1E1',
      symbol: SYMBOL,
      side: 'buy',
      type: 'limit',
      price: dec('30000.1234'),
      size: dec('1.239'),
      reduceOnly: false,
    });
    expect(out.status).toBe('accepted');
    const body = h.sim.requests.filter((r) => r.method === 'POST /api/v5/trade/order').at(-1)!.body as Record<string, unknown>;
    expect(body).toMatchObject({ sz: '1.23', px: '30000.1', clOrdId: 'vd1rd1E1', tdMode: 'cross' });
    // a size below the minimum is refused before anything is sent
    const small = await h.venue.submitOrder({
      clientId: 'vd1rd1E2',
      symbol: SYMBOL,
      side: 'buy',
      type: 'market',
      size: dec('0.001'),
      reduceOnly: false,
    });
    expect(small).toMatchObject({ status: 'rejected', code: 'INVALID_REQUEST' });
    // a client id OKX cannot take (dashes) is refused before anything is sent
    const dashed = await h.venue.submitOrder({
      clientId: 'vd1-bad',
      symbol: SYMBOL,
      side: 'buy',
      type: 'market',
      size: dec(1),
      reduceOnly: false,
    });
    expect(dashed).toMatchObject({ status: 'rejected', code: 'INVALID_REQUEST' });
  });

  it('a stop’s spawned order pushed before the algo names it is handed on again under the stop’s client id', async () => {
    h = await startOkxHarness();
    const conn = (channel: string): string =>
      h!.sim.connectionIds().find((id) => h!.sim.subscriptionsOf(id).some((k) => k.startsWith(`${channel}|`)))!;
    const now = String(Date.now());
    // private: the child order of an algo, filled, without any algo identity on it (source 7)
    h.sim.faults.sendMalformedFrame(
      conn('orders'),
      JSON.stringify({
        arg: { channel: 'orders', instType: 'SWAP' },
        data: [
          {
            instId: SYMBOL,
            ordId: '777001',
            clOrdId: '',
            side: 'sell',
            ordType: 'market',
            sz: '1',
            px: '',
            state: 'filled',
            accFillSz: '1',
            avgPx: '59000',
            fillSz: '1',
            fillPx: '59000',
            tradeId: 'T777',
            fillTime: now,
            fillFee: '-0.1',
            fillFeeCcy: 'USDT',
            execType: 'T',
            reduceOnly: 'true',
            source: '7',
            cTime: now,
            uTime: now,
          },
        ],
      }),
    );
    await waitFor(() => h!.events.some((e) => e.type === 'order' && e.order.venueOrderId === '777001'), {
      message: 'the anonymous child pushed',
    });
    expect(h.events.some((e) => e.type === 'fill' && e.fill.clientId === 'vd1ooo1S1')).toBe(false);
    // business: the algo, fired, naming its child
    h.sim.faults.sendMalformedFrame(
      conn('orders-algo'),
      JSON.stringify({
        arg: { channel: 'orders-algo', instType: 'SWAP' },
        data: [
          {
            instId: SYMBOL,
            algoId: 'A777',
            algoClOrdId: 'vd1ooo1S1',
            ordType: 'conditional',
            side: 'sell',
            sz: '1',
            state: 'effective',
            reduceOnly: 'true',
            slTriggerPx: '59000',
            slOrdPx: '-1',
            slTriggerPxType: 'mark',
            actualSide: 'sl',
            ordIdList: ['777001'],
            cTime: now,
            uTime: now,
          },
        ],
      }),
    );
    await waitFor(() => h!.events.some((e) => e.type === 'fill' && e.fill.clientId === 'vd1ooo1S1' && e.fill.tradeId === 'T777'), {
      message: 'the child fill under the stop’s client id',
    });
    expect(h.events.some((e) => e.type === 'order' && e.order.clientId === 'vd1ooo1S1' && e.order.status === 'filled')).toBe(true);
  });

  it('the unified symbol maps to the swap', async () => {
    h = await startOkxHarness();
    expect(h.venue.nativeSymbol('BTC/USDT:USDT')).toBe(SYMBOL);
    expect(h.venue.instrument('BTC/USDT:USDT')?.symbol).toBe(SYMBOL);
    expect(h.venue.instrument(SYMBOL)?.sizeUnit).toBe('contracts');
    expect(h.venue.instrument(SYMBOL)?.contractSize.eq('0.01')).toBe(true);
  });

  it('watchTicker subscribes tickers and mark-price once and emits tickers with bid, ask and mark', async () => {
    h = await startOkxHarness();
    await h.venue.watchTicker(SYMBOL);
    await h.venue.watchTicker('BTC/USDT:USDT');
    setMark('61000');
    await waitFor(() => h!.events.some((e) => e.type === 'ticker' && e.ticker.mark !== undefined && e.ticker.mark.eq('61000')), {
      message: 'ticker with the new mark',
    });
    const pub = h.sim.connectionIds().find((id) => h!.sim.subscriptionsOf(id).some((k) => k.startsWith('tickers|')));
    expect(h.sim.subscriptionsOf(pub!).filter((k) => k.startsWith('tickers|'))).toHaveLength(1);
    await expect(h.venue.watchTicker('NOPE-USDT-SWAP')).rejects.toThrow(/unknown okx instrument NOPE-USDT-SWAP/);
  });
});
