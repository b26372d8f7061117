/**
 * Throughput of the venue adapters' market-data path against a bare `ws` + `JSON.parse` floor.
 *
 * Per stream (Deribit `perpetual`, `options-500`; OKX `swap`, the BTC-USDT-SWAP `tickers` stream,
 * and `swaps-200`, `tickers` of 200 USDT swaps; Bybit `linear`, the BTCUSDT `tickers` stream, and
 * `linear-200`, 200 USDT perpetuals, each a snapshot then deltas): a replay server in a worker thread
 * (`throughput-server.ts`) streams ticker notifications as fast as the client reads them. The
 * floor is a bare `ws` client that subscribes and only `JSON.parse`s each frame (and reads the
 * mark, OKX: `last`, Bybit: `bid1Price`, in every delta); the adapter figure goes through the real DeribitVenue / DeribitWsClient (or
 * OkxVenue / OkxWsClient public socket, or BybitVenue / BybitWsClient public linear socket) path up to the normalized ticker event delivered to a
 * `subscribe` listener, which reads `ticker.mark` (OKX: `ticker.last`; its `tickers` channel carries
 * no mark) as a consumer would. Both are measured in the same run, in back-to-back pairs; the figures are the
 * medians of the rounds (the ratio: the median of the pairs' ratios). The box is shared and noisy:
 * absolute numbers move, ratios much less.
 */
import pino from 'pino';
import WebSocket from 'ws';

import type { VenueEvent } from '../domain/events.js';
import { BybitConfigSchema, createBybitVenue } from '../venues/bybit/index.js';
import { DeribitConfigSchema } from '../venues/deribit/config.js';
import { createDeribitVenue } from '../venues/deribit/index.js';
import { createOkxVenue, OkxConfigSchema } from '../venues/okx/index.js';
import { type BenchStream, bybitLinearStream, okxSwapStream, optionStream, perpetualStream } from './throughput-frames.js';
import { startThroughputServer, type ThroughputServer } from './throughput-server.js';
import type { BenchOptions, ThroughputFigure } from './types.js';

export interface Sizing {
  /** Messages read before the clock starts (JIT warm-up, subscription settling). */
  readonly warmup: number;
  /** Messages timed. */
  readonly measured: number;
  /** Floor/adapter pairs; the median of each side (and of the pairs' ratios) is reported. */
  readonly rounds: number;
}

export const QUICK: Sizing = { warmup: 5_000, measured: 20_000, rounds: 1 };
export const FULL: Sizing = { warmup: 20_000, measured: 100_000, rounds: 9 };

/**
 * The wide OKX stream's width. OKX has no option chain here and the simulator's catalogue has two
 * swaps, so the replay server lists this many synthetic USDT swaps (OKX lists about 250 live).
 */
const OKX_WIDE_SWAPS = 200;
/** The wide Bybit stream's width: synthetic USDT perpetuals, like OKX's (the simulator lists two). */
const BYBIT_WIDE_LINEAR = 200;

/** Gives up on one measurement after this long (a stuck stream must not hang the bench). */
const MEASURE_TIMEOUT_MS = 60_000;

/** Counts events and times `measured` of them after `warmup`; resolves with messages per second. */
class Meter {
  private count = 0;
  private startedAt = 0;
  readonly done: Promise<number>;
  private resolve!: (rate: number) => void;

  constructor(private readonly sizing: Sizing) {
    this.done = new Promise<number>((resolve) => {
      this.resolve = resolve;
    });
  }

  tick(): void {
    this.count += 1;
    if (this.count === this.sizing.warmup) this.startedAt = performance.now();
    else if (this.count === this.sizing.warmup + this.sizing.measured) {
      const seconds = (performance.now() - this.startedAt) / 1000;
      this.resolve(this.sizing.measured / seconds);
    }
  }
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`throughput bench: ${what} did not finish within ${MEASURE_TIMEOUT_MS} ms`)),
      MEASURE_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The floor: a bare ws client that subscribes and JSON.parses every frame. */
