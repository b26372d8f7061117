/** Deribit wire enums mapped to the domain: order states, order types, directions, trigger kinds. */
import { describe, expect, it } from 'vitest';

import type { OrderType, TimeInForce, TriggerReference } from '../../../src/domain/order.js';
import {
  DERIBIT_ORDER_STATES,
  instrumentKindFromVenue,
  instrumentLifecycleFromVenue,
  liquidityFromVenue,
  orderStatusFromVenue,
  orderTypeFromVenue,
  orderTypeToVenue,
  positionSignFromVenue,
  settlementPeriodFromVenue,
  sideFromVenue,
  sideToMethod,
  timeInForceFromVenue,
  timeInForceToVenue,
  triggerFromVenue,
  triggerToVenue,
} from '../../../src/venues/deribit/enums.js';
import { DeribitParseError } from '../../../src/venues/deribit/errors.js';

describe('order_state (strict)', () => {
  it.each([
    ['open', 'open'],
    ['filled', 'filled'],
    ['rejected', 'rejected'],
    ['cancelled', 'cancelled'],
    ['untriggered', 'untriggered'],
    ['triggered', 'triggered'],
    ['rejected:reduce_only_violated', 'rejected'],
  ] as const)('%s → %s', (venue, domain) => {
    expect(orderStatusFromVenue(venue, 'order.order_state')).toBe(domain);
  });

  it('covers every listed state', () => {
    for (const state of DERIBIT_ORDER_STATES) expect(() => orderStatusFromVenue(state, 'x')).not.toThrow();
  });

  it('throws naming the field for an unknown state', () => {
    expect(() => orderStatusFromVenue('archived', 'order.order_state')).toThrow(DeribitParseError);
    expect(() => orderStatusFromVenue('archived', 'order.order_state')).toThrow(/order\.order_state: unknown order state "archived"/);
  });
});

describe('order_type', () => {
  it.each([
    ['limit', 'limit'],
    ['market', 'market'],
    ['market_limit', 'market'],
    ['stop_limit', 'stop_limit'],
    ['stop_market', 'stop_market'],
    ['take_limit', 'take_limit'],
    ['take_market', 'take_market'],
  ] as const)('%s → %s', (venue, domain) => {
    expect(orderTypeFromVenue(venue, 'order.order_type')).toBe(domain);
  });

  it('rejects trailing_stop and unknown types naming the field', () => {
    expect(() => orderTypeFromVenue('trailing_stop', 'order.order_type')).toThrow(/order\.order_type: trailing_stop/);
    expect(() => orderTypeFromVenue('iceberg', 'order.order_type')).toThrow(/order\.order_type: unknown order type/);
  });

  it('round-trips every domain type', () => {
    const all: OrderType[] = ['market', 'limit', 'stop_market', 'stop_limit', 'take_market', 'take_limit'];
    for (const type of all) expect(orderTypeFromVenue(orderTypeToVenue(type), 'x')).toBe(type);
  });
});

describe('trigger and time_in_force', () => {
  it('maps triggers both ways', () => {
    const all: TriggerReference[] = ['mark', 'last', 'index'];
    for (const t of all) expect(triggerFromVenue(triggerToVenue(t), 'x')).toBe(t);
    expect(triggerToVenue('mark')).toBe('mark_price');
    expect(triggerToVenue('index')).toBe('index_price');
    expect(triggerToVenue('last')).toBe('last_price');
    expect(() => triggerFromVenue('best_bid', 'order.trigger')).toThrow(/order\.trigger/);
  });

  it('maps time in force both ways', () => {
    const all: TimeInForce[] = ['gtc', 'ioc', 'fok', 'gtd'];
    for (const t of all) expect(timeInForceFromVenue(timeInForceToVenue(t), 'x')).toBe(t);
    expect(timeInForceToVenue('gtc')).toBe('good_til_cancelled');
    expect(timeInForceToVenue('ioc')).toBe('immediate_or_cancel');
    expect(timeInForceToVenue('fok')).toBe('fill_or_kill');
    expect(timeInForceToVenue('gtd')).toBe('good_til_day');
    expect(() => timeInForceFromVenue('day', 'order.time_in_force')).toThrow(/order\.time_in_force/);
  });
});

describe('direction', () => {
  it('maps order sides strictly', () => {
    expect(sideFromVenue('buy', 'x')).toBe('buy');
    expect(sideFromVenue('sell', 'x')).toBe('sell');
    expect(() => sideFromVenue('zero', 'trade.direction')).toThrow(/trade\.direction/);
    expect(sideToMethod('buy')).toBe('private/buy');
    expect(sideToMethod('sell')).toBe('private/sell');
  });

  it('maps position directions to a sign strictly', () => {
    expect(positionSignFromVenue('buy', 'x')).toBe(1);
    expect(positionSignFromVenue('sell', 'x')).toBe(-1);
    expect(positionSignFromVenue('zero', 'x')).toBe(0);
    expect(() => positionSignFromVenue('long', 'position.direction')).toThrow(/position\.direction/);
  });
});

describe('descriptive fields (lenient)', () => {
  it('maps liquidity with an unknown fallback', () => {
    expect(liquidityFromVenue('M')).toBe('maker');
    expect(liquidityFromVenue('T')).toBe('taker');
    expect(liquidityFromVenue('MT')).toBe('unknown');
    expect(liquidityFromVenue(undefined)).toBe('unknown');
  });

  it('maps kind + settlement_period to the instrument kind', () => {
    expect(instrumentKindFromVenue('future', 'perpetual', 'BTC-PERPETUAL')).toBe('perpetual');
    expect(instrumentKindFromVenue('future', undefined, 'ETH_USDC-PERPETUAL')).toBe('perpetual');
    expect(instrumentKindFromVenue('future', 'month', 'BTC-29SEP23')).toBe('future');
    expect(instrumentKindFromVenue('future', 'quarter', 'BTC-29SEP23')).toBe('future');
    expect(instrumentKindFromVenue('option', 'day', 'ETH-6JUL25-1500-C')).toBe('option');
    expect(instrumentKindFromVenue('spot', undefined, 'BTC_USDC')).toBe('spot');
    expect(instrumentKindFromVenue('future_combo', 'month', 'BTC-FS-26DEC25_PERP')).toBe('unknown');
    expect(instrumentKindFromVenue('index', undefined, 'x')).toBe('unknown');
  });

  it('maps settlement periods with an unknown fallback', () => {
    expect(settlementPeriodFromVenue('day')).toBe('day');
    expect(settlementPeriodFromVenue('quarter')).toBe('unknown');
    expect(settlementPeriodFromVenue(undefined)).toBe('unknown');
  });

  it('maps both lifecycle vocabularies', () => {
    expect(instrumentLifecycleFromVenue('open')).toBe('open');
    expect(instrumentLifecycleFromVenue('started')).toBe('open');
    expect(instrumentLifecycleFromVenue('created')).toBe('pending');
    expect(instrumentLifecycleFromVenue('halted')).toBe('paused');
    expect(instrumentLifecycleFromVenue('archivized')).toBe('closed');
    expect(instrumentLifecycleFromVenue('terminated')).toBe('closed');
    expect(instrumentLifecycleFromVenue('weird')).toBe('unknown');
  });
});
