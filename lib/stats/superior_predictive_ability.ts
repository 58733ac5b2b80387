import { type DataSnoopingOptions, snoopingCore } from "./_data_snooping.ts";
import type { Series } from "./types.ts";

/** What {@link superiorPredictiveAbility} returns. */
export interface SpaResult {
  /** `T = max(0, max_k sqrt(n) d-bar_k / omega_k)`. */
  readonly statistic: number;
  /**
   * Hansen's three p-values: `consistent` is the test (consistent, and less sensitive to poor
   * trials than the Reality Check); `lower` and `upper` bound it (the upper one is the
   * studentized Reality Check).
   */
  readonly pValues: { readonly lower: number; readonly consistent: number; readonly upper: number };
  /** `sqrt(n) d-bar_k / omega_k` per trial (NaN where omega_k = 0). */
  readonly tStatistics: Float64Array;
  /** Bootstrap standard error omega_k of `sqrt(n) d-bar_k`. */
  readonly omega: Float64Array;
  /** Mean differential d-bar_k of each trial. */
  readonly meanDifferentials: Float64Array;
  /** Trial with the largest t statistic. */
  readonly best: number;
  readonly replications: number;
  readonly blockLength: number;
}

/**
 * Hansen's test for superior predictive ability (SPA), studentized. Null hypothesis: no trial
 * has a higher expected return than the benchmark. Unlike the Reality Check it divides each
 * trial's mean differential by its standard error and drops clearly poor trials from the null
 * distribution, so adding bad or noisy variants to a family does not hide a good one.
 *
 * With d_kt = r_kt - b_t, d-bar_k its mean, d-bar*_bk the mean over resample b (stationary
 * bootstrap: given `indices`, or drawn), and `omega_k^2 = (n / B) sum_b (d-bar*_bk - d-bar_k)^2`
 * (Hansen 2005, section 2.3: the bootstrap estimator of the variance of sqrt(n) d-bar_k):
 *
 * - `T = max(0, max_k sqrt(n) d-bar_k / omega_k)`;
 * - `T*_b = max(0, max_k sqrt(n) (d-bar*_bk - mu_k) / omega_k)` with the recentring
 *   `mu_k = max(d-bar_k, 0)` (lower), `d-bar_k 1{sqrt(n) d-bar_k / omega_k >= -sqrt(2 ln ln n)}`
 *   (consistent), `d-bar_k` (upper);
 * - p-value = share of `T*_b > T` when `T > 0`, and 1 when `T = 0` (no trial beats the
 *   benchmark). Hansen's share of `T*_b > T` assumes a continuous null distribution; but `T*_b`
 *   is floored at 0 too, so at `T = 0` the share of `T*_b > 0` would count only the resamples
 *   where some recentred trial happens to exceed the benchmark and give a small p-value to a
 *   family that loses (the lower and consistent bounds of two clearly losing trials gave 0).
 *   `P(T* >= T) = 1` there, which is also what the Reality Check gives a losing family (its
 *   statistic is not floored: `V < 0`, and nearly every `V*_b` exceeds it).
 *
 * Every statistic is studentized, in the data and in each resample (a popular Python
 * implementation labels its SPA studentized but uses raw differences). A trial whose
 * differential has zero bootstrap variance (identical to the benchmark) is left out.
 * Reference: Hansen (2005), "A Test for Superior Predictive Ability", J. of Business and
 * Economic Statistics 23(4), 365-380. Cost: as `realityCheck`.
 *
 * @example A family of pure noise is not significant
 * ```ts
 * import { superiorPredictiveAbility } from "@lib/stats/superior_predictive_ability.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(3);
 * const bench = new Float64Array(800);
 * const trials = Array.from({ length: 30 }, () => Float64Array.from(bench, () => 0.01 * rng.normal()));
 * const spa = superiorPredictiveAbility(trials, bench, { blockLength: 4, replications: 400, seed: 1 });
 * assert.ok(spa.pValues.lower <= spa.pValues.consistent);
 * assert.ok(spa.pValues.consistent <= spa.pValues.upper);
 * assert.ok(spa.pValues.consistent > 0.05);
 * ```
 */
export function superiorPredictiveAbility(
  trials: readonly Series[],
  benchmark: Series,
  options: DataSnoopingOptions = {},
): SpaResult {
  const c = snoopingCore(trials, benchmark, options, "SPA test");
  const { n, k: K, means, boot, omega } = c;
  const rn = Math.sqrt(n);
  const threshold = -Math.sqrt(2 * Math.log(Math.log(n)));
  const t = new Float64Array(K);
  const muL = new Float64Array(K), muC = new Float64Array(K);
  let T = 0, best = -1;
  for (let j = 0; j < K; j++) {
    const w = omega[j]!;
    if (!(w > 0)) {
      t[j] = NaN;
      continue;
    }
    t[j] = (rn * means[j]!) / w;
    if (best < 0 || t[j]! > t[best]!) best = j;
    if (t[j]! > T) T = t[j]!;
    muL[j] = Math.max(means[j]!, 0);
    muC[j] = t[j]! >= threshold ? means[j]! : 0;
  }
  let eL = 0, eC = 0, eU = 0;
  for (let b = 0; b < c.replications; b++) {
    let mL = 0, mC = 0, mU = 0;
    const o = b * K;
    for (let j = 0; j < K; j++) {
      const w = omega[j]!;
      if (!(w > 0)) continue;
      const s = rn / w, v = boot[o + j]!;
      const l = s * (v - muL[j]!), cc = s * (v - muC[j]!), u = s * (v - means[j]!);
      if (l > mL) mL = l;
      if (cc > mC) mC = cc;
      if (u > mU) mU = u;
    }
    if (mL > T) eL++;
    if (mC > T) eC++;
    if (mU > T) eU++;
  }
  const B = c.replications;
  // T = 0 is the smallest value the statistic can take: every T*_b >= T (see the JSDoc).
  const p = (e: number) => (T > 0 ? e / B : 1);
  return {
    statistic: T,
    pValues: { lower: p(eL), consistent: p(eC), upper: p(eU) },
    tStatistics: t,
    omega,
    meanDifferentials: means,
    best: Math.max(best, 0),
    replications: B,
    blockLength: c.blockLength,
  };
}
