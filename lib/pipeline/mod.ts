/**
 * The top floor: the jobs that fill a store and run a whole report (the demo on the simulated
 * market or on Binance, a research report of bars already stored, a strategy's backtest or
 * walk-forward, re-verifying a report folder). Tasks and notebooks call
 * these; everything below (`lib/report` included) is given its data and never fetches.
 *
 * @module
 */
export * from "./demo_fill.ts";
export * from "./demo_run.ts";
export * from "./demo_binance.ts";
export * from "./report_run.ts";
export * from "./run_dataset.ts";
export * from "./strategy_spec.ts";
export * from "./cost_spec.ts";
export * from "./backtest_run.ts";
export * from "./walkforward_run.ts";
export * from "./verify_report_run.ts";
export * from "./closed_dataset.ts";
export * from "./scan_run.ts";
export * from "./daily_run.ts";
