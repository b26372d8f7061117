/** Deribit wire → domain parsers: instruments, orders, fills, positions, tickers, with exact decimals and named field paths. */
import { describe, expect, it } from 'vitest';

import type { Decimal } from '../../../src/domain/decimal.js';
import { DeribitParseError } from '../../../src/venues/deribit/errors.js';
import {
  parseInstrument,
  parseInstruments,
  parseOrder,
  parsePortfolio,
  parsePosition,
  parseTicker,
  parseTrade,
  parseUserChanges,
} from '../../../src/venues/deribit/parse.js';
import type { DeribitInstrument, DeribitOrder } from '../../../src/venues/deribit/rest-models.js';
import {
  DeribitInstrumentSchema,
  DeribitOrderResultSchema,
  DeribitOrderSchema,
  DeribitPositionSchema,
  GetInstrumentsResultSchema,
  GetOpenOrdersResultSchema,
  GetPositionsResultSchema,
  GetSubaccountsDetailsResultSchema,
} from '../../../src/venues/deribit/rest-models.js';
import { unwrapRpcResponse, validateWire } from '../../../src/venues/deribit/rpc.js';
import {
  SubscriptionNotificationSchema,
  TickerDataSchema,
  UserChangesDataSchema,
  UserOrdersDataSchema,
  UserPortfolioDataSchema,
} from '../../../src/venues/deribit/ws-messages.js';
import { loadFixture } from '../../support/load-fixture.js';

const RECEIVED_AT = 1_800_000_000_000;
const fixture = (name: string): unknown => loadFixture('deribit', name);
const str = (d: Decimal | undefined): string | undefined => d?.toString();

/** The `data` of a subscription notification fixture. */
function notificationData(name: string): { channel: string; data: unknown } {
  const frame = SubscriptionNotificationSchema.parse(fixture(name));
  return { channel: frame.params.channel, data: frame.params.data };
}

