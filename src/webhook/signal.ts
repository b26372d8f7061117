/**
 * Webhook signals, pure: the body's shape (JSON, or JSON sent as text/plain as TradingView does),
 * its field-level problems, the secret check in constant time, and the mapping to a TradeIntent.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import { z } from 'zod';

import { Decimal } from '../domain/decimal.js';
import type { TradeIntent } from '../orders/validation.js';

/** Largest body accepted (bytes); larger ones get 413 and are not read further. */
export const MAX_SIGNAL_BODY_BYTES = 64 * 1024;

/** A price or size: a JSON number or a decimal string (TradingView placeholders arrive as strings). */
const decimalField = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const text = typeof v === 'number' ? String(v) : v.trim();
  const d = Number.isFinite(Number(text)) ? Decimal.tryFrom(text) : undefined;
  if (d === undefined || !d.isPositive()) {
    ctx.addIssue({ code: 'custom', message: `expected a positive number, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return d;
});

const nonEmpty = z.string().trim().min(1, 'must not be empty');

export const signalSchema = z
  .object({
    /** The signal id: the idempotency key. */
    id: nonEmpty.max(128, 'at most 128 characters'),
    venue: nonEmpty,
    symbol: nonEmpty,
    side: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(['buy', 'sell'])),
    size: decimalField.optional(),
    notional: decimalField.optional(),
    type: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(['market', 'limit'])).default('market'),
    price: decimalField.optional(),
    stopLoss: decimalField,
    takeProfit: decimalField.optional(),
    /** The shared secret, when the sender cannot set a header (TradingView). */
    secret: z.string().optional(),
  })
  .superRefine((s, ctx) => {
    if ((s.size === undefined) === (s.notional === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['size'], message: 'give exactly one of size (venue units) or notional (quote currency)' });
    }
    if (s.type === 'limit' && s.price === undefined)
      ctx.addIssue({ code: 'custom', path: ['price'], message: 'a limit entry needs a price' });
    if (s.type === 'market' && s.price !== undefined)
      ctx.addIssue({ code: 'custom', path: ['price'], message: 'price is only for type "limit"; remove it or set type to "limit"' });
  });

export type Signal = z.infer<typeof signalSchema>;

export type ParsedSignal =
  | { readonly ok: true; readonly signal: Signal }
  /** `problems`: one line per field, `field: what is wrong`. `secret` is whatever secret the body carried, for the auth check. */
  | { readonly ok: false; readonly problems: readonly string[]; readonly secret?: string };

/** Media types whose body is read as JSON. TradingView sends JSON as text/plain. */
export function acceptsContentType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.trim() === '') return true;
  const type = contentType.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || type === 'text/plain';
}

/** Parses and validates a signal body. Never throws. */
export function parseSignalBody(text: string): ParsedSignal {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`body: not valid JSON (${(err as Error).message})`] };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, problems: ['body: expected a JSON object with the signal fields'] };
  }
  const secret = typeof (raw as { secret?: unknown }).secret === 'string' ? (raw as { secret: string }).secret : undefined;
  const result = signalSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'body'}: ${i.message}`);
    return { ok: false, problems, ...(secret !== undefined ? { secret } : {}) };
  }
  return { ok: true, signal: result.data };
}

/** The secret the request carries: `Authorization: Bearer <secret>` first, else the body's `secret` field. */
export function presentedSecret(authorization: string | undefined, bodySecret: string | undefined): string | undefined {
  if (authorization !== undefined) {
    const m = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (m?.[1]) return m[1].trim();
  }
  return bodySecret;
}

/** Compares secrets in constant time (hashes first, so the length does not leak either). */
export function secretMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined || expected === '') return false;
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The trade intent a valid signal asks for. */
export function signalToIntent(signal: Signal): TradeIntent {
  return {
    venue: signal.venue,
    symbol: signal.symbol,
    side: signal.side,
    size: signal.size !== undefined ? { unit: 'venue', value: signal.size } : { unit: 'notional', value: signal.notional ?? Decimal.ZERO },
    entry: signal.type === 'limit' && signal.price !== undefined ? { type: 'limit', price: signal.price } : { type: 'market' },
    stopLossPrice: signal.stopLoss,
    ...(signal.takeProfit !== undefined ? { takeProfitPrice: signal.takeProfit } : {}),
    source: 'webhook',
    label: `signal ${signal.id}`.slice(0, 64),
  };
}
