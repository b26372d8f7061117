/** OKX error codes classified into the project's neutral classes: rejected / retryable / unknown, with families and actions. */
import { describe, expect, it } from 'vitest';

import { TransportError } from '../../../src/domain/errors.js';
import {
  classify,
  classifyLoginError,
  errorAction,
  errorFamily,
  errorInfo,
  isAuthError,
  isClockSkew,
  isDuplicateClientId,
  isImmediateTrigger,
  isLoginRequired,
  isNoPosition,
  isOrderAlreadyClosed,
  isOrderNotFound,
  isRateLimited,
  isWrongWsUrl,
  OKX_ERROR_CODES,
  OkxApiError,
} from '../../../src/venues/okx/errors.js';

const err = (code: string, msg = '', extra: { subCode?: string; perItem?: boolean; httpStatus?: number } = {}): OkxApiError =>
  new OkxApiError({ code, msg, ...extra });

describe('okx error table', () => {
  it.each([
    // [code, class, family, action]
    ['50011', 'retryable', 'rate_limit', 'backoff'],
    ['50013', 'retryable', 'rate_limit', 'backoff'],
    ['50061', 'retryable', 'rate_limit', 'backoff'],
    ['60014', 'retryable', 'rate_limit', 'backoff'],
    ['50102', 'retryable', 'clock', 'resync_clock'],
    ['60006', 'retryable', 'clock', 'resync_clock'],
    ['50113', 'rejected', 'auth', 'stop'],
    ['50101', 'rejected', 'auth', 'stop'],
    ['50119', 'rejected', 'auth', 'stop'],
    ['60009', 'rejected', 'auth', 'stop'],
    ['60011', 'retryable', 'ws', 'reauth'],
    ['64001', 'rejected', 'ws', 'fix_request'],
    ['64002', 'rejected', 'ws', 'fix_request'],
    ['64008', 'retryable', 'ws', 'reconnect'],
    ['51000', 'rejected', 'request', 'fix_request'],
    ['51121', 'rejected', 'request', 'fix_request'],
    ['51008', 'rejected', 'funds', 'alert'],
    ['51016', 'rejected', 'duplicate', 'reconcile'],
    ['50071', 'rejected', 'duplicate', 'reconcile'],
    ['51603', 'rejected', 'not_found', 'reconcile'],
    ['51400', 'rejected', 'already_closed', 'reconcile'],
    ['51503', 'rejected', 'already_closed', 'reconcile'],
    ['51023', 'rejected', 'position', 'reconcile'],
    ['51205', 'rejected', 'position', 'reconcile'],
    ['51050', 'rejected', 'trigger', 'fix_request'],
    ['51279', 'rejected', 'trigger', 'fix_request'],
    ['50004', 'unknown', 'unavailable', 'reconcile'],
    ['50001', 'unknown', 'unavailable', 'reconcile'],
    ['50026', 'unknown', 'unavailable', 'reconcile'],
    ['51054', 'unknown', 'unavailable', 'reconcile'],
    ['51010', 'rejected', 'account_mode', 'stop'],
  ])('%s is %s (%s → %s)', (code, cls, family, action) => {
    const e = err(code);
    expect(classify(e)).toBe(cls);
    expect(errorFamily(e)).toBe(family);
    expect(errorAction(e)).toBe(action);
  });

  it('has no duplicate rows and every row is complete', () => {
    for (const [code, info] of OKX_ERROR_CODES) {
      expect(info.code).toBe(code);
      expect(info.name).not.toBe('');
    }
    expect(OKX_ERROR_CODES.size).toBeGreaterThan(80);
  });

  it('an unlisted code is unknown: we cannot tell whether the venue acted', () => {
    expect(errorInfo('59999')).toBeUndefined();
    expect(classify(err('59999'))).toBe('unknown');
    expect(errorAction(err('59999'))).toBe('none');
  });
});

describe('okx error predicates', () => {
  it('name the neutral cases', () => {
    expect(isRateLimited(err('50011'))).toBe(true);
    expect(isRateLimited(new TransportError('RATE_LIMITED', '429'))).toBe(true);
    expect(isRateLimited(err('51008'))).toBe(false);
    expect(isAuthError(err('50113'))).toBe(true);
    expect(isAuthError(err('50102'))).toBe(false);
    expect(isClockSkew(err('50102'))).toBe(true);
    expect(isClockSkew(err('60006'))).toBe(true);
    expect(isOrderNotFound(err('51603'))).toBe(true);
    expect(isOrderAlreadyClosed(err('51400'))).toBe(true);
    expect(isOrderAlreadyClosed(err('51410'))).toBe(true);
    expect(isDuplicateClientId(err('51016'))).toBe(true);
    expect(isNoPosition(err('51023'))).toBe(true);
    expect(isImmediateTrigger(err('51053'))).toBe(true);
    expect(isImmediateTrigger(err('51121'))).toBe(false);
    expect(isLoginRequired(err('60011'))).toBe(true);
    expect(isWrongWsUrl(err('64002'))).toBe(true);
    expect(isOrderNotFound(new Error('51603'))).toBe(false);
  });

  it('transport failures: never sent is retryable, anything else unknown', () => {
    expect(classify(new TransportError('NOT_CONNECTED', 'x'))).toBe('retryable');
    expect(classify(new TransportError('TIMEOUT', 'x'))).toBe('unknown');
    expect(errorAction(new TransportError('TIMEOUT', 'x'))).toBe('reconcile');
    expect(classify(new Error('boom'))).toBe('unknown');
  });

  it('login failures: credentials, clock, rate limit, transient', () => {
    expect(classifyLoginError(err('60009'))).toBe('credentials');
    expect(classifyLoginError(err('60024'))).toBe('credentials');
    expect(classifyLoginError(err('60006'))).toBe('clock');
    expect(classifyLoginError(err('60004'))).toBe('clock');
    expect(classifyLoginError(err('60014'))).toBe('rate_limited');
    expect(classifyLoginError(err('63999'))).toBe('transient');
    expect(classifyLoginError(new TransportError('TIMEOUT', 'x'))).toBe('transient');
  });
});

describe('OkxApiError', () => {
  it('keeps code, message, sub-code and where it came from', () => {
    const e = err('51008', 'Order failed. Insufficient USDT margin in account', { subCode: '1001', perItem: true, httpStatus: 200 });
    expect(e).toMatchObject({
      code: 'VENUE_REJECTED',
      venue: 'okx',
      venueCode: '51008_1001',
      okxCode: '51008',
      subCode: '1001',
      perItem: true,
      httpStatus: 200,
    });
    expect(e.message).toBe('okx rejected request: 51008_1001 Order failed. Insufficient USDT margin in account');
    expect(err('51008', 'x', { subCode: '' }).subCode).toBeUndefined();
  });

  it('falls back to the table name when the venue sent no message', () => {
    expect(err('50011').message).toContain('50011 rate limit reached');
  });
});
