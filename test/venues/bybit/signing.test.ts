/** Bybit signing on the worked examples of bybit.md sections 2 and 3 (REST POST and GET, WS auth). */
import { describe, expect, it } from 'vitest';

import { restAuthHeaders, restPrehash, wsAuthFrame, wsAuthSignature } from '../../../src/venues/bybit/signing.js';

const apiKey = 'TESTKEY123456789AB';
const secret = 'TESTSECRET0123456789abcdefghijklmnop';
const body =
  '{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"0.001","price":"30000","timeInForce":"GTC","orderLinkId":"demo-0001"}';

describe('bybit signing', () => {
  it('builds the prehash timestamp + key + recvWindow + payload', () => {
    expect(restPrehash(1700000000000, apiKey, 5000, body)).toBe(`1700000000000TESTKEY123456789AB5000${body}`);
  });

  it('signs the POST example of section 2', () => {
    const h = restAuthHeaders({ apiKey, secret, payload: body, recvWindowMs: 5000, venueNowMs: 1700000000000 });
    expect(h['X-BAPI-SIGN']).toBe('ab9c6d1756600132174217fcd822f21535dac1f302dc8ef54d0fdc61d5d1227a');
    expect(h).toMatchObject({ 'X-BAPI-API-KEY': apiKey, 'X-BAPI-TIMESTAMP': '1700000000000', 'X-BAPI-RECV-WINDOW': '5000' });
  });

  it('signs the GET example of section 2 (query string, no leading ?)', () => {
    const h = restAuthHeaders({
      apiKey,
      secret,
      payload: 'category=linear&symbol=BTCUSDT',
      recvWindowMs: 5000,
      venueNowMs: 1700000000000.7,
    });
    expect(h['X-BAPI-SIGN']).toBe('f10540e7dd2676060641d9101f66d06f60ffbb4058b9d9775228068024433268');
    expect(h['X-BAPI-TIMESTAMP']).toBe('1700000000000');
  });

  it('signs the WS auth example of section 3', () => {
    expect(wsAuthSignature(secret, 1700000010000)).toBe('3c38213750c3526df4b0846497a7b45b62c2aa007ff17503645e67afc5f4a8d5');
    expect(wsAuthFrame(apiKey, secret, 1700000010000, 'auth-1')).toEqual({
      req_id: 'auth-1',
      op: 'auth',
      args: [apiKey, 1700000010000, '3c38213750c3526df4b0846497a7b45b62c2aa007ff17503645e67afc5f4a8d5'],
    });
  });

  it('refuses a non-finite timestamp', () => {
    expect(() => restAuthHeaders({ apiKey, secret, payload: '', recvWindowMs: 5000, venueNowMs: Number.NaN })).toThrow(RangeError);
  });
});
