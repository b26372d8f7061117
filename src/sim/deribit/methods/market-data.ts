/** Public market data: currencies, instruments, ticker, index price, order book. */
import type { Currency, SimInstrument } from '../../engine/types.js';
import type { CallContext, MethodTable } from '../context.js';
import { errors } from '../errors.js';
import type { Params } from '../params.js';
import { instrumentToWire, tickerToWire } from '../wire.js';

export const CURRENCY_PARAM = ['BTC', 'ETH', 'USDC', 'USDT', 'EURR', 'any'] as const;
export const KIND_PARAM = ['future', 'option', 'spot', 'future_combo', 'option_combo', 'combo', 'any'] as const;

/** Engine currency for a currency param, 'any' for any, undefined for currencies the sim does not list. */
export function currencyFilter(value: (typeof CURRENCY_PARAM)[number]): Currency | 'any' | undefined {
  if (value === 'any') return 'any';
  return value === 'BTC' || value === 'ETH' ? value : undefined;
}

export function requireInstrument(ctx: CallContext, params: Params): SimInstrument {
  const name = params.string('instrument_name');
  const inst = ctx.state.engine.instrument(name);
  if (!inst) throw errors.invalidParams('instrument_name', 'instrument not found');
  return inst;
}

/**
 * `public/get_currencies` records of the currencies the simulator lists (BTC, ETH), in the docs'
 * result shape: coin_type, currency, currency_long, fee_precision, in_cross_collateral_pool,
 * min_confirmations, min_withdrawal_fee, withdrawal_fee, withdrawal_priorities[{name, value}].
 */
const CURRENCIES: readonly Record<string, unknown>[] = [
  {
    coin_type: 'BITCOIN',
    currency: 'BTC',
    currency_long: 'Bitcoin',
    fee_precision: 4,
    in_cross_collateral_pool: true,
    min_confirmations: 1,
    min_withdrawal_fee: 0.0001,
    withdrawal_fee: 0.0001,
    withdrawal_priorities: [
      { name: 'very_low', value: 0.15 },
      { name: 'low', value: 0.5 },
      { name: 'mid', value: 1 },
      { name: 'high', value: 1.2 },
      { name: 'very_high', value: 1.5 },
    ],
  },
  {
    coin_type: 'ETHER',
    currency: 'ETH',
    currency_long: 'Ethereum',
    fee_precision: 4,
    in_cross_collateral_pool: true,
    min_confirmations: 1,
    min_withdrawal_fee: 0.0001,
    withdrawal_fee: 0.0006,
    withdrawal_priorities: [],
  },
];

export const marketDataMethods: MethodTable = {
  'public/get_currencies': {
    access: 'public',
    rate: 'non_matching_engine',
    handle() {
      return CURRENCIES.map((c) => structuredClone(c));
    },
  },
  'public/get_instruments': {
    access: 'public',
    rate: 'get_instruments',
    handle(ctx, params) {
      const currency = currencyFilter(params.enumOf('currency', CURRENCY_PARAM));
      const kind = params.optEnum('kind', KIND_PARAM);
      const expired = params.optBool('expired') ?? false;
      const engine = ctx.state.engine;
      return engine
        .instruments()
        .filter((i) => currency !== undefined && (currency === 'any' || i.currency === currency))
        .filter((i) => kind === undefined || kind === 'any' || i.kind === kind)
        .filter((i) => engine.isActive(i.name, ctx.now) !== expired)
        .map((i) => instrumentToWire(i, !expired));
    },
  },
  'public/get_instrument': {
    access: 'public',
    rate: 'non_matching_engine',
    handle(ctx, params) {
      const inst = requireInstrument(ctx, params);
      return instrumentToWire(inst, ctx.state.engine.isActive(inst.name, ctx.now));
    },
  },
  'public/ticker': {
    access: 'public',
    rate: 'non_matching_engine',
    handle(ctx, params) {
      const inst = requireInstrument(ctx, params);
      return tickerToWire(ctx.state.engine.ticker(inst.name, ctx.now));
    },
  },
  'public/get_index_price': {
    access: 'public',
    rate: 'non_matching_engine',
    handle(ctx, params) {
      const name = params.enumOf('index_name', ['btc_usd', 'eth_usd'] as const);
      const price = ctx.state.engine.indexPrice(name === 'btc_usd' ? 'BTC' : 'ETH').toNumber();
      return { index_price: price, estimated_delivery_price: price };
    },
  },
  'public/get_order_book': {
    access: 'public',
    rate: 'non_matching_engine',
    handle(ctx, params) {
      const inst = requireInstrument(ctx, params);
      const depth = Math.min(Math.max(params.optInt('depth') ?? 5, 1), 10_000);
      const book = ctx.state.engine.book(inst.name, depth);
      const ticker = tickerToWire(ctx.state.engine.ticker(inst.name, ctx.now));
      return {
        ...ticker,
        change_id: ctx.state.engine.bookChangeId(inst.name),
        bids: book.bids.map((l) => [l.price.toNumber(), l.amount.toNumber()]),
        asks: book.asks.map((l) => [l.price.toNumber(), l.amount.toNumber()]),
      };
    },
  },
};
