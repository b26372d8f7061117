/** Bybit parsers on every fixture: envelope, instruments, tickers (snapshot + delta merge), orders (cumExecQty in every state), executions, positions, wallet, time, acks. */
import { describe, expect, it } from 'vitest';

import { dec } from '../../../src/domain/decimal.js';
import { BybitApiError } from '../../../src/venues/bybit/errors.js';
import {
  type BybitQuote,
  expectList,
  expectOk,
  parseExecution,
  parseInstrument,
  parseMarketTime,
  parseOrder,
  parseOrderAck,
  parsePosition,
  parseWallet,
  readEnvelope,
  readTicker,
  validate,
} from '../../../src/venues/bybit/parse.js';
import {
  BybitExecutionSchema,
  BybitInstrumentSchema,
  BybitOrderSchema,
  BybitPositionSchema,
  BybitWalletSchema,
} from '../../../src/venues/bybit/rest-models.js';
import { bybitFixture, bybitFixtureObject, bybitPushData, bybitResultList } from './bybit-fixtures.js';

const ctx = { method: 'GET /test' };
const order = (raw: unknown, at = 0): ReturnType<typeof parseOrder> => parseOrder(validate(BybitOrderSchema, raw, 'order'), at);

/** A linear order push item built on the docs' REST row, with the fields a test changes. */
function linearOrder(over: Record<string, unknown>): Record<string, unknown> {
  const base = bybitResultList('http_get_order_realtime.json')[0] as Record<string, unknown>;
  return { ...base, category: 'linear', positionIdx: 0, ...over };
}

describe('bybit envelope', () => {
  it('reads ok replies and turns a retCode into BybitApiError', () => {
    const env = readEnvelope(bybitFixture('http_post_order_create.json'));
    expect(parseOrderAck(env, ctx).orderId).not.toBe('');
    expect(parseOrderAck(readEnvelope(bybitFixture('http_post_order_cancel.json')), ctx).orderId).not.toBe('');
    expect(expectOk(readEnvelope(bybitFixture('http_post_position_trading_stop.json')), ctx)).toEqual({});
    const all = expectList(readEnvelope(bybitFixture('http_post_order_cancel_all.json')), ctx);
    expect(all.list.length).toBeGreaterThan(0);
    expect(() => expectOk(readEnvelope(bybitFixture('http_error_110007.json')), ctx)).toThrow(BybitApiError);
    expect(() => readEnvelope({ ok: true })).toThrow(/reply\.retCode/);
  });

  it('market time in ms', () => {
    const env = readEnvelope(bybitFixture('http_get_market_time.json'));
    expect(parseMarketTime(env, ctx)).toBe(1688639403423);
  });
});

describe('bybit instruments', () => {
  it('a linear row: coin-sized, tick and step from the filters', () => {
    const [row] = bybitResultList('http_get_market_instruments_info_linear.json');
    const inst = parseInstrument(validate(BybitInstrumentSchema, row, 'i'), 'linear');
    expect(inst).toMatchObject({
      symbol: 'BTCUSDT',
      kind: 'perpetual',
      base: 'BTC',
      quote: 'USDT',
      settle: 'USDT',
      inverse: false,
      sizeUnit: 'base',
      active: true,
    });
    expect(inst.tickSize.eq('0.1')).toBe(true);
    expect(inst.lotSize.eq('0.001')).toBe(true);
    expect(inst.minSize.eq('0.001')).toBe(true);
    expect(inst.expiryMs).toBeUndefined();
  });

  it('an inverse row: USD contracts, settled in the coin', () => {
    const [row] = bybitResultList('http_get_market_instruments_info_linear.json');
    const inv = {
      ...(row as Record<string, unknown>),
      symbol: 'BTCUSD',
      contractType: 'InversePerpetual',
      quoteCoin: 'USD',
      settleCoin: 'BTC',
      lotSizeFilter: { qtyStep: '1', minOrderQty: '1' },
    };
    const inst = parseInstrument(validate(BybitInstrumentSchema, inv, 'i'), 'inverse');
    expect(inst).toMatchObject({ symbol: 'BTCUSD', inverse: true, settle: 'BTC', sizeUnit: 'quote' });
  });
});

