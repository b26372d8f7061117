/**
 * Prices of the simulated market: index per currency (seeded random walk or set by a test),
 * marks per instrument, last trade prices, daily stats, and a synthetic order book around the mark.
 */
import { dec, Decimal } from '../../domain/decimal.js';
import { contractQuantity } from './accounting.js';
import { roundToTick, tickAt } from './instruments.js';
import { blackScholes, roundFloat, smileVol } from './pricing.js';
import { Prng } from './prng.js';
import type { BookLevel, Currency, Greeks, SimInstrument } from './types.js';

const YEAR_MS = 365 * 86_400_000;

export interface MarketOptions {
  seed: number;
  startTime: number;
  initialIndex: Record<Currency, Decimal>;
  /** Annual volatility of the index random walk and base implied volatility of options. */
  volatility: Record<Currency, number>;
  /** Annual carry of dated futures over the index. Default 0.05. */
  futureCarry: number;
  /** Futures book: ask minus bid in ticks. */
  futureSpreadTicks: number;
  /** Options book: ask minus bid as a fraction of the mark. */
  optionSpreadFraction: number;
  /** Synthetic depth at each price level: futures in amount steps (Deribit: contracts), options in multiples of min amount. */
  futureLevelContracts: number;
  optionLevelMinAmounts: number;
  /** min_price / max_price band around the mark for futures. */
  priceBandFraction: number;
  /**
   * Trades other participants print per second, per instrument kind, while the walk runs (they move
   * the last price, volume, high and low). Default perpetual 3, dated future 0.5, option 0.01.
   */
  tradeRates: { perpetual: number; future: number; option: number };
}

/** A trade printed by the simulated crowd (not by the account), at the synthetic best bid or ask. */
export interface CrowdTrade {
  instrument: SimInstrument;
  direction: 'buy' | 'sell';
  price: Decimal;
  amount: Decimal;
}

/** Levels whose sizes vary; deeper levels keep the base size. */
const VARYING_LEVELS = 50;
/** Size factors of a level lie in [MIN_FACTOR, MIN_FACTOR + FACTOR_SPAN). */
const MIN_FACTOR = 0.2;
const FACTOR_SPAN = 1.8;
/** Chance per step that a level's size is redrawn (the rest keep theirs, so book changes stay small). */
const REDRAW_CHANCE = 0.25;

interface Stats {
  high: Decimal | undefined;
  low: Decimal | undefined;
  volume: Decimal;
  volumeUsd: Decimal;
  open: Decimal;
}

export interface OptionMark {
  iv: number;
  greeks: Greeks;
  underlyingPrice: Decimal;
}

/** The book's size unit: the amount step for futures (Deribit: the contract size), the minimum amount for options. */
function lotOf(inst: SimInstrument): Decimal {
  return inst.kind === 'future' ? inst.amountStep : inst.minTradeAmount;
}

export class Market {
  private readonly prng: Prng;
  private readonly index = new Map<Currency, Decimal>();
  private readonly futureAdjust = new Map<string, Decimal>();
  private readonly optionOverride = new Map<string, Decimal>();
  private readonly marks = new Map<string, Decimal>();
  private readonly optionMarks = new Map<string, OptionMark>();
  private readonly last = new Map<string, Decimal>();
  private readonly stats = new Map<string, Stats>();
  private readonly versions = new Map<string, number>();
  /** Book changes: per instrument the change_id of its latest book change (one sequence for all). */
  private readonly bookIds = new Map<string, number>();
  private bookSeq = 1_000_000;
  /** Per instrument: size factors of the first VARYING_LEVELS bid and ask levels (1 until the walk runs). */
  private readonly sizeFactors = new Map<string, { bids: number[]; asks: number[] }>();
  /** Drives the crowd (trades, book sizes); separate from the walk so a seed keeps its price path. */
  private readonly crowd: Prng;
  private lastStepAt: number;

  constructor(
    private readonly instruments: ReadonlyMap<string, SimInstrument>,
    private readonly options: MarketOptions,
  ) {
    this.prng = new Prng(options.seed);
    this.crowd = new Prng((options.seed ^ 0x5bd1e995) >>> 0);
    this.lastStepAt = options.startTime;
    for (const [ccy, px] of Object.entries(options.initialIndex) as [Currency, Decimal][]) this.index.set(ccy, px);
    this.recompute(options.startTime, ['BTC', 'ETH']);
    for (const inst of instruments.values()) {
      // The session starts as if one trade had printed at the mark, so stats are numbers from the start.
      const mark = this.mark(inst.name);
      this.stats.set(inst.name, { high: mark, low: mark, volume: Decimal.ZERO, volumeUsd: Decimal.ZERO, open: mark });
    }
  }

