/**
 * Pairs trading research: hedge ratios on log prices (OLS, total least squares, Kalman), the
 * spread's causal rolling z-score and band signals, rolling cointegration stability, and
 * Engle-Granger screening of a whole universe with FDR-adjusted p-values.
 *
 * @module
 */
export {
  type HedgeMethod,
  hedgeRatio,
  type HedgeRatioOptions,
  type KalmanHedgeRatio,
  type StaticHedgeRatio,
} from "./hedge_ratio.ts";
export { type KalmanHedge, kalmanHedge, type KalmanHedgeOptions } from "./kalman_hedge.ts";
export { type SpreadZScore, spreadZScore, type SpreadZScoreOptions } from "./spread.ts";
export { type ZScoreSignals, zScoreSignals, type ZScoreSignalsOptions } from "./z_score_signals.ts";
export {
  type RollingCointegration,
  rollingCointegration,
  type RollingCointegrationOptions,
} from "./rolling_cointegration.ts";
export {
  type ScreenedPair,
  screenPairs,
  type ScreenPairsOptions,
  type ScreenPairsResult,
} from "./screen_pairs.ts";
