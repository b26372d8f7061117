/** OKX endpoints per environment (live / demo with x-simulated-trading / sim) and REST targets with the signed requestPath. */
import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../../src/domain/errors.js';
import { OKX_ENDPOINTS, resolveOkxUrls, restTarget, wsUrlFor } from '../../../src/venues/okx/urls.js';

describe('okx urls', () => {
  it('live and demo: same REST host, demo header, wspap WS host', () => {
    const live = resolveOkxUrls('live');
    expect(live).toEqual(OKX_ENDPOINTS.live);
    expect(live.wsPrivateUrl).toBe('wss://ws.okx.com:8443/ws/v5/private');
    const demo = resolveOkxUrls('demo');
    expect(demo.restBaseUrl).toBe(live.restBaseUrl);
    expect(demo.restHeaders).toEqual({ 'x-simulated-trading': '1' });
    expect(demo.wsPublicUrl).toBe('wss://wspap.okx.com:8443/ws/v5/public');
    expect(demo.wsBusinessUrl).toBe('wss://wspap.okx.com:8443/ws/v5/business');
    expect(wsUrlFor(demo, 'private')).toBe('wss://wspap.okx.com:8443/ws/v5/private');
  });

  it('sim takes the simulator URLs and sends no demo header', () => {
    const sim = resolveOkxUrls('sim', { restUrl: 'http://127.0.0.1:9/', wsBaseUrl: 'ws://127.0.0.1:9/' });
    expect(sim).toEqual({
      restBaseUrl: 'http://127.0.0.1:9',
      wsPublicUrl: 'ws://127.0.0.1:9/ws/v5/public',
      wsPrivateUrl: 'ws://127.0.0.1:9/ws/v5/private',
      wsBusinessUrl: 'ws://127.0.0.1:9/ws/v5/business',
      restHeaders: {},
    });
    expect(() => resolveOkxUrls('sim', { restUrl: 'http://x' })).toThrow(ConfigError);
    expect(() => resolveOkxUrls('sim')).toThrow(/okx\.restUrl/);
  });

  it('overrides win over the environment', () => {
    expect(resolveOkxUrls('live', { restUrl: 'https://www.okx.com' }).restBaseUrl).toBe('https://www.okx.com');
    expect(resolveOkxUrls('demo', { wsPrivateUrl: 'wss://x/p' }).wsPrivateUrl).toBe('wss://x/p');
  });

  it('builds the requestPath exactly as sent, query in order', () => {
    expect(
      restTarget('https://openapi.okx.com/', '/api/v5/account/positions', { instType: 'SWAP', instId: 'BTC-USDT-SWAP', after: undefined }),
    ).toEqual({
      url: 'https://openapi.okx.com/api/v5/account/positions?instType=SWAP&instId=BTC-USDT-SWAP',
      requestPath: '/api/v5/account/positions?instType=SWAP&instId=BTC-USDT-SWAP',
    });
    expect(restTarget('https://openapi.okx.com', '/api/v5/public/time').requestPath).toBe('/api/v5/public/time');
  });
});
