/**
 * Test harness: a simulated OKX on port 0 and the real OKX adapter pointed at it, with fast
 * timings (the simulator's 30 s idle close scaled down, the adapter's keepalive inside it).
 */
import type { Logger } from 'pino';

import type { VenueEvent } from '../../src/domain/events.js';
import type { Clock } from '../../src/domain/ports.js';
import { type OkxSim, type OkxSimOptions, startOkxSim } from '../../src/sim/okx/server.js';
import { createOkxVenue, type OkxConfig, OkxConfigSchema, OkxCredentials } from '../../src/venues/okx/index.js';
import type { OkxVenue } from '../../src/venues/okx/venue.js';
import { type CapturedLogger, captureLogger } from './log-capture.js';
import { waitFor } from './wait.js';

export interface OkxHarness {
  readonly sim: OkxSim;
  readonly venue: OkxVenue;
  readonly events: VenueEvent[];
  readonly log: CapturedLogger;
  readonly clock: Clock & { offsetMs: number };
  /** Resolves with the first event (past or future) matching `predicate`. */
  event<E extends VenueEvent>(predicate: (e: VenueEvent) => e is E, timeoutMs?: number): Promise<E>;
  close(): Promise<void>;
}

export interface OkxHarnessOptions {
  readonly sim?: OkxSimOptions;
  /** Connect to this running simulator instead of starting one (`close()` then leaves it running). */
  readonly existingSim?: OkxSim;
  readonly config?: Record<string, unknown>;
  /** Replace the key the adapter logs in with (bad-login tests). */
  readonly credentials?: (sim: OkxSim) => OkxCredentials | undefined;
  readonly logger?: Logger;
  readonly connect?: boolean;
  readonly connectTimeoutMs?: number;
  /** Adapter keepalive (default 100 ms, inside the scaled 300 ms idle close). */
  readonly keepaliveIntervalMs?: number;
}

/** A simulated OKX on port 0 (idle close scaled to 300 ms, prices frozen) and the real adapter pointed at it. */
export async function startOkxHarness(options: OkxHarnessOptions = {}): Promise<OkxHarness> {
  const sim = options.existingSim ?? (await startOkxSim({ priceStepMs: 0, timeScale: 0.01, demo: false, ...options.sim }));
  const log = captureLogger('debug');
  const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };
  const config: OkxConfig = OkxConfigSchema.parse({
    enabled: true,
    environment: 'sim',
    reconnectInitialDelayMs: 20,
    reconnectMaxDelayMs: 200,
    requestTimeoutMs: 2_000,
    loginTimeoutMs: 1_000,
    pongTimeoutMs: 1_000,
    subscribeAckTimeoutMs: 1_000,
    ...options.config,
  });
  const credentials = options.credentials
    ? options.credentials(sim)
    : new OkxCredentials(sim.credentials.apiKey, sim.credentials.secretKey, sim.credentials.passphrase);
  const venue = createOkxVenue({
    config,
    logger: options.logger ?? log.logger,
    clock,
    credentials,
    endpoints: { restUrl: sim.restUrl, wsPublicUrl: sim.wsPublicUrl, wsPrivateUrl: sim.wsPrivateUrl, wsBusinessUrl: sim.wsBusinessUrl },
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
    keepaliveIntervalMs: options.keepaliveIntervalMs ?? 100,
  });
  const events: VenueEvent[] = [];
  venue.subscribe((e) => events.push(e));
  if (options.connect !== false) await venue.connect();
  return {
    sim,
    venue,
    events,
    log,
    clock,
    event: (predicate, timeoutMs = 3_000) => waitFor(() => events.find(predicate), { timeoutMs, message: 'venue event' }) as Promise<never>,
    async close() {
      await venue.disconnect();
      if (!options.existingSim) await sim.close();
    },
  };
}
