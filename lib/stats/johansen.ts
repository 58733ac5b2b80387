/**
 * Johansen's cointegration rank test (trace and maximum-eigenvalue statistics), computed exactly
 * as statsmodels 0.13.5 `coint_johansen(endog, det_order, k_ar_diff)` so the numbers can be
 * compared one for one.
 *
 * @module
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { type CriticalRow, johansenCriticalValues } from "./_johansen_critical.ts";
import type { Series } from "./types.ts";

/** Options of {@link johansen}; the defaults are stated once here. */
export interface JohansenOptions {
  /**
   * Deterministic terms, statsmodels' `det_order`: -1 none, 0 a constant (default), 1 a constant
   * and a linear trend. It also picks the critical-value table.
   */
  readonly detOrder?: -1 | 0 | 1;
  /** Number of lagged differences in the VECM, statsmodels' `k_ar_diff` (default 1, >= 0). */
  readonly kArDiff?: number;
}

/** Critical values of both statistics, one row per null rank r = 0..k-1: [90%, 95%, 99%]. */
export interface JohansenCriticalValues {
  readonly trace: readonly CriticalRow[];
  readonly maxEigen: readonly CriticalRow[];
}

/** The result of {@link johansen}; statsmodels' names in brackets. */
export interface JohansenResult {
  /** Trace statistic for H0: rank <= r, r = 0..k-1 (`lr1`). */
  readonly trace: Float64Array;
  /** Maximum-eigenvalue statistic for H0: rank = r against rank = r + 1 (`lr2`). */
  readonly maxEigen: Float64Array;
  /** Squared canonical correlations, descending, each in [0, 1) (`eig`). */
  readonly eigenvalues: Float64Array;
  /**
   * The k eigenvectors (`evec` columns): `eigenvectors[j]` has one weight per input series and
   * belongs to `eigenvalues[j]`; `eigenvectors[0]` is the most stationary combination. Scaled so
   * that `v' S_kk v = 1` as statsmodels does; sign: first non-zero weight positive.
   */
  readonly eigenvectors: Float64Array[];
  /** Critical values (`cvt`, `cvm`), MacKinnon, Haug and Michelis (1999). */
  readonly criticalValues: JohansenCriticalValues;
  /**
   * Cointegration rank chosen by the sequential trace test at 5%: the first r with
   * `trace[r] < 95% critical value` (k when every null is rejected), as statsmodels
   * `select_coint_rank(..., method="trace", signif=0.05)`.
   */
  readonly rank95: number;
  /** Rows of the auxiliary regressions: n - 1 - kArDiff (`rkt.shape[0]`). */
  readonly nobs: number;
}

