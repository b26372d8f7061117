/**
 * Registry entries of the venues whose adapters have not landed yet (no `adapter`): their config
 * sections and env var names are public already, so they are validated and masked, but enabling
 * one is a config error. When a venue's adapter lands, its entry moves to `src/venues/<name>/index.ts`.
 */
import { z } from 'zod';
import { defineVenue } from './registry-entry.js';
import { requireLiveOptIn, venueBaseShape } from './section-schema.js';

export const okxPlannedEntry = defineVenue({
  name: 'okx',
  title: 'OKX',
  configSchema: z
    .strictObject({
      ...venueBaseShape,
      environment: z.enum(['sim', 'demo', 'live']).default('sim'),
    })
    .superRefine(requireLiveOptIn('okx')),
  secretEnv: { apiKey: 'OKX_API_KEY', apiSecret: 'OKX_API_SECRET', passphrase: 'OKX_API_PASSPHRASE' },
});

export const bybitPlannedEntry = defineVenue({
  name: 'bybit',
  title: 'Bybit',
  configSchema: z
    .strictObject({
      ...venueBaseShape,
      environment: z.enum(['sim', 'testnet', 'demo', 'live']).default('sim'),
    })
    .superRefine(requireLiveOptIn('bybit')),
  secretEnv: { apiKey: 'BYBIT_API_KEY', apiSecret: 'BYBIT_API_SECRET' },
});
