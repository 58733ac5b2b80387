/**
 * The finite values of one timestamp of a panel, with the assets they belong to.
 *
 * @module
 */

/**
 * Gather the cross-section of `signal` (one series per asset) at row `t`: its finite values go
 * to `values[0..n)` and their asset indices to `assets[0..n)`, in asset order; returns n. NaN
 * and ±Infinity (a missing bar, a signal without enough history) are left out, as alphalens
 * drops them per timestamp. The first step of every per-timestamp statistic (ranks, quantile
 * buckets, turnover); no allocation, O(assets).
 *
 * @param signal one series per asset, all of the same length
 * @param t the row
 * @param values output, length >= number of assets
 * @param assets output, length >= number of assets
 *
 * @example
 * ```ts
 * import { finiteCrossSection } from "@lib/research/finite_cross_section.ts";
 * import assert from "node:assert/strict";
 * const signal = [new Float64Array([1, 2]), new Float64Array([NaN, 5]), new Float64Array([3, Infinity])];
 * const values = new Float64Array(3), assets = new Int32Array(3);
 * assert.equal(finiteCrossSection(signal, 0, values, assets), 2);
 * assert.deepEqual([...values.subarray(0, 2)], [1, 3]);
 * assert.deepEqual([...assets.subarray(0, 2)], [0, 2]);
 * ```
 */
export function finiteCrossSection(
  signal: readonly ArrayLike<number>[],
  t: number,
  values: Float64Array,
  assets: Int32Array,
): number {
  let n = 0;
  for (let a = 0; a < signal.length; a++) {
    const v = signal[a]![t]!;
    // v - v === 0 is false exactly for NaN and ±Infinity
    if (v - v === 0) {
      values[n] = v;
      assets[n++] = a;
    }
  }
  return n;
}