/**
 * Johansen's test of the cointegration rank of k series (log prices, not returns).
 *
 * **Hypotheses.** The series follow a VECM `dY_t = Pi Y_{t-1} + sum_i G_i dY_{t-i} + e_t`; the
 * cointegration rank r is the rank of `Pi` (the number of independent stationary combinations).
 * `trace[r]` tests H0: rank <= r against rank = k; `maxEigen[r]` tests H0: rank = r against
 * rank = r + 1. Reject when the statistic exceeds the critical value; for a pair, `trace[0]`
 * above its 95% value says the two log prices are cointegrated at 5%, and `eigenvectors[0]` is
 * the hedge (normalize it: `-v[1] / v[0]` units of the second series per unit of the first).
 * Critical values come from MacKinnon, Haug and Michelis (1999) for 1..12 series; there are no
 * p-values (statsmodels has none either). The test is asymptotic and over-rejects in short
 * samples with many lags.
 *
 * **Pick `detOrder` for the data, or the 5% test is not a 5% test.** Measured on 400 pairs of
 * independent random walks of 500 bars (tests/stats/timeseries_johansen_test.ts): `detOrder -1`
 * on driftless walks rejects 4.5% of them, `detOrder 0` on walks with drift 5.25%, but
 * `detOrder 0` on driftless walks ~11% (its table assumes levels that drift) and `detOrder 1`
 * ~16% with or without drift. Hourly crypto log prices drift very little relative to their
 * noise, so treat a `detOrder 0` rejection that is near the critical value with suspicion.
 *
 * **What statsmodels does, reproduced here (including its quirks):**
 * 1. the levels are detrended over the whole sample first: `detOrder` 0 removes each series'
 *    mean, 1 its least-squares line (statsmodels' local `detrend`, an OLS on a Vandermonde in
 *    `linspace(-1, 1, n)`; -1 leaves them). This is NOT Johansen's restricted-constant model:
 *    the trend is taken out of the data before the test instead of entering the VECM;
 * 2. differences `dY` and their `kArDiff` lags `Z` are demeaned whenever `detOrder >= 0`
 *    (statsmodels' `f = 0`), so the short-run regressions carry an unrestricted constant even
 *    when `detOrder` is 1;
 * 3. the level regressor is `Y_{t-kArDiff}` (statsmodels' `endog[1 : n - kArDiff]`), not
 *    `Y_{t-1}`; after partialling out the lagged differences the two give the same residuals,
 *    so the statistics are Johansen's;
 * 4. `R0`, `Rk` = residuals of `dY` and of the levels on `Z`; `S_ij = R_i' R_j / T`; the
 *    eigenvalues solve `|lambda S_kk - S_k0 S_00^-1 S_0k| = 0`; `trace[r] = -T sum_{i>=r}
 *    ln(1 - lambda_i)`, `maxEigen[r] = -T ln(1 - lambda_r)`, T = `nobs`.
 * The residuals come from one orthonormal basis of `Z` (Gram-Schmidt, re-orthogonalized)
 * shared by all 2k regressions, where statsmodels applies `pinv(Z)` to each. We solve that
 * generalized problem as a symmetric one (Cholesky of `S_kk`, then `ml-matrix`'s
 * symmetric eigen decomposition), which is better conditioned than statsmodels'
 * `eig(inv(S_kk) S_k0 S_00^-1 S_0k)`; the eigenvalues agree to ~1e-10 relative. Eigenvectors
 * are unique only up to sign: statsmodels flips all of them by the sign of `evec[0][0]`, so
 * `eigenvectors[0]` equals its first column and the others may differ from its columns by a
 * factor of -1.
 *
 * Reference: Johansen (1991), "Estimation and hypothesis testing of cointegration vectors in
 * Gaussian vector autoregressive models", Econometrica 59(6); free: Lütkepohl (2005), New
 * Introduction to Multiple Time Series Analysis, ch. 7-8, and the statsmodels documentation of
 * `coint_johansen`. Cost: O(n k^2 (1 + kArDiff)^2) for the regressions, O(k^3) for the eigen
 * problem.
 *
 * @param columns the k >= 1 series (k <= 12), one array each, equal lengths, all finite
 * @throws RangeError on NaN, unequal lengths, bad options, too few rows or collinear inputs
 *
 * @example Two log prices sharing one random walk are cointegrated; two independent ones are not
 * ```ts
 * import { johansen } from "@lib/stats/johansen.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(7);
 * const n = 1000;
 * const a = new Float64Array(n), b = new Float64Array(n), c = new Float64Array(n);
 * let walk = 0, other = 0;
 * for (let t = 0; t < n; t++) {
 *   walk += rng.normal();
 *   other += rng.normal();
 *   a[t] = walk + 0.5 * rng.normal();
 *   b[t] = 2 * walk + 0.5 * rng.normal();
 *   c[t] = other;
 * }
 * const pair = johansen([a, b]);
 * assert.equal(pair.rank95, 1);
 * assert.ok(pair.trace[0]! > pair.criticalValues.trace[0]![1]);
 * const v = pair.eigenvectors[0]!;
 * assert.ok(Math.abs(-v[1]! / v[0]! - 0.5) < 0.05); // a - 0.5 b is stationary
 * assert.equal(johansen([a, c], { detOrder: 0, kArDiff: 2 }).rank95, 0);
 * ```
 */
