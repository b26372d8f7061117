// `npm run check [-- --ci]`: format, lint, typecheck and test in one command. Locally it fixes what
// prettier and eslint can fix; with --ci (what .ci/run uses) it only checks and fails on a diff.
import { spawnSync } from 'node:child_process';

const ci = process.argv.includes('--ci');
// lint first: its fixes (sorted imports) are then laid out by prettier
const steps = [
  ['lint', ci ? ['eslint', '--max-warnings', '0', '.'] : ['eslint', '--fix', '--max-warnings', '0', '.']],
  ['format', ci ? ['prettier', '--check', '--log-level', 'warn', '.'] : ['prettier', '--write', '--log-level', 'warn', '.']],
  ['typecheck', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
];

for (const [name, [bin, ...args]] of steps) {
  process.stdout.write(`check: ${name}\n`);
  const run = spawnSync('npx', ['--no-install', bin, ...args], { stdio: 'inherit' });
  if (run.status !== 0) {
    const fix = ci && name !== 'typecheck' ? '; run `npm run check` locally to fix it, then commit' : '';
    process.stderr.write(`check: ${name} failed (${bin} exit ${run.status ?? run.signal})${fix}\n`);
    process.exit(1);
  }
}
process.stdout.write('check: tests (npm test)\n');
const tests = spawnSync('npm', ['test'], { stdio: 'inherit' });
process.exit(tests.status ?? 1);
