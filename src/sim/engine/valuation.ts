/**
 * Valuation at the current marks: position views (P&L, margins, greeks), account summaries and
 * tickers. Pure functions of the market state and the book-keeping passed in.
 */
import { dec, Decimal } from '../../domain/decimal.js';
import { coinSizeOf, futuresMargins, notionalOf, optionMargins, pnlOf, type PositionState } from './accounting.js';
import type { Market } from './market.js';
import type { SettleCurrency, SimAccountSummary, SimInstrument, SimPosition, SimTicker } from './types.js';

/** Balances of one settle currency (coin or USDT): the starting balance and what trading added or took. */
export interface Balance {
  initial: Decimal;
  fees: Decimal;
  realizedFutures: Decimal;
  realizedOptions: Decimal;
}

export const EMPTY_BALANCE: Balance = {
  initial: Decimal.ZERO,
  fees: Decimal.ZERO,
  realizedFutures: Decimal.ZERO,
  realizedOptions: Decimal.ZERO,
};

/** The position in `inst` valued at the market's marks. */
export function valuePosition(market: Market, inst: SimInstrument, state: PositionState): SimPosition {
  const mark = market.mark(inst.name);
  const index = market.indexPrice(inst.currency);
  const floating = pnlOf(inst, state.size, state.averagePrice, mark);
  const direction = state.size.isZero() ? 'zero' : state.size.isPositive() ? 'buy' : 'sell';
  const openOrdersMargin = Decimal.ZERO;
  if (inst.kind === 'future') {
    const sizeCurrency = coinSizeOf(inst, state.size, mark);
    const notional = notionalOf(inst, state.size, mark);
    const m = futuresMargins(inst, notional);
    return {
      instrumentName: inst.name,
      currency: inst.currency,
      kind: 'future',
      settleCurrency: inst.settleCurrency,
      size: state.size,
      direction,
      averagePrice: state.averagePrice,
      markPrice: mark,
      indexPrice: index,
      sizeCurrency,
      notional,
      floatingProfitLoss: floating,
      realizedProfitLoss: state.realized,
      totalProfitLoss: floating.plus(state.realized),
      delta: sizeCurrency,
      initialMargin: m.initial,
      maintenanceMargin: m.maintenance,
      openOrdersMargin,
      leverage: inst.maxLeverage,
      estimatedLiquidationPrice: undefined,
      settlementPrice: market.statsOf(inst.name)?.open ?? mark,
    };
  }
  const om = market.optionMark(inst.name);
  const m = optionMargins(state.size, mark);
  const q = state.size.toNumber();
  return {
    instrumentName: inst.name,
    currency: inst.currency,
    kind: 'option',
    settleCurrency: inst.settleCurrency,
    size: state.size,
    direction,
    averagePrice: state.averagePrice,
    markPrice: mark,
    indexPrice: index,
    sizeCurrency: state.size,
    notional: state.size.abs().times(mark),
    floatingProfitLoss: floating,
    realizedProfitLoss: state.realized,
    totalProfitLoss: floating.plus(state.realized),
    delta: dec(((om?.greeks.delta ?? 0) * q).toFixed(5)),
    initialMargin: m.initial,
    maintenanceMargin: m.maintenance,
    openOrdersMargin,
    leverage: 1,
    estimatedLiquidationPrice: undefined,
    settlementPrice: market.statsOf(inst.name)?.open ?? mark,
    gamma: Math.round((om?.greeks.gamma ?? 0) * q * 1e5) / 1e5,
    vega: Math.round((om?.greeks.vega ?? 0) * q * 1e5) / 1e5,
    theta: Math.round((om?.greeks.theta ?? 0) * q * 1e5) / 1e5,
    averagePriceUsd: state.averagePrice.times(index).roundToStep('0.01', 'half-up'),
    floatingProfitLossUsd: floating.times(index).roundToStep('0.01', 'half-up'),
  };
}

/**
 * Account summary of one settle currency from its balance and its (non-flat) positions settled in it.
 * `deltaTotal` sums the positions' coin deltas (only meaningful for a coin-settled account).
 */
