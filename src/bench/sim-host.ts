/**
 * The bench's simulator process: a simulated Deribit in a child process of its own (so its work
 * does not share the measured side's core or heap), driven over the IPC channel by SimHost
 * (sim-host-client.ts). Started with `fork()`; not a CLI for people (`npm run sim` is that).
 */
import { type DeribitSim, startDeribitSim } from '../sim/deribit/server.js';
import type { SimHostReply, SimHostRequest, SimHostStartOptions } from './sim-host-protocol.js';

let sim: DeribitSim | undefined;

function requireSim(): DeribitSim {
  if (!sim) throw new Error('simulator not started');
  return sim;
}

async function handle(request: SimHostRequest): Promise<unknown> {
  switch (request.op) {
    case 'start': {
      const o: SimHostStartOptions = request.options;
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
      const s = requireSim();
      s.faults.reset();
      if (request.ms > 0) s.faults.delayResponses(() => true, request.ms);
      return null;
    }
    case 'setMark': {
      const s = requireSim();
      s.engine.setMarkPrice(request.symbol, request.price, s.clock.now());
      return null;
    }
    case 'mark':
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
      sim = undefined;
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
  void (sim?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
