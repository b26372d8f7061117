/** The unified symbol form (BTC/USD:BTC) ↔ Deribit instrument names. */
import { describe, expect, it } from 'vitest';

import { deribitToUnified, isUnifiedSymbol, unifiedToDeribit } from '../../../src/venues/deribit/unified-symbol.js';

describe('unified symbols on Deribit', () => {
  it.each([
    ['BTC/USD:BTC', 'BTC-PERPETUAL'],
    ['ETH/USD:ETH', 'ETH-PERPETUAL'],
    ['BTC/USDC:USDC', 'BTC_USDC-PERPETUAL'],
    ['BTC/USD:BTC-261225', 'BTC-25DEC26'],
    ['BTC/USD:BTC-270105', 'BTC-5JAN27'],
    ['BTC/USD:BTC-261225-60000-C', 'BTC-25DEC26-60000-C'],
    ['XRP/USDC:USDC-230630-0.625-P', 'XRP_USDC-30JUN23-0d625-P'],
    ['BTC/USDC', 'BTC_USDC'],
  ])('%s is %s, both ways', (unified, native) => {
    expect(unifiedToDeribit(unified)).toBe(native);
    expect(deribitToUnified(native)).toBe(unified);
  });

  it('accepts lower case', () => {
    expect(unifiedToDeribit('btc/usd:btc')).toBe('BTC-PERPETUAL');
  });

  it.each(['BTC/USD:ETH', 'BTC/USDT:BTC', 'BTC/USD:BTC-261332', 'BTC/USD:BTC-260230', 'BTC-PERPETUAL', 'BTC/USD:BTC-261225-60000'])(
    '%s names nothing on Deribit',
    (s) => {
      expect(unifiedToDeribit(s)).toBeUndefined();
    },
  );

  it('tells the forms apart and leaves combos native', () => {
    expect(isUnifiedSymbol('BTC/USD:BTC')).toBe(true);
    expect(isUnifiedSymbol('BTC-PERPETUAL')).toBe(false);
    expect(deribitToUnified('BTC-FS-26DEC25_PERP')).toBeUndefined();
  });
});
