/**
 * Annualized Sharpe ratio of simple returns, without a risk-free rate.
 *
 * @module
 */
import { checkPeriodsPerYear, meanStd } from "./_finite.ts";

/**
 * Annualized Sharpe ratio of per-bar simple returns: `mean(r) / std(r) * sqrt(periodsPerYear)`,
 * sample standard deviation (ddof 1), no risk-free rate (cash earns nothing on an exchange),
 * `periodsPerYear` from the bar length with 365-day years. The same number as quantstats'
 * `sharpe(r, rf=0, periods=ppy)` and pandas `r.mean() / r.std() * sqrt(ppy)`. Non-finite
 * values are skipped; NaN with fewer than 2 returns or zero spread. Cost: O(n).
 *
 * Reference: W. F. Sharpe, "The Sharpe Ratio", J. Portfolio Management, 1994.
 *
 * @example Daily returns
 * ```ts
 * import { sharpe } from "@lib/backtest/metrics/sharpe.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(sharpe([0.02, 0, 0.01], 365) - Math.sqrt(365)) < 1e-12);
 * ```
 */
export function sharpe(returns: ArrayLike<number>, periodsPerYear: number): number {
  checkPeriodsPerYear(periodsPerYear, "the Sharpe ratio");
  const { mean, std } = meanStd(returns);
  return std > 0 ? (mean / std) * Math.sqrt(periodsPerYear) : NaN;
}
