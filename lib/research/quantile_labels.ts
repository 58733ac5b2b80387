/**
 * Quantile buckets of a cross-section, assigned exactly like pandas `pd.qcut(x, q,
 * labels=False)` (the rule alphalens uses per timestamp).
 *
 * @module
 */
import { quantileSorted } from "../core/quantile.ts";

/**
 * Assign each of the first `n` (finite) values of `xs` to a quantile bucket 0..q-1, writing
 * the labels to `labels`; `sorted` (length >= n) is scratch space (one typed-array view per
 * call). Returns `true` when the q + 1 bucket edges are distinct, i.e. when pandas would accept them.
 *
 * The rule is pandas 1.5.3 `pd.qcut(x, q, labels=False)`: edges are numpy's linear-interpolation
 * quantiles `np.quantile(x, np.linspace(0, 1, q + 1))` (reproduced bit for bit, including
 * numpy 1.24's two-sided lerp), and a value v gets the bucket `count(edges < v) - 1`, the lowest
 * value going to bucket 0 (right-closed intervals, `include_lowest=True`).
 *
 * Ties: values equal to an edge go to the lower bucket, so all copies of a value share one
 * bucket. Where pandas raises ("Bin edges must be unique", many tied values, e.g. zero returns
 * of illiquid coins) we apply the same rule instead of failing: tied values fill the lowest
 * bucket they reach and some bucket is left empty (its numbering is kept, unlike
 * `duplicates="drop"`, so bucket q-1 is always the top one). O(n log n).
 *
 * Reference: pandas `qcut` (https://pandas.pydata.org/docs/reference/api/pandas.qcut.html),
 * numpy `quantile` method "linear" (Hyndman and Fan 1996, definition 7).
 *
 * @example Ten values in five buckets, as pd.qcut(range(10), 5, labels=False)
 * ```ts
 * import { quantileLabels } from "@lib/research/quantile_labels.ts";
 * import assert from "node:assert/strict";
 * const xs = new Float64Array([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
 * const labels = new Int32Array(10);
 * assert.equal(quantileLabels(xs, 10, 5, labels, new Float64Array(10)), true);
 * assert.deepEqual([...labels], [4, 4, 3, 3, 2, 2, 1, 1, 0, 0]);
 * ```
 */
export function quantileLabels(
  xs: Float64Array,
  n: number,
  q: number,
  labels: Int32Array,
  sorted: Float64Array,
): boolean {
  for (let i = 0; i < n; i++) sorted[i] = xs[i]!;
  // Float64Array's own sort is numeric (the inputs are finite, so the order is exact)
  sorted.subarray(0, n).sort();
  const s = sorted;
  const step = 1 / q; // np.linspace(0, 1, q + 1): i * (1 / q), last point exactly 1
  // interior edges e_1..e_{q-1}; e_0 = min and e_q = max never change a label
  let distinct = true;
  let prevEdge = s[0]!;
  for (let i = 0; i < n; i++) labels[i] = 0;
  for (let k = 1; k < q; k++) {
    const edge = quantileSorted(s, k * step, n);
    if (!(edge > prevEdge)) distinct = false;
    prevEdge = edge;
    // every value strictly above this edge moves up one bucket
    for (let i = 0; i < n; i++) if (xs[i]! > edge) labels[i] = labels[i]! + 1;
  }
  if (!(s[n - 1]! > prevEdge)) distinct = false;
  return distinct;
}
