/**
 * The OKX adapter's public face: its venue registry entry (name, config schema, env vars,
 * credentials, simulator start, factory) and `createOkxVenue`, which builds a Venue from its
 * config section, credentials and endpoints (the simulator's in sim mode).
 */
import type { Logger } from 'pino';

import type { Clock, Venue } from '../../domain/ports.js';
import { defineVenue } from '../registry-entry.js';
import { VenueClock } from '../shared/clock-offset.js';
import { type OkxConfig, OkxConfigSchema } from './config.js';
import { OKX_API_KEY_ENV, OKX_API_PASSPHRASE_ENV, OKX_API_SECRET_ENV, OkxCredentials, okxCredentialsFrom } from './credentials.js';
import { OkxRestClient } from './rest-client.js';
import { resolveOkxUrls, wsUrlFor } from './urls.js';
import { OkxVenue } from './venue.js';
import { OkxWsClient } from './ws-client.js';

export { type OkxConfig, OkxConfigSchema } from './config.js';
export { OkxCredentials } from './credentials.js';
export type { OkxVenue } from './venue.js';

/** Where the adapter connects: the simulator's URLs in sim mode. */
export interface OkxEndpointsOverride {
  readonly restUrl: string;
  readonly wsPublicUrl: string;
  readonly wsPrivateUrl: string;
  readonly wsBusinessUrl: string;
}

export interface CreateOkxVenueOptions {
  readonly config: OkxConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly credentials?: OkxCredentials;
  readonly endpoints?: OkxEndpointsOverride;
  /** Test knobs. */
  readonly connectTimeoutMs?: number;
  /** Overrides `keepaliveIntervalMs` below the config's floor (tests with a scaled idle close). */
  readonly keepaliveIntervalMs?: number;
  readonly clockSyncIntervalMs?: number;
}

/** OKX's idle close is 30 s: ping well inside it unless the config says otherwise. */
const DEFAULT_KEEPALIVE_MS = 15_000;

export function createOkxVenue(options: CreateOkxVenueOptions): OkxVenue & Venue {
  const { config, logger, clock, credentials } = options;
  const urls = resolveOkxUrls(config.environment, {
    restUrl: options.endpoints?.restUrl ?? config.restUrl,
    wsBaseUrl: config.wsUrl,
    wsPublicUrl: options.endpoints?.wsPublicUrl ?? config.wsPublicUrl,
    wsPrivateUrl: options.endpoints?.wsPrivateUrl ?? config.wsPrivateUrl,
    wsBusinessUrl: options.endpoints?.wsBusinessUrl ?? config.wsBusinessUrl,
  });
  // Signatures carry the venue's time: the host clock plus the offset measured with public/time.
  const venueClock = new VenueClock(clock);
  const rest = new OkxRestClient({
    restBaseUrl: urls.restBaseUrl,
    restHeaders: urls.restHeaders,
    credentials,
    timeoutMs: config.requestTimeoutMs,
    logger,
    clock: venueClock.venue,
  });
  const keepaliveIntervalMs = options.keepaliveIntervalMs ?? config.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_MS;
  return new OkxVenue({
    config,
    logger,
    clock,
    credentials,
    rest,
    venueClock,
    connectTimeoutMs: options.connectTimeoutMs,
    clockSyncIntervalMs: options.clockSyncIntervalMs,
    ws: (hooks) =>
      new OkxWsClient({
        ...hooks,
        name: `okx.${hooks.kind}`,
        url: wsUrlFor(urls, hooks.kind),
        logger,
        clock: venueClock.venue,
        credentials,
        keepaliveIntervalMs,
        pongTimeoutMs: config.pongTimeoutMs,
        loginTimeoutMs: config.loginTimeoutMs,
        subscribeAckTimeoutMs: config.subscribeAckTimeoutMs,
        backoff: { initialDelayMs: config.reconnectInitialDelayMs, maxDelayMs: config.reconnectMaxDelayMs },
      }),
  });
}

/** OKX in the venue registry (src/venues/registry.ts). */
export const okxEntry = defineVenue({
  name: 'okx',
  title: 'OKX',
  configSchema: OkxConfigSchema,
  secretEnv: { apiKey: OKX_API_KEY_ENV, apiSecret: OKX_API_SECRET_ENV, passphrase: OKX_API_PASSPHRASE_ENV },
  adapter: {
    readCredentials(secrets): OkxCredentials | undefined {
      return okxCredentialsFrom(secrets);
    },
    async startSim(settings) {
      // Loaded on demand: the adapter shares no code with the simulator, it only starts it.
      // demo: false — in sim mode the adapter sends no x-simulated-trading header (urls.ts).
      const { startOkxSim } = await import('../../sim/okx/server.js');
      const vol = settings.annualVolatility;
      const sim = await startOkxSim({ host: '127.0.0.1', port: 0, seed: settings.seed, demo: false, volatility: { BTC: vol, ETH: vol } });
      return {
        endpoints: { restUrl: sim.restUrl, wsPublicUrl: sim.wsPublicUrl, wsPrivateUrl: sim.wsPrivateUrl, wsBusinessUrl: sim.wsBusinessUrl },
        credentials: new OkxCredentials(sim.credentials.apiKey, sim.credentials.secretKey, sim.credentials.passphrase),
        logFields: { rest: sim.restUrl, wsPublic: sim.wsPublicUrl, wsPrivate: sim.wsPrivateUrl, wsBusiness: sim.wsBusinessUrl },
        close: () => sim.close(),
      };
    },
    create: ({ config, logger, clock, credentials, endpoints }) => createOkxVenue({ config, logger, clock, credentials, endpoints }),
  },
});
