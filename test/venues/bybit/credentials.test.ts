/** Bybit credentials: the secret never shows in JSON, inspect, String or a pino line; empty values are refused by name. */
import { inspect } from 'node:util';

import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../../src/domain/errors.js';
import { BybitCredentials, bybitCredentialsFrom } from '../../../src/venues/bybit/credentials.js';
import { captureLogger } from '../../support/log-capture.js';

const SECRET = 'TESTSECRET0123456789abcdefghijklmnop';

describe('bybit credentials', () => {
  const c = new BybitCredentials('TESTKEY123456789AB', SECRET);

  it('never prints the secret', () => {
    for (const text of [JSON.stringify(c), inspect(c), String(c), `${c}`, JSON.stringify({ nested: c })]) {
      expect(text).not.toContain(SECRET);
      expect(text).toContain('[REDACTED]');
    }
    const log = captureLogger('debug');
    log.logger.info({ credentials: c }, 'x');
    expect(JSON.stringify(log.lines)).not.toContain(SECRET);
    expect(c.revealSecret()).toBe(SECRET);
  });

  it('refuses empty values naming the env vars', () => {
    expect(() => new BybitCredentials('', SECRET)).toThrow(ConfigError);
    expect(() => new BybitCredentials('k', ' ')).toThrow(/BYBIT_API_SECRET/);
  });

  it('is read from a secret group only when both are set', () => {
    expect(bybitCredentialsFrom({ apiKey: 'k' })).toBeUndefined();
    expect(bybitCredentialsFrom({ apiKey: 'k', apiSecret: 's' })?.apiKey).toBe('k');
  });
});