describe('parseInstrument', () => {
  const futures = unwrapRpcResponse(
    fixture('http_public_get_instruments_btc_future.json'),
    GetInstrumentsResultSchema,
    'public/get_instruments',
  );

  it('parses a dated inverse future: USD-sized, lot = contract_size, 08:00 UTC expiry', () => {
    const wire = futures[0];
    if (!wire) throw new Error('fixture has no first entry');
    const inst = parseInstrument(wire);
    expect(inst).toMatchObject({
      venue: 'deribit',
      symbol: 'BTC-29SEP23',
      kind: 'future',
      base: 'BTC',
      quote: 'USD',
      settle: 'BTC',
      inverse: true,
      sizeUnit: 'quote',
      expiryMs: 1695974400000,
      active: true,
      tickSteps: [],
    });
    expect(str(inst.tickSize)).toBe('2.5');
    expect(str(inst.lotSize)).toBe('10');
    expect(str(inst.minSize)).toBe('10');
    expect(str(inst.contractSize)).toBe('10');
    expect(new Date(inst.expiryMs ?? 0).toISOString()).toBe('2023-09-29T08:00:00.000Z');
  });

  it('parses the inverse perpetual without an expiry', () => {
    const wire = futures[1];
    if (!wire) throw new Error('fixture has no second entry');
    const inst = parseInstrument(wire);
    expect(inst).toMatchObject({ symbol: 'BTC-PERPETUAL', kind: 'perpetual', inverse: true, sizeUnit: 'quote', settle: 'BTC' });
    expect(inst.expiryMs).toBeUndefined();
    expect(str(inst.tickSize)).toBe('0.5');
    expect(str(inst.lotSize)).toBe('10');
  });

  it('parses the docs option: base-sized in 0.1 steps, tick steps kept and sorted', () => {
    const wire = unwrapRpcResponse(fixture('http_public_get_instrument_btc_option.json'), DeribitInstrumentSchema, 'public/get_instrument');
    const inst = parseInstrument(wire);
    expect(inst).toMatchObject({
      symbol: 'BTC-13JAN23-16000-P',
      kind: 'option',
      base: 'BTC',
      quote: 'BTC',
      settle: 'BTC',
      inverse: true,
      sizeUnit: 'base',
      optionType: 'put',
      expiryMs: 1673596800000,
      active: true,
    });
    expect(str(inst.strike)).toBe('16000');
    expect(str(inst.tickSize)).toBe('0.0005');
    expect(inst.tickSteps.map((s) => [s.abovePrice.toString(), s.tickSize.toString()])).toEqual([
      ['120', '0.001'],
      ['200', '0.003'],
    ]);
    expect(str(inst.lotSize)).toBe('0.1');
    expect(str(inst.minSize)).toBe('0.1');
    expect(str(inst.contractSize)).toBe('1');
  });

  it('parses the ETH daily option capture (settlement_period "day", real tick steps)', () => {
    const list = unwrapRpcResponse(
      fixture('http_public_get_instruments_eth_option_capture.json'),
      GetInstrumentsResultSchema,
      'public/get_instruments',
    );
    const { instruments, skipped } = parseInstruments(list);
    expect(skipped).toEqual([]);
    expect(instruments.map((i) => [i.symbol, i.kind, i.optionType])).toEqual([
      ['ETH-6JUL25-1500-C', 'option', 'call'],
      ['ETH-6JUL25-1500-P', 'option', 'put'],
    ]);
    const call = instruments[0];
    if (!call) throw new Error('no call');
    expect(call).toMatchObject({ base: 'ETH', quote: 'ETH', settle: 'ETH', inverse: true, sizeUnit: 'base', expiryMs: 1751788800000 });
    expect(str(call.tickSize)).toBe('0.0001');
    expect(call.tickSteps.map((s) => [s.abovePrice.toString(), s.tickSize.toString()])).toEqual([['0.005', '0.0005']]);
    expect(str(call.lotSize)).toBe('1');
    expect(str(call.minSize)).toBe('1');
    expect(str(call.strike)).toBe('1500');
  });

  const linearPerp: DeribitInstrument = DeribitInstrumentSchema.parse({
    instrument_name: 'ETH_USDC-PERPETUAL',
    kind: 'future',
    instrument_type: 'linear',
    base_currency: 'ETH',
    quote_currency: 'USDC',
    settlement_currency: 'USDC',
    settlement_period: 'perpetual',
    contract_size: 0.001,
    min_trade_amount: 0.001,
    tick_size: 0.05,
    tick_size_steps: [],
    is_active: true,
    expiration_timestamp: 32503708800000,
    state: 'open',
  });

  it('parses a linear USDC perpetual as base-sized', () => {
    const inst = parseInstrument(linearPerp);
    expect(inst).toMatchObject({ kind: 'perpetual', inverse: false, sizeUnit: 'base', settle: 'USDC', quote: 'USDC', active: true });
    expect(str(inst.lotSize)).toBe('0.001');
  });

  it('marks a record inactive when its state is not open', () => {
    expect(parseInstrument({ ...linearPerp, state: 'settlement' }).active).toBe(false);
    expect(parseInstrument({ ...linearPerp, is_active: false }).active).toBe(false);
  });

  it('skips combos with a reason naming the field', () => {
    const combo = { ...linearPerp, instrument_name: 'BTC-FS-26DEC25_PERP', kind: 'future_combo' };
    expect(() => parseInstrument(combo)).toThrow(/instrument\.kind: unsupported instrument kind "future_combo"/);
    const { instruments, skipped } = parseInstruments([linearPerp, combo]);
    expect(instruments).toHaveLength(1);
    expect(skipped).toEqual([{ name: 'BTC-FS-26DEC25_PERP', reason: expect.stringContaining('instruments.1.kind') }]);
  });

  it('names the field of a bad number', () => {
    expect(() => parseInstrument({ ...linearPerp, tick_size: 'abc' })).toThrow(/instrument\.tick_size: not a number/);
  });
});

