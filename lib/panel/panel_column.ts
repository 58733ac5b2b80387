/**
 * One asset's column of a panel.
 *
 * @module
 */
import type { Panel, PanelField } from "./types.ts";

/**
 * The column of `field` for `asset` (by label), without copying: it is the panel's own array.
 *
 * @example
 * ```ts
 * import { panelColumn } from "@lib/panel/panel_column.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const p = fromColumns({ freq: "1h", venue: "sim", index: new Float64Array([0, 3_600_000]),
 *   assets: ["A", "B"], close: [new Float64Array([1, 2]), new Float64Array([3, 4])] });
 * assert.deepEqual([...panelColumn(p, "close", "B")], [3, 4]);
 * assert.throws(() => panelColumn(p, "close", "C"), /assets are: A, B/);
 * ```
 */
export function panelColumn(panel: Panel, field: PanelField, asset: string): Float64Array {
  const a = panel.assets.indexOf(asset);
  if (a < 0) {
    throw new RangeError(
      `Unknown asset "${asset}" in this panel; its assets are: ${panel.assets.join(", ")}`,
    );
  }
  return panel[field][a]!;
}
