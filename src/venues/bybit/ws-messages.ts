/**
 * Bybit v5 WS frames (spec 3–5): classification of every inbound frame by a cheap field check
 * (`topic` first: the bulk; then `op`), each stream's own pong shape (public `op:"ping"` +
 * `ret_msg:"pong"`, private `op:"pong"`, trade `op:"pong"` with `retCode`), auth and subscribe acks
 * in the private (`success`/`ret_msg`) and trade (`retCode`/`retMsg`) envelopes, and the outbound
 * ping, auth and subscribe frames. The classifier never throws: a malformed frame comes back as
 * `malformed` with a named reason, counted when the caller passes counts.
 */

/** Why a frame was refused. Stable names: they are log fields and counter keys. */
export const MALFORMED_REASONS = ['not_json', 'not_object', 'bad_push', 'bad_ack', 'unknown_op', 'unrecognised'] as const;
export type MalformedReason = (typeof MALFORMED_REASONS)[number];

export type MalformedCounts = Record<MalformedReason, number>;

export function newMalformedCounts(): MalformedCounts {
  return { not_json: 0, not_object: 0, bad_push: 0, bad_ack: 0, unknown_op: 0, unrecognised: 0 };
}

/** One inbound frame, classified. `push.data` is left unvalidated: the topic's parser reads it. */
export type BybitInboundFrame =
  | { readonly kind: 'pong' }
  | {
      readonly kind: 'push';
      readonly topic: string;
      /** `snapshot` | `delta` on public topics; absent on private ones. */
      readonly type: unknown;
      readonly ts: unknown;
      readonly data: unknown;
    }
  | { readonly kind: 'auth'; readonly ok: boolean; readonly message: string; readonly retCode?: number; readonly reqId?: string }
  | { readonly kind: 'subscribe' | 'unsubscribe'; readonly ok: boolean; readonly message: string; readonly reqId?: string }
  | {
      readonly kind: 'op';
      readonly op: string;
      readonly retCode: number;
      readonly message: string;
      readonly reqId?: string;
      readonly data: unknown;
    }
  | { readonly kind: 'malformed'; readonly reason: MalformedReason; readonly detail: string };

const PONG: BybitInboundFrame = { kind: 'pong' };

/**
 * True for a keepalive answer on any stream: `op:"pong"` (private, trade, option) or
 * `op:"ping"` with `ret_msg:"pong"` (public linear / inverse / spot).
 */
export function isPong(frame: unknown): boolean {
  if (typeof frame !== 'object' || frame === null) return false;
  // Pushes (the bulk) carry no `op`: one property read answers them.
  const op = (frame as Record<string, unknown>).op;
  if (op === undefined) return false;
  return op === 'pong' || (op === 'ping' && (frame as Record<string, unknown>).ret_msg === 'pong');
}

