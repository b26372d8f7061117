/**
 * OKX WS channels the simulator serves and which URL each belongs to (okx.md §1, §5): parses a
 * subscribe arg, refuses the wrong URL (`64001` moved to /business, `64002` not on /business,
 * `60008` not on this endpoint), unknown channels or instruments (`60018`), and login-less private
 * subscriptions (`60011`).
 */
import { wsErrors } from './errors.js';
import type { JsonObject } from './wire.js';

export type WsKind = 'public' | 'private' | 'business';

export type ChannelName = 'tickers' | 'mark-price' | 'orders' | 'positions' | 'balance_and_position' | 'orders-algo';

interface ChannelDef {
  readonly kind: WsKind;
  /** Arg fields besides `channel`, and whether each is required. */
  readonly instId: 'required' | 'optional' | 'none';
  readonly instType: 'required' | 'none';
  /** Counted for `channel-conn-count` (okx.md §3). */
  readonly connCounted: boolean;
}

export const CHANNELS: Readonly<Record<ChannelName, ChannelDef>> = {
  tickers: { kind: 'public', instId: 'required', instType: 'none', connCounted: false },
  'mark-price': { kind: 'public', instId: 'required', instType: 'none', connCounted: false },
  orders: { kind: 'private', instId: 'optional', instType: 'required', connCounted: true },
  positions: { kind: 'private', instId: 'optional', instType: 'required', connCounted: true },
  balance_and_position: { kind: 'private', instId: 'none', instType: 'none', connCounted: true },
  'orders-algo': { kind: 'business', instId: 'optional', instType: 'required', connCounted: false },
};

/** Channels that live on /business in OKX (served or not): subscribing elsewhere gives 64001. */
const BUSINESS_ONLY =
  /^(orders-algo|algo-advance|candle.*|mark-price-candle.*|index-candle.*|grid-.*|algo-recurring-buy|sprd-.*|economic-calendar|deposit-info|withdrawal-info)$/;
/** Private channels OKX has on /private (served or not). */
const PRIVATE_CHANNELS = /^(orders|positions|balance_and_position|account|fills|liquidation-warning|account-greeks)$/;
/** Public channels on /public (served or not). */
const PUBLIC_CHANNELS =
  /^(tickers|mark-price|books.*|bbo-tbt|trades|trades-all|funding-rate|instruments|open-interest|price-limit|index-tickers|opt-summary|estimated-price|liquidation-orders|status)$/;

const INST_TYPES = ['SPOT', 'MARGIN', 'SWAP', 'FUTURES', 'OPTION', 'EVENTS', 'ANY'];

export interface Subscription {
  readonly channel: ChannelName;
  readonly instType: string | undefined;
  readonly instFamily: string | undefined;
  readonly instId: string | undefined;
  /** The arg as the client sent it (echoed in acks). */
  readonly arg: JsonObject;
  /** Identity within a connection. */
  readonly key: string;
}

export type ParsedArg =
  { readonly ok: true; readonly sub: Subscription } | { readonly ok: false; readonly code: string; readonly msg: string };

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function describe(arg: Record<string, unknown>): string {
  return Object.entries(arg)
    .map(([k, v]) => (k === 'channel' ? String(v) : `${k}:${String(v)}`))
    .join(',');
}

/** Validates one subscribe/unsubscribe arg against the connection's URL and login state. */
export function parseArg(raw: unknown, kind: WsKind, loggedIn: boolean, instrumentExists: (name: string) => boolean): ParsedArg {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, ...wsErrors.badArgs(JSON.stringify(raw)) };
  const arg = raw as Record<string, unknown>;
  const channel = str(arg.channel);
  if (channel === undefined) return { ok: false, ...wsErrors.badArgs(JSON.stringify(arg)) };
  if (arg.uly !== undefined)
    return {
      ok: false,
      code: '64000',
      msg: 'Subscription parameter uly is unavailable anymore, please replace uly with instFamily. More details can refer to: https://www.okx.com/help-center/changes-to-v5-api-websocket-subscription-parameter-and-url.',
    };
  if (BUSINESS_ONLY.test(channel) && kind !== 'business') return { ok: false, ...wsErrors.movedToBusiness(channel) };
  if (kind === 'business' && (PRIVATE_CHANNELS.test(channel) || PUBLIC_CHANNELS.test(channel)))
    return { ok: false, ...wsErrors.notOnBusiness(channel) };
  if (kind === 'public' && PRIVATE_CHANNELS.test(channel)) return { ok: false, ...wsErrors.wrongEndpoint(channel) };
  if (kind === 'private' && PUBLIC_CHANNELS.test(channel)) return { ok: false, ...wsErrors.wrongEndpoint(channel) };
  const def = (CHANNELS as Record<string, ChannelDef | undefined>)[channel];
  if (def === undefined) return { ok: false, ...wsErrors.unknownChannel(describe(arg)) };
  if (def.kind !== 'public' && !loggedIn) return { ok: false, ...wsErrors.pleaseLogIn() };
  const instId = str(arg.instId);
  const instType = str(arg.instType);
  const instFamily = str(arg.instFamily);
  if (def.instId === 'required' && instId === undefined) return { ok: false, ...wsErrors.badArgs(`instId can not be empty`) };
  if (instId !== undefined && def.instId !== 'none' && !instrumentExists(instId))
    return { ok: false, ...wsErrors.unknownChannel(describe(arg)) };
  if (def.instType === 'required' && (instType === undefined || !INST_TYPES.includes(instType)))
    return { ok: false, ...wsErrors.badArgs(`instType:${String(arg.instType)}`) };
  const echo: JsonObject = {};
  for (const [k, v] of Object.entries(arg)) if (typeof v === 'string') echo[k] = v;
  const key = [channel, instType ?? '', instFamily ?? '', instId ?? ''].join('|');
  return { ok: true, sub: { channel: channel as ChannelName, instType, instFamily, instId, arg: echo, key } };
}

/** Whether a subscription's filters take an instrument of a given family (SWAP only here). */
export function matchesInstrument(sub: Subscription, instId: string): boolean {
  if (sub.instType !== undefined && sub.instType !== 'ANY' && sub.instType !== 'SWAP') return false;
  if (sub.instId !== undefined && sub.instId !== instId) return false;
  if (sub.instFamily !== undefined && !instId.startsWith(`${sub.instFamily}-`)) return false;
  return true;
}
