/** Bybit environments → endpoints (bybit.md section 1): live, testnet, demo (no trade WS, mainnet public), sim from the simulator; overrides win. */
import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../../src/domain/errors.js';
import { resolveBybitUrls, restTarget, wsUrlFor } from '../../../src/venues/bybit/urls.js';

describe('bybit urls', () => {
  it('live', () => {
    const e = resolveBybitUrls('live');
    expect(e).toEqual({
      restBaseUrl: 'https://api.bybit.com',
      wsPublicLinearUrl: 'wss://stream.bybit.com/v5/public/linear',
      wsPublicInverseUrl: 'wss://stream.bybit.com/v5/public/inverse',
      wsPrivateUrl: 'wss://stream.bybit.com/v5/private',
      wsTradeUrl: 'wss://stream.bybit.com/v5/trade',
    });
  });

  it('testnet', () => {
    const e = resolveBybitUrls('testnet');
    expect(e.restBaseUrl).toBe('https://api-testnet.bybit.com');
    expect(e.wsPublicLinearUrl).toBe('wss://stream-testnet.bybit.com/v5/public/linear');
    expect(e.wsPublicInverseUrl).toBe('wss://stream-testnet.bybit.com/v5/public/inverse');
    expect(e.wsPrivateUrl).toBe('wss://stream-testnet.bybit.com/v5/private');
    expect(e.wsTradeUrl).toBe('wss://stream-testnet.bybit.com/v5/trade');
  });

  it('demo: REST and private on the demo hosts, public from mainnet, no trade stream', () => {
    const e = resolveBybitUrls('demo');
    expect(e.restBaseUrl).toBe('https://api-demo.bybit.com');
    expect(e.wsPrivateUrl).toBe('wss://stream-demo.bybit.com/v5/private');
    expect(e.wsPublicLinearUrl).toBe('wss://stream.bybit.com/v5/public/linear');
    expect(e.wsTradeUrl).toBeUndefined();
    expect(wsUrlFor(e, 'trade')).toBeUndefined();
  });

  it('sim needs the simulator URLs, naming the missing keys', () => {
    expect(() => resolveBybitUrls('sim')).toThrow(ConfigError);
    try {
      resolveBybitUrls('sim', { restUrl: 'http://127.0.0.1:1' });
    } catch (err) {
      expect((err as ConfigError).issues.join('\n')).toContain('bybit.wsPrivateUrl');
    }
    const e = resolveBybitUrls('sim', { restUrl: 'http://127.0.0.1:9/', wsBaseUrl: 'ws://127.0.0.1:9' });
    expect(e.restBaseUrl).toBe('http://127.0.0.1:9');
    expect(e.wsPublicInverseUrl).toBe('ws://127.0.0.1:9/v5/public/inverse');
    expect(wsUrlFor(e, 'private')).toBe('ws://127.0.0.1:9/v5/private');
    expect(wsUrlFor(e, 'publicLinear')).toBe('ws://127.0.0.1:9/v5/public/linear');
    expect(wsUrlFor(e, 'trade')).toBe('ws://127.0.0.1:9/v5/trade');
  });

  it('explicit overrides win', () => {
    const e = resolveBybitUrls('live', { restUrl: 'https://api.bytick.com', wsPrivateUrl: 'wss://x/v5/private?max_active_time=2m' });
    expect(e.restBaseUrl).toBe('https://api.bytick.com');
    expect(e.wsPrivateUrl).toBe('wss://x/v5/private?max_active_time=2m');
  });

  it('builds the query string the signature covers', () => {
    expect(restTarget('https://api.bybit.com', '/v5/order/realtime', { category: 'linear', symbol: 'BTCUSDT', cursor: undefined })).toEqual(
      {
        url: 'https://api.bybit.com/v5/order/realtime?category=linear&symbol=BTCUSDT',
        queryString: 'category=linear&symbol=BTCUSDT',
      },
    );
    expect(restTarget('https://api.bybit.com', '/v5/market/time').queryString).toBe('');
  });
});
