/**
 * Order-to-protection latency on the real OrderManager and PositionMonitor over the real Deribit
 * (or OKX, or Bybit) adapter, against that venue's simulator in its own process:
 * - entry → stop: from the first sign the entry filled (the pushed order/fill, or the entry's own
 *   answer, whichever came first) to the venue's acknowledgement of the stop-loss;
 * - exit → sibling: from the first sign the stop or the target filled to the venue's
 *   acknowledgement of the cancel of the other one.
 * The simulator answers every request `delayMs` late (0 and 20 ms): one simulated round trip.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import type { LegKind } from '../domain/trade.js';
import { figure, notMeasured, percentile } from './figures.js';
import { SimHost } from './sim-host-client.js';
import { type Stack, type StackEndpoints, startStack } from './stack.js';
import type { BenchFigure } from './types.js';

export type LatencyVenue = 'deribit' | 'okx' | 'bybit';

/**
 * The instrument and entry size per venue: Deribit 100 USD of the perpetual, OKX 10 contracts
 * (0.1 BTC) of the swap, Bybit 0.1 BTC of the USDT perpetual.
 */
const VENUE_TRADE: Readonly<Record<LatencyVenue, { readonly symbol: string; readonly size: string }>> = {
  deribit: { symbol: 'BTC-PERPETUAL', size: '100' },
  okx: { symbol: 'BTC-USDT-SWAP', size: '10' },
  bybit: { symbol: 'BTCUSDT', size: '0.1' },
};
/** The slack the target allows on top of the simulated round trip. */
export const LATENCY_SLACK_MS = 2;

export interface LatencyOptions {
  /** Default `deribit`. */
  readonly venue?: LatencyVenue;
  /** Round trips per simulated delay (half of them exit at the target, half at the stop). */
  readonly samples: number;
  readonly delaysMs: readonly number[];
  /** Pause between round trips (lets the ticker settle and the order budget refill). */
  readonly pauseMs?: number;
}

export interface LatencySamples {
  readonly delayMs: number;
  readonly entryToStop: number[];
  readonly exitToSibling: number[];
  /** The daemon's share: from the fill to the stop (or cancel) being handed to the adapter. */
  readonly entryToStopSend: number[];
  readonly exitToSiblingSend: number[];
  readonly failures: string[];
}

/** The figures' ids, labels and targets, also for `not measured` lines. */
export function latencySpecs(delaysMs: readonly number[], venue: LatencyVenue = 'deribit') {
  return delaysMs.flatMap((d) =>
    (['entryToStop', 'exitToSibling'] as const).flatMap((kind) =>
      (['median', 'p99'] as const).map((stat) => ({
        id: `latency.${venue}.${kind}.${stat}.delay${d}ms`,
        label: `${venue}: ${kind === 'entryToStop' ? 'entry fill → stop acked' : 'stop/target fill → sibling cancelled'}, ${stat}, sim +${d} ms`,
        unit: 'ms',
        target: { op: '<=' as const, limit: d + LATENCY_SLACK_MS },
      })),
    ),
  );
}

function legId(stack: Stack, tradeId: string, kind: LegKind): string | undefined {
  return stack.store.legsOf(tradeId).find((l) => l.kind === kind)?.clientId;
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await sleep(2);
  }
}

/** One entry, its protection, its exit at the target (`up`) or the stop, and the sibling's cancel. */
interface RoundTrip {
  entryToStop: number;
  exitToSibling: number;
  entryToStopSend: number;
  exitToSiblingSend: number;
}

async function roundTrip(stack: Stack, sim: SimHost<unknown>, base: number, up: boolean, venueId: LatencyVenue): Promise<RoundTrip> {
  const venue = stack.venue;
  const { symbol: SYMBOL, size } = VENUE_TRADE[venueId];
  venue.clear();
  const stop = Math.round(base * 0.99);
  const target = Math.round(base * 1.01);
  const closed = (id: () => string | undefined) =>
    stack.nextTradeEvent((e) => e.type === 'closed' && e.tradeId === id(), 10_000, 'trade closed');
  const result = await stack.orders.openTrade({
    venue: venueId,
    symbol: SYMBOL,
    side: 'buy',
    size: { unit: 'venue', value: size },
    entry: { type: 'market', referencePrice: String(base) },
    stopLossPrice: String(stop),
    takeProfitPrice: String(target),
    source: 'bench',
  });
  if (result.status !== 'accepted') throw new Error(`entry ${result.status}: ${'reason' in result ? result.reason : ''}`);
  const tradeId = result.tradeId;
  const entry = legId(stack, tradeId, 'entry');
  let stopId: string | undefined;
  let targetId: string | undefined;
  await waitUntil(
    () => {
      stopId ??= legId(stack, tradeId, 'stop_loss');
      targetId ??= legId(stack, tradeId, 'take_profit');
      return stopId !== undefined && targetId !== undefined && venue.submitAckAt.has(stopId) && venue.submitAckAt.has(targetId);
    },
    5_000,
    'stop and target acknowledged',
  );
  const tradeClosed = closed(() => tradeId);
  await sim.setMark(SYMBOL, String(Math.round(base * (up ? 1.02 : 0.98))));
  await tradeClosed;
  const exitId = up ? targetId : stopId;
  const siblingId = up ? stopId : targetId;
  await waitUntil(() => siblingId !== undefined && venue.cancelAckAt.has(siblingId), 5_000, 'sibling cancel acknowledged');
  const t = (m: Map<string, number>, id: string | undefined, what: string): number => {
    const v = id === undefined ? undefined : m.get(id);
    if (v === undefined) throw new Error(`no timestamp for ${what}`);
    return v;
  };
  const entryFill = t(venue.filledAt, entry, 'entry fill');
  const exitFill = t(venue.filledAt, exitId, 'exit fill');
  return {
    entryToStop: t(venue.submitAckAt, stopId, 'stop ack') - entryFill,
    exitToSibling: t(venue.cancelAckAt, siblingId, 'sibling cancel ack') - exitFill,
    entryToStopSend: t(venue.submitSentAt, stopId, 'stop sent') - entryFill,
    exitToSiblingSend: t(venue.cancelSentAt, siblingId, 'sibling cancel sent') - exitFill,
  };
}

