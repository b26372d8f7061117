/** Bybit API credentials: the env var names and a key whose secret never serializes (toJSON, inspect and String show [REDACTED]). */
import { inspect } from 'node:util';

import { ConfigError } from '../../domain/errors.js';

export const BYBIT_API_KEY_ENV = 'BYBIT_API_KEY';
export const BYBIT_API_SECRET_ENV = 'BYBIT_API_SECRET';

const REDACTED = '[REDACTED]';

/**
 * A Bybit API key (HMAC): key and secret. The secret lives in a private field, so `JSON.stringify`,
 * `util.inspect`, `String()` and pino see `[REDACTED]`; read it only to sign.
 */
export class BybitCredentials {
  readonly #secret: string;

  constructor(
    readonly apiKey: string,
    secret: string,
  ) {
    const problems: string[] = [];
    if (apiKey.trim() === '') problems.push(`${BYBIT_API_KEY_ENV} is empty: set it to the Bybit API key`);
    if (secret.trim() === '') problems.push(`${BYBIT_API_SECRET_ENV} is empty: set it to the Bybit API secret`);
    if (problems.length > 0) throw new ConfigError(problems);
    this.#secret = secret;
  }

  /** The secret. Call only to sign, never to log. */
  revealSecret(): string {
    return this.#secret;
  }

  toJSON(): { apiKey: string; apiSecret: string } {
    return { apiKey: this.apiKey, apiSecret: REDACTED };
  }

  toString(): string {
    return `BybitCredentials(apiKey=${this.apiKey}, apiSecret=${REDACTED})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** Credentials from a registry secret group; undefined unless both are set. */
export function bybitCredentialsFrom(secrets: { readonly apiKey?: string; readonly apiSecret?: string }): BybitCredentials | undefined {
  const { apiKey, apiSecret } = secrets;
  return apiKey && apiSecret ? new BybitCredentials(apiKey, apiSecret) : undefined;
}
