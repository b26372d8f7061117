/** OKX parsers on every push and REST fixture: tickers (lazy), mark price, orders (+ fill), algo orders, positions, balance, fills, config, instruments, time, acks and sCode failures. */
import { describe, expect, it } from 'vitest';

import { classify, errorFamily, isAuthError, OkxApiError, OkxParseError } from '../../../src/venues/okx/errors.js';
import {
  expectOk,
  type OkxQuote,
  orderDedupKeys,
  parseAccountBalance,
  parseAccountConfigReply,
  parseAlgoAcks,
  parseAlgoOrder,
  parseBalanceAndPosition,
  parseCancelAllAfterAck,
  parseClosePositionAck,
  parseFill,
  parseInstruments,
  parseList,
  parseOrder,
  parseOrderAcks,
  parseOrdersPush,
  parsePosition,
  parsePositionsPush,
  parsePublicTime,
  readMarkPrice,
  readRestEnvelope,
  readTicker,
  singleAlgoAck,
  singleOrderAck,
  validate,
} from '../../../src/venues/okx/parse.js';
import {
  OkxAccountBalanceSchema,
  OkxAlgoOrderSchema,
  OkxBalanceAndPositionSchema,
  OkxFillSchema,
  OkxOrderSchema,
  OkxPositionSchema,
} from '../../../src/venues/okx/rest-models.js';
import { classifyText } from '../../../src/venues/okx/ws-messages.js';
import { LazyTicker } from '../../../src/venues/shared/lazy-ticker.js';
import { okxFixture, okxFixtureData } from './okx-fixtures.js';

const RECEIVED = 1_800_000_000_000;

function reply(name: string): ReturnType<typeof readRestEnvelope> {
  return readRestEnvelope(okxFixture(name));
}

/** A SWAP order push item (net mode) built from the docs' field list of spec 5, with overrides. */
function swapOrder(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    instType: 'SWAP',
    instId: 'BTC-USDT-SWAP',
    ordId: '1837000000000000001',
    clOrdId: 'vd1abcdefghijklmnopE1',
    tag: '',
    side: 'buy',
    posSide: 'net',
    tdMode: 'cross',
    ordType: 'limit',
    px: '60000',
    sz: '1',
    state: 'partially_filled',
    accFillSz: '0.4',
    fillSz: '0.4',
    fillPx: '60000',
    avgPx: '60000',
    tradeId: '987654',
    fillTime: '1740830401000',
    execType: 'M',
    fillFee: '-0.048',
    fillFeeCcy: 'USDT',
    fee: '-0.048',
    feeCcy: 'USDT',
    fillPnl: '0',
    pnl: '0',
    lever: '10',
    reduceOnly: 'false',
    attachAlgoOrds: [],
    algoId: '',
    algoClOrdId: '',
    source: '',
    category: 'normal',
    cancelSource: '',
    amendResult: '',
    reqId: '',
    code: '0',
    msg: '',
    cTime: '1740830400500',
    uTime: '1740830401000',
    ...over,
  };
}

