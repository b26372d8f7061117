/**
 * OKX WS frames (spec 3–5): classification of every inbound frame by a cheap field check (the
 * literal `pong`, `event`, `arg.channel` + `data`, `op` + `id`), channel routing to the three
 * sockets, and subscribe/unsubscribe frames. The classifier never throws: a malformed frame comes
 * back as `malformed` with a named reason, and is counted when the caller passes counts.
 */
import type { OkxSocketKind } from './urls.js';

/** A subscription arg: `{channel, instId?, instType?, instFamily?, extraParams?}`; pushes add `uid`. Inbound, only `channel` is checked. */
export interface OkxChannelArg {
  readonly channel: string;
  readonly instId?: string;
  readonly instType?: string;
  readonly instFamily?: string;
  readonly extraParams?: string;
  readonly uid?: string;
}

/** Why a frame was refused. Stable names: they are log fields and counter keys. */
export const MALFORMED_REASONS = [
  'not_json',
  'not_object',
  'bad_push',
  'bad_event',
  'unknown_event',
  'bad_op_response',
  'unrecognised',
] as const;
export type MalformedReason = (typeof MALFORMED_REASONS)[number];

/** Per-reason counts of malformed frames; owned by the caller (one per socket), bumped by the classifier. */
export type MalformedCounts = Record<MalformedReason, number>;

/** Fresh zeroed counts. */
export function newMalformedCounts(): MalformedCounts {
  return { not_json: 0, not_object: 0, bad_push: 0, bad_event: 0, unknown_event: 0, bad_op_response: 0, unrecognised: 0 };
}

/** One inbound frame, classified. `push.data` items are left unvalidated: the channel's parser reads them. */
export type OkxInboundFrame =
  | { readonly kind: 'pong' }
  | {
      readonly kind: 'push';
      readonly channel: string;
      readonly arg: OkxChannelArg;
      readonly data: readonly unknown[];
      /** `positions`: `snapshot` | `event_update`; absent on most channels. */
      readonly eventType?: string;
      /** `positions` snapshots are paged: `lastPage: true` closes a full snapshot. */
      readonly curPage?: number;
      readonly lastPage?: boolean;
      /** `books`-style channels: `snapshot` | `update`. */
      readonly action?: string;
    }
  | { readonly kind: 'login'; readonly ok: boolean; readonly code: string; readonly msg: string; readonly connId?: string }
  | { readonly kind: 'subscribe' | 'unsubscribe'; readonly arg: OkxChannelArg; readonly id?: string; readonly connId?: string }
  | {
      readonly kind: 'error';
      readonly code: string;
      readonly msg: string;
      readonly id?: string;
      readonly arg?: OkxChannelArg;
      readonly connId?: string;
    }
  | { readonly kind: 'notice'; readonly code: string; readonly msg: string; readonly connId?: string }
  | {
      readonly kind: 'channel-conn-count' | 'channel-conn-count-error';
      readonly channel: string;
      readonly connCount: string;
      readonly connId?: string;
    }
  | {
      readonly kind: 'op';
      readonly id: string;
      readonly op: string;
      readonly code: string;
      readonly msg: string;
      readonly data: readonly unknown[];
      readonly inTime?: string;
      readonly outTime?: string;
    }
  | { readonly kind: 'malformed'; readonly reason: MalformedReason; readonly detail: string };

/** True for the keepalive answer: the literal text frame `pong` (not JSON). */
export function isPongText(raw: string): boolean {
  return raw === 'pong';
}

/**
 * Classifies a frame as received (text). `pong` is recognised before any JSON parse; a JSON
 * syntax error is `malformed: not_json`. Never throws.
 */
export function classifyText(raw: string, counts?: MalformedCounts): OkxInboundFrame {
  if (raw === 'pong') return PONG;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return malformed(counts, 'not_json', `not JSON: ${preview(raw)}`);
  }
  return classifyFrame(parsed, counts);
}

const PONG: OkxInboundFrame = { kind: 'pong' };

/**
 * Classifies an already parsed frame. Data pushes (the bulk) are checked first and cost a few
 * property reads: `arg` object with a string `channel` and an array `data`. Then `event` frames,
 * then `op` replies (which carry `id`). Never throws.
 */
