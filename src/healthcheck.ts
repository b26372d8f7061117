/**
 * Container HEALTHCHECK: GET /healthz on the configured port; exit 0 on 200, 1 otherwise.
 * Reads the same config as the daemon so the port is written in one place.
 */
import { loadConfig } from './config/load.js';

async function check(): Promise<number> {
  let host = '127.0.0.1';
  let port = 8080;
  try {
    const { config } = loadConfig();
    host = config.health.host === '0.0.0.0' ? '127.0.0.1' : config.health.host;
    port = config.health.port;
  } catch {
    // fall back to the defaults; the daemon itself reports the config problem
  }
  try {
    const res = await fetch(`http://${host}:${port}/healthz`, { signal: AbortSignal.timeout(4000) });
    const body = await res.text();
    if (res.status !== 200) process.stdout.write(`unhealthy (${res.status}): ${body}\n`);
    return res.status === 200 ? 0 : 1;
  } catch (err) {
    process.stdout.write(`unhealthy: ${(err as Error).message}\n`);
    return 1;
  }
}

process.exit(await check());
