/**
 * Realistic Deribit `ticker.<instrument>.100ms` notifications and the instrument records behind them,
 * for the throughput bench. Field sets, order and number styles follow the recorded captures
 * (`/work/shared/venues/fixtures/deribit/ws_notification_ticker_{perpetual,option}_capture.json`);
 * prices move a little from frame to frame so no two consecutive frames are identical.
 */

/** Perpetual and option expiry as Deribit reports them. */
const PERPETUAL_EXPIRY_MS = 32503708800000;
const OPTION_EXPIRY_MS = Date.UTC(2099, 0, 2, 8, 0, 0); // far in the future: never pruned during a run

export interface BenchStream {
  /** `perpetual` or `options-500`. */
  readonly name: string;
  /** Instrument names the client watches. */
  readonly symbols: readonly string[];
  /** `public/get_instruments` results by `${currency}:${kind}`. */
  readonly instruments: Readonly<Record<string, readonly unknown[]>>;
  /** Notification frames, round-robin over the symbols. */
  readonly frames: readonly string[];
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function perpetualFrame(i: number, ts: number): string {
  const mid = 92283.5 + (i % 40) * 0.5 - 10;
  const data = {
    timestamp: ts,
    state: 'open',
    stats: {
      high: 93612.0,
      low: 89277.5,
      price_change: 2.3275,
      volume: 11897.27640428,
      volume_usd: 1092371540.0,
      volume_notional: 1092371540.0,
    },
    index_price: round(mid - 20 + (i % 7) * 0.01, 2),
    instrument_name: 'BTC-PERPETUAL',
    last_price: mid,
    settlement_price: 92464.66,
    min_price: 90897.5,
    max_price: 93666.5,
    open_interest: 1132329370.0 + i * 10,
    mark_price: round(mid - 1.72 + (i % 13) * 0.01, 2),
    interest_value: 0.0028213400122472977,
    best_ask_price: mid + 0.5,
    best_bid_price: mid,
    estimated_delivery_price: round(mid - 20 + (i % 7) * 0.01, 2),
    best_ask_amount: 186520.0 + (i % 11) * 10,
    best_bid_amount: 117660.0 + (i % 17) * 10,
    current_funding: 0.0,
    funding_8h: 0.00001742,
  };
  return JSON.stringify({ jsonrpc: '2.0', method: 'subscription', params: { channel: 'ticker.BTC-PERPETUAL.100ms', data } });
}

function optionName(k: number): { readonly name: string; readonly strike: number; readonly type: 'call' | 'put' } {
  const strike = 40000 + Math.floor(k / 2) * 500;
  const type = k % 2 === 0 ? 'call' : 'put';
  return { name: `BTC-2JAN99-${strike}-${type === 'call' ? 'C' : 'P'}`, strike, type };
}

function optionFrame(name: string, i: number, ts: number): string {
  const mark = round(0.0084 + (i % 29) * 0.0001, 4);
  const data = {
    underlying_price: round(30220.5 + (i % 9) * 0.5, 1),
    underlying_index: 'BTC-2JAN99',
    timestamp: ts,
    stats: { volume: 16.7, price_change: -18.1818, low: 0.009, high: 0.011 },
    state: 'open',
    settlement_price: 0.01,
    open_interest: 1767.5,
    min_price: 0.0001,
    max_price: 0.038,
    mark_price: mark,
    mark_iv: round(67.7 + (i % 5) * 0.01, 2),
    last_price: 0.009,
    interest_rate: 0.0,
    instrument_name: name,
    index_price: round(29939.43 + (i % 9) * 0.5, 2),
    greeks: { vega: 20.05335, theta: -5.65962, rho: 4.91491, gamma: 0.00001, delta: round(0.05785 + (i % 7) * 0.00001, 5) },
    estimated_delivery_price: round(29939.43 + (i % 9) * 0.5, 2),
    bid_iv: 67.16,
    best_bid_price: round(mark - 0.0004, 4),
    best_bid_amount: 2.8,
    best_ask_price: round(mark + 0.0006, 4),
    best_ask_amount: 18.5,
    ask_iv: 68.65,
  };
  return JSON.stringify({ jsonrpc: '2.0', method: 'subscription', params: { channel: `ticker.${name}.100ms`, data } });
}

function perpetualInstrument(): unknown {
  return {
    tick_size: 0.5,
    tick_size_steps: [],
    taker_commission: 0.0005,
    settlement_period: 'perpetual',
    settlement_currency: 'BTC',
    quote_currency: 'USD',
    price_index: 'btc_usd',
    min_trade_amount: 10,
    max_leverage: 50,
    maker_commission: 0,
    kind: 'future',
    is_active: true,
    instrument_name: 'BTC-PERPETUAL',
    instrument_id: 210000,
    instrument_type: 'reversed',
    expiration_timestamp: PERPETUAL_EXPIRY_MS,
    creation_timestamp: 1534242287000,
    counter_currency: 'USD',
    contract_size: 10,
    base_currency: 'BTC',
  };
}

function optionInstrument(k: number): unknown {
  const { name, strike, type } = optionName(k);
  return {
    tick_size: 0.0001,
    tick_size_steps: [{ above_price: 0.005, tick_size: 0.0005 }],
    taker_commission: 0.0003,
    strike,
    settlement_period: 'month',
    settlement_currency: 'BTC',
    quote_currency: 'BTC',
    price_index: 'btc_usd',
    option_type: type,
    min_trade_amount: 0.1,
    maker_commission: 0.0003,
    kind: 'option',
    is_active: true,
    instrument_name: name,
    instrument_id: 300000 + k,
    instrument_type: 'reversed',
    expiration_timestamp: OPTION_EXPIRY_MS,
    creation_timestamp: 1671696002000,
    counter_currency: 'USD',
    contract_size: 1,
    base_currency: 'BTC',
  };
}

/** The Deribit perpetual stream: BTC-PERPETUAL only, `variants` distinct frames. */
export function perpetualStream(variants = 512): BenchStream {
  const ts = 1765541474086;
  const frames = Array.from({ length: variants }, (_, i) => perpetualFrame(i, ts + i * 100));
  return {
    name: 'perpetual',
    symbols: ['BTC-PERPETUAL'],
    instruments: { 'BTC:future': [perpetualInstrument()], 'BTC:option': [] },
    frames,
  };
}

/** An option-chain stream: `count` BTC options, `perInstrument` distinct frames each, interleaved. */
export function optionStream(count = 500, perInstrument = 2): BenchStream {
  const ts = 1654161839367;
  const names = Array.from({ length: count }, (_, k) => optionName(k).name);
  const frames: string[] = [];
  for (let v = 0; v < perInstrument; v += 1) {
    names.forEach((name, k) => frames.push(optionFrame(name, v * count + k, ts + v * 100 + k)));
  }
  return {
    name: `options-${count}`,
    symbols: names,
    instruments: { 'BTC:future': [perpetualInstrument()], 'BTC:option': names.map((_, k) => optionInstrument(k)) },
    frames,
  };
}
