/**
 * Config rules of the webhook entry source: WEBHOOK_SECRET required and long enough, never
 * printed.
 */
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/load.js';
import { maskSecrets } from '../../src/config/secrets.js';
import { ConfigError } from '../../src/domain/errors.js';
import { scratchDir } from '../support/daemon-process.js';

function load(config: Record<string, unknown>, env: Record<string, string>) {
  const { dir, configDir } = scratchDir(config);
  return loadConfig({ configDir, envFile: join(dir, '.env'), env });
}

function problems(config: Record<string, unknown>, env: Record<string, string> = {}): string[] {
  try {
    load(config, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).issues];
  }
  throw new Error('expected a ConfigError');
}

describe('webhook config', () => {
  it('is off by default, on loopback port 8081', () => {
    const { config } = load({}, {});
    expect(config.webhook).toEqual({ enabled: false, host: '127.0.0.1', port: 8081 });
  });

  it('enabled without WEBHOOK_SECRET names the variable and the fix', () => {
    expect(problems({ webhook: { enabled: true } })).toEqual([
      expect.stringMatching(/^webhook\.enabled: true but WEBHOOK_SECRET is not set — put a long random secret in \.env/),
    ]);
  });

  it('refuses a short secret', () => {
    expect(problems({ webhook: { enabled: true } }, { WEBHOOK_SECRET: 'short' })).toEqual([
      expect.stringMatching(/^WEBHOOK_SECRET: shorter than 16 characters/),
    ]);
  });

  it('takes the secret from the environment only and masks it in the printed config', () => {
    const secret = 'a-long-random-webhook-secret';
    const { config, secrets } = load({ webhook: { enabled: true } }, { WEBHOOK_SECRET: secret });
    expect(config.webhook.enabled).toBe(true);
    expect(JSON.stringify(config)).not.toContain(secret);
    expect(secrets.webhook.secret).toBe(secret);
    expect(JSON.stringify(maskSecrets(secrets))).not.toContain(secret);
  });
});
