/** Session methods: auth, keepalive (set_heartbeat/test), hello, time, status, logout, cancel-on-disconnect. */
import type { CallContext, MethodTable } from '../context.js';
import { errors } from '../errors.js';
import { Heartbeat } from '../heartbeat.js';
import { heartbeatFrame } from '../rpc.js';
import type { WsSession } from '../session.js';

function wsSession(ctx: CallContext): WsSession {
  if (!ctx.session) throw errors.mustBeWebsocket();
  return ctx.session;
}

/** Starts (or restarts) the heartbeat of a connection; a missed test_request closes it. */
export function startHeartbeat(ctx: CallContext, session: WsSession, intervalSec: number): void {
  const cfg = ctx.state.config;
  const intervalMs = cfg.heartbeatIntervalMsOverride ?? Math.max(1, Math.round(intervalSec * 1000 * cfg.heartbeatIntervalScale));
  session.heartbeat?.stop();
  session.heartbeat = new Heartbeat(intervalMs, {
    send: (type) => session.send(heartbeatFrame(type)),
    onMissed: () => session.close(1000, 'test_request not answered'),
  });
  session.heartbeat.start();
}

/** enable/disable_cancel_on_disconnect: connection scope only (account scope is not simulated). */
function setCancelOnDisconnect(enabled: boolean): MethodTable[string] {
  return {
    access: 'private',
    rate: 'non_matching_engine',
    scope: 'account:read_write',
    handle(ctx, params) {
      const scope = params.optEnum('scope', ['connection', 'account'] as const) ?? 'connection';
      if (scope === 'account') throw errors.unsupported('scope', 'account');
      wsSession(ctx).cancelOnDisconnect = enabled;
      return 'ok';
    },
  };
}

export const sessionMethods: MethodTable = {
  'public/auth': {
    access: 'public',
    rate: 'non_matching_engine',
    handle(ctx, params) {
      const result = ctx.state.auth.authenticate(params, ctx.session ? { kind: 'ws', connectionId: ctx.session.id } : { kind: 'http' });
      if (ctx.session) {
        const token = ctx.state.auth.resolveAccessToken(String(result['access_token']), ctx.session.id);
        ctx.session.token = token;
      }
      return result;
    },
  },
  'public/test': {
    access: 'public',
    rate: 'non_matching_engine',
    handle(ctx, params) {
      ctx.session?.heartbeat?.answered();
      if (params.optString('expected_result') === 'exception') throw errors.internal();
      return { version: ctx.state.config.version };
    },
  },
  'public/hello': {
    access: 'public',
    wsOnly: true,
    rate: 'non_matching_engine',
    handle(ctx, params) {
      params.string('client_name');
      params.string('client_version');
      return { version: ctx.state.config.version };
    },
  },
  'public/get_time': {
    access: 'public',
    rate: 'non_matching_engine',
    handle: (ctx) => ctx.now,
  },
  'public/status': {
    access: 'public',
    rate: 'non_matching_engine',
    handle: () => ({ locked: 'false', locked_indices: [] }),
  },
  'public/set_heartbeat': {
    access: 'public',
    wsOnly: true,
    rate: 'non_matching_engine',
    handle(ctx, params) {
      const interval = params.decimal('interval').toNumber();
      if (interval < 10) throw errors.invalidParams('interval', 'must be at least 10 seconds');
      startHeartbeat(ctx, wsSession(ctx), interval);
      return 'ok';
    },
  },
  'public/disable_heartbeat': {
    access: 'public',
    wsOnly: true,
    rate: 'non_matching_engine',
    handle(ctx) {
      const s = wsSession(ctx);
      s.heartbeat?.stop();
      s.heartbeat = undefined;
      return 'ok';
    },
  },
  'private/logout': {
    access: 'private',
    wsOnly: true,
    rate: 'non_matching_engine',
    handle(ctx, params) {
      const s = wsSession(ctx);
      const invalidate = params.optBool('invalidate_token') ?? true;
      if (invalidate && s.token) ctx.state.auth.revoke(s.token);
      s.token = undefined;
      // Logout closes the socket but does not trigger cancel-on-disconnect.
      s.cancelOnDisconnect = false;
      setImmediate(() => s.close(1000, 'logout'));
      return 'ok';
    },
  },
  'private/enable_cancel_on_disconnect': setCancelOnDisconnect(true),
  'private/disable_cancel_on_disconnect': setCancelOnDisconnect(false),
  'private/get_cancel_on_disconnect': {
    access: 'private',
    rate: 'non_matching_engine',
    handle(ctx, params) {
      const scope = params.optEnum('scope', ['connection', 'account'] as const) ?? 'connection';
      return { scope, enabled: scope === 'connection' ? (ctx.session?.cancelOnDisconnect ?? false) : false };
    },
  },
};
