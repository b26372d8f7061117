/** Where the compiled entry points the bench starts live (dist/, also when the bench runs from sources under vitest). */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const fromSources = here.endsWith('.ts');
/** The repository root. */
export const REPO_ROOT = resolve(dirname(here), '..', fromSources ? '..' : '../..');
const DIST_BENCH = join(REPO_ROOT, 'dist', 'src', 'bench');

/** The compiled bench module `name` (e.g. `sim-host.js`). */
export function benchModule(name: string): string {
  return join(DIST_BENCH, name);
}

/** The compiled daemon entry (dist/src/main.js). */
export const DAEMON_ENTRY = join(REPO_ROOT, 'dist', 'src', 'main.js');
