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
    const busy = { nowMs: 10_000, activeTrades: [{ id: 't1' } as TradeRecord], entryInFlight: false };
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
});
