/**
 * Event research: abnormal returns against a market model on BTC (and ETH) fitted before each
 * event, with the forecast-error correction in their variance; the Boehmer-Musumeci-Poulsen,
 * Kolari-Pynnonen and block-bootstrap tests of the mean CAR; and `eventStudy`, which runs them
 * together with the CAAR path and its band; the registry of causal event definitions (funding
 * extremes, volatility squeeze then breakout, liquidation cascades, open-interest shocks, jumps,
 * gaps, cross-venue dislocations).
 *
 * @module
 */
export * from "./abnormal_returns.ts";
export * from "./bmp_test.ts";
export * from "./kolari_pynnonen.ts";
export * from "./bootstrap_car_test.ts";
export * from "./event_study.ts";
export * from "./event_definitions.ts";
