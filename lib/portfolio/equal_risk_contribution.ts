/**
 * Equal risk contribution (risk parity) and risk-budgeting weights.
 *
 * @module
 */
import { flatCovariance, quadraticForm } from "./_allocation.ts";

/** Options of {@link equalRiskContribution}. */
export interface EqualRiskContributionOptions {
  /**
   * Each asset's share of the portfolio's risk (positive; normalized to sum to 1).
   * @default equal shares, 1 / N each
   */
  readonly riskBudgets?: ArrayLike<number>;
  /**
   * Stop when every risk contribution is within this fraction of its budget.
   * @default 1e-12
   */
  readonly tolerance?: number;
  /**
   * Cap on full sweeps over the assets.
   * @default 10_000
   */
  readonly maxSweeps?: number;
}

/** Defaults of {@link EqualRiskContributionOptions}. */
export const EQUAL_RISK_CONTRIBUTION_DEFAULTS = { tolerance: 1e-12, maxSweeps: 10_000 } as const;

/** The answer of {@link equalRiskContribution}. */
export interface EqualRiskContribution {
  /** Long-only weights summing to 1. */
  readonly weights: Float64Array;
  /**
   * Each asset's fraction of the portfolio variance, `w_i (S w)_i / w'Sw` (sums to 1; equals
   * the budgets at the solution).
   */
  readonly riskContributions: Float64Array;
  /** Portfolio volatility per period, `sqrt(w'Sw)`. */
  readonly volatility: number;
  /** Sweeps over the assets used. */
  readonly sweeps: number;
}

/**
 * Risk-parity weights: the long-only, fully invested portfolio in which every asset contributes
 * the same share of the variance (`w_i (S w)_i` equal for all i), or a given share
 * (`riskBudgets`: risk budgeting).
 *
 * **Method.** The solution is `w = y / sum(y)` for the unique minimizer of the strictly convex
 * `1/2 y'Sy - sum_i b_i ln y_i` over `y > 0` (Spinu 2013), found by cyclical coordinate descent
 * (Griveau-Billion, Richard and Roncalli 2013): each coordinate's minimizer is the positive
 * root of `S_ii y_i^2 + c_i y_i - b_i = 0` with `c_i = sum_{j != i} S_ij y_j`, and `S y` is kept
 * up to date in O(N) per coordinate. Sweeps stop when every `y_i (S y)_i` is within `tolerance`
 * of `b_i`, i.e. every risk contribution equals its budget to that relative precision; a
 * `RangeError` says so when `maxSweeps` is not enough. The covariance is scaled to unit mean
 * variance first (the weights do not depend on its scale).
 *
 * References: F. Spinu (2013), "An algorithm for computing risk parity weights", SSRN 2297383;
 * T. Griveau-Billion, J.-C. Richard and T. Roncalli (2013), "A fast algorithm for computing
 * high-dimensional risk parity portfolios", arXiv:1311.4057. Cost: O(N^2) per sweep.
 *
 * @param covariance N x N covariance (symmetric positive definite)
 *
 * @example Three assets, each carrying a third of the variance
 * ```ts
 * import { equalRiskContribution } from "@lib/portfolio/equal_risk_contribution.ts";
 * import assert from "node:assert/strict";
 * const r = equalRiskContribution([[0.01, 0, 0], [0, 0.04, 0.01], [0, 0.01, 0.09]]);
 * assert.ok(r.riskContributions.every((c) => Math.abs(c - 1 / 3) < 1e-12));
 * assert.ok(Math.abs(r.weights.reduce((a, b) => a + b) - 1) < 1e-15);
 * ```
 */
export function equalRiskContribution(
  covariance: readonly ArrayLike<number>[],
  options: EqualRiskContributionOptions = {},
): EqualRiskContribution {
  const what = "equal-risk-contribution weights";
  const [raw, n] = flatCovariance(covariance, what);
  const tolerance = options.tolerance ?? EQUAL_RISK_CONTRIBUTION_DEFAULTS.tolerance;
  const maxSweeps = options.maxSweeps ?? EQUAL_RISK_CONTRIBUTION_DEFAULTS.maxSweeps;
  const b = new Float64Array(n);
  if (options.riskBudgets === undefined) b.fill(1 / n);
  else {
    if (options.riskBudgets.length !== n) {
      throw new RangeError(
        `Cannot compute ${what}: ${options.riskBudgets.length} risk budgets for ${n} assets`,
      );
    }
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = options.riskBudgets[i]!;
      if (!(v > 0) || !Number.isFinite(v)) {
        throw new RangeError(
          `Cannot compute ${what}: risk budget ${i} is ${v}; budgets must be positive`,
        );
      }
      total += v;
    }
    for (let i = 0; i < n; i++) b[i] = options.riskBudgets[i]! / total;
  }
  let scale = 0;
  for (let i = 0; i < n; i++) scale += raw[i * n + i]! / n;
  const s = raw.map((v) => v / scale);
  // start from inverse volatility (exact when correlations are equal)
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = Math.sqrt(b[i]!) / Math.sqrt(s[i * n + i]!);
  const sy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let j = 0; j < n; j++) v += s[i * n + j]! * y[j]!;
    sy[i] = v;
  }
  let sweeps = 0;
  for (;;) {
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(y[i]! * sy[i]! / b[i]! - 1));
    if (worst <= tolerance) break;
    if (sweeps === maxSweeps) {
      throw new RangeError(
        `Cannot compute ${what}: not converged after ${maxSweeps} sweeps (largest relative ` +
          `error of a risk contribution ${worst}); raise maxSweeps or check the covariance is ` +
          `positive definite`,
      );
    }
    sweeps++;
    for (let i = 0; i < n; i++) {
      const sii = s[i * n + i]!;
      const c = sy[i]! - sii * y[i]!;
      const next = (-c + Math.sqrt(c * c + 4 * sii * b[i]!)) / (2 * sii);
      const d = next - y[i]!;
      if (d !== 0) {
        for (let j = 0; j < n; j++) sy[j] = sy[j]! + s[j * n + i]! * d;
        y[i] = next;
      }
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += y[i]!;
  const weights = y.map((v) => v / total);
  const variance = quadraticForm(raw, weights, n);
  const riskContributions = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let j = 0; j < n; j++) r += raw[i * n + j]! * weights[j]!;
    riskContributions[i] = (weights[i]! * r) / variance;
  }
  return { weights, riskContributions, volatility: Math.sqrt(variance), sweeps };
}