describe('parseOrder', () => {
  const orderResult = (name: string) => unwrapRpcResponse(fixture(name), DeribitOrderResultSchema, 'private/buy');

  it('parses a filled market buy with its taker trade (docs)', () => {
    const result = orderResult('ws_private_buy_market_response.json');
    const order = parseOrder(result.order, RECEIVED_AT);
    expect(order).toMatchObject({
      venue: 'deribit',
      venueOrderId: 'ETH-584849853',
      clientId: 'market0000234',
      symbol: 'ETH-PERPETUAL',
      side: 'buy',
      type: 'market',
      status: 'filled',
      reduceOnly: false,
      updatedAtMs: 1590483938456,
    });
    expect(str(order.size)).toBe('40');
    expect(str(order.filledSize)).toBe('40');
    expect(str(order.avgFillPrice)).toBe('203.3');
    // The protective limit 207.3 of a market order is not reported as its price.
    expect(order.price).toBeUndefined();

    const [trade] = result.trades;
    if (!trade) throw new Error('no trade');
    const fill = parseTrade(trade, RECEIVED_AT);
    expect(fill).toMatchObject({
      venue: 'deribit',
      tradeId: 'ETH-2696083',
      venueOrderId: 'ETH-584849853',
      clientId: 'market0000234',
      symbol: 'ETH-PERPETUAL',
      side: 'buy',
      feeCurrency: 'ETH',
      liquidity: 'taker',
      tsMs: 1590483938456,
    });
    expect(str(fill.size)).toBe('40');
    expect(str(fill.price)).toBe('203.3');
    expect(str(fill.fee)).toBe('0.00014757');
  });

  it('parses a resting post-only limit on a linear perp (capture)', () => {
    const result = orderResult('ws_private_buy_limit_response_capture.json');
    expect(result.trades).toEqual([]);
    const order = parseOrder(result.order, RECEIVED_AT);
    expect(order).toMatchObject({
      venueOrderId: 'USDC-104819327443',
      clientId: 'O-19700101-000000-001-001-1',
      symbol: 'ETH_USDC-PERPETUAL',
      side: 'buy',
      type: 'limit',
      status: 'open',
      updatedAtMs: 1767978363493,
    });
    expect(str(order.size)).toBe('0.001');
    expect(str(order.filledSize)).toBe('0');
    expect(str(order.price)).toBe('2973.55');
    expect(order.avgFillPrice).toBeUndefined();
    expect(order.triggerPrice).toBeUndefined();
  });

  it('parses the OTOCO primary as a plain open limit without a label', () => {
    const wire = orderResult('ws_private_buy_otoco_response.json').order;
    expect(wire.is_primary_otoco).toBe(true);
    expect(wire.oto_order_ids).toEqual(['OTO-10838714', 'OTO-10838715']);
    expect(wire.trigger_fill_condition).toBe('complete_fill');
    const order = parseOrder(wire, RECEIVED_AT);
    expect(order).toMatchObject({ venueOrderId: '58167917688', type: 'limit', status: 'open', side: 'buy', symbol: 'BTC-PERPETUAL' });
    expect(order.clientId).toBeUndefined();
    expect(str(order.size)).toBe('1000');
    expect(str(order.price)).toBe('115000');
  });

  it('parses an untriggered stop-limit without filled_amount/average_price (docs)', () => {
    const order = parseOrder(orderResult('ws_private_sell_stop_limit_response.json').order, RECEIVED_AT);
    expect(order).toMatchObject({ venueOrderId: 'ETH-SLTS-28', type: 'stop_limit', status: 'untriggered', side: 'sell' });
    expect(str(order.size)).toBe('123');
    expect(str(order.filledSize)).toBe('0');
    expect(order.avgFillPrice).toBeUndefined();
    expect(str(order.price)).toBe('145.61');
    expect(str(order.triggerPrice)).toBe('145');
    expect(order.clientId).toBeUndefined();
  });

  it('parses an untriggered stop-market with price "market_price"', () => {
    const order = parseOrder(orderResult('ws_private_sell_stop_market_response.json').order, RECEIVED_AT);
    expect(order).toMatchObject({
      venueOrderId: 'USDC-104819327499',
      clientId: 'O-19700101-000000-001-001-3',
      symbol: 'ETH_USDC-PERPETUAL',
      type: 'stop_market',
      status: 'untriggered',
      side: 'sell',
      reduceOnly: true,
    });
    expect(order.price).toBeUndefined();
    expect(str(order.triggerPrice)).toBe('2228');
    expect(str(order.size)).toBe('0.01');
    expect(str(order.filledSize)).toBe('0');
  });

  it('defaults filled_amount to 0 when absent (Nautilus #3995 capture)', () => {
    const order = parseOrder(orderResult('ws_private_sell_stop_market_no_filled_amount.json').order, RECEIVED_AT);
    expect(order).toMatchObject({ venueOrderId: 'USDC-SLMB-19641', symbol: 'BTC_USDC-PERPETUAL', status: 'untriggered', reduceOnly: true });
    expect(str(order.filledSize)).toBe('0');
    expect(order.avgFillPrice).toBeUndefined();
    expect(order.price).toBeUndefined();
    expect(str(order.triggerPrice)).toBe('2228');
  });

  it('parses the open option order from get_open_orders_by_currency', () => {
    const [wire] = unwrapRpcResponse(
      fixture('http_private_get_open_orders_by_currency.json'),
      GetOpenOrdersResultSchema,
      'private/get_open_orders_by_currency',
    );
    if (!wire) throw new Error('no order');
    const order = parseOrder(wire, RECEIVED_AT);
    expect(order).toMatchObject({ venueOrderId: '146062', symbol: 'BTC-15FEB19-3250-P', side: 'buy', type: 'limit', status: 'open' });
    expect(str(order.price)).toBe('0.0028');
    expect(str(order.size)).toBe('10');
    expect(order.clientId).toBeUndefined();
  });

  it('parses a filled limit from get_order_state', () => {
    const wire = unwrapRpcResponse(fixture('http_private_get_order_state.json'), DeribitOrderSchema, 'private/get_order_state');
    const order = parseOrder(wire, RECEIVED_AT);
    expect(order).toMatchObject({ venueOrderId: 'ETH-331562', side: 'sell', status: 'filled', updatedAtMs: 1550219810944 });
    expect(str(order.filledSize)).toBe('37');
    expect(str(order.avgFillPrice)).toBe('118.94');
    expect(str(order.price)).toBe('118.94');
  });

  it('parses the docs cancel reply (still untriggered) and the real cancel capture', () => {
    const docs = parseOrder(
      unwrapRpcResponse(fixture('ws_private_cancel_response.json'), DeribitOrderSchema, 'private/cancel'),
      RECEIVED_AT,
    );
    expect(docs).toMatchObject({ venueOrderId: 'ETH-SLIS-12', type: 'stop_market', status: 'untriggered' });
    expect(str(docs.triggerPrice)).toBe('144.73');
    expect(docs.price).toBeUndefined();
    expect(str(docs.filledSize)).toBe('0');

    const capture = parseOrder(
      unwrapRpcResponse(fixture('ws_private_cancel_response_capture.json'), DeribitOrderSchema, 'private/cancel'),
      RECEIVED_AT,
    );
    expect(capture).toMatchObject({
      venueOrderId: 'USDC-104819327443',
      status: 'cancelled',
      cancelReason: 'user_request',
      updatedAtMs: 1767978373490,
    });
    expect(str(capture.price)).toBe('3067.2');
  });

  it('parses user.orders on raw (object) and 100ms (array) channels', () => {
    const raw = notificationData('ws_notification_user_orders_raw.json');
    const batched = notificationData('ws_notification_user_orders_100ms.json');
    expect(raw.channel).toBe('user.orders.BTC-PERPETUAL.raw');
    const [rawOrder] = UserOrdersDataSchema.parse(raw.data).map((o) => parseOrder(o, RECEIVED_AT));
    const [batchedOrder] = UserOrdersDataSchema.parse(batched.data).map((o) => parseOrder(o, RECEIVED_AT));
    expect(rawOrder).toMatchObject({ venueOrderId: '5', status: 'open', type: 'limit', side: 'buy', updatedAtMs: 1581507423789 });
    expect(str(rawOrder?.price)).toBe('10502.52');
    expect(str(rawOrder?.size)).toBe('200');
    expect(batchedOrder).toMatchObject({ venueOrderId: '4', status: 'open', updatedAtMs: 1581507159533 });
    expect(str(batchedOrder?.price)).toBe('10460.43');
  });

  const base: DeribitOrder = DeribitOrderSchema.parse({
    order_id: 'X-1',
    instrument_name: 'BTC-PERPETUAL',
    direction: 'buy',
    order_state: 'open',
    order_type: 'limit',
    amount: 100,
    filled_amount: 30,
    average_price: 60000.5,
    price: 60001,
    label: 'd1-t1',
  });

  it('reports open with a fill as partially_filled', () => {
    const order = parseOrder(base, RECEIVED_AT);
    expect(order.status).toBe('partially_filled');
    expect(str(order.avgFillPrice)).toBe('60000.5');
    expect(order.updatedAtMs).toBe(RECEIVED_AT);
  });

  it('keeps cancelled with a partial fill as cancelled', () => {
    expect(parseOrder({ ...base, order_state: 'cancelled' }, RECEIVED_AT).status).toBe('cancelled');
  });

  it('carries the reason of rejected:<reason>', () => {
    const order = parseOrder({ ...base, order_state: 'rejected:reduce_only_violated', filled_amount: 0 }, RECEIVED_AT);
    expect(order.status).toBe('rejected');
    expect(order.rejectReason).toBe('reduce_only_violated');
  });

  it('names the field path on bad values', () => {
    expect(() => parseOrder({ ...base, amount: 'ten' }, RECEIVED_AT)).toThrow(/order\.amount: not a number/);
    expect(() => parseOrder({ ...base, order_state: 'archived' }, RECEIVED_AT)).toThrow(/order\.order_state/);
    expect(() => parseOrder({ ...base, direction: 'long' }, RECEIVED_AT)).toThrow(/order\.direction/);
    expect(() => parseOrder({ ...base, order_state: 'filled', filled_amount: undefined }, RECEIVED_AT)).toThrow(
      /order\.filled_amount: missing on a filled order/,
    );
    expect(() => parseOrder({ ...base, price: 'market_price' }, RECEIVED_AT)).toThrow(/order\.price/);
    expect(() => parseOrder({ ...base, order_type: 'trailing_stop' }, RECEIVED_AT)).toThrow(DeribitParseError);
  });
});

