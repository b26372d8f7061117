/** Shared state of one simulated Deribit venue and the context a method handler runs in. */
import type { SimClock } from '../clock.js';
import type { SimEngine } from '../engine/engine.js';
import type { SimFaults } from '../faults.js';
import type { AuthService, Principal } from './auth.js';
import type { Params } from './params.js';
import type { RateClass, RateLimiter } from './rate-limit.js';
import type { RpcId } from './rpc.js';
import type { WsSession } from './session.js';

/** Front-end settings after defaults were applied. */
export interface FrontEndConfig {
  /** `testnet` flag on every response. */
  testnet: boolean;
  /** Version string of public/test and public/hello. */
  version: string;
  /** Multiplies the set_heartbeat interval (tests use e.g. 0.005: 10 s becomes 50 ms). */
  heartbeatIntervalScale: number;
  /** Replaces the scaled interval entirely when set (ms). */
  heartbeatIntervalMsOverride: number | undefined;
  /** Channels one connection may hold; further channels are left out of the subscribe result. */
  maxChannelsPerConnection: number;
  /** Channels per subscribe call (the venue's 500). */
  maxChannelsPerCall: number;
  /** Idle WS connections without heartbeats are dropped after this long (the venue's 10 min). */
  idleTimeoutMs: number;
  /** Close the connection after answering 10028 (the docs say the session is terminated). */
  rateLimitDisconnect: boolean;
}

/** One request as the simulator received it (for test assertions). */
export interface ReceivedRequest {
  transport: 'ws' | 'http';
  connectionId: string | undefined;
  id: RpcId | undefined;
  method: string;
  params: Record<string, unknown>;
  /** Simulated receive time (ms). */
  at: number;
}

export interface SimState {
  readonly engine: SimEngine;
  readonly clock: SimClock;
  readonly faults: SimFaults;
  readonly auth: AuthService;
  readonly limiter: RateLimiter;
  readonly config: FrontEndConfig;
  readonly sessions: Map<string, WsSession>;
  readonly requests: ReceivedRequest[];
  readonly requestLogLimit: number;
}

/** Appends to the request log, dropping the oldest entries beyond the limit. */
export function logRequest(state: SimState, entry: ReceivedRequest): void {
  state.requests.push(entry);
  const excess = state.requests.length - state.requestLogLimit;
  if (excess > 0) state.requests.splice(0, excess);
}

export interface CallContext {
  readonly state: SimState;
  readonly transport: 'ws' | 'http';
  /** The WS connection, when the call came over WS. */
  readonly session: WsSession | undefined;
  /** The authenticated identity (private methods only). */
  principal: Principal | undefined;
  readonly now: number;
}

export interface MethodSpec {
  readonly access: 'public' | 'private';
  /** Methods only available over WebSocket (10030 over HTTP). */
  readonly wsOnly?: boolean;
  readonly rate: RateClass;
  /** Scope the token needs (e.g. trade:read_write). */
  readonly scope?: string;
  handle(ctx: CallContext, params: Params): unknown;
}

export type MethodTable = Readonly<Record<string, MethodSpec>>;
