/**
 * cryptolab: the public library, one import for notebooks and scripts.
 *
 * Data flows one way, and so do the imports between these folders:
 * `ingest -> store -> materialize -> panel -> stats -> report`. Import a folder's `mod.ts` (for
 * example `@lib/panel/mod.ts`) when you need only that layer; this module re-exports them all
 * except the danfo bridge (`@lib/panel/danfo.ts`), which loads a heavy dependency and is
 * imported on its own where wanted.
 *
 * @example Simulate a small market, store it and load an hourly panel
 * ```ts
 * import { loadPanel, openStore, simulateMarket, writeSimMarket } from "@lib/mod.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * writeSimMarket(db, simulateMarket({ seed: 7, assets: 3, freq: "1h", bars: 48 }));
 * const panel = loadPanel(db, { venue: "sim", freq: "1h" });
 * assert.equal(panel.index.length, 48);
 * assert.ok(panel.assets.includes("BTCSIM"));
 * ```
 *
 * @module
 */
export * from "./core/mod.ts";
export * from "./store/mod.ts";
export * from "./ingest/mod.ts";
export * from "./materialize/mod.ts";
export * from "./panel/mod.ts";
export * from "./stats/mod.ts";
export * from "./sim/mod.ts";
export * from "./report/mod.ts";
export * from "./display/mod.ts";
export * from "./providers/mod.ts";
export * from "./research/mod.ts";
export * from "./portfolio/mod.ts";
export * from "./backtest/mod.ts";
export * from "./pipeline/mod.ts";
