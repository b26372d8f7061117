/** Shared state of one simulated Bybit: engine port, clock, faults, credentials, venue-side order metadata, sessions, limits, request log. */
import type { SimClock } from '../clock.js';
import type { SimFaults } from '../faults.js';
import type { BybitCredentials } from './auth.js';
import type { BybitEnginePort } from './engine-port.js';
import type { RateLimiter } from './rate-limit.js';
import type { WsSession } from './session.js';
import type { OrderMeta } from './wire.js';

export interface FrontEndConfig {
  /** A WS connection that has sent no `{"op":"ping"}` for this long is dropped; false = never. Bybit (operators' reports): 20 s. */
  readonly idleTimeoutMs: number | false;
  /** Multiplies the venue's timers so tests need not wait 20 real seconds. */
  readonly timeScale: number;
}

export interface ReceivedRequest {
  readonly transport: 'http' | 'ws';
  readonly connectionId: string | undefined;
  /** REST: `POST /v5/order/create`; WS: the op. */
  readonly method: string;
  readonly body: unknown;
  readonly at: number;
}

export interface SimState {
  readonly engine: BybitEnginePort;
  readonly clock: SimClock;
  readonly faults: SimFaults;
  readonly credentials: BybitCredentials;
  readonly limiter: RateLimiter;
  readonly config: FrontEndConfig;
  readonly sessions: Map<string, WsSession>;
  /** orderLinkId, category and TP/SL settings per order id (the engine keeps none). */
  readonly orderMeta: Map<string, OrderMeta>;
  /** orderLinkId → orderId, for lookups and the duplicate rule (110072). */
  readonly linkIds: Map<string, string>;
  readonly requests: ReceivedRequest[];
  readonly requestLogLimit: number;
  /** Where a handler's unexpected failure goes (the request gets a 10016 answer). */
  readonly onError: (e: unknown) => void;
}

export function logRequest(state: SimState, entry: ReceivedRequest): void {
  state.requests.push(entry);
  if (state.requests.length > state.requestLogLimit) state.requests.splice(0, state.requests.length - state.requestLogLimit);
}
