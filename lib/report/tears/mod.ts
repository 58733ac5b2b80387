/**
 * Tear sheets composed of report sections, as alphalens' `tears`: the strategy tear sheet of a
 * backtest (quantstats / pyfolio's numbers with `lib/backtest/metrics`' formulas), the signal
 * tear sheet of any signal (IC, decay, quantiles, turnover and the long-short backtest), and the
 * whole report of one signal on a dataset.
 *
 * @module
 */
export * from "./strategy_tear_sheet.ts";
export * from "./signal_tear_sheet.ts";
export * from "./signal_report.ts";
export * from "./strategy_report.ts";
export * from "./sections_display.ts";