describe('user.changes', () => {
  it('parses the filled market sell, its trade and the resulting long', () => {
    const { channel, data } = notificationData('ws_notification_user_changes.json');
    expect(channel).toBe('user.changes.BTC-PERPETUAL.raw');
    const changes = parseUserChanges(UserChangesDataSchema.parse(data), RECEIVED_AT);

    expect(changes.orders).toHaveLength(1);
    const order = changes.orders[0];
    expect(order).toMatchObject({ venueOrderId: '3398016', side: 'sell', type: 'market', status: 'filled' });
    expect(str(order?.filledSize)).toBe('10');
    expect(str(order?.avgFillPrice)).toBe('17391');

    expect(changes.fills).toHaveLength(1);
    const fill = changes.fills[0];
    expect(fill).toMatchObject({
      tradeId: '1430914',
      venueOrderId: '3398016',
      side: 'sell',
      liquidity: 'taker',
      feeCurrency: 'BTC',
      tsMs: 1605780344032,
    });
    expect(fill?.clientId).toBeUndefined();
    expect(str(fill?.fee)).toBe('0.00000016');
    expect(str(fill?.price)).toBe('17391');

    expect(changes.positions).toHaveLength(1);
    const position = changes.positions[0];
    expect(position).toMatchObject({ symbol: 'BTC-PERPETUAL', updatedAtMs: RECEIVED_AT });
    expect(str(position?.size)).toBe('185160');
    expect(str(position?.avgPrice)).toBe('15000');
    expect(str(position?.markPrice)).toBe('17391');
    expect(str(position?.unrealizedPnl)).toBe('0.906961435');
    expect(str(position?.realizedPnl)).toBe('0.012454598');
  });

  it('skips a bad item, naming its path, and keeps the rest of the push', () => {
    const { data } = notificationData('ws_notification_user_changes.json');
    const good = UserChangesDataSchema.parse(data);
    const bad = { order_id: '1', instrument_name: 'BTC-PERPETUAL', direction: 'buy', order_state: 'gone', order_type: 'limit', amount: 10 };
    const changes = parseUserChanges({ ...good, orders: [bad, ...good.orders] }, RECEIVED_AT);
    expect(changes.skipped.map((s) => s.path)).toEqual(['changes.orders.0']);
    expect(String(changes.skipped[0]?.error)).toMatch(/changes\.orders\.0\.order_state/);
    expect(changes.orders).toHaveLength(1);
    expect(changes.fills).toHaveLength(1);
    expect(changes.positions).toHaveLength(1);
  });
});

