/** Deribit environment → REST base and WS URL; config overrides win; sim URLs come from the simulator at runtime. */
import { ConfigError } from '../../domain/errors.js';
import type { DeribitEnvironment } from './config.js';

export interface DeribitEndpoints {
  /** REST base including `/api/v2`; a method URL is `${restBaseUrl}/${method}`. */
  readonly restBaseUrl: string;
  readonly wsUrl: string;
}

/** The venue's own endpoints (spec 0). Live and testnet are separate accounts, keys and rate-limit pools. */
export const DERIBIT_ENDPOINTS: Readonly<Record<'live' | 'testnet', DeribitEndpoints>> = {
  live: { restBaseUrl: 'https://www.deribit.com/api/v2', wsUrl: 'wss://www.deribit.com/ws/api/v2' },
  testnet: { restBaseUrl: 'https://test.deribit.com/api/v2', wsUrl: 'wss://test.deribit.com/ws/api/v2' },
};

/**
 * Resolves the endpoints for `environment`. `restUrl`/`wsUrl` win over the environment's. For `sim`
 * there are no built-in URLs: the caller passes the simulator's as overrides, or this throws ConfigError.
 */
export function resolveDeribitUrls(
  environment: DeribitEnvironment,
  overrides: { readonly restUrl?: string | undefined; readonly wsUrl?: string | undefined } = {},
): DeribitEndpoints {
  if (environment === 'sim') {
    const { restUrl, wsUrl } = overrides;
    if (restUrl === undefined || wsUrl === undefined) {
      const missing = [restUrl === undefined ? 'deribit.restUrl' : '', wsUrl === undefined ? 'deribit.wsUrl' : ''].filter((k) => k !== '');
      throw new ConfigError(
        missing.map(
          (key) =>
            `${key} is required for environment 'sim': pass the simulator's endpoint (main.ts does this when it starts the simulator)`,
        ),
      );
    }
    return { restBaseUrl: stripTrailingSlash(restUrl), wsUrl };
  }
  const base = DERIBIT_ENDPOINTS[environment];
  return {
    restBaseUrl: stripTrailingSlash(overrides.restUrl ?? base.restBaseUrl),
    wsUrl: overrides.wsUrl ?? base.wsUrl,
  };
}

/**
 * Builds the URL of a REST method call and the `uriWithQuery` that the request signature covers
 * (path from the host on, so it includes `/api/v2`). Query values are URL-encoded in the given order.
 */
export function restMethodTarget(
  restBaseUrl: string,
  method: string,
  query: Readonly<Record<string, string | number | boolean>> = {},
): { readonly url: string; readonly uriWithQuery: string } {
  const search = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const url = new URL(`${stripTrailingSlash(restBaseUrl)}/${method}${search === '' ? '' : `?${search}`}`);
  return { url: url.toString(), uriWithQuery: `${url.pathname}${url.search}` };
}

function stripTrailingSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
