/**
 * Deribit's JSON-RPC 2.0 envelope as the simulator speaks it: request parsing, responses with the
 * usIn/usOut/usDiff/testnet extensions, subscription and heartbeat notifications.
 */

export type RpcId = number | string;

/** A JSON-RPC error the simulator answers with (code, message, optional data). */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
    /** HTTP status used when the error goes out over REST. */
    readonly httpStatus = 400,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export interface RpcRequest {
  id: RpcId | undefined;
  method: string;
  params: Record<string, unknown>;
}

export type ParseOutcome = { ok: true; request: RpcRequest } | { ok: false; error: RpcError; id: RpcId | undefined };

/** Largest frame or POST body the venue accepts (32 kB). */
export const MAX_FRAME_BYTES = 32 * 1024;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses one text frame into a request, or the error to answer with. */
export function parseRpcText(text: string): ParseOutcome {
  if (Buffer.byteLength(text, 'utf8') > MAX_FRAME_BYTES) {
    return { ok: false, error: new RpcError(-32600, 'request entity too large', undefined, 413), id: undefined };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: new RpcError(-32700, 'Parse error'), id: undefined };
  }
  return parseRpcValue(value);
}

/** Validates a parsed JSON value as a request: named params only, no batches, an id. */
export function parseRpcValue(value: unknown): ParseOutcome {
  if (!isRecord(value))
    return {
      ok: false,
      error: new RpcError(11050, 'bad_request', { reason: 'batches and non-object requests are not supported' }),
      id: undefined,
    };
  const rawId = value['id'];
  const id = typeof rawId === 'number' || typeof rawId === 'string' ? rawId : undefined;
  if (value['jsonrpc'] !== '2.0')
    return { ok: false, error: new RpcError(11050, 'bad_request', { param: 'jsonrpc', reason: 'must be "2.0"' }), id };
  if (id === undefined) return { ok: false, error: new RpcError(11050, 'bad_request', { param: 'id', reason: 'must be present' }), id };
  const method = value['method'];
  if (typeof method !== 'string' || method === '')
    return { ok: false, error: new RpcError(11050, 'bad_request', { param: 'method', reason: 'must be present' }), id };
  const params = value['params'] ?? {};
  if (!isRecord(params))
    return {
      ok: false,
      error: new RpcError(-32602, 'Invalid params', { param: 'params', reason: 'must be an object of named params' }),
      id,
    };
  return { ok: true, request: { id, method, params } };
}

/** Receive-time bookkeeping for usIn/usOut/usDiff. */
export interface Timing {
  /** Simulated receive time in microseconds. */
  usIn: number;
  /** process.hrtime.bigint() at receipt, to measure processing time. */
  startedNs: bigint;
}

export function startTiming(nowMs: number): Timing {
  return { usIn: Math.floor(nowMs * 1000), startedNs: process.hrtime.bigint() };
}

function stamps(timing: Timing, testnet: boolean): { usIn: number; usOut: number; usDiff: number; testnet: boolean } {
  const usDiff = Math.max(1, Number((process.hrtime.bigint() - timing.startedNs) / 1000n));
  return { usIn: timing.usIn, usOut: timing.usIn + usDiff, usDiff, testnet };
}

/** A success response frame. */
export function resultFrame(id: RpcId | undefined, result: unknown, timing: Timing, testnet: boolean): Record<string, unknown> {
  return { jsonrpc: '2.0', ...(id !== undefined ? { id } : {}), result, ...stamps(timing, testnet) };
}

/** An error response frame; `id` is omitted when the request had none (or could not be parsed). */
export function errorFrame(id: RpcId | undefined, error: RpcError, timing: Timing, testnet: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  if (error.data !== undefined) body['data'] = error.data;
  return { jsonrpc: '2.0', ...(id !== undefined ? { id } : {}), error: body, ...stamps(timing, testnet) };
}

/** A `subscription` notification; `label` is added on private channels subscribed with one. */
export function subscriptionFrame(channel: string, data: unknown, label?: string): Record<string, unknown> {
  return { jsonrpc: '2.0', method: 'subscription', params: { channel, data, ...(label !== undefined ? { label } : {}) } };
}

/** A `heartbeat` notification: `heartbeat` (no reply needed) or `test_request` (answer with public/test). */
export function heartbeatFrame(type: 'heartbeat' | 'test_request'): Record<string, unknown> {
  return { jsonrpc: '2.0', method: 'heartbeat', params: { type } };
}
