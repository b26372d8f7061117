/** Shared helpers of the Deribit simulator tests: shape comparison against fixtures, logged-in clients. */
import { type DeribitSim, type DeribitSimOptions, startDeribitSim } from '../../src/sim/deribit/index.js';
import { RpcWsClient } from '../support/rpc-ws-client.js';

/** Fields of old docs examples that current payloads no longer carry. */
export const DEPRECATED_FIELDS = new Set(['max_show', 'is_rebalance', 'estimated_liquidation_ratio', 'estimated_liquidation_ratio_map']);

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Lists where `actual` lacks a field of `expected` or has it with another JSON type. Objects are
 * compared key by key, arrays by their first elements; `null` in the fixture accepts any type.
 */
export function shapeDiff(expected: unknown, actual: unknown, path = '$', ignore: ReadonlySet<string> = DEPRECATED_FIELDS): string[] {
  const ek = kind(expected);
  const ak = kind(actual);
  if (ek === 'null') return [];
  if (ek !== ak) return [`${path}: expected ${ek}, got ${ak}`];
  if (ek === 'array') {
    const e = (expected as unknown[])[0];
    const a = (actual as unknown[])[0];
    return e === undefined || a === undefined ? [] : shapeDiff(e, a, `${path}[0]`, ignore);
  }
  if (ek !== 'object') return [];
  const out: string[] = [];
  const a = actual as Record<string, unknown>;
  for (const [key, value] of Object.entries(expected as Record<string, unknown>)) {
    if (ignore.has(key)) continue;
    if (!(key in a)) out.push(`${path}.${key}: missing`);
    else out.push(...shapeDiff(value, a[key], `${path}.${key}`, ignore));
  }
  return out;
}

/** Test defaults: prices frozen (tests move them), fast heartbeats, no rate limits unless asked. */
export function startTestSim(options: DeribitSimOptions = {}): Promise<DeribitSim> {
  return startDeribitSim({ priceStepMs: 0, rateLimits: false, ...options });
}

/** A WS client logged in with client_credentials. */
export async function loggedInClient(sim: DeribitSim): Promise<RpcWsClient> {
  const client = await RpcWsClient.connect(sim.wsUrl);
  await client.result('public/auth', {
    grant_type: 'client_credentials',
    client_id: sim.credentials.clientId,
    client_secret: sim.credentials.clientSecret,
  });
  return client;
}