describe('okx tickers (hot path)', () => {
  it('reads ws_push_tickers.json lazily: strings until read, exact decimals after', () => {
    const [item] = okxFixtureData('ws_push_tickers.json');
    const ticker = readTicker(item, RECEIVED);
    expect(ticker).toBeInstanceOf(LazyTicker);
    expect(ticker.symbol).toBe('BTC-USDT');
    expect(ticker.venue).toBe('okx');
    expect(ticker.tsMs).toBe(1597026383085);
    expect(ticker.bid?.toString()).toBe('8888.88');
    expect(ticker.ask?.toString()).toBe('9999.99');
    expect(ticker.last?.toString()).toBe('9999.99');
    expect(ticker.mark).toBeUndefined();
  });

  it('brings the venue ts into host time with the offset', () => {
    const [item] = okxFixtureData('ws_push_tickers.json');
    expect(readTicker(item, RECEIVED, 'tickers', 85).tsMs).toBe(1597026383000);
  });

  it('leaves an empty book side out', () => {
    const t = readTicker({ instId: 'BTC-USDT-SWAP', ts: '1', bidPx: '', bidSz: '', askPx: '60001', askSz: '0', last: '60000' }, RECEIVED);
    expect(t.bid).toBeUndefined();
    expect(t.ask).toBeUndefined();
    expect(t.last?.toString()).toBe('60000');
  });

  it('refuses malformed values at once, naming the field', () => {
    expect(() => readTicker({ instId: 'BTC-USDT-SWAP', ts: '1', bidPx: 'abc' }, RECEIVED)).toThrow(/tickers\.BTC-USDT-SWAP\.bidPx/);
    expect(() => readTicker({ instId: 'BTC-USDT-SWAP', ts: '1', last: 60000 }, RECEIVED)).toThrow(/last: not a decimal string/);
    expect(() => readTicker({ instId: 'BTC-USDT-SWAP', ts: '1.5' }, RECEIVED)).toThrow(/\.ts/);
    expect(() => readTicker({ ts: '1' }, RECEIVED)).toThrow(/tickers\.instId/);
    expect(() => readTicker([], RECEIVED)).toThrow(OkxParseError);
  });

  it('with the quotes map: one ticker per push, merged with the last mark; a malformed item leaves the quote as it was', () => {
    const quotes = new Map<string, OkxQuote>();
    const first = readTicker(
      { instId: 'BTC-USDT-SWAP', ts: '1', bidPx: '60000', bidSz: '3', askPx: '60001', askSz: '2', last: '60000.5' },
      RECEIVED,
      'tickers',
      0,
      quotes,
    );
    expect(first.mark).toBeUndefined();
    const marked = readMarkPrice({ instId: 'BTC-USDT-SWAP', markPx: '60000.2', ts: '2' }, RECEIVED, 'mark-price', 0, quotes);
    expect([marked.bid?.toString(), marked.ask?.toString(), marked.last?.toString(), marked.mark?.toString()]).toEqual([
      '60000',
      '60001',
      '60000.5',
      '60000.2',
    ]);
    expect(() => readTicker({ instId: 'BTC-USDT-SWAP', ts: '3', bidPx: '1e', bidSz: '1' }, RECEIVED, 'tickers', 0, quotes)).toThrow(
      /tickers\.BTC-USDT-SWAP\.bidPx/,
    );
    expect(quotes.get('BTC-USDT-SWAP')).toEqual({ bid: '60000', ask: '60001', last: '60000.5', mark: '60000.2' });
    const next = readTicker(
      { instId: 'BTC-USDT-SWAP', ts: '4', bidPx: '60002', bidSz: '1', askPx: '60003', askSz: '0', last: '60002' },
      RECEIVED,
      'tickers',
      0,
      quotes,
    );
    expect([next.bid?.toString(), next.ask, next.mark?.toString()]).toEqual(['60002', undefined, '60000.2']);
  });

  it('reads the mark price of ws_push_mark_price.json', () => {
    const [item] = okxFixtureData('ws_push_mark_price.json');
    const mark = readMarkPrice(item, RECEIVED);
    expect(mark.symbol).toBe('LTC-USD-190628');
    expect(mark.mark?.toString()).toBe('0.1');
    expect(mark.tsMs).toBe(1597026383085);
    expect(() => readMarkPrice({ instId: 'X', ts: '1', markPx: '' }, RECEIVED)).toThrow(/markPx: missing/);
  });
});

