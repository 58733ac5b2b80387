/**
 * Tie-averaged ranks from a sorted sample: the step every average-rank routine ends with.
 *
 * @module
 */

/**
 * Given the first `n` values sorted ascending in `keys` and, in `order`, the position each
 * came from, write to `out[order[k]]` its 1-based rank, each run of equal values sharing the
 * mean of its positions (pandas `rank(method="average")`, scipy `rankdata`). A run at sorted
 * positions i..j-1 (0-based) holds ranks i+1..j, whose mean is (i + 1 + j) / 2. O(n).
 *
 * Why one function: `rankInto` (a quicksort per call) and the research layer's
 * cross-section ranker (an adaptive insertion sort across bars) sort differently but must give
 * the same ranks; they share this step.
 *
 * @param keys the values, sorted ascending (first n entries; all finite)
 * @param order `order[k]` = original position of `keys[k]`
 * @param n how many entries
 * @param out ranks by original position (at least as long as the largest position + 1)
 *
 * @example A tie shares the mean of its positions
 * ```ts
 * import { averageRanksOfSorted } from "@lib/stats/average_ranks.ts";
 * import assert from "node:assert/strict";
 * // values [5, 1, 5, 3] sorted: 1 (from 1), 3 (from 3), 5 (from 0), 5 (from 2)
 * const out = new Float64Array(4);
 * averageRanksOfSorted(new Float64Array([1, 3, 5, 5]), new Int32Array([1, 3, 0, 2]), 4, out);
 * assert.deepEqual([...out], [3.5, 1, 3.5, 2]);
 * ```
 */
export function averageRanksOfSorted(
  keys: Float64Array,
  order: Int32Array,
  n: number,
  out: Float64Array,
): void {
  let i = 0;
  while (i < n) {
    const v = keys[i]!;
    let j = i + 1;
    while (j < n && keys[j] === v) j++;
    const r = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) out[order[k]!] = r;
    i = j;
  }
}
