/**
 * Panels: bars of a universe on one UTC grid as Float64Arrays, the input of all research code.
 *
 * `loadPanel` reads the store; the rest are small pure helpers. The danfo DataFrame bridge
 * lives in `./danfo.ts` and is deliberately NOT re-exported here: danfojs-node takes over a
 * second to load, and only notebook users converting at the edge should pay for it.
 *
 * @example
 * ```ts
 * import { coverage, fromColumns, panelRow } from "@lib/panel/mod.ts";
 * import assert from "node:assert/strict";
 * const p = fromColumns({ freq: "1h", venue: "sim", assets: ["A"],
 *   index: new Float64Array([0, 3_600_000]), close: [new Float64Array([1, NaN])] });
 * assert.deepEqual([...coverage(p)], [0.5]);
 * assert.deepEqual([...panelRow(p, "close", 0)], [1]);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./load_panel.ts";
export * from "./dataset.ts";
export * from "./load_dataset.ts";
export * from "./from_columns.ts";
export * from "./log_returns.ts";
export * from "./spanning_log_returns.ts";
export * from "./align_to_grid.ts";
export * from "./panel_column.ts";
export * from "./panel_row.ts";
export * from "./subset_panel.ts";
export * from "./coverage.ts";
export * from "./load_funding.ts";
export * from "./funding_on_grid.ts";
export * from "./basis.ts";
export * from "./load_perp_series.ts";
