/**
 * The standalone simulator: parses `--venues deribit[,okx][,bybit] [--port N] [--seed N] [--price-step-ms N]
 * [--me-tier 1-4] [--no-rate-limit-disconnect]`, starts the venues on
 * 127.0.0.1, prints one JSON line of endpoints and credentials per venue, and stops on SIGINT/SIGTERM.
 */
import { type BybitSim, startBybitSim } from './bybit/index.js';
import { type DeribitSim, startDeribitSim } from './deribit/index.js';
import { type OkxSim, startOkxSim } from './okx/index.js';

export interface SimCliArgs {
  venues: string[];
  /** First venue's port (0 = any free port); later venues take the following ports. */
  port: number;
  seed: number | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** Random-walk step period (0 freezes prices); undefined = the simulator's default (100 ms). */
  priceStepMs: number | undefined;
  /** Matching-engine rate-limit tier; undefined = the default (4). */
  meTier: 1 | 2 | 3 | 4 | undefined;
  /** False keeps the connection open after a 10028 reply. */
  rateLimitDisconnect: boolean;
}

export interface DeribitEndpoint {
  venue: string;
  rest: string;
  ws: string;
  clientId: string;
  clientSecret: string;
}

/** OKX: REST base (append /api/v5/...), the three WS URLs, and the demo key it accepts (`x-simulated-trading: 1` when `demo`). */
export interface OkxEndpoint {
  venue: 'okx';
  rest: string;
  wsPublic: string;
  wsPrivate: string;
  wsBusiness: string;
  apiKey: string;
  secretKey: string;
  passphrase: string;
  demo: boolean;
}

/** Bybit: REST base (append /v5/...), the four WS URLs, and the key and secret it accepts. */
export interface BybitEndpoint {
  venue: 'bybit';
  rest: string;
  wsPublicLinear: string;
  wsPublicInverse: string;
  wsPrivate: string;
  wsTrade: string;
  apiKey: string;
  apiSecret: string;
}

export type VenueEndpoint = DeribitEndpoint | OkxEndpoint | BybitEndpoint;

export const BUILT_VENUES = ['deribit', 'okx', 'bybit'] as const;
/** Venues named in the design whose simulator is not built yet (none left). */
const PLANNED_VENUES: readonly string[] = [];

export class CliError extends Error {}

const USAGE =
  'usage: sim --venues deribit[,okx][,bybit] [--port N] [--seed N] [--client-id ID] [--client-secret SECRET] [--price-step-ms N] [--me-tier 1|2|3|4] [--no-rate-limit-disconnect]';

function intArg(flag: string, value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value))
    throw new CliError(`${flag} needs a non-negative integer, got ${JSON.stringify(value)}\n${USAGE}`);
  return Number(value);
}

/** Parses the command line; throws CliError with a message fit for stderr. */
export function parseSimArgs(argv: readonly string[]): SimCliArgs {
  const args: SimCliArgs = {
    venues: [],
    port: 0,
    seed: undefined,
    clientId: undefined,
    clientSecret: undefined,
    priceStepMs: undefined,
    meTier: undefined,
    rateLimitDisconnect: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case '--venues':
        if (value === undefined) throw new CliError(`--venues needs a list\n${USAGE}`);
        args.venues.push(
          ...value
            .split(',')
            .map((v) => v.trim().toLowerCase())
            .filter((v) => v !== ''),
        );
        i++;
        break;
      case '--port':
        args.port = intArg(flag, value);
        if (args.port > 65535) throw new CliError(`--port must be at most 65535\n${USAGE}`);
        i++;
        break;
      case '--seed':
        args.seed = intArg(flag, value);
        i++;
        break;
      case '--client-id':
        args.clientId = value;
        i++;
        break;
      case '--client-secret':
        args.clientSecret = value;
        i++;
        break;
      case '--price-step-ms':
        args.priceStepMs = intArg(flag, value);
        i++;
        break;
      case '--me-tier': {
        const tier = intArg(flag, value);
        if (tier !== 1 && tier !== 2 && tier !== 3 && tier !== 4) throw new CliError(`--me-tier must be 1, 2, 3 or 4\n${USAGE}`);
        args.meTier = tier;
        i++;
        break;
      }
      case '--no-rate-limit-disconnect':
        args.rateLimitDisconnect = false;
        break;
      default:
        throw new CliError(`unknown argument ${JSON.stringify(flag)}\n${USAGE}`);
    }
  }
  if (args.venues.length === 0) throw new CliError(`no venue given\n${USAGE}`);
  for (const v of args.venues) {
    if (PLANNED_VENUES.includes(v)) throw new CliError(`venue "${v}" is not simulated yet; available: ${BUILT_VENUES.join(', ')}`);
    if (!(BUILT_VENUES as readonly string[]).includes(v)) throw new CliError(`unknown venue "${v}"; available: ${BUILT_VENUES.join(', ')}`);
  }
  return args;
}

