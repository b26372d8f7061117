/** OKX signing on the worked examples of okx.md (spec 2 and 4), byte for byte. */
import { describe, expect, it } from 'vitest';

import {
  okxSign,
  restAuthHeaders,
  restPrehash,
  restSignature,
  restTimestamp,
  wsLoginArg,
  wsLoginFrame,
  wsLoginSignature,
  wsLoginTimestamp,
} from '../../../src/venues/okx/signing.js';

const SECRET = 'A1B2C3D4E5F60718293A4B5C6D7E8F90';
const TS = '2025-03-01T12:00:00.123Z';
const TS_MS = Date.UTC(2025, 2, 1, 12, 0, 0, 123);
const BODY =
  '{"instId":"BTC-USDT-SWAP","tdMode":"cross","side":"buy","posSide":"long","ordType":"limit","px":"60000","sz":"1","clOrdId":"bot1a2b3c"}';

describe('okx REST signing (spec 2 worked example)', () => {
  it('formats the timestamp as ISO-8601 with milliseconds', () => {
    expect(restTimestamp(TS_MS)).toBe(TS);
    expect(restTimestamp(Date.UTC(2025, 2, 1, 12))).toBe('2025-03-01T12:00:00.000Z');
  });

  it('builds the prehash as timestamp + METHOD + requestPath + body', () => {
    expect(restPrehash(TS, 'POST', '/api/v5/trade/order', BODY)).toBe(`2025-03-01T12:00:00.123ZPOST/api/v5/trade/order${BODY}`);
  });

  it('signs the POST example', () => {
    expect(restSignature(SECRET, TS, 'POST', '/api/v5/trade/order', BODY)).toBe('ZtzSDmZxg4XWpr4VTnn8DmMWxCy9aKglO9PXY57bxUI=');
  });

  it('signs the GET example with the query in the path and an empty body', () => {
    const path = '/api/v5/account/positions?instType=SWAP&instId=BTC-USDT-SWAP';
    expect(restSignature(SECRET, TS, 'GET', path, '')).toBe('s3wlYzUvHIi9Cj7JZLpkaqquORjTMJ1FUTdiV+PqUbk=');
    // the query is part of what is signed
    expect(restSignature(SECRET, TS, 'GET', '/api/v5/account/positions', '')).not.toBe('s3wlYzUvHIi9Cj7JZLpkaqquORjTMJ1FUTdiV+PqUbk=');
  });

  it('puts the four OK-ACCESS headers and the content type on a request', () => {
    const headers = restAuthHeaders({
      apiKey: 'key-1',
      secret: SECRET,
      passphrase: 'pass phrase',
      method: 'POST',
      requestPath: '/api/v5/trade/order',
      body: BODY,
      venueNowMs: TS_MS,
    });
    expect(headers).toEqual({
      'OK-ACCESS-KEY': 'key-1',
      'OK-ACCESS-SIGN': 'ZtzSDmZxg4XWpr4VTnn8DmMWxCy9aKglO9PXY57bxUI=',
      'OK-ACCESS-TIMESTAMP': TS,
      'OK-ACCESS-PASSPHRASE': 'pass phrase',
      'Content-Type': 'application/json',
    });
  });

  it('refuses a non-finite time', () => {
    expect(() => restTimestamp(Number.NaN)).toThrow(RangeError);
    expect(() => wsLoginTimestamp(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('okx WS login signing (spec 4 worked example)', () => {
  it('uses whole seconds, never milliseconds', () => {
    expect(wsLoginTimestamp(Date.UTC(2025, 2, 1, 12))).toBe('1740830400');
    expect(wsLoginTimestamp(Date.UTC(2025, 2, 1, 12) + 999)).toBe('1740830400');
  });

  it('signs timestamp + GET + /users/self/verify', () => {
    expect(wsLoginSignature(SECRET, '1740830400')).toBe('wTOGoe0zlBRCKuRZkl2n022je4KIYfIBGp0ckoLLNvs=');
    expect(okxSign(SECRET, '1740830400GET/users/self/verify')).toBe('wTOGoe0zlBRCKuRZkl2n022je4KIYfIBGp0ckoLLNvs=');
  });

  it('builds the login arg and frame of the spec', () => {
    const nowMs = Date.UTC(2025, 2, 1, 12) + 400;
    expect(wsLoginArg('<key>', SECRET, '<pass>', nowMs)).toEqual({
      apiKey: '<key>',
      passphrase: '<pass>',
      timestamp: '1740830400',
      sign: 'wTOGoe0zlBRCKuRZkl2n022je4KIYfIBGp0ckoLLNvs=',
    });
    expect(wsLoginFrame('<key>', SECRET, '<pass>', nowMs)).toBe(
      '{"op":"login","args":[{"apiKey":"<key>","passphrase":"<pass>","timestamp":"1740830400","sign":"wTOGoe0zlBRCKuRZkl2n022je4KIYfIBGp0ckoLLNvs="}]}',
    );
  });
});
