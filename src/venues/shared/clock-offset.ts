/**
 * The measured offset between a venue's clock and the host's, NTP-style: read the venue's time
 * between two host readings and assume it was taken half-way. Everything above the Venue port
 * speaks host time; the adapter converts venue timestamps with this offset and signs with the
 * venue's time (host now + offset).
 */
import type { Clock, ClockOffset } from '../../domain/ports.js';

/**
 * One sample: the venue said `venueTimeMs` to a request sent at host `sentAtMs` and answered at
 * host `receivedAtMs`. offset = venue − (sent + received) / 2, good to about half the round trip.
 */
export function offsetSample(sentAtMs: number, venueTimeMs: number, receivedAtMs: number): ClockOffset {
  return {
    offsetMs: Math.round(venueTimeMs - (sentAtMs + receivedAtMs) / 2),
    rttMs: Math.max(0, receivedAtMs - sentAtMs),
    measuredAtMs: receivedAtMs,
  };
}

/** The sample with the smallest round trip (the tightest bound), the later one on a tie; undefined for none. */
export function bestSample(samples: readonly ClockOffset[]): ClockOffset | undefined {
  let best: ClockOffset | undefined;
  for (const s of samples) if (!best || s.rttMs <= best.rttMs) best = s;
  return best;
}

/** The current offset of one venue and conversions between host and venue time (0 until measured). */
export class VenueClock {
  private current: ClockOffset | undefined;

  /** The venue's time as a Clock (host now + offset): for signature timestamps. */
  readonly venue: Clock = { now: () => this.venueNow() };

  constructor(private readonly host: Clock) {}

  /** The last measurement, or undefined before the first. */
  offset(): ClockOffset | undefined {
    return this.current;
  }

  set(offset: ClockOffset): void {
    this.current = offset;
  }

  /** Venue minus host in ms; 0 before the first measurement. */
  offsetMs(): number {
    return this.current?.offsetMs ?? 0;
  }

  toHost(venueMs: number): number {
    return venueMs - this.offsetMs();
  }

  toVenue(hostMs: number): number {
    return hostMs + this.offsetMs();
  }

  venueNow(): number {
    return this.toVenue(this.host.now());
  }
}
