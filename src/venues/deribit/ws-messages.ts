/** Zod schemas mirroring Deribit WS frames (notifications, heartbeats) plus frame and channel routing. */
import { z } from 'zod';

import {
  DeribitAccountSummarySchema,
  DeribitOrderSchema,
  DeribitPositionSchema,
  DeribitTickerSchema,
  DeribitTradeSchema,
} from './rest-models.js';
import type { RpcErrorObject, RpcId } from './rpc.js';
import { RpcErrorResponseSchema, RpcSuccessEnvelopeSchema } from './rpc.js';

/** `{"method":"subscription","params":{"channel","data","label?"}}`; `label` only on labelled private subscriptions. */
export const SubscriptionNotificationSchema = z.object({
  jsonrpc: z.string().optional(),
  method: z.literal('subscription'),
  params: z.object({
    channel: z.string(),
    data: z.unknown(),
    label: z.string().nullish(),
  }),
});
export type SubscriptionNotification = z.infer<typeof SubscriptionNotificationSchema>;

/**
 * `{"method":"heartbeat","params":{"type":"heartbeat"|"test_request"}}`. A `test_request` must be
 * answered with `public/test` at once, or the server closes the connection.
 */
export const HeartbeatNotificationSchema = z.object({
  jsonrpc: z.string().optional(),
  method: z.literal('heartbeat'),
  params: z.object({ type: z.string() }),
});
export type HeartbeatNotification = z.infer<typeof HeartbeatNotificationSchema>;

/** A subscription notification as the client hands it on: channel, payload (unvalidated), receive time. */
export interface DeribitNotification {
  readonly channel: string;
  readonly data: unknown;
  /** Only on labelled private subscriptions. */
  readonly label?: string | undefined;
  /** Host time (ms) when the frame was read off the socket. */
  readonly receivedAtMs: number;
}

/**
 * The hot-path check for `{"method":"subscription","params":{"channel","data","label?"}}`: field
 * checks only, no schema, one allocation (the result); undefined for any other frame (including a
 * subscription frame with a malformed envelope, which `classifyFrame` then names). Does not look
 * into `data`: the channel's reader does.
 */
export function notificationOf(frame: unknown, receivedAtMs: number): DeribitNotification | undefined {
  if (typeof frame !== 'object' || frame === null) return undefined;
  const f = frame as Record<string, unknown>;
  if (f.method !== 'subscription' || f.error !== undefined) return undefined;
  const params = f.params;
  if (typeof params !== 'object' || params === null) return undefined;
  const p = params as Record<string, unknown>;
  const channel = p.channel;
  if (typeof channel !== 'string' || !('data' in p)) return undefined;
  const label = p.label;
  if (label === undefined || label === null) return { channel, data: p.data, receivedAtMs };
  return typeof label === 'string' ? { channel, data: p.data, label, receivedAtMs } : undefined;
}

/** One inbound WS frame, classified by the dispatch rule of spec 1.4. */
export type DeribitInboundFrame =
  | { readonly kind: 'response'; readonly id: RpcId; readonly result: unknown; readonly testnet?: boolean }
  | { readonly kind: 'error'; readonly id?: RpcId; readonly error: RpcErrorObject }
  | { readonly kind: 'subscription'; readonly channel: string; readonly data: unknown; readonly label?: string }
  | { readonly kind: 'heartbeat'; readonly testRequest: boolean }
  | { readonly kind: 'unrecognised'; readonly reason: string };

/**
 * Classifies an already JSON-parsed frame: `id` + `result` → response; `error` (with or without id)
 * → error (an id-less error is a connection fault); `subscription` / `heartbeat` notifications.
 * Never throws.
 */
export function classifyFrame(frame: unknown): DeribitInboundFrame {
  // Cheap field checks first: notifications are the bulk of the traffic and must not pay for the
  // schemas of the rare frames (the error schema used to be tried, and fail, on every one).
  const sub = notificationOf(frame, 0);
  if (sub !== undefined)
    return sub.label === undefined
      ? { kind: 'subscription', channel: sub.channel, data: sub.data }
      : { kind: 'subscription', channel: sub.channel, data: sub.data, label: sub.label };
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    return {
      kind: 'unrecognised',
      reason: `not a JSON-RPC object (${Array.isArray(frame) ? 'an array' : frame === null ? 'null' : typeof frame})`,
    };
  }
  const f = frame as Record<string, unknown>;
  if (f.method === 'subscription') {
    return { kind: 'unrecognised', reason: 'subscription notification without params.channel (string) and params.data' };
  }
  if (f.method === 'heartbeat' && f.error === undefined) {
    const params = f.params;
    const type = typeof params === 'object' && params !== null ? (params as Record<string, unknown>).type : undefined;
    if (typeof type === 'string') return { kind: 'heartbeat', testRequest: type === 'test_request' };
  }
  const error = RpcErrorResponseSchema.safeParse(frame);
  if (error.success) {
    const id = error.data.id ?? undefined;
    return id === undefined ? { kind: 'error', error: error.data.error } : { kind: 'error', id, error: error.data.error };
  }
  const notification = SubscriptionNotificationSchema.safeParse(frame);
  if (notification.success) {
    const { channel, data, label } = notification.data.params;
    return label == null ? { kind: 'subscription', channel, data } : { kind: 'subscription', channel, data, label };
  }
  const heartbeat = HeartbeatNotificationSchema.safeParse(frame);
  if (heartbeat.success) return { kind: 'heartbeat', testRequest: heartbeat.data.params.type === 'test_request' };
  const response = RpcSuccessEnvelopeSchema.safeParse(frame);
  if (response.success && response.data.id !== undefined) {
    const { id, result, testnet } = response.data;
    return testnet === undefined ? { kind: 'response', id, result } : { kind: 'response', id, result, testnet };
  }
  return { kind: 'unrecognised', reason: 'not a response, error, subscription or heartbeat frame' };
}

