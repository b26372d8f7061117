/** The chaos run's measure of unprotected time, fed by hand. */
import { describe, expect, it } from 'vitest';

import { isProtected, UnprotectionTracker } from '../../src/chaos/unprotection.js';

const K = 'deribit:BTC-PERPETUAL';

describe('UnprotectionTracker', () => {
  it('a position with a stop for its full size is protected; a smaller stop is not', () => {
    expect(isProtected({ key: K, size: 100, stopQty: 100 })).toBe(true);
    expect(isProtected({ key: K, size: 100, stopQty: 150 })).toBe(true);
    expect(isProtected({ key: K, size: 100, stopQty: 90 })).toBe(false);
    expect(isProtected({ key: K, size: 100, stopQty: 0 })).toBe(false);
  });

  it('a position that appears between samples is unprotected from its fill, not from the sample', () => {
    const t = new UnprotectionTracker();
    t.sample(1_000, true, []);
    t.sample(1_050, true, [{ key: K, size: 100, stopQty: 0, lastFillMs: 1_010 }]);
    t.sample(1_100, true, [{ key: K, size: 100, stopQty: 0, lastFillMs: 1_010 }]);
    t.sample(1_150, true, [{ key: K, size: 100, stopQty: 100, lastFillMs: 1_010 }]);
    expect(t.maxUpMs()).toBe(140);
    expect(t.intervals()).toBe(1);
    expect(t.openKeys()).toEqual([]);
  });

  it('a stop that goes away on an old position starts the interval at the sample', () => {
    const t = new UnprotectionTracker();
    t.sample(1_000, true, [{ key: K, size: 100, stopQty: 100, lastFillMs: 10 }]);
    t.sample(1_050, true, [{ key: K, size: 100, stopQty: 0, lastFillMs: 10 }]);
    t.sample(1_300, true, [{ key: K, size: 100, stopQty: 0, lastFillMs: 10 }]);
    expect(t.maxUpMs()).toBe(250);
    expect(t.openKeys()).toEqual([K]);
  });

  it('an interval that spans a kill and a restart is split into up and down time', () => {
    const t = new UnprotectionTracker();
    t.sample(0, true, []);
    t.sample(50, true, [{ key: K, size: 10, stopQty: 0, lastFillMs: 20 }]); // up 30
    t.sample(100, true, [{ key: K, size: 10, stopQty: 0 }]); // up 50 (killed at 100)
    t.sample(1_100, false, [{ key: K, size: 10, stopQty: 0 }]); // down 1000
    t.sample(3_100, false, [{ key: K, size: 10, stopQty: 0 }]); // down 2000 (restarted at 3100)
    t.sample(3_900, true, [{ key: K, size: 10, stopQty: 0 }]); // up 800
    t.sample(4_000, true, [{ key: K, size: 10, stopQty: 10 }]); // up 100, protected
    expect(t.maxUpMs()).toBe(980);
    expect(t.maxDownMs()).toBe(3_000);
    expect(t.worst()).toMatchObject({ key: K, startMs: 20, endMs: 4_000 });
  });

  it('a position that goes flat ends its interval; the longest one is reported', () => {
    const t = new UnprotectionTracker();
    t.sample(0, true, [{ key: K, size: 10, stopQty: 0 }]);
    t.sample(500, true, []);
    t.sample(600, true, [{ key: 'deribit:ETH-PERPETUAL', size: 1, stopQty: 0, lastFillMs: 550 }]);
    t.sample(700, true, []);
    expect(t.maxUpMs()).toBe(500);
    expect(t.intervals()).toBe(2);
  });
});
