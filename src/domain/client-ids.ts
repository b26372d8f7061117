/**
 * Trade ids and client order ids. A client id is derived from the trade id and the leg, so a retry
 * after a timeout can ask the venue "does this order exist?" and never doubles an order.
 *
 * Format: `<prefix><tradeId><leg><seq>`, e.g. `vd1lq8z3k1m00a1b2c3S1`:
 * - prefix: 2-6 letters/digits (config `orders.clientIdPrefix`, default `vd1`)
 * - tradeId: 16 lowercase base-36 characters (9 of time, 7 random)
 * - leg: one upper-case letter: E entry, S stop-loss, T take-profit, C close
 * - seq: 1-4 decimal digits (a re-placed or resized stop gets the next number)
 * At most 6 + 16 + 1 + 4 = 27 characters of [A-Za-z0-9]: valid as an OKX clOrdId (1-32
 * alphanumerics), a Bybit orderLinkId (≤36, [A-Za-z0-9_-]) and a Deribit label (≤64).
 */
import { randomBytes } from 'node:crypto';

import type { LegKind } from './trade.js';

export const DEFAULT_CLIENT_ID_PREFIX = 'vd1';
export const TRADE_ID_LENGTH = 16;
export const MAX_CLIENT_ID_LENGTH = 32;
const MAX_SEQ = 9999;

const LEG_CODES: Readonly<Record<LegKind, string>> = { entry: 'E', stop_loss: 'S', take_profit: 'T', close: 'C' };
const CODE_LEGS: Readonly<Record<string, LegKind>> = { E: 'entry', S: 'stop_loss', T: 'take_profit', C: 'close' };

/** Returns a new 16-character trade id: base-36 time (ms) then 7 random base-36 characters. Sortable by creation time. */
export function newTradeId(nowMs: number, random: (bytes: number) => Uint8Array = randomBytes): string {
  const time = Math.max(0, Math.floor(nowMs)).toString(36).padStart(9, '0').slice(-9);
  let tail = '';
  for (const byte of random(7)) tail += (byte % 36).toString(36);
  return time + tail.padEnd(7, '0').slice(0, 7);
}

/** True when `tradeId` has the shape newTradeId produces. */
export function isTradeId(tradeId: string): boolean {
  return /^[a-z0-9]{16}$/.test(tradeId);
}

/** Returns the client id of leg `kind` number `seq` (from 1) of `tradeId`. Throws a RangeError on malformed input. */
export function clientIdFor(tradeId: string, kind: LegKind, seq = 1, prefix = DEFAULT_CLIENT_ID_PREFIX): string {
  if (!/^[A-Za-z][A-Za-z0-9]{1,5}$/.test(prefix))
    throw new RangeError(`client id prefix ${JSON.stringify(prefix)} must be 2-6 letters/digits`);
  if (!isTradeId(tradeId)) throw new RangeError(`trade id ${JSON.stringify(tradeId)} must be 16 lowercase letters/digits`);
  if (!Number.isInteger(seq) || seq < 1 || seq > MAX_SEQ) throw new RangeError(`leg sequence ${seq} must be an integer in 1..${MAX_SEQ}`);
  return `${prefix}${tradeId}${LEG_CODES[kind]}${seq}`;
}

/** The parts of one of our client ids. */
export interface ParsedClientId {
  readonly tradeId: string;
  readonly kind: LegKind;
  readonly seq: number;
}

/** Parses a client id made by clientIdFor with this prefix; undefined for anything else (an operator's order). */
export function parseClientId(clientId: string | undefined, prefix = DEFAULT_CLIENT_ID_PREFIX): ParsedClientId | undefined {
  if (clientId === undefined || !clientId.startsWith(prefix)) return undefined;
  const m = /^([a-z0-9]{16})([ESTC])(\d{1,4})$/.exec(clientId.slice(prefix.length));
  if (!m) return undefined;
  const kind = CODE_LEGS[m[2] ?? ''];
  const tradeId = m[1];
  if (kind === undefined || tradeId === undefined) return undefined;
  return { tradeId, kind, seq: Number(m[3]) };
}

/** True when the order was created by this daemon (its client id parses with our prefix). */
export function isOwnClientId(clientId: string | undefined, prefix = DEFAULT_CLIENT_ID_PREFIX): boolean {
  return parseClientId(clientId, prefix) !== undefined;
}
