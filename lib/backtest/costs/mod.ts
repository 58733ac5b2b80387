/**
 * Cost models for the backtest engine, each its own composable `CostModel` (see
 * `../cost_model.ts`): exchange fees, half-spread (quoted or estimated from OHLC with
 * Corwin-Schultz or Abdi-Ranaldo), square-root market impact with a participation cap on fills,
 * perp funding, DEX constant-product execution; and the capacity curve that reruns a backtest
 * at growing capital.
 *
 * @example Fees and funding on one bar
 * ```ts
 * import { feeCost, fundingCost } from "@lib/backtest/costs/mod.ts";
 * import assert from "node:assert/strict";
 * const bar = { t: 0, ts: 0, traded: Float64Array.of(0.1), held: Float64Array.of(0.1), equity: 1e4 };
 * const fees = new Float64Array(1), funding = new Float64Array(1);
 * feeCost({ venue: "binance-usdm" }).cost(bar, fees);
 * fundingCost({ rates: [Float64Array.of(0.0001)] }).cost(bar, funding);
 * assert.ok(Math.abs(fees[0]! - 0.1 * 0.0005) < 1e-18);
 * assert.ok(Math.abs(funding[0]! - 0.1 * 0.0001) < 1e-18);
 * ```
 *
 * @module
 */
export * from "./fee_schedule.ts";
export * from "./fee_cost.ts";
export * from "./corwin_schultz.ts";
export * from "./abdi_ranaldo.ts";
export * from "./estimated_spreads.ts";
export * from "./quoted_spreads.ts";
export * from "./half_spread_cost.ts";
export * from "./impact_inputs.ts";
export * from "./cap_trade.ts";
export * from "./square_root_impact.ts";
export * from "./align_funding.ts";
export * from "./funding_cost.ts";
export * from "./uniswap_v2.ts";
export * from "./dex_pool_cost.ts";
export * from "./capacity_curve.ts";