describe('parsePosition', () => {
  it('parses the long from get_positions', () => {
    const [wire] = unwrapRpcResponse(fixture('http_private_get_positions.json'), GetPositionsResultSchema, 'private/get_positions');
    if (!wire) throw new Error('no position');
    const position = parsePosition(wire, RECEIVED_AT);
    expect(position).toMatchObject({ venue: 'deribit', symbol: 'BTC-PERPETUAL', updatedAtMs: RECEIVED_AT });
    expect(str(position.size)).toBe('50');
    expect(str(position.avgPrice)).toBe('7440.18');
    expect(str(position.markPrice)).toBe('7476.65');
    expect(str(position.unrealizedPnl)).toBe('0');
    expect(str(position.realizedPnl)).toBe('-0.000000009');
  });

  it('parses a flat position (size 0, direction buy) as zero', () => {
    const wire = unwrapRpcResponse(fixture('http_private_get_position_flat.json'), DeribitPositionSchema, 'private/get_position');
    const position = parsePosition(wire, RECEIVED_AT);
    expect(str(position.size)).toBe('0');
    expect(position.size.isZero()).toBe(true);
    expect(str(position.avgPrice)).toBe('0');
  });

  it('parses the documented short as a negative size', () => {
    const accounts = unwrapRpcResponse(
      fixture('http_private_get_subaccounts_details_short_position.json'),
      GetSubaccountsDetailsResultSchema,
      'private/get_subaccounts_details',
    );
    expect(accounts.map((a) => a.uid)).toEqual([3, 10]);
    const long = accounts[0]?.positions[0];
    const short = accounts[1]?.positions[0];
    if (!long || !short) throw new Error('fixture positions missing');
    const longPosition = parsePosition(long, RECEIVED_AT);
    const shortPosition = parsePosition(short, RECEIVED_AT);
    expect(longPosition.symbol).toBe('BTC-PERPETUAL');
    expect(str(longPosition.size)).toBe('200');
    expect(shortPosition.symbol).toBe('BTC-3SEP21');
    expect(str(shortPosition.size)).toBe('-60');
    expect(str(shortPosition.avgPrice)).toBe('47182.76');
    expect(str(shortPosition.unrealizedPnl)).toBe('0.000037333');
  });

  it('takes the side from direction even if size is unsigned', () => {
    const wire = DeribitPositionSchema.parse({ instrument_name: 'BTC-PERPETUAL', direction: 'sell', size: 60, average_price: 100 });
    expect(str(parsePosition(wire, RECEIVED_AT).size)).toBe('-60');
  });

  it('rejects direction zero with a size, and unknown directions, naming the field', () => {
    const zero = DeribitPositionSchema.parse({ instrument_name: 'BTC-PERPETUAL', direction: 'zero', size: 10, average_price: 100 });
    expect(() => parsePosition(zero, RECEIVED_AT)).toThrow(/position\.direction/);
    expect(() => parsePosition({ ...zero, direction: 'flat' }, RECEIVED_AT)).toThrow(/position\.direction: unknown position direction/);
    expect(() => parsePosition({ ...zero, direction: 'buy', size: 'x' }, RECEIVED_AT)).toThrow(/position\.size/);
  });
});

