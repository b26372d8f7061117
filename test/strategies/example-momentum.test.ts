/** The example momentum strategy's signals. */
import { describe, expect, it } from 'vitest';

import { Decimal } from '../../src/domain/decimal.js';
import type { Ticker } from '../../src/domain/position.js';
import type { TradeRecord } from '../../src/domain/trade.js';
import { ExampleMomentum, ExampleMomentumConfigSchema } from '../../src/strategies/example-momentum.js';

const config = ExampleMomentumConfigSchema.parse({
  venue: 'memory',
  symbol: 'BTC-PERPETUAL',
  size: '10',
  stopPct: 0.5,
  takeProfitPct: 1,
  lookbackSecs: 10,
  cooldownSecs: 5,
});
const tick = (mark: string): Ticker => ({ venue: 'memory', symbol: 'BTC-PERPETUAL', mark: Decimal.from(mark), tsMs: 0 });
const idle = (nowMs: number) => ({ nowMs, activeTrades: [], entryInFlight: false });

describe('example momentum strategy', () => {
  it('waits for a full lookback, then follows a rise with a long, stop below and target above', () => {
    const s = new ExampleMomentum(config);
    expect(s.onTicker(tick('60000'), idle(0))).toEqual([]);
    expect(s.onTicker(tick('60050'), idle(5_000))).toEqual([]);
    const [intent] = s.onTicker(tick('60100'), idle(10_000));
    expect(intent).toMatchObject({
      venue: 'memory',
      symbol: 'BTC-PERPETUAL',
      side: 'buy',
      size: { unit: 'venue', value: '10' },
      source: 'strategy:example-momentum',
    });
    expect(String(intent?.stopLossPrice)).toBe('59799.5');
    expect(String(intent?.takeProfitPrice)).toBe('60701');
  });

  it('follows a fall with a short, stop above and target below', () => {
    const s = new ExampleMomentum(config);
    s.onTicker(tick('60000'), idle(0));
    const [intent] = s.onTicker(tick('59000'), idle(10_000));
    expect(intent?.side).toBe('sell');
    expect(String(intent?.stopLossPrice)).toBe('59295');
    expect(String(intent?.takeProfitPrice)).toBe('58410');
  });

  it('asks for nothing while it holds a trade or an entry is on its way, then waits out the cooldown', () => {
    const s = new ExampleMomentum(config);
    s.onTicker(tick('60000'), idle(0));
    const busy = {
      nowMs: 10_000,
      activeTrades: [{ id: 't1', venue: 'memory', symbol: 'BTC-PERPETUAL' } as TradeRecord],
      entryInFlight: false,
    };
    expect(s.onTicker(tick('60100'), busy)).toEqual([]);
    expect(s.onTicker(tick('60200'), { ...idle(11_000), entryInFlight: true })).toEqual([]);
    expect(s.onTicker(tick('60300'), idle(12_000))).toEqual([]); // trade just ended: cooldown starts
    expect(s.onTicker(tick('60400'), idle(16_999))).toEqual([]);
    expect(s.onTicker(tick('60500'), idle(17_000))).toHaveLength(1);
  });

  it('ignores tickers of other instruments and flat moves', () => {
    const s = new ExampleMomentum(config);
    s.onTicker(tick('60000'), idle(0));
    expect(s.onTicker({ ...tick('61000'), symbol: 'ETH-PERPETUAL' }, idle(10_000))).toEqual([]);
    expect(s.onTicker(tick('60000'), idle(10_000))).toEqual([]);
  });

  it('trades each of its markets on its own: a trade on one does not block the other; OKX sized as a USD notional', () => {
    const s = new ExampleMomentum(
      ExampleMomentumConfigSchema.parse({
        markets: [
          { venue: 'deribit', symbol: 'BTC-PERPETUAL', size: '100' },
          { venue: 'okx', symbol: 'BTC-USDT-SWAP', notional: '100' },
        ],
        lookbackSecs: 10,
        cooldownSecs: 5,
      }),
    );
    const d = (mark: string): Ticker => ({ venue: 'deribit', symbol: 'BTC-PERPETUAL', mark: Decimal.from(mark), tsMs: 0 });
    const o = (mark: string): Ticker => ({ venue: 'okx', symbol: 'BTC-USDT-SWAP', mark: Decimal.from(mark), tsMs: 0 });
    s.onTicker(d('60000'), idle(0));
    s.onTicker(o('60000'), idle(0));
    const [deribit] = s.onTicker(d('60100'), idle(10_000));
    expect(deribit).toMatchObject({ venue: 'deribit', side: 'buy', size: { unit: 'venue', value: '100' } });
    // the Deribit trade is open: OKX still trades, in USD notional (the order manager turns it into contracts of ctVal)
    const open = [{ id: 't1', venue: 'deribit', symbol: 'BTC-PERPETUAL' } as TradeRecord];
    const [okx] = s.onTicker(o('59900'), { nowMs: 10_500, activeTrades: open, entryInFlight: false });
    expect(okx).toMatchObject({ venue: 'okx', symbol: 'BTC-USDT-SWAP', side: 'sell', size: { unit: 'notional', value: '100' } });
    expect(s.onTicker(d('60200'), { nowMs: 11_000, activeTrades: open, entryInFlight: false })).toEqual([]);
  });

  it('an entry that ended without a trade (refused) and saw no tick in flight is asked again on the next tick, no cooldown', () => {
    const s = new ExampleMomentum(config);
    s.onTicker(tick('60000'), idle(0));
    expect(s.onTicker(tick('60100'), idle(10_000))).toHaveLength(1);
    expect(s.onTicker(tick('60150'), idle(10_100))).toHaveLength(1);
  });

  it('refuses a market with both or neither of size and notional', () => {
    const both = ExampleMomentumConfigSchema.safeParse({
      markets: [{ venue: 'okx', symbol: 'BTC-USDT-SWAP', size: '1', notional: '100' }],
    });
    const neither = ExampleMomentumConfigSchema.safeParse({ markets: [{ venue: 'okx', symbol: 'BTC-USDT-SWAP' }] });
    expect(both.success).toBe(false);
    expect(neither.success).toBe(false);
  });
});
