/**
 * Research steps composed from `lib/stats`: the factor model (rolling betas to BTC and ETH,
 * causal residual returns), cross-sectional transforms and forward returns, signal validation
 * (information coefficient, decay, quantile returns, turnover) with a library of causal
 * signals, and pairs trading (hedge ratios, spread z-scores, cointegration screening with FDR).
 *
 * Every function takes plain typed arrays or a `Panel` (asset-major `Float64Array[]` on one
 * time grid, NaN = missing) and returns named objects. The one exception is
 * `materializeFactors` (`factor_run.ts`), which loads a panel from the store, runs the factor
 * model and stores the run idempotently: it lives here, above `panel`, because the data flow
 * (`store -> materialize -> panel -> research`) allows it to import both.
 *
 * @module
 */
export * from "./factor_model.ts";
export * from "./factor_assets.ts";
export * from "./factor_summary.ts";
export * from "./pairs/mod.ts";
export * from "./events/mod.ts";
export { forwardReturns, forwardReturnsFromCloses } from "./forward_returns.ts";
export {
  neutralizeCrossSection,
  type OrthogonalizedSignals,
  orthogonalizeSignals,
  type OrthogonalizeSignalsOptions,
  winsorizeCrossSection,
  zscoreCrossSection,
} from "./cross_section.ts";
export * from "./information_coefficient.ts";
export * from "./ic_summary.ts";
export * from "./ic_decay.ts";
export * from "./quantile_labels.ts";
export * from "./quantile_returns.ts";
export * from "./turnover.ts";
export { SIGNAL_DEFAULTS, type SignalDefaults } from "./signal_defaults.ts";
export { finiteCrossSection } from "./finite_cross_section.ts";
export * from "./rolling_ic.ts";
export * from "./impossible_ic.ts";
export * from "./signals/mod.ts";
export * from "./factor_run.ts";
export * from "./regime_run.ts";
export * from "./regime_conditioned.ts";
export * from "./null_suite.ts";
export * from "./null_suite_placebos.ts";
export * from "./null_suite_sim.ts";
export * from "./ledger.ts";
export * from "./ledger_ic.ts";
export * from "./overfitting_verdict.ts";
export * from "./recorded_trial.ts";
export * from "./cross_section_scan.ts";
export * from "./market_snapshot.ts";
