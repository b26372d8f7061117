/** Bybit retCodes (bybit.md section 11) classified rejected / retryable / unknown, and the port outcomes built from them. */
import { describe, expect, it } from 'vitest';

import { TransportError } from '../../../src/domain/errors.js';
import {
  BYBIT_ERROR_FACTS,
  BybitApiError,
  BybitRequestError,
  classify,
  isAuthError,
  isClockSkew,
  isDuplicateClientId,
  isImmediateTrigger,
  isNoPosition,
  isOrderAlreadyClosed,
  isOrderNotFound,
  isRateLimited,
} from '../../../src/venues/bybit/errors.js';
import { readEnvelope } from '../../../src/venues/bybit/parse.js';
import { cancelOutcomeOf, commandOutcomeOf } from '../../../src/venues/shared/command-outcome.js';
import { bybitFixture } from './bybit-fixtures.js';

const err = (retCode: number, retMsg = ''): BybitApiError => new BybitApiError({ retCode, retMsg });

describe('bybit errors', () => {
  it.each([
    [10000, 'unknown'],
    [10016, 'unknown'],
    [10014, 'unknown'],
    [10001, 'rejected'],
    [10002, 'retryable'],
    [10003, 'rejected'],
    [10004, 'rejected'],
    [10005, 'rejected'],
    [10006, 'retryable'],
    [10010, 'rejected'],
    [10017, 'rejected'],
    [10018, 'retryable'],
    [110001, 'rejected'],
    [110007, 'rejected'],
    [110008, 'rejected'],
    [110017, 'rejected'],
    [110072, 'rejected'],
    [110092, 'rejected'],
    [110093, 'rejected'],
    [110094, 'rejected'],
    [34040, 'rejected'],
    [10429, 'retryable'],
    [99999, 'unknown'],
  ])('%i is %s', (code, expected) => {
    expect(classify(err(code))).toBe(expected);
  });

  it('classifies transport failures and our own request errors', () => {
    expect(classify(new TransportError('TIMEOUT', 't'))).toBe('unknown');
    expect(classify(new TransportError('NOT_CONNECTED', 'n'))).toBe('retryable');
    expect(classify(new BybitRequestError('qty', 'too small'))).toBe('rejected');
    expect(classify(new Error('x'))).toBe('unknown');
  });

  it('names the families', () => {
    expect(isRateLimited(err(10006))).toBe(true);
    expect(isRateLimited(new TransportError('RATE_LIMITED', '429'))).toBe(true);
    expect(isClockSkew(err(10002))).toBe(true);
    expect(isAuthError(err(10003))).toBe(true);
    expect(isOrderNotFound(err(110001))).toBe(true);
    expect(isOrderAlreadyClosed(err(110010))).toBe(true);
    expect(isDuplicateClientId(err(110072))).toBe(true);
    expect(isNoPosition(err(110017))).toBe(true);
    expect(isImmediateTrigger(err(110092))).toBe(true);
  });

  it('builds port outcomes: rejected with the code, unknown for timeouts, notFound on cancel, immediate trigger', () => {
    expect(commandOutcomeOf(err(110007, 'ab not enough for new order'), BYBIT_ERROR_FACTS)).toMatchObject({
      status: 'rejected',
      code: '110007',
      retryable: false,
    });
    expect(commandOutcomeOf(err(10006), BYBIT_ERROR_FACTS)).toMatchObject({ status: 'rejected', retryable: true });
    expect(commandOutcomeOf(err(10000), BYBIT_ERROR_FACTS).status).toBe('unknown');
    expect(commandOutcomeOf(err(110093), BYBIT_ERROR_FACTS)).toMatchObject({ wouldTriggerImmediately: true });
    expect(cancelOutcomeOf(err(110001), BYBIT_ERROR_FACTS)).toMatchObject({ status: 'rejected', notFound: true });
    expect(cancelOutcomeOf(err(10016), BYBIT_ERROR_FACTS).status).toBe('unknown');
  });

  it.each(['http_error_110007.json', 'http_error_10001_position_idx.json', 'http_error_10001_trading_stop.json'])(
    'the captured %s reads as a rejection',
    (name) => {
      const env = readEnvelope(bybitFixture(name));
      expect(env.retCode).not.toBe(0);
      expect(classify(err(env.retCode, env.retMsg))).toBe('rejected');
    },
  );
});
