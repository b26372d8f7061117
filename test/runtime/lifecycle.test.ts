/** The daemon process lifecycle (start, health, signals, ordered stop) and the HealthServer. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import pino from 'pino';
import { describe, expect, it } from 'vitest';

import { HealthServer } from '../../src/runtime/health.js';
import { DAEMON_ENTRY, scratchDir, startProcess, testConfig, withDeadline } from '../support/daemon-process.js';
import { waitFor } from '../support/wait.js';

describe('daemon lifecycle', () => {
  it('starts, answers /healthz, and stops cleanly on SIGTERM within the bound', async () => {
    const secret = 'lifecycle-secret-value-42';
    const { dir, configDir } = scratchDir(testConfig());
    const p = startProcess([DAEMON_ENTRY, '--config-dir', configDir], {
      cwd: dir,
      env: { DERIBIT_CLIENT_SECRET: secret, DERIBIT_CLIENT_ID: 'lifecycle-client-id' },
    });
    const listening = await p.waitForLine((l) => l.msg === 'health endpoint listening');
    await p.waitForLine((l) => l.msg === 'daemon running');
    const res = await fetch(String(listening.url));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; eventLoop: { ok: boolean }; components: unknown[] };
    expect(body.ok).toBe(true);
    expect(body.eventLoop.ok).toBe(true);
    expect(body.components.map((c) => (c as { name: string }).name)).toEqual(['reconciliation', 'trading', 'telegram', 'webhook']);
    expect(body.components.find((c) => (c as { name: string }).name === 'telegram')).toMatchObject({
      ok: true,
      detail: { enabled: false, connected: false, outboxPending: 0 },
    });
    expect(body.components.find((c) => (c as { name: string }).name === 'webhook')).toMatchObject({
      ok: true,
      detail: { enabled: false, listening: false },
    });
    expect(existsSync(join(dir, 'data', 'test.sqlite'))).toBe(true);

    p.child.kill('SIGTERM');
    const code = await withDeadline(p.exited, 5_000, 'exit after SIGTERM');
    expect(code).toBe(0);
    await p.waitForLine((l) => l.msg === 'shutdown complete');
    const fileLog = readFileSync(join(dir, 'logs', 'daemon.log'), 'utf8');
    expect(fileLog).toContain('"msg":"shutdown complete"');
    expect(p.stdout() + p.stderr() + fileLog).not.toContain(secret);
  });

  it('with no keys, runs the simulated Deribit in-process and reports healthy once logged in', async () => {
    const { dir, configDir } = scratchDir(testConfig({ venues: { deribit: { enabled: true, environment: 'sim' } } }));
    const p = startProcess([DAEMON_ENTRY, '--config-dir', configDir], { cwd: dir });
    try {
      const listening = await p.waitForLine((l) => l.msg === 'health endpoint listening');
      await p.waitForLine((l) => l.msg === 'deribit simulator started in-process (sim mode: no real venue, no real money)');
      const body = await waitFor(
        async () => {
          const res = await fetch(String(listening.url));
          return res.status === 200
            ? ((await res.json()) as { components: Array<{ name: string; ok: boolean; detail: { state: string } }> })
            : undefined;
        },
        { timeoutMs: 10_000, message: '/healthz 200' },
      );
      expect(body.components[0]).toMatchObject({ name: 'venue:deribit', ok: true, detail: { environment: 'sim', state: 'ready' } });
      // the measured venue-host clock offset, or an explicit "not measured yet"
      const venueDetail = (body.components[0] as unknown as { detail: Record<string, unknown> }).detail;
      expect(venueDetail).toHaveProperty('clockOffsetMs');
      if (venueDetail.clockOffsetMs === null) expect(venueDetail.clockOffset).toBe('not measured yet');
      else expect(typeof venueDetail.clockOffsetMs).toBe('number');
      await p.waitForLine((l) => l.msg === 'deribit subscriptions restored');
      // entries open only after the start-up reconciliation against the venue
      await p.waitForLine((l) => l.msg === 'start-up reconciliation finished; entries accepted');
      const after = (await (await fetch(String(listening.url))).json()) as {
        components: Array<{ name: string; detail: Record<string, unknown> }>;
      };
      expect(after.components.find((c) => c.name === 'trading')?.detail).toEqual({
        entriesOpen: true,
        killSwitch: false,
        paused: false,
        strategies: [],
      });
    } finally {
      p.child.kill('SIGTERM');
      expect(await withDeadline(p.exited, 5_000, 'exit after SIGTERM')).toBe(0);
    }
  });
});

describe('HealthServer', () => {
  it('answers 503 with details while a component is down, 200 once it is up', async () => {
    let up = false;
    const server = new HealthServer({
      host: '127.0.0.1',
      port: 0,
      maxEventLoopLagMs: 2000,
      logger: pino({ level: 'silent' }),
      probes: () => [{ name: 'venue:deribit', ok: up, detail: { state: up ? 'ready' : 'connecting' } }],
    });
    const { port } = await server.start();
    try {
      const down = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({
        ok: false,
        components: [{ name: 'venue:deribit', ok: false, detail: { state: 'connecting' } }],
      });
      up = true;
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(ok.status).toBe(200);
      const missing = await fetch(`http://127.0.0.1:${port}/nope`);
      expect(missing.status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
