/** The per-trade lock and the mark book the OrderManager's collaborators share. */
import { describe, expect, it } from 'vitest';

import { createKeyedLock } from '../../src/orders/context.js';
import { MarkBook } from '../../src/orders/marks.js';
import { d } from './fixtures-pure.js';

describe('createKeyedLock', () => {
  it('runs tasks of one key one at a time, in order, and other keys alongside; a failure does not block the next', async () => {
    const withLock = createKeyedLock();
    const log: string[] = [];
    let release: () => void = () => undefined;
    const first = withLock('a', async () => {
      log.push('a1 start');
      await new Promise<void>((r) => (release = r));
      log.push('a1 end');
      throw new Error('boom');
    });
    const second = withLock('a', async () => {
      log.push('a2');
      return 2;
    });
    const other = withLock('b', async () => {
      log.push('b1');
      return 'b';
    });
    await other;
    expect(log).toEqual(['a1 start', 'b1']);
    release();
    await expect(first).rejects.toThrow('boom');
    await expect(second).resolves.toBe(2);
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
  });
});

describe('MarkBook', () => {
  it('keeps the latest price per venue and symbol and wakes waiters', async () => {
    const marks = new MarkBook();
    expect(marks.has('v', 'X')).toBe(false);
    const waiting = marks.waitFor('v', 'X', 10_000);
    marks.set('w', 'X', d(1));
    marks.set('v', 'X', d(2));
    await waiting;
    expect(marks.get('v', 'X')?.toString()).toBe('2');
    expect(marks.get('w', 'X')?.toString()).toBe('1');
  });

  it('gives up waiting after the timeout', async () => {
    const marks = new MarkBook();
    await marks.waitFor('v', 'Y', 5);
    expect(marks.get('v', 'Y')).toBeUndefined();
  });
});
