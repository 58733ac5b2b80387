/**
 * Trailing-window sum, mean and standard deviation with pandas' missing-value rules.
 *
 * @module
 */

/**
 * Rolling sum, mean or sample std (ddof 1) of the finite values in rows t-window+1..t, `NaN`
 * when fewer than `minObs` of them: pandas 1.5 `s.rolling(window, min_periods=minObs)
 * .sum() / .mean() / .std()`. O(1) per step.
 *
 * Sums and means follow pandas' own kernels (`roll_sum` / `roll_mean` in
 * `pandas/_libs/window/aggregations.pyx`) step for step: at each row the leaving value is
 * removed, then the entering one added, each with its own Kahan compensation; a window of one
 * repeated value v gives exactly `count * v` / `v` (pandas' `num_consecutive_same_value`); a
 * mean of all non-negative (non-positive) values is clipped at 0. Doing the same floating-point
 * operations in the same order gives the same doubles, so exact ties (a flat coin's momentum
 * summing to ~1e-17 on both sides) rank the same as in pandas.
 *
 * The std uses Kahan-compensated sums of `x - ref` and `(x - ref)^2`, `ref` = the first finite
 * value (so large levels do not cancel), reset whenever the window holds no finite value; a
 * window of one repeated value has std exactly 0. It agrees with pandas' Welford kernel to
 * ~1e-12 relative, not bit for bit.
 *
 * Why here: the signals (volatility, volume surprise, Amihud, residual momentum) and the pairs
 * spread z-score all need trailing means and standard deviations with the same missing-value
 * rules; a constant window (a stale price, a run of zero returns) gives a std of exactly 0
 * (judged by counting repeated values, not by a rounding residue), which callers treat as "no
 * scale". Reference: pandas' window aggregations. Cost: O(n).
 *
 * @param x the series (NaN = missing)
 * @param window rows per window (an integer >= 1)
 * @param minObs finite values a window needs for a result (an integer in [1, window])
 * @param stat `"sum"`, `"mean"` or `"std"` (sample, ddof 1)
 *
 * @example A 3-bar rolling mean and std, and a flat window
 * ```ts
 * import { rollingStat } from "@lib/stats/rolling_stat.ts";
 * import assert from "node:assert/strict";
 * const x = new Float64Array([1, 2, 3, NaN, 5, 5, 5]);
 * const m = rollingStat(x, 3, 2, "mean");
 * assert.ok(Number.isNaN(m[0]!)); // one value, minObs 2
 * assert.equal(m[2], 2);
 * assert.equal(m[4], 4); // 3 and 5 (the NaN is skipped)
 * assert.equal(rollingStat(x, 3, 2, "std")[6], 0); // 5, 5, 5: no scale at all
 * ```
 */
export function rollingStat(
  x: Float64Array,
  window: number,
  minObs: number,
  stat: "sum" | "mean" | "std",
): Float64Array {
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(
      `Cannot compute a rolling ${stat}: window must be an integer >= 1, got ${window}`,
    );
  }
  if (!Number.isInteger(minObs) || minObs < 1 || minObs > window) {
    throw new RangeError(
      `Cannot compute a rolling ${stat}: minObs must be an integer in [1, window=${window}], got ${minObs}`,
    );
  }
  return stat === "std" ? rollingStd(x, window, minObs) : rollingSumMean(x, window, minObs, stat);
}

function rollingSumMean(
  x: Float64Array,
  window: number,
  minObs: number,
  stat: "sum" | "mean",
): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  let sum = 0, compAdd = 0, compRemove = 0, nobs = 0, neg = 0;
  let same = 0, prev = n > 0 ? x[0]! : NaN;
  for (let t = 0; t < n; t++) {
    if (t >= window) {
      const v = x[t - window]!;
      if (v === v) {
        nobs--;
        const y = -v - compRemove;
        const u = sum + y;
        compRemove = u - sum - y;
        sum = u;
        if (v < 0) neg--;
      }
    }
    const v = x[t]!;
    if (v === v) {
      nobs++;
      const y = v - compAdd;
      const u = sum + y;
      compAdd = u - sum - y;
      sum = u;
      if (v < 0) neg++;
      same = v === prev ? same + 1 : 1;
      prev = v;
    }
    if (nobs < minObs || nobs === 0) out[t] = NaN;
    else if (stat === "sum") out[t] = same >= nobs ? prev * nobs : sum;
    else if (same >= nobs) out[t] = prev;
    else {
      let m = sum / nobs;
      if (neg === 0 && m < 0) m = 0;
      else if (neg === nobs && m > 0) m = 0;
      out[t] = m;
    }
  }
  return out;
}

function rollingStd(x: Float64Array, window: number, minObs: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  let ref = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(x[i]!)) {
      ref = x[i]!;
      break;
    }
  }
  let s = 0, cs = 0, q = 0, cq = 0, count = 0;
  let same = 0, last = NaN;
  const add = (d: number) => {
    let y = d - cs;
    let u = s + y;
    cs = u - s - y;
    s = u;
    y = d * d - cq;
    u = q + y;
    cq = u - q - y;
    q = u;
  };
  const remove = (d: number) => {
    let y = -d - cs;
    let u = s + y;
    cs = u - s - y;
    s = u;
    y = -d * d - cq;
    u = q + y;
    cq = u - q - y;
    q = u;
  };
  for (let t = 0; t < n; t++) {
    if (t >= window) {
      const o = x[t - window]!;
      if (Number.isFinite(o)) {
        remove(o - ref);
        count--;
      }
    }
    const v = x[t]!;
    if (Number.isFinite(v)) {
      add(v - ref);
      count++;
      same = v === last ? same + 1 : 1;
      last = v;
    }
    if (count === 0) {
      s =
        cs =
        q =
        cq =
          0;
    }
    if (count < minObs || count < 2) out[t] = NaN;
    else if (same >= count) out[t] = 0;
    else {
      const v2 = (q - (s * s) / count) / (count - 1);
      out[t] = v2 > 0 ? Math.sqrt(v2) : 0;
    }
  }
  return out;
}
