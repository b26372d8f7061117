/** The Deribit error table and classify(): rejected, retryable or unknown, and what the adapter does for each. */
import { describe, expect, it } from 'vitest';

import { DaemonError, TransportError, VenueRejectedError } from '../../../src/domain/errors.js';
import type { DeribitErrorAction, DeribitErrorClass } from '../../../src/venues/deribit/errors.js';
import {
  classify,
  DERIBIT_ERROR_CODES,
  DeribitApiError,
  DeribitParseError,
  errorAction,
  errorInfo,
  isOrderAlreadyClosed,
  isOrderNotFound,
} from '../../../src/venues/deribit/errors.js';
import { DeribitVersionResultSchema } from '../../../src/venues/deribit/rest-models.js';
import { unwrapRpcResponse } from '../../../src/venues/deribit/rpc.js';
import { loadFixture } from '../../support/load-fixture.js';

// Every code in deribit.md section 10, with the expected class and action.
const SPEC_TABLE: ReadonlyArray<readonly [number, string, DeribitErrorClass, DeribitErrorAction]> = [
  [10000, 'authorization_required', 'retryable', 'reauth'],
  [10001, 'error', 'unknown', 'reconcile'],
  [10002, 'qty_too_low', 'rejected', 'fix_request'],
  [10003, 'order_overlap', 'rejected', 'none'],
  [10004, 'order_not_found', 'rejected', 'reconcile'],
  [10005, 'price_too_low', 'rejected', 'fix_request'],
  [10006, 'price_too_low4idx', 'rejected', 'fix_request'],
  [10007, 'price_too_high', 'rejected', 'fix_request'],
  [10009, 'not_enough_funds', 'rejected', 'alert'],
  [10010, 'already_closed', 'rejected', 'reconcile'],
  [10012, 'book_closed', 'rejected', 'refresh_instruments'],
  [13019, 'orderbook_closed', 'rejected', 'refresh_instruments'],
  [10019, 'locked_by_admin', 'rejected', 'alert'],
  [10020, 'invalid_or_unsupported_instrument', 'rejected', 'refresh_instruments'],
  [13020, 'not_found', 'rejected', 'refresh_instruments'],
  [10021, 'invalid_amount', 'rejected', 'fix_request'],
  [10023, 'invalid_price', 'rejected', 'fix_request'],
  [10026, 'price_precision_exceeded', 'rejected', 'fix_request'],
  [10027, 'non_integer_contract_amount', 'rejected', 'fix_request'],
  [10028, 'too_many_requests', 'retryable', 'backoff'],
  [10029, 'not_owner_of_order', 'rejected', 'none'],
  [10030, 'must_be_websocket_request', 'rejected', 'fix_request'],
  [10034, 'trigger_price_too_high', 'rejected', 'fix_request'],
  [10035, 'trigger_price_too_low', 'rejected', 'fix_request'],
  [10040, 'retry', 'retryable', 'backoff'],
  [10041, 'settlement_in_progress', 'retryable', 'backoff'],
  [10043, 'price_wrong_tick', 'rejected', 'fix_request'],
  [10044, 'trigger_price_wrong_tick', 'rejected', 'fix_request'],
  [10047, 'matching_engine_queue_full', 'retryable', 'backoff'],
  [10049, 'cancel_on_disconnect_failed', 'retryable', 'alert'],
  [11008, 'already_filled', 'rejected', 'reconcile'],
  [11029, 'invalid_arguments', 'rejected', 'fix_request'],
  [11043, 'bad_argument', 'rejected', 'fix_request'],
  [11049, 'bad_arguments', 'rejected', 'fix_request'],
  [11035, 'no_more_triggers', 'rejected', 'alert'],
  [11036, 'invalid_trigger_price', 'rejected', 'fix_request'],
  [11044, 'not_open_order', 'rejected', 'reconcile'],
  [11050, 'bad_request', 'rejected', 'fix_request'],
  [11051, 'system_maintenance', 'retryable', 'alert'],
  [11052, 'subscribe_error_unsubscribed', 'rejected', 'none'],
  [11054, 'post_only_reject', 'rejected', 'none'],
  [11094, 'internal_server_error', 'unknown', 'reconcile'],
  [12998, 'security_key_authorization_over_limit', 'retryable', 'backoff'],
  [13004, 'invalid_credentials', 'rejected', 'stop'],
  [13009, 'unauthorized', 'retryable', 'reauth'],
  [13021, 'forbidden', 'rejected', 'alert'],
  [13025, 'method_switched_off_by_admin', 'rejected', 'alert'],
  [13028, 'temporarily_unavailable', 'unknown', 'reconcile'],
  [13032, 'non_unique_order_label', 'rejected', 'fix_request'],
  [13042, 'cod_not_enabled', 'rejected', 'none'],
  [13403, 'scope_exceeded', 'rejected', 'alert'],
  [13503, 'unavailable', 'retryable', 'backoff'],
  [13666, 'request_cancelled_by_user', 'rejected', 'none'],
  [13777, 'replaced', 'rejected', 'reconcile'],
  [13778, 'raw_subscriptions_not_available_for_unauthorized', 'retryable', 'reauth'],
  [13888, 'timed_out', 'retryable', 'backoff'],
  [13901, 'no_more_oto_orders', 'rejected', 'alert'],
  [-32600, 'request entity too large', 'rejected', 'fix_request'],
  [-32601, 'Method not found', 'rejected', 'fix_request'],
  [-32602, 'Invalid params', 'rejected', 'fix_request'],
  [-32700, 'Parse error', 'rejected', 'fix_request'],
  [-32000, 'Missing params', 'rejected', 'fix_request'],
];

