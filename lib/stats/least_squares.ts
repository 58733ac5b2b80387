/**
 * The dense least-squares kernel under every regression in `lib/stats` (OLS, ADF, Engle-Granger,
 * neutralization, half-life): Householder QR of the design, which stays accurate when columns
 * are nearly collinear (normal equations square the condition number; QR does not).
 *
 * Columns are passed as separate arrays (`cols[j][i]` is row i of regressor j), the layout the
 * panel and the public API use, so no n x k matrix is built by the caller. Non-finite values are
 * NOT dropped here: callers choose the rows (see `ols`).
 *
 * @module
 */

/** The fit {@link leastSquares} returns. */
export interface LeastSquaresFit {
  /** Coefficients, one per column, in column order. */
  readonly coef: Float64Array;
  /** `(X'X)^-1`, k x k, row-major: the unscaled covariance of the coefficients. */
  readonly xtxInv: Float64Array;
  /** `y - X coef`, one per row. */
  readonly residuals: Float64Array;
  /** Sum of squared residuals. */
  readonly ssr: number;
  /** Number of rows. */
  readonly n: number;
  /** Number of columns. */
  readonly k: number;
}

/**
 * Least squares `min ||y - X b||` by Householder QR, in O(n k^2).
 *
 * Returns `null` when the design is rank deficient: a diagonal of R smaller than
 * `1e-10 * max|diag R|` (a column that is, to working precision, a combination of the others),
 * or fewer rows than columns. Callers turn `null` into NaN outputs or an error that names the
 * collinear inputs; a silently huge coefficient is never returned.
 *
 * @param cols the k regressors, each of length n (include a column of ones for an intercept)
 * @param y the response, length n
 *
 * @example A line through three points
 * ```ts
 * import { leastSquares } from "@lib/stats/least_squares.ts";
 * import assert from "node:assert/strict";
 * const fit = leastSquares([[1, 1, 1], [0, 1, 2]], [1, 3, 5])!;
 * assert.ok(Math.abs(fit.coef[0]! - 1) < 1e-12 && Math.abs(fit.coef[1]! - 2) < 1e-12);
 * assert.ok(fit.ssr < 1e-20);
 * assert.equal(leastSquares([[1, 1, 1], [2, 2, 2]], [1, 2, 3]), null); // collinear
 * ```
 */
export function leastSquares(
  cols: readonly ArrayLike<number>[],
  y: ArrayLike<number>,
): LeastSquaresFit | null {
  const k = cols.length;
  const n = y.length;
  for (let j = 0; j < k; j++) {
    if (cols[j]!.length !== n) {
      throw new RangeError(
        `Cannot fit least squares: column ${j} has ${cols[j]!.length} rows, y has ${n}`,
      );
    }
  }
  if (n < k || k === 0) return null;
  // Column-major working copy of [X | y].
  const a = new Float64Array(n * (k + 1));
  for (let j = 0; j < k; j++) {
    const c = cols[j]!;
    const off = j * n;
    for (let i = 0; i < n; i++) a[off + i] = c[i]!;
  }
  const yOff = k * n;
  for (let i = 0; i < n; i++) a[yOff + i] = y[i]!;
  const rdiag = new Float64Array(k);
  let maxDiag = 0;
  for (let j = 0; j < k; j++) {
    const off = j * n;
    // Scaled 2-norm: overflow/underflow-safe like Math.hypot, without its per-element cost.
    let scale = 0;
    for (let i = j; i < n; i++) scale = Math.max(scale, Math.abs(a[off + i]!));
    if (scale === 0 || !Number.isFinite(scale)) return null;
    let ss = 0;
    for (let i = j; i < n; i++) {
      const v = a[off + i]! / scale;
      ss += v * v;
    }
    const norm = scale * Math.sqrt(ss);
    const alpha = a[off + j]! > 0 ? -norm : norm;
    // v = x - alpha e1, stored in place of the column below the diagonal.
    a[off + j] = a[off + j]! - alpha;
    let vnorm2 = 0;
    for (let i = j; i < n; i++) vnorm2 += a[off + i]! * a[off + i]!;
    rdiag[j] = alpha;
    maxDiag = Math.max(maxDiag, Math.abs(alpha));
    if (vnorm2 === 0) continue;
    for (let c = j + 1; c <= k; c++) {
      const cOff = c * n;
      let dot = 0;
      for (let i = j; i < n; i++) dot += a[off + i]! * a[cOff + i]!;
      const f = (2 * dot) / vnorm2;
      for (let i = j; i < n; i++) a[cOff + i] = a[cOff + i]! - f * a[off + i]!;
    }
  }
  for (let j = 0; j < k; j++) {
    if (!(Math.abs(rdiag[j]!) > 1e-10 * maxDiag)) return null;
  }
  // R is upper triangular: R[i][j] = a[j*n + i] for i < j, rdiag on the diagonal.
  const r = (i: number, j: number) => (i === j ? rdiag[i]! : a[j * n + i]!);
  const coef = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = a[yOff + i]!;
    for (let j = i + 1; j < k; j++) s -= r(i, j) * coef[j]!;
    coef[i] = s / rdiag[i]!;
  }
  // R^-1 (upper triangular), then (X'X)^-1 = R^-1 R^-T.
  const rinv = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    rinv[j * k + j] = 1 / rdiag[j]!;
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let m = i + 1; m <= j; m++) s += r(i, m) * rinv[m * k + j]!;
      rinv[i * k + j] = -s / rdiag[i]!;
    }
  }
  const xtxInv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      let s = 0;
      for (let m = j; m < k; m++) s += rinv[i * k + m]! * rinv[j * k + m]!;
      xtxInv[i * k + j] = s;
      xtxInv[j * k + i] = s;
    }
  }
  const residuals = new Float64Array(n);
  let ssr = 0;
  for (let i = 0; i < n; i++) {
    let fitted = 0;
    for (let j = 0; j < k; j++) fitted += cols[j]![i]! * coef[j]!;
    const e = y[i]! - fitted;
    residuals[i] = e;
    ssr += e * e;
  }
  return { coef, xtxInv, residuals, ssr, n, k };
}
