/**
 * The Bybit adapter's public face: its venue registry entry (name, config schema, env vars,
 * credentials, simulator start, factory) and `createBybitVenue`, which builds a Venue from its
 * config section, credentials and endpoints (the simulator's in sim mode).
 */
import type { Logger } from 'pino';

import type { Clock, Venue } from '../../domain/ports.js';
import { defineVenue } from '../registry-entry.js';
import { VenueClock } from '../shared/clock-offset.js';
import type { Timers } from '../shared/timers.js';
import { type BybitConfig, BybitConfigSchema } from './config.js';
import { BYBIT_API_KEY_ENV, BYBIT_API_SECRET_ENV, BybitCredentials, bybitCredentialsFrom } from './credentials.js';
import { BybitRestClient } from './rest-client.js';
import { resolveBybitUrls, wsUrlFor } from './urls.js';
import { BybitVenue } from './venue.js';
import { BybitWsClient } from './ws-client.js';

export { type BybitConfig, type BybitConfigInput, BybitConfigSchema } from './config.js';
export { BYBIT_API_KEY_ENV, BYBIT_API_SECRET_ENV, BybitCredentials } from './credentials.js';
export type { BybitVenue } from './venue.js';

/** Where the adapter connects: the simulator's URLs in sim mode. */
export interface BybitEndpointsOverride {
  readonly restUrl: string;
  readonly wsPublicLinearUrl: string;
  readonly wsPublicInverseUrl: string;
  readonly wsPrivateUrl: string;
  readonly wsTradeUrl?: string;
}

export interface CreateBybitVenueOptions {
  readonly config: BybitConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly credentials?: BybitCredentials;
  readonly endpoints?: BybitEndpointsOverride;
  /** Test knobs. */
  readonly connectTimeoutMs?: number;
  /** Overrides `keepaliveIntervalMs` below the config's floor (tests with a scaled idle close). */
  readonly keepaliveIntervalMs?: number;
  readonly clockSyncIntervalMs?: number;
  /** Fake timers for the sockets' keepalive, deadlines and backoff (tests). */
  readonly timers?: Timers;
}

/** Bybit's docs recommend a ping every 20 s; the project pings every 15 s unless the config says otherwise. */
const DEFAULT_KEEPALIVE_MS = 15_000;

export function createBybitVenue(options: CreateBybitVenueOptions): BybitVenue & Venue {
  const { config, logger, clock, credentials } = options;
  const urls = resolveBybitUrls(config.environment, {
    restUrl: options.endpoints?.restUrl ?? config.restUrl,
    wsBaseUrl: config.wsUrl,
    wsPublicLinearUrl: options.endpoints?.wsPublicLinearUrl ?? config.wsPublicLinearUrl,
    wsPublicInverseUrl: options.endpoints?.wsPublicInverseUrl ?? config.wsPublicInverseUrl,
    wsPrivateUrl: options.endpoints?.wsPrivateUrl ?? config.wsPrivateUrl,
    wsTradeUrl: options.endpoints?.wsTradeUrl ?? config.wsTradeUrl,
  });
  // Signatures carry the venue's time: the host clock plus the offset measured with market/time.
  const venueClock = new VenueClock(clock);
  const rest = new BybitRestClient({
    restBaseUrl: urls.restBaseUrl,
    credentials,
    timeoutMs: config.requestTimeoutMs,
    recvWindowMs: config.recvWindowMs,
    logger,
    clock: venueClock.venue,
  });
  const keepaliveIntervalMs = options.keepaliveIntervalMs ?? config.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_MS;
  return new BybitVenue({
    config,
    logger,
    clock,
    credentials,
    rest,
    venueClock,
    connectTimeoutMs: options.connectTimeoutMs,
    clockSyncIntervalMs: options.clockSyncIntervalMs,
    ws: (hooks) => {
      const url = wsUrlFor(urls, hooks.kind);
      if (url === undefined) {
        if (hooks.kind === 'trade')
          logger.warn(
            { environment: config.environment },
            'bybit trade socket requested but this environment has none (demo); orders go over REST',
          );
        return undefined;
      }
      return new BybitWsClient({
        ...hooks,
        name: `bybit.${hooks.kind}`,
        url,
        logger,
        clock: venueClock.venue,
        credentials,
        keepaliveIntervalMs,
        pongTimeoutMs: config.pongTimeoutMs,
        loginTimeoutMs: config.loginTimeoutMs,
        subscribeAckTimeoutMs: config.subscribeAckTimeoutMs,
        authExpiresInMs: config.authExpiresInMs,
        backoff: { initialDelayMs: config.reconnectInitialDelayMs, maxDelayMs: config.reconnectMaxDelayMs },
        ...(options.timers === undefined ? {} : { timers: options.timers }),
      });
    },
  });
}

/** Bybit in the venue registry (src/venues/registry.ts). */
export const bybitEntry = defineVenue({
  name: 'bybit',
  title: 'Bybit',
  configSchema: BybitConfigSchema,
  secretEnv: { apiKey: BYBIT_API_KEY_ENV, apiSecret: BYBIT_API_SECRET_ENV },
  adapter: {
    readCredentials(secrets): BybitCredentials | undefined {
      return bybitCredentialsFrom(secrets);
    },
    async startSim(settings) {
      // Loaded on demand: the adapter shares no code with the simulator, it only starts it.
      const { startBybitSim } = await import('../../sim/bybit/server.js');
      const vol = settings.annualVolatility;
      const sim = await startBybitSim({ host: '127.0.0.1', port: 0, seed: settings.seed, volatility: { BTC: vol, ETH: vol } });
      return {
        endpoints: {
          restUrl: sim.restUrl,
          wsPublicLinearUrl: sim.wsPublicLinearUrl,
          wsPublicInverseUrl: sim.wsPublicInverseUrl,
          wsPrivateUrl: sim.wsPrivateUrl,
          wsTradeUrl: sim.wsTradeUrl,
        },
        credentials: new BybitCredentials(sim.credentials.apiKey, sim.credentials.apiSecret),
        logFields: { rest: sim.restUrl, wsPublicLinear: sim.wsPublicLinearUrl, wsPrivate: sim.wsPrivateUrl },
        close: () => sim.close(),
      };
    },
    create: ({ config, logger, clock, credentials, endpoints }) => createBybitVenue({ config, logger, clock, credentials, endpoints }),
  },
});
