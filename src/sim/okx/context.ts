/** Shared state of one simulated OKX: engine port, clock, credentials, venue-side order metadata, sessions, limits, request log. */
import type { SimClock } from '../clock.js';
import type { SimFaults } from '../faults.js';
import type { OkxCredentials } from './auth.js';
import type { OkxEnginePort } from './engine-port.js';
import type { RateLimiter } from './rate-limit.js';
import type { WsSession } from './session.js';
import type { AlgoMeta, OrderMeta } from './wire.js';

export interface FrontEndConfig {
  /** Max |client time − server time| for REST signatures and WS login. OKX: 30 s. */
  readonly skewMs: number;
  /** The key is a demo key (`x-simulated-trading: 1` required on private REST). */
  readonly demo: boolean;
  /** WS sockets with nothing received for this long are closed with 4004. OKX: 30 s. */
  readonly idleTimeoutMs: number;
  /** Connections per account per private channel before `channel-conn-count-error`. OKX: 30. */
  readonly maxConnsPerChannel: number;
  /** Multiplies the venue's timers (idle close, cancel-all-after) so tests need not wait 30 real seconds. */
  readonly timeScale: number;
  /** login/subscribe/unsubscribe requests per connection per (scaled) hour. OKX: 480. */
  readonly maxOpsPerHour: number;
  readonly uid: string;
}

export interface ReceivedRequest {
  readonly transport: 'http' | 'ws';
  readonly connectionId: string | undefined;
  /** REST: `POST /api/v5/trade/order`; WS: the op. */
  readonly method: string;
  readonly body: unknown;
  readonly at: number;
}

export interface SimState {
  readonly engine: OkxEnginePort;
  readonly clock: SimClock;
  readonly faults: SimFaults;
  readonly credentials: OkxCredentials;
  readonly limiter: RateLimiter;
  readonly config: FrontEndConfig;
  readonly sessions: Map<string, WsSession>;
  readonly orderMeta: Map<string, OrderMeta>;
  readonly algoMeta: Map<string, AlgoMeta>;
  /** Amends accepted over REST whose `orders` push is still to go: ordId → reqId. */
  readonly pendingAmends: Map<string, string>;
  /** posId per instrument (stable while the sim runs). */
  readonly posIds: Map<string, string>;
  readonly requests: ReceivedRequest[];
  readonly requestLogLimit: number;
}

export function logRequest(state: SimState, entry: ReceivedRequest): void {
  state.requests.push(entry);
  if (state.requests.length > state.requestLogLimit) state.requests.splice(0, state.requests.length - state.requestLogLimit);
}

/** Stable posId per instrument. */
export function posIdOf(state: SimState, instId: string): string {
  let id = state.posIds.get(instId);
  if (id === undefined) {
    id = String(1752810569801498626n + BigInt(state.posIds.size));
    state.posIds.set(instId, id);
  }
  return id;
}
