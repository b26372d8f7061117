/**
 * Test harness: a simulated Deribit on port 0 and the real Deribit adapter pointed at it, with
 * fast timings.
 */
import type { Logger } from 'pino';

import type { VenueEvent } from '../../src/domain/events.js';
import type { Clock } from '../../src/domain/ports.js';
import { type DeribitSim, type DeribitSimOptions, startDeribitSim } from '../../src/sim/deribit/server.js';
import { createDeribitVenue, type DeribitConfig, DeribitConfigSchema, DeribitCredentials } from '../../src/venues/deribit/index.js';
import type { DeribitVenue } from '../../src/venues/deribit/venue.js';
import { type CapturedLogger, captureLogger } from './log-capture.js';
import { waitFor } from './wait.js';

export interface DeribitHarness {
  readonly sim: DeribitSim;
  readonly venue: DeribitVenue;
  readonly events: VenueEvent[];
  readonly log: CapturedLogger;
  /** The venue's clock: real time plus `offsetMs` (tests move it to pass expiries). */
  readonly clock: Clock & { offsetMs: number };
  /** Resolves with the first event (past or future) matching `predicate`. */
  event<E extends VenueEvent>(predicate: (e: VenueEvent) => e is E, timeoutMs?: number): Promise<E>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly sim?: DeribitSimOptions;
  /** Connect to this running simulator instead of starting one (`close()` then leaves it running). */
  readonly existingSim?: DeribitSim;
  readonly config?: Record<string, unknown>;
  /** Replace the key pair the adapter logs in with (bad-signature tests). */
  readonly credentials?: (sim: DeribitSim) => DeribitCredentials | undefined;
  readonly logger?: Logger;
  readonly connect?: boolean;
  readonly connectTimeoutMs?: number;
}

/** A simulated Deribit on port 0 and the real adapter pointed at it, with fast timings. */
export async function startDeribitHarness(options: HarnessOptions = {}): Promise<DeribitHarness> {
  const sim = options.existingSim ?? (await startDeribitSim({ heartbeatIntervalScale: 0.01, priceStepMs: 0, ...options.sim }));
  const log = captureLogger('debug');
  const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };
  const config: DeribitConfig = DeribitConfigSchema.parse({
    enabled: true,
    environment: 'sim',
    reconnectInitialDelayMs: 20,
    reconnectMaxDelayMs: 200,
    requestTimeoutMs: 2_000,
    loginTimeoutMs: 1_000,
    ...options.config,
  });
  const credentials = options.credentials
    ? options.credentials(sim)
    : new DeribitCredentials(sim.credentials.clientId, sim.credentials.clientSecret);
  const venue = createDeribitVenue({
    config,
    logger: options.logger ?? log.logger,
    clock,
    credentials,
    endpoints: { restUrl: sim.restUrl, wsUrl: sim.wsUrl },
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
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