describe('okx orders', () => {
  it('parses ws_push_orders_filled.json with its fill (fee sign flipped to positive = paid)', () => {
    const frame = classifyText(JSON.stringify(okxFixture('ws_push_orders_filled.json')));
    expect(frame.kind).toBe('push');
    if (frame.kind !== 'push') return;
    const { updates, errors } = parseOrdersPush(frame.data, RECEIVED);
    expect(errors).toEqual([]);
    const [u] = updates;
    expect(u?.state).toBe('filled');
    expect(u?.order).toMatchObject({
      venue: 'okx',
      venueOrderId: '452197707845865472',
      symbol: 'BTC-USDT',
      side: 'sell',
      type: 'limit',
      status: 'filled',
      reduceOnly: false,
      updatedAtMs: 1654084353264,
    });
    expect(u?.order.size.toString()).toBe('0.001');
    expect(u?.order.filledSize.toString()).toBe('0.001');
    expect(u?.order.avgFillPrice?.toString()).toBe('31527.1');
    expect(u?.order.price?.toString()).toBe('31527.1');
    expect(u?.order.clientId).toBeUndefined();
    expect(u?.fill).toMatchObject({
      tradeId: '242589207',
      venueOrderId: '452197707845865472',
      side: 'sell',
      feeCurrency: 'USDT',
      liquidity: 'maker',
      tsMs: 1654084353263,
    });
    expect(u?.fill?.size.toString()).toBe('0.001');
    expect(u?.fill?.price.toString()).toBe('31527.1');
    expect(u?.fill?.fee.toString()).toBe('0.02522168');
    expect(u?.spawnedByAlgo).toBe(false);
  });

  it('parses http_get_trade_order.json (REST details: no fill is derived from it)', () => {
    const { items, errors } = parseList(reply('http_get_trade_order.json'), OkxOrderSchema, (w, p) => parseOrder(w, RECEIVED, p));
    expect(errors).toEqual([]);
    const [u] = items;
    expect(u?.order).toMatchObject({ venueOrderId: '680800019749904384', type: 'market', side: 'buy', status: 'filled' });
    expect(u?.order.price).toBeUndefined();
    expect(u?.order.filledSize.toString()).toBe('0.00192834');
    expect(u?.order.avgFillPrice?.toString()).toBe('51858');
    expect(u?.fill).toBeUndefined();
  });

  it('parses http_get_trade_orders_pending.json (avgPx "" → no average)', () => {
    const { items } = parseList(reply('http_get_trade_orders_pending.json'), OkxOrderSchema, (w, p) => parseOrder(w, RECEIVED, p));
    const [u] = items;
    expect(u?.order).toMatchObject({ status: 'open', type: 'limit', side: 'buy', updatedAtMs: 1724733617998 });
    expect(u?.order.price?.toString()).toBe('13013.5');
    expect(u?.order.filledSize.isZero()).toBe(true);
    expect(u?.order.avgFillPrice).toBeUndefined();
  });

  it('keeps accFillSz on a canceled order (IOC remainder) and names the cancel source', () => {
    const { updates } = parseOrdersPush(
      [swapOrder({ state: 'canceled', ordType: 'ioc', accFillSz: '0.4', fillSz: '0', tradeId: '', cancelSource: '14' })],
      RECEIVED,
    );
    const [u] = updates;
    expect(u?.order.status).toBe('cancelled');
    expect(u?.order.filledSize.toString()).toBe('0.4');
    expect(u?.order.cancelReason).toBe('IOC remainder canceled');
    expect(u?.fill).toBeUndefined();
  });

  it('a partial fill push yields the update and the fill, in contracts', () => {
    const { updates } = parseOrdersPush([swapOrder()], RECEIVED, 10);
    const [u] = updates;
    expect(u?.order.status).toBe('partially_filled');
    expect(u?.order.clientId).toBe('vd1abcdefghijklmnopE1');
    expect(u?.order.updatedAtMs).toBe(1740830400990);
    expect(u?.fill?.size.toString()).toBe('0.4');
    expect(u?.fill?.fee.toString()).toBe('0.048');
    expect(u?.fill?.tsMs).toBe(1740830400990);
  });

  it('a market order filled with fillSz "0" is not a fill; mmp_canceled is cancelled; a spawned order names its algo', () => {
    expect(
      parseOrdersPush([swapOrder({ ordType: 'market', px: '', state: 'filled', fillSz: '0', accFillSz: '1' })], RECEIVED).updates[0]?.fill,
    ).toBeUndefined();
    expect(parseOrdersPush([swapOrder({ state: 'mmp_canceled', tradeId: '' })], RECEIVED).updates[0]?.order.status).toBe('cancelled');
    const spawned = parseOrdersPush(
      [swapOrder({ source: '7', algoId: '900', algoClOrdId: 'vd1abcdefghijklmnopS1', reduceOnly: 'true' })],
      RECEIVED,
    ).updates[0];
    expect(spawned).toMatchObject({ spawnedByAlgo: true, algoId: '900', algoClOrdId: 'vd1abcdefghijklmnopS1' });
    expect(spawned?.order.reduceOnly).toBe(true);
  });

  it('tolerates null where OKX normally sends "" (optional strings, booleans, lists)', () => {
    const { updates, errors } = parseOrdersPush(
      [swapOrder({ clOrdId: null, reqId: null, reduceOnly: null, cancelSource: null })],
      RECEIVED,
    );
    expect(errors).toEqual([]);
    expect(updates[0]?.order.clientId).toBeUndefined();
    expect(updates[0]?.order.reduceOnly).toBe(false);
    const algo = parseAlgoOrder(
      validate(
        OkxAlgoOrderSchema,
        { instId: 'BTC-USDT-SWAP', algoId: '1', ordType: 'conditional', side: 'sell', state: 'live', slTriggerPx: '1', ordIdList: null },
        'a',
      ),
      RECEIVED,
    );
    expect(algo.spawnedOrderIds).toEqual([]);
  });

  it('names the dedup keys of the docs: fill per instrument + tradeId, terminal per ordId, amend per reqId', () => {
    const partial = parseOrdersPush([swapOrder()], RECEIVED).updates[0];
    expect(partial && orderDedupKeys(partial)).toEqual({ fill: 'fill:BTC-USDT-SWAP:987654' });
    const done = parseOrdersPush([swapOrder({ state: 'filled', accFillSz: '1', tradeId: '987655', fillSz: '0.6' })], RECEIVED).updates[0];
    expect(done && orderDedupKeys(done)).toEqual({ fill: 'fill:BTC-USDT-SWAP:987655', terminal: 'terminal:1837000000000000001:filled' });
    const amended = parseOrdersPush([swapOrder({ tradeId: '', reqId: 'r1', amendResult: '0' })], RECEIVED).updates[0];
    expect(amended && orderDedupKeys(amended)).toEqual({ amend: 'amend:r1' });
  });

  it('one bad item is named; the others in the push still come through', () => {
    const { updates, errors } = parseOrdersPush(
      [swapOrder({ accFillSz: 'x' }), swapOrder({ state: 'weird' }), { instId: 'X' }, swapOrder({ ordId: '2' })],
      RECEIVED,
    );
    expect(updates.map((u) => u.order.venueOrderId)).toEqual(['2']);
    expect(errors.map((e) => e.field)).toEqual(['orders.0.accFillSz', 'orders.1.state', 'orders.2.ordId']);
  });
});

