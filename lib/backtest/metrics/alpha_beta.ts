/**
 * Alpha and beta of a strategy's returns to a benchmark (BTC).
 *
 * @module
 */
import { checkPeriodsPerYear } from "./_finite.ts";

/** What {@link alphaBeta} returns. */
export interface AlphaBeta {
  /** OLS slope of strategy on benchmark returns: `cov(s, b) / var(b)`. */
  readonly beta: number;
  /** Intercept per bar, `mean(s) - beta * mean(b)`. */
  readonly alphaPerBar: number;
  /** `alphaPerBar * periodsPerYear` (arithmetic annualization, 365-day years). */
  readonly alpha: number;
  /** Correlation of strategy and benchmark returns. */
  readonly correlation: number;
  /** Bars where both returns are finite. */
  readonly n: number;
}

/**
 * Alpha and beta of per-bar strategy returns to benchmark returns (BTC's), by ordinary least
 * squares of `s_t = alpha + beta * b_t + e_t` over the bars where both are finite
 * (statsmodels `OLS(s, add_constant(b))`; no risk-free rate). Alpha is annualized
 * arithmetically, `alphaPerBar * periodsPerYear` with 365-day years (empyrical compounds it
 * instead: `(1 + alphaPerBar)^ppy - 1`, which turns a small edge on hourly bars into a large
 * number). NaN with fewer than 3 common bars or a constant benchmark. Cost: O(n).
 *
 * @example A strategy that is half the benchmark plus 1 bp a day
 * ```ts
 * import { alphaBeta } from "@lib/backtest/metrics/alpha_beta.ts";
 * import assert from "node:assert/strict";
 * const b = [0.01, -0.02, 0.03, 0.0, -0.01];
 * const ab = alphaBeta(b.map((x) => 0.5 * x + 0.0001), b, 365);
 * assert.ok(Math.abs(ab.beta - 0.5) < 1e-12);
 * assert.ok(Math.abs(ab.alpha - 0.0365) < 1e-12);
 * ```
 */
export function alphaBeta(
  strategy: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  periodsPerYear: number,
): AlphaBeta {
  checkPeriodsPerYear(periodsPerYear, "alpha and beta");
  if (strategy.length !== benchmark.length) {
    throw new RangeError(
      `Cannot compute alpha and beta: ${strategy.length} strategy returns for ` +
        `${benchmark.length} benchmark returns; align them on the same bars`,
    );
  }
  let n = 0, ms = 0, mb = 0;
  for (let i = 0; i < strategy.length; i++) {
    const s = strategy[i]!, b = benchmark[i]!;
    if (Number.isFinite(s) && Number.isFinite(b)) {
      n++;
      ms += s;
      mb += b;
    }
  }
  if (n < 3) return { beta: NaN, alphaPerBar: NaN, alpha: NaN, correlation: NaN, n };
  ms /= n;
  mb /= n;
  let sbb = 0, sss = 0, ssb = 0;
  for (let i = 0; i < strategy.length; i++) {
    const s = strategy[i]!, b = benchmark[i]!;
    if (Number.isFinite(s) && Number.isFinite(b)) {
      sbb += (b - mb) * (b - mb);
      sss += (s - ms) * (s - ms);
      ssb += (s - ms) * (b - mb);
    }
  }
  const beta = sbb > 0 ? ssb / sbb : NaN;
  const alphaPerBar = ms - beta * mb;
  return {
    beta,
    alphaPerBar,
    alpha: alphaPerBar * periodsPerYear,
    correlation: sbb > 0 && sss > 0 ? ssb / Math.sqrt(sbb * sss) : NaN,
    n,
  };
}