/** Runs the round trips for every delay on one stack; returns the raw samples. */
export async function measureLatency(options: LatencyOptions): Promise<LatencySamples[]> {
  const venueId = options.venue ?? 'deribit';
  const SYMBOL = VENUE_TRADE[venueId].symbol;
  const sim: SimHost<unknown> & { readonly endpoints: StackEndpoints } =
    venueId === 'okx'
      ? await SimHost.startOkx({ priceStepMs: 0 })
      : venueId === 'bybit'
        ? await SimHost.startBybit({ priceStepMs: 0 })
        : await SimHost.start({ priceStepMs: 0 });
  let stack: Stack | undefined;
  try {
    stack = await startStack(sim.endpoints);
    const base = Math.round(Number(await sim.mark(SYMBOL)));
    const out: LatencySamples[] = [];
    for (const delayMs of options.delaysMs) {
      await sim.setResponseDelay(delayMs);
      const samples: LatencySamples = {
        delayMs,
        entryToStop: [],
        exitToSibling: [],
        entryToStopSend: [],
        exitToSiblingSend: [],
        failures: [],
      };
      // one warm-up round trip (JIT, first statements), not counted
      for (let i = -1; i < options.samples; i++) {
        await sim.setMark(SYMBOL, String(base));
        // the next entry is checked against the daemon's view of the mark: wait for the ticker
        await waitUntil(() => stack?.venue.lastMark.get(SYMBOL) === base, 5_000, `ticker with mark ${base}`).catch(() => undefined);
        await sleep(options.pauseMs ?? 200);
        try {
          const r = await roundTrip(stack, sim, base, i % 2 === 0, venueId);
          if (i >= 0) {
            samples.entryToStop.push(r.entryToStop);
            samples.exitToSibling.push(r.exitToSibling);
            samples.entryToStopSend.push(r.entryToStopSend);
            samples.exitToSiblingSend.push(r.exitToSiblingSend);
          }
        } catch (err) {
          samples.failures.push(err instanceof Error ? err.message : String(err));
          if (samples.failures.length > Math.max(3, options.samples / 4)) break;
        }
      }
      out.push(samples);
    }
    await sim.setResponseDelay(0);
    return out;
  } finally {
    await stack?.stop().catch(() => undefined);
    await sim.stop();
  }
}

/** Median and p99 of each latency, beside its target (one simulated round trip + 2 ms). */
export function latencyFigures(results: readonly LatencySamples[], venue: LatencyVenue = 'deribit'): BenchFigure[] {
  const specs = latencySpecs(
    results.map((r) => r.delayMs),
    venue,
  );
  return specs.map((spec) => {
    const r = results.find((x) => spec.id.endsWith(`.delay${x.delayMs}ms`));
    const kind = spec.id.includes('entryToStop') ? 'entryToStop' : 'exitToSibling';
    const samples = r?.[kind] ?? [];
    if (samples.length === 0)
      return notMeasured(spec.id, spec.label, spec.unit, spec.target, `no round trip completed (${r?.failures[0] ?? 'no run'})`);
    const stat = spec.id.includes('.median.') ? 50 : 99;
    const value = percentile(samples, stat);
    const failures = r?.failures.length ?? 0;
    // "One simulated round trip + 2 ms": the round trip of the protective request itself (sent →
    // acknowledged, loopback included), at the same percentile, measured in the same run.
    const sends = r?.[`${kind}Send`] ?? [];
    const roundTrips = samples.map((total, i) => total - (sends[i] ?? 0));
    const target = roundTrips.length > 0 ? { op: '<=' as const, limit: percentile(roundTrips, stat) + LATENCY_SLACK_MS } : spec.target;
    return figure(spec.id, spec.label, spec.unit, value, target, {
      note: `n=${samples.length}${failures > 0 ? `, ${failures} failed: ${r?.failures[0]}` : ''}`,
      detail: {
        samples: samples.length,
        min: Math.min(...samples),
        max: Math.max(...samples),
        failures,
        // the daemon's share: fill → request handed to the adapter (the rest is the round trip)
        daemonShareMedianMs: percentile(r?.[`${kind}Send`] ?? [], 50),
        daemonShareP99Ms: percentile(r?.[`${kind}Send`] ?? [], 99),
        roundTripMs: roundTrips.length > 0 ? percentile(roundTrips, stat) : undefined,
      },
    });
  });
}

export async function runLatencyBench(options: LatencyOptions): Promise<BenchFigure[]> {
  return latencyFigures(await measureLatency(options), options.venue);
}
