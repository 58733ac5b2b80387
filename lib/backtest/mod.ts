/**
 * Backtests: the engine that turns target weights into per-bar gross and net returns with an
 * execution lag, composable cost models (`./costs/`), gaps handled by price and stated
 * rebalancing rules, and the result type the strategies, walk-forward and tear sheets read.
 *
 * @example Equal weights on two assets, lag 1, 0.1% taker fees
 * ```ts
 * import { backtestWeights, feeCost } from "@lib/backtest/mod.ts";
 * import assert from "node:assert/strict";
 * const close = [Float64Array.of(10, 11, 12, 12), Float64Array.of(5, 5, 4, 4.4)];
 * const half = Float64Array.of(0.5, 0.5, 0.5, 0.5);
 * const res = backtestWeights({ close }, [half, half], { costs: [feeCost({ venue: "binance" })] });
 * assert.equal(res.metadata.lag, 1);
 * assert.ok(res.metadata.rules.length > 5);
 * assert.ok(Math.abs(res.net[1]!) === 0); // nothing held over bar 1 with lag 1
 * assert.ok(Math.abs(res.gross[2]! - (0.5 * (12 / 11 - 1) + 0.5 * (4 / 5 - 1))) < 1e-15);
 * ```
 *
 * @module
 */
export * from "./cost_model.ts";
export * from "./types.ts";
export * from "./backtest_weights.ts";
export * from "./rank_first.ts";
export * from "./costs/mod.ts";
export * from "./walk_forward_splits.ts";
export * from "./cpcv_splits.ts";
export * from "./lookahead.ts";
export * from "./lookahead_backtest.ts";
export * from "./walk_forward.ts";
export * from "./cpcv.ts";
export * from "./strategies/mod.ts";
export { recordBacktestTrial } from "./ledger.ts";
export * from "./events/mod.ts";
