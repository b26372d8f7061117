/** Bybit enums → domain: every order status (incl. PartiallyFilledCanceled, Deactivated, legacy Created/Active), sides, types, triggers. */
import { describe, expect, it } from 'vitest';

import {
  BYBIT_ORDER_STATUSES,
  isOneOf,
  orderStatusFromVenue,
  orderTypeFromVenue,
  sideFromVenue,
  sideToVenue,
  timeInForceToVenue,
  triggerDirectionFor,
  triggerFromVenue,
  triggerToVenue,
} from '../../../src/venues/bybit/enums.js';

describe('bybit enums', () => {
  it('maps every order status', () => {
    const mapped = Object.fromEntries(BYBIT_ORDER_STATUSES.map((s) => [s, orderStatusFromVenue(s)]));
    expect(mapped).toEqual({
      Created: 'pending',
      New: 'open',
      PartiallyFilled: 'partially_filled',
      Untriggered: 'untriggered',
      Triggered: 'triggered',
      Active: 'triggered',
      Filled: 'filled',
      Cancelled: 'cancelled',
      PartiallyFilledCanceled: 'cancelled',
      Rejected: 'rejected',
      Deactivated: 'cancelled',
    });
    expect(isOneOf(BYBIT_ORDER_STATUSES, 'Expired')).toBe(false);
  });

  it('maps sides, order types and triggers both ways', () => {
    expect(sideFromVenue('Buy')).toBe('buy');
    expect(sideToVenue('sell')).toBe('Sell');
    expect(orderTypeFromVenue('Market', false, false)).toBe('market');
    expect(orderTypeFromVenue('Limit', false, false)).toBe('limit');
    expect(orderTypeFromVenue('Market', true, false)).toBe('stop_market');
    expect(orderTypeFromVenue('Limit', true, true)).toBe('take_limit');
    expect(triggerToVenue('mark')).toBe('MarkPrice');
    expect(triggerToVenue(undefined)).toBe('MarkPrice');
    expect(triggerToVenue('last')).toBe('LastPrice');
    expect(triggerFromVenue('IndexPrice')).toBe('index');
    expect(triggerFromVenue('UNKNOWN')).toBeUndefined();
    expect(timeInForceToVenue(undefined, true)).toBe('PostOnly');
    expect(timeInForceToVenue('ioc', false)).toBe('IOC');
    expect(timeInForceToVenue('gtd', false)).toBeUndefined();
  });

  it('trigger direction: a sell stop fires on a fall (2), a sell take on a rise (1), mirrored for buys', () => {
    expect(triggerDirectionFor('sell', 'stop')).toBe(2);
    expect(triggerDirectionFor('buy', 'stop')).toBe(1);
    expect(triggerDirectionFor('sell', 'take')).toBe(1);
    expect(triggerDirectionFor('buy', 'take')).toBe(2);
  });
});
