/**
 * Nearest correlation matrix (Higham 2002): alternating projections with Dykstra's correction.
 *
 * @module
 */
import { checkSquare, recompose, symmetricEigen, toRows } from "./_linear.ts";
import type { Matrix } from "./types.ts";

/** Options for {@link nearestCorrelation}. */
export interface NearestCorrelationOptions {
  /**
   * Stop when the relative changes of both iterates and their relative distance are all at
   * most `tol` (Frobenius norms, as Higham's `nearcorr.m`).
   * @default 1e-10
   */
  readonly tol?: number;
  /**
   * Most iterations; when reached the result is still a valid correlation matrix, but
   * `converged` is false and it may not be the nearest one.
   * @default 10_000
   */
  readonly maxIterations?: number;
  /**
   * Positive weights w (one per asset) of Higham's W-norm `||W^(1/2) (A - X) W^(1/2)||_F`,
   * `W = diag(w)`: a larger weight keeps that asset's correlations closer to the input.
   * @default all 1 (the Frobenius norm)
   */
  readonly weights?: ArrayLike<number>;
  /**
   * Floor on the eigenvalues of the positive semi-definite projection (of
   * `W^(1/2) X W^(1/2)` with weights). 0 finds the nearest PSD correlation matrix; a small
   * positive value (e.g. 1e-8) keeps it safely positive definite for a Cholesky factorization.
   * @default 0
   */
  readonly minEigenvalue?: number;
}

/** The result of {@link nearestCorrelation}. */
export interface NearestCorrelationResult {
  /** Symmetric, exactly 1 on the diagonal, eigenvalues >= minEigenvalue up to rounding. */
  readonly correlation: Matrix;
  /** Iterations run. */
  readonly iterations: number;
  /** Whether the tolerance was met within `maxIterations`. */
  readonly converged: boolean;
  /**
   * W-norm (Frobenius without weights) distance between the input and `correlation`, diagonal
   * included.
   */
  readonly distance: number;
}

/**
 * The correlation matrix nearest to a symmetric matrix `A` (Higham 2002, Algorithm 3.3):
 * alternately project onto the positive semi-definite matrices (clip negative eigenvalues) and
 * onto the unit-diagonal matrices (set the diagonal to 1), with Dykstra's correction so the
 * iterates converge to the nearest point of the intersection, not just any point of it.
 *
 * **Why.** A correlation matrix estimated pairwise from assets with different histories, edited
 * by hand, or stressed in a scenario is often not positive semi-definite: some portfolio would
 * have a negative variance, and optimizers fail or exploit it. Clipping eigenvalues alone
 * breaks the unit diagonal; rescaling afterwards moves it further than necessary. This finds
 * the closest valid matrix.
 *
 * The returned matrix is the last PSD iterate rescaled to a unit diagonal
 * (`D^(-1/2) X D^(-1/2)`), which keeps it PSD and makes the diagonal exactly 1; at convergence
 * it differs from Higham's unit-diagonal iterate by about `tol`. Input that is already a
 * correlation matrix comes back unchanged (to rounding) after two iterations.
 *
 * Reference: N. J. Higham (2002), "Computing the nearest correlation matrix - a problem from
 * finance", IMA Journal of Numerical Analysis 22(3), 329-343; the tests use its 3 x 3 example
 * and the 4 x 4 example of NAG's `g02aa` documentation. Cost: O(N^3) per iteration (a
 * symmetric eigen decomposition, ml-matrix), convergence is linear.
 *
 * @param matrix a symmetric N x N matrix (its diagonal is ignored: it becomes 1)
 *
 * @example Higham (2002), section 4: the 3 x 3 example
 * ```ts
 * import { nearestCorrelation } from "@lib/portfolio/nearest_correlation.ts";
 * import assert from "node:assert/strict";
 * const r = nearestCorrelation([[1, 1, 0], [1, 1, 1], [0, 1, 1]]);
 * assert.ok(r.converged);
 * // Higham's published answer, to the 4 decimals printed in the paper
 * assert.ok(Math.abs(r.correlation[0]![1]! - 0.7607) < 5e-5);
 * assert.ok(Math.abs(r.correlation[0]![2]! - 0.1573) < 5e-5);
 * assert.equal(r.correlation[1]![1], 1);
 * ```
 */
