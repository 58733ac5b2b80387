/**
 * A seeded simulated crypto market with known truths, written to the store as venue `sim`.
 *
 * - {@link simulateMarket}`(options)` -> {@link SimMarket}: bars for `BTCSIM`, `ETHSIM` and
 *   `SIMA`, `SIMB`, ... plus `truth` (drifting betas, cointegrated pairs with hedge ratios and
 *   half-lives, a planted signal with a known IC, the gaps).
 * - {@link writeSimMarket}`(db, market, { runId })`: one transaction, source `sim:seed=<seed>`.
 * - {@link resolveSimOptions}: the options with their defaults filled in (for manifests).
 *
 * @example Simulate, then write to a store
 * ```ts
 * import { simulateMarket, writeSimMarket } from "@lib/sim/mod.ts";
 * import { openStore } from "@lib/store/db.ts";
 * import assert from "node:assert/strict";
 * const market = simulateMarket({ seed: 42, assets: 6, freq: "1h", bars: 24 * 7 });
 * const { db } = openStore(":memory:");
 * const res = writeSimMarket(db, market);
 * assert.equal(res.source, "sim:seed=42");
 * assert.equal(res.symbols, 8);
 * assert.ok(market.truth.gaps.length > 0);
 * ```
 *
 * @module
 */
export { simulateMarket } from "./simulate_market.ts";
export { writeSimMarket, type WriteSimOptions, type WriteSimResult } from "./write.ts";
export {
  BTC_SYMBOL,
  ETH_SYMBOL,
  type ResolvedSimOptions,
  resolveSimOptions,
  simAssetName,
  type SimGapSpec,
  type SimOptions,
  type SimPairSpec,
} from "./options.ts";
export type { SimGapTruth, SimMarket, SimPairTruth, SimSignalTruth, SimTruth } from "./types.ts";
export { type GarchPath, garchT, type GarchTParams } from "./garch_t.ts";
export { intrabarBars, type IntrabarInput } from "./intrabar_bars.ts";
