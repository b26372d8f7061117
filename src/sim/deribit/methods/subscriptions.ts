/**
 * public/private subscribe and unsubscribe. The result is the array of channels actually
 * subscribed (or removed): unknown channels and instruments, private channels on public/subscribe,
 * and channels over the per-connection cap are simply missing from it, as on the venue. Channels
 * the venue publishes but the simulator does not (`incremental_ticker.*`, `markprice.*`, …) refuse
 * the whole call with 11052, naming them, so a client never takes a missing feed for a quiet one.
 */
import { isPrivateChannel, isUnservedChannel, parseChannel, rawNeedsAuth } from '../channels.js';
import type { CallContext, MethodSpec, MethodTable } from '../context.js';
import { errors } from '../errors.js';
import type { Params } from '../params.js';
import type { WsSession } from '../session.js';

function sessionOf(ctx: CallContext): WsSession {
  if (!ctx.session) throw errors.mustBeWebsocket();
  return ctx.session;
}

function subscribe(ctx: CallContext, params: Params, privateCall: boolean): string[] {
  const session = sessionOf(ctx);
  const requested = params.stringArray('channels');
  const cfg = ctx.state.config;
  if (requested.length > cfg.maxChannelsPerCall)
    throw errors.invalidParams('channels', `at most ${cfg.maxChannelsPerCall} channels per call`);
  const label = privateCall ? params.optString('label') : undefined;
  if (label !== undefined && label.length > 16) throw errors.invalidParams('label', 'at most 16 characters');
  const authenticated = privateCall || session.token !== undefined;
  const engine = ctx.state.engine;
  const exists = (name: string): boolean => engine.instrument(name) !== undefined;
  const currencyOf = (name: string): string | undefined => engine.instrument(name)?.currency;
  const unserved = requested.filter(isUnservedChannel);
  if (unserved.length > 0) throw errors.subscribeUnserved(unserved);
  if (
    !authenticated &&
    requested.some((c) => {
      const spec = parseChannel(c, exists, currencyOf);
      return spec !== undefined && rawNeedsAuth(spec);
    })
  )
    throw errors.rawNeedsAuth();
  const result: string[] = [];
  for (const name of ctx.state.faults.filterSubscriptions(requested)) {
    if (result.includes(name)) continue;
    const spec = parseChannel(name, exists, currencyOf);
    if (!spec) continue;
    if (isPrivateChannel(spec) && !privateCall) continue;
    if (!session.subscriptions.has(name)) {
      if (session.subscriptions.size >= cfg.maxChannelsPerConnection) continue;
      session.subscriptions.set(name, { name, spec, ...(label !== undefined && isPrivateChannel(spec) ? { label } : {}) });
    }
    result.push(name);
  }
  return result;
}

function unsubscribe(ctx: CallContext, params: Params): string[] {
  const session = sessionOf(ctx);
  const removed: string[] = [];
  for (const name of params.stringArray('channels')) {
    if (session.subscriptions.delete(name)) {
      forget(session, name);
      removed.push(name);
    }
  }
  return removed;
}

function forget(session: WsSession, name: string): void {
  session.buffers.delete(name);
  session.changes.delete(name);
  session.tickerSent.delete(name);
  session.lastFlushAt.delete(name);
  session.portfolioDirty.delete(name);
  session.indexSent.delete(name);
  session.books.delete(name);
  session.quoteSent.delete(name);
}

function unsubscribeAll(ctx: CallContext): string {
  const session = sessionOf(ctx);
  for (const name of session.subscriptions.keys()) forget(session, name);
  session.subscriptions.clear();
  return 'ok';
}

const base = { wsOnly: true } as const;

const subscribeSpec = (access: 'public' | 'private'): MethodSpec => ({
  ...base,
  access,
  rate: 'subscribe',
  handle: (ctx, params) => subscribe(ctx, params, access === 'private'),
});

export const subscriptionMethods: MethodTable = {
  'public/subscribe': subscribeSpec('public'),
  'private/subscribe': subscribeSpec('private'),
  'public/unsubscribe': { ...base, access: 'public', rate: 'subscribe', handle: unsubscribe },
  'private/unsubscribe': { ...base, access: 'private', rate: 'subscribe', handle: unsubscribe },
  'public/unsubscribe_all': { ...base, access: 'public', rate: 'non_matching_engine', handle: unsubscribeAll },
  'private/unsubscribe_all': { ...base, access: 'private', rate: 'non_matching_engine', handle: unsubscribeAll },
};
