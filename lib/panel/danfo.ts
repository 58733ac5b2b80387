/**
 * The bridge between panels and danfo DataFrames (`danfojs-node`), for notebook users who like
 * pandas-style work. Convert at the edge, never in a hot loop: danfo copies every value into
 * plain JS arrays, and loading it takes over a second, which is why `mod.ts` does not
 * re-export this file and nothing else in `lib/` imports danfo.
 *
 * danfojs-node 1.1.2 is pinned: 1.2.0 depends on a tarball outside npm. Its declared
 * dependency `@tensorflow/tfjs-node` is installed but never loaded (1.1.2's build imports the
 * pure-JS `@tensorflow/tfjs`), so Deno skipping tfjs-node's native build script is harmless.
 *
 * @module
 */
import { DataFrame } from "danfojs-node";
import type { Freq } from "../core/freq.ts";
import { freqMs } from "../core/freq.ts";
import { gridPoints } from "../core/grid_size.ts";
import { alignToGrid } from "./align_to_grid.ts";
import { fromColumns } from "./from_columns.ts";
import type { Panel, PanelField } from "./types.ts";

/** Options of {@link panelToDataFrame}. */
export interface ToDataFrameOptions {
  /** Row labels: ISO-8601 UTC strings (`2021-01-01T00:00:00.000Z`, default) or epoch ms. */
  readonly index?: "iso" | "ms";
}

/**
 * One field of a panel as a DataFrame: rows are times, columns are assets, NaN where missing.
 *
 * @example
 * ```ts
 * import { panelToDataFrame } from "@lib/panel/danfo.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const p = fromColumns({ freq: "1h", venue: "sim", assets: ["A", "B"],
 *   index: new Float64Array([0, 3_600_000]),
 *   close: [new Float64Array([1, 2]), new Float64Array([NaN, 4])] });
 * const df = panelToDataFrame(p);
 * assert.deepEqual(df.columns, ["A", "B"]);
 * assert.deepEqual(df.index, ["1970-01-01T00:00:00.000Z", "1970-01-01T01:00:00.000Z"]);
 * assert.deepEqual(df.values, [[1, NaN], [2, 4]]);
 * ```
 */
export function panelToDataFrame(
  panel: Panel,
  field: PanelField = "close",
  options: ToDataFrameOptions = {},
): DataFrame {
  const index = options.index === "ms"
    ? Array.from(panel.index)
    : Array.from(panel.index, (t) => new Date(t).toISOString());
  const cols = panel[field];
  // row-major values keep the column order exactly as the panel's assets, whatever the labels
  const rows: number[][] = new Array(index.length);
  for (let t = 0; t < index.length; t++) {
    const row = new Array<number>(cols.length);
    for (let a = 0; a < cols.length; a++) row[a] = cols[a]![t]!;
    rows[t] = row;
  }
  return new DataFrame(rows, { index, columns: [...panel.assets] });
}

/** Options of {@link panelFromDataFrame}. */
export interface FromDataFrameOptions {
  readonly freq: Freq;
  readonly venue: string;
  /** Which panel field the DataFrame's values fill; the other fields are NaN. Default close. */
  readonly field?: Exclude<PanelField, "logReturns">;
}

/**
 * A panel from a DataFrame whose index is times (epoch ms numbers or ISO-8601 strings with a
 * zone, e.g. `Z`) and whose columns are assets. Times must be increasing and on the `freq`
 * grid; missing grid points become NaN rows. Log returns come from `close`, so they are all
 * NaN unless `field` is `close`.
 *
 * @example Round trip
 * ```ts
 * import { panelFromDataFrame, panelToDataFrame } from "@lib/panel/danfo.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const p = fromColumns({ freq: "1h", venue: "sim", assets: ["A"],
 *   index: new Float64Array([0, 3_600_000]), close: [new Float64Array([1, 2])] });
 * const back = panelFromDataFrame(panelToDataFrame(p), { freq: "1h", venue: "sim" });
 * assert.deepEqual([...back.close[0]!], [1, 2]);
 * assert.deepEqual([...back.logReturns[0]!], [NaN, Math.log(2)]);
 * ```
 */
export function panelFromDataFrame(df: DataFrame, options: FromDataFrameOptions): Panel {
  const step = freqMs(options.freq);
  const labels = df.index as (string | number)[];
  const ts = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    const t = typeof l === "number" ? l : parseUtc(l);
    if (!Number.isFinite(t)) {
      throw new RangeError(
        `Cannot convert DataFrame to panel: index label ${JSON.stringify(l)} (row ${i}) is not ` +
          `a time; use epoch ms or ISO-8601 strings with a zone such as "2021-01-01T00:00:00Z"`,
      );
    }
    if (i > 0 && !(t > ts[i - 1]!)) {
      throw new RangeError(
        `Cannot convert DataFrame to panel: the index must increase, but row ${i} ` +
          `(${JSON.stringify(l)}) is not after row ${i - 1}; sort it first (df.sortIndex())`,
      );
    }
    ts[i] = t;
  }
  const n = ts.length;
  const grid = {
    start: n > 0 ? ts[0]! : 0,
    stepMs: step,
    length: n > 0 ? gridPoints(ts[0]!, ts[n - 1]!, step, "DataFrame panel") : 0,
  };
  const assets = (df.columns as string[]).map(String);
  const values = df.values as unknown as (number | null | undefined)[][];
  const cols = assets.map((_, a) => {
    const raw = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i]![a];
      raw[i] = typeof v === "number" ? v : NaN; // danfo keeps missing cells as NaN, null or undefined
    }
    return alignToGrid(ts, raw, grid);
  });
  const index = new Float64Array(grid.length);
  for (let t = 0; t < grid.length; t++) index[t] = grid.start + t * step;
  return fromColumns({
    freq: options.freq,
    venue: options.venue,
    assets,
    index,
    [options.field ?? "close"]: cols,
  });
}

function parseUtc(s: string): number {
  // a string without a zone would be read in local time: refuse it rather than guess
  return /(Z|[+-]\d\d:?\d\d)$/i.test(s.trim()) ? Date.parse(s) : NaN;
}
