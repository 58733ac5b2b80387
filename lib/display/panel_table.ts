/**
 * A time x asset view of a panel as a {@link Table}.
 *
 * @module
 */
import { type Table, table, type TableOptions } from "./table.ts";
import type { PanelField } from "../panel/types.ts";

/**
 * The shape of a panel this module needs: a `Panel` from `@lib/panel/mod.ts` fits, and so does
 * any object with asset names, a UTC epoch-ms time index and, for the field shown, one column
 * per asset (NaN where missing).
 */
export interface PanelLike {
  readonly venue?: string;
  readonly freq?: string;
  readonly assets: readonly string[];
  readonly index: Float64Array;
  readonly open?: readonly Float64Array[];
  readonly high?: readonly Float64Array[];
  readonly low?: readonly Float64Array[];
  readonly close?: readonly Float64Array[];
  readonly volume?: readonly Float64Array[];
  readonly logReturns?: readonly Float64Array[];
}

/** Options for {@link tableFromPanel}. */
export interface PanelTableOptions {
  /** Show only the last `n` times. Default 10. */
  readonly last?: number;
  /** Assets to show, in order. Default every asset of the panel. */
  readonly assets?: readonly string[];
  /** Decimals for values. Default 6 significant digits. */
  readonly digits?: number;
  /** Text for missing values (NaN). Default `"NaN"`, so gaps are visible. */
  readonly missing?: string;
  /** Caption. Default `<venue> <freq> <field>: last n of N times (UTC)`. */
  readonly caption?: string;
}

/**
 * Show the last `n` rows of one panel field as a table: a `time` column (UTC) and one column
 * per asset. Gaps (NaN) show as `NaN` by default, never as zero.
 *
 * @example
 * ```ts
 * import { tableFromPanel } from "@lib/display/panel_table.ts";
 * import assert from "node:assert/strict";
 * const panel = {
 *   venue: "sim", freq: "1h", assets: ["BTC", "ETH"],
 *   index: new Float64Array([0, 3_600_000, 7_200_000]),
 *   close: [new Float64Array([1, 2, 3]), new Float64Array([10, NaN, 30])],
 * };
 * const t = tableFromPanel(panel, "close", { last: 2 });
 * assert.deepEqual(t.columns, ["time", "BTC", "ETH"]);
 * assert.equal(t.rowCount, 2);
 * assert.ok(t.text.includes("1970-01-01T01:00Z    2  NaN"));
 * ```
 */
export function tableFromPanel(
  panel: PanelLike,
  field: PanelField,
  options: PanelTableOptions = {},
): Table {
  const values = panel[field];
  if (values === undefined) {
    throw new RangeError(`Cannot show panel field "${field}": this panel has no such field`);
  }
  if (values.length !== panel.assets.length) {
    throw new RangeError(
      `Cannot show panel field "${field}": it has ${values.length} columns for ` +
        `${panel.assets.length} assets`,
    );
  }
  const last = options.last ?? 10;
  if (!(Number.isInteger(last) && last >= 1)) {
    throw new RangeError(`Cannot show panel: last must be an integer >= 1, got ${last}`);
  }
  const n = panel.index.length;
  const start = Math.max(0, n - last);
  const assets = options.assets ?? panel.assets;
  const cols: Record<string, ArrayLike<unknown>> = { time: panel.index.subarray(start) };
  for (const a of assets) {
    const k = panel.assets.indexOf(a);
    if (k < 0) {
      throw new RangeError(
        `Cannot show panel: no asset "${a}" (assets are ${panel.assets.join(", ")})`,
      );
    }
    if (a === "time") throw new RangeError(`Cannot show panel: an asset may not be named "time"`);
    cols[a] = values[k]!.subarray(start);
  }
  const where = [panel.venue, panel.freq, field].filter((s) => s !== undefined).join(" ");
  const tableOptions: TableOptions = {
    formats: { time: "datetime" },
    labels: { time: "time (UTC)" },
    missing: options.missing ?? "NaN",
    maxRows: last,
    caption: options.caption ?? `${where}: last ${n - start} of ${n} times (UTC)`,
    ...(options.digits !== undefined ? { digits: options.digits } : {}),
  };
  const t = table(cols, tableOptions);
  return t;
}
