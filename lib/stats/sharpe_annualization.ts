import { checkPeriods } from "./_validate.ts";

/**
 * Convert an annualized Sharpe ratio to the per-period one the Sharpe inference functions take:
 * `sr / sqrt(periodsPerYear)`. The inference functions never annualize or de-annualize on their
 * own, so every conversion is written where it happens. Crypto trades every day: 365 daily
 * periods (8,760 hourly) a year; pass another count only to reproduce a paper (the deflated
 * Sharpe ratio example uses 250, the minimum track record example 252). Cost: O(1).
 *
 * @example Bailey and Lopez de Prado (2014): an annual Sharpe of 2.5 on 250 days a year
 * ```ts
 * import { perPeriodSharpe } from "@lib/stats/sharpe_annualization.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(perPeriodSharpe(2.5, 250) - 0.158113883) < 1e-9);
 * ```
 */
export function perPeriodSharpe(annualSharpe: number, periodsPerYear: number): number {
  checkPeriods(periodsPerYear, "per-period Sharpe ratio");
  return annualSharpe / Math.sqrt(periodsPerYear);
}

/**
 * Convert the variance of annualized Sharpe ratios (across trials) to the variance of per-period
 * ones: `v / periodsPerYear` (a Sharpe ratio scales with `sqrt(periodsPerYear)`, its variance
 * with `periodsPerYear`). Cost: O(1).
 *
 * @example The deflated Sharpe ratio example's V[SR] = 0.5 a year, 250 days a year
 * ```ts
 * import { perPeriodSharpeVariance } from "@lib/stats/sharpe_annualization.ts";
 * import assert from "node:assert/strict";
 * assert.equal(perPeriodSharpeVariance(0.5, 250), 0.002);
 * ```
 */
export function perPeriodSharpeVariance(annualVariance: number, periodsPerYear: number): number {
  checkPeriods(periodsPerYear, "per-period Sharpe variance");
  return annualVariance / periodsPerYear;
}
