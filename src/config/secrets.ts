/**
 * Secrets come only from the environment (.env via dotenv). They are kept out of the Config
 * object so that printing or logging the config can never leak them. Each venue's secret keys
 * and env var names come from its registry entry.
 */
import { type RegisteredVenue, VENUE_ENTRIES } from '../venues/registry.js';
import type { SecretGroup } from '../venues/registry-entry.js';

/** One secret group per registry entry (`secrets.deribit.clientId`, `secrets.okx.apiKey`, …). */
export type VenueSecrets = { readonly [E in RegisteredVenue as E['name']]: SecretGroup<Extract<keyof E['secretEnv'], string>> };

export type Secrets = VenueSecrets & {
  readonly telegram: { readonly botToken?: string };
  readonly webhook: { readonly secret?: string };
};

/** The secrets that belong to no venue: group → key → environment variable. */
const DAEMON_SECRET_ENV: Readonly<Record<'telegram' | 'webhook', Readonly<Record<string, string>>>> = {
  telegram: { botToken: 'TELEGRAM_BOT_TOKEN' },
  webhook: { secret: 'WEBHOOK_SECRET' },
};

/** Every secret group in output order: the venues (registry order), then Telegram and the webhook. */
function secretGroups(): Array<readonly [group: string, env: Readonly<Record<string, string>>]> {
  return [...VENUE_ENTRIES.map((e) => [e.name, e.secretEnv] as const), ...Object.entries(DAEMON_SECRET_ENV)];
}

/** Every environment variable that holds a secret, with the path it fills. */
export const SECRET_ENV_VARS: Readonly<Record<string, readonly [group: string, key: string]>> = Object.fromEntries(
  secretGroups().flatMap(([group, env]) => Object.entries(env).map(([key, name]) => [name, [group, key] as const])),
);

function read(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function readSecrets(env: NodeJS.ProcessEnv): Secrets {
  const out: Record<string, Record<string, string | undefined>> = {};
  for (const [group, vars] of secretGroups()) {
    out[group] = Object.fromEntries(Object.entries(vars).map(([key, name]) => [key, read(env, name)]));
  }
  // Built from the same groups the type is mapped from.
  return out as Secrets;
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
