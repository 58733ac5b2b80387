import type { Series } from "./types.ts";
import { std } from "./std.ts";
import { checkPeriods } from "./_validate.ts";

/**
 * Annualized volatility: sample standard deviation (ddof 1) of per-period log returns times
 * `sqrt(periodsPerYear)`. Use 365 days a year (8,760 hourly periods), never 252: crypto trades
 * every day. NaN (any non-finite value) means "no one-period return here" and is skipped; pass
 * strict one-period returns (`logReturns` in `lib/panel`, NaN across gaps), never gap-spanning
 * ones, whose multi-period moves would inflate the spread. `NaN` with fewer than 2 finite
 * returns. Cost: O(n).
 *
 * @example Daily log returns
 * ```ts
 * import { annualizedVolatility } from "@lib/stats/annualized_volatility.ts";
 * import assert from "node:assert/strict";
 * const v = annualizedVolatility([0.01, -0.01, 0.01, -0.01], 365);
 * assert.ok(Math.abs(v - Math.sqrt(4 / 3) * 0.01 * Math.sqrt(365)) < 1e-12);
 * ```
 */
export function annualizedVolatility(logReturns: Series, periodsPerYear: number): number {
  checkPeriods(periodsPerYear, "annualized volatility");
  return std(logReturns, 1) * Math.sqrt(periodsPerYear);
}
