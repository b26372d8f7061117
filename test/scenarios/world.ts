/**
 * What every scenario suite needs per test: a fresh venue from the fixture, services wired on it,
 * scratch store files, and everything torn down after the test.
 */
import { join } from 'node:path';

import { afterEach } from 'vitest';

import type { TradeIntent } from '../../src/orders/validation.js';
import { longIntent, scratchDir, type ServiceOptions, type Services, startServices } from '../orders/harness.js';
import { scenarioSymbols, type ScenarioVenue, type ScenarioVenueFactory } from './venue-fixture.js';

export interface ScenarioWorld {
  /** A fresh venue, and intents aimed at it. */
  venue(): Promise<{ fx: ScenarioVenue; intent: (overrides?: Partial<TradeIntent>) => TradeIntent }>;
  /** Services on `fx`, stopped after the test. */
  services(fx: ScenarioVenue, options?: ServiceOptions): Promise<Services>;
  /** A store file in a scratch folder removed after the test (for restart scenarios). */
  storeFile(): string;
}

/** Call inside a `describe`: registers the teardown and returns the per-test helpers. */
export function useScenarioWorld(factory: ScenarioVenueFactory): ScenarioWorld {
  let fx: ScenarioVenue | undefined;
  const running: Services[] = [];
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    for (const s of running.splice(0)) await s.stop().catch(() => undefined);
    for (const c of cleanups.splice(0)) c();
    await fx?.close();
    fx = undefined;
  });
  return {
    async venue() {
      const f = await factory.create();
      fx = f;
      return {
        fx: f,
        intent: (o = {}) =>
          longIntent({
            venue: f.venue.id,
            symbol: scenarioSymbols(factory).symbol,
            size: { unit: 'venue', value: scenarioSymbols(factory).Q('1000') },
            ...o,
          }),
      };
    },
    async services(f, options = {}) {
      const s = await startServices(f.venue, options);
      running.push(s);
      return s;
    },
    storeFile() {
      const dir = scratchDir();
      cleanups.push(dir.cleanup);
      return join(dir.path, 'daemon.sqlite');
    },
  };
}