// ---- channel payloads -----------------------------------------------------------------------

/** `ticker.{instrument}.{interval}` data. */
export const TickerDataSchema = DeribitTickerSchema;

/**
 * `user.orders.*` data: one order object on `raw` channels, an array on `100ms`/`agg2` channels.
 * Normalised to an array either way.
 */
export const UserOrdersDataSchema = z
  .union([z.array(DeribitOrderSchema), DeribitOrderSchema])
  .transform((data) => (Array.isArray(data) ? data : [data]));

/** `user.trades.*` data: an array of user trades. */
export const UserTradesDataSchema = z.array(DeribitTradeSchema);

/** `user.portfolio.{currency}` data: the account summary object. */
export const UserPortfolioDataSchema = DeribitAccountSummarySchema;

/**
 * `user.changes.*` data: `{instrument_name, orders[], positions[], trades[]}`. The docs example and
 * public clients use `positions`; the docs' field table says `position`, so both are accepted.
 */
export const UserChangesDataSchema = z
  .object({
    instrument_name: z.string().nullish(),
    orders: z.array(DeribitOrderSchema).nullish(),
    trades: z.array(DeribitTradeSchema).nullish(),
    positions: z.array(DeribitPositionSchema).nullish(),
    position: z.array(DeribitPositionSchema).nullish(),
  })
  .transform((d) => ({
    instrument_name: d.instrument_name ?? undefined,
    orders: d.orders ?? [],
    trades: d.trades ?? [],
    positions: d.positions ?? d.position ?? [],
  }));
export type UserChangesData = z.output<typeof UserChangesDataSchema>;

/**
 * The `user.changes.*` envelope with its items left unvalidated, so that each order, trade and
 * position can be validated and parsed on its own: one bad item must not drop the others (a fill).
 */
export const UserChangesEnvelopeSchema = z
  .object({
    instrument_name: z.string().nullish(),
    orders: z.array(z.unknown()).nullish(),
    trades: z.array(z.unknown()).nullish(),
    positions: z.array(z.unknown()).nullish(),
    position: z.array(z.unknown()).nullish(),
  })
  .transform((d) => ({
    orders: d.orders ?? [],
    trades: d.trades ?? [],
    positions: d.positions ?? d.position ?? [],
  }));

/** `user.orders.*` data with the items left unvalidated (one object on `raw`, an array otherwise). */
export const UserOrdersEnvelopeSchema = z
  .union([z.array(z.unknown()), z.record(z.string(), z.unknown())])
  .transform((data): unknown[] => (Array.isArray(data) ? data : [data]));

/** `user.trades.*` data with the items left unvalidated. */
export const UserTradesEnvelopeSchema = z.array(z.unknown());

/** What a channel name carries, so the client can pick the payload schema. */
export type DeribitChannel =
  | { readonly kind: 'ticker'; readonly instrument: string; readonly interval: string }
  | { readonly kind: 'user.orders'; readonly raw: boolean }
  | { readonly kind: 'user.trades'; readonly raw: boolean }
  | { readonly kind: 'user.changes'; readonly raw: boolean }
  | { readonly kind: 'user.portfolio'; readonly currency: string }
  | { readonly kind: 'other'; readonly prefix: string };

/**
 * Classifies a notification channel. Matching is case-insensitive on the prefix because the venue
 * echoes some names in lower case (`user.portfolio.btc`); the portfolio currency is upper-cased.
 */
export function classifyChannel(channel: string): DeribitChannel {
  const parts = channel.split('.');
  const head = (parts[0] ?? '').toLowerCase();
  const last = parts[parts.length - 1] ?? '';
  if (head === 'ticker' && parts.length === 3) {
    return { kind: 'ticker', instrument: parts[1] ?? '', interval: last };
  }
  if (head === 'user' && parts.length >= 3) {
    const sub = (parts[1] ?? '').toLowerCase();
    const raw = last.toLowerCase() === 'raw';
    if (sub === 'orders') return { kind: 'user.orders', raw };
    if (sub === 'trades') return { kind: 'user.trades', raw };
    if (sub === 'changes') return { kind: 'user.changes', raw };
    if (sub === 'portfolio' && parts.length === 3) return { kind: 'user.portfolio', currency: last.toUpperCase() };
  }
  return { kind: 'other', prefix: parts.slice(0, 2).join('.') };
}
