/**
 * The shape of one venue registry entry: everything the composition root, the config loader and
 * secret handling need to know about a venue, so that none of them names a venue by hand.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';

import type { Clock, Venue } from '../domain/ports.js';

/** The fields of a `venues.<name>` config section that venue-neutral code reads. */
export interface VenueSectionBase {
  readonly enabled: boolean;
  /** `sim` starts the venue's simulator in-process; anything else needs the venue's credentials. */
  readonly environment: string;
  /** Instruments whose ticker is watched from start-up (only venues whose config has the key). */
  readonly watchSymbols?: readonly string[];
}

/** The `sim` config section, as every simulator start receives it. */
export interface SimSettings {
  /** Seed of the simulated price walk (already drawn when the config leaves it unset). */
  readonly seed: number;
  /** Annual volatility of the simulated index walk (1.5 = 150 %). */
  readonly annualVolatility: number;
}

/** A simulator running in-process on loopback: where the adapter connects, the keys it accepts, how to stop it. */
export interface StartedSim<Endpoints, Credentials> {
  readonly endpoints: Endpoints;
  readonly credentials: Credentials;
  /** Log fields naming its URLs (written on the "simulator started" line). */
  readonly logFields: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** What a venue's factory receives. */
export interface CreateVenueContext<Section, Endpoints, Credentials> {
  readonly config: Section;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Undefined without keys (public data only). */
  readonly credentials?: Credentials;
  /** Endpoints that win over the config's (the simulator's, in sim mode). */
  readonly endpoints?: Endpoints;
}

/**
 * The adapter half of an entry; absent while the adapter has not landed. Written with method
 * syntax on purpose: a list of entries of different venues is then one type (`AnyVenueEntry`),
 * and each method only ever receives its own venue's section, credentials and endpoints.
 */
export interface VenueAdapterEntry<Section, Credentials, Endpoints> {
  /** Credentials from this venue's secret group (keys of `secretEnv`); undefined when they are not all set. */
  readCredentials(secrets: SecretGroup<string>): Credentials | undefined;
  /** Starts the venue's simulator on loopback (sim mode). */
  startSim(settings: SimSettings, logger: Logger): Promise<StartedSim<Endpoints, Credentials>>;
  /** Builds the Venue (not connected yet). */
  create(context: CreateVenueContext<Section, Endpoints, Credentials>): Venue;
}

/** One venue's secrets, read from the environment: key → value (unset keys are undefined). */
export type SecretGroup<Key extends string> = { readonly [K in Key]?: string };

/** A venue as the rest of the daemon knows it. */
export interface VenueRegistryEntry<
  Name extends string,
  Schema extends z.ZodType<VenueSectionBase>,
  SecretKey extends string,
  Credentials = unknown,
  Endpoints = unknown,
> {
  /** The key under `venues` in the config, the venue id and the log field `venue`. */
  readonly name: Name;
  /** How operators write it ("OKX"), for messages. */
  readonly title: string;
  /** Zod schema of the `venues.<name>` config section (strict, defaults filled in). */
  readonly configSchema: Schema;
  /** Secret key → environment variable that holds it (all of them needed outside sim mode). */
  readonly secretEnv: Readonly<Record<SecretKey, string>>;
  /** Undefined while the adapter has not landed: enabling the venue is then a config error. */
  readonly adapter?: VenueAdapterEntry<z.output<Schema>, Credentials, Endpoints>;
}

/** Any venue's entry, for code that loops over the registry. */
export type AnyVenueEntry = VenueRegistryEntry<string, z.ZodType<VenueSectionBase>, string>;

/** Identity helper that keeps the literal name and secret keys in the entry's type. */
export function defineVenue<
  const Name extends string,
  Schema extends z.ZodType<VenueSectionBase>,
  const SecretKey extends string,
  Credentials,
  Endpoints,
>(
  entry: VenueRegistryEntry<Name, Schema, SecretKey, Credentials, Endpoints>,
): VenueRegistryEntry<Name, Schema, SecretKey, Credentials, Endpoints> {
  return entry;
}
