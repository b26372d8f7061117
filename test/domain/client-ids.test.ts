/** Client ids: derived from trade id + leg, valid on OKX (1-32 alphanumerics), Bybit (≤36 [A-Za-z0-9_-]) and Deribit (≤64). */
import { describe, expect, it } from 'vitest';

import { clientIdFor, isOwnClientId, newTradeId, parseClientId } from '../../src/domain/client-ids.js';

describe('client ids', () => {
  it('derives a deterministic id per trade, leg and sequence that fits every venue', () => {
    const tradeId = newTradeId(Date.UTC(2025, 0, 1), () => new Uint8Array([1, 2, 3, 4, 5, 6, 7]));
    expect(tradeId).toMatch(/^[a-z0-9]{16}$/);
    const ids = (['entry', 'stop_loss', 'take_profit', 'close'] as const).map((k) => clientIdFor(tradeId, k, 9999, 'abc123'));
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9]{1,32}$/); // OKX clOrdId, also Bybit orderLinkId and Deribit label
      expect(id.length).toBeLessThanOrEqual(32);
    }
    expect(new Set(ids).size).toBe(4);
    expect(clientIdFor(tradeId, 'stop_loss', 2)).toBe(`vd1${tradeId}S2`);
    expect(clientIdFor(tradeId, 'stop_loss', 2)).toBe(clientIdFor(tradeId, 'stop_loss', 2));
  });

  it('parses its own ids and recognises nothing else', () => {
    const tradeId = newTradeId(1_700_000_000_000);
    expect(parseClientId(clientIdFor(tradeId, 'take_profit', 3))).toEqual({ tradeId, kind: 'take_profit', seq: 3 });
    expect(isOwnClientId('my-own-order')).toBe(false);
    expect(isOwnClientId(undefined)).toBe(false);
    expect(isOwnClientId(`vd1${tradeId}X1`)).toBe(false);
    expect(isOwnClientId(clientIdFor(tradeId, 'entry'), 'zz9')).toBe(false);
  });

  it('refuses malformed input instead of producing an id a venue would reject', () => {
    expect(() => clientIdFor('short', 'entry')).toThrow(RangeError);
    expect(() => clientIdFor(newTradeId(0), 'entry', 0)).toThrow(RangeError);
    expect(() => clientIdFor(newTradeId(0), 'entry', 1, 'vd-1')).toThrow(RangeError);
  });
});
