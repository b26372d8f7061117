#!/usr/bin/env node
// Builds dist/ only when a source changed since the last build (npm start and --check-config then
// start at once). The build is tsc's own incremental build, so a change recompiles what it must.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist', '.build-stamp');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (entry.name.endsWith('.ts')) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

const built = mtime(stamp);
const sources = Math.max(
  newest(join(root, 'src')),
  mtime(join(root, 'tsconfig.json')),
  mtime(join(root, 'tsconfig.build.json')),
  mtime(join(root, 'package-lock.json')),
);
if (built > 0 && built >= sources && mtime(join(root, 'dist', 'src', 'main.js')) > 0) process.exit(0);

process.stderr.write(built === 0 ? 'building dist/ (first start)...\n' : 'sources changed since the last build; rebuilding dist/...\n');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const started = Date.now();
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
// stamped with the time the build started: a source saved during the build is rebuilt next time
writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
const at = new Date(started);
utimesSync(stamp, at, at);
