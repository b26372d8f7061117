/**
 * The seeded chaos run (`npm run chaos -- --seed N --trades M --restarts R [--minutes X]`).
 *
 * The simulated Deribit (and, with `--venues okx` / `bybit`, the simulated OKX / Bybit) runs here, in this process, so faults and state sampling are direct; the
 * daemon is a child process (dist/src/main.js with the real config loader and a scratch dir)
 * pointed at it as its "testnet", with the fake Telegram Bot API and the webhook as the entry
 * source. Faults come at random (seeded); every 50 ms the simulator's own positions and resting
 * stops are sampled. At the end injection stops, the daemon runs its reconciliation, and the
 * store is compared with the simulator's ledger. The last line of stdout is one JSON summary.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import Database from 'better-sqlite3';

import { dec, Decimal } from '../domain/decimal.js';
import type { PortOrder } from '../sim/bybit/engine-port.js';
import { type BybitSim, startBybitSim } from '../sim/bybit/server.js';
import { orderRecordPush, privatePush } from '../sim/bybit/wire.js';
import { type DeribitSim, startDeribitSim } from '../sim/deribit/server.js';
import { orderToWire, tradeToWire } from '../sim/deribit/wire.js';
import { Prng } from '../sim/engine/prng.js';
import type { SimInstrument } from '../sim/engine/types.js';
import type { NameMatcher, SimFaults } from '../sim/faults.js';
import { type OkxSim, startOkxSim } from '../sim/okx/server.js';
import { FakeTelegram, type Fault as TelegramFault } from '../sim/telegram/fake-bot-api.js';
import { CHAOS_USAGE, type ChaosArgs, type ChaosVenue, parseChaosArgs } from './args.js';
import { bybitExposures, bybitLedger } from './bybit-ledger.js';
import {
  countSecrets,
  duplicates,
  type Finding,
  lostRecords,
  orphans,
  type StoreSnapshot,
  type VenueFill,
  type VenueOrder,
} from './checks.js';
import { DaemonRun, openTranscript } from './daemon.js';
import { okxExposures, okxLedger } from './okx-ledger.js';
import { type Exposure, UnprotectionTracker } from './unprotection.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DAEMON_ENTRY = join(REPO_ROOT, 'dist', 'src', 'main.js');
const PREFIX = 'vd1';
const CHAT = 4242;
const USER = 4242;
const RECONCILE_INTERVAL_MS = 2_000;
const SAMPLE_MS = 50;
const MAX_UNPROTECTED_MS = 2_000;

/** Every kind of fault the run injects (all reported, zero or not). */
export const FAULT_KINDS = [
  'daemonKill',
  'disconnect',
  'delayedAnswer',
  'neverAnswered',
  'rejectedStop',
  'rateLimit',
  'partialFill',
  'malformedFrame',
  'truncatedFrame',
  'oversizedFrame',
  'outOfOrderFrame',
  'telegramDown',
  'priceGap',
  'slowEntryFillFirst',
  'emergencyCloseBurst',
  'oppositeSignal',
  'venueClockSkew',
  'lateSignal',
  'replayedSignal',
  'badWebhookBody',
  'forgedTelegramUpdate',
  'brokenConfig',
] as const;
type FaultKind = (typeof FAULT_KINDS)[number];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class Rng {
  private readonly p: Prng;
  constructor(seed: number) {
    this.p = new Prng(seed);
  }
  next(): number {
    return this.p.next();
  }
  between(a: number, b: number): number {
    return a + (b - a) * this.p.next();
  }
  int(a: number, b: number): number {
    return Math.floor(this.between(a, b + 1));
  }
  pick<T>(list: readonly T[]): T {
    const v = list[Math.floor(this.p.next() * list.length)];
    if (v === undefined) throw new Error('pick from an empty list');
    return v;
  }
  chance(p: number): boolean {
    return this.p.next() < p;
  }
}

/** An instrument the webhook fires at: its venue, venue name and size step (venue units). */
interface Target {
  readonly venue: ChaosVenue;
  readonly name: string;
  readonly sizeStep: number;
}

/** The OKX perpetuals the run trades (sized in contracts). */
const OKX_SYMBOLS = ['BTC-USDT-SWAP', 'ETH-USDT-SWAP'] as const;

/** OKX REST requests whose answers the run delays or swallows, named as the simulator's fault rules see them. */
const OKX_DELAYABLE =
  /^(POST \/api\/v5\/trade\/(order|cancel-order|order-algo|cancel-algos|close-position)|GET \/api\/v5\/(trade\/order|trade\/orders-pending|trade\/orders-algo-pending|account\/positions))$/;
const OKX_NEVER_ANSWERED = /^(POST \/api\/v5\/trade\/(order|cancel-order|order-algo|cancel-algos)|GET \/api\/v5\/trade\/order)$/;

/** The Bybit USDT perpetuals the run trades (category linear, sized in coin) and their quantity steps. */
const BYBIT_SYMBOLS = [
  { name: 'BTCUSDT', sizeStep: 0.001 },
  { name: 'ETHUSDT', sizeStep: 0.01 },
] as const;

/** Bybit REST requests whose answers the run delays or swallows, named as the simulator's fault rules see them. */
const BYBIT_DELAYABLE =
  /^(POST \/v5\/order\/(create|cancel|amend)|GET \/v5\/(order\/realtime|order\/history|position\/list|execution\/list))$/;
const BYBIT_NEVER_ANSWERED = /^(POST \/v5\/order\/(create|cancel)|GET \/v5\/order\/realtime)$/;

interface SignalRecord {
  readonly id: string;
  readonly body: Record<string, unknown>;
  readonly tradeIds: Set<string>;
}

interface Summary {
  trades: number;
  restarts: number;
  faults: Record<FaultKind, number>;
  maxUnprotectedMs: number;
  maxUnprotectedDownMs: number;
  orphansAfterPass: number;
  duplicateOrders: number;
  lostRecords: number;
  lostCriticalAlerts: number;
  secretsInLogs: number;
  crashes: number;
  badInputMishandled: number;
  secretsInStore: number;
  [extra: string]: unknown;
}

class ChaosRun {
  private readonly started = Date.now();
  private readonly dir: string;
  private readonly configDir: string;
  private readonly faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  private readonly tracker = new UnprotectionTracker();
  private readonly signals = new Map<string, SignalRecord>();
  private readonly runs: DaemonRun[] = [];
  private readonly findings: Finding[] = [];
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly rngTrades: Rng;
  private readonly rngFaults: Rng;
  private readonly rngRestarts: Rng;
  private readonly transcript;
  private sim!: DeribitSim;
  private okx: OkxSim | undefined;
  private bybit: BybitSim | undefined;
  private targets: Target[] = [];
  private telegram!: FakeTelegram;
  private instruments: SimInstrument[] = [];
  private current: DaemonRun | undefined;
  private skewMs = 0;
  private accepted = 0;
  private refused = 0;
  private unexpectedAnswers = 0;
  private interrupted = 0;
  private restarts = 0;
  private badInputMishandled = 0;
  private signalSeq = 0;
  private ending = false;
  private pricesMoving = true;
  private samplerTimer: NodeJS.Timeout | undefined;
  private priceTimer: NodeJS.Timeout | undefined;
  private daemonIndex = 0;
  private restarting: Promise<void> | undefined;
  private refusalSecretHits = 0;

  private readonly secrets = {
    clientId: `chaos_${Math.random().toString(36).slice(2, 10)}`,
    clientSecret: `chaos-api-secret-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`,
    webhook: `chaos-webhook-secret-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`,
    botToken: `123456789:AAchaos-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`,
    okxApiKey: `chaos-okx-key-${Math.random().toString(36).slice(2, 10)}`,
    okxSecret: `CHAOSOKXSECRET${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`.toUpperCase(),
    okxPassphrase: `Chaos-Pass-${Math.random().toString(36).slice(2, 12)}`,
    bybitApiKey: `chaosBybitKey${Math.random().toString(36).slice(2, 10)}`,
    bybitSecret: `chaosBybitSecret${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`,
  };

