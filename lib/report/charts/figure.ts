/**
 * Options every chart function takes, and the figure block every chart returns.
 *
 * @module
 */
import type { DataTable, FigureBlock, TidyTable } from "../model.ts";

/** Identity and size of a figure; each chart states its own defaults. */
export interface FigureOptions {
  /** Block id, `[a-z0-9-]+`, unique in the report; prefixes the ids inside the SVG. */
  readonly id?: string;
  /** Title shown above the figure. */
  readonly title?: string;
  /** Caption under the title. */
  readonly caption?: string;
  /** Width in px. Default {@link DEFAULT_WIDTH}. */
  readonly width?: number;
}

/**
 * Default figure width in px: a wide window's content width. The page scales a figure down
 * to its column (never below 640 px; narrower windows scroll it).
 */
export const DEFAULT_WIDTH = 1280;

/**
 * `data` as tidy records (see {@link TidyTable}): text columns as strings, datetime and date
 * columns (epoch ms) as ISO 8601 UTC, other numbers as numbers, non-finite as null.
 *
 * @example
 * ```ts
 * import { tidyTable } from "@lib/report/charts/figure.ts";
 * import assert from "node:assert/strict";
 * const t = tidyTable({
 *   columns: [{ key: "ts", label: "Time", format: "datetime", digits: 0 },
 *     { key: "asset", label: "Asset", format: "text", digits: 0 },
 *     { key: "r", label: "Return", format: "percent", digits: 1 }],
 *   rows: [[0, "BTC", 0.05], [3_600_000, "ETH", NaN]],
 * });
 * assert.deepEqual(t.rows, [
 *   { ts: "1970-01-01T00:00:00.000Z", asset: "BTC", r: 0.05 },
 *   { ts: "1970-01-01T01:00:00.000Z", asset: "ETH", r: null },
 * ]);
 * ```
 */
export function tidyTable(data: DataTable): TidyTable {
  const kinds = data.columns.map((c) =>
    c.format === "text"
      ? "string" as const
      : (c.format as string) === "datetime" || (c.format as string) === "date"
      ? "timestamp" as const
      : "number" as const
  );
  return {
    columns: data.columns.map((c, j) => ({ name: c.key, type: kinds[j]! })),
    rows: data.rows.map((row) => {
      const o: Record<string, string | number | null> = {};
      data.columns.forEach((c, j) => {
        const v = row[j] ?? null;
        o[c.key] = typeof v !== "number"
          ? v
          : !Number.isFinite(v)
          ? null
          : kinds[j] === "timestamp"
          ? new Date(v).toISOString()
          : v;
      });
      return o;
    }),
  };
}

/**
 * The {@link FigureBlock} of a chart: `options.title` and `options.caption` when given, else the
 * chart's own defaults. Its tidy table is `points`, the data the chart plots (line charts pass
 * the thinned points their SVG draws), or else `data` as tidy records.
 *
 * @example A caller's title wins over the chart's default
 * ```ts
 * import { figureBlock } from "@lib/report/charts/figure.ts";
 * import assert from "node:assert/strict";
 * const defaults = { title: "Default", caption: "Says what" };
 * const data = { columns: [], rows: [] };
 * const fig = figureBlock("x", { title: "Mine" }, defaults, "<svg></svg>", data);
 * assert.equal(fig.title, "Mine");
 * assert.equal(fig.caption, "Says what");
 * ```
 */
export function figureBlock(
  id: string,
  options: FigureOptions,
  defaults: { readonly title: string; readonly caption: string },
  svg: string,
  data: DataTable,
  points?: TidyTable,
): FigureBlock {
  return {
    type: "figure",
    id,
    title: options.title ?? defaults.title,
    caption: options.caption ?? defaults.caption,
    svg,
    data,
    tidy: points ?? tidyTable(data),
  };
}
