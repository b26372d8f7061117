/** Black-Scholes valuation for the simulated options chain (float maths, rounded by the caller). */
import type { Greeks, OptionType } from './types.js';

const YEAR_MS = 365 * 86_400_000;

function erf(x: number): number {
  // Abramowitz-Stegun 7.1.26; |error| < 1.5e-7, plenty for a simulator's marks.
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-ax * ax);
  return sign * y;
}

export function normCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

export function normPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

export interface OptionValuation {
  /** Price in USD per 1 coin of underlying. */
  priceUsd: number;
  greeks: Greeks;
}

/**
 * Values a European option with zero rates. `vol` is annual (0.6 = 60 %). Greeks follow the
 * venue's conventions: vega per 1 vol point, theta per day, both in USD.
 */
export function blackScholes(type: OptionType, spot: number, strike: number, timeMs: number, vol: number): OptionValuation {
  const t = Math.max(timeMs, 0) / YEAR_MS;
  if (t <= 0 || vol <= 0) {
    const intrinsic = type === 'call' ? Math.max(spot - strike, 0) : Math.max(strike - spot, 0);
    const delta = type === 'call' ? (spot > strike ? 1 : 0) : spot < strike ? -1 : 0;
    return { priceUsd: intrinsic, greeks: { delta, gamma: 0, vega: 0, theta: 0, rho: 0 } };
  }
  const sqrtT = Math.sqrt(t);
  const d1 = (Math.log(spot / strike) + 0.5 * vol * vol * t) / (vol * sqrtT);
  const d2 = d1 - vol * sqrtT;
  const pdf = normPdf(d1);
  const gamma = pdf / (spot * vol * sqrtT);
  const vega = (spot * pdf * sqrtT) / 100;
  const theta = -(spot * pdf * vol) / (2 * sqrtT) / 365;
  if (type === 'call') {
    const price = spot * normCdf(d1) - strike * normCdf(d2);
    return { priceUsd: price, greeks: { delta: normCdf(d1), gamma, vega, theta, rho: (strike * t * normCdf(d2)) / 100 } };
  }
  const price = strike * normCdf(-d2) - spot * normCdf(-d1);
  return { priceUsd: price, greeks: { delta: normCdf(d1) - 1, gamma, vega, theta, rho: (-strike * t * normCdf(-d2)) / 100 } };
}

/** A gentle smile: volatility rises with squared log-moneyness. */
export function smileVol(baseVol: number, spot: number, strike: number): number {
  const m = Math.log(strike / spot);
  return baseVol * (1 + 2 * m * m);
}

/** Rounds a float to `places` decimals for the wire (greeks and IVs are floats on Deribit too). */
export function roundFloat(x: number, places: number): number {
  const f = 10 ** places;
  return Math.round(x * f) / f;
}
