/**
 * Options every chart function takes, and the figure block every chart returns.
 *
 * @module
 */
import type { DataTable, FigureBlock } from "../model.ts";

/** Identity and size of a figure; each chart states its own defaults. */
export interface FigureOptions {
  /** Block id, `[a-z0-9-]+`, unique in the report; prefixes the ids inside the SVG. */
  readonly id?: string;
  /** Title shown above the figure. */
  readonly title?: string;
  /** Caption under the title. */
  readonly caption?: string;
  /** Width in px. Default 760. */
  readonly width?: number;
}

/** Default figure width in px: fits the report's text column. */
export const DEFAULT_WIDTH = 760;

/**
 * The {@link FigureBlock} of a chart: `options.title` and `options.caption` when given, else the
 * chart's own defaults.
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
): FigureBlock {
  return {
    type: "figure",
    id,
    title: options.title ?? defaults.title,
    caption: options.caption ?? defaults.caption,
    svg,
    data,
  };
}
