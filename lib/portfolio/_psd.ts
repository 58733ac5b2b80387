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

/** The smallest eigenvalue of a symmetric matrix (flat row-major n x n). Cost: O(n^3). */
export function smallestEigenvalue(a: Float64Array, n: number): number {
  let min = Infinity;
  for (const v of symmetricEigen(a, n).values) min = Math.min(min, v);
  return min;
}
