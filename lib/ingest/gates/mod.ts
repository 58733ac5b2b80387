/**
 * Quality gates run before anything is written: pure functions that split an incoming batch
 * of bars, trades or quotes into accepted rows and refused rows with a reason each, so a task
 * can store the first and quarantine the second (lib/store/quarantine.ts) and go on. The row
 * rules and their reason kinds are one module, lib/ingest/gates/rules.ts, used by every write
 * path (import, backfill, stream, poll).
 *
 * @example Gate a batch of bars
 * ```ts
 * import { gateBars } from "@lib/ingest/gates/mod.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import assert from "node:assert/strict";
 * const b = allocBars({ venue: "kraken", symbol: "XBTUSD", freq: "1d" }, 1);
 * b.ts[0] = Date.UTC(2010, 0, 1);
 * b.open[0] = b.high[0] = b.low[0] = b.close[0] = 1;
 * const g = gateBars(b, { now: Date.UTC(2024, 0, 1) });
 * assert.match(g.rejected[0]!.reason, /before kraken existed \(launched 2013-09-10\)/);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./rules.ts";
export * from "./rounding.ts";
export * from "./venue_launch.ts";
export * from "./jump.ts";
export { type BarGateOptions, type BarGateResult, gateBars } from "./bar_gates.ts";
export * from "./trade_gates.ts";
export * from "./quote_gates.ts";
export * from "./perp_gates.ts";