describe('okx algo orders', () => {
  it('parses ws_push_orders_algo.json (a TP leg, market on trigger)', () => {
    const [item] = okxFixtureData('ws_push_orders_algo.json');
    const u = parseAlgoOrder(validate(OkxAlgoOrderSchema, item, 'algo'), RECEIVED);
    expect(u).toMatchObject({ algoId: '581878926302093312', algoType: 'conditional', state: 'live', spawnedOrderIds: [] });
    expect(u.order).toMatchObject({
      venueOrderId: '581878926302093312',
      status: 'untriggered',
      type: 'take_market',
      side: 'buy',
      updatedAtMs: 1708679675245,
    });
    expect(u.order.triggerPrice?.toString()).toBe('1');
    expect(u.tp?.trigger).toBe('last');
    expect(u.order.size.toString()).toBe('11');
  });

  it('parses http_get_trade_orders_algo_pending.json', () => {
    const { items, errors } = parseList(reply('http_get_trade_orders_algo_pending.json'), OkxAlgoOrderSchema, (w, p) =>
      parseAlgoOrder(w, RECEIVED, p),
    );
    expect(errors).toEqual([]);
    expect(items[0]?.order).toMatchObject({ venueOrderId: '1753184812254216192', status: 'untriggered', type: 'take_market' });
    expect(items[0]?.order.triggerPrice?.toString()).toBe('10000');
    expect(items[0]?.failCode).toBeUndefined();
  });

  it('follows a triggered stop to the order it spawned; a failed one names the failCode', () => {
    const base = {
      instId: 'BTC-USDT-SWAP',
      algoId: '77',
      algoClOrdId: 'vd1abcdefghijklmnopS1',
      ordType: 'conditional',
      side: 'sell',
      sz: '3',
      reduceOnly: 'true',
      slTriggerPx: '57000',
      slOrdPx: '-1',
      slTriggerPxType: 'mark',
      uTime: '1740830401000',
    };
    const fired = parseAlgoOrder(
      validate(OkxAlgoOrderSchema, { ...base, state: 'effective', actualSide: 'sl', ordIdList: ['1837000000000000009'] }, 'a'),
      RECEIVED,
    );
    expect(fired.order).toMatchObject({ status: 'triggered', type: 'stop_market', clientId: 'vd1abcdefghijklmnopS1', reduceOnly: true });
    expect(fired.order.triggerPrice?.toString()).toBe('57000');
    expect(fired.spawnedOrderIds).toEqual(['1837000000000000009']);
    expect(fired.sl?.trigger).toBe('mark');
    const failed = parseAlgoOrder(validate(OkxAlgoOrderSchema, { ...base, state: 'order_failed', failCode: '51008' }, 'a'), RECEIVED);
    expect(failed.order.status).toBe('rejected');
    expect(failed.failCode).toBe('51008');
    expect(failed.order.rejectReason).toBe('failCode 51008');
    const limit = parseAlgoOrder(validate(OkxAlgoOrderSchema, { ...base, state: 'canceled', slOrdPx: '56900.5' }, 'a'), RECEIVED);
    expect(limit.order).toMatchObject({ status: 'cancelled', type: 'stop_limit' });
    expect(limit.order.price?.toString()).toBe('56900.5');
  });
});

