/** The `bybit` config section: defaults, strict keys, the live opt-in, and one-line errors naming the key. */
import { describe, expect, it } from 'vitest';

import { BybitConfigSchema } from '../../../src/venues/bybit/config.js';

function firstIssue(input: unknown): string {
  const parsed = BybitConfigSchema.safeParse(input);
  if (parsed.success) throw new Error('expected a failure');
  const issue = parsed.error.issues[0];
  return `${issue?.path.join('.')}: ${issue?.message}`;
}

describe('bybit config', () => {
  it('fills every default', () => {
    const c = BybitConfigSchema.parse({});
    expect(c).toMatchObject({
      enabled: false,
      environment: 'sim',
      liveOptIn: false,
      tradeSocket: false,
      pongTimeoutMs: 5_000,
      loginTimeoutMs: 5_000,
      requestTimeoutMs: 10_000,
      recvWindowMs: 10_000,
      categories: ['linear', 'inverse'],
      watchSymbols: ['BTCUSDT'],
      rateLimit: {
        ordersPerSecond: 9,
        cancelsPerSecond: 9,
        amendsPerSecond: 9,
        cancelAllPerSecond: 9,
        protectiveReserve: 4,
        readsPerSecond: 40,
      },
    });
  });

  it('accepts testnet and demo, refuses live without the opt-in', () => {
    expect(BybitConfigSchema.parse({ environment: 'testnet' }).environment).toBe('testnet');
    expect(BybitConfigSchema.parse({ environment: 'demo' }).environment).toBe('demo');
    expect(firstIssue({ environment: 'live' })).toMatch(/^liveOptIn: .*venues\.bybit\.liveOptIn/);
    expect(BybitConfigSchema.parse({ environment: 'live', liveOptIn: true }).environment).toBe('live');
  });

  it('names an unknown key, a bad value and a bad category in one line', () => {
    const unknown = firstIssue({ pongTimeout: 5 });
    expect(unknown).toContain('pongTimeout');
    expect(unknown.split('\n')).toHaveLength(1);
    expect(firstIssue({ recvWindowMs: 10 })).toMatch(/^recvWindowMs: /);
    expect(firstIssue({ categories: ['option'] })).toMatch(/^categories\.0: /);
    expect(firstIssue({ rateLimit: { ordersPerSecond: 0 } })).toMatch(/^rateLimit\.ordersPerSecond: /);
    expect(firstIssue({ rateLimit: { cancelsPerSecond: 0 } })).toMatch(/^rateLimit\.cancelsPerSecond: /);
    expect(firstIssue({ environment: 'prod' })).toMatch(/^environment: /);
  });
});
