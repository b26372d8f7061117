/** Small records shared by the unit tests of the OrderManager's pure modules. */
import { clientIdFor } from '../../src/domain/client-ids.js';
import { Decimal } from '../../src/domain/decimal.js';
import type { Instrument } from '../../src/domain/instrument.js';
import type { Fill } from '../../src/domain/position.js';
import type { LegRecord, TradeRecord } from '../../src/domain/trade.js';

export const T = 'aaaaaaaaaaaaaaaa';
export const d = (v: string | number): Decimal => Decimal.from(v);

export const perp: Instrument = {
  venue: 'v',
  symbol: 'BTC-PERPETUAL',
  kind: 'perpetual',
  base: 'BTC',
  quote: 'USD',
  settle: 'BTC',
  inverse: true,
  tickSize: d('0.5'),
  tickSteps: [],
  lotSize: d(10),
  minSize: d(10),
  contractSize: d(10),
  sizeUnit: 'quote',
  active: true,
};

export function trade(over: Partial<TradeRecord> = {}): TradeRecord {
  return {
    id: T,
    venue: 'v',
    symbol: 'BTC-PERPETUAL',
    side: 'buy',
    size: d(1000),
    entryType: 'market',
    stopPrice: d(59000),
    takeProfitPrice: d(61000),
    state: 'open',
    source: 't',
    filledSize: d(1000),
    createdAtMs: 0,
    updatedAtMs: 0,
    ...over,
  };
}

export function leg(kind: LegRecord['kind'], over: Partial<LegRecord> = {}, seq = 1): LegRecord {
  return {
    tradeId: T,
    kind,
    clientId: clientIdFor(T, kind, seq),
    venueOrderId: `${kind}-${seq}`,
    state: 'untriggered',
    side: kind === 'entry' ? 'buy' : 'sell',
    type: kind === 'entry' ? 'market' : 'stop_market',
    size: d(1000),
    filledSize: Decimal.ZERO,
    createdAtMs: 0,
    updatedAtMs: 0,
    ...over,
  };
}

export function fill(over: Partial<Fill> = {}): Fill {
  return {
    venue: 'v',
    tradeId: 'f1',
    venueOrderId: 'x',
    symbol: 'BTC-PERPETUAL',
    side: 'sell',
    size: d(100),
    price: d(60000),
    fee: d(0),
    feeCurrency: 'BTC',
    liquidity: 'taker',
    tsMs: 10,
    ...over,
  };
}
