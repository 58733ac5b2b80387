/**
 * Portfolio construction inputs: risk models on asset-major return columns (one `Float64Array`
 * or number array per asset on one time grid, NaN = missing; matrices as one `Float64Array` per
 * row). Pure numeric code, no I/O.
 *
 * - Sample and exponentially weighted covariance over pairwise-complete rows:
 *   {@link sampleCovariance} (pandas `DataFrame.cov`), {@link ewmaCovariance} and
 *   {@link ewmaCovariancePath} (pandas `ewm(...).cov()`, `adjust` and `bias`).
 * - Shrinkage on complete rows: {@link ledoitWolf} and {@link oas} (scikit-learn, identity
 *   target), {@link ledoitWolfConstantCorrelation} (Ledoit & Wolf 2004, `covCor.m`).
 * - Repair: {@link nearestCorrelation} (Higham 2002), with {@link covarianceToCorrelation} and
 *   {@link correlationToCovariance} to keep the variances.
 *
 * @example A pairwise covariance repaired into a valid one
 * ```ts
 * import {
 *   correlationToCovariance, covarianceToCorrelation, nearestCorrelation, sampleCovariance,
 * } from "@lib/portfolio/mod.ts";
 * import assert from "node:assert/strict";
 * const r = [
 *   [0.01, -0.02, 0.03, 0.01, NaN, NaN],
 *   [0.02, -0.01, 0.02, 0.00, 0.01, -0.01],
 *   [NaN, NaN, 0.01, 0.02, -0.02, 0.03],
 * ];
 * const { correlation, volatilities } = covarianceToCorrelation(sampleCovariance(r));
 * const fixed = nearestCorrelation(correlation, { minEigenvalue: 1e-8 });
 * const cov = correlationToCovariance(fixed.correlation, volatilities);
 * assert.equal(cov.length, 3);
 * assert.ok(Math.abs(cov[1]![1]! - volatilities[1]! ** 2) < 1e-18);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./sample_covariance.ts";
export * from "./ewma_covariance.ts";
export * from "./shrunk_covariance.ts";
export * from "./ledoit_wolf.ts";
export * from "./oas.ts";
export * from "./ledoit_wolf_constant_correlation.ts";
export * from "./nearest_correlation.ts";
export * from "./covariance_to_correlation.ts";
export * from "./optimize_portfolio.ts";
export * from "./inverse_volatility.ts";
export * from "./equal_risk_contribution.ts";
export * from "./hierarchical_risk_parity.ts";
export * from "./volatility_target.ts";
export * from "./factor_betas.ts";
