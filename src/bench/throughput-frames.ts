/**
 * Realistic ticker pushes and the instrument records behind them, for the throughput bench:
 * Deribit `ticker.<instrument>.100ms` notifications, field sets, order and number styles after the
 * recorded captures (`/work/shared/venues/fixtures/deribit/ws_notification_ticker_{perpetual,option}_capture.json`),
 * and OKX `tickers` pushes shaped exactly like `/work/shared/venues/fixtures/okx/ws_push_tickers.json`
 * (same keys in the same order, every number a JSON string) with `instType` `SWAP`, and Bybit
 * `tickers.{symbol}` pushes after `/work/shared/venues/fixtures/bybit/ws_push_tickers_linear_{snapshot,delta}.json`:
 * one snapshot per symbol (the capture's keys in its order), then deltas carrying only what changed
 * (top of book every time, as in the delta capture; last price, mark and index, open interest and
 * the 24 h figures now and then). Prices move a little from frame to frame so no two consecutive
 * frames are identical.
 */

/** Perpetual and option expiry as Deribit reports them. */
const PERPETUAL_EXPIRY_MS = 32503708800000;
const OPTION_EXPIRY_MS = Date.UTC(2099, 0, 2, 8, 0, 0); // far in the future: never pruned during a run

export interface BenchStream {
  /** Whose protocol the frames and the replay server speak. */
  readonly venue: 'deribit' | 'okx' | 'bybit';
  /** `perpetual`, `options-500`, `swap`, `swaps-200`. */
  readonly name: string;
  /** Instrument names the client watches. */
  readonly symbols: readonly string[];
  /** Deribit: `public/get_instruments` results by `${currency}:${kind}`; OKX: `public/instruments` by `instType`; Bybit: `market/instruments-info` by `category`. */
  readonly instruments: Readonly<Record<string, readonly unknown[]>>;
  /** Notification frames, round-robin over the symbols. */
  readonly frames: readonly string[];
  /** Sent once before the round-robin (Bybit: each symbol's snapshot; its deltas need one first). */
  readonly leadFrames?: readonly string[];
  /** Channels one client subscribes (the replay starts once they are all subscribed). */
  readonly channels: number;
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
    venue: 'deribit',
    name: 'perpetual',
    channels: 1,
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
    venue: 'deribit',
    name: `options-${count}`,
    channels: names.length,
    symbols: names,
    instruments: { 'BTC:future': [perpetualInstrument()], 'BTC:option': names.map((_, k) => optionInstrument(k)) },
    frames,
  };
}

// ---- OKX -------------------------------------------------------------------------------------

/** Base coins of the wide OKX stream's synthetic USDT swaps, cycled with a numeric suffix past the list. */
const OKX_COINS = ['BTC', 'ETH', 'SOL', 'XRP', 'DOGE', 'LTC', 'ADA', 'AVAX', 'DOT', 'LINK', 'TRX', 'BCH', 'ATOM', 'FIL', 'NEAR'];

function okxSwapName(k: number): { readonly instId: string; readonly coin: string } {
  const base = OKX_COINS[k % OKX_COINS.length] ?? 'BTC';
  const coin = k < OKX_COINS.length ? base : `${base}${Math.floor(k / OKX_COINS.length)}`;
  return { instId: `${coin}-USDT-SWAP`, coin };
}

/** An OKX decimal string as the venue sends it: fixed digits, trailing zeros dropped. */
function okxNum(value: number, digits: number): string {
  return String(round(value, digits));
}

/** One `tickers` push: the keys of `ws_push_tickers.json` in its order, every number a string. */
function okxTickerFrame(instId: string, price: number, i: number, ts: number): string {
  const last = price + (i % 40) * 0.1 - 2;
  const data = {
    instType: 'SWAP',
    instId,
    last: okxNum(last, 1),
    lastSz: okxNum(0.01 + (i % 9) * 0.01, 2),
    askPx: okxNum(last + 0.1, 1),
    askSz: okxNum(120 + (i % 11) * 3, 0),
    bidPx: okxNum(last, 1),
    bidSz: okxNum(85 + (i % 17) * 2, 0),
    open24h: okxNum(price * 0.98, 1),
    high24h: okxNum(price * 1.02, 1),
    low24h: okxNum(price * 0.97, 1),
    volCcy24h: okxNum(91234.56 + i * 0.01, 2),
    vol24h: okxNum(9123456 + i, 0),
    sodUtc0: okxNum(price * 0.99, 1),
    sodUtc8: okxNum(price * 0.995, 1),
    ts: String(ts),
  };
  return JSON.stringify({ arg: { channel: 'tickers', instId }, data: [data] });
}

