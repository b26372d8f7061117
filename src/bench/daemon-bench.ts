/** The figures taken on the real daemon process: start to ready, RSS idle and loaded, event-loop delay under load. */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import { DaemonProcess } from './daemon.js';
import { errorText, figure, notMeasured, percentile } from './figures.js';
import { IpcChild } from './ipc.js';
import type { LoadedSideReading } from './loaded-side.js';
import { SimHost } from './sim-host-client.js';
import type { BenchFigure, FigureTarget } from './types.js';

export const START_TARGET: FigureTarget = { op: '<', limit: 2 };
export const RSS_TARGET: FigureTarget = { op: '<', limit: 150 };
export const ELD_TARGET: FigureTarget = { op: '<', limit: 5 };

const BASE_SPEC = {
  startToReady: { id: 'daemon.startToReady', label: 'start → ready (connected, logged in, reconciled)', unit: 's', target: START_TARGET },
  rssIdle: { id: 'daemon.rssIdle', label: 'RSS idle, daemon process (1 ticker)', unit: 'MB', target: RSS_TARGET },
  rssOptions: { id: 'daemon.rssOptions', label: 'RSS with 1,000 option tickers, trading side', unit: 'MB', target: RSS_TARGET },
  eventLoop: {
    id: 'daemon.eventLoopDelayP99',
    label: 'event-loop delay p99, 1,000 options at 10 Hz + trades',
    unit: 'ms',
    target: ELD_TARGET,
  },
  eventLoopStream: {
    id: 'daemon.eventLoopDelayP99StreamOnly',
    label: 'event-loop delay p99, 1,000 options at 10 Hz, no trades',
    unit: 'ms',
    target: undefined,
  },
  tickerRate: { id: 'daemon.optionTickerHz', label: 'ticker rate received per instrument', unit: 'Hz', target: undefined },
  rssSideIdle: {
    id: 'daemon.rssTradingSideIdle',
    label: 'RSS idle, trading-side process (before the watches)',
    unit: 'MB',
    target: undefined,
  },
} as const;
export const SPEC = BASE_SPEC;

export interface StartupOptions {
  /** Daemon starts to time (the median is the figure). */
  readonly starts: number;
  /** How long the idle daemon settles before its RSS is read. */
  readonly settleMs: number;
}

/** Starts the daemon `starts` times on an idle simulator; the last one also gives the idle RSS. */
export async function runStartupBench(options: StartupOptions): Promise<BenchFigure[]> {
  const sim = await SimHost.start({ priceStepMs: 1000 });
  const times: number[] = [];
  const out: BenchFigure[] = [];
  try {
    let rss: number | undefined;
    let lastError: string | undefined;
    for (let i = 0; i < options.starts; i++) {
      const daemon = DaemonProcess.start(sim.endpoints, ['BTC-PERPETUAL']);
      try {
        times.push(await daemon.ready());
        if (i === options.starts - 1) {
          await sleep(options.settleMs);
          rss = daemon.rssMb();
        }
      } catch (err) {
        lastError = errorText(err);
      } finally {
        await daemon.stop();
      }
    }
    const s = SPEC.startToReady;
    out.push(
      times.length === 0
        ? notMeasured(s.id, s.label, s.unit, s.target, lastError ?? 'no start')
        : figure(s.id, s.label, s.unit, percentile(times, 50), s.target, {
            note: times.length > 1 ? `median of ${times.length}, max ${Math.max(...times).toFixed(2)} s` : undefined,
            detail: { starts: times },
          }),
    );
    const r = SPEC.rssIdle;
    out.push(
      rss === undefined
        ? notMeasured(r.id, r.label, r.unit, r.target, lastError ?? 'daemon did not get ready')
        : figure(r.id, r.label, r.unit, rss, r.target, { note: `after ${options.settleMs / 1000} s idle` }),
    );
    return out;
  } finally {
    await sim.stop();
  }
}

export interface LoadOptions {
  readonly options: number;
  /** How long the event-loop delay is measured while tickers stream and trades run. */
  readonly windowMs: number;
  /** Time allowed for the daemon to subscribe every option channel. */
  readonly subscribeTimeoutMs: number;
  /** Raise the adapter's `maxChannelsPerConnection` to this (figures then get `.capRaised` ids). */
  readonly maxChannelsPerConnection?: number;
}

/**
 * The daemon's trading side (loaded-side.ts, a process of its own) watching `options` option
 * tickers, streaming at 10 Hz: its event-loop delay with the stream alone, then with trades
 * (an entry, its stop and target, an exit at one of them, the sibling's cancel, every 500 ms),
 * and its RSS.
 */
