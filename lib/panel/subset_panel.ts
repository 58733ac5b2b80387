/**
 * A sub-panel: fewer assets, a shorter window.
 *
 * @module
 */
import { fromColumns } from "./from_columns.ts";
import type { Panel } from "./types.ts";

/** Which part of a panel {@link subsetPanel} keeps; each part defaults to everything. */
export interface PanelSubset {
  /** Asset labels to keep, in the order given. */
  readonly assets?: readonly string[] | undefined;
  /** First time kept (UTC epoch ms, inclusive). */
  readonly from?: number | undefined;
  /** End of the window (UTC epoch ms, exclusive). */
  readonly to?: number | undefined;
}

/**
 * Keep some assets and the rows with time in `[from, to)`, as copies. Log returns are
 * recomputed on the subset, so its first row's return is NaN, exactly as if the panel had been
 * loaded for that window: nothing before `from` leaks in. O(rows x assets).
 *
 * @example
 * ```ts
 * import { subsetPanel } from "@lib/panel/subset_panel.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const h = 3_600_000;
 * const p = fromColumns({ freq: "1h", venue: "sim", index: new Float64Array([0, h, 2 * h]),
 *   assets: ["A", "B"], close: [new Float64Array([1, 2, 4]), new Float64Array([3, 4, 5])] });
 * const s = subsetPanel(p, { assets: ["A"], from: h });
 * assert.deepEqual([...s.index], [h, 2 * h]);
 * assert.deepEqual([...s.close[0]!], [2, 4]);
 * assert.ok(Number.isNaN(s.logReturns[0]![0]!));
 * ```
 */
export function subsetPanel(panel: Panel, subset: PanelSubset): Panel {
  const keep = (subset.assets ?? panel.assets).map((label) => {
    const a = panel.assets.indexOf(label);
    if (a < 0) {
      throw new RangeError(
        `Unknown asset "${label}" in this panel; its assets are: ${panel.assets.join(", ")}`,
      );
    }
    return a;
  });
  if (subset.from !== undefined && subset.to !== undefined && !(subset.from < subset.to)) {
    throw new RangeError(
      `Cannot subset a panel: from (${subset.from}) must be before to (${subset.to})`,
    );
  }
  const idx = panel.index;
  let i = 0, j = idx.length;
  if (subset.from !== undefined) { while (i < j && idx[i]! < subset.from) i++; }
  if (subset.to !== undefined) { while (j > i && idx[j - 1]! >= subset.to) j--; }
  const cols = (f: readonly Float64Array[]) => keep.map((a) => f[a]!.slice(i, j));
  return fromColumns({
    freq: panel.freq,
    venue: panel.venue,
    assets: keep.map((a) => panel.assets[a]!),
    index: idx.slice(i, j),
    open: cols(panel.open),
    high: cols(panel.high),
    low: cols(panel.low),
    close: cols(panel.close),
    volume: cols(panel.volume),
  });
}
