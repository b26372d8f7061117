/**
 * The bench's simulator process: a simulated Deribit (or, with `venue: 'okx'` / `'bybit'`, OKX / Bybit) in a child
 * process of its own (so its work does not share the measured side's core or heap), driven over
 * the IPC channel by SimHost (sim-host-client.ts). Started with `fork()`; not a CLI for people (`npm run sim` is that).
 */
import { Decimal } from '../domain/decimal.js';
import { type BybitSim, startBybitSim } from '../sim/bybit/server.js';
import { type DeribitSim, startDeribitSim } from '../sim/deribit/server.js';
import { type OkxSim, startOkxSim } from '../sim/okx/server.js';
import type { BybitSimEndpoints, OkxSimEndpoints, SimHostReply, SimHostRequest, SimHostStartOptions } from './sim-host-protocol.js';

let sim: DeribitSim | undefined;
let okx: OkxSim | undefined;
let bybit: BybitSim | undefined;

function requireSim(): DeribitSim {
  if (!sim) throw new Error('simulator not started');
  return sim;
}

async function startOkx(o: SimHostStartOptions): Promise<OkxSimEndpoints> {
  // demo: false, as the daemon's sim mode (no x-simulated-trading header expected).
  okx = await startOkxSim({
    host: '127.0.0.1',
    port: 0,
    seed: o.seed,
    demo: false,
    priceStepMs: o.priceStepMs,
    rateLimits: o.rateLimits ? undefined : false,
  });
  const c = okx.credentials;
  return {
    venue: 'okx',
    restUrl: okx.restUrl,
    wsPublicUrl: okx.wsPublicUrl,
    wsPrivateUrl: okx.wsPrivateUrl,
    wsBusinessUrl: okx.wsBusinessUrl,
    apiKey: c.apiKey,
    secretKey: c.secretKey,
    passphrase: c.passphrase,
  };
}

async function startBybit(o: SimHostStartOptions): Promise<BybitSimEndpoints> {
  bybit = await startBybitSim({
    host: '127.0.0.1',
    port: 0,
    seed: o.seed,
    priceStepMs: o.priceStepMs,
    rateLimits: o.rateLimits ? undefined : false,
    onError: (e) => process.stderr.write(`bench bybit sim: ${String(e)}\n`),
  });
  return {
    venue: 'bybit',
    restUrl: bybit.restUrl,
    wsPublicLinearUrl: bybit.wsPublicLinearUrl,
    wsPublicInverseUrl: bybit.wsPublicInverseUrl,
    wsPrivateUrl: bybit.wsPrivateUrl,
    wsTradeUrl: bybit.wsTradeUrl,
    apiKey: bybit.credentials.apiKey,
    apiSecret: bybit.credentials.apiSecret,
  };
}

async function handle(request: SimHostRequest): Promise<unknown> {
  switch (request.op) {
    case 'start': {
      const o: SimHostStartOptions = request.options;
      if (o.venue === 'okx') return startOkx(o);
      if (o.venue === 'bybit') return startBybit(o);
      sim = await startDeribitSim({
        seed: o.seed,
        priceStepMs: o.priceStepMs,
        flushIntervalMs: o.flushIntervalMs,
        rateLimits: o.rateLimits ? undefined : false,
        engine: { catalogue: { strikesEachSide: o.strikesEachSide, weeklies: o.weeklies } },
        onError: (e) => process.stderr.write(`bench sim: ${String(e)}\n`),
      });
      return { wsUrl: sim.wsUrl, restUrl: sim.restUrl, clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret };
    }
    case 'responseDelay': {
      const s = okx ?? bybit ?? requireSim();
      s.faults.reset();
      if (request.ms > 0) s.faults.delayResponses(() => true, request.ms);
      return null;
    }
    case 'setMark': {
      if (okx) {
        okx.engine.setMarkPrice(request.symbol, Decimal.from(request.price), okx.clock.now());
        return null;
      }
      if (bybit) {
        bybit.engine.setMarkPrice(request.symbol, Decimal.from(request.price), bybit.clock.now());
        return null;
      }
      const s = requireSim();
      s.engine.setMarkPrice(request.symbol, request.price, s.clock.now());
      return null;
    }
    case 'mark':
      if (okx) return okx.engine.ticker(request.symbol, okx.clock.now()).mark.toString();
      if (bybit) return bybit.engine.ticker(request.symbol, bybit.clock.now()).mark.toString();
      return requireSim().engine.markPrice(request.symbol).toString();
    case 'options': {
      const s = requireSim();
      const now = s.clock.now();
      return s.engine
        .instruments()
        .filter((i) => i.kind === 'option' && s.engine.isActive(i.name, now))
        .map((i) => i.name);
    }
    case 'channels': {
      const s = requireSim();
      let total = 0;
      let tickers = 0;
      for (const id of s.connectionIds()) {
        for (const ch of s.subscriptionsOf(id)) {
          total += 1;
          if (ch.startsWith('ticker.')) tickers += 1;
        }
      }
      return { connections: s.connections, total, tickers };
    }
    case 'close':
      await sim?.close();
      await okx?.close();
      await bybit?.close();
      sim = undefined;
      okx = undefined;
      bybit = undefined;
      return null;
  }
}

process.on('message', (message: SimHostRequest) => {
  void handle(message).then(
    (result) => process.send?.({ id: message.id, ok: true, result } satisfies SimHostReply),
    (err: unknown) =>
      process.send?.({ id: message.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies SimHostReply),
  );
});
process.on('disconnect', () => {
  void Promise.all([sim?.close(), okx?.close(), bybit?.close()]).finally(() => process.exit(0));
});