export function nearestCorrelation(
  matrix: readonly ArrayLike<number>[],
  options: NearestCorrelationOptions = {},
): NearestCorrelationResult {
  const what = "nearest correlation matrix";
  const k = checkSquare(matrix, what);
  const tol = options.tol ?? 1e-10;
  const maxIterations = options.maxIterations ?? 10_000;
  const floor = options.minEigenvalue ?? 0;
  if (!(tol > 0)) throw new RangeError(`Cannot compute ${what}: tol must be > 0, got ${tol}`);
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new RangeError(
      `Cannot compute ${what}: maxIterations must be an integer >= 1, got ${maxIterations}`,
    );
  }
  if (!(floor >= 0 && floor < 1)) {
    throw new RangeError(`Cannot compute ${what}: minEigenvalue must be in [0, 1), got ${floor}`);
  }
  const a = new Float64Array(k * k);
  let scale = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      a[i * k + j] = matrix[i]![j]!;
      scale = Math.max(scale, Math.abs(matrix[i]![j]!));
    }
  }
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      if (Math.abs(a[i * k + j]! - a[j * k + i]!) > 1e-12 * Math.max(scale, 1)) {
        throw new RangeError(
          `Cannot compute ${what}: the matrix is not symmetric at (${i}, ${j}): ${
            a[i * k + j]
          } vs ${a[j * k + i]}; pass (A + A') / 2 if that is what you mean`,
        );
      }
    }
  }
  const w = new Float64Array(k).fill(1);
  if (options.weights !== undefined) {
    if (options.weights.length !== k) {
      throw new RangeError(
        `Cannot compute ${what}: ${options.weights.length} weights for a ${k} x ${k} matrix`,
      );
    }
    for (let i = 0; i < k; i++) {
      const v = options.weights[i]!;
      if (!(v > 0) || !Number.isFinite(v)) {
        throw new RangeError(
          `Cannot compute ${what}: weight ${i} is ${v}; weights must be positive and finite`,
        );
      }
      w[i] = v;
    }
  }
  const rootW = w.map(Math.sqrt);

  // P_S in the W-norm: W^(-1/2) (W^(1/2) R W^(1/2))_+ W^(-1/2), eigenvalues clipped at `floor`.
  const projectPsd = (r: Float64Array): Float64Array => {
    const m = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      for (let j = i; j < k; j++) {
        // symmetrize so rounding never feeds an asymmetric matrix to the symmetric solver
        const v = 0.5 * (r[i * k + j]! + r[j * k + i]!) * rootW[i]! * rootW[j]!;
        m[i * k + j] = v;
        m[j * k + i] = v;
      }
    }
    const { values, vectors } = symmetricEigen(m, k);
    const d = values.map((v) => Math.max(v, floor));
    const x = recompose(vectors, d, k);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) x[i * k + j] = x[i * k + j]! / (rootW[i]! * rootW[j]!);
    }
    return x;
  };
  const frob = (u: Float64Array, v?: Float64Array) => {
    let s = 0;
    for (let c = 0; c < u.length; c++) {
      const d = v === undefined ? u[c]! : u[c]! - v[c]!;
      s += d * d;
    }
    return Math.sqrt(s);
  };

  let y: Float64Array = a.slice(); // Higham's Y_0 = A
  let x: Float64Array = new Float64Array(k * k);
  const deltaS = new Float64Array(k * k);
  const r = new Float64Array(k * k);
  let iterations = 0, converged = false;
  while (iterations < maxIterations) {
    iterations++;
    for (let c = 0; c < k * k; c++) r[c] = y[c]! - deltaS[c]!;
    const xNew = projectPsd(r);
    for (let c = 0; c < k * k; c++) deltaS[c] = xNew[c]! - r[c]!;
    const yNew = xNew.slice();
    for (let i = 0; i < k; i++) yNew[i * k + i] = 1;
    const relX = frob(xNew, x) / frob(xNew);
    const relY = frob(yNew, y) / frob(yNew);
    const relXY = frob(yNew, xNew) / frob(yNew);
    x = xNew;
    y = yNew;
    if (Math.max(relX, relY, relXY) <= tol) {
      converged = true;
      break;
    }
  }
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const d = x[i * k + i]! * x[j * k + j]!;
      // a zero diagonal entry of a PSD matrix means a zero row: no correlation to rescale
      out[i * k + j] = i === j ? 1 : d > 0 ? x[i * k + j]! / Math.sqrt(d) : 0;
    }
  }
  let distance = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const d = (i === j ? 1 - a[i * k + j]! : out[i * k + j]! - a[i * k + j]!) * rootW[i]! *
        rootW[j]!;
      distance += d * d;
    }
  }
  return { correlation: toRows(out, k), iterations, converged, distance: Math.sqrt(distance) };
}