describe('bybit tickers', () => {
  const snapshot = bybitFixtureObject('ws_push_tickers_linear_snapshot.json');
  const delta = bybitFixtureObject('ws_push_tickers_linear_delta.json');

  it('a snapshot gives a whole ticker, decimals as sent', () => {
    const quotes = new Map<string, BybitQuote>();
    const t = readTicker(snapshot.data, snapshot.type, snapshot.ts, 5, quotes);
    expect(t?.symbol).toBe('BTCUSDT');
    expect(t?.bid?.toString()).toBe('66666.6');
    expect(t?.ask?.toString()).toBe('66666.7');
    expect(t?.last?.eq('66666.60')).toBe(true);
    expect(t?.mark?.eq('66666.60')).toBe(true);
    expect(t?.index?.eq('115418.19')).toBe(true);
    expect(t?.tsMs).toBe(1760325052630);
  });

  it('a delta before any snapshot is not applied', () => {
    const quotes = new Map<string, BybitQuote>();
    expect(readTicker(delta.data, delta.type, delta.ts, 5, quotes)).toBeUndefined();
    expect(quotes.size).toBe(0);
  });

  it('a delta is merged onto the last snapshot: missing fields keep their values', () => {
    const quotes = new Map<string, BybitQuote>();
    const d = delta.data as Record<string, unknown>;
    readTicker({ ...(snapshot.data as object), symbol: 'AAVEUSDT', lastPrice: '110', markPrice: '111' }, 'snapshot', 1, 5, quotes);
    const t = readTicker(d, 'delta', delta.ts, 5, quotes, 10);
    expect(t?.bid?.eq('112.89')).toBe(true);
    expect(t?.ask?.eq('112.90')).toBe(true);
    expect(t?.last?.eq(110)).toBe(true);
    expect(t?.mark?.eq(111)).toBe(true);
    expect(t?.tsMs).toBe(1709210212704 - 10);
    // a later delta with only a mark keeps the merged book
    const t2 = readTicker({ symbol: 'AAVEUSDT', markPrice: '113' }, 'delta', 2, 5, quotes);
    expect(t2?.bid?.eq('112.89')).toBe(true);
    expect(t2?.mark?.eq(113)).toBe(true);
  });

  it('a bad field is named and leaves the stored quote unchanged', () => {
    const quotes = new Map<string, BybitQuote>();
    readTicker(snapshot.data, 'snapshot', 1, 0, quotes);
    expect(() => readTicker({ symbol: 'BTCUSDT', bid1Price: 'abc' }, 'delta', 2, 0, quotes)).toThrow(/tickers\.BTCUSDT\.bid1Price/);
    expect(quotes.get('BTCUSDT')?.bid).toBe('66666.60');
    expect(() => readTicker({ symbol: 'BTCUSDT' }, 'update', 2, 0, quotes)).toThrow(/type/);
  });
});

describe('bybit orders', () => {
  it('the docs order push (option market order, filled)', () => {
    const [item] = bybitPushData('ws_push_order.json');
    const u = order(item);
    expect(u.order).toMatchObject({ status: 'filled', side: 'sell', type: 'market', reduceOnly: false });
    expect(u.order.filledSize.eq(1)).toBe(true);
    expect(u.order.avgFillPrice?.eq(75)).toBe(true);
    expect(u.order.price).toBeUndefined(); // a market order's price is the venue's band price
    expect(u.order.clientId).toBeUndefined();
    expect(u.order.updatedAtMs).toBe(1672364262457);
  });

  it('a REST row: New, no fill, avgPrice "0" and triggerPrice "0.00" read as unset', () => {
    const [row] = bybitResultList('http_get_order_realtime.json');
    const u = order(row);
    expect(u.order).toMatchObject({ status: 'open', type: 'limit', clientId: 'test-000005' });
    expect(u.order.avgFillPrice).toBeUndefined();
    expect(u.order.triggerPrice).toBeUndefined();
    expect(u.order.price?.eq(1600)).toBe(true);
  });

  it('order history: a cancelled PostOnly with its cancel reason', () => {
    const [row] = bybitResultList('http_get_order_history.json');
    const u = order(row);
    expect(u.order.status).toBe('cancelled');
    expect(u.order.filledSize.isZero()).toBe(true);
  });

  it('a partially filled then cancelled entry is reported with filled = cumExecQty', () => {
    for (const status of ['Cancelled', 'PartiallyFilledCanceled', 'Deactivated']) {
      const u = order(
        linearOrder({
          orderStatus: status,
          qty: '0.010',
          cumExecQty: '0.004',
          avgPrice: '37000',
          leavesQty: '0',
          cancelType: 'CancelByUser',
        }),
      );
      expect(u.order.status).toBe('cancelled');
      expect(u.order.filledSize.toString()).toBe('0.004');
      expect(u.order.avgFillPrice?.eq(37000)).toBe(true);
      expect(u.order.cancelReason).toBe('CancelByUser');
    }
  });

  it('conditional orders: a sell stop and a sell take from stopOrderType or trigger direction', () => {
    const stop = order(
      linearOrder({
        side: 'Sell',
        orderType: 'Market',
        orderStatus: 'Untriggered',
        triggerPrice: '36000',
        triggerDirection: 2,
        stopOrderType: 'Stop',
        reduceOnly: true,
        closeOnTrigger: true,
      }),
    );
    expect(stop.order).toMatchObject({ type: 'stop_market', status: 'untriggered', reduceOnly: true });
    expect(stop.order.triggerPrice?.eq(36000)).toBe(true);
    const take = order(
      linearOrder({
        side: 'Sell',
        orderType: 'Market',
        orderStatus: 'Untriggered',
        triggerPrice: '39000',
        triggerDirection: 1,
        stopOrderType: 'Stop',
        reduceOnly: true,
      }),
    );
    expect(take.order.type).toBe('take_market');
    expect(order(linearOrder({ stopOrderType: 'TakeProfit', triggerPrice: '2500', orderType: 'Market' })).order.type).toBe('take_market');
  });

  it('refuses an unknown status and a bad cumExecQty, naming the field', () => {
    expect(() => order(linearOrder({ orderStatus: 'Expired' }))).toThrow(/order\.orderStatus/);
    expect(() => order(linearOrder({ cumExecQty: 'x' }))).toThrow(/order\.cumExecQty/);
  });
});

