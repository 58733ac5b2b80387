/**
 * Regimes: pure, causal classifications of a return series or a cross-section (volatility
 * percentiles with hysteresis and dwell, Markov-switching regression, market-structure classes).
 *
 * @module
 */
export * from "./vol_percentile_regimes.ts";
export * from "./markov_filter.ts";
export * from "./markov_regression.ts";
export * from "./markov_regimes.ts";
export * from "./market_structure.ts";