describe('okx positions and balances', () => {
  it('parses ws_push_positions.json (snapshot, two long records)', () => {
    const frame = classifyText(JSON.stringify(okxFixture('ws_push_positions.json')));
    if (frame.kind !== 'push') throw new Error('expected a push');
    expect(frame.lastPage).toBe(true);
    const { positions, errors } = parsePositionsPush(frame.data, RECEIVED);
    expect(errors).toEqual([]);
    expect(positions.map((p) => p.position.symbol)).toEqual(['ETH-USD-210430', 'ETH-USD-SWAP']);
    const p = positions[1];
    expect(p).toMatchObject({ posSide: 'long', mgnMode: 'isolated', posId: '307173036051017730', instType: 'SWAP' });
    expect(p?.position.size.toString()).toBe('1');
    expect(p?.position.avgPrice.toString()).toBe('2566.31');
    expect(p?.position.markPrice?.toString()).toBe('2353.849');
    expect(p?.position.unrealizedPnl?.toString()).toBe('-0.0000009932766034');
    expect(p?.position.realizedPnl?.toString()).toBe('0.001');
    expect(p?.position.updatedAtMs).toBe(1619507761462);
  });

  it('signs net and short positions; pos "0" is flat', () => {
    const base = { instId: 'BTC-USDT-SWAP', mgnMode: 'cross', avgPx: '60500', uTime: '' };
    const net = parsePosition(validate(OkxPositionSchema, { ...base, posSide: 'net', pos: '-3' }, 'p'), RECEIVED);
    expect(net.position.size.toString()).toBe('-3');
    expect(net.position.updatedAtMs).toBe(RECEIVED);
    expect(
      parsePosition(validate(OkxPositionSchema, { ...base, posSide: 'short', pos: '3' }, 'p'), RECEIVED).position.size.toString(),
    ).toBe('-3');
    const flat = parsePosition(validate(OkxPositionSchema, { ...base, posSide: 'net', pos: '0', avgPx: '' }, 'p'), RECEIVED);
    expect(flat.position.size.isZero()).toBe(true);
    expect(() => parsePosition(validate(OkxPositionSchema, { ...base, posSide: 'net', pos: '2', avgPx: '' }, 'p'), RECEIVED)).toThrow(
      /avgPx: missing on an open position/,
    );
  });

  it('parses http_get_account_positions.json (MARGIN, net)', () => {
    const { items } = parseList(reply('http_get_account_positions.json'), OkxPositionSchema, (w, p) => parsePosition(w, RECEIVED, p));
    expect(items[0]?.position.symbol).toBe('BTC-USDT');
    expect(items[0]?.posSide).toBe('net');
    expect(items[0]?.position.size.toString()).toBe('0.00190433573');
    expect(items[0]?.position.realizedPnl).toBeUndefined();
  });

  it('parses ws_push_balance_and_position.json', () => {
    const [item] = okxFixtureData('ws_push_balance_and_position.json');
    const u = parseBalanceAndPosition(validate(OkxBalanceAndPositionSchema, item, 'bp'), RECEIVED);
    expect(u.eventType).toBe('snapshot');
    expect(u.balances).toHaveLength(1);
    expect(u.balances[0]?.currency).toBe('BTC');
    expect(u.balances[0]?.cashBalance.toString()).toBe('1');
    expect(u.positions[0]?.position.symbol).toBe('BTC-USD-191018');
    expect(u.positions[0]?.position.size.toString()).toBe('10');
    expect(u.positions[0]?.position.avgPrice.toString()).toBe('3320');
    expect(u.trades).toEqual([{ instId: 'BTC-USD-191018', tradeId: '2' }]);
  });

  it('parses an account/balance record into balances', () => {
    const [b] = parseAccountBalance(
      validate(
        OkxAccountBalanceSchema,
        { totalEq: '100', uTime: '5', details: [{ ccy: 'USDT', eq: '100.5', availBal: '80', cashBal: '100' }] },
        'b',
      ),
      RECEIVED,
    );
    expect(b).toMatchObject({ venue: 'okx', currency: 'USDT', updatedAtMs: 5 });
    expect(b?.equity.toString()).toBe('100.5');
    expect(b?.available.toString()).toBe('80');
  });
});

