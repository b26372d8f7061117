/** The venue clock offset, measured NTP-style from request and reply times. */
import { describe, expect, it } from 'vitest';

import { bestSample, offsetSample, VenueClock } from '../../../src/venues/shared/clock-offset.js';

describe('clock offset (NTP-style)', () => {
  it('takes the venue time as read half-way through the round trip', () => {
    // sent at 1000, answered at 1040 (host); the venue said 1020 - 3000 = venue 3 s behind
    expect(offsetSample(1_000, -1_980, 1_040)).toEqual({ offsetMs: -3_000, rttMs: 40, measuredAtMs: 1_040 });
    expect(offsetSample(1_000, 3_500, 1_000)).toEqual({ offsetMs: 2_500, rttMs: 0, measuredAtMs: 1_000 });
  });

  it('keeps the sample with the smallest round trip', () => {
    const samples = [offsetSample(0, 100, 80), offsetSample(100, 3_100, 110), offsetSample(200, 400, 260)];
    expect(bestSample(samples)).toEqual({ offsetMs: 2_995, rttMs: 10, measuredAtMs: 110 });
    expect(bestSample([])).toBeUndefined();
  });

  it('converts between host and venue time; 0 until measured', () => {
    let host = 10_000;
    const clock = new VenueClock({ now: () => host });
    expect(clock.offset()).toBeUndefined();
    expect(clock.venue.now()).toBe(10_000);
    clock.set({ offsetMs: -3_000, rttMs: 4, measuredAtMs: 10_000 });
    host = 11_000;
    expect(clock.venue.now()).toBe(8_000);
    expect(clock.toHost(8_000)).toBe(11_000);
    expect(clock.toVenue(11_000)).toBe(8_000);
  });
});
