/**
 * Preloaded into the daemon the bench starts (`node --import <this> dist/src/main.js`): measures
 * the daemon's event-loop delay with perf_hooks.monitorEventLoopDelay and answers the bench over
 * the IPC channel. The daemon itself is unchanged.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

interface ProbeRequest {
  readonly id: number;
  readonly op: 'reset' | 'read';
}

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();

if (process.send) {
  process.on('message', (m: ProbeRequest) => {
    if (m.op === 'reset') histogram.reset();
    const ms = (ns: number) => ns / 1e6;
    process.send?.({
      id: m.id,
      eventLoopDelay: {
        count: histogram.count,
        p50Ms: ms(histogram.percentile(50)),
        p99Ms: ms(histogram.percentile(99)),
        maxMs: ms(histogram.max),
        meanMs: ms(histogram.mean),
      },
      memory: process.memoryUsage(),
    });
  });
  // the IPC channel must not keep the daemon alive on its own
  process.channel?.unref();
}
