/**
 * Deribit's instrument catalogue (inverse perpetuals, a dated future and an options chain with weekly,
 * monthly, quarterly expiries at 08:00 UTC, strikes around spot, for BTC and ETH) and the tick and
 * unit helpers every catalogue shares. Other venues' catalogues are in `catalogues.ts`.
 */
import { dec, type Decimal } from '../../domain/decimal.js';
import type { Currency, SettlementPeriod, SimInstrument, TickStep } from './types.js';

/** Expiry the engine gives perpetuals on every venue (Deribit's value, 3000-01-01T08:00:00Z); front-ends show theirs (OKX `expTime` "", Bybit `deliveryTime` "0"). */
export const PERPETUAL_EXPIRY_MS = 32503708800000;
const DAY_MS = 86_400_000;
const ONE = dec(1);
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

export interface CatalogueOptions {
  /** Strikes generated on each side of the at-the-money strike. Default 6. */
  strikesEachSide?: number;
  /** Weekly expiries to list. Default 2. */
  weeklies?: number;
}

interface CurrencySpec {
  perpTick: string;
  futureTick: string;
  futureContract: string;
  strikeStep: number;
  optionMin: string;
}

const SPECS: Record<Currency, CurrencySpec> = {
  BTC: { perpTick: '0.5', futureTick: '2.5', futureContract: '10', strikeStep: 1000, optionMin: '0.1' },
  ETH: { perpTick: '0.05', futureTick: '0.25', futureContract: '1', strikeStep: 50, optionMin: '1' },
};

/** Option tick rule seen in real instrument data: 0.0001, and 0.0005 above 0.005. */
const OPTION_TICK_STEPS: readonly TickStep[] = [{ abovePrice: dec('0.005'), tickSize: dec('0.0005') }];

/** Deribit date code: day without zero pad, upper-case month, two-digit year (e.g. 5AUG23). */
export function dateCode(expiryMs: number): string {
  const d = new Date(expiryMs);
  return `${d.getUTCDate()}${MONTHS[d.getUTCMonth()] ?? '???'}${String(d.getUTCFullYear() % 100).padStart(2, '0')}`;
}

function at0800(year: number, month: number, day: number): number {
  return Date.UTC(year, month, day, 8, 0, 0, 0);
}

function lastFridayOfMonth(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  const back = (last.getUTCDay() - 5 + 7) % 7;
  return at0800(year, month, last.getUTCDate() - back);
}

interface Expiry {
  ms: number;
  period: SettlementPeriod;
  quarterly: boolean;
}

/** Expiries strictly after `nowMs` (+1 h): `weeklies` Fridays, two monthlies, two quarterlies. */
export function listExpiries(nowMs: number, weeklies = 2): Expiry[] {
  const after = nowMs + 3_600_000;
  const out = new Map<number, Expiry>();
  const start = new Date(nowMs);
  // Weeklies: next Fridays at 08:00.
  let friday = at0800(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + ((5 - start.getUTCDay() + 7) % 7));
  while (friday <= after) friday += 7 * DAY_MS;
  for (let i = 0; i < weeklies; i++) out.set(friday + i * 7 * DAY_MS, { ms: friday + i * 7 * DAY_MS, period: 'week', quarterly: false });
  // Monthlies and quarterlies: last Friday of the month.
  let monthlies = 0;
  let quarterlies = 0;
  for (let m = 0; m < 24 && (monthlies < 2 || quarterlies < 2); m++) {
    const year = start.getUTCFullYear() + Math.floor((start.getUTCMonth() + m) / 12);
    const month = (start.getUTCMonth() + m) % 12;
    const ms = lastFridayOfMonth(year, month);
    if (ms <= after) continue;
    const quarterly = month % 3 === 2;
    if (monthlies < 2 || (quarterly && quarterlies < 2)) {
      out.set(ms, { ms, period: 'month', quarterly });
      monthlies += 1;
      if (quarterly) quarterlies += 1;
    }
  }
  return [...out.values()].sort((a, b) => a.ms - b.ms);
}

/**
 * Builds the catalogue at `nowMs` with strikes centred on `spot`. Ids are stable for the same inputs.
 * Futures: `{CCY}-PERPETUAL` and one dated future on the first quarterly expiry.
 */