  indexPrice(currency: Currency): Decimal {
    return this.index.get(currency) ?? Decimal.ZERO;
  }

  mark(name: string): Decimal {
    return this.marks.get(name) ?? Decimal.ZERO;
  }

  optionMark(name: string): OptionMark | undefined {
    return this.optionMarks.get(name);
  }

  lastPrice(name: string): Decimal | undefined {
    return this.last.get(name);
  }

  /** Increments whenever anything shown in the instrument's ticker changes. */
  version(name: string): number {
    return this.versions.get(name) ?? 0;
  }

  /** The change_id of the instrument's latest book change. */
  bookChangeId(name: string): number {
    return this.bookIds.get(name) ?? 0;
  }

  statsOf(name: string): Stats | undefined {
    return this.stats.get(name);
  }

  /** Sets the index and re-marks every instrument of the currency. Returns the instruments re-marked. */
  setIndex(currency: Currency, price: Decimal, now: number): string[] {
    this.index.set(currency, price.roundToStep('0.01', 'half-up'));
    for (const inst of this.instruments.values()) if (inst.currency === currency) this.optionOverride.delete(inst.name);
    return this.recompute(now, [currency]);
  }

  /** Pins an instrument's mark (futures keep the basis to the index on later index moves). */
  setMark(inst: SimInstrument, price: Decimal, now: number): string[] {
    if (inst.kind === 'future') {
      this.futureAdjust.delete(inst.name);
      const base = this.baseFutureMark(inst, now);
      this.futureAdjust.set(inst.name, price.minus(base));
    } else {
      this.optionOverride.set(inst.name, price);
    }
    return this.recompute(now, [inst.currency]);
  }

  setLast(name: string, price: Decimal): void {
    this.last.set(name, price);
    this.bump(name);
  }

  /** Records a trade in the last price and the stats. */
  recordTrade(inst: SimInstrument, price: Decimal, amount: Decimal): void {
    this.last.set(inst.name, price);
    const s = this.stats.get(inst.name);
    if (s) {
      s.high = s.high === undefined || price.gt(s.high) ? price : s.high;
      s.low = s.low === undefined || price.lt(s.low) ? price : s.low;
      if (inst.kind === 'future' && inst.contractType === 'linear') {
        const coin = contractQuantity(inst, amount);
        s.volume = s.volume.plus(coin);
        s.volumeUsd = s.volumeUsd.plus(coin.times(price).roundToStep('0.01', 'half-up'));
      } else if (inst.kind === 'future') {
        const usd = contractQuantity(inst, amount);
        s.volume = s.volume.plus(usd.div(price, 8));
        s.volumeUsd = s.volumeUsd.plus(usd);
      } else {
        s.volume = s.volume.plus(amount);
        s.volumeUsd = s.volumeUsd.plus(amount.times(price).times(this.indexPrice(inst.currency)).roundToStep('0.01', 'half-up'));
      }
    }
    this.bump(inst.name);
  }

  /**
   * Advances the seeded random walk to `now` (the step's sd scales with sqrt(dt), so the annual
   * volatility does not depend on the step period), redraws some book sizes, and returns the
   * instruments re-marked with the trades the crowd printed meanwhile (not yet recorded).
   */
  step(now: number): { changed: string[]; trades: CrowdTrade[] } {
    const dt = now - this.lastStepAt;
    if (dt <= 0) return { changed: [], trades: [] };
    this.lastStepAt = now;
    const years = dt / YEAR_MS;
    for (const ccy of ['BTC', 'ETH'] as const) {
      const px = this.indexPrice(ccy).toNumber();
      const vol = this.options.volatility[ccy];
      const next = px * Math.exp(vol * Math.sqrt(years) * this.prng.normal() - 0.5 * vol * vol * years);
      this.index.set(ccy, dec(next.toFixed(2)));
      for (const inst of this.instruments.values()) if (inst.currency === ccy) this.optionOverride.delete(inst.name);
    }
    const changed = this.recompute(now, ['BTC', 'ETH']);
    for (const inst of this.instruments.values()) this.redrawSizes(inst);
    return { changed, trades: this.crowdTrades(dt) };
  }

