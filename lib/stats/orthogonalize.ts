/**
 * Sequential (Gram-Schmidt) orthogonalization of several signals over one cross-section.
 *
 * @module
 */
import type { Series } from "./types.ts";
import { leastSquares } from "./least_squares.ts";

/**
 * Orthogonalize `signals` in the given order across one cross-section: the first is demeaned,
 * and each later one is replaced by its OLS residual on a constant and all the orthogonalized
 * signals before it. The outputs are mutually uncorrelated and each has mean zero, and signal
 * `j` keeps only what signals `0..j-1` did not already say, so order expresses priority (put the
 * signal you trust most first). Use it before combining signals, so a composite does not
 * double-count a shared component (short-term reversal and residual momentum, say).
 *
 * Rows are the assets where EVERY signal is finite; every other row is NaN in every output, so
 * all outputs live on one common universe and are orthogonal on it. A signal with nothing left to
 * say gives NaN for that signal, and it is left out of the regressors of later signals: one that
 * is constant across the cross-section (every asset the same value: no information), one that
 * the previous ones explain to working precision (residual sum of squares below 1e-20 times its
 * centred sum of squares, i.e. R^2 = 1 to ~10 digits), and any signal when there are no more
 * complete rows than regressors. Equal to statsmodels
 * `sm.OLS(s_j, sm.add_constant(column_stack([o_0, ..., o_{j-1}]))).fit().resid` on the complete
 * rows (classical Gram-Schmidt done by regression, which is more stable than subtracting
 * projections one at a time).
 * Reference: https://en.wikipedia.org/wiki/Gram%E2%80%93Schmidt_process.
 *
 * Cost: O(n K^3) for K signals of n assets (one QR of up to K columns per signal).
 *
 * @example Take out of the second signal what the first already says
 * ```ts
 * import { orthogonalize } from "@lib/stats/orthogonalize.ts";
 * import assert from "node:assert/strict";
 * const momentum = [0.1, 0.3, 0.2, 0.5, 0.4];
 * const reversal = [0.2, 0.5, 0.1, 0.9, NaN];
 * const [a, b] = orthogonalize([momentum, reversal]);
 * assert.ok(Number.isNaN(a![4]!) && Number.isNaN(b![4]!)); // not in both: dropped from both
 * let dot = 0;
 * for (let i = 0; i < 4; i++) dot += a![i]! * b![i]!;
 * assert.ok(Math.abs(dot) < 1e-15);
 * assert.ok(Math.abs(a![0]! - (0.1 - 0.275)) < 1e-15); // the first is only demeaned
 * ```
 */
export function orthogonalize(signals: readonly Series[]): Float64Array[] {
  const k = signals.length;
  const n = k > 0 ? signals[0]!.length : 0;
  signals.forEach((s, j) => {
    if (s.length !== n) {
      throw new RangeError(
        `Cannot orthogonalize: signal ${j} has ${s.length} values, signal 0 has ${n}; pass one value per asset of the same cross-section`,
      );
    }
  });
  const complete = new Uint8Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (let j = 0; ok && j < k; j++) ok = Number.isFinite(signals[j]![i]!);
    if (ok) {
      complete[i] = 1;
      m++;
    }
  }
  const cols = signals.map((s) => {
    const c = new Float64Array(m);
    for (let i = 0, r = 0; i < n; i++) if (complete[i] === 1) c[r++] = s[i]!;
    return c;
  });
  const orth = signals.map(() => new Float64Array(m));
  orthogonalizeRows(cols, new Float64Array(m).fill(1), orth);
  return orth.map((o) => {
    const out = new Float64Array(n).fill(NaN);
    for (let i = 0, r = 0; i < n; i++) if (complete[i] === 1) out[i] = o[r++]!;
    return out;
  });
}

/**
 * The kernel of {@link orthogonalize} on complete rows: `cols[j]`, `ones` and `out[j]` all have
 * the same length m (finite values only); writes the orthogonalized signals into `out` (NaN for
 * a signal that cannot be identified). Internal: shared with `lib/research/cross_section.ts`,
 * not re-exported.
 */
export function orthogonalizeRows(
  cols: readonly Float64Array[],
  ones: Float64Array,
  out: readonly Float64Array[],
): void {
  const regs: Float64Array[] = [ones];
  for (let j = 0; j < cols.length; j++) {
    const o = out[j]!;
    const y = cols[j]!;
    const fit = ones.length > regs.length ? leastSquares(regs, y) : null;
    // A signal the previous ones (and the constant) explain to working precision, a constant
    // one included, has no residual left: its "residual" would be rounding noise.
    if (fit === null) {
      o.fill(NaN);
      continue;
    }
    const tss = centredSumOfSquares(y);
    if (!(tss > 0) || !(fit.ssr > 1e-20 * tss)) {
      o.fill(NaN);
      continue;
    }
    o.set(fit.residuals);
    regs.push(o);
  }
}

/** Centred sum of squares of `y`; exactly 0 when all values are equal. */
function centredSumOfSquares(y: Float64Array): number {
  let s = 0, lo = Infinity, hi = -Infinity;
  for (let i = 0; i < y.length; i++) {
    s += y[i]!;
    if (y[i]! < lo) lo = y[i]!;
    if (y[i]! > hi) hi = y[i]!;
  }
  // The mean of equal values can round away from them, leaving a spurious tiny spread.
  if (!(lo < hi)) return 0;
  const mu = s / y.length;
  let ss = 0;
  for (let i = 0; i < y.length; i++) ss += (y[i]! - mu) * (y[i]! - mu);
  return ss;
}