export function classifyFrame(frame: unknown, counts?: MalformedCounts): OkxInboundFrame {
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    return malformed(counts, 'not_object', `expected a JSON object, got ${describe(frame)}`);
  }
  const f = frame as Record<string, unknown>;
  const event = f.event;
  if (event === undefined) {
    const arg = f.arg;
    if (arg !== undefined) {
      if (!isArg(arg)) return malformed(counts, 'bad_push', 'push without an arg object carrying a string channel');
      const data = f.data;
      if (!Array.isArray(data)) return malformed(counts, 'bad_push', `push on ${arg.channel} without a data array`);
      return pushFrame(arg, data, f);
    }
    if (f.op !== undefined) return opFrame(f, counts);
    return malformed(counts, 'unrecognised', 'neither a push (arg + data), an event nor an op reply');
  }
  if (typeof event !== 'string') return malformed(counts, 'bad_event', `event is ${describe(event)}`);
  const connId = typeof f.connId === 'string' ? f.connId : undefined;
  switch (event) {
    case 'login': {
      const code = codeOf(f.code);
      if (code === undefined) return malformed(counts, 'bad_event', 'login event without a code');
      const msg = typeof f.msg === 'string' ? f.msg : '';
      return withConn({ kind: 'login', ok: code === '0', code, msg }, connId);
    }
    case 'subscribe':
    case 'unsubscribe': {
      if (!isArg(f.arg)) return malformed(counts, 'bad_event', `${event} ack without an arg carrying a channel`);
      const out: { kind: 'subscribe' | 'unsubscribe'; arg: OkxChannelArg; id?: string; connId?: string } = { kind: event, arg: f.arg };
      if (typeof f.id === 'string') out.id = f.id;
      return withConn(out, connId);
    }
    case 'error': {
      const code = codeOf(f.code);
      if (code === undefined) return malformed(counts, 'bad_event', 'error event without a code');
      const out: { kind: 'error'; code: string; msg: string; id?: string; arg?: OkxChannelArg; connId?: string } = {
        kind: 'error',
        code,
        msg: typeof f.msg === 'string' ? f.msg : '',
      };
      if (typeof f.id === 'string') out.id = f.id;
      if (isArg(f.arg)) out.arg = f.arg;
      return withConn(out, connId);
    }
    case 'notice': {
      const code = codeOf(f.code);
      if (code === undefined) return malformed(counts, 'bad_event', 'notice event without a code');
      return withConn({ kind: 'notice', code, msg: typeof f.msg === 'string' ? f.msg : '' }, connId);
    }
    case 'channel-conn-count':
    case 'channel-conn-count-error': {
      if (typeof f.channel !== 'string') return malformed(counts, 'bad_event', `${event} without a channel`);
      const connCount = codeOf(f.connCount);
      if (connCount === undefined) return malformed(counts, 'bad_event', `${event} without connCount`);
      return withConn({ kind: event, channel: f.channel, connCount }, connId);
    }
    default:
      return malformed(counts, 'unknown_event', `unknown event ${preview(event)}`);
  }
}

function pushFrame(arg: OkxChannelArg, data: readonly unknown[], f: Record<string, unknown>): OkxInboundFrame {
  const eventType = f.eventType;
  const action = f.action;
  if (eventType === undefined && action === undefined) return { kind: 'push', channel: arg.channel, arg, data };
  const out: {
    kind: 'push';
    channel: string;
    arg: OkxChannelArg;
    data: readonly unknown[];
    eventType?: string;
    curPage?: number;
    lastPage?: boolean;
    action?: string;
  } = {
    kind: 'push',
    channel: arg.channel,
    arg,
    data,
  };
  if (typeof eventType === 'string') out.eventType = eventType;
  if (typeof action === 'string') out.action = action;
  if (typeof f.curPage === 'number') out.curPage = f.curPage;
  if (typeof f.lastPage === 'boolean') out.lastPage = f.lastPage;
  return out;
}

function opFrame(f: Record<string, unknown>, counts: MalformedCounts | undefined): OkxInboundFrame {
  const { id, op } = f;
  const code = codeOf(f.code);
  if (typeof id !== 'string' || typeof op !== 'string' || code === undefined) {
    return malformed(counts, 'bad_op_response', 'op reply without a string id, op and code');
  }
  const data = f.data === undefined ? [] : f.data;
  if (!Array.isArray(data)) return malformed(counts, 'bad_op_response', `op ${preview(op)} reply with a non-array data`);
  const out: {
    kind: 'op';
    id: string;
    op: string;
    code: string;
    msg: string;
    data: readonly unknown[];
    inTime?: string;
    outTime?: string;
  } = {
    kind: 'op',
    id,
    op,
    code,
    msg: typeof f.msg === 'string' ? f.msg : '',
    data,
  };
  if (typeof f.inTime === 'string') out.inTime = f.inTime;
  if (typeof f.outTime === 'string') out.outTime = f.outTime;
  return out;
}

