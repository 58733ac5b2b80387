/**
 * Run a strategy's target weights through the engine and cut its trade log.
 *
 * @module
 */
import { backtestWeights } from "../backtest_weights.ts";
import type { BacktestOptions, PriceInput } from "../types.ts";
import { buildTradeLog } from "./trade_log.ts";
import type { StrategyRun, StrategyTargets } from "./types.ts";

/**
 * `backtestWeights(prices, targets.weights, options)` followed by `buildTradeLog` with the
 * same cost models and the strategy's groups (a pair's legs make one round trip). Every engine
 * rule applies (default lag 1: row t's decision fills at bar t + 1's close).
 *
 * @example A moving-average crossover with Binance taker fees
 * ```ts
 * import { backtestStrategy, maCrossover } from "@lib/backtest/strategies/mod.ts";
 * import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
 * import assert from "node:assert/strict";
 * const close = Float64Array.from({ length: 300 }, (_, t) => 100 + 10 * Math.sin(t / 20));
 * const prices = { close: [close] };
 * const run = backtestStrategy(prices, maCrossover(close, { fast: 5, slow: 20 }), {
 *   costs: [feeCost({ venue: "binance" })],
 * });
 * assert.ok(run.tradeLog.summary.count > 0);
 * assert.ok(run.tradeLog.trades.every((t) => t.costs.fees! > 0));
 * ```
 */
export function backtestStrategy(
  prices: PriceInput,
  targets: StrategyTargets,
  options: BacktestOptions = {},
): StrategyRun {
  const backtest = backtestWeights(prices, targets.weights, options);
  const tradeLog = buildTradeLog(backtest, prices, {
    costs: options.costs ?? [],
    ...(targets.groups === undefined ? {} : { groups: targets.groups }),
  });
  return { targets, backtest, tradeLog };
}
