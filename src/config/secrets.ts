/**
 * Secrets come only from the environment (.env via dotenv). They are kept out of the Config
 * object so that printing or logging the config can never leak them.
 */
export interface Secrets {
  readonly deribit: { readonly clientId?: string; readonly clientSecret?: string };
  readonly okx: { readonly apiKey?: string; readonly apiSecret?: string; readonly passphrase?: string };
  readonly bybit: { readonly apiKey?: string; readonly apiSecret?: string };
  readonly telegram: { readonly botToken?: string };
  readonly webhook: { readonly secret?: string };
}

/** Every environment variable that holds a secret, with the path it fills. */
export const SECRET_ENV_VARS = {
  DERIBIT_CLIENT_ID: ['deribit', 'clientId'],
  DERIBIT_CLIENT_SECRET: ['deribit', 'clientSecret'],
  OKX_API_KEY: ['okx', 'apiKey'],
  OKX_API_SECRET: ['okx', 'apiSecret'],
  OKX_API_PASSPHRASE: ['okx', 'passphrase'],
  BYBIT_API_KEY: ['bybit', 'apiKey'],
  BYBIT_API_SECRET: ['bybit', 'apiSecret'],
  TELEGRAM_BOT_TOKEN: ['telegram', 'botToken'],
  WEBHOOK_SECRET: ['webhook', 'secret'],
} as const;

function read(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function readSecrets(env: NodeJS.ProcessEnv): Secrets {
  return {
    deribit: { clientId: read(env, 'DERIBIT_CLIENT_ID'), clientSecret: read(env, 'DERIBIT_CLIENT_SECRET') },
    okx: {
      apiKey: read(env, 'OKX_API_KEY'),
      apiSecret: read(env, 'OKX_API_SECRET'),
      passphrase: read(env, 'OKX_API_PASSPHRASE'),
    },
    bybit: { apiKey: read(env, 'BYBIT_API_KEY'), apiSecret: read(env, 'BYBIT_API_SECRET') },
    telegram: { botToken: read(env, 'TELEGRAM_BOT_TOKEN') },
    webhook: { secret: read(env, 'WEBHOOK_SECRET') },
  };
}

/** All secret values that are set, for the log scrubber's safety net. */
export function secretValues(secrets: Secrets): string[] {
  const out: string[] = [];
  for (const group of Object.values(secrets) as Array<Record<string, string | undefined>>) {
    for (const v of Object.values(group)) if (v) out.push(v);
  }
  return out;
}

/** The same shape with every set value replaced by a mask: what check-config prints. */
export function maskSecrets(secrets: Secrets): Record<string, Record<string, string | null>> {
  const out: Record<string, Record<string, string | null>> = {};
  for (const [group, values] of Object.entries(secrets) as Array<[string, Record<string, string | undefined>]>) {
    out[group] = {};
    for (const [k, v] of Object.entries(values)) out[group][k] = v ? '********' : null;
  }
  return out;
}