describe('bybit executions', () => {
  it('the docs execution push (linear fill)', () => {
    const [item] = bybitPushData('ws_push_execution.json');
    const f = parseExecution(validate(BybitExecutionSchema, item, 'execution'), 0);
    expect(f).toMatchObject({
      symbol: 'BTCUSDT',
      side: 'sell',
      feeCurrency: 'USDT',
      liquidity: 'taker',
      tsMs: 1746270400353,
      tradeId: '0ab1bdf7-4219-438b-b30a-32ec863018f7',
    });
    expect(f?.size.eq('0.5')).toBe(true);
    expect(f?.price.eq('95900.1')).toBe(true);
    expect(f?.fee.eq('26.3725275')).toBe(true);
  });

  it('a REST row with an empty feeCurrency takes the settle coin; funding rows are not fills', () => {
    const [row] = bybitResultList('http_get_execution_list.json');
    const wire = validate(BybitExecutionSchema, row, 'e');
    expect(parseExecution(wire, 0, 'e', 0, 'USDC')?.feeCurrency).toBe('USDC');
    expect(parseExecution({ ...wire, execType: 'Funding' }, 0)).toBeUndefined();
  });
});

describe('bybit positions and wallet', () => {
  it('a flat WS position row (side "", entryPrice "0") has size 0 and no entry', () => {
    const [item] = bybitPushData('ws_push_position.json');
    const p = parsePosition(validate(BybitPositionSchema, item, 'position'), 0);
    expect(p.size.isZero()).toBe(true);
    expect(p.avgPrice.isZero()).toBe(true);
    expect(p.realizedPnl?.eq('-25.06579337')).toBe(true);
  });

  it('the REST inverse row: a short of 300 USD contracts from avgPrice, P&L in BTC', () => {
    const [row] = bybitResultList('http_get_position_list.json');
    const p = parsePosition(validate(BybitPositionSchema, row, 'position'), 0);
    expect(p.size.eq(-300)).toBe(true);
    expect(p.avgPrice.eq('27464.50441675')).toBe(true);
    expect(p.unrealizedPnl?.eq('-0.00029413')).toBe(true);
    expect(p.markPrice?.eq('28224.5')).toBe(true);
  });

  it('wallet push and REST wallet balance', () => {
    const [push] = bybitPushData('ws_push_wallet.json');
    const balances = parseWallet(validate(BybitWalletSchema, push, 'wallet'), 7);
    expect(balances).toHaveLength(1);
    expect(balances[0]?.currency).toBe('BTC');
    expect(balances[0]?.equity.eq('0.00102964')).toBe(true);
    expect(balances[0]?.available.eq('0.00102964')).toBe(true);
    const [rest] = bybitResultList('http_get_account_wallet_balance.json');
    expect(parseWallet(validate(BybitWalletSchema, rest, 'wallet'), 7)[0]?.equity.isZero()).toBe(true);
  });

  it('signs a long position positive', () => {
    const p = parsePosition(validate(BybitPositionSchema, { symbol: 'BTCUSDT', side: 'Buy', size: '0.004', entryPrice: '37000' }, 'p'), 3);
    expect(p.size.eq(dec('0.004'))).toBe(true);
    expect(p.updatedAtMs).toBe(3);
  });
});
