/** OKX enums: order and algo states to domain statuses, ordType, sides, trigger types, instrument kinds, cancel sources. */
import { describe, expect, it } from 'vitest';

import {
  algoStatusFromVenue,
  cancelReasonFromVenue,
  instrumentKindFromVenue,
  isAlgoSpawned,
  isTerminalOrderState,
  isTradableState,
  liquidityFromVenue,
  orderStatusFromVenue,
  orderTypeFromVenue,
  posSideFromVenue,
  sideFromVenue,
  triggerFromVenue,
  triggerToVenue,
} from '../../../src/venues/okx/enums.js';
import { OkxParseError } from '../../../src/venues/okx/errors.js';

describe('okx enums', () => {
  it('order states', () => {
    expect(orderStatusFromVenue('live', 's')).toBe('open');
    expect(orderStatusFromVenue('partially_filled', 's')).toBe('partially_filled');
    expect(orderStatusFromVenue('filled', 's')).toBe('filled');
    expect(orderStatusFromVenue('canceled', 's')).toBe('cancelled');
    expect(orderStatusFromVenue('mmp_canceled', 's')).toBe('cancelled');
    expect(() => orderStatusFromVenue('cancelled', 'orders.0.state')).toThrow(/orders\.0\.state: unknown order state "cancelled"/);
    expect(isTerminalOrderState('canceled')).toBe(true);
    expect(isTerminalOrderState('partially_filled')).toBe(false);
  });

  it('algo states', () => {
    expect(algoStatusFromVenue('live', 's')).toBe('untriggered');
    expect(algoStatusFromVenue('pause', 's')).toBe('untriggered');
    expect(algoStatusFromVenue('effective', 's')).toBe('triggered');
    expect(algoStatusFromVenue('partially_effective', 's')).toBe('triggered');
    expect(algoStatusFromVenue('canceled', 's')).toBe('cancelled');
    expect(algoStatusFromVenue('order_failed', 's')).toBe('rejected');
    expect(algoStatusFromVenue('partially_failed', 's')).toBe('rejected');
    expect(() => algoStatusFromVenue('order_placed', 's')).toThrow(OkxParseError);
  });

  it('ordType, sides, posSide, triggers', () => {
    expect(orderTypeFromVenue('market', 't')).toBe('market');
    expect(orderTypeFromVenue('optimal_limit_ioc', 't')).toBe('market');
    for (const t of ['limit', 'post_only', 'fok', 'ioc', 'mmp', 'rpi']) expect(orderTypeFromVenue(t, 't')).toBe('limit');
    expect(() => orderTypeFromVenue('conditional', 't')).toThrow(OkxParseError);
    expect(sideFromVenue('sell', 's')).toBe('sell');
    expect(() => sideFromVenue('SELL', 's')).toThrow(OkxParseError);
    expect(posSideFromVenue('', 'p')).toBe('net');
    expect(posSideFromVenue('short', 'p')).toBe('short');
    expect(() => posSideFromVenue('both', 'p')).toThrow(OkxParseError);
    expect(triggerFromVenue('', 't')).toBeUndefined();
    expect(triggerFromVenue('mark', 't')).toBe('mark');
    expect(() => triggerFromVenue('mark_price', 't')).toThrow(OkxParseError);
    expect(triggerToVenue('index')).toBe('index');
  });

  it('lenient descriptive fields', () => {
    expect(instrumentKindFromVenue('SWAP')).toBe('perpetual');
    expect(instrumentKindFromVenue('FUTURES')).toBe('future');
    expect(instrumentKindFromVenue('MARGIN')).toBe('spot');
    expect(instrumentKindFromVenue('EVENTS')).toBe('unknown');
    expect(isTradableState('live')).toBe(true);
    expect(isTradableState('post_only')).toBe(false);
    expect(liquidityFromVenue('T')).toBe('taker');
    expect(liquidityFromVenue('')).toBe('unknown');
    expect(cancelReasonFromVenue('20')).toBe('cancel-all-after fired');
    expect(cancelReasonFromVenue('99')).toBe('cancelSource 99');
    expect(cancelReasonFromVenue('')).toBeUndefined();
    expect(isAlgoSpawned('7')).toBe(true);
    expect(isAlgoSpawned('')).toBe(false);
  });
});
