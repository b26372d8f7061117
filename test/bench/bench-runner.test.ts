/**
 * The bench's cheap parts, run for real on a handful of samples: the figures come out with the
 * shape the report and its JSON promise. Nothing here asserts a speed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runStartupBench } from '../../src/bench/daemon-bench.js';
import {
  buildReport,
  figure,
  formatTable,
  guarded,
  notMeasured,
  percentile,
  throughputFigures,
  writeReport,
} from '../../src/bench/figures.js';
import { latencyFigures, measureLatency } from '../../src/bench/latency.js';
import { parseBenchArgs } from '../../src/bench/run.js';
import type { BenchFigure } from '../../src/bench/types.js';

function expectFigureShape(f: BenchFigure): void {
  expect(f.id).toMatch(/^[a-zA-Z0-9.]+$/);
  expect(f.label.length).toBeGreaterThan(0);
  expect(typeof f.unit).toBe('string');
  expect(typeof f.targetText).toBe('string');
  if (f.value === undefined) {
    expect(f.pass).toBe(false);
    expect(f.note).toBeTruthy();
  } else {
    expect(Number.isFinite(f.value)).toBe(true);
    expect(f.pass === null ? f.target : typeof f.pass).toBe(f.pass === null ? undefined : 'boolean');
  }
}

describe('bench: figures, table and JSON', () => {
  it('judges a value against its target and reports a figure without one', () => {
    expect(figure('a', 'a', 'ms', 4, { op: '<', limit: 5 }).pass).toBe(true);
    expect(figure('a', 'a', 'ms', 5, { op: '<', limit: 5 }).pass).toBe(false);
    expect(figure('a', 'a', 'ms', 5, { op: '<=', limit: 5 }).pass).toBe(true);
    expect(figure('a', 'a', 'ms', 5, undefined).pass).toBeNull();
  });

  it('prints a figure that could not be measured as "not measured: <reason>" on one line, marked NOT MET', async () => {
    const figs = await guarded([{ id: 'x.y', label: 'x', unit: 'MB', target: { op: '<', limit: 150 } }], async () => {
      throw new Error('cap reached\nsecond line');
    });
    expect(figs).toHaveLength(1);
    expect(figs[0]?.pass).toBe(false);
    const table = formatTable(figs);
    expect(table).toContain('not measured: cap reached');
    expect(table).not.toContain('second line');
    expect(table).toContain('NOT MET');
  });

  it('writes every figure with its target, pass flag, the machine and the date', () => {
    const figs = [
      figure('a.b', 'a', 'ms', 1.23456, { op: '<', limit: 2 }),
      notMeasured('c.d', 'c', 'MB', { op: '<', limit: 150 }, 'no reason'),
      ...throughputFigures([{ venue: 'deribit', stream: 'perpetual', adapterMsgsPerSec: 90, floorMsgsPerSec: 100, ratio: 0.9 }]),
    ];
    const report = JSON.parse(JSON.stringify(buildReport(figs, 'quick', Date.parse('2026-12-04T22:00:00Z'), 12.34))) as Record<
      string,
      unknown
    >;
    expect(report).toMatchObject({ date: '2026-12-04T22:00:00.000Z', mode: 'quick', durationSecs: 12.3, failed: ['c.d'] });
    expect(report.machine).toMatchObject({ cpus: expect.any(Number), node: process.version });
    const out = report.figures as Record<string, unknown>[];
    expect(out).toHaveLength(5);
    expect(out[0]).toMatchObject({ id: 'a.b', value: 1.235, target: { op: '<', limit: 2 }, pass: true, targetText: '< 2.00 ms' });
    expect(out[1]).toMatchObject({ id: 'c.d', value: null, pass: false, note: 'no reason' });
    expect(out.map((f) => f.id)).toContain('throughput.deribit.perpetual.ratio');
  });

  it('takes percentiles by nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('parses --quick and --json FILE, refuses the rest', () => {
    expect(parseBenchArgs(['--quick', '--json', 'out.json'])).toEqual({ quick: true, json: 'out.json', help: false });
    expect(parseBenchArgs([])).toEqual({ quick: false, json: undefined, help: false });
    expect(parseBenchArgs(['--json'])).toHaveProperty('error');
    expect(parseBenchArgs(['--fast'])).toHaveProperty('error');
  });
});

describe('bench: the cheap parts, for real', () => {
  it('order-to-protection latency: a few round trips at 0 and 20 ms give median and p99 beside their targets', async () => {
    const results = await measureLatency({ samples: 2, delaysMs: [0, 20], pauseMs: 50 });
    expect(results.map((r) => r.delayMs)).toEqual([0, 20]);
    for (const r of results) {
      expect(r.failures).toEqual([]);
      expect(r.entryToStop).toHaveLength(2);
      expect(r.exitToSibling).toHaveLength(2);
      // with a response delay, the acknowledgement cannot come before the delay has passed (less timer granularity)
      for (const v of [...r.entryToStop, ...r.exitToSibling]) expect(v).toBeGreaterThanOrEqual(r.delayMs - 2);
    }
    const figs = latencyFigures(results);
    expect(figs.map((f) => f.id)).toEqual([
      'latency.deribit.entryToStop.median.delay0ms',
      'latency.deribit.entryToStop.p99.delay0ms',
      'latency.deribit.exitToSibling.median.delay0ms',
      'latency.deribit.exitToSibling.p99.delay0ms',
      'latency.deribit.entryToStop.median.delay20ms',
      'latency.deribit.entryToStop.p99.delay20ms',
      'latency.deribit.exitToSibling.median.delay20ms',
      'latency.deribit.exitToSibling.p99.delay20ms',
    ]);
    for (const f of figs) expectFigureShape(f);
    // target: the stop request's own round trip (which includes the simulator's 20 ms) + 2 ms
    expect(figs[4]?.target?.op).toBe('<=');
    expect(figs[4]?.target?.limit).toBeGreaterThanOrEqual(22);
    expect((figs[4]?.detail as { roundTripMs?: number }).roundTripMs).toBeGreaterThanOrEqual(20);
  }, 60_000);

  it('order-to-protection latency on Bybit: the bench stack over the Bybit simulator completes its round trips', async () => {
    const results = await measureLatency({ venue: 'bybit', samples: 2, delaysMs: [0], pauseMs: 50 });
    expect(results.map((r) => r.delayMs)).toEqual([0]);
    for (const r of results) {
      expect(r.failures).toEqual([]);
      expect(r.entryToStop).toHaveLength(2);
      expect(r.exitToSibling).toHaveLength(2);
    }
    const figs = latencyFigures(results, 'bybit');
    expect(figs.map((f) => f.id)).toEqual([
      'latency.bybit.entryToStop.median.delay0ms',
      'latency.bybit.entryToStop.p99.delay0ms',
      'latency.bybit.exitToSibling.median.delay0ms',
      'latency.bybit.exitToSibling.p99.delay0ms',
    ]);
    for (const f of figs) expectFigureShape(f);
  }, 60_000);

  it('start to ready and idle RSS of the real daemon process', async () => {
    const figs = await runStartupBench({ starts: 1, settleMs: 100 });
    expect(figs.map((f) => f.id)).toEqual(['daemon.startToReady', 'daemon.rssIdle']);
    for (const f of figs) {
      expectFigureShape(f);
      expect(f.value, f.note).toBeGreaterThan(0);
    }
  }, 60_000);

  it('the JSON file parses back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-test-'));
    try {
      const file = join(dir, 'out.json');
      writeReport(file, buildReport([figure('a', 'a', 'ms', 1, undefined)], 'full', Date.now(), 1));
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
        mode: 'full',
        figures: [{ id: 'a', value: 1, target: null, pass: null }],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
