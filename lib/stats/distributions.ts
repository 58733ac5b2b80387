/**
 * Cumulative distribution and quantile functions of the distributions the tests and p-values in
 * `lib/stats` use: standard normal, Student's t, chi-square and F. They come from the
 * maintained `@stdlib/stats-base-dists-*` packages (ports of Boost's incomplete beta and gamma
 * functions, accurate to a few ulps), so we do not hand-write special functions.
 *
 * @example Two-sided p-values
 * ```ts
 * import { normalCdf, studentTCdf } from "@lib/stats/distributions.ts";
 * import assert from "node:assert/strict";
 * // scipy 1.10.1: 2 * norm.sf(1.96) = 0.04999579029644087
 * assert.ok(Math.abs(2 * (1 - normalCdf(1.96)) - 0.04999579029644087) < 1e-12);
 * // scipy 1.10.1: 2 * t.sf(2.0, 10) = 0.07338803477074039
 * assert.ok(Math.abs(2 * (1 - studentTCdf(2.0, 10)) - 0.07338803477074039) < 1e-12);
 * ```
 *
 * @module
 */
import normalCdfImpl from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantileImpl from "@stdlib/stats-base-dists-normal-quantile";
import tCdfImpl from "@stdlib/stats-base-dists-t-cdf";
import tQuantileImpl from "@stdlib/stats-base-dists-t-quantile";
import chiSquareCdfImpl from "@stdlib/stats-base-dists-chisquare-cdf";
import fCdfImpl from "@stdlib/stats-base-dists-f-cdf";

/**
 * P(Z <= z) for a standard normal Z.
 *
 * @example
 * ```ts
 * import { normalCdf } from "@lib/stats/distributions.ts";
 * import assert from "node:assert/strict";
 * assert.equal(normalCdf(0), 0.5);
 * ```
 */
export function normalCdf(z: number): number {
  return normalCdfImpl(z, 0, 1);
}

/**
 * The z with P(Z <= z) = p for a standard normal Z (`NaN` outside [0, 1]).
 *
 * @example
 * ```ts
 * import { normalQuantile } from "@lib/stats/distributions.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-12);
 * ```
 */
export function normalQuantile(p: number): number {
  return normalQuantileImpl(p, 0, 1);
}

/**
 * P(T <= t) for Student's t with `df` degrees of freedom (`df` may be fractional).
 *
 * @example
 * ```ts
 * import { studentTCdf } from "@lib/stats/distributions.ts";
 * import assert from "node:assert/strict";
 * assert.equal(studentTCdf(0, 5), 0.5);
 * ```
 */
export function studentTCdf(t: number, df: number): number {
  return tCdfImpl(t, df);
}

/**
 * The t with P(T <= t) = p for Student's t with `df` degrees of freedom.
 *
 * @example
 * ```ts
 * import { studentTQuantile } from "@lib/stats/distributions.ts";
 * import assert from "node:assert/strict";
 * // scipy 1.10.1: t.ppf(0.975, 10) = 2.2281388519649385
 * assert.ok(Math.abs(studentTQuantile(0.975, 10) - 2.2281388519649385) < 1e-10);
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  return tQuantileImpl(p, df);
}

/**
 * P(X <= x) for a chi-square X with `df` degrees of freedom.
 *
 * @example
 * ```ts
 * import { chiSquareCdf } from "@lib/stats/distributions.ts";
 * import assert from "node:assert/strict";
 * // scipy 1.10.1: chi2.cdf(3.841458820694124, 1) = 0.95
 * assert.ok(Math.abs(chiSquareCdf(3.841458820694124, 1) - 0.95) < 1e-12);
 * ```
 */
export function chiSquareCdf(x: number, df: number): number {
  return chiSquareCdfImpl(x, df);
}

/**
 * P(X <= x) for an F-distributed X with `d1` and `d2` degrees of freedom.
 *
 * @example
 * ```ts
 * import { fCdf } from "@lib/stats/distributions.ts";
 * import assert from "node:assert/strict";
 * // scipy 1.10.1: f.cdf(2.0, 3, 30) = 0.8648000011105964
 * assert.ok(Math.abs(fCdf(2.0, 3, 30) - 0.8648000011105964) < 1e-10);
 * ```
 */
export function fCdf(x: number, d1: number, d2: number): number {
  return fCdfImpl(x, d1, d2);
}
