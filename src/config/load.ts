/**
 * Config loading: default.json + local.json, .env and the environment, validated once with zod into
 * a frozen Config and the secrets; every problem is one line naming the key and the fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { parse as parseDotenv } from 'dotenv';
import type { z } from 'zod';

import { ConfigError } from '../domain/errors.js';
import { VENUE_ENTRIES } from '../venues/registry.js';
import type { VenueSectionBase } from '../venues/registry-entry.js';
import { type Config, configSchema } from './schema.js';
import { readSecrets, type Secrets } from './secrets.js';

export interface LoadedConfig {
  readonly config: Config;
  readonly secrets: Secrets;
  /** Files that were read, in merge order. */
  readonly sources: readonly string[];
}

export interface LoadOptions {
  /** Folder with default.json and the optional local.json. Default: $CONFIG_DIR or ./config. */
  readonly configDir?: string;
  /** The .env file to read. Default: $ENV_FILE or ./.env (missing is fine). */
  readonly envFile?: string;
  /** The process environment (tests pass their own). Variables already set win over .env. */
  readonly env?: NodeJS.ProcessEnv;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** local.json overrides default.json key by key; arrays and scalars are replaced whole. */
export function deepMerge(base: Json, override: Json): Json {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, Json> = { ...base };
  for (const [k, v] of Object.entries(override)) {
    const prev = out[k];
    out[k] = prev !== undefined ? deepMerge(prev, v) : v;
  }
  return out;
}

function readJsonFile(path: string, problems: string[]): Json | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}) — check the path and its permissions`);
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Json;
    if (!isPlainObject(value)) {
      problems.push(`${path}: must hold a JSON object ({ ... }) at the top level`);
      return undefined;
    }
    return value;
  } catch (err) {
    problems.push(`${path}: is not valid JSON (${(err as Error).message}) — fix the syntax`);
    return undefined;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One line per zod issue: the key path, what is wrong with the value, and how to fix it. */
export function formatConfigIssues(error: z.ZodError, input: unknown): string[] {
  const lines: string[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const full = base ? `${base}.${key}` : key;
        lines.push(`${full}: unknown key — remove it or check its spelling (see config/default.json for the valid keys)`);
      }
      continue;
    }
    const key = base || '(top level)';
    const got = describe(valueAt(input, issue.path));
    let fix: string;
    switch (issue.code) {
      case 'invalid_type':
        fix = `set it to a ${issue.expected}`;
        break;
      case 'invalid_value':
        fix = `use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      case 'too_small':
        fix = `use a value of at least ${String(issue.minimum)}`;
        break;
      case 'too_big':
        fix = `use a value of at most ${String(issue.maximum)}`;
        break;
      case 'custom':
        lines.push(`${key}: ${issue.message}`);
        continue;
      default:
        fix = 'correct the value';
    }
    lines.push(`${key}: ${issue.message} (got ${got}) — ${fix}`);
  }
  return lines;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

/**
 * Read config/default.json (+ config/local.json), the .env file and the environment; validate
 * everything once; return a frozen Config. Throws ConfigError listing every problem.
 */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const baseEnv = options.env ?? process.env;
  const configDir = resolve(options.configDir ?? baseEnv.CONFIG_DIR ?? 'config');
  const envFile = resolve(options.envFile ?? baseEnv.ENV_FILE ?? '.env');
  const problems: string[] = [];
  const sources: string[] = [];

  // .env fills only what the real environment does not already set.
  const env: NodeJS.ProcessEnv = { ...baseEnv };
  if (existsSync(envFile)) {
    try {
      const parsed = parseDotenv(readFileSync(envFile));
      for (const [k, v] of Object.entries(parsed)) if (env[k] === undefined) env[k] = v;
      sources.push(envFile);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      problems.push(
        code === 'EISDIR'
          ? `${envFile}: is a directory (EISDIR; Docker creates one when the bind-mounted file is missing) — remove it and copy .env.example to .env`
          : `${envFile}: cannot be read (${code}) — check that the file exists and is readable by this user`,
      );
    }
  }

  let merged: Json = {};
  const defaultPath = join(configDir, 'default.json');
  if (!existsSync(defaultPath)) {
    problems.push(
      `${defaultPath}: missing — restore config/default.json from the repository or set CONFIG_DIR to the folder that holds it`,
    );
  } else {
    const v = readJsonFile(defaultPath, problems);
    if (v !== undefined) {
      merged = v;
      sources.push(defaultPath);
    }
  }
  const localPath = join(configDir, 'local.json');
  if (existsSync(localPath)) {
    const v = readJsonFile(localPath, problems);
    if (v !== undefined) {
      merged = deepMerge(merged, v);
      sources.push(localPath);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  // LOG_LEVEL from the environment wins over the file.
  const logLevel = env.LOG_LEVEL?.trim();
  if (logLevel && isPlainObject(merged)) {
    const logging = isPlainObject(merged.logging) ? merged.logging : {};
    merged = { ...merged, logging: { ...logging, level: logLevel } };
  }

  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const lines = formatConfigIssues(result.error, merged).map((l) =>
      l.startsWith('logging.level') && logLevel ? `${l} (from LOG_LEVEL)` : l,
    );
    throw new ConfigError(lines);
  }
  const config = result.data;
  const secrets = readSecrets(env);

  const sections: Readonly<Record<string, VenueSectionBase>> = config.venues;
  for (const entry of VENUE_ENTRIES) {
    const venue = entry.name;
    const vc = sections[venue];
    if (!vc?.enabled || vc.environment === 'sim') continue;
    const missing = Object.values(entry.secretEnv).filter((name) => !env[name]?.trim());
    if (missing.length > 0) {
      problems.push(
        `venues.${venue}: enabled for "${vc.environment}" but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set — put the API credentials in .env, or set venues.${venue}.environment to "sim"`,
      );
    }
  }
  if (config.webhook.enabled && secrets.webhook.secret === undefined) {
    problems.push(
      'webhook.enabled: true but WEBHOOK_SECRET is not set — put a long random secret in .env (e.g. `openssl rand -hex 32`), or set webhook.enabled to false',
    );
  } else if (config.webhook.enabled && (secrets.webhook.secret?.length ?? 0) < 16) {
    problems.push('WEBHOOK_SECRET: shorter than 16 characters — use a long random secret (e.g. `openssl rand -hex 32`)');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return deepFreeze({ config, secrets, sources });
}