export async function runLoadBench(options: LoadOptions): Promise<BenchFigure[]> {
  const cap = options.maxChannelsPerConnection;
  const spec = <T extends { id: string; label: string }>(s: T): T =>
    cap === undefined ? s : { ...s, id: `${s.id}.capRaised`, label: `${s.label} [maxChannelsPerConnection ${cap}]` };
  const SPEC = Object.fromEntries(Object.entries(BASE_SPEC).map(([k, v]) => [k, spec(v)])) as typeof BASE_SPEC;
  const all = [SPEC.rssOptions, SPEC.eventLoop, SPEC.eventLoopStream, SPEC.tickerRate, SPEC.rssSideIdle];
  const failAll = (reason: string) => all.map((s) => notMeasured(s.id, s.label, s.unit, s.target, reason));
  let sim: SimHost | undefined;
  let side: IpcChild | undefined;
  try {
    sim = await SimHost.start({ priceStepMs: 100, strikesEachSide: 30 });
    const names = (await sim.options()).slice(0, options.options);
    if (names.length < options.options) return failAll(`the simulator lists only ${names.length} options`);
    side = new IpcChild('loaded-side.js');
    await side.call({
      op: 'start',
      endpoints: sim.endpoints,
      ...(cap !== undefined ? { venueConfig: { maxChannelsPerConnection: cap } } : {}),
    });
    await sleep(1_000);
    const rssSideIdle = side.rssMb();
    const watch = await side.call<{ asked: number; failed: number; firstError?: string }>(
      { op: 'watch', symbols: names },
      options.subscribeTimeoutMs,
    );
    // the adapter subscribes in batches under its subscribe budget: wait until the simulator holds them all (or stops growing)
    const deadline = performance.now() + options.subscribeTimeoutMs;
    let channels = await sim.channels();
    let last = channels.tickers;
    let stableSince = performance.now();
    while (channels.tickers < names.length + 1 && performance.now() < deadline) {
      await sleep(250);
      channels = await sim.channels();
      if (channels.tickers !== last) {
        last = channels.tickers;
        stableSince = performance.now();
      } else if (performance.now() - stableSince > 3_000) break;
    }
    const optionChannels = Math.max(0, channels.tickers - 1);
    const shortBy =
      optionChannels < names.length
        ? `${optionChannels}/${names.length} option tickers subscribed${watch.failed > 0 ? ` (${watch.failed} refused${/cap of (\d+)/.test(watch.firstError ?? '') ? ` by the adapter's cap of ${/cap of (\d+)/.exec(watch.firstError ?? '')?.[1]} channels per connection` : `: ${watch.firstError}`})` : ''}`
        : undefined;
    await sleep(1_000);

    // window 1: the stream alone
    await side.call({ op: 'reset' });
    const t0 = performance.now();
    await sleep(options.windowMs / 2);
    const stream = await side.call<LoadedSideReading>({ op: 'read' });
    const streamSecs = (performance.now() - t0) / 1000;

    // window 2: the stream and trades
    await side.call({ op: 'reset' });
    const end = performance.now() + options.windowMs;
    let up = true;
    while (performance.now() < end) {
      const mark = Math.round(Number(await sim.mark('BTC-PERPETUAL')));
      await side.call({ op: 'open', mark }, 15_000);
      await sleep(250);
      await sim.setMark('BTC-PERPETUAL', String(Math.round(mark * (up ? 1.02 : 0.98))));
      up = !up;
      await sleep(250);
    }
    const loaded = await side.call<LoadedSideReading>({ op: 'read' });
    const rss = side.rssMb() ?? loaded.memory.rss / 1048576;
    const detail = {
      optionChannels,
      windowSecs: options.windowMs / 1000,
      tradesOpened: loaded.tradesOpened,
      tradesClosed: loaded.tradesClosed,
      tradeErrors: loaded.tradeErrors,
      eventLoopDelayWithTrades: loaded.eventLoopDelay,
      eventLoopDelayStreamOnly: stream.eventLoopDelay,
      heapUsedMb: loaded.memory.heapUsed / 1048576,
    };
    const hz = optionChannels > 0 ? stream.tickers / streamSecs / (optionChannels + 1) : 0;
    const qualify = (f: BenchFigure): BenchFigure =>
      shortBy ? notMeasured(f.id, f.label, f.unit, f.target, `${shortBy}; at ${optionChannels}: ${f.value?.toFixed(2)} ${f.unit}`) : f;
    const r = SPEC.rssOptions;
    const e = SPEC.eventLoop;
    const es = SPEC.eventLoopStream;
    const t = SPEC.tickerRate;
    const ri = SPEC.rssSideIdle;
    return [
      qualify(figure(r.id, r.label, r.unit, rss, r.target, { detail })),
      qualify(
        figure(e.id, e.label, e.unit, loaded.eventLoopDelay.p99Ms, e.target, {
          note: `max ${loaded.eventLoopDelay.maxMs.toFixed(1)} ms, ${loaded.tradesClosed} trades closed in ${(options.windowMs / 1000).toFixed(0)} s`,
          detail,
        }),
      ),
      qualify(
        figure(es.id, es.label, es.unit, stream.eventLoopDelay.p99Ms, es.target, {
          note: `max ${stream.eventLoopDelay.maxMs.toFixed(1)} ms`,
        }),
      ),
      figure(t.id, t.label, t.unit, hz, t.target, {
        note: `${stream.tickers} tickers in ${streamSecs.toFixed(1)} s over ${optionChannels + 1} channels`,
      }),
      rssSideIdle === undefined
        ? notMeasured(ri.id, ri.label, ri.unit, ri.target, 'no /proc')
        : figure(ri.id, ri.label, ri.unit, rssSideIdle, ri.target),
    ];
  } catch (err) {
    return failAll(errorText(err));
  } finally {
    await side?.stop('stop');
    await sim?.stop();
  }
}