  private redrawSizes(inst: SimInstrument): void {
    let f = this.sizeFactors.get(inst.name);
    if (!f) {
      f = { bids: new Array<number>(VARYING_LEVELS).fill(1), asks: new Array<number>(VARYING_LEVELS).fill(1) };
      this.sizeFactors.set(inst.name, f);
    }
    for (const side of [f.bids, f.asks]) {
      for (let i = 0; i < side.length; i++) if (this.crowd.next() < REDRAW_CHANCE) side[i] = MIN_FACTOR + FACTOR_SPAN * this.crowd.next();
    }
    this.bookIds.set(inst.name, ++this.bookSeq);
  }

  /** Poisson-ish arrivals over `dtMs`: at most one trade per instrument and step. */
  private crowdTrades(dtMs: number): CrowdTrade[] {
    const out: CrowdTrade[] = [];
    const rates = this.options.tradeRates;
    for (const inst of this.instruments.values()) {
      const rate = inst.kind === 'option' ? rates.option : inst.perpetual ? rates.perpetual : rates.future;
      if (rate <= 0 || this.crowd.next() >= 1 - Math.exp((-rate * dtMs) / 1000)) continue;
      const top = this.topOfBook(inst);
      const direction = this.crowd.next() < 0.5 ? 'buy' : 'sell';
      const price = direction === 'buy' ? top.ask : top.bid;
      if (price === undefined || !price.isPositive()) continue;
      // Mostly small prints, now and then a large one (log-normal number of lots).
      const lots = Math.max(1, Math.round(Math.exp(1.2 * this.crowd.normal()) * (inst.kind === 'option' ? 2 : 20)));
      const unit = lotOf(inst);
      out.push({ instrument: inst, direction, price, amount: unit.times(lots) });
    }
    return out;
  }

  private baseFutureMark(inst: SimInstrument, now: number): Decimal {
    const idx = this.indexPrice(inst.currency);
    if (inst.perpetual) return idx;
    const years = Math.max(inst.expirationTimestamp - now, 0) / YEAR_MS;
    return idx.times(dec((1 + this.options.futureCarry * years).toFixed(10))).roundToStep('0.01', 'half-up');
  }

  private recompute(now: number, currencies: readonly Currency[]): string[] {
    const changed: string[] = [];
    for (const inst of this.instruments.values()) {
      if (!currencies.includes(inst.currency)) continue;
      if (inst.kind === 'future') {
        const m = this.baseFutureMark(inst, now).plus(this.futureAdjust.get(inst.name) ?? Decimal.ZERO);
        this.marks.set(inst.name, m.roundToStep('0.01', 'half-up'));
      }
    }
    for (const inst of this.instruments.values()) {
      if (!currencies.includes(inst.currency)) continue;
      if (inst.kind === 'option') this.markOption(inst, now);
      if (!this.last.has(inst.name)) this.last.set(inst.name, this.mark(inst.name));
      this.bump(inst.name);
      this.bookIds.set(inst.name, ++this.bookSeq);
      changed.push(inst.name);
    }
    return changed;
  }

  private markOption(inst: SimInstrument, now: number): void {
    const underlying = inst.underlyingFuture ? this.mark(inst.underlyingFuture) : this.indexPrice(inst.currency);
    const s = underlying.toNumber();
    const k = inst.strike?.toNumber() ?? s;
    const vol = smileVol(this.options.volatility[inst.currency], s, k);
    const val = blackScholes(inst.optionType ?? 'call', s, k, inst.expirationTimestamp - now, vol);
    const override = this.optionOverride.get(inst.name);
    const coin = override ?? dec(Math.max(val.priceUsd / s, 0).toFixed(8)).roundToStep('0.0001', 'half-up');
    this.marks.set(inst.name, coin);
    this.optionMarks.set(inst.name, {
      iv: roundFloat(vol * 100, 2),
      underlyingPrice: underlying,
      greeks: {
        delta: roundFloat(val.greeks.delta, 5),
        gamma: roundFloat(val.greeks.gamma, 5),
        vega: roundFloat(val.greeks.vega, 5),
        theta: roundFloat(val.greeks.theta, 5),
        rho: roundFloat(val.greeks.rho, 5),
      },
    });
  }

  private bump(name: string): void {
    this.versions.set(name, (this.versions.get(name) ?? 0) + 1);
  }

