/**
 * In-place sort of value/position pairs, shared by the ranking kernels (internal: not
 * re-exported).
 *
 * @module
 */

/**
 * Sort `keys[lo..hi]` (inclusive) ascending in place, applying the same moves to `order`:
 * quicksort with a median-of-three pivot and a branch-free three-way partition, insertion
 * sort below 16 elements, recursion on the smaller side (O(log n) stack). No allocation. O(n log n) expected.
 */
export function sortPairs(keys: Float64Array, order: Int32Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    const a = keys[lo]!, b = keys[mid]!, c = keys[hi]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
    // Branch-free Lomuto partition (always swap, advance the boundary by 0 or 1): random
    // cross-sections make a quicksort's comparisons unpredictable, and a mispredicted branch
    // costs more than the extra stores. First pass: keys < pivot to the front; second: keys
    // equal to the pivot next (so runs of ties, common in returns, are never re-sorted).
    let lt = lo;
    for (let i = lo; i <= hi; i++) {
      const k = keys[i]!, o = order[i]!;
      const step = k < pivot ? 1 : 0;
      keys[i] = keys[lt]!;
      order[i] = order[lt]!;
      keys[lt] = k;
      order[lt] = o;
      lt += step;
    }
    let eq = lt;
    for (let i = lt; i <= hi; i++) {
      const k = keys[i]!, o = order[i]!;
      const step = k === pivot ? 1 : 0;
      keys[i] = keys[eq]!;
      order[i] = order[eq]!;
      keys[eq] = k;
      order[eq] = o;
      eq += step;
    }
    // [lo, lt) < pivot, [lt, eq) == pivot, [eq, hi] > pivot; recurse on the smaller side
    if (lt - lo < hi - eq + 1) {
      sortPairs(keys, order, lo, lt - 1);
      lo = eq;
    } else {
      sortPairs(keys, order, eq, hi);
      hi = lt - 1;
    }
  }
  for (let i = lo + 1; i <= hi; i++) {
    const k = keys[i]!, o = order[i]!;
    let j = i - 1;
    while (j >= lo && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      order[j + 1] = order[j]!;
      j--;
    }
    keys[j + 1] = k;
    order[j + 1] = o;
  }
}
