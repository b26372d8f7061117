/** The in-memory venue: the only export of this folder. */
export type { ManualOrder, MemoryVenueOptions } from './memory-venue.js';
export { MemoryVenue, toDomainInstrument } from './memory-venue.js';
