/**
 * Pure checks of a trade intent before anything is persisted or sent: sizes and prices rounded to
 * the instrument's lot and tick, stop on the losing side of the entry, target on the winning side.
 */
import type { CommandOutcome } from '../domain/commands.js';
import { Decimal } from '../domain/decimal.js';
import type { Refusal, ValidatedIntent } from '../domain/entry-checks.js';
import { type Instrument, notionalToSize, roundPrice, roundSize, sizeToBase } from '../domain/instrument.js';
import type { Side } from '../domain/order.js';

export type { Refusal, ValidatedIntent } from '../domain/entry-checks.js';

type DecimalInput = Decimal | string | number;

/** Size of an entry: in the instrument's venue unit, or a quote-currency notional converted explicitly at the entry price. */
export type IntentSize =
  { readonly unit: 'venue'; readonly value: DecimalInput } | { readonly unit: 'notional'; readonly value: DecimalInput };

/** Entry order: market, or limit at a price. */
export type IntentEntry =
  { readonly type: 'market'; readonly referencePrice?: DecimalInput } | { readonly type: 'limit'; readonly price: DecimalInput };

/** What a signal source asks the OrderManager to do. */
export interface TradeIntent {
  readonly venue: string;
  readonly symbol: string;
  readonly side: Side;
  readonly size: IntentSize;
  readonly entry: IntentEntry;
  readonly stopLossPrice: DecimalInput;
  readonly takeProfitPrice?: DecimalInput;
  /** Who asked: 'webhook', 'telegram', a strategy name. */
  readonly source: string;
  readonly label?: string;
}

export type ValidationResult = { readonly ok: true; readonly value: ValidatedIntent } | ({ readonly ok: false } & Refusal);

function refuse(code: string, reason: string): ValidationResult {
  return { ok: false, code, reason };
}

function parse(value: DecimalInput | undefined, what: string): Decimal | Refusal | undefined {
  if (value === undefined) return undefined;
  const d = Decimal.tryFrom(value instanceof Decimal ? value.toString() : value);
  if (d === undefined) return { code: 'INVALID_NUMBER', reason: `${what} ${JSON.stringify(String(value))} is not a number` };
  return d;
}

function isRefusal(v: unknown): v is Refusal {
  return typeof v === 'object' && v !== null && 'code' in v && 'reason' in v;
}

/**
 * Validates `intent` against `instrument`. `marketPrice` prices a market entry when the intent
 * carries no reference price. Returns the rounded intent or the first problem found.
 */
