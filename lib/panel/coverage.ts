/**
 * Data coverage of a panel.
 *
 * @module
 */
import type { Panel } from "./types.ts";

/**
 * Per asset, the share of grid points with a close (non-NaN), in `panel.assets` order; NaN for
 * every asset when the panel has no rows. O(rows x assets).
 *
 * @example
 * ```ts
 * import { coverage } from "@lib/panel/coverage.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const p = fromColumns({ freq: "1h", venue: "sim", index: new Float64Array([0, 3_600_000]),
 *   assets: ["A", "B"], close: [new Float64Array([1, 2]), new Float64Array([NaN, 4])] });
 * assert.deepEqual([...coverage(p)], [1, 0.5]);
 * ```
 */
export function coverage(panel: Panel): Float64Array {
  const n = panel.index.length;
  const out = new Float64Array(panel.assets.length);
  for (let a = 0; a < out.length; a++) {
    const c = panel.close[a]!;
    let k = 0;
    for (let t = 0; t < n; t++) if (c[t] === c[t]) k++; // NaN !== NaN
    out[a] = n === 0 ? NaN : k / n;
  }
  return out;
}