/** Classifies an already parsed frame. Pushes (the bulk) cost one property read and two type checks. Never throws. */
export function classifyFrame(frame: unknown, counts?: MalformedCounts): BybitInboundFrame {
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    return malformed(counts, 'not_object', `expected a JSON object, got ${describe(frame)}`);
  }
  const f = frame as Record<string, unknown>;
  const topic = f.topic;
  if (topic !== undefined) {
    if (typeof topic !== 'string' || topic === '') return malformed(counts, 'bad_push', 'topic is not a non-empty string');
    const data = f.data;
    if (typeof data !== 'object' || data === null)
      return malformed(counts, 'bad_push', `push on ${preview(topic)} without a data object or array`);
    return { kind: 'push', topic, type: f.type, ts: f.ts ?? f.creationTime, data };
  }
  const op = f.op;
  if (typeof op !== 'string') return malformed(counts, 'unrecognised', 'neither a push (topic + data) nor an op reply');
  if (op === 'pong' || (op === 'ping' && f.ret_msg === 'pong')) return PONG;
  const reqId =
    typeof f.req_id === 'string' && f.req_id !== '' ? f.req_id : typeof f.reqId === 'string' && f.reqId !== '' ? f.reqId : undefined;
  const message = typeof f.ret_msg === 'string' ? f.ret_msg : typeof f.retMsg === 'string' ? f.retMsg : '';
  const ok = ackOk(f);
  switch (op) {
    case 'auth': {
      if (ok === undefined) return malformed(counts, 'bad_ack', 'auth reply without success or retCode');
      const out: { kind: 'auth'; ok: boolean; message: string; retCode?: number; reqId?: string } = { kind: 'auth', ok, message };
      if (typeof f.retCode === 'number') out.retCode = f.retCode;
      if (reqId !== undefined) out.reqId = reqId;
      return out;
    }
    case 'subscribe':
    case 'unsubscribe': {
      if (ok === undefined) return malformed(counts, 'bad_ack', `${op} reply without success or retCode`);
      const out: { kind: 'subscribe' | 'unsubscribe'; ok: boolean; message: string; reqId?: string } = { kind: op, ok, message };
      if (reqId !== undefined) out.reqId = reqId;
      return out;
    }
    case 'ping':
      return malformed(counts, 'bad_ack', 'ping reply whose ret_msg is not "pong"');
    default: {
      if (!op.startsWith('order.')) return malformed(counts, 'unknown_op', `unknown op ${preview(op)}`);
      if (typeof f.retCode !== 'number') return malformed(counts, 'bad_ack', `${preview(op)} reply without a numeric retCode`);
      const out: { kind: 'op'; op: string; retCode: number; message: string; reqId?: string; data: unknown } = {
        kind: 'op',
        op,
        retCode: f.retCode,
        message,
        data: f.data,
      };
      if (reqId !== undefined) out.reqId = reqId;
      return out;
    }
  }
}

/** `success` (private/public envelope) or `retCode === 0` (trade envelope); undefined when neither is there. */
function ackOk(f: Record<string, unknown>): boolean | undefined {
  if (typeof f.success === 'boolean') return f.success;
  if (typeof f.retCode === 'number') return f.retCode === 0;
  return undefined;
}

function malformed(counts: MalformedCounts | undefined, reason: MalformedReason, detail: string): BybitInboundFrame {
  if (counts !== undefined) counts[reason] += 1;
  return { kind: 'malformed', reason, detail };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${preview(value)}`;
  return `a ${typeof value}`;
}

/** A bounded preview of untrusted text for messages. */
function preview(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

// ---- topics and outbound frames ---------------------------------------------------------------

/** The private topics this daemon needs (all-in-one style: one subscription covers every category). */
export const PRIVATE_TOPICS: readonly string[] = ['order', 'execution', 'position', 'wallet'];

/** The public ticker topic of one symbol. */
export function tickerTopic(symbol: string): string {
  return `tickers.${symbol}`;
}

/** True for topics that need an authenticated socket. */
export function topicNeedsAuth(topic: string): boolean {
  const head = topic.split('.')[0] ?? '';
  return head === 'order' || head === 'execution' || head === 'position' || head === 'wallet' || head === 'dcp' || head === 'greeks';
}

/** `{"req_id","op":"subscribe"|"unsubscribe","args":[...]}`. */
export function subscriptionFrame(
  op: 'subscribe' | 'unsubscribe',
  reqId: string,
  topics: readonly string[],
): { readonly req_id: string; readonly op: 'subscribe' | 'unsubscribe'; readonly args: readonly string[] } {
  return { req_id: reqId, op, args: topics };
}

/** The keepalive frame: `{"op":"ping"}` with a `req_id` on public/private (the trade stream documents only `{"op":"ping"}`). */
export function pingFrame(reqId?: string): { readonly op: 'ping'; readonly req_id?: string } {
  return reqId === undefined ? { op: 'ping' } : { op: 'ping', req_id: reqId };
}
