/** The bench's parts in order, with the sizes of a quick (CI) and a full run. */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

import { runLoadBench, runStartupBench, SPEC } from './daemon-bench.js';
import { type BenchReport, buildReport, errorText, guarded, notMeasured, throughputFigures } from './figures.js';
import { latencySpecs, runLatencyBench } from './latency.js';
import { runThroughputBench } from './throughput.js';
import type { BenchFigure, BenchOptions } from './types.js';

export const BENCH_USAGE =
  'usage: npm run bench [-- --quick] [-- --json FILE]\n  --quick      CI-sized run (under a minute)\n  --json FILE  also write every figure, its target and pass flag, the machine and the date to FILE';

export interface BenchArgs {
  readonly quick: boolean;
  readonly json: string | undefined;
  readonly help: boolean;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs | { error: string } {
  let quick = false;
  let json: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--help' || a === '-h') help = true;
    else if (a === '--json') {
      const file = argv[i + 1];
      if (file === undefined || file.startsWith('--')) return { error: '--json needs a file name' };
      json = file;
      i++;
    } else return { error: `unknown argument ${JSON.stringify(a)}` };
  }
  return { quick, json, help };
}

/** Run sizes. */
export interface BenchPlan {
  readonly latencySamples: number;
  readonly latencyDelaysMs: readonly number[];
  readonly starts: number;
  readonly idleSettleMs: number;
  readonly options: number;
  readonly loadWindowMs: number;
  readonly subscribeTimeoutMs: number;
  /** When the adapter's channel cap stops the 1,000-option figures, measure again with it raised (reported beside). */
  readonly rerunWithCapRaised: boolean;
}

export function planFor(options: BenchOptions): BenchPlan {
  return options.quick
    ? {
        latencySamples: 10,
        latencyDelaysMs: [0, 20],
        starts: 1,
        idleSettleMs: 1_000,
        options: 1_000,
        loadWindowMs: 4_000,
        subscribeTimeoutMs: 20_000,
        rerunWithCapRaised: false,
      }
    : {
        latencySamples: 100,
        latencyDelaysMs: [0, 20],
        starts: 5,
        idleSettleMs: 5_000,
        options: 1_000,
        loadWindowMs: 20_000,
        subscribeTimeoutMs: 60_000,
        rerunWithCapRaised: true,
      };
}

const THROUGHPUT_ID = { id: 'throughput', label: 'adapter throughput vs bare ws + JSON.parse', unit: 'msg/s', target: undefined };

/** Runs every part; `progress` gets one line per part. */
export async function runBench(
  options: BenchOptions,
  progress: (line: string) => void = () => undefined,
  plan: BenchPlan = planFor(options),
): Promise<BenchReport> {
  const startedAtMs = Date.now();
  const loadAtStart = loadavg()[0] ?? 0;
  const t0 = performance.now();
  const figures: BenchFigure[] = [];
  const part = async (name: string, run: () => Promise<BenchFigure[]>) => {
    const t = performance.now();
    progress(`${name}...`);
    const got = await run();
    figures.push(...got);
    progress(`${name}: done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return got;
  };

  await part('throughput (adapter vs bare ws + JSON.parse)', async () => {
    try {
      const rows = await runThroughputBench(options);
      if (rows.length === 0)
        return [
          notMeasured(
            THROUGHPUT_ID.id,
            THROUGHPUT_ID.label,
            THROUGHPUT_ID.unit,
            undefined,
            'runThroughputBench returned no figures (not landed yet)',
          ),
        ];
      return throughputFigures(rows);
    } catch (err) {
      return [notMeasured(THROUGHPUT_ID.id, THROUGHPUT_ID.label, THROUGHPUT_ID.unit, undefined, errorText(err))];
    }
  });
  await part(`order-to-protection latency (${plan.latencySamples} round trips at each of +${plan.latencyDelaysMs.join(', +')} ms)`, () =>
    guarded(latencySpecs(plan.latencyDelaysMs), () => runLatencyBench({ samples: plan.latencySamples, delaysMs: plan.latencyDelaysMs })),
  );
  await part(
    `okx order-to-protection latency (${plan.latencySamples} round trips at each of +${plan.latencyDelaysMs.join(', +')} ms)`,
    () =>
      guarded(latencySpecs(plan.latencyDelaysMs, 'okx'), () =>
        runLatencyBench({ venue: 'okx', samples: plan.latencySamples, delaysMs: plan.latencyDelaysMs }),
      ),
  );
  await part(
    `bybit order-to-protection latency (${plan.latencySamples} round trips at each of +${plan.latencyDelaysMs.join(', +')} ms)`,
    () =>
      guarded(latencySpecs(plan.latencyDelaysMs, 'bybit'), () =>
        runLatencyBench({ venue: 'bybit', samples: plan.latencySamples, delaysMs: plan.latencyDelaysMs }),
      ),
  );
  await part(`daemon start to ready (${plan.starts} start(s)) and idle RSS`, () =>
    guarded([SPEC.startToReady, SPEC.rssIdle], () => runStartupBench({ starts: plan.starts, settleMs: plan.idleSettleMs })),
  );
  const load = await part(`${plan.options} option tickers at 10 Hz with trades: RSS and event-loop delay`, () =>
    runLoadBench({ options: plan.options, windowMs: plan.loadWindowMs, subscribeTimeoutMs: plan.subscribeTimeoutMs }),
  );
  const capped = load.some((f) => f.value === undefined && /adapter's cap/.test(f.note ?? ''));
  if (capped && plan.rerunWithCapRaised) {
    await part('the same with the adapter channel cap raised (reported beside, not instead)', () =>
      runLoadBench({
        options: plan.options,
        windowMs: plan.loadWindowMs,
        subscribeTimeoutMs: plan.subscribeTimeoutMs,
        maxChannelsPerConnection: plan.options + 20,
      }),
    );
  }
  return buildReport(figures, options.quick ? 'quick' : 'full', startedAtMs, (performance.now() - t0) / 1000, loadAtStart);
}