async function measureFloor(server: ThroughputServer, stream: BenchStream, sizing: Sizing): Promise<number> {
  const meter = new Meter(sizing);
  const ws = new WebSocket(server.wsUrl, { perMessageDeflate: false });
  let sink = 0;
  if (stream.venue === 'okx') {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { data?: readonly { last?: string }[] };
      if (msg.data?.[0]?.last !== undefined) sink += 1;
      meter.tick();
    });
  } else if (stream.venue === 'bybit') {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { data?: { bid1Price?: string } };
      if (msg.data?.bid1Price !== undefined) sink += 1;
      meter.tick();
    });
  } else {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { params?: { data?: { mark_price?: number } } };
      if (msg.params?.data?.mark_price !== undefined) sink += 1;
      meter.tick();
    });
  }
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  if (stream.venue === 'okx') {
    // The same args the adapter subscribes: tickers and mark-price per instrument.
    const args = stream.symbols.flatMap((instId) => [
      { channel: 'tickers', instId },
      { channel: 'mark-price', instId },
    ]);
    for (let i = 0; i < args.length; i += 100)
      ws.send(JSON.stringify({ id: String(i + 1), op: 'subscribe', args: args.slice(i, i + 100) }));
  } else if (stream.venue === 'bybit') {
    // The same topics the adapter subscribes, ten to a request (Bybit's public limit).
    const topics = stream.symbols.map((s) => `tickers.${s}`);
    for (let i = 0; i < topics.length; i += 10)
      ws.send(JSON.stringify({ req_id: String(i + 1), op: 'subscribe', args: topics.slice(i, i + 10) }));
  } else {
    const channels = stream.symbols.map((s) => `ticker.${s}.100ms`);
    for (let i = 0; i < channels.length; i += 500) {
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: i + 1, method: 'public/subscribe', params: { channels: channels.slice(i, i + 500) } }));
    }
  }
  let rate: number;
  try {
    rate = await withTimeout(meter.done, `the floor client on ${stream.name}`);
  } finally {
    ws.terminate();
  }
  if (sink < 0) throw new Error('unreachable'); // keeps the parsed frames observable, so the parse is not optimized away
  return rate;
}

/** The adapter: OkxVenue's public socket (no credentials: no private sockets), to the ticker event a listener reads. */
async function measureOkxAdapter(server: ThroughputServer, stream: BenchStream, sizing: Sizing): Promise<number> {
  const meter = new Meter(sizing);
  const config = OkxConfigSchema.parse({ enabled: true, environment: 'sim', watchSymbols: [] });
  const venue = createOkxVenue({
    config,
    logger: pino({ level: 'silent' }),
    clock: { now: () => Date.now() },
    endpoints: { restUrl: server.restUrl, wsPublicUrl: server.wsUrl, wsPrivateUrl: server.wsUrl, wsBusinessUrl: server.wsUrl },
  });
  let lasts = 0;
  venue.subscribe((event: VenueEvent) => {
    if (event.type !== 'ticker') return;
    // OKX's tickers channel has no mark: the consumer reads the last price as a Decimal.
    if (event.ticker.last?.isPositive()) lasts += 1;
    meter.tick();
  });
  try {
    await venue.connect();
    await Promise.all(stream.symbols.map((s) => venue.watchTicker(s)));
    const rate = await withTimeout(meter.done, `the okx adapter on ${stream.name}`);
    if (lasts === 0) throw new Error(`throughput bench: the okx adapter delivered no last price on ${stream.name}`);
    return rate;
  } finally {
    await venue.disconnect();
  }
}

/** The adapter: BybitVenue's public sockets (no credentials: no private socket), to the ticker event a listener reads. */
async function measureBybitAdapter(server: ThroughputServer, stream: BenchStream, sizing: Sizing): Promise<number> {
  const meter = new Meter(sizing);
  const config = BybitConfigSchema.parse({ enabled: true, environment: 'sim', watchSymbols: [] });
  const venue = createBybitVenue({
    config,
    logger: pino({ level: 'silent' }),
    clock: { now: () => Date.now() },
    endpoints: {
      restUrl: server.restUrl,
      wsPublicLinearUrl: server.wsUrl,
      wsPublicInverseUrl: server.wsUrl.replace(/linear$/, 'inverse'),
      wsPrivateUrl: server.wsUrl,
    },
  });
  let marks = 0;
  venue.subscribe((event: VenueEvent) => {
    if (event.type !== 'ticker') return;
    // A consumer reads the mark as a Decimal (the snapshot's, kept across deltas that do not move it).
    if (event.ticker.mark?.isPositive()) marks += 1;
    meter.tick();
  });
  try {
    await venue.connect();
    await Promise.all(stream.symbols.map((s) => venue.watchTicker(s)));
    const rate = await withTimeout(meter.done, `the bybit adapter on ${stream.name}`);
    if (marks === 0) throw new Error(`throughput bench: the bybit adapter delivered no mark on ${stream.name}`);
    return rate;
  } finally {
    await venue.disconnect();
  }
}

