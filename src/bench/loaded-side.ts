/**
 * The measured side of the load figures, in a process of its own (forked by daemon-bench.ts):
 * the daemon's trading side (stack.ts: real Deribit adapter, store on disk, OrderManager,
 * PositionMonitor, risk) watching option tickers and opening trades on command, with its
 * event-loop delay measured by perf_hooks.monitorEventLoopDelay. The simulator runs in another
 * process, so this process's RSS and event loop are the daemon side's alone.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

import type { SimEndpoints } from './sim-host-protocol.js';
import { type Stack, startStack } from './stack.js';

export type LoadedSideRequest = { readonly id: number } & (
  | { readonly op: 'start'; readonly endpoints: SimEndpoints; readonly venueConfig?: Record<string, unknown> }
  | { readonly op: 'watch'; readonly symbols: readonly string[] }
  | { readonly op: 'open'; readonly mark: number }
  | { readonly op: 'reset' }
  | { readonly op: 'read' }
  | { readonly op: 'stop' }
);

export interface LoadedSideReading {
  readonly eventLoopDelay: { count: number; p50Ms: number; p99Ms: number; maxMs: number; meanMs: number };
  readonly memory: NodeJS.MemoryUsage;
  readonly tickers: number;
  readonly tradesOpened: number;
  readonly tradesClosed: number;
  readonly tradeErrors: number;
}

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
let stack: Stack | undefined;
let tickers = 0;
let tradesOpened = 0;
let tradesClosed = 0;
let tradeErrors = 0;

function reading(): LoadedSideReading {
  const ms = (ns: number) => ns / 1e6;
  return {
    eventLoopDelay: {
      count: histogram.count,
      p50Ms: ms(histogram.percentile(50)),
      p99Ms: ms(histogram.percentile(99)),
      maxMs: ms(histogram.max),
      meanMs: ms(histogram.mean),
    },
    memory: process.memoryUsage(),
    tickers,
    tradesOpened,
    tradesClosed,
    tradeErrors,
  };
}

async function handle(m: LoadedSideRequest): Promise<unknown> {
  switch (m.op) {
    case 'start':
      stack = await startStack(m.endpoints, { venueConfig: m.venueConfig });
      stack.venue.subscribe((e) => {
        if (e.type === 'ticker') tickers += 1;
      });
      stack.orders.onTradeEvent((e) => {
        if (e.type === 'closed') tradesClosed += 1;
      });
      return { startToReadyMs: stack.readyAt - stack.startedAt };
    case 'watch': {
      const s = stack;
      if (!s) throw new Error('not started');
      // asked for at once, as a strategy asking for a chain would: the adapter batches them
      const results = await Promise.allSettled(m.symbols.map((symbol) => s.venue.watchTicker(symbol)));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      return {
        asked: m.symbols.length,
        failed: failed.length,
        firstError: failed[0] ? String((failed[0].reason as Error)?.message ?? failed[0].reason) : undefined,
      };
    }
    case 'open': {
      const s = stack;
      if (!s) throw new Error('not started');
      const r = await s.orders.openTrade({
        venue: 'deribit',
        symbol: 'BTC-PERPETUAL',
        side: 'buy',
        size: { unit: 'venue', value: '100' },
        entry: { type: 'market', referencePrice: String(m.mark) },
        stopLossPrice: String(Math.round(m.mark * 0.99)),
        takeProfitPrice: String(Math.round(m.mark * 1.01)),
        source: 'bench',
      });
      if (r.status === 'accepted') tradesOpened += 1;
      else tradeErrors += 1;
      return r.status;
    }
    case 'reset':
      histogram.reset();
      tickers = 0;
      tradesOpened = 0;
      tradesClosed = 0;
      tradeErrors = 0;
      return reading();
    case 'read':
      return reading();
    case 'stop':
      await stack?.stop();
      stack = undefined;
      return null;
  }
}

process.on('message', (m: LoadedSideRequest) => {
  void handle(m).then(
    (result) => process.send?.({ id: m.id, ok: true, result }),
    (err: unknown) => process.send?.({ id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
process.on('disconnect', () => {
  void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});
