/**
 * Pre-flight checks of the folders and files the daemon writes, before anything starts. Each
 * problem is a StartupError whose message is the one line an operator reads: the config key,
 * the path, what is wrong and what to do. Nothing here creates anything: the caller creates the
 * folders once every check has passed.
 *
 * Kernel pseudo-filesystems (/proc, /sys, /dev) are refused by name and by filesystem type:
 * Node's recursive mkdir spins forever on procfs, so it must never be called there.
 */
import { accessSync, constants, realpathSync, statfsSync, type Stats, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { DaemonError } from '../domain/errors.js';

/** A start-up problem; `message` is the complete line for the operator. Exit code 2. */
export class StartupError extends DaemonError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STARTUP_REFUSED', message, options);
  }
}

const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'] as const;

/** statfs f_type of filesystems that are not storage (Linux magic numbers). */
const PSEUDO_FS_TYPES = new Map<number, string>([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroupfs'],
  [0x63677270, 'cgroup2fs'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
]);

function underRoot(path: string): string | undefined {
  return PSEUDO_ROOTS.find((root) => path === root || path.startsWith(`${root}/`));
}

function pseudoFsType(existing: string): string | undefined {
  try {
    return PSEUDO_FS_TYPES.get(Number(statfsSync(existing).type));
  } catch {
    return undefined;
  }
}

function uidText(): string {
  const uid = process.getuid?.();
  return uid === undefined ? 'this user' : `this user (uid ${uid})`;
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String(err);
}

/** `key "path"`: how every line names what it is about. */
function subject(key: string, path: string): string {
  return `${key} ${JSON.stringify(path)}`;
}

/** Refuses a path on a kernel pseudo-filesystem (lexically; `checkDir` also checks the real path and the fs type). */
export function refusePseudoFs(path: string, key: string, fix: string): void {
  const abs = resolve(path);
  const root = underRoot(abs);
  if (root) {
    throw new StartupError(`cannot start: ${subject(key, abs)} is under ${root}, a kernel pseudo-filesystem, not storage — ${fix}`);
  }
}

/** The nearest existing ancestor of `path` (itself included) and its stats. */
function nearestExisting(path: string, key: string, target: string): { path: string; stats: Stats } {
  let cur = path;
  for (;;) {
    try {
      return { path: cur, stats: statSync(cur) };
    } catch (err) {
      const code = errCode(err);
      if (code === 'EACCES') {
        throw new StartupError(
          `cannot start: ${subject(key, target)}: ${cur} cannot be looked into by ${uidText()} (EACCES) — give this user access to it or choose another folder`,
        );
      }
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        throw new StartupError(
          `cannot start: ${subject(key, target)}: ${cur} cannot be checked (${code}) — fix the path or choose another folder`,
        );
      }
    }
    const parent = dirname(cur);
    if (parent === cur) throw new StartupError(`cannot start: ${subject(key, target)}: no part of the path exists — choose another folder`);
    cur = parent;
  }
}

export interface DirCheck {
  /** False when the folder is still to be created (its nearest existing parent is writable). */
  readonly exists: boolean;
}

/**
 * Checks that `dir` is (or can be created as) a folder this user can write, on real storage.
 * `key` names the config key; `fix` says what to set it to instead (used for pseudo-filesystems).
 * `target` is the path the key holds, when the folder is only its parent (store.path).
 */
export function checkDir(dir: string, key: string, fix: string, target = dir): DirCheck {
  const abs = resolve(dir);
  const shown = resolve(target);
  refusePseudoFs(abs, key, fix);
  const found = nearestExisting(abs, key, shown);
  if (!found.stats.isDirectory()) {
    const what =
      found.path === abs ? `${abs} is a file, not a folder` : `${abs} cannot be created because ${found.path} is a file, not a folder`;
    throw new StartupError(`cannot start: ${subject(key, shown)}: ${what} — remove or rename that file, or ${fix}`);
  }
  let real = found.path;
  try {
    real = realpathSync(found.path);
  } catch {
    // keep the lexical path
  }
  const root = underRoot(real);
  const fsType = pseudoFsType(found.path);
  if (root || fsType) {
    throw new StartupError(
      `cannot start: ${subject(key, shown)} is on ${fsType ?? root}, a kernel pseudo-filesystem, not storage (via ${real}) — ${fix}`,
    );
  }
  try {
    accessSync(found.path, constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = errCode(err);
    const how = code === 'EROFS' ? 'is on a read-only filesystem' : `is not writable by ${uidText()} (${code})`;
    const where = found.path === abs ? `folder ${abs} ${how}` : `folder ${abs} does not exist and cannot be created: ${found.path} ${how}`;
    throw new StartupError(`cannot start: ${subject(key, shown)}: ${where} — chown/chmod it for this user, or ${fix}`);
  }
  return { exists: found.path === abs };
}

/**
 * Checks a file the daemon opens for writing inside a checked folder: when it exists it must
 * be a regular file this user can read and write. `target` is the path the key holds, when the
 * file is one beside it (the store's WAL or lock files).
 */
export function checkWritableFile(path: string, key: string, fix: string, kind: string, target = path): { exists: boolean } {
  const abs = resolve(path);
  const where = resolve(target) === abs ? subject(key, abs) : `${subject(key, resolve(target))}: ${abs}`;
  let stats: Stats;
  try {
    stats = statSync(abs);
  } catch (err) {
    if (errCode(err) === 'ENOENT') return { exists: false };
    throw new StartupError(`cannot start: ${where} cannot be checked (${errCode(err)}) — ${fix}`);
  }
  if (stats.isDirectory()) throw new StartupError(`cannot start: ${where} is a folder, not ${kind} — ${fix}`);
  if (!stats.isFile()) throw new StartupError(`cannot start: ${where} is not a regular file — ${fix}`);
  try {
    accessSync(abs, constants.R_OK | constants.W_OK);
  } catch (err) {
    throw new StartupError(
      `cannot start: ${where} is not writable by ${uidText()} (${errCode(err)}) — chown/chmod it for this user, or ${fix}`,
    );
  }
  return { exists: true };
}
