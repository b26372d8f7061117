/**
 * Chaos seed 3 (all three venues): two Deribit emergency closes sent nothing for about a second.
 * An emergency close first reads the position (`positions('protective')`, over REST) to size the
 * close; the chaos run delays `get_positions` answers by 0.3-3 s. That read must get the
 * protective deadline, like every other protective request, so a swallowed or late answer is
 * asked again soon instead of after the full request timeout (10 s by default).
 */
import { afterEach, describe, expect, it } from 'vitest';

import { type DeribitHarness, startDeribitHarness } from '../../support/deribit-harness.js';

let h: DeribitHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('Deribit adapter: protective reads get the protective deadline', () => {
  it('positions("protective") gives up after protectiveRequestTimeoutMs, not after requestTimeoutMs', async () => {
    h = await startDeribitHarness({ config: { requestTimeoutMs: 10_000, protectiveRequestTimeoutMs: 200 } });
    // The answer comes long after the protective deadline but well inside the normal one.
    h.sim.faults.delayResponses('private/get_positions', 3_000, { times: 1 });
    await expect(h.venue.positions('protective')).rejects.toMatchObject({ code: 'TIMEOUT' });
    h.sim.faults.reset();
  });

  it('a normal positions read keeps the normal deadline and gets the late answer', async () => {
    h = await startDeribitHarness({ config: { requestTimeoutMs: 5_000, protectiveRequestTimeoutMs: 200 } });
    h.sim.faults.delayResponses('private/get_positions', 400, { times: 1 });
    await expect(h.venue.positions()).resolves.toBeInstanceOf(Array);
  });
});
