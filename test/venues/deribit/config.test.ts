/** The venues.deribit config section: defaults, live opt-in, URL resolution per environment. */
import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../../src/domain/errors.js';
import { DeribitConfigSchema } from '../../../src/venues/deribit/config.js';
import { DERIBIT_ENDPOINTS, resolveDeribitUrls, restMethodTarget } from '../../../src/venues/deribit/urls.js';

describe('DeribitConfigSchema', () => {
  it('fills every default from an empty section', () => {
    expect(DeribitConfigSchema.parse({})).toEqual({
      enabled: false,
      environment: 'sim',
      liveOptIn: false,
      currencies: ['BTC', 'ETH'],
      heartbeatIntervalSecs: 30,
      requestTimeoutMs: 10_000,
      protectiveRequestTimeoutMs: 3_000,
      loginTimeoutMs: 5_000,
      optionSubscriptionBatchSize: 50,
      maxChannelsPerConnection: 500,
      sessionName: 'venue-daemon',
      reconnectInitialDelayMs: 500,
      reconnectMaxDelayMs: 30000,
      clockSkewWarnMs: 1_000,
      clockSyncIntervalSecs: 300,
      watchSymbols: ['BTC-PERPETUAL'],
      rateLimit: {
        nonMatchingEngineRatePerSec: 20,
        nonMatchingEngineBurst: 100,
        matchingEngineRatePerSec: 5,
        matchingEngineBurst: 20,
        subscribeRatePerSec: 3,
        getInstrumentsMinIntervalSecs: 10,
      },
    });
  });

  it('rejects unknown keys, also inside rateLimit', () => {
    expect(DeribitConfigSchema.safeParse({ heartbeatSecs: 30 }).success).toBe(false);
    expect(DeribitConfigSchema.safeParse({ rateLimit: { burst: 1 } }).success).toBe(false);
  });

  it('enforces the heartbeat minimum of 10 s', () => {
    expect(DeribitConfigSchema.safeParse({ heartbeatIntervalSecs: 9 }).success).toBe(false);
    expect(DeribitConfigSchema.parse({ heartbeatIntervalSecs: 10 }).heartbeatIntervalSecs).toBe(10);
  });

  it('refuses live without liveOptIn, naming the key and the fix', () => {
    const result = DeribitConfigSchema.safeParse({ enabled: true, environment: 'live' });
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(issue?.path).toEqual(['liveOptIn']);
    expect(issue?.message).toContain('live trading was not opted in');
    expect(issue?.message).toContain('set venues.deribit.liveOptIn to true');
  });

  it('accepts live with liveOptIn', () => {
    const config = DeribitConfigSchema.parse({ enabled: true, environment: 'live', liveOptIn: true });
    expect(config.environment).toBe('live');
  });

  it('validates URL schemes and currency codes', () => {
    expect(DeribitConfigSchema.safeParse({ wsUrl: 'https://x.test/ws' }).success).toBe(false);
    expect(DeribitConfigSchema.safeParse({ restUrl: 'wss://x.test/api/v2' }).success).toBe(false);
    expect(DeribitConfigSchema.parse({ wsUrl: 'ws://127.0.0.1:9000/ws/api/v2' }).wsUrl).toBe('ws://127.0.0.1:9000/ws/api/v2');
    expect(DeribitConfigSchema.safeParse({ currencies: ['btc'] }).success).toBe(false);
    expect(DeribitConfigSchema.safeParse({ currencies: [] }).success).toBe(false);
  });

  it('caps the option subscription batch at the venue limit of 500', () => {
    expect(DeribitConfigSchema.safeParse({ optionSubscriptionBatchSize: 501 }).success).toBe(false);
  });
});

describe('resolveDeribitUrls', () => {
  it('maps live and testnet to the documented hosts', () => {
    expect(resolveDeribitUrls('live')).toEqual({
      restBaseUrl: 'https://www.deribit.com/api/v2',
      wsUrl: 'wss://www.deribit.com/ws/api/v2',
    });
    expect(resolveDeribitUrls('testnet')).toEqual({
      restBaseUrl: 'https://test.deribit.com/api/v2',
      wsUrl: 'wss://test.deribit.com/ws/api/v2',
    });
    expect(DERIBIT_ENDPOINTS.live.wsUrl).toBe('wss://www.deribit.com/ws/api/v2');
  });

  it('lets overrides win', () => {
    expect(resolveDeribitUrls('testnet', { wsUrl: 'ws://127.0.0.1:1/ws' })).toEqual({
      restBaseUrl: 'https://test.deribit.com/api/v2',
      wsUrl: 'ws://127.0.0.1:1/ws',
    });
    expect(resolveDeribitUrls('live', { restUrl: 'http://127.0.0.1:2/api/v2/' }).restBaseUrl).toBe('http://127.0.0.1:2/api/v2');
  });

  it('needs both URLs at runtime for sim', () => {
    expect(resolveDeribitUrls('sim', { restUrl: 'http://127.0.0.1:3/api/v2', wsUrl: 'ws://127.0.0.1:3/ws/api/v2' })).toEqual({
      restBaseUrl: 'http://127.0.0.1:3/api/v2',
      wsUrl: 'ws://127.0.0.1:3/ws/api/v2',
    });
    expect(() => resolveDeribitUrls('sim')).toThrow(ConfigError);
    expect(() => resolveDeribitUrls('sim', { restUrl: 'http://127.0.0.1:3/api/v2' })).toThrow(/deribit\.wsUrl is required/);
  });
});

describe('restMethodTarget', () => {
  it('returns the URL and the signed uri with the /api/v2 prefix', () => {
    expect(restMethodTarget('https://www.deribit.com/api/v2', 'private/get_account_summary', { currency: 'BTC' })).toEqual({
      url: 'https://www.deribit.com/api/v2/private/get_account_summary?currency=BTC',
      uriWithQuery: '/api/v2/private/get_account_summary?currency=BTC',
    });
    expect(restMethodTarget('http://127.0.0.1:4/api/v2/', 'private/get_positions')).toEqual({
      url: 'http://127.0.0.1:4/api/v2/private/get_positions',
      uriWithQuery: '/api/v2/private/get_positions',
    });
  });

  it('encodes query values in order', () => {
    expect(
      restMethodTarget('https://test.deribit.com/api/v2', 'public/get_instruments', { currency: 'BTC', kind: 'future', expired: false })
        .uriWithQuery,
    ).toBe('/api/v2/public/get_instruments?currency=BTC&kind=future&expired=false');
  });
});
