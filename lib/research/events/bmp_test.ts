/**
 * The Boehmer-Musumeci-Poulsen (1991) standardized cross-sectional test.
 *
 * @module
 */
import { studentTCdf } from "../../stats/distributions.ts";

/** Result of {@link bmpTest}. */
export interface BmpTest {
  /** Mean standardized CAR. */
  readonly meanScar: number;
  /** Cross-sectional standard deviation of the standardized CARs (ddof 1). */
  readonly sdScar: number;
  /** t = meanScar / (sdScar / sqrt(n)). */
  readonly statistic: number;
  /** Two-sided p-value from Student's t with n - 1 degrees of freedom. */
  readonly pValue: number;
  readonly n: number;
}

/**
 * Boehmer, Musumeci and Poulsen (1991) test that the mean abnormal return is zero: each event's
 * CAR is standardized by its own forecast-error standard deviation (`scar` from
 * `abnormalReturns`), and the mean of the standardized CARs is divided by their cross-sectional
 * standard error, so event-induced changes in variance do not inflate the test as they do the
 * Patell test. Null: mean SCAR = 0; small p says the events move prices beyond the market model.
 * It assumes the events are cross-sectionally independent; use `kolariPynnonenTest` when they
 * cluster in time. Two-sided p from t(n - 1). Cost: O(n).
 *
 * Reference: Boehmer, Musumeci and Poulsen (1991), "Event-study methodology under conditions of
 * event-induced variance", Journal of Financial Economics 30(2), 253-272.
 *
 * @example
 * ```ts
 * import { bmpTest } from "@lib/research/events/bmp_test.ts";
 * import assert from "node:assert/strict";
 * const r = bmpTest(new Float64Array([1, 2, 3]));
 * assert.equal(r.statistic, 2 / (1 / Math.sqrt(3)));
 * ```
 */
export function bmpTest(scar: Float64Array): BmpTest {
  const n = scar.length;
  if (n < 2) {
    throw new RangeError(
      `Cannot run the BMP test: it needs at least 2 standardized CARs, got ${n}`,
    );
  }
  let s = 0;
  for (let i = 0; i < n; i++) s += scar[i]!;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (scar[i]! - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const statistic = mean / (sd / Math.sqrt(n));
  return { meanScar: mean, sdScar: sd, statistic, pValue: twoSidedT(statistic, n - 1), n };
}

/** Two-sided Student-t p-value; NaN statistic gives NaN. */
export function twoSidedT(t: number, df: number): number {
  if (Number.isNaN(t)) return NaN;
  return 2 * studentTCdf(-Math.abs(t), df);
}
