/**
 * Pure numeric statistics on `Float64Array` / `readonly number[]`: no I/O, no store, no
 * DataFrames. Missing values are `NaN`; every function treats non-finite values as missing and
 * says how. A NaN return never counts as a zero return. Which returns to pass is the caller's
 * choice and matters on series with gaps: levels (cumulative return, drawdown, annualized
 * growth) want gap-spanning returns (`spanningLogReturns` in `lib/panel`, with
 * `annualizedReturn(..., { elapsedPeriods })`), spreads and co-movement (volatility,
 * correlation, beta) want strict one-period returns (`logReturns` in `lib/panel`).
 * Annualization uses 365 days (8,760 hours; see `PERIODS_PER_YEAR` in `lib/core/freq.ts`),
 * never 252.
 *
 * - Random numbers: {@link createRng} (seeded xoshiro128**, normal, Student-t, gamma, int).
 * - Summaries: {@link mean}, {@link std}, {@link excessKurtosis}, {@link autocorrelation}.
 * - Performance: {@link annualizedReturn}, {@link annualizedVolatility}, {@link sharpeRatio},
 *   {@link maxDrawdown}, {@link cumulativeReturns}.
 * - Co-movement: {@link pearson}, {@link correlationMatrix}, {@link rollingBeta},
 *   {@link rollingBetaCausal}.
 * - Overfitting: {@link probabilisticSharpeRatio}, {@link minimumTrackRecordLength},
 *   {@link deflatedSharpeRatio}, {@link effectiveNumberOfTrials}, {@link loSharpeRatio},
 *   {@link probabilityOfBacktestOverfitting}, {@link stationaryBootstrap},
 *   {@link optimalBlockLength}, {@link performanceIntervals}, {@link realityCheck},
 *   {@link superiorPredictiveAbility}, {@link stepM}.
 *
 * @example Per-asset report numbers from hourly log returns
 * ```ts
 * import {
 *   annualizedReturn, annualizedVolatility, createRng, maxDrawdown, sharpeRatio,
 * } from "@lib/stats/mod.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(1);
 * const r = Float64Array.from({ length: 1000 }, () => 0.0001 + 0.01 * rng.normal());
 * const ann = annualizedReturn(r, 8760);
 * const vol = annualizedVolatility(r, 8760);
 * assert.ok(Math.abs(sharpeRatio(r, 8760) - ann.logReturn / vol) < 1e-9);
 * assert.ok(maxDrawdown(r).maxDrawdown > 0);
 * ```
 *
 * @module
 */
