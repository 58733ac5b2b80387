/**
 * Annualized volatility of simple returns.
 *
 * @module
 */
import { checkPeriodsPerYear, meanStd } from "./_finite.ts";

/**
 * Annualized volatility of per-bar simple returns: sample standard deviation (ddof 1) times
 * `sqrt(periodsPerYear)`, with `periodsPerYear` from the bar length and 365-day years (8,760
 * for hourly bars). pandas `r.std() * sqrt(ppy)`. Non-finite values are skipped; NaN with
 * fewer than 2 finite returns. Cost: O(n).
 *
 * @example Daily returns
 * ```ts
 * import { volatility } from "@lib/backtest/metrics/volatility.ts";
 * import assert from "node:assert/strict";
 * const v = volatility([0.01, -0.01, 0.01, -0.01], 365);
 * assert.ok(Math.abs(v - Math.sqrt(4 / 3) * 0.01 * Math.sqrt(365)) < 1e-12);
 * ```
 */
export function volatility(returns: ArrayLike<number>, periodsPerYear: number): number {
  checkPeriodsPerYear(periodsPerYear, "volatility");
  return meanStd(returns).std * Math.sqrt(periodsPerYear);
}
