/**
 * Starting the enabled venues: a factory per venue registry entry (its simulator in sim mode, else
 * its credentials), then build each enabled venue, connect in the background, and watch the
 * tickers its own config section asks for. Venue-neutral: no venue is named here.
 */
import type { Logger } from 'pino';

import type { Clock, Venue } from '../domain/ports.js';
import type { AnyVenueEntry, SecretGroup, VenueSectionBase } from '../venues/registry-entry.js';
import { StartupError } from './paths.js';

/** The part of a `venues.<venue>` config section this module reads. */
export type VenueSection = VenueSectionBase;

/** What a factory returns: the venue, and how to stop its in-process simulator (sim mode). */
export interface BuiltVenue {
  readonly venue: Venue;
  readonly stopSim?: () => Promise<void>;
}

export type VenueFactory = (name: string, logger: Logger) => Promise<BuiltVenue>;

export interface RunningVenue {
  readonly venue: Venue;
  readonly environment: string;
  readonly stopSim?: () => Promise<void>;
}

export interface RegistryFactoriesOptions {
  /** The venue registry (src/venues/registry.ts). */
  readonly entries: readonly AnyVenueEntry[];
  /** `config.venues`: one section per venue name. */
  readonly sections: Readonly<Record<string, VenueSection>>;
  /** The secrets read from the environment: one group per venue name. */
  readonly secrets: Readonly<Record<string, SecretGroup<string>>>;
  /** The `sim` config section; an unset seed is drawn at random per simulator start. */
  readonly sim: { readonly annualVolatility: number; readonly seed?: number };
  readonly clock: Clock;
}

/**
 * The factory of every registry entry whose adapter has landed. In `sim` mode the venue's
 * simulator starts in-process on loopback and the real adapter is pointed at it.
 */
export function registryFactories(options: RegistryFactoriesOptions): Record<string, VenueFactory | undefined> {
  const out: Record<string, VenueFactory | undefined> = {};
  for (const entry of options.entries) {
    const adapter = entry.adapter;
    const section = options.sections[entry.name];
    if (!adapter || !section) {
      out[entry.name] = undefined;
      continue;
    }
    out[entry.name] = async (name, log) => {
      let credentials = adapter.readCredentials(options.secrets[entry.name] ?? {});
      let endpoints: unknown;
      let stopSim: (() => Promise<void>) | undefined;
      if (section.environment === 'sim') {
        const seed = options.sim.seed ?? Math.floor(Math.random() * 2 ** 31);
        const sim = await adapter.startSim({ seed, annualVolatility: options.sim.annualVolatility }, log);
        credentials = sim.credentials;
        endpoints = sim.endpoints;
        stopSim = () => sim.close();
        log.info(sim.logFields, `${name} simulator started in-process (sim mode: no real venue, no real money)`);
      }
      const venue = adapter.create({ config: section, logger: log, clock: options.clock, credentials, endpoints });
      return { venue, stopSim };
    };
  }
  return out;
}

export interface StartVenuesOptions {
  /** `config.venues`: one section per venue name. */
  readonly sections: Readonly<Record<string, VenueSection>>;
  /** The adapter for each venue name that has one. */
  readonly factories: Readonly<Record<string, VenueFactory | undefined>>;
  readonly logger: Logger;
  /** True once shutdown began: connection failures after that are expected, not worth a warning. */
  readonly stopping: () => boolean;
}

/**
 * Build every enabled venue. A venue that cannot connect yet keeps retrying in the background;
 * /healthz shows it as not ready.
 */
export async function startVenues(options: StartVenuesOptions): Promise<RunningVenue[]> {
  const { sections, factories, logger } = options;
  const enabled = Object.entries(sections).filter(([, section]) => section.enabled);
  // The config check refuses this first; a venue silently left out would be worse than not starting.
  const missing = enabled.find(([name]) => !factories[name]);
  if (missing) {
    const name = missing[0];
    throw new StartupError(
      `cannot start: venues.${name}.enabled is true but the ${name} adapter has not landed yet — set venues.${name}.enabled to false`,
    );
  }
  const out: Array<RunningVenue & { readonly name: string; readonly watchSymbols: readonly string[] }> = [];
  for (const [name, section] of enabled) {
    const factory = factories[name] as VenueFactory;
    const built = await factory(name, logger.child({ component: 'venue', venue: name }));
    out.push({
      name,
      venue: built.venue,
      environment: section.environment,
      stopSim: built.stopSim,
      watchSymbols: section.watchSymbols ?? [],
    });
  }
  for (const { name, venue, watchSymbols } of out) {
    const watch = async (): Promise<void> => {
      for (const symbol of watchSymbols) {
        await venue.watchTicker(symbol).catch((err: unknown) => {
          logger.warn({ err, venue: venue.id, symbol }, `cannot watch ticker; check venues.${name}.watchSymbols in the config`);
        });
      }
    };
    venue.connect().then(watch, (err: unknown) => {
      if (options.stopping()) return;
      logger.warn({ err, venue: venue.id }, `${venue.id} not ready yet; still reconnecting in the background (see /healthz)`);
      // the adapter keeps reconnecting: watch once it is ready
      let done = false;
      const once = (): void => {
        if (done || options.stopping()) return;
        done = true;
        off();
        void watch();
      };
      const off = venue.subscribe((e) => {
        if (e.type === 'connection' && e.state === 'ready') once();
      });
      if (venue.isReady()) once();
    });
  }
  return out;
}

/** A start-up note about how the enabled venues' environments and keys fit together. */
export interface EnvironmentNote {
  readonly level: 'info' | 'warn';
  readonly venue: string;
  readonly message: string;
}

/**
 * What an operator should read at start-up about sim vs real per venue. Keys never switch a venue
 * out of sim mode (only `venues.<venue>.environment` does), so: keys set for a venue still in sim
 * mode are named as unused, and a simulated venue running next to a real one is named as such.
 */
export function environmentNotes(
  sections: Readonly<Record<string, VenueSection>>,
  secrets: Readonly<Record<string, SecretGroup<string>>>,
): EnvironmentNote[] {
  const enabled = Object.entries(sections).filter(([, s]) => s.enabled);
  const real = enabled.filter(([, s]) => s.environment !== 'sim');
  const notes: EnvironmentNote[] = [];
  for (const [name, section] of enabled) {
    if (section.environment !== 'sim') continue;
    const keysSet = Object.values(secrets[name] ?? {}).some((v) => v !== undefined && v !== '');
    if (keysSet) {
      notes.push({
        level: 'warn',
        venue: name,
        message: `${name}: API keys are set but venues.${name}.environment is "sim", so they are not used and ${name} trades the built-in simulator — set the environment to "testnet"/"demo" (or "live" with liveOptIn) to use them`,
      });
    }
    if (real.length > 0) {
      const others = real.map(([n, s]) => `${n} (${s.environment})`).join(', ');
      notes.push({
        level: 'warn',
        venue: name,
        message: `${name} runs simulated (sim mode, no real money) next to ${others}; its trades are not real — set venues.${name}.enabled to false to drop it`,
      });
    }
  }
  return notes;
}
