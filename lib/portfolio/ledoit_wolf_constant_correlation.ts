/**
 * Ledoit-Wolf shrinkage of the covariance matrix towards the constant-correlation matrix
 * ("Honey, I shrunk the sample covariance matrix", 2004).
 *
 * @module
 */
import { assetLabel, completeRows, crossProduct, gram, toRows } from "./_linear.ts";
import type { ShrunkCovariance } from "./shrunk_covariance.ts";
import type { ReturnColumns } from "./types.ts";

/** The result of {@link ledoitWolfConstantCorrelation}. */
export interface ConstantCorrelationShrinkage extends ShrunkCovariance {
  /** Average pairwise sample correlation `rBar`, the target's common correlation. */
  readonly averageCorrelation: number;
}

/** Options for {@link ledoitWolfConstantCorrelation}. */
export interface ConstantCorrelationOptions {
  /**
   * Use this shrinkage intensity in [0, 1] instead of estimating it (the `shrink` argument of
   * `covCor.m`).
   */
  readonly shrinkage?: number;
  /** Asset names, used only to make error messages name the assets. */
  readonly names?: readonly string[];
}

/**
 * Covariance matrix shrunk towards the constant-correlation target (Ledoit & Wolf 2004, "Honey,
 * I shrunk the sample covariance matrix"): the target keeps each asset's sample variance and
 * sets every correlation to the average sample correlation `rBar`, so
 * `F_ij = rBar sqrt(S_ii S_jj)`, `F_ii = S_ii`. The result is `s F + (1 - s) S` with the
 * intensity `s = max(0, min(1, kappa / T))`, `kappa = (pi - rho) / gamma` estimated as in the
 * paper's appendix.
 *
 * **T, not T - 1.** This reproduces the authors' published MATLAB code `covCor.m` of 2004: the
 * returns are demeaned, the sample covariance `S = X'X / T` divides by T, and `pi`, `rho` and
 * the final `kappa / T` use T too. (Wolf's 2020 revision of `covCor.m` divides by T - 1 after
 * demeaning; results differ by O(1/T).)
 *
 * **Why this target.** Crypto assets, like stocks, mostly move together; the identity target
 * of `ledoitWolf` / `oas` pulls every correlation towards zero, this one pulls them towards
 * their average, which is closer to the truth, so it needs less distortion for the same
 * reduction in estimation error. The result is positive definite whenever `s > 0` and the
 * target is (rBar in (-1/(N-1), 1)).
 *
 * **Missing returns.** Rows where any asset is missing are dropped (listwise deletion); `nobs`
 * says how many rows were used. An asset that is constant over those rows has no correlation
 * and is refused.
 *
 * Reference: O. Ledoit and M. Wolf (2004), "Honey, I shrunk the sample covariance matrix",
 * Journal of Portfolio Management 30(4), 110-119, and its code covCor.m (published on Michael
 * Wolf's web page). Cost: O(N^2 T).
 *
 * @param returns one column per asset, all of length T (NaN = missing: the row is dropped)
 *
 * @example Eight rows are too few to trust any single correlation: the target is taken whole
 * ```ts
 * import { ledoitWolfConstantCorrelation } from "@lib/portfolio/ledoit_wolf_constant_correlation.ts";
 * import assert from "node:assert/strict";
 * const x = [[1, 2, 3, 4, 2, 5, 1, 3], [2, 1, 4, 3, 3, 6, 0, 2], [1, 3, 2, 2, 1, 4, 2, 2]];
 * const r = ledoitWolfConstantCorrelation(x);
 * // covCor.m (2004) in numpy, tests/oracles/risk_models.py's cov_cor_2004
 * assert.equal(r.shrinkage, 1);
 * assert.ok(Math.abs(r.averageCorrelation - 0.6298446225990166) < 1e-15);
 * assert.ok(Math.abs(r.covariance[0]![1]! - 1.4329519403699047) < 1e-14);
 * // the variances are kept (divided by T = 8): 1.734375 for the first asset
 * assert.ok(Math.abs(r.covariance[0]![0]! - 1.734375) < 1e-14);
 * ```
 */
export function ledoitWolfConstantCorrelation(
  returns: ReturnColumns,
  options: ConstantCorrelationOptions = {},
): ConstantCorrelationShrinkage {
  const what = "constant-correlation Ledoit-Wolf covariance";
  if (returns.length < 2) {
    throw new RangeError(
      `Cannot compute ${what}: need at least 2 assets (a correlation target), got ${returns.length}`,
    );
  }
  if (
    options.shrinkage !== undefined && !(options.shrinkage >= 0 && options.shrinkage <= 1)
  ) {
    throw new RangeError(
      `Cannot compute ${what}: shrinkage must be in [0, 1], got ${options.shrinkage}`,
    );
  }
  const { columns: x, rows: t } = completeRows(returns, true, 2, what);
  const n = x.length;
  const sample = gram(x, 1 / t);
  const sd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = sample[i * n + i]!;
    if (!(v > 0)) {
      throw new RangeError(
        `Cannot compute ${what}: asset ${
          assetLabel(i, options.names)
        } is constant over the ${t} complete rows; drop it`,
      );
    }
    sd[i] = Math.sqrt(v);
  }
  let corrSum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) corrSum += sample[i * n + j]! / (sd[i]! * sd[j]!);
  }
  const rBar = (corrSum - n) / (n * (n - 1));
  const prior = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      prior[i * n + j] = i === j ? sample[i * n + i]! : rBar * sd[i]! * sd[j]!;
    }
  }
  let shrinkage: number;
  if (options.shrinkage !== undefined) shrinkage = options.shrinkage;
  else {
    // pi-hat: sum of phiMat = y'y / T - S.^2, y = x.^2
    const y = x.map((c) => c.map((v) => v * v));
    const yy = gram(y, 1 / t);
    let phi = 0, phiDiag = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const s = sample[i * n + j]!;
        const p = yy[i * n + j]! - s * s;
        phi += p;
        if (i === j) phiDiag += p;
      }
    }
    // rho-hat: theta_ij = (x.^3)'x / T - S_ii S_ij off the diagonal
    const x3 = x.map((c) => c.map((v) => v * v * v));
    const term1 = crossProduct(x3, x, 1 / t);
    let off = 0;
    for (let i = 0; i < n; i++) {
      const vi = sample[i * n + i]!;
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const theta = term1[i * n + j]! - vi * sample[i * n + j]!;
        off += (sd[j]! / sd[i]!) * theta;
      }
    }
    const rho = phiDiag + rBar * off;
    // gamma-hat: squared Frobenius distance between sample and target
    let gamma = 0;
    for (let c = 0; c < n * n; c++) {
      const d = sample[c]! - prior[c]!;
      gamma += d * d;
    }
    const kappa = (phi - rho) / gamma;
    shrinkage = gamma === 0 ? 0 : Math.max(0, Math.min(1, kappa / t));
  }
  const out = new Float64Array(n * n);
  for (let c = 0; c < n * n; c++) out[c] = shrinkage * prior[c]! + (1 - shrinkage) * sample[c]!;
  return { covariance: toRows(out, n), shrinkage, nobs: t, averageCorrelation: rBar };
}
