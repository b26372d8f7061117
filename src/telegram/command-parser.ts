/** Pure parsing of operator commands sent to the bot. */
import { Decimal } from '../domain/decimal.js';

export type PnlPeriod = 'day' | 'week' | 'month';

export type Command =
  | { readonly name: 'status' }
  | { readonly name: 'positions' }
  | { readonly name: 'orders' }
  | { readonly name: 'balance' }
  | { readonly name: 'pnl'; readonly period: PnlPeriod }
  | { readonly name: 'trades'; readonly count: number }
  | { readonly name: 'pause' }
  | { readonly name: 'resume' }
  | { readonly name: 'kill'; readonly now: boolean }
  | { readonly name: 'close'; readonly tradeId: string }
  | {
      readonly name: 'open';
      readonly venue: string;
      readonly symbol: string;
      readonly side: 'buy' | 'sell';
      readonly size: string;
      readonly stopLoss: string;
      readonly takeProfit?: string;
      readonly limit?: string;
    }
  | { readonly name: 'help' };

export type ParseResult =
  | { readonly ok: true; readonly command: Command }
  /** A command we could not understand: `error` says what is wrong, `usage` how to write it. */
  | { readonly ok: false; readonly error: string; readonly usage?: string };

/** The menu registered with setMyCommands (and the /help text). */
export const COMMAND_MENU: readonly { readonly command: string; readonly description: string; readonly usage: string }[] = [
  { command: 'status', description: 'Venues, open trades, kill switch, uptime', usage: '/status' },
  { command: 'positions', description: 'Open positions per venue', usage: '/positions' },
  { command: 'orders', description: 'Open orders per venue', usage: '/orders' },
  { command: 'balance', description: 'Balances per venue', usage: '/balance' },
  { command: 'pnl', description: 'Realized P&L: day, week or month', usage: '/pnl [day|week|month]' },
  { command: 'trades', description: 'Last closed trades with P&L', usage: '/trades [n]' },
  { command: 'pause', description: 'Block new entries (positions keep stops)', usage: '/pause' },
  { command: 'resume', description: 'Allow entries again (kill switch off)', usage: '/resume' },
  { command: 'kill', description: 'Kill switch: flatten everything (asks to confirm)', usage: '/kill [now]' },
  { command: 'close', description: 'Close one trade (asks to confirm)', usage: '/close <tradeId>' },
  {
    command: 'open',
    description: 'Open a protected trade',
    usage: '/open <venue> <symbol> <buy|sell> <size> sl=<price> [tp=<price>] [limit=<price>]',
  },
  { command: 'help', description: 'What the bot understands', usage: '/help' },
];

function usageOf(name: string): string {
  return COMMAND_MENU.find((c) => c.command === name)?.usage ?? '/help';
}

function positiveDecimal(text: string): boolean {
  const d = Decimal.tryFrom(text);
  return d !== undefined && d.isPositive();
}

const MAX_TRADES = 50;

/**
 * Parses a message text. Returns undefined when the text is not a command at all (no leading
 * "/", or a command addressed to another bot: "/status@OtherBot").
 */
export function parseCommand(text: string, botUsername?: string): ParseResult | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('/')) return undefined;
  const [head = '', ...args] = trimmed.split(/\s+/);
  const [rawName = '', mention] = head.slice(1).split('@');
  if (mention !== undefined && botUsername !== undefined && mention.toLowerCase() !== botUsername.toLowerCase()) return undefined;
  const name = rawName.toLowerCase();
  const fail = (error: string): ParseResult => ({ ok: false, error, usage: usageOf(name) });
  const noArgs = (command: Command): ParseResult => (args.length === 0 ? { ok: true, command } : fail(`/${name} takes no arguments`));

  switch (name) {
    case 'status':
    case 'positions':
    case 'orders':
    case 'balance':
    case 'pause':
    case 'resume':
    case 'help':
    case 'start':
      return noArgs({ name: name === 'start' ? 'help' : name });
    case 'pnl': {
      if (args.length > 1) return fail('/pnl takes one period at most');
      const period = (args[0] ?? 'day').toLowerCase();
      if (period !== 'day' && period !== 'week' && period !== 'month') return fail(`unknown period "${period}"; use day, week or month`);
      return { ok: true, command: { name: 'pnl', period } };
    }
    case 'trades': {
      if (args.length > 1) return fail('/trades takes one number at most');
      if (args[0] === undefined) return { ok: true, command: { name: 'trades', count: 10 } };
      if (!/^\d+$/.test(args[0]) || Number(args[0]) < 1)
        return fail(`"${args[0]}" is not a count; give a whole number from 1 to ${MAX_TRADES}`);
      return { ok: true, command: { name: 'trades', count: Math.min(Number(args[0]), MAX_TRADES) } };
    }
    case 'kill': {
      if (args.length === 0) return { ok: true, command: { name: 'kill', now: false } };
      if (args.length === 1 && args[0]!.toLowerCase() === 'now') return { ok: true, command: { name: 'kill', now: true } };
      return fail('/kill takes only "now" (to skip the confirm question)');
    }
    case 'close': {
      if (args.length !== 1) return fail('give the id of one trade (see /positions or /status)');
      return { ok: true, command: { name: 'close', tradeId: args[0]! } };
    }
    case 'open':
      return parseOpen(args, fail);
    default:
      return { ok: false, error: `unknown command /${name}`, usage: 'send /help for the list' };
  }
}

function parseOpen(args: readonly string[], fail: (error: string) => ParseResult): ParseResult {
  const positional: string[] = [];
  const named = new Map<string, string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq < 0) {
      positional.push(arg);
      continue;
    }
    const key = arg.slice(0, eq).toLowerCase();
    const value = arg.slice(eq + 1);
    if (key !== 'sl' && key !== 'tp' && key !== 'limit') return fail(`unknown option "${key}="; use sl=, tp= or limit=`);
    if (named.has(key)) return fail(`${key}= given twice`);
    if (!positiveDecimal(value)) return fail(`${key}= must be a positive price, got "${value}"`);
    named.set(key, value);
  }
  if (positional.length !== 4) return fail(`expected venue, symbol, side and size, got ${positional.length} value(s)`);
  const [venue, symbol, sideText, size] = positional as [string, string, string, string];
  const side = sideText.toLowerCase();
  if (side !== 'buy' && side !== 'sell') return fail(`side must be buy or sell, got "${sideText}"`);
  if (!positiveDecimal(size)) return fail(`size must be a positive number, got "${size}"`);
  const stopLoss = named.get('sl');
  if (stopLoss === undefined) return fail('every trade needs a stop: add sl=<price>');
  return {
    ok: true,
    command: {
      name: 'open',
      venue,
      symbol,
      side,
      size,
      stopLoss,
      ...(named.has('tp') ? { takeProfit: named.get('tp')! } : {}),
      ...(named.has('limit') ? { limit: named.get('limit')! } : {}),
    },
  };
}