export function buildCatalogue(nowMs: number, spot: Record<Currency, Decimal>, options: CatalogueOptions = {}): SimInstrument[] {
  const strikesEachSide = options.strikesEachSide ?? 6;
  const expiries = listExpiries(nowMs, options.weeklies ?? 2);
  const created = nowMs - 7 * DAY_MS;
  const out: SimInstrument[] = [];
  let nextId = 210_000;
  for (const currency of ['BTC', 'ETH'] as const) {
    const spec = SPECS[currency];
    const futureBase = {
      kind: 'future' as const,
      currency,
      quoteCurrency: 'USD' as const,
      settleCurrency: currency,
      contractType: 'inverse' as const,
      amountUnit: 'quote' as const,
      contractSize: dec(spec.futureContract),
      minTradeAmount: dec(spec.futureContract),
      amountStep: dec(spec.futureContract),
      tickSizeSteps: [],
      makerCommission: dec('0'),
      takerCommission: dec('0.0005'),
      creationTimestamp: created,
      maxLeverage: 50,
    };
    out.push({
      ...futureBase,
      name: `${currency}-PERPETUAL`,
      id: nextId++,
      perpetual: true,
      settlementPeriod: 'perpetual',
      tickSize: dec(spec.perpTick),
      expirationTimestamp: PERPETUAL_EXPIRY_MS,
    });
    const quarterly = expiries.find((e) => e.quarterly);
    const futureNames = new Map<number, string>();
    if (quarterly) {
      const name = `${currency}-${dateCode(quarterly.ms)}`;
      futureNames.set(quarterly.ms, name);
      out.push({
        ...futureBase,
        name,
        id: nextId++,
        perpetual: false,
        settlementPeriod: 'month',
        tickSize: dec(spec.futureTick),
        expirationTimestamp: quarterly.ms,
      });
    }
    const atm = Math.round(spot[currency].toNumber() / spec.strikeStep) * spec.strikeStep;
    for (const expiry of expiries) {
      for (let i = -strikesEachSide; i <= strikesEachSide; i++) {
        const strike = atm + i * spec.strikeStep;
        if (strike <= 0) continue;
        for (const optionType of ['call', 'put'] as const) {
          const underlyingFuture = futureNames.get(expiry.ms);
          out.push({
            name: `${currency}-${dateCode(expiry.ms)}-${strike}-${optionType === 'call' ? 'C' : 'P'}`,
            id: nextId++,
            kind: 'option',
            currency,
            quoteCurrency: currency,
            settleCurrency: currency,
            contractType: 'inverse',
            amountUnit: 'base',
            perpetual: false,
            settlementPeriod: expiry.period,
            contractSize: dec('1'),
            minTradeAmount: dec(spec.optionMin),
            amountStep: dec(spec.optionMin),
            tickSize: dec('0.0001'),
            tickSizeSteps: OPTION_TICK_STEPS,
            makerCommission: dec('0.0003'),
            takerCommission: dec('0.0003'),
            creationTimestamp: created,
            expirationTimestamp: expiry.ms,
            maxLeverage: 1,
            optionType,
            strike: dec(strike),
            ...(underlyingFuture ? { underlyingFuture } : {}),
          });
        }
      }
    }
  }
  return out;
}

/**
 * What one unit of an order amount is worth: USD for inverse futures (1 when amounts are USD,
 * `contractSize` when they are contracts), coin for linear contracts (`contractSize` per contract,
 * 1 when amounts are base coin) and for options.
 */
export function unitValue(instrument: SimInstrument): Decimal {
  return instrument.amountUnit === 'contracts' ? instrument.contractSize : ONE;
}

/** The tick that applies at `price`: the coarsest step whose threshold the price exceeds. */
export function tickAt(instrument: SimInstrument, price: Decimal): Decimal {
  let tick = instrument.tickSize;
  for (const step of instrument.tickSizeSteps) {
    if (price.gt(step.abovePrice)) tick = step.tickSize;
  }
  return tick;
}

/** True when `price` sits on the tick grid that applies at that price. */
export function onTick(instrument: SimInstrument, price: Decimal): boolean {
  return price.isMultipleOf(tickAt(instrument, price));
}

/** Rounds `price` to the applicable tick in the given direction. */
export function roundToTick(instrument: SimInstrument, price: Decimal, mode: 'floor' | 'ceil' | 'half-up'): Decimal {
  const rounded = price.roundToStep(tickAt(instrument, price), mode);
  // Crossing a step threshold can change the grid; re-round once on the coarser grid.
  return rounded.roundToStep(tickAt(instrument, rounded), mode);
}

/** Next 08:00 UTC strictly after `nowMs` (the end of a good_til_day order). */
export function next0800(nowMs: number): number {
  const d = new Date(nowMs);
  let t = at0800(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (t <= nowMs) t += DAY_MS;
  return t;
}
