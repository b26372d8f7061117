/** Hands each normalized venue event to every subscribed listener; a listener that throws is logged and the others still get the event. */
import type { Logger } from 'pino';

import type { VenueEvent, VenueEventListener } from '../../domain/events.js';

export class VenueEventFanout {
  private readonly listeners = new Set<VenueEventListener>();

  constructor(private readonly log: Logger) {}

  /** Adds a listener; returns the function that removes it (the `Venue.subscribe` contract). */
  subscribe(listener: VenueEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: VenueEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.log.error({ err, event: event.type }, 'a venue event listener threw; event delivered to the others');
      }
    }
  }

  /** Listeners subscribed now. */
  size(): number {
    return this.listeners.size;
  }
}
