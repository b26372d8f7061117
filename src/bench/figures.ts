/** Building, printing and writing the bench's figures. */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

import type { BenchFigure, FigureTarget, ThroughputFigure } from './types.js';

/** A measured figure, judged against its target. */
export function figure(
  id: string,
  label: string,
  unit: string,
  value: number,
  target: FigureTarget | undefined,
  extra: { note?: string; detail?: Record<string, unknown> } = {},
): BenchFigure {
  const pass =
    target === undefined
      ? null
      : target.op === '<'
        ? value < target.limit
        : target.op === '>='
          ? value >= target.limit
          : value <= target.limit;
  return { id, label, unit, value, target, targetText: targetText(target, unit), pass, ...extra };
}

/** A figure that could not be measured: printed as `not measured: <reason>`, counted as failed. */
export function notMeasured(id: string, label: string, unit: string, target: FigureTarget | undefined, reason: string): BenchFigure {
  return { id, label, unit, value: undefined, target, targetText: targetText(target, unit), pass: false, note: oneLine(reason) };
}

export function targetText(target: FigureTarget | undefined, unit: string): string {
  if (target === undefined) return 'reported';
  return `${target.op === '<' ? '<' : target.op === '>=' ? '≥' : '≤'} ${round(target.limit)} ${unit}`;
}

export function oneLine(text: string): string {
  const first = text.split('\n')[0] ?? '';
  return first.length > 200 ? `${first.slice(0, 197)}...` : first;
}

export function errorText(err: unknown): string {
  return oneLine(err instanceof Error ? err.message : String(err));
}

/** Runs one part of the bench; an error turns into `not measured` figures for `ids`, never a crash. */
export async function guarded(
  fallback: readonly { id: string; label: string; unit: string; target: FigureTarget | undefined }[],
  work: () => Promise<BenchFigure[]>,
): Promise<BenchFigure[]> {
  try {
    return await work();
  } catch (err) {
    return fallback.map((f) => notMeasured(f.id, f.label, f.unit, f.target, errorText(err)));
  }
}

/** The adapter must deliver at least this share of the bare ws + JSON.parse floor (issue 9). */
export const THROUGHPUT_RATIO_TARGET = 0.7;

/** The throughput figures from runThroughputBench, three per venue and stream. */
export function throughputFigures(rows: readonly ThroughputFigure[]): BenchFigure[] {
  return rows.flatMap((r) => [
    figure(`throughput.${r.venue}.${r.stream}.adapter`, `${r.venue} ${r.stream}: adapter msgs/s`, 'msg/s', r.adapterMsgsPerSec, undefined),
    figure(
      `throughput.${r.venue}.${r.stream}.floor`,
      `${r.venue} ${r.stream}: bare ws + JSON.parse msgs/s`,
      'msg/s',
      r.floorMsgsPerSec,
      undefined,
    ),
    figure(`throughput.${r.venue}.${r.stream}.ratio`, `${r.venue} ${r.stream}: adapter / floor`, '×', r.ratio, {
      op: '>=',
      limit: THROUGHPUT_RATIO_TARGET,
    }),
  ]);
}

export function round(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US');
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function status(f: BenchFigure | ReportFigure): string {
  if (f.value === undefined || f.value === null) return 'NOT MET';
  if (f.pass === null) return '-';
  return f.pass ? 'ok' : 'NOT MET';
}

/** The report table, one figure a line (markdown, so it pastes into the README as is). */
export function formatTable(figures: readonly (BenchFigure | ReportFigure)[]): string {
  const rows = figures.map((f) => [
    f.label,
    f.value === undefined || f.value === null
      ? `not measured: ${f.note ?? 'unknown reason'}`
      : `${round(f.value)} ${f.unit}${f.note ? ` (${f.note})` : ''}`,
    f.targetText,
    status(f),
  ]);
  const head = ['figure', 'value', 'target', 'status'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly totalMemMb: number;
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  /** 1-minute load average when the run started and when it ended: other work on the machine skews every figure. */
  readonly loadAvg1m: { readonly atStart: number; readonly atEnd: number };
}

export function machineInfo(loadAtStart: number = loadavg()[0] ?? 0): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    totalMemMb: Math.round(totalmem() / 1024 / 1024),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    loadAvg1m: { atStart: Math.round(loadAtStart * 100) / 100, atEnd: Math.round((loadavg()[0] ?? 0) * 100) / 100 },
  };
}

export type ReportFigure = Omit<BenchFigure, 'value' | 'target'> & { readonly value: number | null; readonly target: FigureTarget | null };

export interface BenchReport {
  readonly date: string;
  readonly mode: 'quick' | 'full';
  readonly durationSecs: number;
  readonly machine: MachineInfo;
  /** Every figure; `value` is null when it was not measured. */
  readonly figures: readonly ReportFigure[];
  /** Figures with a target that missed it or were not measured. */
  readonly failed: readonly string[];
}

export function buildReport(
  figures: readonly BenchFigure[],
  mode: 'quick' | 'full',
  startedAtMs: number,
  durationSecs: number,
  loadAtStart?: number,
): BenchReport {
  return {
    date: new Date(startedAtMs).toISOString(),
    mode,
    durationSecs: Math.round(durationSecs * 10) / 10,
    machine: machineInfo(loadAtStart),
    figures: figures.map((f) => ({ ...f, value: f.value === undefined ? null : Number(f.value.toFixed(3)), target: f.target ?? null })),
    failed: figures.filter((f) => f.pass === false).map((f) => f.id),
  };
}

/** Percentile (nearest rank) of `samples`; NaN when empty. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** Writes the report as indented JSON. */
export function writeReport(file: string, report: BenchReport): void {
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