  /** Best bid and ask of the synthetic book (undefined when that side is empty). */
  topOfBook(inst: SimInstrument): { bid: Decimal | undefined; ask: Decimal | undefined } {
    const mark = this.mark(inst.name);
    if (inst.kind === 'future') {
      const tick = inst.tickSize;
      const n = Math.max(1, Math.floor(this.options.futureSpreadTicks));
      const bid = mark.roundToStep(tick, 'floor').minus(tick.times(Math.floor((n - 1) / 2)));
      return { bid, ask: bid.plus(tick.times(n)) };
    }
    const half = mark.times(dec(this.options.optionSpreadFraction / 2));
    let bid: Decimal | undefined = roundToTick(inst, mark.minus(half), 'floor');
    let ask = roundToTick(inst, mark.plus(half), 'ceil');
    if (bid.lt(inst.tickSize)) bid = undefined;
    if (ask.lt(inst.tickSize)) ask = inst.tickSize;
    if (bid !== undefined && ask.lte(bid)) ask = roundToTick(inst, bid.plus(tickAt(inst, bid)), 'ceil');
    return { bid, ask };
  }

  /** Base amount at each synthetic price level (the varying levels hold between 0.2 and 2 times it). */
  levelAmount(inst: SimInstrument): Decimal {
    return inst.kind === 'future'
      ? inst.amountStep.times(this.options.futureLevelContracts)
      : inst.minTradeAmount.times(this.options.optionLevelMinAmounts);
  }

  /** The smallest amount any level may hold (sizes matching plans on). */
  minLevelAmount(inst: SimInstrument): Decimal {
    const unit = lotOf(inst);
    return Decimal.max(unit, this.levelAmount(inst).times(dec(MIN_FACTOR)).roundToStep(unit, 'floor'));
  }

  /** Amount at level `i` (0 = best) of one side: the base amount times the level's current factor, in whole lots. */
  levelAmountAt(inst: SimInstrument, side: 'bids' | 'asks', i: number): Decimal {
    const base = this.levelAmount(inst);
    const factor = this.sizeFactors.get(inst.name)?.[side][i];
    if (factor === undefined || factor === 1) return base;
    const unit = lotOf(inst);
    return Decimal.max(unit, base.times(dec(factor.toFixed(4))).roundToStep(unit, 'floor'));
  }

  /** The synthetic book side, best first, `depth` levels one tick apart. */
  bookSide(inst: SimInstrument, side: 'bids' | 'asks', depth: number): BookLevel[] {
    const top = this.topOfBook(inst);
    const start = side === 'bids' ? top.bid : top.ask;
    const out: BookLevel[] = [];
    let price = start;
    for (let i = 0; i < depth && price !== undefined; i++) {
      if (!price.isPositive()) break;
      out.push({ price, amount: this.levelAmountAt(inst, side, i) });
      const tick = tickAt(inst, price);
      price = side === 'bids' ? roundToTick(inst, price.minus(tick), 'floor') : roundToTick(inst, price.plus(tick), 'ceil');
    }
    return out;
  }

  /** The order price band: buys above max and sells below min are clamped to it. */
  priceBand(inst: SimInstrument): { min: Decimal; max: Decimal } {
    const mark = this.mark(inst.name);
    if (inst.kind === 'future') {
      const f = dec(this.options.priceBandFraction);
      return {
        min: mark.times(Decimal.from(1).minus(f)).roundToStep(inst.tickSize, 'ceil'),
        max: mark.times(Decimal.from(1).plus(f)).roundToStep(inst.tickSize, 'floor'),
      };
    }
    const max = roundToTick(inst, mark.times(2).plus('0.02'), 'ceil');
    return { min: inst.tickSize, max };
  }

  /** Delivery price at expiry: the index for futures, the intrinsic value in coin for options. */
  deliveryPrice(inst: SimInstrument): Decimal {
    const idx = this.indexPrice(inst.currency);
    if (inst.kind === 'future') return idx;
    const k = inst.strike ?? idx;
    const intrinsic = inst.optionType === 'call' ? idx.minus(k) : k.minus(idx);
    return intrinsic.isPositive() ? intrinsic.div(idx, 8) : Decimal.ZERO;
  }

  /** Bid/ask implied vols for options: the mark IV spread by the book's relative spread. */
  sideIvs(inst: SimInstrument): { bidIv: number; askIv: number } {
    const om = this.optionMarks.get(inst.name);
    const iv = om?.iv ?? 0;
    const spread = this.options.optionSpreadFraction * 100;
    return { bidIv: roundFloat(Math.max(iv - spread, 0), 2), askIv: roundFloat(iv + spread, 2) };
  }
}
