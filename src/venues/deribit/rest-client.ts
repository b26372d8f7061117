/**
 * Deribit REST: GET /api/v2/{method}?query, private calls signed per request
 * (`deri-hmac-sha256`, no token state). Used for instruments and for reconciliation snapshots,
 * which must not depend on the WebSocket being up. Never retries by itself.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';

import type { Clock } from '../../domain/ports.js';
import { httpRequest } from '../shared/http.js';
import { type DeribitCredentials, generateNonce, restAuthorizationHeader } from './credentials.js';
import { DeribitParseError } from './errors.js';
import { unwrapRpcResponse } from './rpc.js';
import { restMethodTarget } from './urls.js';

export type RestQuery = Readonly<Record<string, string | number | boolean>>;

export interface DeribitRestClientOptions {
  readonly restBaseUrl: string;
  readonly credentials?: DeribitCredentials;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** The venue's clock (host time + measured offset): signature timestamps are venue time. */
  readonly clock: Clock;
}

export class DeribitRestClient {
  constructor(private readonly options: DeribitRestClientOptions) {}

  /** Calls `method` and validates its `result` with `schema`. Throws DeribitApiError on a venue error. */
  async call<T extends z.ZodType>(
    method: string,
    query: RestQuery,
    schema: T,
    options: { readonly timeoutMs?: number } = {},
  ): Promise<z.output<T>> {
    const { url, uriWithQuery } = restMethodTarget(this.options.restBaseUrl, method, query);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method.startsWith('private/')) {
      const credentials = this.options.credentials;
      if (!credentials) throw new DeribitParseError(method, 'private method called without API credentials');
      headers.authorization = restAuthorizationHeader(
        credentials.clientId,
        credentials.revealSecret(),
        'GET',
        uriWithQuery,
        '',
        this.options.clock.now(),
        generateNonce(),
      );
    }
    const response = await httpRequest({ method: 'GET', url, headers, timeoutMs: options.timeoutMs ?? this.options.timeoutMs });
    if (response.body.kind !== 'json') {
      throw new DeribitParseError(
        `${method}.body`,
        response.body.kind === 'empty'
          ? `empty body (HTTP ${response.status})`
          : `not JSON (HTTP ${response.status}): ${response.body.preview}`,
      );
    }
    return unwrapRpcResponse(response.body.value, schema, method);
  }
}
