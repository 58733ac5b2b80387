/**
 * Conversions between a covariance matrix and a correlation matrix with volatilities.
 *
 * @module
 */
import { checkSquare, toRows } from "./_linear.ts";
import type { Matrix } from "./types.ts";

/** The result of {@link covarianceToCorrelation}. */
export interface CorrelationAndVolatilities {
  /** `C_ij = S_ij / (sigma_i sigma_j)`, with exactly 1 on the diagonal. */
  readonly correlation: Matrix;
  /** `sigma_i = sqrt(S_ii)`, in the units of the returns (per bar, not annualized). */
  readonly volatilities: Float64Array;
}

/**
 * Split a covariance matrix into a correlation matrix and the volatilities:
 * `S = D C D` with `D = diag(sqrt(S_ii))`. Use it to repair a covariance estimate with
 * `nearestCorrelation` while keeping each asset's variance, then rebuild it with
 * {@link correlationToCovariance}.
 *
 * Throws when a variance is not positive (a constant or missing asset has no correlation).
 * Reference: any multivariate statistics text, e.g. Johnson & Wichern, Applied Multivariate
 * Statistical Analysis, 2.6. Cost: O(N^2).
 *
 * @example Round trip
 * ```ts
 * import {
 *   correlationToCovariance, covarianceToCorrelation,
 * } from "@lib/portfolio/covariance_to_correlation.ts";
 * import assert from "node:assert/strict";
 * const cov = [[0.04, 0.006], [0.006, 0.01]];
 * const { correlation, volatilities } = covarianceToCorrelation(cov);
 * assert.deepEqual([...volatilities], [0.2, 0.1]);
 * assert.ok(Math.abs(correlation[0]![1]! - 0.3) < 1e-15);
 * const back = correlationToCovariance(correlation, volatilities);
 * assert.ok(Math.abs(back[0]![1]! - 0.006) < 1e-17);
 * ```
 */
export function covarianceToCorrelation(
  covariance: readonly ArrayLike<number>[],
): CorrelationAndVolatilities {
  const what = "correlation from covariance";
  const k = checkSquare(covariance, what);
  const volatilities = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const v = covariance[i]![i]!;
    if (!(v > 0)) {
      throw new RangeError(
        `Cannot compute ${what}: variance ${i} is ${v}; every asset needs a positive variance`,
      );
    }
    volatilities[i] = Math.sqrt(v);
  }
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      out[i * k + j] = i === j ? 1 : covariance[i]![j]! / (volatilities[i]! * volatilities[j]!);
    }
  }
  return { correlation: toRows(out, k), volatilities };
}

/**
 * Rebuild a covariance matrix from a correlation matrix and volatilities:
 * `S_ij = C_ij sigma_i sigma_j`, the inverse of {@link covarianceToCorrelation} (same
 * reference). Use it after `nearestCorrelation`, or to combine a long-window correlation with
 * short-window (e.g. EWMA) volatilities. Cost: O(N^2).
 *
 * @example Annualize hourly volatilities first if you want an annual covariance
 * ```ts
 * import { correlationToCovariance } from "@lib/portfolio/covariance_to_correlation.ts";
 * import assert from "node:assert/strict";
 * const hourly = [0.01, 0.02];
 * const annual = hourly.map((s) => s * Math.sqrt(8760)); // 365-day years
 * const cov = correlationToCovariance([[1, 0.5], [0.5, 1]], annual);
 * assert.ok(Math.abs(cov[0]![1]! - 0.5 * 0.01 * 0.02 * 8760) < 1e-15);
 * ```
 */
export function correlationToCovariance(
  correlation: readonly ArrayLike<number>[],
  volatilities: ArrayLike<number>,
): Matrix {
  const what = "covariance from correlation";
  const k = checkSquare(correlation, what);
  if (volatilities.length !== k) {
    throw new RangeError(
      `Cannot compute ${what}: ${volatilities.length} volatilities for a ${k} x ${k} matrix`,
    );
  }
  for (let i = 0; i < k; i++) {
    const s = volatilities[i]!;
    if (!(s >= 0) || !Number.isFinite(s)) {
      throw new RangeError(
        `Cannot compute ${what}: volatility ${i} is ${s}; volatilities must be finite and >= 0`,
      );
    }
  }
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      out[i * k + j] = correlation[i]![j]! * volatilities[i]! * volatilities[j]!;
    }
  }
  return toRows(out, k);
}