/** The adapter: DeribitVenue over the real ws client, to the ticker event a listener reads. */
async function measureAdapter(server: ThroughputServer, stream: BenchStream, sizing: Sizing): Promise<number> {
  if (stream.venue === 'okx') return measureOkxAdapter(server, stream, sizing);
  if (stream.venue === 'bybit') return measureBybitAdapter(server, stream, sizing);
  const meter = new Meter(sizing);
  const config = DeribitConfigSchema.parse({ enabled: true, environment: 'sim', currencies: ['BTC'], watchSymbols: [] });
  const venue = createDeribitVenue({
    config,
    logger: pino({ level: 'silent' }),
    clock: { now: () => Date.now() },
    endpoints: { restUrl: server.restUrl, wsUrl: server.wsUrl },
  });
  let marks = 0;
  venue.subscribe((event: VenueEvent) => {
    if (event.type !== 'ticker') return;
    // A consumer reads the mark as a Decimal (orders keep it for protective pricing).
    if (event.ticker.mark?.isPositive()) marks += 1;
    meter.tick();
  });
  try {
    await venue.connect();
    await Promise.all(stream.symbols.map((s) => venue.watchTicker(s)));
    const rate = await withTimeout(meter.done, `the adapter on ${stream.name}`);
    if (marks === 0) throw new Error(`throughput bench: the adapter delivered no mark on ${stream.name}`);
    return rate;
  } finally {
    await venue.disconnect();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** One floor/adapter pair of a run, for looking at the spread behind a figure. */
export interface ThroughputRound {
  readonly stream: string;
  readonly floorMsgsPerSec: number;
  readonly adapterMsgsPerSec: number;
}

/** One stream's figure: `rounds` floor/adapter pairs against one replay server. */
export async function measureStream(
  stream: BenchStream,
  sizing: Sizing,
  onRound?: (round: ThroughputRound) => void,
): Promise<ThroughputFigure> {
  const server = await startThroughputServer({
    protocol: stream.venue,
    instruments: stream.instruments,
    frames: stream.frames,
    ...(stream.leadFrames !== undefined ? { leadFrames: stream.leadFrames } : {}),
    expectChannels: stream.channels,
  });
  try {
    const floor: number[] = [];
    const adapter: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < sizing.rounds; round += 1) {
      // Each round pairs the two back to back, in alternating order, so that a burst of load from
      // elsewhere on the box lands on both sides as often as not; the ratio is the median of the
      // rounds' ratios.
      let f: number;
      let a: number;
      if (round % 2 === 0) {
        f = await measureFloor(server, stream, sizing);
        a = await measureAdapter(server, stream, sizing);
      } else {
        a = await measureAdapter(server, stream, sizing);
        f = await measureFloor(server, stream, sizing);
      }
      floor.push(f);
      adapter.push(a);
      onRound?.({ stream: stream.name, floorMsgsPerSec: Math.round(f), adapterMsgsPerSec: Math.round(a) });
      ratios.push(a / f);
    }
    return {
      venue: stream.venue,
      stream: stream.name,
      adapterMsgsPerSec: Math.round(median(adapter)),
      floorMsgsPerSec: Math.round(median(floor)),
      ratio: Math.round(median(ratios) * 1000) / 1000,
    };
  } finally {
    await server.close();
  }
}

export async function runThroughputBench(options: BenchOptions): Promise<ThroughputFigure[]> {
  return runThroughputBenchRounds(options);
}

/** `runThroughputBench`, also telling `onRound` each floor/adapter pair as it is measured. */
export async function runThroughputBenchRounds(
  options: BenchOptions,
  onRound?: (round: ThroughputRound) => void,
): Promise<ThroughputFigure[]> {
  const sizing = options.quick ? QUICK : FULL;
  const figures: ThroughputFigure[] = [];
  const streams = [
    perpetualStream(),
    optionStream(500),
    okxSwapStream(1),
    okxSwapStream(OKX_WIDE_SWAPS),
    bybitLinearStream(1),
    bybitLinearStream(BYBIT_WIDE_LINEAR),
  ];
  for (const stream of streams) figures.push(await measureStream(stream, sizing, onRound));
  return figures;
}