export function validateIntent(intent: TradeIntent, instrument: Instrument, marketPrice?: Decimal): ValidationResult {
  if (!instrument.active) return refuse('INSTRUMENT_INACTIVE', `${intent.venue} ${intent.symbol} is not open for trading`);
  if (intent.side !== 'buy' && intent.side !== 'sell')
    return refuse('INVALID_SIDE', `side must be buy or sell, got ${String(intent.side)}`);
  if (intent.source.trim() === '') return refuse('INVALID_SOURCE', 'source must name who asked for the trade');

  const stopRaw = parse(intent.stopLossPrice, 'stop-loss price');
  if (stopRaw === undefined) return refuse('STOP_REQUIRED', 'a stop-loss price is required: no position without a stop');
  if (isRefusal(stopRaw)) return refuse(stopRaw.code, stopRaw.reason);
  const tpRaw = parse(intent.takeProfitPrice, 'take-profit price');
  if (isRefusal(tpRaw)) return refuse(tpRaw.code, tpRaw.reason);

  let entryPrice: Decimal | undefined;
  let referencePrice: Decimal;
  if (intent.entry.type === 'limit') {
    const p = parse(intent.entry.price, 'limit price');
    if (p === undefined || isRefusal(p)) return refuse('INVALID_PRICE', p?.reason ?? 'a limit entry needs a price');
    if (!p.isPositive()) return refuse('INVALID_PRICE', `limit price must be positive, got ${p.toString()}`);
    entryPrice = roundPrice(instrument, p, intent.side === 'buy' ? 'floor' : 'ceil');
    referencePrice = entryPrice;
  } else {
    const r = parse(intent.entry.referencePrice, 'reference price');
    if (isRefusal(r)) return refuse(r.code, r.reason);
    const ref = r ?? marketPrice;
    if (ref === undefined || !ref.isPositive()) {
      return refuse(
        'NO_REFERENCE_PRICE',
        `no market price for ${intent.symbol} to measure risk from; pass entry.referencePrice or retry when prices flow`,
      );
    }
    referencePrice = ref;
  }

  if (!stopRaw.isPositive()) return refuse('INVALID_STOP', `stop-loss price must be positive, got ${stopRaw.toString()}`);
  const stopPrice = roundPrice(instrument, stopRaw);
  const long = intent.side === 'buy';
  if (long ? !stopPrice.lt(referencePrice) : !stopPrice.gt(referencePrice)) {
    return refuse(
      'STOP_WRONG_SIDE',
      `stop-loss ${stopPrice.toString()} must be ${long ? 'below' : 'above'} the entry ${referencePrice.toString()} for a ${long ? 'long' : 'short'}`,
    );
  }
  let takeProfitPrice: Decimal | undefined;
  if (tpRaw !== undefined) {
    if (!tpRaw.isPositive()) return refuse('INVALID_TARGET', `take-profit price must be positive, got ${tpRaw.toString()}`);
    takeProfitPrice = roundPrice(instrument, tpRaw);
    if (long ? !takeProfitPrice.gt(referencePrice) : !takeProfitPrice.lt(referencePrice)) {
      return refuse(
        'TARGET_WRONG_SIDE',
        `take-profit ${takeProfitPrice.toString()} must be ${long ? 'above' : 'below'} the entry ${referencePrice.toString()} for a ${long ? 'long' : 'short'}`,
      );
    }
  }

  const sizeRaw = parse(intent.size.value, 'size');
  if (sizeRaw === undefined || isRefusal(sizeRaw)) return refuse('INVALID_SIZE', sizeRaw?.reason ?? 'size is required');
  if (!sizeRaw.isPositive()) return refuse('INVALID_SIZE', `size must be positive, got ${sizeRaw.toString()}`);
  const size = intent.size.unit === 'venue' ? roundSize(instrument, sizeRaw) : notionalToSize(instrument, sizeRaw, referencePrice);
  if (size.lt(instrument.minSize) || size.isZero()) {
    return refuse(
      'SIZE_TOO_SMALL',
      `size ${size.toString()} ${instrument.sizeUnit} (from ${sizeRaw.toString()}${intent.size.unit === 'notional' ? ' notional' : ''}) is below the minimum ${instrument.minSize.toString()} of ${intent.symbol}`,
    );
  }
  const base = sizeToBase(instrument, size, referencePrice);
  const notional = base.times(referencePrice);
  const lossAtStop = base.times(referencePrice.minus(stopPrice).abs());
  return {
    ok: true,
    value: {
      venue: intent.venue,
      symbol: intent.symbol,
      side: intent.side,
      size,
      entryType: intent.entry.type,
      ...(entryPrice !== undefined ? { entryPrice } : {}),
      referencePrice,
      stopPrice,
      ...(takeProfitPrice !== undefined ? { takeProfitPrice } : {}),
      notional,
      lossAtStop,
      source: intent.source,
      ...(intent.label !== undefined ? { label: intent.label } : {}),
    },
  };
}

/**
 * Re-checks a validated intent against the live mark right before it is sent (validation measured
 * it against the caller's reference, which may be stale: a queued or gated entry). The entry fills
 * where it would if sent now: a market entry at the mark, a limit at its price or better (a buy
 * limit above the market fills at the market). A stop at or through that price would trigger at
 * once (STOP_THROUGH_MARK); a target at or through it would fill at once (TARGET_THROUGH_MARK).
 */
export function checkAgainstMark(v: ValidatedIntent, mark: Decimal): Refusal | undefined {
  const long = v.side === 'buy';
  const fillAt = v.entryPrice === undefined ? mark : long ? Decimal.min(v.entryPrice, mark) : Decimal.max(v.entryPrice, mark);
  const what = `a ${long ? 'long' : 'short'} ${v.entryType} entry on ${v.venue} ${v.symbol} would fill at ${fillAt.toString()} now (mark ${mark.toString()})`;
  if (long ? !v.stopPrice.lt(fillAt) : !v.stopPrice.gt(fillAt)) {
    return {
      code: 'STOP_THROUGH_MARK',
      reason: `${what}: the stop-loss ${v.stopPrice.toString()} is already through the market and would trigger at once; nothing sent`,
    };
  }
  if (v.takeProfitPrice !== undefined && (long ? !v.takeProfitPrice.gt(fillAt) : !v.takeProfitPrice.lt(fillAt))) {
    return {
      code: 'TARGET_THROUGH_MARK',
      reason: `${what}: the take-profit ${v.takeProfitPrice.toString()} is already through the market and would fill at once; nothing sent`,
    };
  }
  return undefined;
}

/**
 * True when a stop at `stopPrice` protecting a position on `side` would trigger at once against
 * `reference` (the fill price or the current mark): the market is already through it.
 */
export function stopWouldTrigger(side: Side, stopPrice: Decimal, reference: Decimal): boolean {
  return side === 'buy' ? stopPrice.gte(reference) : stopPrice.lte(reference);
}

/**
 * True when the venue refused a stop because its trigger is already on the wrong side of the
 * market (it would fire at once). Each adapter decides that from its own venue's codes and says
 * so in the outcome; nothing above the Venue port reads venue codes.
 */
export function isImmediateTriggerRejection(outcome: CommandOutcome): boolean {
  return outcome.status === 'rejected' && outcome.wouldTriggerImmediately === true;
}
