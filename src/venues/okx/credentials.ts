/** OKX API credentials: the env var names and a key whose secret and passphrase never serialize (toJSON, inspect and String show [REDACTED]). */
import { inspect } from 'node:util';

import { ConfigError } from '../../domain/errors.js';

export const OKX_API_KEY_ENV = 'OKX_API_KEY';
export const OKX_API_SECRET_ENV = 'OKX_API_SECRET';
export const OKX_API_PASSPHRASE_ENV = 'OKX_API_PASSPHRASE';

const REDACTED = '[REDACTED]';

/**
 * An OKX API key: key, secret and passphrase. Secret and passphrase live in private fields, so
 * `JSON.stringify`, `util.inspect`, `String()` and pino see `[REDACTED]`; read them only to sign.
 */
export class OkxCredentials {
  readonly #secret: string;
  readonly #passphrase: string;

  constructor(
    readonly apiKey: string,
    secret: string,
    passphrase: string,
  ) {
    const problems: string[] = [];
    if (apiKey.trim() === '') problems.push(`${OKX_API_KEY_ENV} is empty: set it to the OKX API key`);
    if (secret.trim() === '') problems.push(`${OKX_API_SECRET_ENV} is empty: set it to the OKX API secret`);
    if (passphrase === '') problems.push(`${OKX_API_PASSPHRASE_ENV} is empty: set it to the passphrase chosen when the key was created`);
    if (problems.length > 0) throw new ConfigError(problems);
    this.#secret = secret;
    this.#passphrase = passphrase;
  }

  /** The secret. Call only to sign, never to log. */
  revealSecret(): string {
    return this.#secret;
  }

  /** The passphrase (sent in a header and the login frame). Never log it. */
  revealPassphrase(): string {
    return this.#passphrase;
  }

  toJSON(): { apiKey: string; apiSecret: string; passphrase: string } {
    return { apiKey: this.apiKey, apiSecret: REDACTED, passphrase: REDACTED };
  }

  toString(): string {
    return `OkxCredentials(apiKey=${this.apiKey}, apiSecret=${REDACTED}, passphrase=${REDACTED})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** Credentials from a registry secret group; undefined unless all three are set. */
export function okxCredentialsFrom(secrets: {
  readonly apiKey?: string;
  readonly apiSecret?: string;
  readonly passphrase?: string;
}): OkxCredentials | undefined {
  const { apiKey, apiSecret, passphrase } = secrets;
  return apiKey && apiSecret && passphrase ? new OkxCredentials(apiKey, apiSecret, passphrase) : undefined;
}
