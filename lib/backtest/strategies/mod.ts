/**
 * Strategies as pure functions from data to target weights (row t decided with data up to bar
 * t only), a runner through the backtest engine, and round-trip trade logs:
 * {@link maCrossover} (trend following), {@link volatilityBreakout} (Donchian channel + ATR),
 * {@link pairsMeanReversion} (spread z-score bands, both legs), {@link longShort} (top/bottom
 * quantiles or signal-weighted from any cross-sectional signal), {@link backtestStrategy} and
 * {@link buildTradeLog}.
 *
 * @example Trend following on one asset, with its trade log
 * ```ts
 * import { backtestStrategy, maCrossover } from "@lib/backtest/strategies/mod.ts";
 * import assert from "node:assert/strict";
 * const close = Float64Array.from({ length: 200 }, (_, t) => 100 + t + 15 * Math.sin(t / 10));
 * const run = backtestStrategy({ close: [close] }, maCrossover(close, { fast: 5, slow: 30 }));
 * assert.ok(run.tradeLog.trades.length > 0);
 * assert.equal(run.backtest.metadata.lag, 1);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./trade_log.ts";
export * from "./backtest_strategy.ts";
export * from "./ma_crossover.ts";
export * from "./volatility_breakout.ts";
export * from "./pairs_mean_reversion.ts";
export * from "./long_short.ts";
export * from "./event_strategy.ts";
