/**
 * Materializers: pure transforms from raw rows to bars, and the runner that applies them to
 * the store idempotently.
 *
 * @module
 */
export * from "./decimals.ts";
export * from "./decimal_sum.ts";
export * from "./sort_bars.ts";
export * from "./trades_to_bars.ts";
export * from "./live_bars.ts";
export * from "./resample_bars.ts";
export * from "./choose_source.ts";
export * from "./run.ts";
export * from "./regimes/mod.ts";
