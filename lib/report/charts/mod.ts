/**
 * One function per chart; each returns a {@link FigureBlock} (deterministic SVG plus the
 * numbers behind it).
 *
 * @module
 */
export * from "./coverage.ts";
export * from "./cumulative_returns.ts";
export * from "./correlation_heatmap.ts";
export * from "./rolling_beta.ts";
export * from "./sharpe_bars.ts";
export * from "./series.ts";
export * from "./figure.ts";
export * from "./multi_line.ts";
export * from "./factor_betas.ts";
export * from "./raw_vs_residual.ts";
export * from "./ic_bars.ts";
export * from "./ic_decay.ts";
export * from "./quantile_bars.ts";
export * from "./spread_zscore.ts";
export * from "./underwater.ts";
export * from "./calendar_heatmap.ts";
export * from "./value_bars.ts";
export * from "./histogram.ts";
export * from "./qq_plot.ts";
export * from "./time_series.ts";
export * from "./capacity.ts";
export * from "./quantile_error_bars.ts";
