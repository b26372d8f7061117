/** Unified symbols ↔ Bybit names: `BTC/USDT:USDT` ↔ `BTCUSDT`, `BTC/USD:BTC` ↔ `BTCUSD`, and the native-name parser. */
import { describe, expect, it } from 'vitest';

import { categoryOfSymbol, parseBybitSymbol } from '../../../src/venues/bybit/instrument-name.js';
import { bybitToUnified, isUnifiedSymbol, toBybitSymbol, unifiedToBybit } from '../../../src/venues/bybit/unified-symbol.js';

describe('bybit unified symbols', () => {
  it.each([
    ['BTC/USDT:USDT', 'BTCUSDT'],
    ['ETH/USDT:USDT', 'ETHUSDT'],
    ['BTC/USD:BTC', 'BTCUSD'],
    ['ETH/USD:ETH', 'ETHUSD'],
    ['BTC/USDC:USDC', 'BTCPERP'],
  ])('%s ↔ %s', (unified, native) => {
    expect(unifiedToBybit(unified)).toBe(native);
    expect(bybitToUnified(native)).toBe(unified);
    expect(toBybitSymbol(unified)).toBe(native);
    expect(toBybitSymbol(native)).toBe(native);
  });

  it('refuses what Bybit does not list this way', () => {
    expect(unifiedToBybit('BTC/USD:USDT')).toBeUndefined();
    expect(unifiedToBybit('BTC/USDT')).toBeUndefined();
    expect(toBybitSymbol('FOO/BAR:BAZ')).toBe('FOO/BAR:BAZ');
    expect(isUnifiedSymbol('BTCUSDT')).toBe(false);
    expect(bybitToUnified('BTCUSDZ26')).toBeUndefined();
  });

  it('parses native names into category and kind', () => {
    expect(parseBybitSymbol('BTCUSDT')).toEqual({ base: 'BTC', quote: 'USDT', category: 'linear', kind: 'perpetual' });
    expect(parseBybitSymbol('BTCUSD')).toEqual({ base: 'BTC', quote: 'USD', category: 'inverse', kind: 'perpetual' });
    expect(parseBybitSymbol('BTCUSDZ26')).toMatchObject({ base: 'BTC', category: 'inverse', kind: 'future', expiryCode: 'Z26' });
    expect(parseBybitSymbol('BTCUSDT-21FEB25')).toMatchObject({ base: 'BTC', category: 'linear', kind: 'future' });
    expect(categoryOfSymbol('ETHPERP')).toBe('linear');
    expect(parseBybitSymbol('BTC-26DEC25')).toBeUndefined();
  });
});
