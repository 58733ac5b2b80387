/**
 * Performance metrics of a strategy's per-bar simple returns, one per file, each formula in its
 * JSDoc: CAGR over elapsed calendar time, volatility, Sharpe, Sortino, Calmar, drawdowns (the
 * underwater series, every episode, the top N), skewness, historical VaR and CVaR, hit rate,
 * calendar-day/month/year returns, rolling Sharpe and volatility, alpha and beta to a
 * benchmark, and {@link performanceSummary} of them all. Years have 365 days; the periods per
 * year come from the bar length (8,760 for hourly bars), never 252.
 *
 * @module
 */
export * from "./periods_per_year.ts";
export * from "./cagr.ts";
export * from "./volatility.ts";
export * from "./sharpe.ts";
export * from "./sortino.ts";
export * from "./calmar.ts";
export * from "./drawdowns.ts";
export * from "./skewness.ts";
export * from "./tail_risk.ts";
export * from "./hit_rate.ts";
export * from "./calendar_returns.ts";
export * from "./rolling.ts";
export * from "./alpha_beta.ts";
export * from "./performance_summary.ts";
export * from "./extreme_returns.ts";
