/** Bybit environment → REST base and the four WS URLs (public linear / inverse, private, trade); config overrides win; sim URLs come from the simulator. */
import { ConfigError } from '../../domain/errors.js';

export const BYBIT_ENVIRONMENTS = ['sim', 'testnet', 'demo', 'live'] as const;
export type BybitEnvironment = (typeof BYBIT_ENVIRONMENTS)[number];

/** The sockets of one Bybit session. */
export type BybitSocketKind = 'publicLinear' | 'publicInverse' | 'private' | 'trade';

export interface BybitEndpoints {
  readonly restBaseUrl: string;
  readonly wsPublicLinearUrl: string;
  readonly wsPublicInverseUrl: string;
  readonly wsPrivateUrl: string;
  /** Undefined on demo: the demo host has no trade stream (spec 1). */
  readonly wsTradeUrl: string | undefined;
}

/** The venue's own endpoints (spec 1). Demo: REST and private on the demo hosts, public data from mainnet, no trade WS. */
export const BYBIT_ENDPOINTS: Readonly<Record<'live' | 'testnet' | 'demo', BybitEndpoints>> = {
  live: {
    restBaseUrl: 'https://api.bybit.com',
    wsPublicLinearUrl: 'wss://stream.bybit.com/v5/public/linear',
    wsPublicInverseUrl: 'wss://stream.bybit.com/v5/public/inverse',
    wsPrivateUrl: 'wss://stream.bybit.com/v5/private',
    wsTradeUrl: 'wss://stream.bybit.com/v5/trade',
  },
  testnet: {
    restBaseUrl: 'https://api-testnet.bybit.com',
    wsPublicLinearUrl: 'wss://stream-testnet.bybit.com/v5/public/linear',
    wsPublicInverseUrl: 'wss://stream-testnet.bybit.com/v5/public/inverse',
    wsPrivateUrl: 'wss://stream-testnet.bybit.com/v5/private',
    wsTradeUrl: 'wss://stream-testnet.bybit.com/v5/trade',
  },
  demo: {
    restBaseUrl: 'https://api-demo.bybit.com',
    wsPublicLinearUrl: 'wss://stream.bybit.com/v5/public/linear',
    wsPublicInverseUrl: 'wss://stream.bybit.com/v5/public/inverse',
    wsPrivateUrl: 'wss://stream-demo.bybit.com/v5/private',
    wsTradeUrl: undefined,
  },
};

/** The WS paths, as the simulator serves them too. */
export const BYBIT_WS_PATHS: Readonly<Record<BybitSocketKind, string>> = {
  publicLinear: '/v5/public/linear',
  publicInverse: '/v5/public/inverse',
  private: '/v5/private',
  trade: '/v5/trade',
};

export interface BybitUrlOverrides {
  readonly restUrl?: string | undefined;
  /** Base of the WS URLs (`ws://127.0.0.1:1234`): the paths of `BYBIT_WS_PATHS` are appended. */
  readonly wsBaseUrl?: string | undefined;
  readonly wsPublicLinearUrl?: string | undefined;
  readonly wsPublicInverseUrl?: string | undefined;
  readonly wsPrivateUrl?: string | undefined;
  readonly wsTradeUrl?: string | undefined;
}

/**
 * Resolves the endpoints for `environment`. Explicit URLs win over `wsBaseUrl`, which wins over the
 * environment's. `sim` has no built-in URLs: the caller passes the simulator's, or this throws a
 * ConfigError naming the missing keys.
 */
export function resolveBybitUrls(environment: BybitEnvironment, overrides: BybitUrlOverrides = {}): BybitEndpoints {
  const fromBase = (kind: BybitSocketKind): string | undefined =>
    overrides.wsBaseUrl === undefined ? undefined : `${stripTrailingSlash(overrides.wsBaseUrl)}${BYBIT_WS_PATHS[kind]}`;
  const linear = overrides.wsPublicLinearUrl ?? fromBase('publicLinear');
  const inverse = overrides.wsPublicInverseUrl ?? fromBase('publicInverse');
  const priv = overrides.wsPrivateUrl ?? fromBase('private');
  const trade = overrides.wsTradeUrl ?? fromBase('trade');
  if (environment === 'sim') {
    const missing: string[] = [];
    if (overrides.restUrl === undefined) missing.push('bybit.restUrl');
    if (linear === undefined) missing.push('bybit.wsPublicLinearUrl');
    if (inverse === undefined) missing.push('bybit.wsPublicInverseUrl');
    if (priv === undefined) missing.push('bybit.wsPrivateUrl');
    if (overrides.restUrl === undefined || linear === undefined || inverse === undefined || priv === undefined) {
      throw new ConfigError(
        missing.map(
          (key) =>
            `${key} is required for environment 'sim': pass the simulator's endpoint (main.ts does this when it starts the simulator)`,
        ),
      );
    }
    return {
      restBaseUrl: stripTrailingSlash(overrides.restUrl),
      wsPublicLinearUrl: linear,
      wsPublicInverseUrl: inverse,
      wsPrivateUrl: priv,
      wsTradeUrl: trade,
    };
  }
  const base = BYBIT_ENDPOINTS[environment];
  return {
    restBaseUrl: stripTrailingSlash(overrides.restUrl ?? base.restBaseUrl),
    wsPublicLinearUrl: linear ?? base.wsPublicLinearUrl,
    wsPublicInverseUrl: inverse ?? base.wsPublicInverseUrl,
    wsPrivateUrl: priv ?? base.wsPrivateUrl,
    wsTradeUrl: trade ?? base.wsTradeUrl,
  };
}

/** The WS URL of one socket kind (undefined: the environment has no such stream). */
export function wsUrlFor(endpoints: BybitEndpoints, kind: BybitSocketKind): string | undefined {
  switch (kind) {
    case 'publicLinear':
      return endpoints.wsPublicLinearUrl;
    case 'publicInverse':
      return endpoints.wsPublicInverseUrl;
    case 'private':
      return endpoints.wsPrivateUrl;
    case 'trade':
      return endpoints.wsTradeUrl;
  }
}

/**
 * A REST target: the full URL and the query string the signature covers (exactly as sent, no
 * leading `?`). Values URL-encoded in the given order; undefined values left out.
 */
export function restTarget(
  restBaseUrl: string,
  path: string,
  query: Readonly<Record<string, string | number | boolean | undefined>> = {},
): { readonly url: string; readonly queryString: string } {
  const entries = Object.entries(query).filter((e): e is [string, string | number | boolean] => e[1] !== undefined);
  const queryString = new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString();
  return { url: `${stripTrailingSlash(restBaseUrl)}${path}${queryString === '' ? '' : `?${queryString}`}`, queryString };
}

function stripTrailingSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