  constructor(private readonly args: ChaosArgs) {
    this.rngTrades = new Rng(args.seed * 7 + 1);
    this.rngFaults = new Rng(args.seed * 7 + 2);
    this.rngRestarts = new Rng(args.seed * 7 + 3);
    this.dir = mkdtempSync(join(tmpdir(), `chaos-${args.seed}-`));
    this.configDir = join(this.dir, 'config');
    mkdirSync(this.configDir);
    this.transcript = openTranscript(join(this.dir, 'daemon-output.txt'));
  }

  private secretList(): string[] {
    return [
      this.secrets.clientSecret,
      this.secrets.webhook,
      this.secrets.botToken,
      this.secrets.okxSecret,
      this.secrets.okxPassphrase,
      this.secrets.bybitSecret,
    ];
  }

  private log(text: string): void {
    process.stdout.write(`[chaos +${Math.round((Date.now() - this.started) / 1000)}s] ${text}\n`);
  }

  /** Injected faults per venue they went to (the daemon-wide kinds — kills, Telegram, bad input — are not split). */
  private readonly venueFaults: Record<string, number> = {};
  private count(kind: FaultKind, n = 1): void {
    this.faults[kind] += n;
  }

  // ------------------------------------------------------------------ set-up

  private async setUp(): Promise<void> {
    const seedRng = new Rng(this.args.seed * 7 + 4);
    // A venue clock off by seconds (either way): the daemon must measure and live with it.
    this.skewMs = Math.round(seedRng.between(2_000, 5_000)) * (seedRng.chance(0.5) ? 1 : -1);
    this.count('venueClockSkew');
    this.sim = await startDeribitSim({
      seed: this.args.seed,
      credentials: { clientId: this.secrets.clientId, clientSecret: this.secrets.clientSecret },
      clock: () => Date.now() + this.skewMs,
      priceStepMs: 0, // the run drives the walk itself, so it can freeze prices for the final checks
      engine: { volatility: { BTC: 5, ETH: 5 } },
      onError: (e) => this.log(`simulator error: ${e instanceof Error ? e.message : String(e)}`),
    });
    this.instruments = this.sim.engine.instruments().filter((i) => i.kind === 'future');
    if (this.has('okx')) {
      this.okx = await startOkxSim({
        seed: this.args.seed,
        credentials: { apiKey: this.secrets.okxApiKey, secretKey: this.secrets.okxSecret, passphrase: this.secrets.okxPassphrase },
        clock: () => Date.now() + this.skewMs,
        demo: true, // the daemon trades it as its "demo" (x-simulated-trading: 1)
        priceStepMs: 0, // driven by the run, like Deribit's
        onError: (e) => this.log(`okx simulator error: ${e instanceof Error ? e.message : String(e)}`),
      });
    }
    if (this.has('bybit')) {
      this.bybit = await startBybitSim({
        seed: this.args.seed,
        credentials: { apiKey: this.secrets.bybitApiKey, apiSecret: this.secrets.bybitSecret },
        clock: () => Date.now() + this.skewMs,
        priceStepMs: 0, // driven by the run, like the others
        onError: (e) => this.log(`bybit simulator error: ${e instanceof Error ? e.message : String(e)}`),
      });
    }
    this.targets = [
      ...(this.has('deribit')
        ? this.instruments.map((i): Target => ({ venue: 'deribit', name: i.name, sizeStep: i.amountStep.toNumber() }))
        : []),
      ...(this.okx ? OKX_SYMBOLS.map((name): Target => ({ venue: 'okx', name, sizeStep: 1 })) : []),
      ...(this.bybit ? BYBIT_SYMBOLS.map(({ name, sizeStep }): Target => ({ venue: 'bybit', name, sizeStep })) : []),
    ];
    this.telegram = new FakeTelegram(this.secrets.botToken);
    await this.telegram.start();
    this.writeConfig();
    this.priceTimer = setInterval(() => {
      if (!this.pricesMoving) return;
      this.sim.stepPrices();
      this.okx?.engine.step(this.okx.clock.now());
      this.bybit?.engine.step(this.bybit.clock.now());
    }, 250);
    this.samplerTimer = setInterval(() => this.sample(), SAMPLE_MS);
    this.log(
      `scratch dir ${this.dir}; venue clock ${this.skewMs > 0 ? '+' : ''}${this.skewMs} ms; instruments ${this.targets.map((t) => `${t.venue}:${t.name}`).join(', ')}`,
    );
  }

