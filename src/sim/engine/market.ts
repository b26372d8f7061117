/**
 * Prices of the simulated market: index per currency (seeded random walk or set by a test),
 * marks per instrument, last trade prices, daily stats, and a synthetic order book around the mark.
 */
import { Decimal, dec } from '../../domain/decimal.js';
import { roundToTick, tickAt } from './instruments.js';
import { Prng } from './prng.js';
import { blackScholes, roundFloat, smileVol } from './pricing.js';
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
  /** Synthetic depth at each price level: futures in contracts, options in multiples of min amount. */
  futureLevelContracts: number;
  optionLevelMinAmounts: number;
  /** min_price / max_price band around the mark for futures. */
  priceBandFraction: number;
}

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
  private lastStepAt: number;

  constructor(
    private readonly instruments: ReadonlyMap<string, SimInstrument>,
    private readonly options: MarketOptions,
  ) {
    this.prng = new Prng(options.seed);
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
      if (inst.kind === 'future') {
        s.volume = s.volume.plus(amount.div(price, 8));
        s.volumeUsd = s.volumeUsd.plus(amount);
      } else {
        s.volume = s.volume.plus(amount);
        s.volumeUsd = s.volumeUsd.plus(amount.times(price).times(this.indexPrice(inst.currency)).roundToStep('0.01', 'half-up'));
      }
    }
    this.bump(inst.name);
  }

  /** Advances the seeded random walk to `now`; returns the instruments re-marked. */
  step(now: number): string[] {
    const dt = now - this.lastStepAt;
    if (dt <= 0) return [];
    this.lastStepAt = now;
    const years = dt / YEAR_MS;
    for (const ccy of ['BTC', 'ETH'] as const) {
      const px = this.indexPrice(ccy).toNumber();
      const vol = this.options.volatility[ccy];
      const next = px * Math.exp(vol * Math.sqrt(years) * this.prng.normal() - 0.5 * vol * vol * years);
      this.index.set(ccy, dec(next.toFixed(2)));
      for (const inst of this.instruments.values()) if (inst.currency === ccy) this.optionOverride.delete(inst.name);
    }
    return this.recompute(now, ['BTC', 'ETH']);
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

  /** Amount available at each synthetic price level. */
  levelAmount(inst: SimInstrument): Decimal {
    return inst.kind === 'future'
      ? inst.contractSize.times(this.options.futureLevelContracts)
      : inst.minTradeAmount.times(this.options.optionLevelMinAmounts);
  }

  /** The synthetic book side, best first, `depth` levels one tick apart. */
  bookSide(inst: SimInstrument, side: 'bids' | 'asks', depth: number): BookLevel[] {
    const top = this.topOfBook(inst);
    const start = side === 'bids' ? top.bid : top.ask;
    const out: BookLevel[] = [];
    let price = start;
    const amount = this.levelAmount(inst);
    for (let i = 0; i < depth && price !== undefined; i++) {
      if (!price.isPositive()) break;
      out.push({ price, amount });
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
