/** The log safety net: replaces any configured secret value that reaches a serialized log line. */
import type { LogSink } from './rotating-file.js';

const MASK = '[REDACTED]';

/**
 * The safety net under pino's path-based redaction: any configured secret value that still
 * reaches a serialized log line (inside an error message, a URL, a raw frame...) is replaced
 * before the line is written. Values are matched raw and JSON-escaped.
 */
export function createSecretScrubber(secrets: readonly string[]): (line: string) => string {
  const needles = new Set<string>();
  for (const s of secrets) {
    if (s.length < 4) continue; // too short to scrub without mangling ordinary text
    needles.add(s);
    needles.add(JSON.stringify(s).slice(1, -1));
    needles.add(encodeURIComponent(s));
    needles.add(Buffer.from(s).toString('base64').replace(/=+$/, ''));
  }
  const list = [...needles].filter((n) => n.length >= 4).sort((a, b) => b.length - a.length);
  if (list.length === 0) return (line) => line;
  return (line) => {
    let out = line;
    for (const n of list) if (out.includes(n)) out = out.split(n).join(MASK);
    return out;
  };
}

export function scrubbingSink(sink: LogSink, scrub: (line: string) => string): LogSink {
  return {
    write: (line: string) => sink.write(scrub(line)),
    flushSync: () => sink.flushSync?.(),
    end: () => sink.end?.(),
  };
}
