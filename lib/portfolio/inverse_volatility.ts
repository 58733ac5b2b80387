/**
 * Inverse-volatility weights.
 *
 * @module
 */
import { flatCovariance } from "./_allocation.ts";

/**
 * Long-only weights proportional to each asset's inverse volatility, `w_i = (1 / sigma_i) /
 * sum_j (1 / sigma_j)`, from the diagonal of a covariance matrix. Correlations are ignored:
 * this is the risk-parity portfolio when every pair has the same correlation, and the naive
 * "equal risk" allocation otherwise. (HRP's clusters use inverse *variance*,
 * `hierarchicalRiskParity`.) Cost: O(N).
 *
 * @param covariance N x N covariance (only the diagonal is read; it must be positive)
 * @returns one weight per asset, summing to 1
 *
 * @example A 10% and a 20% volatility asset
 * ```ts
 * import { inverseVolatility } from "@lib/portfolio/inverse_volatility.ts";
 * import assert from "node:assert/strict";
 * const w = inverseVolatility([[0.01, 0.002], [0.002, 0.04]]);
 * assert.ok(Math.abs(w[0]! - 2 / 3) < 1e-15 && Math.abs(w[1]! - 1 / 3) < 1e-15);
 * ```
 */
export function inverseVolatility(covariance: readonly ArrayLike<number>[]): Float64Array {
  const [s, n] = flatCovariance(covariance, "inverse-volatility weights");
  const w = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    w[i] = 1 / Math.sqrt(s[i * n + i]!);
    total += w[i]!;
  }
  for (let i = 0; i < n; i++) w[i] = w[i]! / total;
  return w;
}
