/**
 * Bybit v5 REST: signed requests (X-BAPI-* headers, venue clock in the timestamp, recv_window),
 * timeouts, the `{retCode,retMsg,result}` envelope read whatever the HTTP status, and the
 * per-endpoint rate-limit budget read from the `X-Bapi-Limit`, `X-Bapi-Limit-Status` and
 * `X-Bapi-Limit-Reset-Timestamp` headers of every reply. HTTP 403 (IP ban / "access too
 * frequent") is a rate-limit transport error. Never retries by itself: the caller decides.
 */
import type { Logger } from 'pino';

import { TransportError } from '../../domain/errors.js';
import type { Clock } from '../../domain/ports.js';
import { type HttpDeps, httpRequest, HttpStatusError, type JsonBody } from '../shared/http.js';
import { BYBIT_API_KEY_ENV, BYBIT_API_SECRET_ENV, type BybitCredentials } from './credentials.js';
import { BybitRequestError } from './errors.js';
import { type BybitReplyContext, readEnvelope } from './parse.js';
import { serializeBody } from './requests.js';
import type { BybitEnvelope } from './rest-models.js';
import { restAuthHeaders } from './signing.js';
import { restTarget } from './urls.js';

export type BybitQuery = Readonly<Record<string, string | number | boolean | undefined>>;

/** One endpoint's budget as the venue last reported it (venue-clock ms for the reset). */
export interface BybitRateBudget {
  readonly limit: number;
  readonly remaining: number;
  /** When the window resets, venue time (ms). */
  readonly resetAtMs: number;
}

/** Reads the three `X-Bapi-Limit*` headers; undefined unless all three are present and numeric. */
export function readRateBudget(headers: { get(name: string): string | null }): BybitRateBudget | undefined {
  const limit = Number(headers.get('x-bapi-limit'));
  const remaining = Number(headers.get('x-bapi-limit-status'));
  const resetAtMs = Number(headers.get('x-bapi-limit-reset-timestamp'));
  if (headers.get('x-bapi-limit') === null || headers.get('x-bapi-limit-status') === null) return undefined;
  if (!Number.isFinite(limit) || !Number.isFinite(remaining)) return undefined;
  return { limit, remaining, resetAtMs: Number.isFinite(resetAtMs) ? resetAtMs : 0 };
}

export interface BybitRestClientOptions {
  readonly restBaseUrl: string;
  readonly credentials?: BybitCredentials;
  readonly timeoutMs: number;
  readonly recvWindowMs: number;
  readonly logger: Logger;
  /** The venue's clock (host + measured offset): signature timestamps are venue time. */
  readonly clock: Clock;
  readonly http?: HttpDeps;
}

/** A reply with where it came from and the endpoint's budget from its headers. */
export interface BybitRestReply extends BybitEnvelope {
  readonly context: BybitReplyContext;
  readonly budget: BybitRateBudget | undefined;
}

export class BybitRestClient {
  private readonly budgets = new Map<string, BybitRateBudget>();

  constructor(private readonly options: BybitRestClientOptions) {}

  hasCredentials(): boolean {
    return this.options.credentials !== undefined;
  }

  /** The last budget the venue reported for `path`, if any. */
  budget(path: string): BybitRateBudget | undefined {
    return this.budgets.get(path);
  }

  /** GET `path?query`; signed unless `auth` is false (market data is public). */
  get(
    path: string,
    query: BybitQuery = {},
    options: { readonly timeoutMs?: number; readonly auth?: boolean } = {},
  ): Promise<BybitRestReply> {
    return this.request('GET', path, query, undefined, options);
  }

  /** POST `path` with a JSON body, always signed. */
  post(path: string, body: object, options: { readonly timeoutMs?: number } = {}): Promise<BybitRestReply> {
    return this.request('POST', path, {}, body, { ...options, auth: true });
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    query: BybitQuery,
    body: object | undefined,
    options: { readonly timeoutMs?: number; readonly auth?: boolean },
  ): Promise<BybitRestReply> {
    const { url, queryString } = restTarget(this.options.restBaseUrl, path, query);
    const what = `${method} ${path}`;
    // Serialize once: sign this string and send this string. Never a body on GET (HTTP 403).
    const text = body === undefined ? '' : serializeBody(body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const auth = options.auth ?? !path.startsWith('/v5/market/');
    if (auth) {
      const credentials = this.options.credentials;
      if (!credentials)
        throw new BybitRequestError('credentials', `${what} needs the Bybit API key (${BYBIT_API_KEY_ENV} / ${BYBIT_API_SECRET_ENV})`);
      Object.assign(
        headers,
        restAuthHeaders({
          apiKey: credentials.apiKey,
          secret: credentials.revealSecret(),
          payload: method === 'GET' ? queryString : text,
          recvWindowMs: this.options.recvWindowMs,
          venueNowMs: this.options.clock.now(),
        }),
      );
    }
    let status: number;
    let parsed: JsonBody;
    let budget: BybitRateBudget | undefined;
    try {
      const response = await httpRequest(
        { method, url, headers, ...(body === undefined ? {} : { body: text }), timeoutMs: options.timeoutMs ?? this.options.timeoutMs },
        { logger: this.options.logger, ...this.options.http },
      );
      status = response.status;
      parsed = response.body;
      budget = readRateBudget(response.headers);
    } catch (err) {
      // A 429/5xx that still carries Bybit's envelope (10006, 10016) is the venue's own answer.
      if (err instanceof HttpStatusError && err.body.kind === 'json') {
        const envelope = tryEnvelope(err.body.value);
        if (envelope !== undefined) return { ...envelope, context: { method: what, httpStatus: err.status }, budget: undefined };
      }
      throw err;
    }
    if (budget !== undefined) this.budgets.set(path, budget);
    if (status === 403) {
      throw new TransportError(
        'RATE_LIMITED',
        `${what}: HTTP 403 (IP rate limit "access too frequent", IP ban or region block); outcome unknown`,
      );
    }
    if (parsed.kind !== 'json') {
      throw new TransportError(
        'NETWORK',
        `${what}: HTTP ${status} with ${parsed.kind === 'empty' ? 'an empty body' : `a body that is not JSON (${parsed.preview})`}; outcome unknown`,
      );
    }
    const envelope = tryEnvelope(parsed.value);
    if (envelope === undefined)
      throw new TransportError('NETWORK', `${what}: HTTP ${status}: the reply has no retCode/retMsg; outcome unknown`);
    return { ...envelope, context: { method: what, httpStatus: status }, budget };
  }
}

function tryEnvelope(value: unknown): BybitEnvelope | undefined {
  try {
    return readEnvelope(value);
  } catch {
    return undefined;
  }
}