describe('parseTicker', () => {
  it('parses the docs perpetual ticker', () => {
    const { data } = notificationData('ws_notification_ticker_perpetual.json');
    const ticker = parseTicker(validateWire(TickerDataSchema, data, 'ticker'), RECEIVED_AT);
    expect(ticker).toMatchObject({ venue: 'deribit', symbol: 'BTC-PERPETUAL', tsMs: 1623060194301 });
    expect(str(ticker.bid)).toBe('36442.5');
    expect(str(ticker.ask)).toBe('36443');
    expect(str(ticker.last)).toBe('36457.5');
    expect(str(ticker.mark)).toBe('36446.51');
    expect(str(ticker.index)).toBe('36441.64');
    expect(ticker.greeks).toBeUndefined();
    expect(ticker.markIv).toBeUndefined();
  });

  it('parses the perpetual capture', () => {
    const { channel, data } = notificationData('ws_notification_ticker_perpetual_capture.json');
    expect(channel).toBe('ticker.BTC-PERPETUAL.100ms');
    const ticker = parseTicker(validateWire(TickerDataSchema, data, 'ticker'), RECEIVED_AT);
    expect(ticker.tsMs).toBe(1765541474086);
    expect(str(ticker.bid)).toBe('92283.5');
    expect(str(ticker.ask)).toBe('92284');
    expect(str(ticker.mark)).toBe('92281.78');
    expect(str(ticker.index)).toBe('92263.55');
  });

  it('parses the option capture with greeks and mark_iv', () => {
    const { data } = notificationData('ws_notification_ticker_option_capture.json');
    const ticker = parseTicker(validateWire(TickerDataSchema, data, 'ticker'), RECEIVED_AT);
    expect(ticker).toMatchObject({ symbol: 'BTC-30SEP22-60000-C', tsMs: 1654161839367 });
    expect(str(ticker.bid)).toBe('0.008');
    expect(str(ticker.ask)).toBe('0.009');
    expect(str(ticker.last)).toBe('0.009');
    expect(str(ticker.mark)).toBe('0.0084');
    expect(str(ticker.markIv)).toBe('67.7');
    expect(str(ticker.greeks?.delta)).toBe('0.05785');
    expect(str(ticker.greeks?.gamma)).toBe('0.00001');
    expect(str(ticker.greeks?.vega)).toBe('20.05335');
    expect(str(ticker.greeks?.theta)).toBe('-5.65962');
    expect(str(ticker.greeks?.rho)).toBe('4.91491');
  });

  it('leaves out empty book sides', () => {
    const wire = TickerDataSchema.parse({
      instrument_name: 'BTC-PERPETUAL',
      timestamp: 1,
      best_bid_price: null,
      best_bid_amount: 0,
      best_ask_price: 0,
      best_ask_amount: 0,
      last_price: null,
      mark_price: 10,
    });
    const ticker = parseTicker(wire, RECEIVED_AT);
    expect(ticker.bid).toBeUndefined();
    expect(ticker.ask).toBeUndefined();
    expect(ticker.last).toBeUndefined();
    expect(str(ticker.mark)).toBe('10');
  });
});

