/**
 * The causal rolling mean the spread estimators share (internal).
 *
 * @module
 */

/**
 * `out[t]` = mean of the finite `values[j]` for `j` in `[t - window, t - 1]` (rows before `t`
 * only), NaN when fewer than `minPeriods` are finite. O(n): a running sum and count.
 */
export function causalMean(
  values: ArrayLike<number>,
  window: number,
  minPeriods: number,
): Float64Array {
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  let sum = 0;
  let count = 0;
  for (let t = 1; t < n; t++) {
    const add = values[t - 1]!;
    if (Number.isFinite(add)) {
      sum += add;
      count++;
    }
    const j = t - 1 - window;
    if (j >= 0) {
      const drop = values[j]!;
      if (Number.isFinite(drop)) {
        sum -= drop;
        count--;
      }
    }
    // re-add from scratch now and then so a long run of adds and drops cannot drift
    if (t % 4096 === 0) {
      sum = 0;
      for (let k = Math.max(0, t - window); k < t; k++) {
        const v = values[k]!;
        if (Number.isFinite(v)) sum += v;
      }
    }
    if (count >= minPeriods) out[t] = sum / count;
  }
  return out;
}