export function johansen(
  columns: readonly Series[],
  options: JohansenOptions = {},
): JohansenResult {
  const detOrder = options.detOrder ?? 0;
  const p = options.kArDiff ?? 1;
  const k = columns.length;
  if (detOrder !== -1 && detOrder !== 0 && detOrder !== 1) {
    throw new RangeError(
      `Cannot run Johansen's test: detOrder must be -1 (none), 0 (constant) or 1 (trend), got ${detOrder}`,
    );
  }
  if (!Number.isInteger(p) || p < 0) {
    throw new RangeError(
      `Cannot run Johansen's test: kArDiff must be an integer >= 0, got ${p}`,
    );
  }
  if (k < 1 || k > 12) {
    throw new RangeError(
      `Cannot run Johansen's test: pass 1 to 12 series (critical values exist up to 12), got ${k}`,
    );
  }
  const n = columns[0]!.length;
  for (let j = 0; j < k; j++) {
    const c = columns[j]!;
    if (c.length !== n) {
      throw new RangeError(
        `Cannot run Johansen's test: series ${j} has ${c.length} values, series 0 has ${n}`,
      );
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(c[i]!)) {
        throw new RangeError(
          `Cannot run Johansen's test: series ${j} has a missing or non-finite value at index ${i}; ` +
            `pass a contiguous stretch without gaps (dropping rows would join distant times)`,
        );
      }
    }
  }
  const t = n - 1 - p; // rows of the auxiliary regressions
  if (t <= k * (p + 1) + 1) {
    throw new RangeError(
      `Cannot run Johansen's test: ${n} rows are too few for ${k} series and kArDiff=${p} ` +
        `(need more than ${k * (p + 1) + p + 2})`,
    );
  }

  // 1. detrend the levels over the whole sample (statsmodels' local `detrend`).
  const levels = columns.map((c) => detrend(Float64Array.from(c), detOrder));
  // 2. differences, their lags and the lagged level, aligned on the t usable rows.
  const demean = detOrder >= 0;
  const dx = levels.map((l) => {
    const d = new Float64Array(n - 1);
    for (let i = 0; i < n - 1; i++) d[i] = l[i + 1]! - l[i]!;
    return d;
  });
  const z: Float64Array[] = [];
  for (let lag = 1; lag <= p; lag++) {
    for (let j = 0; j < k; j++) {
      const col = dx[j]!.slice(p - lag, p - lag + t);
      z.push(demean ? detrend(col, 0) : col);
    }
  }
  const dy = dx.map((d) => {
    const col = d.slice(p, p + t);
    return demean ? detrend(col, 0) : col;
  });
  const lx = levels.map((l) => {
    const col = l.slice(1, 1 + t);
    return demean ? detrend(col, 0) : col;
  });
  const basis = orthonormalBasis(z);
  const r0 = dy.map((y) => residualsOn(basis, y));
  const rk = lx.map((y) => residualsOn(basis, y));

  // 3. moment matrices and the generalized eigen problem sig v = lambda skk v.
  const skk = crossProduct(rk, rk, t);
  const sk0 = crossProduct(rk, r0, t);
  const s00 = crossProduct(r0, r0, t);
  const l0 = cholesky(s00, k, "the differences");
  // sig = sk0 s00^-1 sk0' = B B' with B = sk0 L0^-T, i.e. B' = L0^-1 sk0'.
  const bt = new Float64Array(k * k); // row-major B'
  for (let c = 0; c < k; c++) {
    const col = new Float64Array(k);
    for (let i = 0; i < k; i++) col[i] = sk0[c * k + i]!; // column c of sk0' = row c of sk0
    forwardSolve(l0, col, k);
    for (let i = 0; i < k; i++) bt[i * k + c] = col[i]!;
  }
  const sig = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let m = 0; m < k; m++) s += bt[m * k + a]! * bt[m * k + b]!;
      sig[a * k + b] = s;
    }
  }
  const lk = cholesky(skk, k, "the levels");
  // C = Lk^-1 sig Lk^-T (symmetric); eigenvectors w of C give v = Lk^-T w with v' skk v = 1.
  const tmp = new Float64Array(k * k); // Lk^-1 sig, column by column
  for (let c = 0; c < k; c++) {
    const col = new Float64Array(k);
    for (let i = 0; i < k; i++) col[i] = sig[i * k + c]!;
    forwardSolve(lk, col, k);
    for (let i = 0; i < k; i++) tmp[i * k + c] = col[i]!;
  }
  const cm: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let r = 0; r < k; r++) {
    const row = new Float64Array(k); // row r of tmp, transformed: (Lk^-1 (tmp row r)')'
    for (let i = 0; i < k; i++) row[i] = tmp[r * k + i]!;
    forwardSolve(lk, row, k);
    for (let i = 0; i < k; i++) cm[r]![i] = row[i]!;
  }
  for (let r = 0; r < k; r++) {
    for (let i = r + 1; i < k; i++) {
      const s = 0.5 * (cm[r]![i]! + cm[i]![r]!);
      cm[r]![i] = s;
      cm[i]![r] = s;
    }
  }
  const eig = new EigenvalueDecomposition(new Matrix(cm), { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  const vectors = eig.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const eigenvalues = new Float64Array(k);
  const eigenvectors: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const src = order[j]!;
    eigenvalues[j] = values[src]!;
    const w = new Float64Array(k);
    for (let i = 0; i < k; i++) w[i] = vectors.get(i, src);
    backSolveTransposed(lk, w, k); // v = Lk^-T w
    let first = 0;
    for (let i = 0; i < k; i++) {
      if (w[i] !== 0) {
        first = w[i]!;
        break;
      }
    }
    if (first < 0) { for (let i = 0; i < k; i++) w[i] = -w[i]!; }
    eigenvectors.push(w);
  }

  // 4. statistics and critical values.
  const trace = new Float64Array(k);
  const maxEigen = new Float64Array(k);
  const cvTrace: CriticalRow[] = [];
  const cvMax: CriticalRow[] = [];
  for (let i = 0; i < k; i++) {
    maxEigen[i] = -t * Math.log(1 - eigenvalues[i]!);
    cvTrace.push(johansenCriticalValues("trace", k - i, detOrder));
    cvMax.push(johansenCriticalValues("maxEigen", k - i, detOrder));
  }
  let acc = 0;
  for (let i = k - 1; i >= 0; i--) {
    acc += maxEigen[i]!;
    trace[i] = acc;
  }
  let rank95 = 0;
  while (rank95 < k && !(trace[rank95]! < cvTrace[rank95]![1])) rank95++;
  return {
    trace,
    maxEigen,
    eigenvalues,
    eigenvectors,
    criticalValues: { trace: cvTrace, maxEigen: cvMax },
    rank95,
    nobs: t,
  };
}

