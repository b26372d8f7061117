/**
 * Executes one JSON-RPC request for either transport: method lookup, transport rules, login gate
 * and scopes, rate-limit credits, then the handler. Throws RpcError with the venue's reply.
 */
import { EngineRejection } from '../engine/types.js';
import type { Principal } from './auth.js';
import { hasScope } from './auth.js';
import type { CallContext, SimState } from './context.js';
import { errors, fromEngineRejection } from './errors.js';
import { METHODS } from './methods/index.js';
import { Params } from './params.js';
import { RpcError, type RpcRequest } from './rpc.js';
import type { WsSession } from './session.js';

export interface DispatchInput {
  readonly state: SimState;
  readonly transport: 'ws' | 'http';
  readonly session: WsSession | undefined;
  /** REST: authenticates from the Authorization header (undefined when there is none). */
  readonly httpPrincipal?: () => Principal | undefined;
  /** REST: the client address, for rate limiting unauthenticated traffic. */
  readonly ip: string;
}

function principalFor(input: DispatchInput, params: Params): Principal {
  const { state, session } = input;
  const token = params.optString('access_token');
  if (token !== undefined) {
    const record = state.auth.resolveAccessToken(token, session?.id);
    return { clientId: record.clientId, scopes: record.scopes, token: record };
  }
  if (session) {
    if (!session.token) throw errors.unauthorized();
    state.auth.checkToken(session.token);
    return { clientId: session.token.clientId, scopes: session.token.scopes, token: session.token };
  }
  const p = input.httpPrincipal?.();
  if (!p) throw errors.unauthorized();
  return p;
}

/** Runs the request; returns the `result` value or throws the RpcError to answer with. */
export function dispatch(input: DispatchInput, request: RpcRequest): unknown {
  const { state } = input;
  const spec = METHODS[request.method];
  if (!spec) throw errors.methodNotFound();
  if (spec.wsOnly && input.transport === 'http') throw errors.mustBeWebsocket();
  const params = new Params(request.params);
  let principal: Principal | undefined;
  if (spec.access === 'private') {
    principal = principalFor(input, params);
    if (spec.scope !== undefined && !hasScope(principal.scopes, spec.scope)) throw errors.forbidden(spec.scope);
  }
  const who = principal?.clientId ?? input.session?.token?.clientId ?? (input.session ? `conn:${input.session.id}` : `ip:${input.ip}`);
  if (!state.limiter.take(who, spec.rate)) {
    if (state.config.rateLimitDisconnect && input.session) {
      const s = input.session;
      setImmediate(() => s.close(1008, 'too_many_requests'));
    }
    throw errors.tooManyRequests();
  }
  const now = state.clock.now();
  state.engine.advance(now);
  const ctx: CallContext = { state, transport: input.transport, session: input.session, principal, now };
  try {
    return spec.handle(ctx, params);
  } catch (e) {
    if (e instanceof EngineRejection) throw fromEngineRejection(e);
    throw e;
  }
}

/** Any thrown value as the reply to send: RpcErrors as they are, anything else 11094. */
export function toRpcError(e: unknown): RpcError {
  if (e instanceof RpcError) return e;
  if (e instanceof EngineRejection) return fromEngineRejection(e);
  return new RpcError(11094, 'internal_server_error', { reason: e instanceof Error ? e.message : String(e) }, 500);
}

export type Reply = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: RpcError };

/** A request's reply after fault injection: what to answer, how late, or not at all. */
export interface PlannedReply {
  readonly reply: Reply;
  /** Send the reply this many ms later (0 = now). */
  readonly delayMs: number;
  /** Never send the reply. */
  readonly silent: boolean;
}

/** Consults the fault rules, executes the request unless they say otherwise, and returns the reply plan. */
export function executeWithFaults(input: DispatchInput, request: RpcRequest): PlannedReply {
  const plan = input.state.faults.planRequest(request.method);
  if (plan.error) {
    const status = plan.error.code === 10028 ? 429 : 400;
    return {
      reply: { ok: false, error: new RpcError(plan.error.code, plan.error.message, plan.error.data ?? null, status) },
      delayMs: 0,
      silent: false,
    };
  }
  let reply: Reply = { ok: true, result: null };
  if (plan.execute) {
    try {
      reply = { ok: true, result: dispatch(input, request) };
    } catch (e) {
      reply = { ok: false, error: toRpcError(e) };
    }
  }
  return { reply, delayMs: plan.delayMs ?? 0, silent: plan.noResponse === true };
}
