/**
 * Rolling annualized volatility and Sharpe ratio.
 *
 * @module
 */
import { checkPeriodsPerYear } from "./_finite.ts";

/** Rolling statistics of per-bar returns, one value per bar. */
export interface RollingRisk {
  /** Window in bars. */
  readonly window: number;
  /** `std(r[t-w+1..t]) * sqrt(ppy)` (ddof 1); NaN before the window is full. */
  readonly volatility: Float64Array;
  /** `mean / std * sqrt(ppy)` over the same window; NaN before it is full or at zero spread. */
  readonly sharpe: Float64Array;
}

/**
 * Rolling annualized volatility and Sharpe ratio over the `window` bars ending at each bar
 * (inclusive): pandas `r.rolling(w).std() * sqrt(ppy)` and `r.rolling(w).mean() /
 * r.rolling(w).std() * sqrt(ppy)` (min_periods = w: NaN until the window holds w finite
 * returns; a non-finite return counts as missing). Each window's mean and spread are summed
 * afresh around a running anchor, so no rounding drifts across a long series. Cost: O(n w).
 *
 * @example A 3-bar window
 * ```ts
 * import { rollingRisk } from "@lib/backtest/metrics/rolling.ts";
 * import assert from "node:assert/strict";
 * const r = rollingRisk([0.01, 0.03, 0.02, 0.02], 3, 365);
 * assert.ok(Number.isNaN(r.sharpe[1]!));
 * assert.ok(Math.abs(r.sharpe[2]! - (0.02 / 0.01) * Math.sqrt(365)) < 1e-12);
 * ```
 */
export function rollingRisk(
  returns: ArrayLike<number>,
  window: number,
  periodsPerYear: number,
): RollingRisk {
  checkPeriodsPerYear(periodsPerYear, "rolling risk");
  if (!Number.isInteger(window) || window < 2) {
    throw new RangeError(
      `Cannot compute rolling risk: window must be an integer >= 2 bars, got ${window}`,
    );
  }
  const n = returns.length;
  const vol = new Float64Array(n).fill(NaN), sr = new Float64Array(n).fill(NaN);
  const root = Math.sqrt(periodsPerYear);
  for (let t = window - 1; t < n; t++) {
    let s = 0, k = 0;
    for (let i = t - window + 1; i <= t; i++) {
      const v = returns[i]!;
      if (Number.isFinite(v)) {
        s += v;
        k++;
      }
    }
    if (k < window) continue;
    const m = s / k;
    let ss = 0;
    for (let i = t - window + 1; i <= t; i++) ss += (returns[i]! - m) ** 2;
    const sd = Math.sqrt(ss / (k - 1));
    vol[t] = sd * root;
    sr[t] = sd > 0 ? (m / sd) * root : NaN;
  }
  return { window, volatility: vol, sharpe: sr };
}