describe('okx fills, config, time', () => {
  it('parses http_get_trade_fills.json', () => {
    const { items } = parseList(reply('http_get_trade_fills.json'), OkxFillSchema, (w, p) => parseFill(w, RECEIVED, p));
    const [f] = items;
    expect(f).toMatchObject({
      tradeId: '744876980',
      venueOrderId: '680800019749904384',
      side: 'buy',
      feeCurrency: 'BTC',
      liquidity: 'taker',
      tsMs: 1708587373361,
    });
    expect(f?.size.toString()).toBe('0.00192834');
    expect(f?.price.toString()).toBe('51858');
    expect(f?.fee.toString()).toBe('0.00000192834');
  });

  it('surfaces a long/short account from http_get_account_config.json as a problem', () => {
    const setup = parseAccountConfigReply(reply('http_get_account_config.json'));
    expect(setup).toMatchObject({ uid: '44705892343619584', acctLv: '2', posMode: 'long_short_mode', netMode: false, canTrade: true });
    expect(setup.problems).toHaveLength(1);
    expect(setup.problems[0]).toMatch(/needs net_mode/);
    const net = parseAccountConfigReply({ code: '0', msg: '', data: [{ posMode: 'net_mode', acctLv: '1', perm: 'read_only' }] });
    expect(net.netMode).toBe(true);
    expect(net.problems).toEqual([expect.stringMatching(/spot mode/), expect.stringMatching(/trade permission/)]);
  });

  it('parses http_get_public_time.json', () => {
    expect(parsePublicTime(reply('http_get_public_time.json'))).toBe(1597026383085);
  });
});

