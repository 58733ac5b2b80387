/**
 * Is a symmetric matrix positive semi-definite, to a tolerance relative to its scale?
 *
 * @module
 */
import { symmetricEigen } from "./_linear.ts";

/**
 * True when `A + shift * I` has a Cholesky factor (every pivot > 0), i.e. when the smallest
 * eigenvalue of the symmetric matrix `A` (flat row-major n x n) is above `-shift`, up to
 * rounding. A factorization instead of an eigen decomposition because it is the cheap test:
 * n^3 / 6 multiply-adds (under 1 ms for 126 assets) against several times that for the
 * eigenvalues, and the optimizer runs it on every call.
 */
export function choleskyPasses(a: Float64Array, n: number, shift: number): boolean {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]! + shift;
    for (let k = 0; k < j; k++) d -= l[rj + k]! * l[rj + k]!;
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    l[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let v = a[ri + j]!;
      for (let k = 0; k < j; k++) v -= l[ri + k]! * l[rj + k]!;
      l[ri + j] = v / ljj;
    }
  }
  return true;
}

/**
 * True when the symmetric matrix `A` (flat row-major n x n, a covariance) is positive
 * semi-definite up to `tolerance`, judged on its correlation-scaled form `D^-1/2 A D^-1/2`
 * (D its diagonal): the smallest eigenvalue of that unit-diagonal matrix must be at least
 * `-tolerance`. Scaling first makes the verdict the same whatever each asset's variance: a
 * tolerance relative to the mean variance lets one huge-variance asset hide a non-PSD block of
 * small ones (`[[1e12, 0, 0], [0, 1, 2], [0, 2, 1]]`: the block's eigenvalue -1 is -3e-12 of the
 * mean variance, yet its correlation-scaled eigenvalue is -1). A zero variance (or a negative one
 * within `tolerance` of the mean variance, rounding) is an asset with no risk: it passes only
 * when each of its covariances is at most `tolerance` times sqrt(its partner's variance times
 * the mean variance) in size (a constant series' covariances are 0 up to rounding), and is left
 * out of the scaled matrix; a negative variance beyond that fails. Cost: one Cholesky
 * factorization of the scaled matrix; its eigenvalues only when that fails at the border.
 *
 * @example The reviewer's matrix fails; a huge variance beside a PSD block passes
 * ```ts
 * import { psdWithin } from "./_psd.ts";
 * import assert from "node:assert/strict";
 * assert.equal(psdWithin(Float64Array.of(1e12, 0, 0, 0, 1, 2, 0, 2, 1), 3, 1e-11), false);
 * assert.equal(psdWithin(Float64Array.of(1e12, 0, 0, 0, 1, 0.5, 0, 0.5, 1), 3, 1e-11), true);
 * ```
 */
export function psdWithin(a: Float64Array, n: number, tolerance: number): boolean {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += a[i * n + i]!;
  const meanVariance = n > 0 ? Math.max(trace / n, 0) : 0;
  const keep: number[] = [];
  const zero: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = a[i * n + i]!;
    if (!Number.isFinite(v)) return false;
    if (v > 0) keep.push(i);
    else if (v >= -tolerance * meanVariance) zero.push(i);
    else return false; // a negative variance
  }
  for (const i of zero) {
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const vj = Math.max(a[j * n + j]!, 0);
      if (!(Math.abs(a[i * n + j]!) <= tolerance * Math.sqrt(vj * meanVariance))) return false;
    }
  }
  const c = correlationScaled(a, n, keep);
  if (choleskyPasses(c, keep.length, tolerance)) return true;
  // rounding at the border: the eigenvalues decide
  return smallestEigenvalue(c, keep.length) >= -tolerance;
}

/** `D^-1/2 A D^-1/2` over the assets `keep` (positive variances), flat row-major. */
function correlationScaled(a: Float64Array, n: number, keep: readonly number[]): Float64Array {
  const m = keep.length;
  const c = new Float64Array(m * m);
  for (let p = 0; p < m; p++) {
    const i = keep[p]!;
    const di = Math.sqrt(a[i * n + i]!);
    for (let q = 0; q < m; q++) {
      const j = keep[q]!;
      c[p * m + q] = p === q ? 1 : a[i * n + j]! / (di * Math.sqrt(a[j * n + j]!));
    }
  }
  return c;
}

/**
 * The smallest eigenvalue of the correlation-scaled matrix {@link psdWithin} judges (over the
 * assets with a positive variance; NaN when there are none), for messages. Cost: O(n^3).
 */
export function scaledSmallestEigenvalue(a: Float64Array, n: number): number {
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (a[i * n + i]! > 0) keep.push(i);
  return keep.length === 0 ? NaN : smallestEigenvalue(correlationScaled(a, n, keep), keep.length);
}

/** The smallest eigenvalue of a symmetric matrix (flat row-major n x n). Cost: O(n^3). */
export function smallestEigenvalue(a: Float64Array, n: number): number {
  let min = Infinity;
  for (const v of symmetricEigen(a, n).values) min = Math.min(min, v);
  return min;
}
