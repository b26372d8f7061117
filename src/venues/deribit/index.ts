/**
 * The Deribit adapter's public face: its venue registry entry (name, config schema, env vars,
 * credentials, simulator start, factory) and `createDeribitVenue`, which builds a Venue from its
 * config section, credentials and endpoints (the simulator's in sim mode).
 */
import type { Logger } from 'pino';

import type { Clock, Venue } from '../../domain/ports.js';
import { defineVenue } from '../registry-entry.js';
import { VenueClock } from '../shared/clock-offset.js';
import { type DeribitConfig, DeribitConfigSchema } from './config.js';
import { DERIBIT_CLIENT_ID_ENV, DERIBIT_CLIENT_SECRET_ENV, DeribitCredentials } from './credentials.js';
import { DeribitRestClient } from './rest-client.js';
import { resolveDeribitUrls } from './urls.js';
import { DeribitVenue } from './venue.js';
import { DeribitWsClient } from './ws-client.js';

export { type DeribitConfig, DeribitConfigSchema } from './config.js';
export { credentialsFromEnv, DeribitCredentials } from './credentials.js';
export type { DeribitVenue } from './venue.js';

export interface CreateDeribitVenueOptions {
  readonly config: DeribitConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly credentials?: DeribitCredentials;
  /** Endpoints that win over the config (the simulator's, in sim mode). */
  readonly endpoints?: DeribitEndpoints;
  /** Test knobs. */
  readonly silenceTimeoutMs?: number;
  readonly expiryCheckIntervalMs?: number;
  readonly connectTimeoutMs?: number;
  /** Overrides `clockSyncIntervalSecs` (tests). */
  readonly clockSyncIntervalMs?: number;
}

export function createDeribitVenue(options: CreateDeribitVenueOptions): DeribitVenue & Venue {
  const { config, logger, clock, credentials } = options;
  const urls = resolveDeribitUrls(config.environment, {
    restUrl: options.endpoints?.restUrl ?? config.restUrl,
    wsUrl: options.endpoints?.wsUrl ?? config.wsUrl,
  });
  // Signatures carry the venue's time: the host clock plus the offset the venue measures.
  const venueClock = new VenueClock(clock);
  const rest = new DeribitRestClient({
    restBaseUrl: urls.restBaseUrl,
    credentials,
    timeoutMs: config.requestTimeoutMs,
    logger,
    clock: venueClock.venue,
  });
  return new DeribitVenue({
    config,
    logger,
    clock,
    venueClock,
    credentials,
    rest,
    clockSyncIntervalMs: options.clockSyncIntervalMs,
    expiryCheckIntervalMs: options.expiryCheckIntervalMs,
    connectTimeoutMs: options.connectTimeoutMs,
    ws: (hooks) =>
      new DeribitWsClient({
        name: hooks.name,
        wsUrl: urls.wsUrl,
        logger,
        clock: venueClock.venue,
        credentials,
        sessionName: config.sessionName,
        heartbeatIntervalSecs: config.heartbeatIntervalSecs,
        silenceTimeoutMs: options.silenceTimeoutMs,
        requestTimeoutMs: config.requestTimeoutMs,
        loginTimeoutMs: config.loginTimeoutMs,
        subscribeBatchSize: config.optionSubscriptionBatchSize,
        backoff: { initialDelayMs: config.reconnectInitialDelayMs, maxDelayMs: config.reconnectMaxDelayMs },
        channelsToRestore: hooks.channelsToRestore,
        onNotification: hooks.onNotification,
        onRestored: hooks.onRestored,
        beforeSubscribe: hooks.beforeSubscribe,
        beforeLogin: hooks.beforeLogin,
      }),
  });
}

/** Where the adapter connects: the simulator's URLs in sim mode. */
export interface DeribitEndpoints {
  readonly restUrl: string;
  readonly wsUrl: string;
}

/** Deribit in the venue registry (src/venues/registry.ts). */
export const deribitEntry = defineVenue({
  name: 'deribit',
  title: 'Deribit',
  configSchema: DeribitConfigSchema,
  secretEnv: { clientId: DERIBIT_CLIENT_ID_ENV, clientSecret: DERIBIT_CLIENT_SECRET_ENV },
  adapter: {
    readCredentials(secrets): DeribitCredentials | undefined {
      const { clientId, clientSecret } = secrets;
      return clientId && clientSecret ? new DeribitCredentials(clientId, clientSecret) : undefined;
    },
    async startSim(settings) {
      // Loaded on demand: the adapter shares no code with the simulator, it only starts it.
      const { startDeribitSim } = await import('../../sim/deribit/server.js');
      const vol = settings.annualVolatility;
      const sim = await startDeribitSim({
        host: '127.0.0.1',
        port: 0,
        seed: settings.seed,
        engine: { volatility: { BTC: vol, ETH: vol } },
      });
      return {
        endpoints: { restUrl: sim.restUrl, wsUrl: sim.wsUrl },
        credentials: new DeribitCredentials(sim.credentials.clientId, sim.credentials.clientSecret),
        logFields: { rest: sim.restUrl, ws: sim.wsUrl },
        close: () => sim.close(),
      };
    },
    create: ({ config, logger, clock, credentials, endpoints }) => createDeribitVenue({ config, logger, clock, credentials, endpoints }),
  },
});
