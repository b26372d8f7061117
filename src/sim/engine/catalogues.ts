/** Instrument catalogues per simulated venue: Deribit's generated chain, OKX's and Bybit's USDT-linear perpetuals, Bybit's inverse perpetuals. */
import { dec, type Decimal } from '../../domain/decimal.js';
import { buildCatalogue, type CatalogueOptions, PERPETUAL_EXPIRY_MS } from './instruments.js';
import type { Currency, SimInstrument, SimVenue } from './types.js';

/**
 * OKX USDT-margined swaps, values from the production capture
 * `venues/fixtures/okx/http_get_public_instruments_swap_capture.json` (2025-10): contracts of `ctVal`
 * coin, `lotSz`/`minSz` in contracts, `tickSz` in USDT, `lever` 100, `maxMktSz`/`maxLmtSz`, `listTime`;
 * and the `instIdCode`s (10459 BTC-USDT-SWAP, as okx.md §10 says; 10461 ETH-USDT-SWAP) from that capture.
 * Fees: OKX regular tier, maker 0.02 %, taker 0.05 % (the orders push example: 0.4 contracts x 0.01 BTC
 * x 60000 as maker pays 0.048 USDT).
 */
const OKX_SWAPS: readonly {
  currency: Currency;
  id: number;
  ctVal: string;
  lotSz: string;
  minSz: string;
  tickSz: string;
  maxMktSz: string;
  maxLmtSz: string;
}[] = [
  { currency: 'BTC', id: 10459, ctVal: '0.01', lotSz: '0.01', minSz: '0.01', tickSz: '0.1', maxMktSz: '12000', maxLmtSz: '100000000' },
  { currency: 'ETH', id: 10461, ctVal: '0.1', lotSz: '0.01', minSz: '0.01', tickSz: '0.01', maxMktSz: '20000', maxLmtSz: '100000000' },
];
const OKX_LIST_TIME = 1573557408000;

/**
 * Bybit USDT perpetuals (category linear), sized in base coin (contract value 1). BTCUSDT from the docs'
 * instruments-info example (`venues/fixtures/bybit/http_get_market_instruments_info_linear.json`:
 * tickSize 0.10, qtyStep = minOrderQty 0.001, maxOrderQty 1190, maxMktOrderQty 500, minNotionalValue 5,
 * maxLeverage 100, symbolId 5, launchTime). The fixture has no ETHUSDT: tick 0.01 and qtyStep = minimum
 * 0.01 are Bybit's usual ETHUSDT filters; its id, launch time and the max amounts are the simulator's
 * choice (not from a capture). Fees: maker 0.02 %, taker 0.055 % (the execution push's `feeRate`).
 */
const BYBIT_LINEAR: readonly {
  currency: Currency;
  id: number;
  tickSize: string;
  qtyStep: string;
  minOrderQty: string;
  maxOrderQty: string;
  maxMktOrderQty: string;
  launchTime: number;
}[] = [
  {
    currency: 'BTC',
    id: 5,
    tickSize: '0.10',
    qtyStep: '0.001',
    minOrderQty: '0.001',
    maxOrderQty: '1190',
    maxMktOrderQty: '500',
    launchTime: 1585526400000,
  },
  {
    currency: 'ETH',
    id: 6,
    tickSize: '0.01',
    qtyStep: '0.01',
    minOrderQty: '0.01',
    maxOrderQty: '7240',
    maxMktOrderQty: '1200',
    launchTime: 1615766400000,
  },
];

function linearPerpetual(fields: {
  name: string;
  id: number;
  currency: Currency;
  amountUnit: 'contracts' | 'base';
  contractSize: Decimal;
  step: Decimal;
  min: Decimal;
  tick: Decimal;
  maker: Decimal;
  taker: Decimal;
  created: number;
  maxMarket: Decimal;
  maxLimit: Decimal;
  minNotional?: Decimal;
}): SimInstrument {
  return {
    name: fields.name,
    id: fields.id,
    kind: 'future',
    currency: fields.currency,
    quoteCurrency: 'USDT',
    settleCurrency: 'USDT',
    contractType: 'linear',
    amountUnit: fields.amountUnit,
    perpetual: true,
    settlementPeriod: 'perpetual',
    contractSize: fields.contractSize,
    minTradeAmount: fields.min,
    amountStep: fields.step,
    maxMarketAmount: fields.maxMarket,
    maxLimitAmount: fields.maxLimit,
    ...(fields.minNotional !== undefined ? { minNotional: fields.minNotional } : {}),
    tickSize: fields.tick,
    tickSizeSteps: [],
    makerCommission: fields.maker,
    takerCommission: fields.taker,
    creationTimestamp: fields.created,
    expirationTimestamp: PERPETUAL_EXPIRY_MS,
    maxLeverage: 100,
  };
}

