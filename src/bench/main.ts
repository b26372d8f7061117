/**
 * `npm run bench [-- --quick] [-- --json FILE]`: every figure of the benchmark in one run on this
 * machine, printed as a table beside its target, and written as JSON with the machine and the date.
 * A figure that cannot be measured is printed as `not measured: <reason>` and counted as failed;
 * it never stops the others.
 */
import { performance } from 'node:perf_hooks';

import { formatTable, writeReport } from './figures.js';
import { BENCH_USAGE, parseBenchArgs, runBench } from './run.js';

const args = parseBenchArgs(process.argv.slice(2));
if ('error' in args) {
  process.stderr.write(`${args.error}\n${BENCH_USAGE}\n`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(`${BENCH_USAGE}\n`);
  process.exit(0);
}
const started = performance.now();
const report = await runBench({ quick: args.quick }, (line) => process.stderr.write(`bench: ${line}\n`));
process.stdout.write(`\n${formatTable(report.figures)}\n\n`);
const judged = report.figures.filter((f) => f.pass !== null);
const met = judged.filter((f) => f.pass === true).length;
process.stdout.write(
  `${met} of ${judged.length} targets met (${report.mode} run, ${((performance.now() - started) / 1000).toFixed(0)} s, ${report.machine.cpus} × ${report.machine.cpuModel}, node ${report.machine.node}, load average ${report.machine.loadAvg1m.atStart} → ${report.machine.loadAvg1m.atEnd}, ${report.date})\n`,
);
if (args.json !== undefined) {
  writeReport(args.json, report);
  process.stdout.write(`figures written to ${args.json}\n`);
}
process.exit(0);
