/**
 * /healthz tells the truth: 503 while an enabled venue is not ready, while the start-up
 * reconciliation has not succeeded within health.startupGraceMs, or while reconciliation has
 * been failing for longer than health.maxReconcileFailureMs; the JSON says which. HEAD works.
 * An enabled venue without an adapter is a config error.
 */
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { HealthServer } from '../../src/runtime/health.js';
import { reconciliationProbe } from '../../src/runtime/probes.js';
import { type BybitSim, startBybitSim } from '../../src/sim/bybit/server.js';
import { type DeribitSim, startDeribitSim } from '../../src/sim/deribit/index.js';
import { MemoryVenue } from '../../src/venues/memory/index.js';
import { startServices } from '../orders/harness.js';
import {
  DAEMON_ENTRY,
  killLeftovers,
  type RunningProcess,
  scratchDir,
  startProcess,
  testConfig,
  withDeadline,
} from '../support/daemon-process.js';
import { waitFor } from '../support/wait.js';

const running: RunningProcess[] = [];
const sims: Array<DeribitSim | BybitSim> = [];

afterEach(async () => {
  killLeftovers(running);
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

interface Health {
  ok: boolean;
  failing: string[];
  components: Array<{ name: string; ok: boolean; detail: Record<string, unknown> }>;
}

async function healthz(url: string): Promise<{ status: number; body: Health }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Health };
}

describe('/healthz against the real daemon', () => {
  it('answers 503 naming reconciliation while the start-up pass keeps failing past the grace period, though the venue is ready', async () => {
    const sim = await startDeribitSim({ host: '127.0.0.1', port: 0 });
    sims.push(sim);
    // every positions read fails: the venue connects and logs in, but reconciliation cannot complete
    sim.faults.rateLimitNext(1_000_000, { method: 'private/get_positions', error: { code: 11050, message: 'bad_request' } });
    const { dir, configDir } = scratchDir(
      testConfig({
        health: { host: '127.0.0.1', port: 0, startupGraceMs: 1_000, maxReconcileFailureMs: 1_000 },
        venues: {
          deribit: {
            enabled: true,
            environment: 'testnet',
            restUrl: sim.restUrl,
            wsUrl: sim.wsUrl,
            requestTimeoutMs: 1_000,
            reconnectInitialDelayMs: 50,
            reconnectMaxDelayMs: 200,
          },
        },
      }),
    );
    const p = startProcess([DAEMON_ENTRY, '--config-dir', configDir], {
      cwd: dir,
      env: { DERIBIT_CLIENT_ID: sim.credentials.clientId, DERIBIT_CLIENT_SECRET: sim.credentials.clientSecret },
    });
    running.push(p);
    const url = String((await p.waitForLine((l) => l.msg === 'health endpoint listening')).url);

    const overdue = await waitFor(
      async () => {
        const h = await healthz(url);
        const venue = h.body.components.find((c) => c.name === 'venue:deribit');
        const rec = h.body.components.find((c) => c.name === 'reconciliation');
        return venue?.ok && rec?.detail.state === 'startup overdue' ? h : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, message: 'venue ready and the start-up pass overdue' },
    );
    expect(overdue.status).toBe(503);
    expect(overdue.body.ok).toBe(false);
    expect(overdue.body.failing).toEqual(['reconciliation']);
    const rec = overdue.body.components.find((c) => c.name === 'reconciliation');
    expect(rec?.ok).toBe(false);
    expect(rec?.detail.startupDone).toBe(false);
    expect(Number(rec?.detail.consecutiveFailures)).toBeGreaterThan(0);
    expect(String(rec?.detail.reason)).toMatch(/start-up reconciliation has not succeeded within health\.startupGraceMs \(1000 ms\)/);
    expect(overdue.body.components.find((c) => c.name === 'trading')?.detail.entriesOpen).toBe(false);

    // HEAD answers the same status without a body
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(503);
    expect(await head.text()).toBe('');

    // the venue answers again: the start-up pass succeeds and /healthz turns 200
    sim.faults.reset();
    const healthy = await waitFor(
      async () => {
        const h = await healthz(url);
        return h.status === 200 ? h : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, message: '/healthz 200 after the fault clears' },
    );
    expect(healthy.body.failing).toEqual([]);
    expect(healthy.body.components.find((c) => c.name === 'reconciliation')?.detail).toMatchObject({
      state: 'ok',
      startupDone: true,
      consecutiveFailures: 0,
    });
    p.child.kill('SIGTERM');
    expect(await withDeadline(p.exited, 5_000, 'exit after SIGTERM')).toBe(0);
  });

  it('an enabled OKX in sim mode runs on its simulator next to Deribit, and /healthz is 200 with both venues ready', async () => {
    const { dir, configDir } = scratchDir(
      testConfig({ venues: { deribit: { enabled: true, environment: 'sim' }, okx: { enabled: true, environment: 'sim' } } }),
    );
    const p = startProcess([DAEMON_ENTRY, '--config-dir', configDir], { cwd: dir });
    running.push(p);
    const url = String((await p.waitForLine((l) => l.msg === 'health endpoint listening')).url);
    const healthy = await waitFor(
      async () => {
        const h = await healthz(url);
        return h.status === 200 ? h : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, message: '/healthz 200 with deribit and okx on their simulators' },
    );
    const names = healthy.body.components.filter((c) => c.ok).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['venue:deribit', 'venue:okx']));
  });
});