/** OKX: `BTC-USDT-SWAP`, `ETH-USDT-SWAP` (linear, settled in USDT, sized in contracts of `ctVal` coin). */
export function okxCatalogue(): SimInstrument[] {
  return OKX_SWAPS.map((s) =>
    linearPerpetual({
      name: `${s.currency}-USDT-SWAP`,
      id: s.id,
      currency: s.currency,
      amountUnit: 'contracts',
      contractSize: dec(s.ctVal),
      step: dec(s.lotSz),
      min: dec(s.minSz),
      tick: dec(s.tickSz),
      maker: dec('0.0002'),
      taker: dec('0.0005'),
      created: OKX_LIST_TIME,
      maxMarket: dec(s.maxMktSz),
      maxLimit: dec(s.maxLmtSz),
    }),
  );
}

/**
 * Bybit inverse perpetuals (category inverse): quoted in USD, sized in USD contracts of 1 USD
 * (bybit.md §10: "BTCUSD: 1 contract = 1 USD", integer qty), settled in the coin. Filters are
 * Bybit's usual ones for these symbols (BTCUSD tick 0.50, ETHUSD tick 0.05, qtyStep = minimum 1);
 * the fixtures hold no inverse instruments-info row, so ids, launch times and max amounts are the
 * simulator's choice. Fees as linear: maker 0.02 %, taker 0.055 % (in the coin).
 */
const BYBIT_INVERSE: readonly {
  currency: Currency;
  id: number;
  tickSize: string;
  maxOrderQty: string;
  maxMktOrderQty: string;
  launchTime: number;
}[] = [
  { currency: 'BTC', id: 1, tickSize: '0.5', maxOrderQty: '1000000', maxMktOrderQty: '500000', launchTime: 1542211200000 },
  { currency: 'ETH', id: 2, tickSize: '0.05', maxOrderQty: '1000000', maxMktOrderQty: '500000', launchTime: 1548633600000 },
];

function inversePerpetual(s: (typeof BYBIT_INVERSE)[number]): SimInstrument {
  return {
    name: `${s.currency}USD`,
    id: s.id,
    kind: 'future',
    currency: s.currency,
    quoteCurrency: 'USD',
    settleCurrency: s.currency,
    contractType: 'inverse',
    amountUnit: 'quote',
    perpetual: true,
    settlementPeriod: 'perpetual',
    contractSize: dec(1),
    minTradeAmount: dec(1),
    amountStep: dec(1),
    maxMarketAmount: dec(s.maxMktOrderQty),
    maxLimitAmount: dec(s.maxOrderQty),
    tickSize: dec(s.tickSize),
    tickSizeSteps: [],
    makerCommission: dec('0.0002'),
    takerCommission: dec('0.00055'),
    creationTimestamp: s.launchTime,
    expirationTimestamp: PERPETUAL_EXPIRY_MS,
    maxLeverage: 100,
  };
}

/**
 * Bybit: `BTCUSDT`, `ETHUSDT` (category linear, settled in USDT, sized in base coin), then
 * `BTCUSD`, `ETHUSD` (category inverse, USD contracts, settled in the coin).
 */
export function bybitCatalogue(): SimInstrument[] {
  return [...bybitLinearCatalogue(), ...BYBIT_INVERSE.map(inversePerpetual)];
}

/** Bybit's linear perpetuals only. */
export function bybitLinearCatalogue(): SimInstrument[] {
  return BYBIT_LINEAR.map((s) =>
    linearPerpetual({
      name: `${s.currency}USDT`,
      id: s.id,
      currency: s.currency,
      amountUnit: 'base',
      contractSize: dec(1),
      step: dec(s.qtyStep),
      min: dec(s.minOrderQty),
      tick: dec(s.tickSize),
      maker: dec('0.0002'),
      taker: dec('0.00055'),
      created: s.launchTime,
      maxMarket: dec(s.maxMktOrderQty),
      maxLimit: dec(s.maxOrderQty),
      minNotional: dec(5),
    }),
  );
}

/** The catalogue of `venue` at `nowMs` (Deribit lists its options chain around `spot`). */
export function venueCatalogue(
  venue: SimVenue,
  nowMs: number,
  spot: Record<Currency, Decimal>,
  options: CatalogueOptions = {},
): SimInstrument[] {
  switch (venue) {
    case 'deribit':
      return buildCatalogue(nowMs, spot, options);
    case 'okx':
      return okxCatalogue();
    case 'bybit':
      return bybitCatalogue();
  }
}