export interface RunningSims {
  endpoints: VenueEndpoint[];
  close(): Promise<void>;
}

/** Starts every requested venue; on failure stops the ones already started. */
export async function startSims(args: SimCliArgs): Promise<RunningSims> {
  const started: (DeribitSim | OkxSim | BybitSim)[] = [];
  const endpoints: VenueEndpoint[] = [];
  try {
    for (const [i, venue] of args.venues.entries()) {
      const port = args.port === 0 ? 0 : args.port + i;
      if (venue === 'deribit') {
        const sim = await startDeribitSim({
          port,
          ...(args.seed !== undefined ? { seed: args.seed } : {}),
          ...(args.priceStepMs !== undefined ? { priceStepMs: args.priceStepMs } : {}),
          ...(args.meTier !== undefined ? { rateLimits: { matchingEngineTier: args.meTier } } : {}),
          rateLimitDisconnect: args.rateLimitDisconnect,
          credentials: {
            ...(args.clientId !== undefined ? { clientId: args.clientId } : {}),
            ...(args.clientSecret !== undefined ? { clientSecret: args.clientSecret } : {}),
          },
        });
        started.push(sim);
        endpoints.push({
          venue,
          rest: sim.restUrl,
          ws: sim.wsUrl,
          clientId: sim.credentials.clientId,
          clientSecret: sim.credentials.clientSecret,
        });
      } else if (venue === 'okx') {
        const sim = await startOkxSim({
          port,
          ...(args.seed !== undefined ? { seed: args.seed } : {}),
          ...(args.priceStepMs !== undefined ? { priceStepMs: args.priceStepMs } : {}),
        });
        started.push(sim);
        const { apiKey, secretKey, passphrase } = sim.credentials;
        endpoints.push({
          venue,
          rest: sim.restUrl,
          wsPublic: sim.wsPublicUrl,
          wsPrivate: sim.wsPrivateUrl,
          wsBusiness: sim.wsBusinessUrl,
          apiKey,
          secretKey,
          passphrase,
          demo: sim.demo,
        });
      } else if (venue === 'bybit') {
        const sim = await startBybitSim({
          port,
          ...(args.seed !== undefined ? { seed: args.seed } : {}),
          ...(args.priceStepMs !== undefined ? { priceStepMs: args.priceStepMs } : {}),
        });
        started.push(sim);
        endpoints.push({
          venue,
          rest: sim.restUrl,
          wsPublicLinear: sim.wsPublicLinearUrl,
          wsPublicInverse: sim.wsPublicInverseUrl,
          wsPrivate: sim.wsPrivateUrl,
          wsTrade: sim.wsTradeUrl,
          apiKey: sim.credentials.apiKey,
          apiSecret: sim.credentials.apiSecret,
        });
      }
    }
  } catch (e) {
    await Promise.all(started.map((s) => s.close()));
    throw e;
  }
  return { endpoints, close: async () => void (await Promise.all(started.map((s) => s.close()))) };
}

export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Registers the stop handler for SIGINT/SIGTERM. */
  onStopSignal(handler: () => void): void;
}

/** Runs the simulator until a stop signal; resolves with the process exit code (2 on bad arguments). */
export async function runSimCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: SimCliArgs;
  try {
    args = parseSimArgs(argv);
  } catch (e) {
    io.stderr(e instanceof Error ? e.message : String(e));
    return 2;
  }
  // Listen for the stop signal before starting, so a signal during start-up also ends cleanly.
  const stopped = new Promise<void>((resolve) => io.onStopSignal(resolve));
  let sims: RunningSims;
  try {
    sims = await startSims(args);
  } catch (e) {
    io.stderr(`could not start the simulator: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  for (const ep of sims.endpoints) io.stdout(JSON.stringify(ep));
  await stopped;
  await sims.close();
  return 0;
}