/** A `public/instruments` SWAP record in the venue's shape (the capture's keys), linear USDT. */
function okxSwapInstrument(k: number): unknown {
  const { instId, coin } = okxSwapName(k);
  return {
    alias: '',
    auctionEndTime: '',
    baseCcy: '',
    category: '1',
    contTdSwTime: '',
    ctMult: '1',
    ctType: 'linear',
    ctVal: k === 0 ? '0.01' : '1',
    ctValCcy: coin,
    expTime: '',
    futureSettlement: false,
    instFamily: `${coin}-USDT`,
    instId,
    instIdCode: 10459 + k * 2,
    instType: 'SWAP',
    lever: '100',
    listTime: '1573557408000',
    lotSz: '0.01',
    maxIcebergSz: '100000000.0000000000000000',
    maxLmtAmt: '20000000',
    maxLmtSz: '100000000',
    maxMktAmt: '',
    maxMktSz: '12000',
    maxPlatOILmt: '',
    maxStopSz: '12000',
    maxTriggerSz: '100000000.0000000000000000',
    maxTwapSz: '100000000.0000000000000000',
    minSz: '0.01',
    openType: '',
    optType: '',
    posLmtAmt: '',
    posLmtPct: '',
    preMktSwTime: '',
    quoteCcy: '',
    ruleType: 'normal',
    settleCcy: 'USDT',
    state: 'live',
    stk: '',
    tickSz: '0.1',
    tradeQuoteCcyList: [],
    uly: `${coin}-USDT`,
  };
}

/**
 * An OKX `tickers` stream over `count` USDT swaps (`BTC-USDT-SWAP` first), `perInstrument` distinct
 * frames each, interleaved. `count` 1 is the perpetual-swap stream (`swap`), 512 distinct frames.
 * Every watched swap subscribes `tickers` and `mark-price` (what `OkxVenue.watchTicker` asks for);
 * only `tickers` pushes are replayed.
 */
export function okxSwapStream(count = 1, perInstrument = count === 1 ? 512 : 2): BenchStream {
  const ts = 1765541474086;
  const names = Array.from({ length: count }, (_, k) => okxSwapName(k).instId);
  const frames: string[] = [];
  for (let v = 0; v < perInstrument; v += 1) {
    names.forEach((instId, k) => frames.push(okxTickerFrame(instId, k === 0 ? 92283.5 : 10 + k * 3.7, v * count + k, ts + v * 100 + k)));
  }
  return {
    venue: 'okx',
    name: count === 1 ? 'swap' : `swaps-${count}`,
    channels: 2 * count,
    symbols: names,
    instruments: { SWAP: names.map((_, k) => okxSwapInstrument(k)) },
    frames,
  };
}

// ---- Bybit -----------------------------------------------------------------------------------

/** Base coins of the wide Bybit stream's synthetic USDT perpetuals, cycled with a numeric suffix past the list. */
const BYBIT_COINS = ['BTC', 'ETH', 'SOL', 'XRP', 'DOGE', 'LTC', 'ADA', 'AVAX', 'DOT', 'LINK', 'TRX', 'BCH', 'ATOM', 'FIL', 'NEAR'];

function bybitName(k: number): { readonly symbol: string; readonly coin: string } {
  const base = BYBIT_COINS[k % BYBIT_COINS.length] ?? 'BTC';
  const coin = k < BYBIT_COINS.length ? base : `${base}${Math.floor(k / BYBIT_COINS.length)}`;
  return { symbol: `${coin}USDT`, coin };
}

/** A Bybit price as the venue sends it: fixed digits, trailing zeros kept (`"66666.60"`). */
function bybitPx(value: number, digits = 2): string {
  return value.toFixed(digits);
}

/** The snapshot push: the keys of `ws_push_tickers_linear_snapshot.json` in its order, every number a string. */
function bybitSnapshotFrame(symbol: string, price: number, ts: number): string {
  const data = {
    symbol,
    tickDirection: 'MinusTick',
    price24hPcnt: '-0.158315',
    lastPrice: bybitPx(price),
    prevPrice24h: bybitPx(price * 1.18),
    highPrice24h: bybitPx(price * 1.19),
    lowPrice24h: bybitPx(price * 0.976),
    prevPrice1h: bybitPx(price),
    markPrice: bybitPx(price),
    indexPrice: bybitPx(price * 1.0001),
    openInterest: '492373.72',
    openInterestValue: bybitPx(492373.72 * price),
    turnover24h: '4936790807.6521',
    volume24h: '73191.3870',
    fundingIntervalHour: '8',
    fundingCap: '0.005',
    nextFundingTime: '1760342400000',
    fundingRate: '-0.005',
    bid1Price: bybitPx(price),
    bid1Size: '23789.165',
    ask1Price: bybitPx(price + 0.1),
    ask1Size: '23775.469',
    preOpenPrice: '',
    preQty: '',
    curPreListingPhase: '',
  };
  return JSON.stringify({ topic: `tickers.${symbol}`, type: 'snapshot', data, cs: 9532239429, ts });
}

