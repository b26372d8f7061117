/**
 * Registry entries of the venues whose adapters have not landed yet (no `adapter`): their config
 * sections and env var names are public already, so they are validated and masked, but enabling
 * one is a config error. When a venue's adapter lands, its entry moves to `src/venues/<name>/index.ts`.
 */
import { z } from 'zod';

import { defineVenue } from './registry-entry.js';
import { requireLiveOptIn, venueBaseShape } from './section-schema.js';

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