describe('/healthz with Bybit', () => {
  it('is 200 with Bybit ready next to Deribit, 503 naming venue:bybit while Bybit is unreachable, 200 again once it is back', async () => {
    // Bybit on a simulator of the test's own (its testnet section pointed at it), Deribit simulated in-process.
    const first = await startBybitSim({ host: '127.0.0.1', port: 0 });
    sims.push(first);
    const { apiKey, apiSecret } = first.credentials;
    const { dir, configDir } = scratchDir(
      testConfig({
        health: { host: '127.0.0.1', port: 0, startupGraceMs: 20_000 },
        venues: {
          deribit: { enabled: true, environment: 'sim' },
          bybit: {
            enabled: true,
            environment: 'testnet',
            restUrl: first.restUrl,
            wsPublicLinearUrl: first.wsPublicLinearUrl,
            wsPublicInverseUrl: first.wsPublicInverseUrl,
            wsPrivateUrl: first.wsPrivateUrl,
            wsTradeUrl: first.wsTradeUrl,
            requestTimeoutMs: 1_000,
            loginTimeoutMs: 1_000,
            reconnectInitialDelayMs: 50,
            reconnectMaxDelayMs: 200,
          },
        },
      }),
    );
    const p = startProcess([DAEMON_ENTRY, '--config-dir', configDir], {
      cwd: dir,
      env: { BYBIT_API_KEY: apiKey, BYBIT_API_SECRET: apiSecret },
    });
    running.push(p);
    const url = String((await p.waitForLine((l) => l.msg === 'health endpoint listening')).url);
    const healthy = await waitFor(
      async () => {
        const h = await healthz(url);
        return h.status === 200 ? h : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100, message: '/healthz 200 with deribit and bybit' },
    );
    expect(healthy.body.components.filter((c) => c.name.startsWith('venue:')).map((c) => [c.name, c.ok])).toEqual([
      ['venue:deribit', true],
      ['venue:bybit', true],
    ]);

    // Bybit goes away (every socket and the REST host): the daemon cannot protect positions there.
    await first.close();
    const down = await waitFor(
      async () => {
        const h = await healthz(url);
        return h.status === 503 ? h : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, message: '/healthz 503 while bybit is unreachable' },
    );
    expect(down.body.failing).toContain('venue:bybit');
    expect(down.body.failing).not.toContain('venue:deribit');
    expect(down.body.components.find((c) => c.name === 'venue:bybit')?.ok).toBe(false);

    // Back on the same address with the same key: the adapter reconnects, authenticates, resyncs; 200 again.
    const again = await startBybitSim({ host: '127.0.0.1', port: first.port, credentials: { apiKey, apiSecret } });
    sims.push(again);
    await waitFor(async () => (await healthz(url)).status === 200, {
      timeoutMs: 15_000,
      intervalMs: 100,
      message: '/healthz 200 with bybit back',
    });
    p.child.kill('SIGTERM');
    expect(await withDeadline(p.exited, 8_000, 'exit after SIGTERM')).toBe(0);
  });
});

