import { type DataSnoopingOptions, snoopingCore } from "./_data_snooping.ts";
import type { Series } from "./types.ts";

/** What {@link realityCheck} returns. */
export interface RealityCheckResult {
  /** `V = max_k sqrt(n) d-bar_k`, d-bar_k the mean of trial k's return minus the benchmark's. */
  readonly statistic: number;
  /** Share of resamples with `V*_b > V`: small means the best trial beats the benchmark beyond luck. */
  readonly pValue: number;
  /** Trial with the largest mean differential. */
  readonly best: number;
  /** Mean differential of each trial. */
  readonly meanDifferentials: Float64Array;
  readonly replications: number;
  readonly blockLength: number;
}

/**
 * White's Reality Check for data snooping. Null hypothesis: no trial of the family has a higher
 * expected return than the benchmark (`max_k E[r_k - b] <= 0`); performance is the mean return,
 * larger is better. It accounts for the whole family searched, so the best of 500 variants is
 * judged against the best of 500 resampled variants, not against one.
 *
 * `V = max_k sqrt(n) d-bar_k`; with stationary-bootstrap resamples (given `indices`, or drawn
 * with `blockLength`, `replications`, `seed`), `V*_b = max_k sqrt(n) (d-bar*_bk - d-bar_k)`
 * (recentred at the observed means, the least favourable null), and the p-value is the share of
 * `V*_b > V`. Not studentized, as in White's paper: a noisy irrelevant trial can hide a good one;
 * `superiorPredictiveAbility` fixes that. Rows must be finite and aligned.
 * Reference: White (2000), "A Reality Check for Data Snooping", Econometrica 68(5), 1097-1126.
 * Cost: O(K n) for prefix sums, then O(n + K rows) per resample, rows being the prefix rows
 * that start or end a run of consecutive resampled rows (about 2 n / blockLength, at most n + 1).
 *
 * @example One trial with a real edge among noise
 * ```ts
 * import { realityCheck } from "@lib/stats/reality_check.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(1);
 * const bench = Float64Array.from({ length: 1000 }, () => 0.01 * rng.normal());
 * const trials = Array.from({ length: 20 }, (_, k) =>
 *   bench.map((b) => b + 0.01 * rng.normal() + (k === 7 ? 0.003 : 0)));
 * const rc = realityCheck(trials, bench, { blockLength: 5, replications: 500, seed: 2 });
 * assert.equal(rc.best, 7);
 * assert.ok(rc.pValue < 0.05);
 * ```
 */
export function realityCheck(
  trials: readonly Series[],
  benchmark: Series,
  options: DataSnoopingOptions = {},
): RealityCheckResult {
  const c = snoopingCore(trials, benchmark, options, "Reality Check");
  const rn = Math.sqrt(c.n);
  let best = 0;
  for (let j = 1; j < c.k; j++) if (c.means[j]! > c.means[best]!) best = j;
  const V = rn * c.means[best]!;
  let exceed = 0;
  for (let b = 0; b < c.replications; b++) {
    let m = -Infinity;
    for (let j = 0; j < c.k; j++) {
      const v = rn * (c.boot[b * c.k + j]! - c.means[j]!);
      if (v > m) m = v;
    }
    if (m > V) exceed++;
  }
  return {
    statistic: V,
    pValue: exceed / c.replications,
    best,
    meanDifferentials: c.means,
    replications: c.replications,
    blockLength: c.blockLength,
  };
}