describe('okx instruments', () => {
  it('parses http_get_public_instruments_swap_capture.json into contracts-sized instruments', () => {
    const { instruments, skipped } = parseInstruments(okxFixtureData('http_get_public_instruments_swap_capture.json'));
    expect(skipped).toEqual([]);
    const byId = new Map(instruments.map((i) => [i.instrument.symbol, i]));
    const btc = byId.get('BTC-USDT-SWAP');
    expect(btc?.instIdCode).toBe(10459);
    expect(btc?.ctValCcy).toBe('BTC');
    expect(btc?.instrument).toMatchObject({
      venue: 'okx',
      kind: 'perpetual',
      base: 'BTC',
      quote: 'USDT',
      settle: 'USDT',
      inverse: false,
      sizeUnit: 'contracts',
      active: true,
    });
    expect(btc?.instrument.contractSize.toString()).toBe('0.01');
    expect(btc?.instrument.lotSize.toString()).toBe('0.01');
    expect(btc?.instrument.minSize.toString()).toBe('0.01');
    expect(btc?.instrument.tickSize.toString()).toBe('0.1');
    const eth = byId.get('ETH-USDT-SWAP');
    expect(eth?.instrument.contractSize.toString()).toBe('0.1');
    expect(eth?.instrument.tickSize.toString()).toBe('0.01');
    const inv = byId.get('BTC-USD-SWAP');
    expect(inv?.instrument).toMatchObject({ base: 'BTC', quote: 'USD', settle: 'BTC', inverse: true });
    expect(inv?.instrument.contractSize.toString()).toBe('100');
    expect(inv?.ctValCcy).toBe('USD');
  });

  it('parses http_get_public_instruments_spot.json (base-sized, scheduled tick change)', () => {
    const { instruments } = parseInstruments(okxFixtureData('http_get_public_instruments_spot.json'));
    const [spot] = instruments;
    expect(spot?.instrument).toMatchObject({
      symbol: 'BTC-USDT',
      kind: 'spot',
      base: 'BTC',
      quote: 'USDT',
      sizeUnit: 'base',
      inverse: false,
    });
    expect(spot?.instrument.lotSize.toString()).toBe('0.00000001');
    expect(spot?.instrument.minSize.toString()).toBe('0.00001');
    expect(spot?.instIdCode).toBe(1000000000);
    expect(spot?.upcomingChanges).toEqual([{ param: 'tickSz', newValue: '0.0001', effTimeMs: 1704876947000 }]);
  });

  it('skips what it cannot use, with the reason, and keeps the rest', () => {
    const records = okxFixtureData('http_get_public_instruments_swap_capture.json') as Record<string, unknown>[];
    const { instruments, skipped } = parseInstruments([
      { ...records[2], instId: 'SUSP-USDT-SWAP', state: 'suspend' },
      { ...records[2], instId: 'BAD-USDT-SWAP', ctVal: '' },
      { ...records[2], instId: 'EV-1', instType: 'EVENTS' },
      'junk',
    ]);
    expect(instruments.map((i) => [i.instrument.symbol, i.instrument.active])).toEqual([['SUSP-USDT-SWAP', false]]);
    expect(skipped.map((s) => s.instId)).toEqual(['BAD-USDT-SWAP', 'EV-1', '#3']);
    expect(skipped[0]?.reason).toMatch(/ctVal/);
  });
});

