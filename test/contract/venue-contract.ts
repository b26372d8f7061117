/**
 * The behaviour every Venue must show, written once. Each implementation (the real adapters
 * against the simulator, and the in-memory venue) supplies a harness and runs this suite.
 */
import { afterEach, describe, expect, it } from 'vitest';

import type { Decimal } from '../../src/domain/decimal.js';
import type { VenueEvent } from '../../src/domain/events.js';
import type { Venue } from '../../src/domain/ports.js';
import { waitFor } from '../support/wait.js';

export interface ContractHarness {
  readonly venue: Venue;
  /** A liquid perpetual or future on this venue. */
  readonly symbol: string;
  /** One order size in the venue's unit, and a price far below the market (never fills). */
  readonly size: Decimal;
  readonly farBelowPrice: Decimal;
  /** Move the mark (and traded) price to `price`. */
  setPrice(price: Decimal): void;
  currentPrice(): Decimal;
  /** Fill the next order only partly. */
  partialFillNext(fraction: number): void;
  /** Cut every connection the venue has, if it has one (in-memory venues emulate it). */
  dropConnection(): void;
  readonly events: VenueEvent[];
  close(): Promise<void>;
}

export function runVenueContract(name: string, setup: () => Promise<ContractHarness>): void {
  describe(`Venue contract: ${name}`, () => {
    let h: ContractHarness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });
    const start = async (): Promise<ContractHarness> => {
      h = await setup();
      await h.venue.connect();
      return h;
    };

    it('connects, is ready, and knows its instrument', async () => {
      const { venue, symbol } = await start();
      expect(venue.isReady()).toBe(true);
      expect(venue.connectionState()).toBe('ready');
      const inst = venue.instrument(symbol);
      expect(inst?.tickSize.isPositive()).toBe(true);
      expect(inst?.lotSize.isPositive()).toBe(true);
    });

    it('a market order fills, opens a position and pushes a fill with our client id', async () => {
      const { venue, symbol, size, events } = await start();
      const out = await venue.submitOrder({ clientId: 'vd1ct1e', symbol, side: 'buy', type: 'market', size, reduceOnly: false });
      expect(out.status).toBe('accepted');
      await waitFor(() => events.some((e) => e.type === 'fill' && e.fill.clientId === 'vd1ct1e'));
      const positions = await venue.positions();
      expect(positions.find((p) => p.symbol === symbol)?.size.eq(size)).toBe(true);
    });

    it('a resting limit order is listed, found by client id, and cancelled', async () => {
      const { venue, symbol, size, farBelowPrice } = await start();
      const out = await venue.submitOrder({
        clientId: 'vd1ct2e',
        symbol,
        side: 'buy',
        type: 'limit',
        price: farBelowPrice,
        size,
        reduceOnly: false,
      });
      expect(out.status === 'accepted' && out.order.status).toBe('open');
      expect((await venue.openOrders()).map((o) => o.clientId)).toContain('vd1ct2e');
      const found = await venue.getOrder({ symbol, clientId: 'vd1ct2e' });
      expect(found.status).toBe('found');
      expect(await venue.cancelOrder({ symbol, clientId: 'vd1ct2e' })).toMatchObject({ status: 'accepted' });
      expect((await venue.openOrders()).map((o) => o.clientId)).not.toContain('vd1ct2e');
      expect(await venue.getOrder({ symbol, clientId: 'vd1ctnever' })).toEqual({ status: 'not_found' });
    });

    it('a reduce-only stop rests untriggered, fires on the price, and flattens', async () => {
      const { venue, symbol, size, events } = await start();
      await venue.submitOrder({ clientId: 'vd1ct3e', symbol, side: 'buy', type: 'market', size, reduceOnly: false });
      const px = h!.currentPrice();
      const stopPx = px.times('0.95').roundToStep(venue.instrument(symbol)!.tickSize);
      const stop = await venue.submitOrder({
        clientId: 'vd1ct3sl',
        symbol,
        side: 'sell',
        type: 'stop_market',
        triggerPrice: stopPx,
        trigger: 'mark',
        size,
        reduceOnly: true,
      });
      expect(stop.status === 'accepted' && stop.order.status).toBe('untriggered');
      h!.setPrice(px.times('0.9').roundToStep(venue.instrument(symbol)!.tickSize));
      await waitFor(() => events.some((e) => e.type === 'order' && e.order.clientId === 'vd1ct3sl' && e.order.status === 'filled'), {
        timeoutMs: 5_000,
      });
      await waitFor(async () => (await venue.positions()).length === 0);
    });

    it('a partial fill reports the filled size', async () => {
      const { venue, symbol, size } = await start();
      h!.partialFillNext(0.5);
      const px = h!.currentPrice().times('1.01').roundToStep(venue.instrument(symbol)!.tickSize);
      const big = size.times(2);
      const out = await venue.submitOrder({
        clientId: 'vd1ct4e',
        symbol,
        side: 'buy',
        type: 'limit',
        price: px,
        size: big,
        reduceOnly: false,
      });
      expect(out.status === 'accepted' && out.order.filledSize.eq(size)).toBe(true);
      expect(out.status === 'accepted' && out.order.status).toBe('partially_filled');
    });

    it('after a dropped connection it is ready again and resynced', async () => {
      const { venue, events } = await start();
      h!.dropConnection();
      await waitFor(() => events.some((e) => e.type === 'resynced'), { timeoutMs: 5_000 });
      expect(venue.isReady()).toBe(true);
    });

    it('reports the venue-host clock offset once connected (times at the port are host times)', async () => {
      const { venue } = await start();
      const offset = venue.clockOffset();
      expect(offset).toBeDefined();
      // the venue under test runs on this host's clock
      expect(Math.abs(offset!.offsetMs)).toBeLessThanOrEqual(Math.max(50, offset!.rttMs));
      expect(offset!.rttMs).toBeGreaterThanOrEqual(0);
    });

    it('disconnect is safe to call twice', async () => {
      const { venue } = await start();
      await venue.disconnect();
      await venue.disconnect();
      expect(venue.isReady()).toBe(false);
    });
  });
}