describe('parsePortfolio', () => {
  it('parses the docs BTC portfolio (channel echoed in lower case)', () => {
    const { channel, data } = notificationData('ws_notification_user_portfolio.json');
    expect(channel).toBe('user.portfolio.btc');
    const balance = parsePortfolio(UserPortfolioDataSchema.parse(data), RECEIVED_AT);
    expect(balance).toMatchObject({ venue: 'deribit', currency: 'BTC', updatedAtMs: RECEIVED_AT });
    expect(str(balance.equity)).toBe('302.6188592');
    expect(str(balance.available)).toBe('301.38036328');
  });

  it('parses the cross-collateral USDT capture', () => {
    const { data } = notificationData('ws_notification_user_portfolio_capture.json');
    const wire = UserPortfolioDataSchema.parse(data);
    expect(wire.margin_model).toBe('cross_sm');
    expect(wire.total_equity_usd).toBe(54.924283065);
    const balance = parsePortfolio(wire, RECEIVED_AT);
    expect(balance.currency).toBe('USDT');
    expect(str(balance.equity)).toBe('55.00055');
    expect(str(balance.available)).toBe('53.868247');
  });

  it('names the field of a bad value', () => {
    const wire = UserPortfolioDataSchema.parse({ currency: 'BTC', balance: 1, equity: 'n/a', available_funds: 1 });
    expect(() => parsePortfolio(wire, RECEIVED_AT)).toThrow(/portfolio\.equity: not a number/);
  });
});

describe('venue timestamps into host time (clock offset)', () => {
  const orderResult = () => unwrapRpcResponse(fixture('ws_private_buy_market_response.json'), DeribitOrderResultSchema, 'private/buy');

  it('subtracts the venue-minus-host offset from venue timestamps, never from the host receive time', () => {
    const result = orderResult();
    const wireOrder = result.order;
    const wireTrade = result.trades[0]!;
    // venue 3 s behind: offset -3000, so host time = venue time + 3000
    expect(parseOrder(wireOrder, RECEIVED_AT, 'order', -3_000).updatedAtMs).toBe(
      Number(wireOrder.last_update_timestamp ?? wireOrder.creation_timestamp) + 3_000,
    );
    expect(parseTrade(wireTrade, RECEIVED_AT, 'trade', -3_000).tsMs).toBe(wireTrade.timestamp + 3_000);
    expect(parseTrade(wireTrade, RECEIVED_AT).tsMs).toBe(wireTrade.timestamp);
    // no venue timestamp: the host receive time, unshifted
    const bare = { ...wireOrder, last_update_timestamp: undefined, creation_timestamp: undefined };
    expect(parseOrder(bare, RECEIVED_AT, 'order', -3_000).updatedAtMs).toBe(RECEIVED_AT);
  });
});