describe('HealthServer methods', () => {
  it('HEAD /healthz answers the status without a body; other methods get 405', async () => {
    let up = false;
    const server = new HealthServer({
      host: '127.0.0.1',
      port: 0,
      maxEventLoopLagMs: 2000,
      logger: pino({ level: 'silent' }),
      probes: () => [{ name: 'venue:deribit', ok: up, detail: {} }],
    });
    const { port } = await server.start();
    const url = `http://127.0.0.1:${port}/healthz`;
    try {
      const down = await fetch(url, { method: 'HEAD' });
      expect(down.status).toBe(503);
      expect(await down.text()).toBe('');
      up = true;
      expect((await fetch(url, { method: 'HEAD' })).status).toBe(200);
      const body = (await (await fetch(url)).json()) as { failing: string[] };
      expect(body.failing).toEqual([]);
      const post = await fetch(url, { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
    } finally {
      await server.stop();
    }
  });
});

describe('reconciliation probe', () => {
  const limits = {
    nowMs: 1_000_000,
    startedAtMs: 1_000_000 - 5_000,
    startupGraceMs: 60_000,
    maxReconcileFailureMs: 120_000,
    reconcileIntervalMs: 30_000,
  };
  const base = { startupDone: false, consecutiveFailures: 0, lastErrors: [] as string[] };

  it('is ok while the start-up pass is within its grace period, not after', () => {
    expect(reconciliationProbe({ ...base, consecutiveFailures: 4 }, limits)).toMatchObject({ ok: true, detail: { state: 'starting' } });
    const late = reconciliationProbe(
      { ...base, consecutiveFailures: 89, failingSinceMs: 0, lastErrors: ['deribit: boom'] },
      { ...limits, startedAtMs: 0 },
    );
    expect(late.ok).toBe(false);
    expect(late.detail).toMatchObject({ state: 'startup overdue', consecutiveFailures: 89 });
    expect(String(late.detail.reason)).toMatch(/89 failed attempts, entries are blocked; last error: deribit: boom/);
  });

  it('after start-up: ok while failures are shorter than maxReconcileFailureMs, 503 once longer', () => {
    const done = { ...base, startupDone: true, startupDoneAtMs: 0, lastSuccessAtMs: limits.nowMs - 140_000 };
    expect(reconciliationProbe({ ...done, lastSuccessAtMs: limits.nowMs }, limits)).toMatchObject({ ok: true, detail: { state: 'ok' } });
    const brief = reconciliationProbe({ ...done, consecutiveFailures: 2, failingSinceMs: limits.nowMs - 60_000 }, limits);
    expect(brief).toMatchObject({ ok: true, detail: { state: 'retrying', failingForMs: 60_000 } });
    const long = reconciliationProbe({ ...done, consecutiveFailures: 5, failingSinceMs: limits.nowMs - 121_000 }, limits);
    expect(long).toMatchObject({ ok: false, detail: { state: 'failing', failingForMs: 121_000 } });
    expect(String(long.detail.reason)).toMatch(/failed for 121000 ms \(5 passes in a row\), more than health\.maxReconcileFailureMs/);
  });

  it('after start-up: 503 when no pass has succeeded for longer than the limit plus one interval, even with no failure recorded (a stuck pass)', () => {
    const done = { ...base, startupDone: true, startupDoneAtMs: 0 };
    expect(reconciliationProbe({ ...done, lastSuccessAtMs: limits.nowMs - 150_000 }, limits)).toMatchObject({
      ok: true,
      detail: { state: 'ok' },
    });
    const stuck = reconciliationProbe({ ...done, lastSuccessAtMs: limits.nowMs - 150_001 }, limits);
    expect(stuck).toMatchObject({ ok: false, detail: { state: 'stale' } });
    expect(String(stuck.detail.reason)).toMatch(/no reconciliation pass has succeeded for 150001 ms.*a pass may be stuck/);
  });
});

describe('PositionMonitor.reconciliationStatus (read by /healthz)', () => {
  it('records the start-up pass, each failed pass in a row with its error, and the next success', async () => {
    const venue = new MemoryVenue({ id: 'memory' });
    const services = await startServices(venue, { startMonitor: false });
    try {
      expect(services.monitor.reconciliationStatus()).toMatchObject({ startupDone: false, consecutiveFailures: 0, lastErrors: [] });
      // not connected yet: start-up attempts fail until the venue is ready
      const startup = services.monitor.start();
      await waitFor(() => services.monitor.reconciliationStatus().consecutiveFailures >= 2, { message: 'failed start-up attempts' });
      const waiting = services.monitor.reconciliationStatus();
      expect(waiting.startupDone).toBe(false);
      expect(waiting.failingSinceMs).toBeTypeOf('number');
      expect(waiting.lastErrors).toEqual(['memory: memory is idle']);
      await venue.connect();
      await startup;
      const done = services.monitor.reconciliationStatus();
      expect(done).toMatchObject({ startupDone: true, consecutiveFailures: 0, lastErrors: [] });
      expect(done.failingSinceMs).toBeUndefined();
      expect(done.lastSuccessAtMs).toBeTypeOf('number');

      // a periodic pass that fails counts, keeps the start of the run, and a success clears it
      const spy = vi.spyOn(venue, 'positions').mockRejectedValue(new Error('positions unavailable'));
      await services.monitor.runPass('periodic');
      const first = services.monitor.reconciliationStatus();
      await services.monitor.runPass('periodic');
      const second = services.monitor.reconciliationStatus();
      expect(second.consecutiveFailures).toBe(2);
      expect(second.failingSinceMs).toBe(first.failingSinceMs);
      expect(second.lastErrors).toEqual(['memory: positions unavailable']);
      expect(second.lastSuccessAtMs).toBe(done.lastSuccessAtMs);
      spy.mockRestore();
      await services.monitor.runPass('periodic');
      expect(services.monitor.reconciliationStatus()).toMatchObject({ startupDone: true, consecutiveFailures: 0, lastErrors: [] });
    } finally {
      await services.stop();
    }
  });
});
