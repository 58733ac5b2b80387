/**
 * Annualized Sortino ratio of simple returns.
 *
 * @module
 */
import { checkPeriodsPerYear } from "./_finite.ts";

/**
 * Annualized Sortino ratio of per-bar simple returns with a target of 0:
 * `mean(r) / DD * sqrt(periodsPerYear)` with the downside deviation
 * `DD = sqrt(sum(min(r, 0)^2) / n)` over ALL n finite returns (a bar with a gain counts as 0
 * downside, as in quantstats `sortino` and Sortino & Price 1994), 365-day years. Non-finite
 * values are skipped; NaN without a losing bar or fewer than 2 returns. Cost: O(n).
 *
 * Reference: F. Sortino and L. Price, "Performance Measurement in a Downside Risk Framework",
 * J. Investing, 1994.
 *
 * @example One losing day in four
 * ```ts
 * import { sortino } from "@lib/backtest/metrics/sortino.ts";
 * import assert from "node:assert/strict";
 * const s = sortino([0.02, 0.01, -0.02, 0.03], 365);
 * assert.ok(Math.abs(s - (0.01 / Math.sqrt(0.0004 / 4)) * Math.sqrt(365)) < 1e-12);
 * ```
 */
export function sortino(returns: ArrayLike<number>, periodsPerYear: number): number {
  checkPeriodsPerYear(periodsPerYear, "the Sortino ratio");
  let n = 0, sum = 0, down = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i]!;
    if (!Number.isFinite(r)) continue;
    n++;
    sum += r;
    if (r < 0) down += r * r;
  }
  if (n < 2 || !(down > 0)) return NaN;
  return (sum / n) / Math.sqrt(down / n) * Math.sqrt(periodsPerYear);
}
