/**
 * One daemon per data directory. The lock is an OS-level file lock that dies with the process:
 * `<store.path>.lock` is a tiny SQLite file held in EXCLUSIVE locking mode (a POSIX record lock the
 * kernel drops when the process ends, even on SIGKILL), so a crashed daemon never blocks the next
 * start and two racing starts cannot both win. Who holds it (pid, host, since when) is written to
 * `<store.path>.lock.json` by the winner, for the loser's message.
 *
 * Do not delete the .lock file while a daemon runs: a new file would be a new, unheld lock.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

import Database from 'better-sqlite3';

import { StartupError } from '../runtime/paths.js';

export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** ISO time the holder took the lock. */
  readonly since: string;
}

export interface InstanceLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Drops the lock (also dropped by the kernel when the process exits). Safe to call twice. */
  release(): void;
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof v.pid === 'number' && typeof v.since === 'string' && typeof v.hostname === 'string') return v as LockHolder;
  } catch {
    // missing or half-written: the holder has just started
  }
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function heldMessage(storePath: string, info: LockHolder | undefined): string {
  // The details file is written just after the lock is won; a dead pid on this host there is a
  // leftover of an earlier (killed) daemon, not the current holder.
  if (!info || (info.hostname === hostname() && !alive(info.pid))) {
    return `cannot start: another daemon (just starting; its pid is not recorded yet) holds ${storePath}; stop it first — one daemon per data directory`;
  }
  const where = info.hostname === hostname() ? '' : ` on host ${info.hostname}`;
  return `cannot start: another daemon (pid ${info.pid}${where}, running since ${info.since}) holds ${storePath}; stop it first — one daemon per data directory`;
}

/**
 * Takes the data-directory lock for `storePath` (whose folder must exist). Throws a StartupError
 * naming the running daemon when another process holds it.
 */
export function acquireInstanceLock(storePath: string, now: Date = new Date()): InstanceLock {
  const path = `${storePath}.lock`;
  const infoPath = `${path}.json`;
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = MEMORY');
    // In EXCLUSIVE locking mode the lock taken here is kept until the connection closes. The
    // write proves the file is writable: SQLite opens a read-only file read-only without a word,
    // and a read-only file descriptor cannot hold a write lock (two daemons would both "win").
    db.exec('BEGIN EXCLUSIVE; PRAGMA user_version = 1; COMMIT;');
  } catch (err) {
    db?.close();
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      throw new StartupError(heldMessage(storePath, readHolder(infoPath)), { cause: err });
    }
    if (code.startsWith('SQLITE_READONLY')) {
      const uid = process.getuid?.();
      throw new StartupError(
        `cannot start: store.path ${JSON.stringify(storePath)}: ${path} is not writable by this user${uid === undefined ? '' : ` (uid ${uid})`} (${code}) — chown/chmod it for this user`,
        { cause: err },
      );
    }
    throw new StartupError(
      `cannot start: the lock file ${path} of store.path cannot be taken (${code || (err as Error).message}) — if no daemon is running, delete it and start again`,
      { cause: err },
    );
  }
  const holder: LockHolder = { pid: process.pid, hostname: hostname(), since: now.toISOString() };
  const tmp = `${infoPath}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(holder)}\n`);
  renameSync(tmp, infoPath);
  let held: Database.Database | undefined = db;
  return {
    path,
    holder,
    release() {
      if (!held) return;
      const current = readHolder(infoPath);
      if (current?.pid === holder.pid && current.since === holder.since) rmSync(infoPath, { force: true });
      held.close();
      held = undefined;
    },
  };
}
