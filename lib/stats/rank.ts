/**
 * Average ranks (ties get the mean of the ranks they span), the ranking behind Spearman
 * correlation and rank-based signals.
 *
 * @module
 */
import { sortPairs } from "./_sort_pairs.ts";
import type { Series } from "./types.ts";
import { averageRanksOfSorted } from "./average_ranks.ts";

/**
 * Ranks of `x` from 1 (smallest) to the number of finite values, ties getting the average of
 * the ranks they span, every non-finite value (`NaN`, `±Infinity`) kept as `NaN`. Equal to
 * scipy 1.10 `scipy.stats.rankdata(x, method="average", nan_policy="omit")` on the finite values
 * and to pandas 1.5 `Series.rank()` (method="average", na_option="keep"). Use it to turn a
 * cross-section of signal values into scores that are robust to outliers; `-0` and `0` tie.
 *
 * Cost: O(n log n) time (one sort of value/position pairs, then one pass over runs of ties),
 * O(n) memory.
 *
 * Reference: https://en.wikipedia.org/wiki/Ranking#Fractional_ranking_(%221_2.5_2.5_4%22_ranking)
 *
 * @example Ties share the average rank, NaN stays NaN
 * ```ts
 * import { rank } from "@lib/stats/rank.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([...rank([10, 30, 20, 20, NaN])], [1, 4, 2.5, 2.5, NaN]);
 * ```
 */
export function rank(x: Series): Float64Array {
  const n = x.length;
  const values = new Float64Array(n);
  const where = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) {
      values[m] = v;
      where[m++] = i;
    }
  }
  const ranks = new Float64Array(m);
  rankInto(values, m, ranks, new Float64Array(m), new Int32Array(m));
  const out = new Float64Array(n).fill(NaN);
  for (let k = 0; k < m; k++) out[where[k]!] = ranks[k]!;
  return out;
}

/**
 * Average ranks of the first `n` entries of `values` (all finite) written to `out`, using
 * `keys` (Float64Array) and `order` (Int32Array), both of length >= n, as scratch: no
 * allocation, for kernels that rank thousands of cross-sections (the information coefficient).
 * Sorts value/position pairs with an in-place quicksort (median of three, insertion sort
 * below 16 elements), then gives each run of equal values the mean of its positions + 1.
 * O(n log n) expected.
 *
 * @example Rank a cross-section into preallocated buffers
 * ```ts
 * import { rankInto } from "@lib/stats/rank.ts";
 * import assert from "node:assert/strict";
 * const out = new Float64Array(4);
 * rankInto(new Float64Array([5, 1, 5, 3]), 4, out, new Float64Array(4), new Int32Array(4));
 * assert.deepEqual([...out], [3.5, 1, 3.5, 2]);
 * ```
 */
export function rankInto(
  values: Float64Array,
  n: number,
  out: Float64Array,
  keys: Float64Array,
  order: Int32Array,
): void {
  for (let i = 0; i < n; i++) {
    keys[i] = values[i]!;
    order[i] = i;
  }
  sortPairs(keys, order, 0, n - 1);
  averageRanksOfSorted(keys, order, n, out);
}
