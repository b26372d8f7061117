/** parseItems skips and reports a bad item without losing the others; RejectionCounter keeps count and the last reason. */
import { describe, expect, it } from 'vitest';

import { parseItems, RejectionCounter, type SkippedItem } from '../../../src/venues/shared/parse-items.js';

describe('parseItems', () => {
  it('keeps the good items in order and names the bad one by path', () => {
    const skipped: SkippedItem[] = [];
    const out = parseItems(
      ['1', 'x', '3'],
      'push.orders',
      (w, path) => {
        const n = Number(w);
        if (Number.isNaN(n)) throw new Error(`${path}: not a number`);
        return n;
      },
      (s) => skipped.push(s),
    );
    expect(out).toEqual([1, 3]);
    expect(skipped.map((s) => s.path)).toEqual(['push.orders.1']);
  });
  it('counts rejections', () => {
    const c = new RejectionCounter();
    c.note(new Error('a'));
    c.note('b');
    expect([c.count, c.last]).toEqual([2, 'b']);
  });
});