export function summarize(currency: SettleCurrency, bal: Balance, positions: readonly SimPosition[]): SimAccountSummary {
  let futuresUpl = Decimal.ZERO;
  let optionsUpl = Decimal.ZERO;
  let optionsValue = Decimal.ZERO;
  let im = Decimal.ZERO;
  let mm = Decimal.ZERO;
  let delta = Decimal.ZERO;
  let oDelta = 0;
  let oGamma = 0;
  let oVega = 0;
  let oTheta = 0;
  for (const p of positions) {
    im = im.plus(p.initialMargin);
    mm = mm.plus(p.maintenanceMargin);
    delta = delta.plus(p.delta);
    if (p.kind === 'future') futuresUpl = futuresUpl.plus(p.floatingProfitLoss);
    else {
      optionsUpl = optionsUpl.plus(p.floatingProfitLoss);
      optionsValue = optionsValue.plus(p.size.times(p.markPrice));
      oDelta += p.delta.toNumber();
      oGamma += p.gamma ?? 0;
      oVega += p.vega ?? 0;
      oTheta += p.theta ?? 0;
    }
  }
  const rpl = bal.realizedFutures.plus(bal.realizedOptions);
  const balance = bal.initial.plus(rpl).minus(bal.fees);
  const equity = balance.plus(futuresUpl).plus(optionsValue);
  const marginBalance = balance.plus(futuresUpl).plus(optionsUpl);
  const available = equity.minus(im);
  const r = (x: number): number => Math.round(x * 1e5) / 1e5;
  return {
    currency,
    balance,
    equity,
    availableFunds: available,
    availableWithdrawalFunds: Decimal.max(Decimal.min(available, balance), Decimal.ZERO),
    marginBalance,
    initialMargin: im,
    maintenanceMargin: mm,
    projectedInitialMargin: im,
    projectedMaintenanceMargin: mm,
    sessionUpl: futuresUpl.plus(optionsUpl),
    sessionRpl: rpl,
    totalPl: rpl.plus(futuresUpl).plus(optionsUpl),
    futuresPl: bal.realizedFutures.plus(futuresUpl),
    futuresSessionUpl: futuresUpl,
    futuresSessionRpl: bal.realizedFutures,
    optionsPl: bal.realizedOptions.plus(optionsUpl),
    optionsSessionUpl: optionsUpl,
    optionsSessionRpl: bal.realizedOptions,
    optionsValue,
    deltaTotal: delta.roundToStep('1e-9', 'half-up'),
    optionsDelta: r(oDelta),
    optionsGamma: r(oGamma),
    optionsVega: r(oVega),
    optionsTheta: r(oTheta),
    feeBalance: Decimal.ZERO,
  };
}

/** The ticker of `inst` at the current prices. */
export function buildTicker(
  market: Market,
  inst: SimInstrument,
  position: PositionState | undefined,
  active: boolean,
  now: number,
): SimTicker {
  const name = inst.name;
  const top = market.topOfBook(inst);
  const band = market.priceBand(inst);
  const stats = market.statsOf(name);
  const mark = market.mark(name);
  const last = market.lastPrice(name);
  const index = market.indexPrice(inst.currency);
  const openInterest = position?.size.abs() ?? Decimal.ZERO;
  const t: SimTicker = {
    instrumentName: name,
    timestamp: now,
    state: active ? 'open' : 'delivered',
    bestBidPrice: top.bid,
    bestBidAmount: top.bid ? market.levelAmountAt(inst, 'bids', 0) : Decimal.ZERO,
    bestAskPrice: top.ask,
    bestAskAmount: top.ask ? market.levelAmountAt(inst, 'asks', 0) : Decimal.ZERO,
    lastPrice: last,
    markPrice: mark,
    indexPrice: index,
    minPrice: band.min,
    maxPrice: band.max,
    openInterest,
    settlementPrice: stats?.open ?? mark,
    estimatedDeliveryPrice: index,
    stats: {
      high: stats?.high,
      low: stats?.low,
      volume: stats?.volume ?? Decimal.ZERO,
      volumeUsd: stats?.volumeUsd ?? Decimal.ZERO,
      priceChange:
        stats && last !== undefined && stats.open.isPositive()
          ? last.minus(stats.open).div(stats.open, 6).times(100).roundToStep('0.0001', 'half-up')
          : undefined,
    },
  };
  if (inst.perpetual) {
    t.currentFunding = Decimal.ZERO;
    t.funding8h = Decimal.ZERO;
    t.interestValue = Decimal.ZERO;
  }
  if (inst.kind === 'option') {
    const om = market.optionMark(name);
    const ivs = market.sideIvs(inst);
    if (om) {
      t.greeks = om.greeks;
      t.markIv = om.iv;
      t.underlyingPrice = om.underlyingPrice;
    }
    t.bidIv = top.bid ? ivs.bidIv : 0;
    t.askIv = ivs.askIv;
    t.underlyingIndex = inst.underlyingFuture ?? 'index_price';
    t.interestRate = 0;
  }
  return t;
}
