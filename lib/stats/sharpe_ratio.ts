import type { Series } from "./types.ts";
import { checkPeriods } from "./_validate.ts";
import { mean } from "./mean.ts";
import { std } from "./std.ts";

/**
 * Annualized Sharpe ratio of per-period log returns:
 * `(mean(r) - rf) / std(r) * sqrt(periodsPerYear)`, with `std` the sample standard deviation
 * (ddof 1). NaN (any non-finite value) means "no one-period return here" and is skipped, so
 * both the mean and the spread are over observed one-period returns. On a series with gaps,
 * the mean then misses the moves across them; the demo report instead divides the annualized
 * return of gap-spanning returns over elapsed time (`annualizedReturn` with `elapsedPeriods`)
 * by the annualized volatility of strict one-period returns.
 *
 * `riskFree` is an annual simple rate (0.05 = 5% a year); it becomes the per-period log rate
 * `rf = log(1 + riskFree) / periodsPerYear`. Annualize with 365 days (8,760 hours), never 252:
 * crypto trades every day. `NaN` when fewer than 2 finite returns or zero variance.
 * Reference: W. F. Sharpe, "The Sharpe Ratio", J. Portfolio Management, 1994
 * (https://web.stanford.edu/~wfsharpe/art/sr/sr.htm). Cost: O(n).
 *
 * @example Daily returns
 * ```ts
 * import { sharpeRatio } from "@lib/stats/sharpe_ratio.ts";
 * import assert from "node:assert/strict";
 * const s = sharpeRatio([0.02, 0, 0.01, NaN], 365);
 * assert.ok(Math.abs(s - (0.01 / 0.01) * Math.sqrt(365)) < 1e-12);
 * ```
 */
export function sharpeRatio(logReturns: Series, periodsPerYear: number, riskFree = 0): number {
  checkPeriods(periodsPerYear, "Sharpe ratio");
  if (!(riskFree > -1) || !Number.isFinite(riskFree)) {
    throw new RangeError(
      `Cannot compute Sharpe ratio: riskFree is an annual simple rate > -1 (0.05 = 5%), got ${riskFree}`,
    );
  }
  const sd = std(logReturns, 1);
  if (!(sd > 0)) return NaN;
  const rf = Math.log1p(riskFree) / periodsPerYear;
  return ((mean(logReturns) - rf) / sd) * Math.sqrt(periodsPerYear);
}
