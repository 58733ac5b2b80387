/**
 * Order statistics and numpy's "linear" sample quantile (Hyndman & Fan type 7), the one kernel
 * behind winsorizing (lib/stats), quantile buckets (lib/research) and the robust jump gate
 * (lib/ingest). It lives in lib/core because the ingest gates sit below lib/stats in the layering.
 *
 * @module
 */

/**
 * The q-quantile of the first `n` entries of an ascending `sorted` array, by numpy's default
 * `method="linear"` (numpy 1.24 `np.quantile(x, q)`, pandas `Series.quantile(q)` up to pandas'
 * own rounding of q, R's type 7): the position is `pos = (n - 1) q`, and the value is
 * interpolated between `sorted[floor(pos)]` and the next one with numpy's two-sided lerp
 * (`a + (b - a) g`, or `b - (b - a)(1 - g)` when `g >= 0.5`), so it equals numpy bit for bit.
 * Use it when the values are already sorted (several quantiles of one sample); on an unsorted
 * buffer use {@link quantileInPlace}. The caller guarantees `n >= 1`, `0 <= q <= 1` and no NaN.
 *
 * Reference: Hyndman & Fan (1996), "Sample quantiles in statistical packages", definition 7;
 * https://numpy.org/doc/stable/reference/generated/numpy.quantile.html. Cost: O(1).
 *
 * @example The quartiles of 1..5 and the 0.1-quantile of [1, 2, 3, 10], as numpy computes them
 * ```ts
 * import { quantileSorted } from "@lib/core/quantile.ts";
 * import assert from "node:assert/strict";
 * const s = Float64Array.of(1, 2, 3, 4, 5);
 * assert.deepEqual([0, 0.25, 0.5, 0.75, 1].map((q) => quantileSorted(s, q)), [1, 2, 3, 4, 5]);
 * // np.quantile([1, 2, 3, 10], 0.1) == 1.3: position 0.3 between 1 and 2
 * assert.equal(quantileSorted(Float64Array.of(1, 2, 3, 10), 0.1), 1.3);
 * ```
 */
export function quantileSorted(sorted: Float64Array, q: number, n: number = sorted.length): number {
  const pos = (n - 1) * q;
  const i = Math.floor(pos);
  const a = sorted[i]!;
  return i + 1 >= n ? a : lerp(a, sorted[i + 1]!, pos - i);
}

/**
 * The q-quantile (numpy `method="linear"`, as {@link quantileSorted}) of the first `m >= 1`
 * entries of an unsorted `buf`, found by two order statistics instead of a sort. `buf` is
 * reordered but its multiset is kept, so it can be called again for another q. The caller
 * guarantees `0 <= q <= 1` and no NaN in `buf[0..m)`. Cost: O(m) expected.
 *
 * @example The 10% and 90% quantiles of five values, without sorting them
 * ```ts
 * import { quantileInPlace } from "@lib/core/quantile.ts";
 * import assert from "node:assert/strict";
 * const buf = Float64Array.of(100, 3, 1, 4, 2);
 * // np.quantile([1, 2, 3, 4, 100], [0.1, 0.9]) == [1.4, 61.6]
 * assert.ok(Math.abs(quantileInPlace(buf, 5, 0.1) - 1.4) < 1e-12);
 * assert.ok(Math.abs(quantileInPlace(buf, 5, 0.9) - 61.6) < 1e-12);
 * ```
 */
export function quantileInPlace(buf: Float64Array, m: number, q: number): number {
  const pos = (m - 1) * q;
  const i = Math.floor(pos);
  const a = selectInPlace(buf, m, i);
  if (i + 1 >= m) return a;
  // After the select, buf[i+1..m) >= buf[i]: the next order statistic is their minimum.
  let b = buf[i + 1]!;
  for (let j = i + 2; j < m; j++) if (buf[j]! < b) b = buf[j]!;
  return lerp(a, b, pos - i);
}

/**
 * Hoare's quickselect (FIND) with a median-of-three pivot: reorders `a[0..m)` so that `a[k]` is
 * the k-th smallest (0-based), everything before it `<=` and everything after it `>=`, and
 * returns `a[k]`. Use it for a median or any order statistic of a scratch buffer. The caller
 * guarantees `0 <= k < m` and no NaN in `a[0..m)`.
 *
 * Reference: C. A. R. Hoare (1961), "Algorithm 65: Find", CACM 4(7);
 * https://en.wikipedia.org/wiki/Quickselect. Cost: O(m) expected, O(m^2) worst case.
 *
 * @example The median of an odd-length buffer
 * ```ts
 * import { selectInPlace } from "@lib/core/quantile.ts";
 * import assert from "node:assert/strict";
 * const a = Float64Array.of(5, 1, 4, 2, 3);
 * assert.equal(selectInPlace(a, 5, 2), 3);
 * assert.ok(a.slice(0, 2).every((v) => v <= 3) && a.slice(3).every((v) => v >= 3));
 * ```
 */
export function selectInPlace(a: Float64Array, m: number, k: number): number {
  let lo = 0, hi = m - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const x = a[lo]!, y = a[mid]!, z = a[hi]!;
    const p = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < p) i++;
      while (a[j]! > p) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break; // j < k < i: a[k] equals the pivot and is in place
  }
  return a[k]!;
}

/** numpy 1.24 `_lerp`: `a + (b - a) g`, or `b - (b - a)(1 - g)` when `g >= 0.5`. */
function lerp(a: number, b: number, g: number): number {
  const d = b - a;
  return g >= 0.5 ? b - d * (1 - g) : a + d * g;
}
