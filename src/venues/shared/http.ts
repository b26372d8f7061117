/** A small fetch wrapper: timeout, typed transport errors, JSON bodies that never throw, and no automatic retries. */
import type { Logger } from 'pino';

import { TransportError } from '../../domain/errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One HTTP request. The body is a string because signatures are computed over the exact bytes sent. */
export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: string | URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Deadline for the whole exchange, body included. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Caller's cancellation (shutdown). An aborted request rejects with the signal's reason; if it was a POST, its outcome is unknown. */
  readonly signal?: AbortSignal;
}

/** The response body as JSON, or why it is not JSON. Never throws. */
export type JsonBody =
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'empty' }
  | { readonly kind: 'invalid'; readonly error: string; readonly preview: string };

/** Any answer below 500 other than 429, including 4xx: venues put their error codes in 4xx bodies (OKX 401, Deribit 400). */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: JsonBody;
  /** The body as text (for signatures on responses and for logs; may hold account data, log with care). */
  readonly text: string;
  readonly elapsedMs: number;
}

/**
 * The venue answered 5xx ('HTTP_5XX') or 429 ('RATE_LIMITED'): the request may or may not have
 * been acted on, so for an order the outcome is unknown. Carries the status, the parsed body and
 * Retry-After in ms when the venue sent one.
 */
export class HttpStatusError extends TransportError {
  constructor(
    code: 'HTTP_5XX' | 'RATE_LIMITED',
    message: string,
    readonly status: number,
    readonly body: JsonBody,
    readonly retryAfterMs: number | undefined,
  ) {
    super(code, message);
  }
}

/** Dependencies of `httpRequest`. */
export interface HttpDeps {
  /** Default: the global fetch (Node 20). */
  readonly fetch?: typeof fetch;
  /** One debug line per request (method, host and path, status, elapsed); never headers, query or body. */
  readonly logger?: Logger;
}

const PREVIEW_CHARS = 200;

/** Parses a body as JSON without throwing. */
export function parseJsonBody(text: string): JsonBody {
  if (text.trim() === '') return { kind: 'empty' };
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch (err) {
    return {
      kind: 'invalid',
      error: err instanceof Error ? err.message : String(err),
      preview: text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text,
    };
  }
}

/** Retry-After as ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, nowMs: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function where(url: string | URL): string {
  try {
    const u = new URL(url);
    // Origin and path only: query strings can carry signatures or tokens.
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}

/**
 * Sends one request and returns status + parsed body. Never retries: a caller that retries an
 * idempotent read decides so itself, and reconciles a write whose outcome is unknown. Throws TransportError:
 * - 'NETWORK' when the request failed to go out or the connection broke (cause attached),
 * - 'TIMEOUT' when `timeoutMs` passed first,
 * - HttpStatusError 'HTTP_5XX' for status >= 500, 'RATE_LIMITED' for 429.
 * Every other status (2xx, 3xx, 4xx) is returned; a garbage body is `{ kind: 'invalid' }`, not an exception.
 */
export async function httpRequest(request: HttpRequest, deps: HttpDeps = {}): Promise<HttpResponse> {
  const doFetch = deps.fetch ?? fetch;
  const timeoutMs = request.timeoutMs ?? 10_000;
  const target = where(request.url);
  const what = `${request.method} ${target}`;
  const { signal } = request;
  if (signal?.aborted) throw signal.reason;

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new TransportError('TIMEOUT', `${what}: no complete answer within ${timeoutMs} ms`));
  }, timeoutMs);
  const onCallerAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onCallerAbort, { once: true });

  const started = Date.now();
  let status: number;
  let headers: Headers;
  let text: string;
  try {
    const init: RequestInit = { method: request.method, signal: controller.signal };
    if (request.headers) init.headers = { ...request.headers };
    if (request.body !== undefined) init.body = request.body;
    const response = await doFetch(request.url, init);
    status = response.status;
    headers = response.headers;
    text = await response.text();
  } catch (err) {
    if (timedOut) {
      throw new TransportError('TIMEOUT', `${what}: no complete answer within ${timeoutMs} ms; outcome unknown`, { cause: err });
    }
    if (signal?.aborted) throw signal.reason;
    const detail = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new TransportError('NETWORK', `${what}: network failure (${detail})`, { cause: err });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onCallerAbort);
  }

  const elapsedMs = Date.now() - started;
  const body = parseJsonBody(text);
  deps.logger?.debug({ method: request.method, url: target, status, elapsedMs }, 'http response');

  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
    throw new HttpStatusError(
      'RATE_LIMITED',
      `${what}: HTTP 429 rate limited${retryAfterMs === undefined ? '' : `, retry after ${retryAfterMs} ms`}`,
      status,
      body,
      retryAfterMs,
    );
  }
  if (status >= 500) {
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
    throw new HttpStatusError('HTTP_5XX', `${what}: HTTP ${status}; outcome unknown`, status, body, retryAfterMs);
  }
  return { status, headers, body, text, elapsedMs };
}
