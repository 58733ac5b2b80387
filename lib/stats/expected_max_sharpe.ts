import { normalQuantile } from "./distributions.ts";

/** The Euler-Mascheroni constant. */
const EULER_GAMMA = 0.5772156649015329;

/**
 * Expected maximum of `nTrials` independent per-period Sharpe ratio estimates whose true value is
 * zero and whose variance across trials is `sharpeVariance` (the False Strategy theorem):
 *
 * `E[max SR] = sqrt(V[SR]) ((1 - g) Phi^-1(1 - 1/N) + g Phi^-1(1 - 1/(N e)))`
 *
 * with `g` the Euler-Mascheroni constant and `e` Euler's number. This is the benchmark the
 * deflated Sharpe ratio tests against. `sharpeVariance` is per period: convert an annual one with
 * `perPeriodSharpeVariance`. 0 when `nTrials` is 1. Reference: Bailey and Lopez de Prado (2014),
 * "The Deflated Sharpe Ratio", J. of Portfolio Management 40(5), eq. 2
 * (https://ssrn.com/abstract=2460551). Cost: O(1).
 *
 * @example 100 trials, V[SR] = 0.5 a year on 250 days: about 0.1132 per day
 * ```ts
 * import { expectedMaxSharpe } from "@lib/stats/expected_max_sharpe.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(expectedMaxSharpe(100, 0.5 / 250) - 0.1132) < 1e-4);
 * ```
 */
export function expectedMaxSharpe(nTrials: number, sharpeVariance: number): number {
  if (!(nTrials >= 1) || !Number.isFinite(nTrials)) {
    throw new RangeError(
      `Cannot compute expected maximum Sharpe: nTrials must be a number >= 1 (fractional effective counts are allowed), got ${nTrials}`,
    );
  }
  if (!(sharpeVariance >= 0) || !Number.isFinite(sharpeVariance)) {
    throw new RangeError(
      `Cannot compute expected maximum Sharpe: sharpeVariance must be finite and >= 0 (per period), got ${sharpeVariance}`,
    );
  }
  if (nTrials === 1) return 0;
  return Math.sqrt(sharpeVariance) *
    ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / nTrials) +
      EULER_GAMMA * normalQuantile(1 - 1 / (nTrials * Math.E)));
}
