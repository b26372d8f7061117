/** Pure risk arithmetic: daily window, size-limit precedence, entry limits. */
import { describe, expect, it } from 'vitest';

import { Decimal } from '../../src/domain/decimal.js';
import type { ValidatedIntent } from '../../src/orders/validation.js';
import { RiskConfigSchema } from '../../src/risk/config.js';
import { checkEntryLimits, dailyWindowStart, realizedPnlSince, sizeLimitFor } from '../../src/risk/risk.js';

const intent: ValidatedIntent = {
  venue: 'deribit',
  symbol: 'BTC-PERPETUAL',
  side: 'buy',
  size: Decimal.from(1000),
  entryType: 'market',
  referencePrice: Decimal.from(60000),
  stopPrice: Decimal.from(59000),
  notional: Decimal.from(1000),
  lossAtStop: Decimal.from('16.67'),
  source: 't',
};

describe('risk', () => {
  it('starts the daily window at the configured UTC hour, the day before when that hour has not come yet', () => {
    const t = Date.UTC(2025, 2, 1, 5, 30);
    expect(dailyWindowStart(t, 0)).toBe(Date.UTC(2025, 2, 1, 0));
    expect(dailyWindowStart(t, 8)).toBe(Date.UTC(2025, 1, 28, 8));
    expect(dailyWindowStart(Date.UTC(2025, 2, 1, 8), 8)).toBe(Date.UTC(2025, 2, 1, 8));
  });

  it('sums realized P&L of trades closed inside the window only', () => {
    const base = {
      id: 'x',
      venue: 'v',
      symbol: 's',
      side: 'buy' as const,
      size: Decimal.from(1),
      entryType: 'market' as const,
      stopPrice: Decimal.from(1),
      state: 'closed' as const,
      source: 't',
      filledSize: Decimal.from(1),
      createdAtMs: 0,
      updatedAtMs: 0,
    };
    const trades = [
      { ...base, closedAtMs: 100, realizedPnl: Decimal.from(-10) },
      { ...base, closedAtMs: 200, realizedPnl: Decimal.from(-5) },
      { ...base, closedAtMs: 50, realizedPnl: Decimal.from(-100) },
    ];
    expect(realizedPnlSince(trades, 100).toString()).toBe('-15');
  });

  it('picks the most specific size limit', () => {
    const config = RiskConfigSchema.parse({
      maxSizePerTrade: [
        { maxSize: 1 },
        { venue: 'deribit', maxSize: '2' },
        { symbol: 'BTC-PERPETUAL', maxSize: '3' },
        { venue: 'deribit', symbol: 'BTC-PERPETUAL', maxSize: '4' },
      ],
    });
    expect(sizeLimitFor(config, 'deribit', 'BTC-PERPETUAL')?.toString()).toBe('4');
    expect(sizeLimitFor(config, 'okx', 'BTC-PERPETUAL')?.toString()).toBe('3');
    expect(sizeLimitFor(config, 'deribit', 'ETH-PERPETUAL')?.toString()).toBe('2');
    expect(sizeLimitFor(config, 'okx', 'X')?.toString()).toBe('1');
  });

  it('refuses at the daily loss limit and passes below every limit', () => {
    const config = RiskConfigSchema.parse({ maxDailyLossUsd: 100 });
    expect(checkEntryLimits(intent, { openTrades: 0, dailyPnl: Decimal.from(-99) }, config)).toBeUndefined();
    expect(checkEntryLimits(intent, { openTrades: 0, dailyPnl: Decimal.from(-100) }, config)?.code).toBe('RISK_DAILY_LOSS');
    expect(checkEntryLimits(intent, { openTrades: 3, dailyPnl: Decimal.ZERO }, config)?.code).toBe('RISK_MAX_OPEN_TRADES');
  });

  it('rejects unknown config keys and names the unit-bearing defaults', () => {
    expect(() => RiskConfigSchema.parse({ maxDailyLoss: 5 })).toThrow();
    expect(RiskConfigSchema.parse({})).toMatchObject({
      maxOpenTrades: 3,
      maxLossAtStopUsd: 100,
      maxDailyLossUsd: 300,
      dailyResetUtcHour: 0,
      maxSizePerTrade: [],
    });
  });
});
