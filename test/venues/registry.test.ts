/** The venue registry: one entry per venue, and the config, secrets and start-up built from it. */
import { readFileSync } from 'node:fs';

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { configSchema } from '../../src/config/schema.js';
import { readSecrets, SECRET_ENV_VARS } from '../../src/config/secrets.js';
import { systemClock } from '../../src/domain/ports.js';
import { registryFactories } from '../../src/runtime/venues.js';
import { MemoryVenue } from '../../src/venues/memory/index.js';
import { isAvailable, VENUE_ENTRIES, VENUE_NAMES } from '../../src/venues/registry.js';
import { defineVenue } from '../../src/venues/registry-entry.js';

const silent = pino({ level: 'silent' });

describe('venue registry', () => {
  it('lists deribit, okx and bybit in start-up order; all three have adapters', () => {
    expect(VENUE_NAMES).toEqual(['deribit', 'okx', 'bybit']);
    expect(VENUE_ENTRIES.filter(isAvailable).map((e) => e.name)).toEqual(['deribit', 'okx', 'bybit']);
  });

  it('gives the config one section per entry', () => {
    const config = configSchema.parse({});
    expect(Object.keys(config.venues)).toEqual(VENUE_NAMES);
  });

  it('names every secret env var in .env.example', () => {
    const example = readFileSync('.env.example', 'utf8');
    for (const name of Object.keys(SECRET_ENV_VARS)) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
    expect(Object.keys(SECRET_ENV_VARS)).toEqual([
      'DERIBIT_CLIENT_ID',
      'DERIBIT_CLIENT_SECRET',
      'OKX_API_KEY',
      'OKX_API_SECRET',
      'OKX_API_PASSPHRASE',
      'BYBIT_API_KEY',
      'BYBIT_API_SECRET',
      'TELEGRAM_BOT_TOKEN',
      'WEBHOOK_SECRET',
    ]);
  });

  it('reads each venue secret group from its entry', () => {
    const secrets = readSecrets({ OKX_API_PASSPHRASE: ' pass ', DERIBIT_CLIENT_ID: 'id' });
    expect(secrets.okx).toEqual({ apiKey: undefined, apiSecret: undefined, passphrase: 'pass' });
    expect(secrets.deribit).toEqual({ clientId: 'id', clientSecret: undefined });
    expect(Object.keys(secrets)).toEqual(['deribit', 'okx', 'bybit', 'telegram', 'webhook']);
  });
});

describe('registryFactories', () => {
  const stopped: string[] = [];
  const fake = defineVenue({
    name: 'fake',
    title: 'Fake',
    configSchema: z.strictObject({ enabled: z.boolean(), environment: z.enum(['sim', 'live']) }),
    secretEnv: { key: 'FAKE_KEY' },
    adapter: {
      readCredentials: (s) => s.key,
      startSim: async (settings) => ({
        endpoints: `sim-${settings.seed}`,
        credentials: 'sim-key',
        logFields: { url: 'ws://127.0.0.1' },
        close: async () => {
          stopped.push('fake');
        },
      }),
      create: ({ credentials, endpoints }) => new MemoryVenue({ id: `fake:${String(credentials)}:${String(endpoints)}` }),
    },
  });

  it('starts the simulator in sim mode and points the adapter at it', async () => {
    const factories = registryFactories({
      entries: [fake],
      sections: { fake: { enabled: true, environment: 'sim' } },
      secrets: { fake: { key: 'real-key' } },
      sim: { annualVolatility: 1, seed: 7 },
      clock: systemClock,
    });
    const built = await factories.fake?.('fake', silent);
    expect(built?.venue.id).toBe('fake:sim-key:sim-7');
    await built?.stopSim?.();
    expect(stopped).toEqual(['fake']);
  });

  it('uses the credentials from the secrets outside sim mode, with no simulator', async () => {
    const factories = registryFactories({
      entries: [fake],
      sections: { fake: { enabled: true, environment: 'live' } },
      secrets: { fake: { key: 'real-key' } },
      sim: { annualVolatility: 1 },
      clock: systemClock,
    });
    const built = await factories.fake?.('fake', silent);
    expect(built?.venue.id).toBe('fake:real-key:undefined');
    expect(built?.stopSim).toBeUndefined();
  });

  it('has no factory for an entry without an adapter', () => {
    // Every registered venue has an adapter now; a planned entry (no adapter) gets no factory.
    const planned = defineVenue({
      name: 'planned',
      title: 'Planned',
      configSchema: z.strictObject({ enabled: z.boolean(), environment: z.enum(['sim', 'live']) }),
      secretEnv: { key: 'PLANNED_KEY' },
    });
    const factories = registryFactories({
      entries: [...VENUE_ENTRIES, planned],
      sections: {
        deribit: { enabled: true, environment: 'sim' },
        okx: { enabled: false, environment: 'sim' },
        bybit: { enabled: false, environment: 'sim' },
        planned: { enabled: false, environment: 'sim' },
      },
      secrets: {},
      sim: { annualVolatility: 1 },
      clock: systemClock,
    });
    expect(Object.keys(factories)).toEqual(['deribit', 'okx', 'bybit', 'planned']);
    expect(factories.deribit).toBeTypeOf('function');
    expect(factories.bybit).toBeTypeOf('function');
    expect(factories.planned).toBeUndefined();
  });
});
