import type { Series } from "./types.ts";
import { mean } from "./mean.ts";
import { checkPeriods } from "./_validate.ts";

/** Options of {@link annualizedReturn}. */
export interface AnnualizedReturnOptions {
  /**
   * Periods of time the returns cover, when that is more than the number of finite returns:
   * with gap-spanning returns (`spanningLogReturns` in `lib/panel`), a return after a gap
   * covers several periods, so pass the periods elapsed from the first to the last valid
   * close (`closeSpan(close).elapsed`). The total log growth (sum of finite returns) is then
   * spread over that time: `logReturn = sum / elapsedPeriods * periodsPerYear`. A positive
   * finite number. Default: the count of finite returns, i.e. the mean return per observed
   * period, which is right for strict one-period returns without gaps.
   */
  readonly elapsedPeriods?: number;
}

/** What {@link annualizedReturn} returns. */
export interface AnnualizedReturn {
  /** Log growth per period times `periodsPerYear`: the annual log growth rate. */
  readonly logReturn: number;
  /** The same growth as a simple (geometric) annual return: `exp(logReturn) - 1`. */
  readonly geometricReturn: number;
  /** Number of finite returns summed. */
  readonly periods: number;
  /**
   * Periods the growth was spread over: `elapsedPeriods` when given, else {@link periods}.
   */
  readonly elapsedPeriods: number;
}

/**
 * Annualized return of a series of per-period log returns: the total log growth (sum of the
 * finite returns) divided by the periods it took, times `periodsPerYear`.
 *
 * NaN (any non-finite value) in `logReturns` means "no return recorded at this position" and
 * adds nothing to the sum. Whether the price move across a gap is counted is decided by the
 * input: strict one-period returns (NaN on both sides of a missing close) lose that move, so
 * for a level-based figure pass gap-spanning returns (`spanningLogReturns` in `lib/panel`,
 * whose sum is `ln(last / first)`) together with `elapsedPeriods`, so the missing periods
 * count as time that passed. Without `elapsedPeriods` the divisor is the count of finite
 * returns. `NaN` when there is no finite return (or `elapsedPeriods` periods of nothing).
 *
 * Crypto trades 24/7, so a year has 365 days: pass `periodsPerYear` = 365 for daily bars,
 * 8,760 for hourly, 525,600 for 1-minute (see `PERIODS_PER_YEAR` in `lib/core/freq.ts`); never
 * 252. Cost: O(n).
 *
 * @example Strict hourly returns, and the same prices with a gap spanned
 * ```ts
 * import { annualizedReturn } from "@lib/stats/annualized_return.ts";
 * import assert from "node:assert/strict";
 * const r = annualizedReturn([0.001, NaN, 0.001], 8760);
 * assert.ok(Math.abs(r.logReturn - 8.76) < 1e-12);
 * assert.ok(Math.abs(r.geometricReturn - (Math.exp(8.76) - 1)) < 1e-9);
 * assert.equal(r.periods, 2);
 * // closes 1, e^0.001, (missing), e^0.003: the last return spans 2 hours, 3 hours in all
 * const s = annualizedReturn([NaN, 0.001, NaN, 0.002], 8760, { elapsedPeriods: 3 });
 * assert.ok(Math.abs(s.logReturn - 8.76) < 1e-12);
 * assert.equal(s.elapsedPeriods, 3);
 * ```
 */
export function annualizedReturn(
  logReturns: Series,
  periodsPerYear: number,
  options: AnnualizedReturnOptions = {},
): AnnualizedReturn {
  checkPeriods(periodsPerYear, "annualized return");
  const elapsed = options.elapsedPeriods;
  if (elapsed !== undefined && !(Number.isFinite(elapsed) && elapsed > 0)) {
    throw new RangeError(
      `Cannot compute annualized return: elapsedPeriods must be a positive finite number of ` +
        `periods (from the first to the last valid close), got ${elapsed}`,
    );
  }
  let periods = 0;
  for (let i = 0; i < logReturns.length; i++) if (Number.isFinite(logReturns[i]!)) periods++;
  const divisor = elapsed ?? periods;
  // the residual-corrected mean times the count is a more accurate sum than a plain loop
  const logPer = periods === 0 ? NaN : mean(logReturns) * (periods / divisor);
  const logReturn = logPer * periodsPerYear;
  return {
    logReturn,
    geometricReturn: Math.expm1(logReturn),
    periods,
    elapsedPeriods: divisor,
  };
}
