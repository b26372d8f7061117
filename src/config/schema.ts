/**
 * The whole non-secret configuration, one strict zod schema (unknown keys are rejected).
 * Units are in key names. Each default is written here and nowhere else.
 * Venue sections come from the venue registry (src/venues/registry.ts).
 * Secrets never live here: they come from the environment (see secrets.ts).
 */
import { z } from 'zod';

import { MonitorConfigSchema } from '../monitor/config.js';
import { OrdersConfigSchema } from '../orders/config.js';
import { RiskConfigSchema } from '../risk/config.js';
import { StrategiesConfigSchema } from '../strategies/registry.js';
import { type RegisteredVenue, VENUE_ENTRIES } from '../venues/registry.js';

export { environmentSchema, venueBaseShape, type VenueEnvironment } from '../venues/section-schema.js';

/**
 * A venue whose adapter has not landed cannot be enabled: refusing it here makes the daemon and
 * `--check-config` agree, instead of a daemon that silently trades on fewer venues than configured.
 */
function requireAdapter(venue: string, title: string) {
  return (value: { enabled: boolean }, ctx: z.RefinementCtx): void => {
    if (value.enabled) {
      ctx.addIssue({
        code: 'custom',
        path: ['enabled'],
        message: `the ${title} adapter has not landed yet, so this venue cannot be enabled — set venues.${venue}.enabled to false`,
      });
    }
  };
}

/** One `venues.<name>` key per registry entry, each filled with its defaults when absent. */
type VenuesShape = { [E in RegisteredVenue as E['name']]: z.ZodPrefault<E['configSchema']> };

function venuesShape(): VenuesShape {
  const shape: Record<string, z.ZodType> = {};
  for (const entry of VENUE_ENTRIES) {
    const schema = entry.adapter ? entry.configSchema : entry.configSchema.superRefine(requireAdapter(entry.name, entry.title));
    shape[entry.name] = schema.prefault({});
  }
  // Built from the same list the type is mapped from, so every key and schema matches.
  return shape as VenuesShape;
}

const logLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const configSchema = z.strictObject({
  instanceName: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'use lowercase letters, digits and "-", at most 32 characters')
    .default('venue-daemon'),
  logging: z
    .strictObject({
      level: logLevelSchema.default('info'),
      /** Human-readable output on stdout (needs the pino-pretty dev dependency). */
      pretty: z.boolean().default(false),
      /** One status line (venues, open trades, last reconciliation, outbox) this often; 0 turns it off. */
      statusIntervalSecs: z.number().int().min(0).max(86_400).default(300),
      file: z
        .strictObject({
          enabled: z.boolean().default(true),
          dir: z.string().min(1).default('logs'),
          name: z.string().min(1).default('daemon.log'),
          maxSizeMb: z.number().positive().max(1024).default(20),
          maxFiles: z.number().int().min(1).max(100).default(5),
        })
        .prefault({}),
    })
    .prefault({}),
  store: z
    .strictObject({
      path: z.string().min(1).default('data/daemon.sqlite'),
    })
    .prefault({}),
  health: z
    .strictObject({
      enabled: z.boolean().default(true),
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65_535).default(8080),
      /** Event-loop lag above which /healthz answers 503. */
      maxEventLoopLagMs: z.number().int().min(10).default(2_000),
      /** /healthz answers 503 when the start-up reconciliation has not succeeded this long after start. */
      startupGraceMs: z.number().int().min(1_000).max(3_600_000).default(60_000),
      /** /healthz answers 503 when reconciliation has been failing for longer than this. */
      maxReconcileFailureMs: z.number().int().min(1_000).max(3_600_000).default(120_000),
    })
    .prefault({}),
  shutdown: z
    .strictObject({
      timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    })
    .prefault({}),
  telegram: z
    .strictObject({
      /** Chats allowed to send commands and receive alerts. */
      allowedChatIds: z.array(z.number().int()).default([]),
      /** Override of the Bot API root (tests point it at a local fake). */
      apiRoot: z.url().optional(),
      /** Users allowed to send commands (checked together with the chat: both must be listed). */
      allowedUserIds: z.array(z.number().int()).default([]),
      /** UTC hour (0-23) at which the daily report is sent, once a day. */
      dailyReportUtcHour: z.number().int().min(0).max(23).default(0),
      /** Unsent alerts kept in the outbox; beyond it info alerts are dropped (and counted), never critical ones. */
      maxPendingAlerts: z.number().int().min(10).max(100_000).default(1_000),
      /** Long-polling wait of getUpdates, in seconds. */
      pollTimeoutSecs: z.number().int().min(0).max(50).default(30),
      /** How long a confirm button (/kill, /close) stays valid. */
      confirmTimeoutMs: z.number().int().min(1_000).max(600_000).default(60_000),
    })
    .prefault({}),
  webhook: z
    .strictObject({
      /** Accept entry signals on POST /signal (secret: WEBHOOK_SECRET in .env). */
      enabled: z.boolean().default(false),
      /** Loopback by default: publish it through a TLS-terminating proxy, never bare. */
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65_535).default(8081),
    })
    .prefault({}),
  strategies: StrategiesConfigSchema.prefault({}),
  sim: z
    .strictObject({
      /** Annual volatility of the simulated index walk in sim mode (1.5 = 150 %: lively, so stops and targets get hit within minutes). */
      annualVolatility: z.number().positive().max(10).default(1.5),
      /** Seed of the simulated price walk; leave unset for a different day every start. */
      seed: z.number().int().min(0).optional(),
    })
    .prefault({}),
  orders: OrdersConfigSchema.prefault({}),
  monitor: MonitorConfigSchema.prefault({}),
  risk: RiskConfigSchema.prefault({}),
  venues: z.strictObject(venuesShape()).prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export { VENUE_NAMES, type VenueName } from '../venues/registry.js';
