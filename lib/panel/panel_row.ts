/**
 * One cross-section of a panel.
 *
 * @module
 */
import type { Panel, PanelField } from "./types.ts";

/**
 * The cross-section of `field` at row `t` (one value per asset, in `panel.assets` order),
 * written into `out` when given so a loop over time allocates nothing. O(assets).
 *
 * @example Reuse one buffer for every row
 * ```ts
 * import { panelRow } from "@lib/panel/panel_row.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const p = fromColumns({ freq: "1h", venue: "sim", index: new Float64Array([0, 3_600_000]),
 *   assets: ["A", "B"], close: [new Float64Array([1, 2]), new Float64Array([3, 4])] });
 * const row = new Float64Array(2);
 * assert.deepEqual([...panelRow(p, "close", 1, row)], [2, 4]);
 * ```
 */
export function panelRow(
  panel: Panel,
  field: PanelField,
  t: number,
  out: Float64Array = new Float64Array(panel.assets.length),
): Float64Array {
  if (!Number.isInteger(t) || t < 0 || t >= panel.index.length) {
    throw new RangeError(
      `Cannot read panel row ${t}: rows are integers in [0, ${panel.index.length})`,
    );
  }
  if (out.length !== panel.assets.length) {
    throw new RangeError(
      `Cannot read panel row: out has length ${out.length}, the panel has ${panel.assets.length} assets`,
    );
  }
  const cols = panel[field];
  for (let a = 0; a < cols.length; a++) out[a] = cols[a]![t]!;
  return out;
}
