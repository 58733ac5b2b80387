import type { Series } from "./types.ts";
import { mean } from "./mean.ts";
import { checkPeriods } from "./_validate.ts";

/** What {@link annualizedReturn} returns. */
export interface AnnualizedReturn {
  /** Mean log return per period times `periodsPerYear`: the annual log growth rate. */
  readonly logReturn: number;
  /** The same growth as a simple (geometric) annual return: `exp(logReturn) - 1`. */
  readonly geometricReturn: number;
  /** Number of finite periods used. */
  readonly periods: number;
}

/**
 * Annualized return of a series of per-period log returns.
 *
 * Crypto trades 24/7, so a year has 365 days: pass `periodsPerYear` = 365 for daily bars,
 * 8,760 for hourly, 525,600 for 1-minute (see `PERIODS_PER_YEAR` in `lib/core/freq.ts`); never
 * 252. Non-finite returns (gaps) are skipped, so the mean is over observed periods.
 * Cost: O(n).
 *
 * @example Hourly log returns
 * ```ts
 * import { annualizedReturn } from "@lib/stats/annualized_return.ts";
 * import assert from "node:assert/strict";
 * const r = annualizedReturn([0.001, NaN, 0.001], 8760);
 * assert.ok(Math.abs(r.logReturn - 8.76) < 1e-12);
 * assert.ok(Math.abs(r.geometricReturn - (Math.exp(8.76) - 1)) < 1e-9);
 * assert.equal(r.periods, 2);
 * ```
 */
export function annualizedReturn(logReturns: Series, periodsPerYear: number): AnnualizedReturn {
  checkPeriods(periodsPerYear, "annualized return");
  let periods = 0;
  for (let i = 0; i < logReturns.length; i++) if (Number.isFinite(logReturns[i]!)) periods++;
  const logReturn = mean(logReturns) * periodsPerYear;
  return { logReturn, geometricReturn: Math.expm1(logReturn), periods };
}
