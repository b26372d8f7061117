/** Command line of the chaos run: `--seed N --trades M --restarts R [--venues deribit,okx,bybit] [--minutes X]`. */

export const CHAOS_VENUES = ['deribit', 'okx', 'bybit'] as const;
export type ChaosVenue = (typeof CHAOS_VENUES)[number];

export interface ChaosArgs {
  readonly seed: number;
  /** Entry signals to fire through the webhook (answered 202). */
  readonly trades: number;
  /** SIGKILLs of the daemon, each followed by a restart. */
  readonly restarts: number;
  readonly venues: readonly ChaosVenue[];
  /** Length of the firing phase; the settle phase and the final checks come after it. */
  readonly minutes: number;
  /** Keep the scratch directory (config, store, logs) after a passing run. */
  readonly keep: boolean;
}

export const CHAOS_USAGE = `usage: npm run chaos -- --seed N --trades M --restarts R [--venues deribit,okx,bybit] [--minutes X] [--keep]
  --seed N       seeds every random decision (faults, timings, signals, prices); default 1
  --trades M     entry signals fired through the webhook; default 60
  --restarts R   SIGKILLs of the daemon at random points, each followed by a restart; default 3
  --venues LIST  comma-separated venues whose simulator the daemon trades (deribit, okx, bybit); default deribit
  --minutes X    length of the firing phase (default: about 2.5 s per trade, at least 15 s per restart)
  --keep         keep the scratch directory (config, store, logs) even when the run passes
The last line of stdout is one JSON summary; the exit code is 1 when a bound is broken.`;

function intOf(name: string, text: string | undefined, min: number): number | string {
  if (text === undefined || !/^\d+$/.test(text)) return `${name} needs a whole number, got ${JSON.stringify(text ?? '')}`;
  const n = Number(text);
  if (n < min) return `${name} must be at least ${min}, got ${n}`;
  return n;
}

/** Parses the arguments; an `error` string names the bad one. */
export function parseChaosArgs(argv: readonly string[]): ChaosArgs | { error: string } | { help: true } {
  let seed = 1;
  let trades = 60;
  let restarts = 3;
  let venues: ChaosVenue[] = ['deribit'];
  let minutes: number | undefined;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] ?? '';
    const eq = raw.indexOf('=');
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const takeValue = (): string | undefined => (eq > 0 ? raw.slice(eq + 1) : argv[++i]);
    switch (flag) {
      case '--help':
      case '-h':
        return { help: true };
      case '--keep':
        keep = true;
        break;
      case '--seed': {
        const v = intOf('--seed', takeValue(), 0);
        if (typeof v === 'string') return { error: v };
        seed = v;
        break;
      }
      case '--trades': {
        const v = intOf('--trades', takeValue(), 1);
        if (typeof v === 'string') return { error: v };
        trades = v;
        break;
      }
      case '--restarts': {
        const v = intOf('--restarts', takeValue(), 0);
        if (typeof v === 'string') return { error: v };
        restarts = v;
        break;
      }
      case '--minutes': {
        const text = takeValue();
        const v = Number(text);
        if (text === undefined || !Number.isFinite(v) || v <= 0)
          return { error: `--minutes needs a positive number, got ${JSON.stringify(text ?? '')}` };
        minutes = v;
        break;
      }
      case '--venues': {
        const list = (takeValue() ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const unknown = list.filter((v) => !(CHAOS_VENUES as readonly string[]).includes(v));
        if (list.length === 0 || unknown.length > 0) {
          return {
            error: `--venues: ${unknown.length > 0 ? `no standalone simulator for ${unknown.join(', ')}` : 'empty list'}; available: ${CHAOS_VENUES.join(', ')}`,
          };
        }
        venues = [...new Set(list)] as ChaosVenue[];
        break;
      }
      default:
        return { error: `unknown argument ${JSON.stringify(raw)}` };
    }
  }
  const defaultMinutes = Math.max(trades * 2.5, restarts * 15, 30) / 60;
  return { seed, trades, restarts, venues, minutes: minutes ?? defaultMinutes, keep };
}