  private writeConfig(): void {
    const base = JSON.parse(readFileSync(join(REPO_ROOT, 'config', 'default.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(this.configDir, 'default.json'), JSON.stringify(base, null, 2));
    writeFileSync(join(this.configDir, 'local.json'), JSON.stringify(this.localConfig(), null, 2));
  }

  private localConfig(): Record<string, unknown> {
    return {
      instanceName: 'chaos',
      logging: { level: 'info', statusIntervalSecs: 30, file: { enabled: true, dir: 'logs', maxSizeMb: 20, maxFiles: 20 } },
      store: { path: 'data/daemon.sqlite' },
      health: { host: '127.0.0.1', port: 0 },
      shutdown: { timeoutMs: 10_000 },
      telegram: { allowedChatIds: [CHAT], allowedUserIds: [USER], apiRoot: this.telegram.url, pollTimeoutSecs: 1 },
      webhook: { enabled: true, host: '127.0.0.1', port: 0 },
      strategies: { enabled: [] },
      monitor: { reconcileIntervalMs: RECONCILE_INTERVAL_MS },
      risk: { maxOpenTrades: 20, maxLossAtStopUsd: 100_000, maxDailyLossUsd: 1_000_000_000 },
      venues: {
        deribit: {
          enabled: this.has('deribit'),
          environment: 'testnet',
          restUrl: this.sim.restUrl,
          wsUrl: this.sim.wsUrl,
          requestTimeoutMs: 1_000,
          protectiveRequestTimeoutMs: 500,
          reconnectInitialDelayMs: 100,
          reconnectMaxDelayMs: 1_000,
          watchSymbols: this.instruments.map((i) => i.name),
        },
        ...(this.okx
          ? {
              okx: {
                enabled: true,
                environment: 'demo',
                restUrl: this.okx.restUrl,
                wsPublicUrl: this.okx.wsPublicUrl,
                wsPrivateUrl: this.okx.wsPrivateUrl,
                wsBusinessUrl: this.okx.wsBusinessUrl,
                requestTimeoutMs: 1_000,
                protectiveRequestTimeoutMs: 500,
                reconnectInitialDelayMs: 100,
                reconnectMaxDelayMs: 1_000,
                watchSymbols: [...OKX_SYMBOLS],
              },
            }
          : {}),
        ...(this.bybit
          ? {
              bybit: {
                enabled: true,
                environment: 'testnet',
                restUrl: this.bybit.restUrl,
                wsPublicLinearUrl: this.bybit.wsPublicLinearUrl,
                wsPublicInverseUrl: this.bybit.wsPublicInverseUrl,
                wsPrivateUrl: this.bybit.wsPrivateUrl,
                wsTradeUrl: this.bybit.wsTradeUrl,
                requestTimeoutMs: 1_000,
                protectiveRequestTimeoutMs: 500,
                reconnectInitialDelayMs: 100,
                reconnectMaxDelayMs: 1_000,
                watchSymbols: BYBIT_SYMBOLS.map((s) => s.name),
              },
            }
          : {}),
      },
    };
  }

  private daemonEnv(): Record<string, string> {
    return {
      DERIBIT_CLIENT_ID: this.secrets.clientId,
      DERIBIT_CLIENT_SECRET: this.secrets.clientSecret,
      TELEGRAM_BOT_TOKEN: this.secrets.botToken,
      WEBHOOK_SECRET: this.secrets.webhook,
      ...(this.okx
        ? { OKX_API_KEY: this.secrets.okxApiKey, OKX_API_SECRET: this.secrets.okxSecret, OKX_API_PASSPHRASE: this.secrets.okxPassphrase }
        : {}),
      ...(this.bybit ? { BYBIT_API_KEY: this.secrets.bybitApiKey, BYBIT_API_SECRET: this.secrets.bybitSecret } : {}),
    };
  }

  private spawn(configDir = this.configDir): DaemonRun {
    const run = new DaemonRun(
      { entry: DAEMON_ENTRY, cwd: this.dir, configDir, env: this.daemonEnv(), secrets: this.secretList(), transcript: this.transcript },
      this.daemonIndex++,
    );
    this.runs.push(run);
    return run;
  }

  // ------------------------------------------------------------------ broken config

  /** The daemon with a broken local.json: exit 2, a message naming the problem, nothing created. */
  private async brokenConfigs(): Promise<void> {
    const cases: Array<{ name: string; text: string; mention: string }> = [
      { name: 'wrong type', text: JSON.stringify({ monitor: { reconcileIntervalMs: 'soon' } }), mention: 'reconcileIntervalMs' },
      { name: 'not JSON', text: '{"venues": {"deribit": ', mention: 'local.json' },
      { name: 'unknown key', text: JSON.stringify({ risk: { maxOpenTrade: 3 } }), mention: 'maxOpenTrade' },
      {
        name: 'live without opt-in',
        text: JSON.stringify({ venues: { deribit: { enabled: true, environment: 'live' } } }),
        mention: 'liveOptIn',
      },
    ];
    const brokenDir = join(this.dir, 'config-broken');
    mkdirSync(brokenDir, { recursive: true });
    writeFileSync(join(brokenDir, 'default.json'), readFileSync(join(this.configDir, 'default.json')));
    for (const c of cases) {
      writeFileSync(join(brokenDir, 'local.json'), c.text);
      const run = this.spawn(brokenDir);
      run.stoppedBy = 'SIGTERM'; // an expected refusal, not a crash (checked here instead)
      const exit = await Promise.race([run.exited, sleep(15_000).then(() => undefined)]);
      if (!exit) run.kill('SIGKILL');
      this.count('brokenConfig');
      const ok = exit?.code === 2 && run.stderrText.includes(c.mention) && !/\n\s+at /.test(run.stderrText);
      const created = existsSync(join(this.dir, 'data', 'daemon.sqlite'));
      if (!ok || created) {
        this.badInputMishandled += 1;
        this.findings.push({
          what: 'broken config not refused cleanly',
          detail: `${c.name}: exit ${JSON.stringify(exit)}, store created ${created}, stderr ${run.stderrText.slice(0, 300)}`,
        });
      }
    }
    // Refusals are checked above; crashes are counted over the real runs, secrets over all of them.
    for (const r of this.runs.splice(0)) this.refusalSecretHits += r.secretHits;
  }

  // ------------------------------------------------------------------ daemon life

  private async startDaemon(): Promise<DaemonRun> {
    this.sample(false);
    const run = this.spawn();
    this.current = run;
    void run.exited.then((exit) => {
      if (run.stoppedBy === undefined) {
        this.log(`daemon #${run.index} exited on its own (${JSON.stringify(exit)}): a crash; restarting it`);
        if (!this.ending) void this.restartAfterCrash();
      }
    });
    const listening = await run.waitForLine(
      (l) => l.msg === 'webhook listening for entry signals (put TLS in front of it before exposing it)',
      30_000,
    );
    if (!listening) this.log(`daemon #${run.index} did not open its webhook within 30 s`);
    return run;
  }

  private async restartAfterCrash(): Promise<void> {
    if (this.restarting) return;
    this.restarting = (async () => {
      await sleep(500);
      await this.startDaemon();
    })().finally(() => {
      this.restarting = undefined;
    });
  }

  private async killAndRestart(): Promise<void> {
    const run = this.current;
    if (!run?.running) return;
    this.sample(true);
    run.kill('SIGKILL');
    this.count('daemonKill');
    this.restarts += 1;
    await run.exited;
    this.current = undefined;
    await sleep(this.rngRestarts.int(200, 2_500));
    const next = await this.startDaemon();
    // Signals that arrive late: right after the restart, before the start-up reconciliation lets entries in.
    const late = this.rngRestarts.int(1, 2);
    for (let i = 0; i < late; i++) {
      this.count('lateSignal');
      this.track(this.fireSignal('normal', next));
    }
  }

  // ------------------------------------------------------------------ sampling

  private daemonUp(): boolean {
    const run = this.current;
    return run !== undefined && run.running && run.stoppedBy !== 'SIGKILL';
  }

  private has(venue: ChaosVenue): boolean {
    return this.args.venues.includes(venue);
  }

  private exposures(): Exposure[] {
    const out: Exposure[] = this.has('deribit') ? this.deribitExposures() : [];
    const okx = this.okx;
    if (okx) {
      const engine = okx.engine;
      out.push(...okxExposures(engine.positions(), engine.openAlgos(), (name) => engine.fills({ instrument: name })[0], this.skewMs));
    }
    const bybit = this.bybit;
    if (bybit) {
      const engine = bybit.engine;
      out.push(...bybitExposures(engine.positions(), engine.openOrders(), (name) => engine.fills({ instrument: name })[0], this.skewMs));
    }
    return out;
  }

  private deribitExposures(): Exposure[] {
    const engine = this.sim.engine;
    const out: Exposure[] = [];
    for (const p of engine.positions({ kind: 'future' })) {
      const size = Math.abs(p.size.toNumber());
      if (size === 0) continue;
      const closing = p.size.isPositive() ? 'sell' : 'buy';
      let stopQty = 0;
      for (const o of engine.openOrders({ instrumentName: p.instrumentName })) {
        if (!o.reduceOnly || o.direction !== closing) continue;
        if (o.orderType !== 'stop_market' && o.orderType !== 'stop_limit') continue;
        if (o.state !== 'untriggered') continue;
        stopQty += o.amount.minus(o.filledAmount).toNumber();
      }
      const fills = engine.trades({ instrumentName: p.instrumentName });
      const last = fills[fills.length - 1];
      out.push({ key: `deribit:${p.instrumentName}`, size, stopQty, ...(last ? { lastFillMs: last.timestamp - this.skewMs } : {}) });
    }
    return out;
  }

  private sample(up = this.daemonUp()): void {
    if (!this.sim) return;
    this.tracker.sample(Date.now(), up, this.exposures());
  }

  // ------------------------------------------------------------------ signals

  private track<T>(p: Promise<T>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private async post(
    run: DaemonRun,
    body: string,
    headers: Record<string, string> = { 'content-type': 'application/json' },
    method = 'POST',
  ): Promise<{ status: number; json: Record<string, unknown> } | undefined> {
    const url = run.webhookUrl;
    if (!url) return undefined;
    try {
      const res = await fetch(url, { method, headers, ...(method === 'POST' ? { body } : {}), signal: AbortSignal.timeout(60_000) });
      const text = await res.text();
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json = { raw: text };
      }
      return { status: res.status, json };
    } catch {
      return undefined; // the daemon was killed with the request in flight
    }
  }

  /** Signed position size on the simulator (0 when flat). */
  private positionOf(t: Target): number {
    if (t.venue === 'okx') return this.okx?.engine.position(t.name)?.size.toNumber() ?? 0;
    if (t.venue === 'bybit') return this.bybit?.engine.position(t.name).size.toNumber() ?? 0;
    return this.sim.engine.position(t.name).size.toNumber();
  }

  private markOf(t: Target): number {
    if (t.venue === 'okx' && this.okx) return this.okx.engine.ticker(t.name, this.okx.clock.now()).mark.toNumber();
    if (t.venue === 'bybit' && this.bybit) return this.bybit.engine.ticker(t.name, this.bybit.clock.now()).mark.toNumber();
    return this.sim.engine.markPrice(t.name).toNumber();
  }

  /** Instruments of one venue (all venues when undefined). */
  private targetsOf(venue?: ChaosVenue): Target[] {
    return venue === undefined ? this.targets : this.targets.filter((t) => t.venue === venue);
  }

  /** The venue a fault goes to (one of `--venues`, at random). */
  private faultVenue(): ChaosVenue {
    // One venue draws nothing, so a Deribit-only run's seed sequence stays what it was.
    const only = this.args.venues.length === 1 ? this.args.venues[0] : undefined;
    return only ?? this.rngFaults.pick(this.args.venues);
  }

  private faultsOf(venue: ChaosVenue): SimFaults {
    if (venue === 'okx' && this.okx) return this.okx.faults;
    if (venue === 'bybit' && this.bybit) return this.bybit.faults;
    return this.sim.faults;
  }

  private signalBody(kind: 'normal' | 'opposite', instrument?: Target, venue?: ChaosVenue): Record<string, unknown> | undefined {
    const rng = this.rngTrades;
    let inst = instrument ?? rng.pick(this.targetsOf(venue));
    let side: 'buy' | 'sell';
    if (kind === 'opposite') {
      const held = this.targetsOf(venue).filter((t) => this.positionOf(t) !== 0);
      if (held.length === 0) return undefined;
      inst = rng.pick(held);
      side = this.positionOf(inst) > 0 ? 'sell' : 'buy';
    } else {
      const size = this.positionOf(inst);
      side = size === 0 ? (rng.chance(0.5) ? 'buy' : 'sell') : size > 0 ? 'buy' : 'sell';
    }
    const mark = this.markOf(inst);
    const stopPct = rng.between(0.002, 0.007);
    const tpPct = rng.between(0.0025, 0.009);
    const stop = side === 'buy' ? mark * (1 - stopPct) : mark * (1 + stopPct);
    const tp = side === 'buy' ? mark * (1 + tpPct) : mark * (1 - tpPct);
    const size = dec(inst.sizeStep).times(dec(rng.int(1, 10)));
    this.signalSeq += 1;
    return {
      id: `chaos-${this.args.seed}-${this.signalSeq}`,
      venue: inst.venue,
      symbol: inst.name,
      side,
      size: size.toString(),
      stopLoss: stop.toFixed(2),
      takeProfit: tp.toFixed(2),
      secret: this.secrets.webhook,
    };
  }

  /** Fires one entry signal; 'accepted' when the daemon answered 202. */
  private async fireSignal(kind: 'normal' | 'opposite', run = this.current, instrument?: Target, venue?: ChaosVenue): Promise<string> {
    if (!run) return 'no daemon';
    const body = this.signalBody(kind, instrument, venue);
    if (!body) return 'nothing to oppose';
    const id = String(body.id);
    const record: SignalRecord = { id, body, tradeIds: new Set() };
    this.signals.set(id, record);
    const answer = await this.post(run, JSON.stringify(body), { 'content-type': 'text/plain' });
    if (!answer) {
      this.interrupted += 1;
      return 'interrupted';
    }
    if (typeof answer.json.tradeId === 'string') record.tradeIds.add(answer.json.tradeId);
    if (answer.status === 202) {
      this.accepted += 1;
      return 'accepted';
    }
    if (answer.status === 422) {
      this.refused += 1;
      return 'refused';
    }
    this.unexpectedAnswers += 1;
    this.findings.push({
      what: 'unexpected webhook answer',
      detail: `${id}: ${answer.status} ${JSON.stringify(answer.json).slice(0, 300)}`,
    });
    return 'unexpected';
  }

  private async replaySignal(): Promise<void> {
    const run = this.current;
    const answered = [...this.signals.values()].filter((s) => s.tradeIds.size > 0);
    if (!run || answered.length === 0) return;
    const record = this.rngFaults.pick(answered);
    this.count('replayedSignal');
    const answer = await this.post(run, JSON.stringify(record.body), { 'content-type': 'application/json' });
    if (!answer) return;
    if (typeof answer.json.tradeId === 'string') record.tradeIds.add(answer.json.tradeId);
    if (answer.status !== 200 || answer.json.replay !== true) {
      this.badInputMishandled += 1;
      this.findings.push({
        what: 'replayed signal not answered as a replay',
        detail: `${record.id}: ${answer.status} ${JSON.stringify(answer.json).slice(0, 300)}`,
      });
    }
  }

  // ------------------------------------------------------------------ bad input

  private async badWebhook(): Promise<void> {
    const run = this.current;
    if (!run?.webhookUrl) return;
    const rng = this.rngFaults;
    const good = {
      id: `bad-${this.args.seed}-${rng.int(0, 1e9)}`,
      venue: 'deribit',
      symbol: 'BTC-PERPETUAL',
      side: 'buy',
      size: '10',
      stopLoss: '1',
      secret: this.secrets.webhook,
    };
    const auth = { authorization: `Bearer ${this.secrets.webhook}`, 'content-type': 'application/json' };
    const cases: Array<{ body: string; headers: Record<string, string>; expect: number[]; method?: string }> = [
      { body: '{"id": "x", "venue": "deribit", "symbol": ', headers: auth, expect: [400] },
      { body: 'BUY BTC NOW!!!', headers: auth, expect: [400] },
      { body: '[1,2,3]', headers: auth, expect: [400] },
      { body: 'null', headers: auth, expect: [400] },
      { body: JSON.stringify({ ...good, size: '-5' }), headers: auth, expect: [400] },
      { body: JSON.stringify({ ...good, stopLoss: undefined }), headers: auth, expect: [400] },
      { body: JSON.stringify({ ...good, side: 'sideways' }), headers: auth, expect: [400] },
      { body: JSON.stringify({ ...good, size: 'NaN', notional: '1e400' }), headers: auth, expect: [400] },
      { body: JSON.stringify({ ...good, secret: 'wrong-secret' }), headers: { 'content-type': 'application/json' }, expect: [401] },
      { body: JSON.stringify({ ...good, secret: undefined }), headers: { 'content-type': 'application/json' }, expect: [401] },
      { body: JSON.stringify({ ...good, pad: 'x'.repeat(200_000) }), headers: auth, expect: [413] },
      { body: JSON.stringify(good), headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, expect: [415] },
      { body: '', headers: auth, expect: [405], method: 'GET' },
      { body: '\u0000\u0001\u0002\uFFFD', headers: auth, expect: [400] },
    ];
    const c = rng.pick(cases);
    this.count('badWebhookBody');
    const answer = await this.post(run, c.body, c.headers, c.method ?? 'POST');
    if (!answer) return; // killed meanwhile
    if (!c.expect.includes(answer.status)) {
      this.badInputMishandled += 1;
      this.findings.push({
        what: 'garbage webhook body mishandled',
        detail: `${c.body.slice(0, 80)} → ${answer.status} (expected ${c.expect.join('/')}) ${JSON.stringify(answer.json).slice(0, 200)}`,
      });
    }
  }

  private forgedTelegram(): void {
    const rng = this.rngFaults;
    const outsider = rng.pick([
      { chatId: 999_001, userId: 999_001 }, // a stranger's private chat
      { chatId: CHAT, userId: 777_777 }, // the right chat, the wrong user
      { chatId: -100_555, userId: USER }, // the right user in an unknown group
    ]);
    const text = rng.pick(['/kill', '/kill now', '/close all', '/pause', '/open deribit BTC-PERPETUAL buy 100 sl 1', '/status']);
    this.count('forgedTelegramUpdate');
    if (rng.chance(0.3))
      this.telegram.pushCallback({
        ...outsider,
        data: rng.pick(['kill:confirm', 'confirm:kill', 'close:all', 'x'.repeat(64)]),
        messageId: rng.int(1, 50),
      });
    else this.telegram.pushMessage({ ...outsider, text });
  }

  private malformedFrame(): void {
    const rng = this.rngFaults;
    const f = this.sim.faults;
    const kind = rng.pick(['malformedFrame', 'truncatedFrame', 'oversizedFrame', 'outOfOrderFrame'] as const);
    this.count(kind);
    switch (kind) {
      case 'malformedFrame': {
        f.sendMalformedFrame(
          'all',
          rng.pick([
            'not json at all',
            '[]',
            'null',
            '42',
            '{"jsonrpc":"2.0","method":"subscription","params":{"channel":"user.changes.any.BTC.raw","data":{"orders":[{"order_id":5,"amount":"lots"}]}}}',
            '{"jsonrpc":"2.0","method":"subscription","params":null}',
            '{"jsonrpc":"2.0","id":"abc","error":{"code":"x"}}',
          ]),
        );
        return;
      }
      case 'truncatedFrame':
        f.sendMalformedFrame(
          'all',
          rng.pick([
            '{"jsonrpc":"2.0",',
            '{"jsonrpc":"2.0","method":"subscription","params":{"channel":"ticker.BTC-PERPETUAL.100ms","data":{"mark_price":6',
            '{"jsonrpc":"2.0","id":7,"result":[{"order_id":"',
          ]),
        );
        return;
      case 'oversizedFrame':
        f.sendMalformedFrame(
          'all',
          `{"jsonrpc":"2.0","method":"subscription","params":{"channel":"ticker.BTC-PERPETUAL.100ms","data":{"pad":"${'x'.repeat(rng.int(1, 4) * 1_000_000)}"}}}`,
        );
        return;
      case 'outOfOrderFrame': {
        const engine = this.sim.engine;
        const ours = engine.allOrders({ predicate: (o) => o.label.startsWith(PREFIX) });
        if (ours.length === 0 || rng.chance(0.3)) {
          // A late answer to a request id nobody is waiting for.
          f.sendMalformedFrame(
            'all',
            JSON.stringify({
              jsonrpc: '2.0',
              id: rng.int(900_000, 999_999),
              result: { order: { order_id: '1', order_state: 'filled' }, trades: [] },
              usIn: 0,
              usOut: 0,
              usDiff: 0,
              testnet: true,
            }),
          );
          return;
        }
        const o = rng.pick(ours.slice(-30));
        const inst = engine.instrument(o.instrumentName);
        // An older state of one of our orders, after newer ones (with, sometimes, a fill replayed).
        const stale = {
          ...o,
          state: o.triggerPrice ? ('untriggered' as const) : ('open' as const),
          filledAmount: dec(0),
          averagePrice: dec(0),
          filledNotional: dec(0),
          lastUpdateTimestamp: o.creationTimestamp,
        };
        const fills = engine.trades({ orderId: o.orderId });
        const trades = fills.length > 0 && rng.chance(0.5) ? [tradeToWire(fills[0]!, inst)] : [];
        const data = { instrument_name: o.instrumentName, orders: [orderToWire(stale, inst)], trades, positions: [] };
        f.sendMalformedFrame(
          'all',
          JSON.stringify({ jsonrpc: '2.0', method: 'subscription', params: { channel: `user.changes.any.${o.currency}.raw`, data } }),
        );
        return;
      }
    }
  }

  // ------------------------------------------------------------------ faults

  private async injectOne(): Promise<void> {
    const rng = this.rngFaults;
    const roll = rng.int(0, 15);
    const venue = this.faultVenue();
    const okx = venue === 'okx';
    const bybit = venue === 'bybit';
    const f = this.faultsOf(venue);
    // Rolls 0-7 and 9-12 go to `venue`; 8 (Telegram) and 13-15 (webhook, Telegram input) to the daemon.
    if (roll !== 8 && roll < 13) this.venueFaults[venue] = (this.venueFaults[venue] ?? 0) + 1;
    switch (roll) {
      case 0:
        this.count('disconnect');
        f.dropConnections('all');
        return;
      case 1:
        this.count('delayedAnswer');
        f.delayResponses(
          okx
            ? OKX_DELAYABLE
            : bybit
              ? BYBIT_DELAYABLE
              : /^private\/(buy|sell|cancel|edit|get_open_orders_by_currency|get_order_state|get_positions)/,
          rng.int(300, 3_000),
          { times: rng.int(1, 3) },
        );
        return;
      case 2:
        this.count('neverAnswered');
        f.neverAnswer(okx ? OKX_NEVER_ANSWERED : bybit ? BYBIT_NEVER_ANSWERED : /^private\/(buy|sell|cancel|get_order_state)/, {
          times: 1,
        });
        return;
      case 3:
        this.count('rejectedStop');
        if (okx)
          f.rejectNextOrders(
            rng.int(1, 3),
            { type: 'conditional' },
            rng.pick([
              { reason: 'not_enough_funds' as const },
              { code: 50001, message: 'Service temporarily unavailable. Please try again later.' },
            ]),
          );
        else if (bybit)
          // Conditional market orders (stops and takes): 110007, or 10016 (outcome unknown, not placed).
          f.rejectNextOrders(
            rng.int(1, 3),
            { type: 'stop_market' },
            rng.pick([{ reason: 'not_enough_funds' as const }, { code: 10016, message: 'Internal server error.' }]),
          );
        else
          f.rejectNextOrders(
            rng.int(1, 3),
            { type: 'stop_market' },
            rng.pick([
              { code: 10009, message: 'not_enough_funds' },
              { code: 10041, message: 'settlement_in_progress' },
            ]),
          );
        return;
      case 4:
        this.count('rateLimit');
        f.rateLimitNext(rng.int(1, 4)); // Deribit 10028, OKX 50011 (HTTP 429), Bybit 10006
        return;
      case 5:
        this.count('partialFill');
        f.partialFillNext(1, { fraction: rng.between(0.2, 0.8) });
        this.track(this.fireSignal('normal', this.current, undefined, venue));
        return;
      case 6:
      case 7:
        if (okx) this.okxMalformedFrame();
        else if (bybit) this.bybitMalformedFrame();
        else this.malformedFrame();
        return;
      case 8: {
        this.count('telegramDown');
        const fault: TelegramFault = rng.pick<TelegramFault>([{ status: 502 }, { status: 429, retryAfter: 2 }, { status: 'reset' }]);
        this.telegram.setDown(fault);
        const ms = rng.int(2_000, 15_000);
        this.track(sleep(ms).then(() => this.telegram.setDown(undefined)));
        return;
      }
      case 9:
        if (okx) this.okxPriceGap();
        else if (bybit) this.bybitPriceGap();
        else this.priceGap();
        return;
      case 10: {
        this.count('slowEntryFillFirst');
        const entry: NameMatcher = okx
          ? 'POST /api/v5/trade/order'
          : bybit
            ? 'POST /v5/order/create'
            : (m) => m === 'private/buy' || m === 'private/sell';
        f.delayResponses(entry, rng.int(1_500, 3_500), { times: 1 });
        this.track(this.fireSignal('normal', this.current, undefined, venue));
        return;
      }
      case 11:
        this.emergencyBurst(venue);
        return;
      case 12:
        this.count('oppositeSignal');
        this.track(this.fireSignal('opposite', this.current, undefined, venue));
        return;
      case 13:
        this.track(this.replaySignal());
        return;
      case 14:
        this.track(this.badWebhook());
        return;
      default:
        this.forgedTelegram();
    }
  }

  private priceGap(): void {
    const rng = this.rngFaults;
    const engine = this.sim.engine;
    const held = engine.positions({ kind: 'future' });
    const p = held.length > 0 ? rng.pick(held) : undefined;
    const currency = p?.currency ?? rng.pick(['BTC', 'ETH'] as const);
    // Towards the stops of a held position, through them.
    const down = p ? p.size.isPositive() : rng.chance(0.5);
    const gap = rng.between(0.012, 0.03);
    const index = engine.indexPrice(currency).toNumber();
    engine.setIndexPrice(currency, (index * (down ? 1 - gap : 1 + gap)).toFixed(2), this.sim.clock.now());
    this.count('priceGap');
  }

  private emergencyBurst(venue: ChaosVenue): void {
    // Many emergency closes at once: every stop of the next entries is refused three times.
    const n = this.rngFaults.int(3, 5);
    this.count('emergencyCloseBurst');
    if (venue === 'okx') this.faultsOf('okx').rejectNextOrders(n * 3, { type: 'conditional' }, { reason: 'not_enough_funds' });
    else if (venue === 'bybit') this.faultsOf('bybit').rejectNextOrders(n * 3, { type: 'stop_market' }, { reason: 'not_enough_funds' });
    else this.sim.faults.rejectNextOrders(n * 3, { type: 'stop_market' }, { code: 10009, message: 'not_enough_funds' });
    const flat = this.targetsOf(venue).filter((t) => this.positionOf(t) === 0);
    for (let i = 0; i < n; i++) this.track(this.fireSignal('normal', this.current, flat[i], venue));
  }

  /** Prices gapping through the stops of a held OKX position (or either way on a flat one). */
  private okxPriceGap(): void {
    const okx = this.okx;
    if (!okx) return;
    const rng = this.rngFaults;
    const held = this.targetsOf('okx').filter((t) => this.positionOf(t) !== 0);
    const t = held.length > 0 ? rng.pick(held) : rng.pick(this.targetsOf('okx'));
    const pos = this.positionOf(t);
    const down = pos !== 0 ? pos > 0 : rng.chance(0.5);
    const gap = rng.between(0.012, 0.03);
    const mark = this.markOf(t);
    const inst = okx.engine.instrument(t.name);
    const tick = inst?.tickSize.toNumber() ?? 0.01;
    const price = Math.round((mark * (down ? 1 - gap : 1 + gap)) / tick) * tick;
    okx.engine.setMarkPrice(t.name, dec(price.toFixed(4)), okx.clock.now());
    this.count('priceGap');
  }

  /** Prices gapping through the stops of a held Bybit position (or either way on a flat one). */
  private bybitPriceGap(): void {
    const bybit = this.bybit;
    if (!bybit) return;
    const rng = this.rngFaults;
    const held = this.targetsOf('bybit').filter((t) => this.positionOf(t) !== 0);
    const t = held.length > 0 ? rng.pick(held) : rng.pick(this.targetsOf('bybit'));
    const pos = this.positionOf(t);
    const down = pos !== 0 ? pos > 0 : rng.chance(0.5);
    const gap = rng.between(0.012, 0.03);
    const mark = this.markOf(t);
    const tick = bybit.engine.instrument(t.name)?.tickSize.toNumber() ?? 0.01;
    const price = Math.round((mark * (down ? 1 - gap : 1 + gap)) / tick) * tick;
    bybit.engine.setMarkPrice(t.name, dec(price.toFixed(4)), bybit.clock.now());
    this.count('priceGap');
  }

  /** Junk on the Bybit sockets: not JSON, truncated, oversized, a stale order push, and answers nobody asked for. */
  private bybitMalformedFrame(): void {
    const bybit = this.bybit;
    if (!bybit) return;
    const rng = this.rngFaults;
    const kind = rng.pick(['malformedFrame', 'truncatedFrame', 'oversizedFrame', 'outOfOrderFrame'] as const);
    this.count(kind);
    const frames: Record<typeof kind, () => string> = {
      malformedFrame: () =>
        rng.pick([
          'not json at all',
          '[]',
          'null',
          '42',
          '{"topic":"order","id":"x","creationTime":1,"data":[{"orderId":5,"cumExecQty":"lots"}]}',
          '{"topic":"tickers.BTCUSDT","type":"snapshot","ts":1,"data":null}',
          '{"op":"auth","success":"maybe"}',
        ]),
      truncatedFrame: () =>
        rng.pick([
          '{"topic":',
          '{"topic":"tickers.BTCUSDT","type":"delta","ts":1,"data":{"symbol":"BTCUSDT","markPrice":"6',
          '{"success":true,"ret_msg":"","op":"subscribe","conn_id":"',
        ]),
      oversizedFrame: () =>
        `{"topic":"tickers.BTCUSDT","type":"delta","ts":1,"data":{"symbol":"BTCUSDT","pad":"${'x'.repeat(rng.int(1, 4) * 1_000_000)}"}}`,
      outOfOrderFrame: () => this.bybitStaleFrame(bybit),
    };
    bybit.faults.sendMalformedFrame('all', frames[kind]());
  }

  /** An older state of one of the daemon's Bybit orders, after newer ones; or an ack to a request nobody sent. */
  private bybitStaleFrame(bybit: BybitSim): string {
    const rng = this.rngFaults;
    const ours = [...bybit.orderMeta].filter(([, m]) => m.orderLinkId.startsWith(PREFIX)).slice(-30);
    const picked = ours.length > 0 && !rng.chance(0.3) ? rng.pick(ours) : undefined;
    const o = picked ? bybit.engine.order(picked[0]) : undefined;
    const inst = o ? bybit.engine.instrument(o.instrument) : undefined;
    if (!picked || !o || !inst)
      return JSON.stringify({ success: true, ret_msg: '', conn_id: 'chaos', req_id: String(rng.int(900_000, 999_999)), op: 'subscribe' });
    const stale: PortOrder = {
      ...o,
      state: o.trigger !== undefined ? 'untriggered' : 'open',
      triggered: false,
      filledQty: Decimal.ZERO,
      filledValue: Decimal.ZERO,
      averagePrice: undefined,
      cancelReason: undefined,
      updatedAt: o.createdAt,
    };
    return JSON.stringify(privatePush(`chaos-${rng.int(1, 1e9)}`, 'order', o.createdAt, [orderRecordPush(stale, picked[1], inst)]));
  }

  /** Junk on the OKX sockets: not JSON, truncated, oversized, and pushes out of order or answering nobody. */
  private okxMalformedFrame(): void {
    const okx = this.okx;
    if (!okx) return;
    const rng = this.rngFaults;
    const kind = rng.pick(['malformedFrame', 'truncatedFrame', 'oversizedFrame', 'outOfOrderFrame'] as const);
    this.count(kind);
    const frames: Record<typeof kind, () => string> = {
      malformedFrame: () =>
        rng.pick([
          'not json at all',
          '[]',
          'null',
          '42',
          '{"arg":{"channel":"orders","instType":"SWAP"},"data":[{"ordId":5,"accFillSz":"lots"}]}',
          '{"arg":{"channel":"tickers","instId":"BTC-USDT-SWAP"},"data":null}',
          '{"event":"error","code":"x"}',
        ]),
      truncatedFrame: () =>
        rng.pick([
          '{"arg":{"channel":',
          '{"arg":{"channel":"tickers","instId":"BTC-USDT-SWAP"},"data":[{"instId":"BTC-USDT-SWAP","last":"6',
          '{"id":"7","op":"order","code":"0","data":[{"ordId":"',
        ]),
      oversizedFrame: () =>
        `{"arg":{"channel":"tickers","instId":"BTC-USDT-SWAP"},"data":[{"pad":"${'x'.repeat(rng.int(1, 4) * 1_000_000)}"}]}`,
      // An answer to a request id nobody sent, and a subscribe ack nobody asked for.
      outOfOrderFrame: () =>
        rng.pick([
          JSON.stringify({
            id: String(rng.int(900_000, 999_999)),
            op: 'order',
            code: '0',
            msg: '',
            data: [{ ordId: '1', sCode: '0', sMsg: '' }],
          }),
          JSON.stringify({ event: 'subscribe', arg: { channel: 'orders', instType: 'SWAP' }, connId: 'chaos' }),
        ]),
    };
    okx.faults.sendMalformedFrame('all', frames[kind]());
  }

  // ------------------------------------------------------------------ the run

  async run(): Promise<number> {
    await this.setUp();
    await this.brokenConfigs();
    await this.startDaemon();
    const firingMs = this.args.minutes * 60_000;
    const t0 = Date.now();
    const killTimes = Array.from({ length: this.args.restarts }, () => this.rngRestarts.between(0.08, 0.9) * firingMs).sort(
      (a, b) => a - b,
    );

    const progress = setInterval(() => {
      this.log(
        `trades ${this.accepted}/${this.args.trades} (refused ${this.refused}, interrupted ${this.interrupted}) restarts ${this.restarts}/${this.args.restarts} ` +
          `faults ${Object.values(this.faults).reduce((a, b) => a + b, 0)} positions ${this.exposures().length} ` +
          `maxUnprotectedMs ${this.tracker.maxUpMs()} (down ${this.tracker.maxDownMs()})`,
      );
    }, 20_000);

    const restartLoop = (async () => {
      for (const at of killTimes) {
        const wait = t0 + at - Date.now();
        if (wait > 0) await sleep(wait);
        if (this.restarting) await this.restarting;
        await this.killAndRestart();
      }
    })();

    const tradeLoop = (async () => {
      const gap = (firingMs * 0.92) / this.args.trades;
      while (this.accepted + this.inflightSignals() < this.args.trades && Date.now() - t0 < firingMs * 1.5) {
        await sleep(this.rngTrades.between(0.3, 1.7) * gap);
        if (!this.daemonUp() || !this.current?.webhookUrl) continue;
        this.track(this.trackSignal(this.fireSignal('normal')));
      }
    })();

    const faultLoop = (async () => {
      const gap = Math.max(400, Math.min(3_000, firingMs / Math.max(40, this.args.trades * 1.2)));
      while (Date.now() - t0 < firingMs) {
        await sleep(this.rngFaults.between(0.3, 1.7) * gap);
        if (!this.daemonUp()) continue;
        await this.injectOne();
      }
    })();

    await Promise.all([restartLoop, faultLoop, tradeLoop]);
    clearInterval(progress);
    this.log(`firing done: ${this.accepted} trades accepted, ${this.restarts} restarts; stopping faults and letting the daemon reconcile`);
    return this.finish();
  }

  private signalsInFlight = 0;
  private inflightSignals(): number {
    return this.signalsInFlight;
  }
  private trackSignal(p: Promise<string>): Promise<string> {
    this.signalsInFlight += 1;
    return p.finally(() => {
      this.signalsInFlight -= 1;
    });
  }

  private async finish(): Promise<number> {
    this.ending = true;
    this.sim.faults.reset();
    this.okx?.faults.reset();
    this.bybit?.faults.reset();
    this.telegram.setDown(undefined);
    await Promise.race([Promise.allSettled([...this.inflight]), sleep(90_000)]);
    if (this.restarting) await this.restarting;
    if (!this.current?.running) await this.startDaemon();
    const run = this.current!;
    if (!run.entriesAccepted) await run.waitForLine((l) => l.msg === 'start-up reconciliation finished; entries accepted', 60_000);
    // Freeze prices so nothing fills between the final pass and the snapshot.
    this.pricesMoving = false;
    const settleStart = Date.now();
    await sleep(RECONCILE_INTERVAL_MS * 3 + 1_000);
    while (Date.now() - settleStart < 60_000 && (this.tracker.openKeys().length > 0 || (await this.outboxPending(run)) !== 0))
      await sleep(500);
    await sleep(RECONCILE_INTERVAL_MS * 2);
    this.sample();

    const engine = this.sim.engine;
    const toVenueOrder = (o: ReturnType<typeof engine.allOrders>[number]): VenueOrder => ({
      orderId: o.orderId,
      instrumentName: o.instrumentName,
      label: o.label,
      state: o.state,
      reduceOnly: o.reduceOnly,
      ...(o.triggerOrderId !== undefined ? { triggerOrderId: o.triggerOrderId } : {}),
    });
    const openOrders = engine.openOrders().map(toVenueOrder);
    const allOrders = engine.allOrders().map(toVenueOrder);
    const venueFills: VenueFill[] = engine.trades().map((t) => ({ tradeId: t.tradeId, orderId: t.orderId, label: t.label }));
    const openPositions = engine.positions({ kind: 'future' }).map((p) => `${p.instrumentName} ${p.size.toString()}`);
    const okx = this.okx;
    let okxFigures: { orders: number; fills: number; daemonOrders: number; daemonFills: number; openPositions: number } | undefined;
    if (okx) {
      const ledger = okxLedger({
        orderClientIds: new Map([...okx.orderMeta].map(([id, m]) => [id, m.clOrdId])),
        algoClientIds: new Map([...okx.algoMeta].map(([id, m]) => [id, m.algoClOrdId])),
        order: (id) => okx.engine.order(id),
        algo: (id) => okx.engine.algo(id),
        fills: okx.engine.fills({}),
      });
      openOrders.push(...ledger.openOrders);
      allOrders.push(...ledger.allOrders);
      venueFills.push(...ledger.fills);
      // What the OKX part of the checks covered: orders and algos placed, fills, those carrying a daemon client id.
      okxFigures = {
        orders: ledger.allOrders.length,
        fills: ledger.fills.length,
        daemonOrders: ledger.allOrders.filter((o) => o.label.startsWith(PREFIX)).length,
        daemonFills: ledger.fills.filter((f) => f.label.startsWith(PREFIX)).length,
        openPositions: okx.engine.positions().filter((p) => !p.size.isZero()).length,
      };
      openPositions.push(
        ...okx.engine
          .positions()
          .filter((p) => !p.size.isZero())
          .map((p) => `okx:${p.instrument} ${p.size.toString()}`),
      );
    }

    const bybit = this.bybit;
    let bybitFigures: { orders: number; fills: number; daemonOrders: number; daemonFills: number; openPositions: number } | undefined;
    if (bybit) {
      const ledger = bybitLedger({
        orderLinkIds: new Map([...bybit.orderMeta].map(([id, m]) => [id, m.orderLinkId])),
        order: (id) => bybit.engine.order(id),
        fills: bybit.engine.fills({}),
      });
      openOrders.push(...ledger.openOrders);
      allOrders.push(...ledger.allOrders);
      venueFills.push(...ledger.fills);
      const held = bybit.engine.positions().filter((p) => !p.size.isZero());
      bybitFigures = {
        orders: ledger.allOrders.length,
        fills: ledger.fills.length,
        daemonOrders: ledger.allOrders.filter((o) => o.label.startsWith(PREFIX)).length,
        daemonFills: ledger.fills.filter((f) => f.label.startsWith(PREFIX)).length,
        openPositions: held.length,
      };
      openPositions.push(...held.map((p) => `bybit:${p.instrument} ${p.size.toString()}`));
    }

    run.kill('SIGTERM');
    const exit = await Promise.race([run.exited, sleep(30_000).then(() => undefined)]);
    if (!exit) {
      this.findings.push({ what: 'no exit after SIGTERM', detail: `daemon #${run.index} still running 30 s after SIGTERM; killed` });
      run.stoppedBy = undefined;
      run.child.kill('SIGKILL');
      await run.exited;
    }
    clearInterval(this.samplerTimer);
    clearInterval(this.priceTimer);

    const store = this.readStore();
    const orphanList = orphans(openOrders, store.snapshot, PREFIX);
    const signalTrades = new Map([...this.signals.values()].map((s) => [s.id, s.tradeIds as ReadonlySet<string>]));
    const dupList = duplicates(allOrders, PREFIX, signalTrades);
    const lostList = lostRecords(allOrders, venueFills, store.snapshot, PREFIX);
    // Bad input must not have changed state: no trade from a garbage body, no kill switch from a forged update.
    const badTrades = store.badSignalTrades;
    const outsiderMessages = this.telegram.sent.filter((m) => m.chatId !== CHAT).length;
    const forgedKills = this.runs.reduce((n, r) => n + (r.killSwitchAlerts ?? 0), 0);
    this.badInputMishandled += badTrades + outsiderMessages + (store.killSwitchOn ? 1 : 0);
    if (badTrades > 0) this.findings.push({ what: 'a garbage webhook body opened a trade', detail: `${badTrades}` });
    if (outsiderMessages > 0)
      this.findings.push({ what: 'the bot answered a chat that is not allowed', detail: `${outsiderMessages} message(s)` });
    if (store.killSwitchOn)
      this.findings.push({
        what: 'the kill switch is on after the run (only forged updates asked for it)',
        detail: `kill-switch alerts logged: ${forgedKills}`,
      });

    const loggedCritical = this.runs.reduce((n, r) => n + r.criticalAlerts, 0);
    const deliveredCritical = this.telegram.sent.filter((m) => m.chatId === CHAT && m.text.startsWith('🚨')).length;
    // Logged but never queued, queued but never delivered, or marked delivered without reaching the fake Telegram.
    const lostAlerts =
      store.criticalUndelivered +
      Math.max(0, loggedCritical - store.criticalRaised) +
      Math.max(0, store.criticalRaised - store.criticalUndelivered - deliveredCritical);
    if (lostAlerts > 0)
      this.findings.push({
        what: 'critical alerts lost',
        detail: `logged ${loggedCritical}, in the outbox ${store.criticalRaised}, undelivered ${store.criticalUndelivered}, reached Telegram ${deliveredCritical}`,
      });

    const secretsInLogs = this.runs.reduce((n, r) => n + r.secretHits, 0) + this.refusalSecretHits + this.scanLogFiles();
    const secretsInStore = this.scanStoreFiles();
    const crashed = this.runs.filter((r) => r.isCrash());
    for (const r of crashed)
      this.findings.push({
        what: 'crash',
        detail: `daemon #${r.index} exit ${JSON.stringify(r.exit)}; stderr ${r.stderrText.slice(-400)}`,
      });
    this.findings.push(...orphanList, ...dupList, ...lostList);

    const worst = this.tracker.worst();
    const summary: Summary = {
      trades: this.accepted,
      restarts: this.restarts,
      faults: this.faults,
      maxUnprotectedMs: this.tracker.maxUpMs(),
      maxUnprotectedDownMs: this.tracker.maxDownMs(),
      orphansAfterPass: orphanList.length,
      duplicateOrders: dupList.length,
      lostRecords: lostList.length,
      lostCriticalAlerts: lostAlerts,
      secretsInLogs,
      crashes: crashed.length,
      badInputMishandled: this.badInputMishandled,
      secretsInStore,
      seed: this.args.seed,
      minutes: Math.round(((Date.now() - this.started) / 60_000) * 10) / 10,
      signals: { fired: this.signals.size, refused: this.refused, interrupted: this.interrupted, unexpected: this.unexpectedAnswers },
      storeTrades: store.snapshot.trades.length,
      venueOrders: allOrders.length,
      venueFills: venueFills.length,
      criticalAlerts: { logged: loggedCritical, outbox: store.criticalRaised, delivered: deliveredCritical },
      unprotectedIntervals: this.tracker.intervals(),
      worstUnprotected: worst
        ? {
            key: worst.key,
            upMs: Math.round(worst.upMs),
            downMs: Math.round(worst.downMs),
            atSecs: Math.round((worst.startMs - this.started) / 1000),
          }
        : null,
      openPositionsAtEnd: openPositions.length,
      ...(this.args.venues.length > 1 || okxFigures || bybitFigures ? { venueFaults: this.venueFaults } : {}),
      ...(okxFigures ? { okx: okxFigures } : {}),
      ...(bybitFigures ? { bybit: bybitFigures } : {}),
      daemonErrorLines: this.runs.reduce((n, r) => n + r.errorLines, 0),
    };
    const failed =
      summary.maxUnprotectedMs > MAX_UNPROTECTED_MS ||
      summary.orphansAfterPass +
        summary.duplicateOrders +
        summary.lostRecords +
        summary.lostCriticalAlerts +
        summary.secretsInLogs +
        summary.crashes +
        summary.badInputMishandled +
        summary.secretsInStore >
        0;
    for (const f of this.findings.slice(0, 40)) this.log(`finding: ${f.what}: ${f.detail}`);
    if (this.findings.length > 40) this.log(`... and ${this.findings.length - 40} more findings`);
    this.log(`${failed ? 'FAILED' : 'passed'}; ${failed || this.args.keep ? `scratch dir kept: ${this.dir}` : 'scratch dir removed'}`);
    await this.telegram.stop();
    await this.sim.close();
    await this.okx?.close();
    await this.bybit?.close();
    await new Promise<void>((r) => this.transcript.end(() => r()));
    if (!failed && !this.args.keep) rmSync(this.dir, { recursive: true, force: true });
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return failed ? 1 : 0;
  }

  private async outboxPending(run: DaemonRun): Promise<number> {
    if (!run.healthUrl) return -1;
    try {
      const body = (await (await fetch(run.healthUrl, { signal: AbortSignal.timeout(5_000) })).json()) as {
        components?: Array<{ name: string; detail?: { outboxPending?: number } }>;
      };
      return body.components?.find((c) => c.name === 'telegram')?.detail?.outboxPending ?? -1;
    } catch {
      return -1;
    }
  }

  private readStore(): {
    snapshot: StoreSnapshot;
    criticalRaised: number;
    criticalUndelivered: number;
    badSignalTrades: number;
    killSwitchOn: boolean;
  } {
    const db = new Database(join(this.dir, 'data', 'daemon.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const trades = db.prepare('SELECT id, state FROM trades').all() as Array<{ id: string; state: string }>;
      const legs = db.prepare('SELECT client_id FROM legs').all() as Array<{ client_id: string }>;
      // Deribit's fill ids as they are; other venues' as `<venue>:<id>` (okx-ledger.ts and bybit-ledger.ts name them so).
      const fills = (
        db.prepare("SELECT venue, venue_trade_id FROM fills WHERE venue IN ('deribit', 'okx', 'bybit')").all() as Array<{
          venue: string;
          venue_trade_id: string;
        }>
      ).map((f) => (f.venue === 'deribit' ? f.venue_trade_id : `${f.venue}:${f.venue_trade_id}`));
      const critical = db.prepare("SELECT delivered_chat_ids FROM alert_outbox WHERE severity = 'critical'").all() as Array<{
        delivered_chat_ids: string;
      }>;
      const undelivered = critical.filter((r) => !(JSON.parse(r.delivered_chat_ids) as number[]).includes(CHAT)).length;
      const bad = (db.prepare("SELECT COUNT(*) AS n FROM signals WHERE id LIKE 'bad-%' AND trade_id IS NOT NULL").get() as { n: number }).n;
      const ks = db.prepare("SELECT value FROM settings WHERE key = 'kill_switch'").get() as { value?: string } | undefined;
      const killSwitchOn = ks?.value !== undefined && /"active"\s*:\s*true/.test(ks.value);
      return {
        snapshot: { trades, legClientIds: new Set(legs.map((l) => l.client_id)), fillIds: new Set(fills) },
        criticalRaised: critical.length,
        criticalUndelivered: undelivered,
        badSignalTrades: bad,
        killSwitchOn,
      };
    } finally {
      db.close();
    }
  }

  private filesUnder(dir: string): string[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? this.filesUnder(p) : [p];
    });
  }

  private scanLogFiles(): number {
    return this.filesUnder(join(this.dir, 'logs')).reduce((n, p) => n + countSecrets(readFileSync(p, 'latin1'), this.secretList()), 0);
  }

  private scanStoreFiles(): number {
    return this.filesUnder(join(this.dir, 'data')).reduce((n, p) => n + countSecrets(readFileSync(p, 'latin1'), this.secretList()), 0);
  }
}

async function main(): Promise<void> {
  const args = parseChaosArgs(process.argv.slice(2));
  if ('help' in args) {
    process.stdout.write(`${CHAOS_USAGE}\n`);
    return;
  }
  if ('error' in args) {
    process.stderr.write(`${args.error}\n${CHAOS_USAGE}\n`);
    process.exit(2);
  }
  if (!existsSync(DAEMON_ENTRY)) {
    process.stderr.write(`the daemon is not built (${DAEMON_ENTRY} missing): run npm run build\n`);
    process.exit(2);
  }
  const code = await new ChaosRun(args).run();
  process.exit(code);
}

main().catch((err: unknown) => {
  process.stderr.write(`chaos run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(3);
});
