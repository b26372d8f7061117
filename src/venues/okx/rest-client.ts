/**
 * OKX REST: signed requests under `/api/v5` with the venue clock (host + measured offset) in the
 * ISO timestamp, the environment's headers (`x-simulated-trading: 1` on demo), timeouts, and the
 * `{code,msg,data}` envelope read whatever the HTTP status (a 401 has no `data`, a 429 carries
 * `50011`). Never retries by itself: the caller decides from the outcome.
 */
import type { Logger } from 'pino';

import { TransportError } from '../../domain/errors.js';
import type { Clock } from '../../domain/ports.js';
import { type HttpDeps, httpRequest, HttpStatusError, type JsonBody } from '../shared/http.js';
import type { OkxCredentials } from './credentials.js';
import { OkxParseError, OkxRequestError } from './errors.js';
import { type OkxReply, type OkxReplyContext, readRestEnvelope } from './parse.js';
import { serializeBody } from './requests.js';
import { restAuthHeaders } from './signing.js';
import { restTarget } from './urls.js';

export type OkxQuery = Readonly<Record<string, string | number | boolean | undefined>>;

export interface OkxRestClientOptions {
  /** Origin without a path (`https://openapi.okx.com`, the simulator's `http://127.0.0.1:PORT`). */
  readonly restBaseUrl: string;
  /** Headers of the environment (`x-simulated-trading`). */
  readonly restHeaders: Readonly<Record<string, string>>;
  readonly credentials?: OkxCredentials;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** The venue's clock (host + measured offset): signature timestamps are venue time. */
  readonly clock: Clock;
  readonly http?: HttpDeps;
}

/** A reply with where it came from, ready for the parse.ts readers (`expectOk`, `singleOrderAck`, `parseList`…). */
export interface OkxRestReply extends OkxReply {
  readonly context: OkxReplyContext;
}

export class OkxRestClient {
  constructor(private readonly options: OkxRestClientOptions) {}

  /** True when private calls can be signed. */
  hasCredentials(): boolean {
    return this.options.credentials !== undefined;
  }

  /** GET `path?query`; signed when `auth` (default: every path outside `/api/v5/public/`). */
  get(path: string, query: OkxQuery = {}, options: { readonly timeoutMs?: number; readonly auth?: boolean } = {}): Promise<OkxRestReply> {
    return this.request('GET', path, query, undefined, options);
  }

  /** POST `path` with a JSON body (an object, or an array for `cancel-algos`), always signed. */
  post(path: string, body: object, options: { readonly timeoutMs?: number } = {}): Promise<OkxRestReply> {
    return this.request('POST', path, {}, body, { ...options, auth: true });
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    query: OkxQuery,
    body: object | undefined,
    options: { readonly timeoutMs?: number; readonly auth?: boolean },
  ): Promise<OkxRestReply> {
    const { url, requestPath } = restTarget(this.options.restBaseUrl, path, query);
    const what = `${method} ${path}`;
    // Serialize once: sign this string and send this string.
    const text = body === undefined ? '' : serializeBody(body);
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.restHeaders };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const auth = options.auth ?? !path.startsWith('/api/v5/public/');
    if (auth) {
      const credentials = this.options.credentials;
      if (!credentials)
        throw new OkxRequestError('credentials', `${what} needs the OKX API key (OKX_API_KEY / OKX_API_SECRET / OKX_API_PASSPHRASE)`);
      Object.assign(
        headers,
        restAuthHeaders({
          apiKey: credentials.apiKey,
          secret: credentials.revealSecret(),
          passphrase: credentials.revealPassphrase(),
          method,
          requestPath,
          body: text,
          venueNowMs: this.options.clock.now(),
        }),
      );
    }
    let status: number;
    let parsed: JsonBody;
    try {
      const response = await httpRequest(
        { method, url, headers, ...(body === undefined ? {} : { body: text }), timeoutMs: options.timeoutMs ?? this.options.timeoutMs },
        { logger: this.options.logger, ...this.options.http },
      );
      status = response.status;
      parsed = response.body;
    } catch (err) {
      // A 429 or 5xx that still carries OKX's envelope (50011, 50013, 50001) is the venue's own answer.
      if (err instanceof HttpStatusError && err.body.kind === 'json') {
        const envelope = tryEnvelope(err.body.value);
        if (envelope !== undefined) return { ...envelope, context: { method: what, httpStatus: err.status } };
      }
      throw err;
    }
    if (parsed.kind !== 'json') {
      throw new TransportError(
        'NETWORK',
        `${what}: HTTP ${status} with ${parsed.kind === 'empty' ? 'an empty body' : `a body that is not JSON (${parsed.preview})`}; outcome unknown`,
      );
    }
    try {
      return { ...readRestEnvelope(parsed.value), context: { method: what, httpStatus: status } };
    } catch (err) {
      if (err instanceof OkxParseError)
        throw new TransportError('NETWORK', `${what}: HTTP ${status}: ${err.message}; outcome unknown`, { cause: err });
      throw err;
    }
  }
}

function tryEnvelope(value: unknown): OkxReply | undefined {
  try {
    return readRestEnvelope(value);
  } catch {
    return undefined;
  }
}
