/** Deribit error replies (codes and messages from the venue's error table) and the neutral engine-rejection mapping. */
import type { EngineRejection } from '../engine/types.js';
import type { VenueErrorSpec } from '../faults.js';
import { RpcError } from './rpc.js';

export const errors = {
  invalidParams: (param: string, reason: string): RpcError => new RpcError(-32602, 'Invalid params', { param, reason }),
  methodNotFound: (): RpcError => new RpcError(-32601, 'Method not found'),
  /** Private method without (valid) authentication. */
  unauthorized: (reason = 'not authenticated'): RpcError => new RpcError(13009, 'unauthorized', { reason }),
  /** Unknown or expired token (the docs' 2026 sample uses message invalid_token; match on the code). */
  invalidToken: (reason: string): RpcError => new RpcError(13009, 'invalid_token', { reason, param: 'access_token' }),
  invalidCredentials: (): RpcError => new RpcError(13004, 'invalid_credentials'),
  forbidden: (scope: string): RpcError => new RpcError(13021, 'forbidden', { reason: `scope ${scope} required` }),
  tooManyRequests: (): RpcError => new RpcError(10028, 'too_many_requests', null, 429),
  mustBeWebsocket: (): RpcError => new RpcError(10030, 'must_be_websocket_request'),
  /** A subscribe call naming channels the simulator does not publish (the venue's subscribe_error_unsubscribed). */
  subscribeUnserved: (channels: readonly string[]): RpcError =>
    new RpcError(11052, 'subscribe_error_unsubscribed', { channels: [...channels], reason: 'channel not served by the simulator' }),
  rawNeedsAuth: (): RpcError => new RpcError(13778, 'raw_subscriptions_not_available_for_unauthorized'),
  orderNotFound: (): RpcError => new RpcError(10004, 'order_not_found'),
  notOpenOrder: (): RpcError => new RpcError(11044, 'not_open_order'),
  nonUniqueLabel: (): RpcError => new RpcError(13032, 'non_unique_order_label'),
  codNotEnabled: (): RpcError => new RpcError(13042, 'cod_not_enabled'),
  internal: (): RpcError => new RpcError(11094, 'internal_server_error'),
  unsupported: (param: string, value: string): RpcError =>
    new RpcError(-32602, 'Invalid params', { param, reason: `${value} is not supported by the simulator` }),
};

/** The fault injector's rate-limit answer on Deribit (`SimFaults.rateLimitNext`). */
export const DERIBIT_RATE_LIMIT_ERROR: VenueErrorSpec = { code: 10028, message: 'too_many_requests' };

/** Maps an engine refusal to the reply Deribit sends for it. */
export function fromEngineRejection(e: EngineRejection): RpcError {
  const param = e.param ?? 'params';
  switch (e.reason) {
    case 'instrument_not_found':
      return errors.invalidParams('instrument_name', 'instrument not found');
    case 'instrument_not_open':
      return errors.invalidParams('instrument_name', 'instrument is not open');
    case 'invalid_amount':
      return new RpcError(10021, 'invalid_amount', { param, reason: e.message });
    case 'amount_not_multiple':
      // Non-multiple USD amounts on inverse futures: -32602 naming the param (the venue also uses 10027).
      return errors.invalidParams('amount', e.message);
    case 'qty_too_low':
    case 'notional_too_low':
      return new RpcError(10002, 'qty_too_low', { param: 'amount', reason: e.message });
    case 'qty_too_high':
      return new RpcError(10021, 'invalid_amount', { param: 'amount', reason: e.message });
    case 'invalid_price':
      return new RpcError(10023, 'invalid_price', { param, reason: e.message });
    case 'price_wrong_tick':
      return new RpcError(10043, 'price_wrong_tick');
    case 'trigger_price_wrong_tick':
      return new RpcError(10044, 'trigger_price_wrong_tick');
    case 'trigger_price_too_high':
      return new RpcError(10034, 'trigger_price_too_high', { reason: e.message });
    case 'trigger_price_too_low':
      return new RpcError(10035, 'trigger_price_too_low', { reason: e.message });
    case 'missing_price':
    case 'missing_trigger':
      return errors.invalidParams(param, 'must be present');
    case 'post_only_reject':
      return new RpcError(11054, 'post_only_reject');
    case 'reduce_only_would_increase':
    case 'no_position':
      return new RpcError(11029, 'invalid_arguments', { param: e.param ?? 'reduce_only', reason: 'reduce_direction' });
    case 'not_enough_funds':
      return new RpcError(10009, 'not_enough_funds');
    case 'order_not_found':
      return errors.orderNotFound();
    case 'not_open_order':
      return errors.notOpenOrder();
    case 'invalid_edit':
      return errors.invalidParams(param, e.message);
    case 'venue_refused':
      return new RpcError(10001, 'error', { reason: e.message });
  }
}