function isArg(value: unknown): value is OkxChannelArg {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Record<string, unknown>).channel === 'string'
  );
}

/** Codes are strings on the wire; a number is tolerated (and turned into its string). */
function codeOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  return undefined;
}

function withConn<T extends object>(frame: T, connId: string | undefined): T & { connId?: string } {
  if (connId !== undefined) (frame as T & { connId?: string }).connId = connId;
  return frame;
}

function malformed(counts: MalformedCounts | undefined, reason: MalformedReason, detail: string): OkxInboundFrame {
  if (counts !== undefined) counts[reason] += 1;
  return { kind: 'malformed', reason, detail };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${preview(value)}`;
  return `a ${typeof value}`;
}

/** A bounded preview of untrusted text for messages (an oversized frame must not flood the log). */
function preview(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

// ---- channels and outbound frames -----------------------------------------------------------

/** Channels this daemon uses and the socket each lives on (spec 1, 5): the wrong URL gives `64001`/`64002`. */
export const OKX_CHANNEL_SOCKETS: Readonly<Record<string, OkxSocketKind>> = {
  tickers: 'public',
  'mark-price': 'public',
  instruments: 'public',
  orders: 'private',
  positions: 'private',
  balance_and_position: 'private',
  account: 'private',
  fills: 'private',
  'orders-algo': 'business',
  'algo-advance': 'business',
};

/** The socket a channel must be subscribed on; `candle*` channels are on business; unknown channels are public. */
export function socketForChannel(channel: string): OkxSocketKind {
  const known = OKX_CHANNEL_SOCKETS[channel];
  if (known !== undefined) return known;
  return channel.startsWith('candle') || channel.startsWith('mark-price-candle') || channel.startsWith('index-candle')
    ? 'business'
    : 'public';
}

/** True when subscribing needs a logged-in socket (private and business channels). */
export function channelNeedsLogin(channel: string): boolean {
  return socketForChannel(channel) !== 'public';
}

/** A stable key for a subscription arg (channel plus its instrument selectors), for sets and maps. */
export function channelKey(arg: OkxChannelArg): string {
  return `${arg.channel}|${arg.instType ?? ''}|${arg.instFamily ?? ''}|${arg.instId ?? ''}`;
}

/**
 * A `subscribe` / `unsubscribe` frame. Give every frame a unique `id` (1–32 letters/digits): error
 * frames carry the `id` but no `arg`, so it is the only way to know which request failed.
 */
export function subscriptionFrame(
  op: 'subscribe' | 'unsubscribe',
  id: string,
  args: readonly OkxChannelArg[],
): { readonly id: string; readonly op: 'subscribe' | 'unsubscribe'; readonly args: readonly OkxChannelArg[] } {
  return { id, op, args };
}

/** The public args for one instrument's market data: `tickers` (bid/ask/last) and `mark-price`. */
export function marketDataArgs(instId: string): readonly OkxChannelArg[] {
  return [
    { channel: 'tickers', instId },
    { channel: 'mark-price', instId },
  ];
}

/**
 * The private-socket args this daemon needs: `orders` (no snapshot: reconcile over REST after
 * subscribing), `positions` (event-driven only: `updateInterval` `"0"`, sent as a JSON string inside
 * the JSON) and `balance_and_position`. `instType` defaults to `SWAP` for orders, `ANY` for positions.
 */
export function privateChannelArgs(ordersInstType = 'SWAP', positionsInstType = 'ANY'): readonly OkxChannelArg[] {
  return [
    { channel: 'orders', instType: ordersInstType },
    { channel: 'positions', instType: positionsInstType, extraParams: JSON.stringify({ updateInterval: '0' }) },
    { channel: 'balance_and_position' },
  ];
}

/** The business-socket args: `orders-algo` (stops and take-profits; no snapshot). */
export function businessChannelArgs(instType = 'ANY'): readonly OkxChannelArg[] {
  return [{ channel: 'orders-algo', instType }];
}

/** The keepalive text frame (not JSON, not an RFC 6455 ping). */
export const PING_TEXT = 'ping';