describe('error table', () => {
  it('covers exactly the codes of spec section 10', () => {
    expect([...DERIBIT_ERROR_CODES.keys()].sort((a, b) => a - b)).toEqual(SPEC_TABLE.map(([code]) => code).sort((a, b) => a - b));
  });

  it.each(SPEC_TABLE)('%i %s → %s / %s', (code, name, expectedClass, expectedAction) => {
    expect(errorInfo(code)?.name).toBe(name);
    const error = new DeribitApiError({ code, message: name }, 'private/buy');
    expect(classify(error)).toBe(expectedClass);
    expect(errorAction(error)).toBe(expectedAction);
  });

  it('classifies an unlisted code as unknown', () => {
    expect(classify(new DeribitApiError({ code: 99999, message: 'new_thing' }))).toBe('unknown');
    expect(errorAction(new DeribitApiError({ code: 99999, message: 'new_thing' }))).toBe('none');
  });
});

describe('classify: transport and other errors', () => {
  it.each([
    ['TIMEOUT', 'unknown'],
    ['DISCONNECTED', 'unknown'],
    ['NETWORK', 'unknown'],
    ['HTTP_5XX', 'unknown'],
    ['RATE_LIMITED', 'unknown'],
    ['NOT_CONNECTED', 'retryable'],
  ] as const)('TransportError %s → %s', (code, expected) => {
    expect(classify(new TransportError(code, 'x'))).toBe(expected);
  });

  it('treats parse failures and plain errors as unknown', () => {
    expect(classify(new DeribitParseError('order.amount', 'bad'))).toBe('unknown');
    expect(classify(new Error('boom'))).toBe('unknown');
    expect(classify('string')).toBe('unknown');
  });
});

describe('DeribitApiError', () => {
  it('is a VenueRejectedError carrying code, message, data and method', () => {
    const error = new DeribitApiError(
      { code: -32602, message: 'Invalid params', data: { param: 'nonce', reason: 'invalid format' } },
      'public/auth',
      1,
    );
    expect(error).toBeInstanceOf(VenueRejectedError);
    expect(error).toBeInstanceOf(DaemonError);
    expect(error.name).toBe('DeribitApiError');
    expect(error.code).toBe('VENUE_REJECTED');
    expect(error.venue).toBe('deribit');
    expect(error.venueCode).toBe('-32602');
    expect(error.rpcCode).toBe(-32602);
    expect(error.rpcMessage).toBe('Invalid params');
    expect(error.method).toBe('public/auth');
    expect(error.requestId).toBe(1);
    expect(error.param).toBe('nonce');
    expect(error.reason).toBe('invalid format');
    expect(error.message).toBe('deribit rejected public/auth: -32602 Invalid params (param=nonce, reason=invalid format)');
  });
});

describe('order lookups', () => {
  it('isOrderNotFound is true only for 10004', () => {
    expect(isOrderNotFound(new DeribitApiError({ code: 10004, message: 'order_not_found' }))).toBe(true);
    expect(isOrderNotFound({ code: 10004, message: 'order_not_found' })).toBe(true);
    expect(isOrderNotFound(new DeribitApiError({ code: 11044, message: 'not_open_order' }))).toBe(false);
    expect(isOrderNotFound(new TransportError('TIMEOUT', 'x'))).toBe(false);
  });

  it('isOrderAlreadyClosed covers 10010, 11008 and 11044', () => {
    for (const code of [10010, 11008, 11044]) expect(isOrderAlreadyClosed({ code, message: '' })).toBe(true);
    expect(isOrderAlreadyClosed({ code: 10004, message: '' })).toBe(false);
  });
});

describe('error fixtures', () => {
  const unwrapError = (name: string, method: string): DeribitApiError => {
    try {
      unwrapRpcResponse(loadFixture('deribit', name), DeribitVersionResultSchema, method);
    } catch (error) {
      if (error instanceof DeribitApiError) return error;
      throw error;
    }
    throw new Error(`${name} did not throw`);
  };

  it('10028 too_many_requests (data null) is retryable with backoff', () => {
    const error = unwrapError('ws_error_10028_too_many_requests.json', 'private/buy');
    expect(error.rpcCode).toBe(10028);
    expect(error.rpcMessage).toBe('too_many_requests');
    expect(error.data).toBeNull();
    expect(error.requestId).toBe(1);
    expect(classify(error)).toBe('retryable');
    expect(errorAction(error)).toBe('backoff');
  });

  it('11050 bad_request is rejected', () => {
    const error = unwrapError('ws_error_11050_bad_request.json', 'private/buy');
    expect(error.rpcCode).toBe(11050);
    expect(error.requestId).toBe(8163);
    expect(classify(error)).toBe('rejected');
  });

  it('13009 with message invalid_token is classified by code: re-auth', () => {
    const error = unwrapError('ws_error_13009_invalid_token.json', 'private/get_positions');
    expect(error.rpcCode).toBe(13009);
    expect(error.rpcMessage).toBe('invalid_token');
    expect(error.reason).toBe('token has expired');
    expect(error.param).toBe('access_token');
    expect(error.requestId).toBe(42);
    expect(classify(error)).toBe('retryable');
    expect(errorAction(error)).toBe('reauth');
  });

  it('-32602 with string usIn/usOut is rejected and names the param', () => {
    const error = unwrapError('ws_error_32602_invalid_params_capture.json', 'public/auth');
    expect(error.rpcCode).toBe(-32602);
    expect(error.param).toBe('nonce');
    expect(error.reason).toBe('invalid format');
    expect(classify(error)).toBe('rejected');
  });
});
