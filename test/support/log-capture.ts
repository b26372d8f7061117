/** A pino logger that keeps its lines in memory so tests can assert what was logged (and what never was). */
import { type Logger, pino } from 'pino';

export interface LogLine {
  readonly level: number;
  readonly msg?: string;
  readonly [key: string]: unknown;
}

export interface CapturedLogger {
  readonly logger: Logger;
  readonly lines: LogLine[];
  /** All captured output as one string (to check that a secret never appears). */
  text(): string;
  /** Lines whose `msg` contains `fragment`. */
  find(fragment: string): LogLine[];
}

/** Captures every line at `level` and above (default 'trace'). */
export function captureLogger(level: pino.LevelWithSilent = 'trace'): CapturedLogger {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const logger = pino(
    { level },
    {
      write(chunk: string) {
        raw.push(chunk);
        lines.push(JSON.parse(chunk) as LogLine);
      },
    },
  );
  return {
    logger,
    lines,
    text: () => raw.join(''),
    find: (fragment) => lines.filter((l) => typeof l.msg === 'string' && l.msg.includes(fragment)),
  };
}
