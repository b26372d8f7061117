/**
 * The venue registry: every venue the daemon knows, in start-up order. Config loading, secret
 * handling and the composition root loop over this list; adding a venue is adding its entry here.
 */
import { bybitEntry } from './bybit/index.js';
import { deribitEntry } from './deribit/index.js';
import { okxEntry } from './okx/index.js';
import type { AnyVenueEntry } from './registry-entry.js';

export const VENUE_REGISTRY = [deribitEntry, okxEntry, bybitEntry] as const satisfies readonly AnyVenueEntry[];

/** Any entry of the registry, with its literal name and secret keys. */
export type RegisteredVenue = (typeof VENUE_REGISTRY)[number];
export type VenueName = RegisteredVenue['name'];

/** The registry as a plain list, for loops that need no venue's own types. */
export const VENUE_ENTRIES: readonly AnyVenueEntry[] = VENUE_REGISTRY;
export const VENUE_NAMES: readonly VenueName[] = VENUE_REGISTRY.map((e) => e.name);

/** True when the venue's adapter has landed (it may be enabled). */
export function isAvailable(entry: AnyVenueEntry): boolean {
  return entry.adapter !== undefined;
}