/**
 * A delta push: only what changed. Every one moves the top of book (the delta capture's four keys);
 * every 4th also trades (`lastPrice`, `tickDirection`), every 10th moves `markPrice` and
 * `indexPrice`, every 25th `openInterest` and the 24 h volume and turnover.
 */
function bybitDeltaFrame(symbol: string, price: number, i: number, ts: number): string {
  const bid = price + (i % 40) * 0.1 - 2;
  const data: Record<string, string> = {
    symbol,
    bid1Price: bybitPx(bid),
    bid1Size: (2.12 + (i % 17) * 0.37).toFixed(3),
    ask1Price: bybitPx(bid + 0.1),
    ask1Size: (5.02 + (i % 11) * 0.41).toFixed(3),
  };
  if (i % 4 === 0) {
    data.lastPrice = bybitPx(bid + (i % 8 === 0 ? 0.1 : 0));
    data.tickDirection = i % 8 === 0 ? 'PlusTick' : 'MinusTick';
  }
  if (i % 10 === 0) {
    data.markPrice = bybitPx(bid + 0.05);
    data.indexPrice = bybitPx(bid + 0.07);
  }
  if (i % 25 === 0) {
    data.openInterest = (492373.72 + i * 0.01).toFixed(2);
    data.volume24h = (73191.387 + i * 0.001).toFixed(4);
    data.turnover24h = (4936790807.6521 + i).toFixed(4);
  }
  return JSON.stringify({ topic: `tickers.${symbol}`, type: 'delta', data, cs: 78039939929 + i, ts });
}

/** An instruments-info linear record in the venue's shape (the capture's keys), USDT perpetual. */
function bybitInstrument(k: number): unknown {
  const { symbol, coin } = bybitName(k);
  return {
    symbol,
    symbolId: 5 + k,
    contractType: 'LinearPerpetual',
    status: 'Trading',
    baseCoin: coin,
    quoteCoin: 'USDT',
    launchTime: '1585526400000',
    deliveryTime: '0',
    deliveryFeeRate: '',
    priceScale: '2',
    leverageFilter: { minLeverage: '1', maxLeverage: '100.00', leverageStep: '0.01' },
    priceFilter: { minPrice: '0.10', maxPrice: '1999999.80', tickSize: '0.10' },
    lotSizeFilter: {
      maxOrderQty: '1190.000',
      minOrderQty: '0.001',
      qtyStep: '0.001',
      postOnlyMaxOrderQty: '1190.000',
      maxMktOrderQty: '500.000',
      minNotionalValue: '5',
    },
    unifiedMarginTrade: true,
    fundingInterval: 480,
    settleCoin: 'USDT',
    copyTrading: 'both',
    upperFundingRate: '0.00375',
    lowerFundingRate: '-0.00375',
    isPreListing: false,
    preListingInfo: null,
    riskParameters: { priceLimitRatioX: '0.01', priceLimitRatioY: '0.02' },
    symbolType: '',
  };
}

/**
 * A Bybit `tickers` stream over `count` USDT perpetuals (`BTCUSDT` first): one snapshot each (sent
 * once, first), then `perInstrument` deltas each, interleaved. `count` 1 is the perpetual stream
 * (`linear`), 512 distinct deltas. Every watched symbol subscribes one topic, `tickers.{symbol}`.
 */
export function bybitLinearStream(count = 1, perInstrument = count === 1 ? 512 : 2): BenchStream {
  const ts = 1760325052630;
  const names = Array.from({ length: count }, (_, k) => bybitName(k).symbol);
  const priceOf = (k: number): number => (k === 0 ? 66666.6 : 10 + k * 3.7);
  const frames: string[] = [];
  for (let v = 0; v < perInstrument; v += 1) {
    names.forEach((symbol, k) => frames.push(bybitDeltaFrame(symbol, priceOf(k), v * count + k + 1, ts + v * 100 + k)));
  }
  return {
    venue: 'bybit',
    name: count === 1 ? 'linear' : `linear-${count}`,
    channels: count,
    symbols: names,
    instruments: { linear: names.map((_, k) => bybitInstrument(k)), inverse: [] },
    leadFrames: names.map((symbol, k) => bybitSnapshotFrame(symbol, priceOf(k), ts - 100)),
    frames,
  };
}