export type { Series } from "./types.ts";
export { createRng, type Rng } from "./rng.ts";
export { mean } from "./mean.ts";
export { std } from "./std.ts";
export { excessKurtosis } from "./excess_kurtosis.ts";
export { autocorrelation } from "./autocorrelation.ts";
export {
  type AnnualizedReturn,
  annualizedReturn,
  type AnnualizedReturnOptions,
} from "./annualized_return.ts";
export { annualizedVolatility } from "./annualized_volatility.ts";
export { sharpeRatio } from "./sharpe_ratio.ts";
export { type MaxDrawdown, maxDrawdown } from "./max_drawdown.ts";
export { cumulativeReturns } from "./cumulative_returns.ts";
export { pearson } from "./pearson.ts";
export { correlationFromMoments } from "./correlation_from_moments.ts";
export { correlationMatrix, type CorrelationMatrixOptions } from "./correlation_matrix.ts";
export { rollingBeta, type RollingBetaOptions } from "./rolling_beta.ts";
export { rollingBetaCausal } from "./rolling_beta_causal.ts";
export { rollingStat } from "./rolling_stat.ts";
export {
  chiSquareCdf,
  fCdf,
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
} from "./distributions.ts";
export { leastSquares, type LeastSquaresFit } from "./least_squares.ts";
export {
  neweyWest,
  neweyWestDefaultLags,
  type NeweyWestOptions,
  type NeweyWestResult,
} from "./newey_west.ts";
export { ewcDefaultDf, ewcLongRunVariance, type EwcVariance } from "./ewc_variance.ts";
export { benjaminiHochberg } from "./benjamini_hochberg.ts";
export { benjaminiYekutieli } from "./benjamini_yekutieli.ts";
export {
  johansen,
  type JohansenCriticalValues,
  type JohansenOptions,
  type JohansenResult,
} from "./johansen.ts";
export { halfLife, type HalfLifeResult } from "./half_life.ts";
export {
  varianceRatio,
  type VarianceRatioOptions,
  type VarianceRatioResult,
} from "./variance_ratio.ts";
export { expectedRescaledRange, hurst, type HurstOptions, type HurstResult } from "./hurst.ts";
export { ols, type OlsOptions, type OlsResult } from "./ols.ts";
export { rollingOls, type RollingOlsOptions, type RollingOlsResult } from "./rolling_ols.ts";
export { huber, type HuberOptions, type HuberResult } from "./huber.ts";
export {
  recursiveLeastSquares,
  type RecursiveLeastSquaresOptions,
  type RecursiveLeastSquaresResult,
} from "./recursive_least_squares.ts";
export {
  adf,
  type AdfAutolag,
  type AdfOptions,
  type AdfRegression,
  type AdfResult,
} from "./adf.ts";
export { kpss, type KpssOptions, type KpssResult } from "./kpss.ts";
export {
  engleGranger,
  type EngleGrangerOptions,
  type EngleGrangerResult,
  STATIONARY_INPUT_P,
} from "./engle_granger.ts";
export {
  type CriticalValueTriple,
  mackinnoncrit,
  mackinnonp,
  type MacKinnonRegression,
} from "./mackinnon.ts";
export { winsorize, type WinsorizeOptions } from "./winsorize.ts";
export { zscore, type ZscoreOptions } from "./zscore.ts";
export { neutralize, type NeutralizeOptions } from "./neutralize.ts";
export { orthogonalize } from "./orthogonalize.ts";
export { rank, rankInto } from "./rank.ts";
export { averageRanksOfSorted } from "./average_ranks.ts";
export { spearman, spearmanComplete, SpearmanScratch } from "./spearman.ts";
// Overfitting statistics: Sharpe inference, PBO, block bootstrap, data-snooping tests.
export { type SharpeMoments, sharpeMoments } from "./sharpe_moments.ts";
export { perPeriodSharpe, perPeriodSharpeVariance } from "./sharpe_annualization.ts";
export { probabilisticSharpeRatio, type SharpeEstimate } from "./probabilistic_sharpe_ratio.ts";
export {
  MIN_TRL_DEFAULTS,
  minimumTrackRecordLength,
  type MinimumTrackRecordLengthOptions,
} from "./minimum_track_record_length.ts";
export { expectedMaxSharpe } from "./expected_max_sharpe.ts";
export {
  type DeflatedSharpeRatio,
  deflatedSharpeRatio,
  type DeflatedSharpeTrials,
} from "./deflated_sharpe_ratio.ts";
export {
  type EffectiveNumberOfTrials,
  effectiveNumberOfTrials,
} from "./effective_number_of_trials.ts";
export {
  LJUNG_BOX_DEFAULTS,
  ljungBox,
  type LjungBoxOptions,
  type LjungBoxResult,
} from "./ljung_box.ts";
export {
  LO_SHARPE_DEFAULTS,
  type LoSharpeRatio,
  loSharpeRatio,
  type LoSharpeRatioOptions,
} from "./lo_sharpe_ratio.ts";
export {
  PBO_DEFAULTS,
  type PboOptions,
  type PboResult,
  probabilityOfBacktestOverfitting,
} from "./probability_of_backtest_overfitting.ts";
export {
  BLOCK_BOOTSTRAP_DEFAULTS,
  type BlockBootstrapOptions,
  type BootstrapIndices,
  stationaryBootstrap,
} from "./stationary_bootstrap.ts";
export { circularBlockBootstrap } from "./circular_block_bootstrap.ts";
export {
  OPTIMAL_BLOCK_LENGTH_DEFAULTS,
  type OptimalBlockLength,
  optimalBlockLength,
  type OptimalBlockLengthOptions,
} from "./optimal_block_length.ts";
export {
  BOOTSTRAP_INTERVAL_DEFAULTS,
  bootstrapConfidenceInterval,
  type BootstrapInterval,
  type BootstrapIntervalOptions,
} from "./bootstrap_confidence_interval.ts";
export {
  meanIcInterval,
  type PerformanceIntervals,
  performanceIntervals,
} from "./performance_intervals.ts";
export { DATA_SNOOPING_DEFAULTS, type DataSnoopingOptions } from "./_data_snooping.ts";
export { realityCheck, type RealityCheckResult } from "./reality_check.ts";
export { type SpaResult, superiorPredictiveAbility } from "./superior_predictive_ability.ts";
export { STEP_M_DEFAULTS, stepM, type StepMOptions, type StepMResult } from "./step_m.ts";
