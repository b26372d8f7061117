/**
 * The Deribit adapter's only export: build a Venue from its config section, credentials and
 * endpoints (the simulator's in sim mode).
 */
import type { Logger } from 'pino';
import type { Clock, Venue } from '../../domain/ports.js';
import type { DeribitConfig } from './config.js';
import type { DeribitCredentials } from './credentials.js';
import { DeribitRestClient } from './rest-client.js';
import { VenueClock } from '../shared/clock-offset.js';
import { resolveDeribitUrls } from './urls.js';
import { DeribitVenue } from './venue.js';
import { DeribitWsClient } from './ws-client.js';

export { DeribitConfigSchema, type DeribitConfig } from './config.js';
export { DeribitCredentials, credentialsFromEnv } from './credentials.js';
export type { DeribitVenue } from './venue.js';

export interface CreateDeribitVenueOptions {
  readonly config: DeribitConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly credentials?: DeribitCredentials;
  /** Endpoints that win over the config (the simulator's, in sim mode). */
  readonly endpoints?: { readonly restUrl: string; readonly wsUrl: string };
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
  const rest = new DeribitRestClient({ restBaseUrl: urls.restBaseUrl, credentials, timeoutMs: config.requestTimeoutMs, logger, clock: venueClock.venue });
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
