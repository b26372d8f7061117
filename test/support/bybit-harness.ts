/**
 * Test harness: a simulated Bybit on port 0 and the real Bybit adapter pointed at it, with fast
 * timings (the simulator's 20 s no-ping drop scaled down, the adapter's keepalive inside it,
 * prices frozen unless a test moves them).
 */
import type { Logger } from 'pino';

import type { VenueEvent } from '../../src/domain/events.js';
import type { Clock } from '../../src/domain/ports.js';
import { type BybitSim, type BybitSimOptions, startBybitSim } from '../../src/sim/bybit/server.js';
import { type BybitConfig, BybitConfigSchema, BybitCredentials, createBybitVenue } from '../../src/venues/bybit/index.js';
import type { BybitVenue } from '../../src/venues/bybit/venue.js';
import { type CapturedLogger, captureLogger } from './log-capture.js';
import { waitFor } from './wait.js';

export interface BybitHarness {
  readonly sim: BybitSim;
  readonly venue: BybitVenue;
  readonly events: VenueEvent[];
  readonly log: CapturedLogger;
  readonly clock: Clock & { offsetMs: number };
  /** Resolves with the first event (past or future) matching `predicate`. */
  event<E extends VenueEvent>(predicate: (e: VenueEvent) => e is E, timeoutMs?: number): Promise<E>;
  close(): Promise<void>;
}

export interface BybitHarnessOptions {
  readonly sim?: BybitSimOptions;
  /** Connect to this running simulator instead of starting one (`close()` then leaves it running). */
  readonly existingSim?: BybitSim;
  readonly config?: Record<string, unknown>;
  /** Replace the key the adapter authenticates with (bad-auth tests). */
  readonly credentials?: (sim: BybitSim) => BybitCredentials | undefined;
  readonly logger?: Logger;
  readonly connect?: boolean;
  readonly connectTimeoutMs?: number;
  /** Adapter keepalive (default 100 ms, inside the scaled 200 ms no-ping drop). */
  readonly keepaliveIntervalMs?: number;
}

/** A simulated Bybit on port 0 (no-ping drop scaled to 200 ms, prices frozen) and the real adapter pointed at it. */
export async function startBybitHarness(options: BybitHarnessOptions = {}): Promise<BybitHarness> {
  const sim = options.existingSim ?? (await startBybitSim({ priceStepMs: 0, timeScale: 0.01, ...options.sim }));
  const log = captureLogger('debug');
  const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };
  const config: BybitConfig = BybitConfigSchema.parse({
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
    : new BybitCredentials(sim.credentials.apiKey, sim.credentials.apiSecret);
  const venue = createBybitVenue({
    config,
    logger: options.logger ?? log.logger,
    clock,
    credentials,
    endpoints: {
      restUrl: sim.restUrl,
      wsPublicLinearUrl: sim.wsPublicLinearUrl,
      wsPublicInverseUrl: sim.wsPublicInverseUrl,
      wsPrivateUrl: sim.wsPrivateUrl,
      wsTradeUrl: sim.wsTradeUrl,
    },
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
