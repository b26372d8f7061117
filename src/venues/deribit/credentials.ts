/** Deribit API credentials: env var names, a secret that stays out of logs, and request signing (spec 2). */
import { createHmac, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

import { ConfigError } from '../../domain/errors.js';

/** Environment variable holding the API key id. */
export const DERIBIT_CLIENT_ID_ENV = 'DERIBIT_CLIENT_ID';
/** Environment variable holding the API key secret. */
export const DERIBIT_CLIENT_SECRET_ENV = 'DERIBIT_CLIENT_SECRET';

const REDACTED = '[REDACTED]';

/**
 * An API key pair. The secret lives in a private field: it is not an own enumerable property, and
 * `JSON.stringify`, `util.inspect`, `String()` and pino all see `[REDACTED]` instead.
 * Read it only where a request is signed, with `revealSecret()`.
 */
export class DeribitCredentials {
  readonly #secret: string;

  constructor(
    readonly clientId: string,
    clientSecret: string,
  ) {
    if (clientId.trim() === '') throw new ConfigError([`${DERIBIT_CLIENT_ID_ENV} is empty: set it to the Deribit API key id`]);
    if (clientSecret.trim() === '') {
      throw new ConfigError([`${DERIBIT_CLIENT_SECRET_ENV} is empty: set it to the Deribit API key secret`]);
    }
    this.#secret = clientSecret;
  }

  /** Returns the secret. Call only to sign or send it, never to log it. */
  revealSecret(): string {
    return this.#secret;
  }

  toJSON(): { clientId: string; clientSecret: string } {
    return { clientId: this.clientId, clientSecret: REDACTED };
  }

  toString(): string {
    return `DeribitCredentials(clientId=${this.clientId}, clientSecret=${REDACTED})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Reads the key pair from `env` (pass `process.env`). Returns undefined when neither variable is
 * set (public-only use). Throws ConfigError when only one of them is set.
 */
export function credentialsFromEnv(env: Readonly<Record<string, string | undefined>>): DeribitCredentials | undefined {
  const clientId = env[DERIBIT_CLIENT_ID_ENV]?.trim() ?? '';
  const secret = env[DERIBIT_CLIENT_SECRET_ENV]?.trim() ?? '';
  if (clientId === '' && secret === '') return undefined;
  if (clientId === '')
    throw new ConfigError([`${DERIBIT_CLIENT_ID_ENV} is not set but ${DERIBIT_CLIENT_SECRET_ENV} is: set both or neither`]);
  if (secret === '')
    throw new ConfigError([`${DERIBIT_CLIENT_SECRET_ENV} is not set but ${DERIBIT_CLIENT_ID_ENV} is: set both or neither`]);
  return new DeribitCredentials(clientId, secret);
}

/** Returns a fresh single-use nonce (16 hex characters). Not pure: reads the random source. */
export function generateNonce(): string {
  return randomBytes(8).toString('hex');
}

function hmacHex(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('hex');
}

/**
 * The `public/auth` client_signature: lowercase hex HMAC-SHA256 of `${ts}\n${nonce}\n${data}` keyed
 * by the secret. `data` defaults to "" (both newlines stay). The venue accepts `timestampMs` for 60 s.
 */
export function wsAuthSignature(secret: string, timestampMs: number, nonce: string, data = ''): string {
  return hmacHex(secret, `${timestampMs}\n${nonce}\n${data}`);
}

export interface ClientSignatureAuthParams {
  readonly grant_type: 'client_signature';
  readonly client_id: string;
  readonly timestamp: number;
  readonly nonce: string;
  readonly data: string;
  readonly signature: string;
  readonly scope?: string;
}

/**
 * Builds `public/auth` params for `grant_type: client_signature`. `data` defaults to "";
 * `scope` (e.g. `session:daemon trade:read_write`) is sent only when given.
 */
export function buildClientSignatureAuthParams(
  credentials: DeribitCredentials,
  timestampMs: number,
  nonce: string,
  options: { readonly data?: string; readonly scope?: string } = {},
): ClientSignatureAuthParams {
  const data = options.data ?? '';
  const params: ClientSignatureAuthParams = {
    grant_type: 'client_signature',
    client_id: credentials.clientId,
    timestamp: timestampMs,
    nonce,
    data,
    signature: wsAuthSignature(credentials.revealSecret(), timestampMs, nonce, data),
  };
  return options.scope === undefined ? params : { ...params, scope: options.scope };
}

/** Builds `public/auth` params for `grant_type: refresh_token`. */
export function buildRefreshTokenAuthParams(refreshToken: string): {
  readonly grant_type: 'refresh_token';
  readonly refresh_token: string;
} {
  return { grant_type: 'refresh_token', refresh_token: refreshToken };
}

/**
 * The scope string for a session-scoped token: `session:<name>` plus `extra` scopes. A session token
 * survives reconnects and lets later private calls on the socket omit `access_token` (spec 2.3).
 */
export function sessionScope(sessionName: string, extra: readonly string[] = []): string {
  return [`session:${sessionName}`, ...extra].join(' ');
}

/**
 * The per-request REST signature: HMAC-SHA256 over
 * `${ts}\n${nonce}\n${METHOD}\n${uriWithQuery}\n${body}\n`. `uriWithQuery` includes the `/api/v2`
 * prefix; `body` is "" for GET.
 */
export function restSignature(
  secret: string,
  method: string,
  uriWithQuery: string,
  body: string,
  timestampMs: number,
  nonce: string,
): string {
  const requestData = `${method.toUpperCase()}\n${uriWithQuery}\n${body}\n`;
  return hmacHex(secret, `${timestampMs}\n${nonce}\n${requestData}`);
}

/** The REST `Authorization` header value: `deri-hmac-sha256 id=…,ts=…,sig=…,nonce=…`. */
export function restAuthorizationHeader(
  clientId: string,
  secret: string,
  method: string,
  uriWithQuery: string,
  body: string,
  timestampMs: number,
  nonce: string,
): string {
  const sig = restSignature(secret, method, uriWithQuery, body, timestampMs, nonce);
  return `deri-hmac-sha256 id=${clientId},ts=${timestampMs},sig=${sig},nonce=${nonce}`;
}

/** The REST `Authorization: Basic base64(id:secret)` header value (sends the secret; prefer signatures). */
export function basicAuthorizationHeader(credentials: DeribitCredentials): string {
  return `Basic ${Buffer.from(`${credentials.clientId}:${credentials.revealSecret()}`).toString('base64')}`;
}
