/** The Deribit front-end's mapping of the engine's neutral reasons, states and cancel reasons to Deribit's codes and wire names. */
import { describe, expect, it } from 'vitest';

import { fromEngineRejection } from '../../src/sim/deribit/errors.js';
import { cancelReasonToWire, orderStateToWire, rejectReasonToWire } from '../../src/sim/deribit/wire.js';
import { type CancelReason, EngineRejection, type OrderState, REJECT_REASONS } from '../../src/sim/engine/types.js';

describe('Deribit mapping of neutral engine values', () => {
  it('answers every neutral rejection reason with a Deribit error, the known ones with their codes', () => {
    const codes = Object.fromEntries(REJECT_REASONS.map((r) => [r, fromEngineRejection(new EngineRejection(r, undefined, r)).code]));
    expect(Object.keys(codes)).toHaveLength(22);
    expect(codes).toMatchObject({
      trigger_price_too_high: 10034,
      trigger_price_too_low: 10035,
      reduce_only_would_increase: 11029,
      no_position: 11029,
      not_enough_funds: 10009,
      qty_too_low: 10002,
      price_wrong_tick: 10043,
      trigger_price_wrong_tick: 10044,
      post_only_reject: 11054,
      order_not_found: 10004,
      not_open_order: 11044,
      venue_refused: 10001,
    });
  });

  it('sends partially filled orders as open and keeps the other states', () => {
    const states: OrderState[] = ['open', 'partially_filled', 'untriggered', 'triggered', 'filled', 'cancelled', 'rejected'];
    expect(states.map(orderStateToWire)).toEqual(['open', 'open', 'untriggered', 'triggered', 'filled', 'cancelled', 'rejected']);
  });

  it('reports the cancel reasons Deribit has and leaves the others out, as before the engine went neutral', () => {
    const reasons: CancelReason[] = [
      'user_request',
      'disconnect',
      'reduce_only',
      'settlement',
      'unfilled_remainder',
      'expired',
      'oco_sibling',
      'position_closed',
      'post_only',
    ];
    expect(reasons.map(cancelReasonToWire)).toEqual([
      'user_request',
      'cancel_on_disconnect',
      'reduce_only',
      'settlement',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(rejectReasonToWire('reduce_only_would_increase')).toBe('reduce_direction');
  });
});