/** Remove nothing (-1), the mean (0) or the least-squares line (1), in place; returns `x`. */
function detrend(x: Float64Array, order: -1 | 0 | 1): Float64Array {
  const n = x.length;
  if (order === -1 || n === 0) return x;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  if (order === 0) {
    for (let i = 0; i < n; i++) x[i] = x[i]! - mean;
    return x;
  }
  // A line in centred time: the residual of OLS on [1, i] is the same for any affine time axis,
  // including statsmodels' linspace(-1, 1, n).
  const tbar = (n - 1) / 2;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    const d = i - tbar;
    sxy += d * (x[i]! - mean);
    sxx += d * d;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  for (let i = 0; i < n; i++) x[i] = x[i]! - mean - slope * (i - tbar);
  return x;
}

/**
 * Orthonormal basis of the columns `z` by classical Gram-Schmidt with one re-orthogonalization
 * pass ("twice is enough": orthogonal to working precision, like Householder QR), built once
 * and shared by the 2k projections. Throws when a column is, to 1e-10 of its norm, a
 * combination of the others (statsmodels' pinv would silently drop it).
 */
function orthonormalBasis(z: readonly Float64Array[]): Float64Array[] {
  const q: Float64Array[] = [];
  for (let j = 0; j < z.length; j++) {
    const v = Float64Array.from(z[j]!);
    const norm0 = Math.sqrt(dot(v, v));
    for (let pass = 0; pass < 2; pass++) {
      for (const b of q) {
        const c = dot(b, v);
        for (let i = 0; i < v.length; i++) v[i] = v[i]! - c * b[i]!;
      }
    }
    const norm = Math.sqrt(dot(v, v));
    if (!(norm > 1e-10 * norm0)) {
      throw new RangeError(
        `Cannot run Johansen's test: the lagged differences are collinear (lag column ${j}); ` +
          `a series is constant or a linear combination of the others`,
      );
    }
    for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
    q.push(v);
  }
  return q;
}

/** Residual of `y` after projecting on the orthonormal `basis` (twice, for accuracy). */
function residualsOn(basis: readonly Float64Array[], y: Float64Array): Float64Array {
  const r = Float64Array.from(y);
  for (let pass = 0; pass < 2 && basis.length > 0; pass++) {
    for (const b of basis) {
      const c = dot(b, r);
      for (let i = 0; i < r.length; i++) r[i] = r[i]! - c * b[i]!;
    }
  }
  return r;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** `a' b / t` for column sets a, b (k columns each): k x k row-major. */
function crossProduct(
  a: readonly Float64Array[],
  b: readonly Float64Array[],
  t: number,
): Float64Array {
  const k = a.length;
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) out[i * k + j] = dot(a[i]!, b[j]!) / t;
  }
  return out;
}

/** Lower Cholesky factor of a k x k row-major SPD matrix; throws when it is not SPD. */
function cholesky(m: Float64Array, k: number, what: string): Float64Array {
  const l = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    let d = m[j * k + j]!;
    for (let c = 0; c < j; c++) d -= l[j * k + c]! * l[j * k + c]!;
    if (!(d > 1e-14 * Math.abs(m[j * k + j]!)) || !(d > 0)) {
      throw new RangeError(
        `Cannot run Johansen's test: the residual covariance of ${what} is singular; ` +
          `a series is constant or a linear combination of the others`,
      );
    }
    const ljj = Math.sqrt(d);
    l[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let s = m[i * k + j]!;
      for (let c = 0; c < j; c++) s -= l[i * k + c]! * l[j * k + c]!;
      l[i * k + j] = s / ljj;
    }
  }
  return l;
}

/** Solve L x = b in place (L lower triangular, row-major). */
function forwardSolve(l: Float64Array, b: Float64Array, k: number): void {
  for (let i = 0; i < k; i++) {
    let s = b[i]!;
    for (let c = 0; c < i; c++) s -= l[i * k + c]! * b[c]!;
    b[i] = s / l[i * k + i]!;
  }
}

/** Solve L' x = b in place (L lower triangular, row-major). */
function backSolveTransposed(l: Float64Array, b: Float64Array, k: number): void {
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let r = i + 1; r < k; r++) s -= l[r * k + i]! * b[r]!;
    b[i] = s / l[i * k + i]!;
  }
}
