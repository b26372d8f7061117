/** A size-rotated log file destination for pino (daemon.log, daemon.log.1, ...). */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

import pino from 'pino';

import { refusePseudoFs } from './paths.js';

export interface RotatingFileOptions {
  readonly dir: string;
  readonly name: string;
  readonly maxBytes: number;
  readonly maxFiles: number;
}

/** What pino's multistream needs from a destination. */
export interface LogSink {
  write(line: string): void;
  flushSync?(): void;
  end?(): void;
}

/**
 * A size-rotated log file: daemon.log, daemon.log.1 (newest rotated) ... daemon.log.N.
 * Writes are synchronous appends (pino's default for destinations): a line logged just before
 * a crash is on disk, and a log line is small enough that the page-cache write costs
 * microseconds. On rotation the files are renamed and the destination reopened.
 */
export class RotatingFile implements LogSink {
  private readonly path: string;
  private readonly dest: ReturnType<typeof pino.destination>;
  private bytes: number;

  constructor(private readonly options: RotatingFileOptions) {
    // never a recursive mkdir on a kernel pseudo-filesystem (it spins forever on procfs)
    refusePseudoFs(options.dir, 'logging.file.dir', 'set logging.file.dir to a folder on a local disk, such as logs');
    mkdirSync(options.dir, { recursive: true });
    this.path = join(options.dir, options.name);
    this.bytes = existsSync(this.path) ? statSync(this.path).size : 0;
    this.dest = pino.destination({ dest: this.path, sync: true, mkdir: true });
  }

  write(line: string): void {
    const size = Buffer.byteLength(line);
    if (this.bytes > 0 && this.bytes + size > this.options.maxBytes) this.rotate();
    this.dest.write(line);
    this.bytes += size;
  }

  private rotate(): void {
    const { maxFiles } = this.options;
    try {
      rmSync(`${this.path}.${maxFiles}`, { force: true });
      for (let i = maxFiles - 1; i >= 1; i -= 1) {
        const from = `${this.path}.${i}`;
        if (existsSync(from)) renameSync(from, `${this.path}.${i + 1}`);
      }
      if (existsSync(this.path)) renameSync(this.path, `${this.path}.1`);
      this.dest.reopen();
      this.bytes = 0;
    } catch (err) {
      // Rotation failing must not stop logging: keep writing to the current file.
      process.stderr.write(`log rotation of ${this.path} failed (${(err as Error).message}); still writing to the current file\n`);
    }
  }

  flushSync(): void {
    try {
      this.dest.flushSync();
    } catch {
      // not yet open: nothing buffered
    }
  }

  end(): void {
    this.flushSync();
    this.dest.end();
  }
}
