/** OKX environment → REST base and the three WS URLs (public/private/business), plus the demo header; config overrides win; sim URLs come from the simulator. */
import { ConfigError } from '../../domain/errors.js';

export const OKX_ENVIRONMENTS = ['sim', 'demo', 'live'] as const;
export type OkxEnvironment = (typeof OKX_ENVIRONMENTS)[number];

export interface OkxEndpoints {
  /** REST origin without a path; a request URL is `${restBaseUrl}${requestPath}` with requestPath `/api/v5/...`. */
  readonly restBaseUrl: string;
  /** `/ws/v5/public`: tickers, mark-price. */
  readonly wsPublicUrl: string;
  /** `/ws/v5/private`: orders, positions, balance_and_position (login first). */
  readonly wsPrivateUrl: string;
  /** `/ws/v5/business`: orders-algo (login first, on this socket too). */
  readonly wsBusinessUrl: string;
  /**
   * Headers every REST request carries in this environment: `x-simulated-trading: 1` on demo
   * (public calls included, so that demo-only data such as `instIdCode` comes from demo),
   * `x-simulated-trading: 0` on live (as python-okx sends), none on sim.
   */
  readonly restHeaders: Readonly<Record<string, string>>;
}

/** The header that switches REST to demo trading (spec 1); WS demo is selected by the `wspap` host alone. */
export const OKX_SIMULATED_TRADING_HEADER = 'x-simulated-trading';

/**
 * The venue's own endpoints (spec 1). Live REST is `https://openapi.okx.com` (the docs' host since
 * about 2026-05-30; `https://www.okx.com` still serves and is what the SDKs use). Demo uses the
 * same REST host with the header, and the `wspap` WS host (bare, without `?brokerId=9999`).
 */
export const OKX_ENDPOINTS: Readonly<Record<'live' | 'demo', OkxEndpoints>> = {
  live: {
    restBaseUrl: 'https://openapi.okx.com',
    wsPublicUrl: 'wss://ws.okx.com:8443/ws/v5/public',
    wsPrivateUrl: 'wss://ws.okx.com:8443/ws/v5/private',
    wsBusinessUrl: 'wss://ws.okx.com:8443/ws/v5/business',
    restHeaders: { [OKX_SIMULATED_TRADING_HEADER]: '0' },
  },
  demo: {
    restBaseUrl: 'https://openapi.okx.com',
    wsPublicUrl: 'wss://wspap.okx.com:8443/ws/v5/public',
    wsPrivateUrl: 'wss://wspap.okx.com:8443/ws/v5/private',
    wsBusinessUrl: 'wss://wspap.okx.com:8443/ws/v5/business',
    restHeaders: { [OKX_SIMULATED_TRADING_HEADER]: '1' },
  },
};

/** The WS paths of the three sockets, as the simulator serves them too. */
export const OKX_WS_PATHS = { public: '/ws/v5/public', private: '/ws/v5/private', business: '/ws/v5/business' } as const;
export type OkxSocketKind = keyof typeof OKX_WS_PATHS;

export interface OkxUrlOverrides {
  readonly restUrl?: string | undefined;
  /** Base of the three WS URLs (`ws://127.0.0.1:1234`): the paths of `OKX_WS_PATHS` are appended. */
  readonly wsBaseUrl?: string | undefined;
  readonly wsPublicUrl?: string | undefined;
  readonly wsPrivateUrl?: string | undefined;
  readonly wsBusinessUrl?: string | undefined;
}

/**
 * Resolves the endpoints for `environment`. Explicit URLs win over `wsBaseUrl`, which wins over the
 * environment's. `sim` has no built-in URLs: the caller passes the simulator's (REST and either
 * `wsBaseUrl` or all three WS URLs), or this throws a ConfigError naming the missing keys. Sim sends
 * no `x-simulated-trading` header.
 */
export function resolveOkxUrls(environment: OkxEnvironment, overrides: OkxUrlOverrides = {}): OkxEndpoints {
  const fromBase = (kind: OkxSocketKind): string | undefined =>
    overrides.wsBaseUrl === undefined ? undefined : `${stripTrailingSlash(overrides.wsBaseUrl)}${OKX_WS_PATHS[kind]}`;
  const pub = overrides.wsPublicUrl ?? fromBase('public');
  const priv = overrides.wsPrivateUrl ?? fromBase('private');
  const biz = overrides.wsBusinessUrl ?? fromBase('business');
  if (environment === 'sim') {
    const missing: string[] = [];
    if (overrides.restUrl === undefined) missing.push('okx.restUrl');
    if (pub === undefined) missing.push('okx.wsPublicUrl');
    if (priv === undefined) missing.push('okx.wsPrivateUrl');
    if (biz === undefined) missing.push('okx.wsBusinessUrl');
    if (overrides.restUrl === undefined || pub === undefined || priv === undefined || biz === undefined) {
      throw new ConfigError(
        missing.map(
          (key) =>
            `${key} is required for environment 'sim': pass the simulator's endpoint (main.ts does this when it starts the simulator)`,
        ),
      );
    }
    return {
      restBaseUrl: stripTrailingSlash(overrides.restUrl),
      wsPublicUrl: pub,
      wsPrivateUrl: priv,
      wsBusinessUrl: biz,
      restHeaders: {},
    };
  }
  const base = OKX_ENDPOINTS[environment];
  return {
    restBaseUrl: stripTrailingSlash(overrides.restUrl ?? base.restBaseUrl),
    wsPublicUrl: pub ?? base.wsPublicUrl,
    wsPrivateUrl: priv ?? base.wsPrivateUrl,
    wsBusinessUrl: biz ?? base.wsBusinessUrl,
    restHeaders: base.restHeaders,
  };
}

/** The WS URL of one socket kind. */
export function wsUrlFor(endpoints: OkxEndpoints, kind: OkxSocketKind): string {
  switch (kind) {
    case 'public':
      return endpoints.wsPublicUrl;
    case 'private':
      return endpoints.wsPrivateUrl;
    case 'business':
      return endpoints.wsBusinessUrl;
  }
}

/**
 * Builds a REST target: the full URL and the `requestPath` the signature covers (path plus query,
 * exactly as sent). Query values are URL-encoded in the given order; undefined values are left out.
 * `path` starts with `/api/v5/`.
 */
export function restTarget(
  restBaseUrl: string,
  path: string,
  query: Readonly<Record<string, string | number | boolean | undefined>> = {},
): { readonly url: string; readonly requestPath: string } {
  const entries = Object.entries(query).filter((e): e is [string, string | number | boolean] => e[1] !== undefined);
  const search = new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString();
  const requestPath = `${path}${search === '' ? '' : `?${search}`}`;
  return { url: `${stripTrailingSlash(restBaseUrl)}${requestPath}`, requestPath };
}

function stripTrailingSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
