/**
 * The pino root logger: JSON to stdout and a rotating file, secrets redacted by path and scrubbed
 * by value, optional pretty output.
 */
import { createRequire } from 'node:module';

import pino, { type LevelWithSilent, type Logger } from 'pino';

import { type LogSink, RotatingFile } from './rotating-file.js';
import { createSecretScrubber, scrubbingSink } from './secret-scrubber.js';

export type { Logger } from 'pino';

/** Paths pino censors whatever their value (the first line of defence). */
export const REDACT_PATHS = [
  'secret',
  'secrets',
  'apiKey',
  'apiSecret',
  'passphrase',
  'clientSecret',
  'client_secret',
  'botToken',
  'token',
  'accessToken',
  'access_token',
  'refresh_token',
  'refreshToken',
  'signature',
  'authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.secret',
  '*.secrets',
  '*.apiKey',
  '*.apiSecret',
  '*.passphrase',
  '*.clientSecret',
  '*.client_secret',
  '*.botToken',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.refresh_token',
  '*.refreshToken',
  '*.signature',
  '*.sign',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers["ok-access-key"]',
  '*.headers["ok-access-sign"]',
  '*.headers["ok-access-passphrase"]',
  '*.headers["x-bapi-api-key"]',
  '*.headers["x-bapi-sign"]',
  '*.params.client_secret',
  '*.params.signature',
  '*.params.refresh_token',
  '*.params.access_token',
  '*.args[*].apiKey',
  '*.args[*].passphrase',
  '*.args[*].sign',
];

export interface LoggerOptions {
  readonly level: LevelWithSilent;
  readonly pretty?: boolean;
  readonly file?: { readonly dir: string; readonly name: string; readonly maxBytes: number; readonly maxFiles: number };
  /** Secret values that must never appear in a log line. */
  readonly secrets: readonly string[];
  /** Extra fields on every line. */
  readonly base?: Record<string, string>;
  /** Replace stdout (tests capture output here). */
  readonly stdout?: LogSink;
}

export interface RootLogger {
  readonly logger: Logger;
  /** Flush buffered lines to their files: call before exit. */
  flush(): void;
  close(): void;
}

/** pino-pretty's options: colours only on a terminal, never into a file or a pipe (docker logs). */
export function prettyOptions(isTty: boolean): { colorize: boolean; translateTime: string; sync: true } {
  return { colorize: isTty, translateTime: 'SYS:standard', sync: true };
}

function prettyStdout(): LogSink | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pretty = require('pino-pretty') as (opts: object) => LogSink;
    return pretty(prettyOptions(process.stdout.isTTY === true));
  } catch {
    process.stderr.write('logging.pretty is on but pino-pretty is not installed (it is a dev dependency); writing JSON\n');
    return undefined;
  }
}

/**
 * One pino root for the whole process: JSON lines to stdout and to a size-rotated file, secrets
 * censored by path and scrubbed by value. Components take `logger.child({ component, venue })`.
 */
export function createRootLogger(options: LoggerOptions): RootLogger {
  const scrub = createSecretScrubber(options.secrets);
  const stdoutSink: LogSink = options.stdout ?? (options.pretty ? prettyStdout() : undefined) ?? pino.destination({ dest: 1, sync: false });
  const streams: pino.StreamEntry[] = [{ level: 'trace', stream: scrubbingSink(stdoutSink, scrub) }];
  let file: RotatingFile | undefined;
  if (options.file) {
    file = new RotatingFile(options.file);
    streams.push({ level: 'trace', stream: scrubbingSink(file, scrub) });
  }
  const logger = pino(
    {
      level: options.level,
      base: { pid: process.pid, ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    pino.multistream(streams),
  );
  return {
    logger,
    flush() {
      (stdoutSink as { flushSync?: () => void }).flushSync?.();
      file?.flushSync();
    },
    close() {
      this.flush();
      file?.end();
    },
  };
}