describe('okx replies and per-item sCode results', () => {
  it('order acks: docs and capture (no subCode, sMsg "Order placed")', () => {
    expect(singleOrderAck(reply('http_post_trade_order_ok.json'))).toMatchObject({
      ordId: '312269865356374016',
      clOrdId: 'oktswap6',
      sCode: '0',
    });
    const capture = singleOrderAck(reply('http_post_trade_order_ok_capture.json'));
    expect(capture).toMatchObject({ ordId: '2896576259728695296', sMsg: 'Order placed', subCode: '' });
  });

  it('an sCode failure inside a 200 reply throws its own code (http_post_trade_order_scode_error_capture.json)', () => {
    const r = reply('http_post_trade_order_scode_error_capture.json');
    const outcomes = parseOrderAcks(r, { method: 'POST /api/v5/trade/order', httpStatus: 200 });
    expect(outcomes).toHaveLength(1);
    const [o] = outcomes;
    expect(o?.ok).toBe(false);
    if (o === undefined || o.ok) return;
    expect(o.error).toBeInstanceOf(OkxApiError);
    expect(o.error).toMatchObject({ okxCode: '51121', perItem: true, httpStatus: 200, venueCode: '51121' });
    expect(classify(o.error)).toBe('rejected');
    expect(() => singleOrderAck(r)).toThrow(/51121 Order quantity must be a multiple of the lot size/);
    expect(() => expectOk(r)).toThrow(OkxApiError);
  });

  it('a partial batch (ws_op_batch_orders_partial.json): one placed, one refused with sCode + subCode', () => {
    const frame = classifyText(JSON.stringify(okxFixture('ws_op_batch_orders_partial.json')));
    if (frame.kind !== 'op') throw new Error('expected an op reply');
    const outcomes = parseOrderAcks(frame, { requestId: frame.id });
    expect(outcomes.map((o) => o.ok)).toEqual([true, false]);
    const failed = outcomes[1];
    if (failed === undefined || failed.ok) throw new Error('expected a failure');
    expect(failed.error).toMatchObject({ okxCode: '51008', subCode: '1000', requestId: '1513', venueCode: '51008_1000' });
    expect(errorFamily(failed.error)).toBe('funds');
  });

  it('WS op replies: ok, cancel ok, and a top-level format error', () => {
    for (const name of ['ws_op_order_ok.json', 'ws_op_cancel_order_ok.json']) {
      const frame = classifyText(JSON.stringify(okxFixture(name)));
      if (frame.kind !== 'op') throw new Error('expected an op reply');
      expect(singleOrderAck(frame).sCode).toBe('0');
    }
    const bad = classifyText(JSON.stringify(okxFixture('ws_op_order_format_error.json')));
    if (bad.kind !== 'op') throw new Error('expected an op reply');
    expect(() => parseOrderAcks(bad)).toThrow(expect.objectContaining({ okxCode: '60013' }));
  });

  it('cancel-order, algo place (docs and capture) and cancel-algos acks', () => {
    expect(singleOrderAck(reply('http_post_trade_cancel_order_ok.json'))).toMatchObject({ ordId: '12345689', clOrdId: 'oktswap6' });
    expect(singleAlgoAck(reply('http_post_trade_order_algo_ok.json'))).toMatchObject({
      algoId: '1836487817828872192',
      algoClOrdId: 'order1234',
    });
    expect(singleAlgoAck(reply('http_post_trade_order_algo_ok_capture.json'))).toMatchObject({
      algoId: '2896574163517353984',
      algoClOrdId: '6b9ad766b55dBCDEd524d810f42296b8',
    });
    const cancels = parseAlgoAcks(reply('http_post_trade_cancel_algos_ok.json'));
    expect(cancels).toEqual([{ ok: true, item: expect.objectContaining({ algoId: '1836489397437468672', sCode: '0' }) }]);
  });

  it('cancel-all-after (seconds → ms) and close-position acks', () => {
    expect(parseCancelAllAfterAck(reply('http_post_trade_cancel_all_after_ok.json'))).toEqual({
      triggerAtMs: 1587971460000,
      venueTsMs: 1587971400000,
      tag: '',
    });
    expect(
      parseCancelAllAfterAck({ code: '0', msg: '', data: [{ triggerTime: '0', tag: '', ts: '1587971400' }] }).triggerAtMs,
    ).toBeUndefined();
    expect(parseClosePositionAck(reply('http_post_trade_close_position_ok.json'))).toEqual({
      instId: 'BTC-USDT-SWAP',
      posSide: 'long',
      clOrdId: '',
      tag: '',
    });
    expect(() => parseClosePositionAck({ code: '51023', msg: 'Position does not exist', data: [] })).toThrow(
      expect.objectContaining({ okxCode: '51023' }),
    );
  });

  it('top-level errors: http_error_51000.json and the 401 body without data', () => {
    expect(() => expectOk(reply('http_error_51000.json'), { httpStatus: 400 })).toThrow(
      expect.objectContaining({ okxCode: '51000', httpStatus: 400 }),
    );
    const unauth = reply('http_error_401_invalid_sign_capture.json');
    expect(unauth.data).toBeUndefined();
    let caught: unknown;
    try {
      parseOrderAcks(unauth, { httpStatus: 401 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OkxApiError);
    expect(isAuthError(caught)).toBe(true);
    expect((caught as OkxApiError).message).toContain('50113 Invalid Sign');
  });

  it('a reply without a code is a parse error, and a malformed ack item is named', () => {
    expect(() => readRestEnvelope({ msg: 'x' })).toThrow(/response\.code/);
    expect(() => readRestEnvelope('<html>')).toThrow(OkxParseError);
    expect(() => parseOrderAcks({ code: '0', msg: '', data: [{ ordId: '1' }] })).toThrow(/data\.0\.sCode/);
    expect(() => parseOrderAcks({ code: '1', msg: 'All operations failed', data: [] })).toThrow(expect.objectContaining({ okxCode: '1' }));
  });
});
