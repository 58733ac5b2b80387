/**
 * Chart: cumulative returns of several assets, one line each.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { FigureBlock } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH, type FigureOptions } from "./figure.ts";
import { type NamedSeries, SERIES_COLORS, summarize, toLongColumns } from "./series.ts";

/** Input of {@link cumulativeReturnsChart}. */
export interface CumulativeReturnsInput {
  /** Time of each value, UTC epoch ms, ascending. */
  readonly index: ArrayLike<number>;
  /** Per asset, the simple cumulative return since the start as a fraction (0.1 = +10%). */
  readonly series: readonly NamedSeries[];
}

/**
 * Multi-line chart of cumulative returns (percent), with a legend, thinned to at most
 * `maxPoints` points per line (default 500). The data summary has one row per asset: final,
 * lowest and highest cumulative return.
 *
 * @example Two assets over three hours
 * ```ts
 * import { cumulativeReturnsChart } from "@lib/report/charts/cumulative_returns.ts";
 * import assert from "node:assert/strict";
 * const fig = cumulativeReturnsChart({
 *   index: [0, 3_600_000, 7_200_000],
 *   series: [{ asset: "BTC", values: [0, 0.01, 0.03] }, { asset: "ETH", values: [0, -0.02, 0.01] }],
 * });
 * assert.equal(fig.type, "figure");
 * assert.deepEqual(fig.data.rows[0], ["BTC", 0.03, 0, 0.03]);
 * ```
 */
export function cumulativeReturnsChart(
  input: CumulativeReturnsInput,
  options: FigureOptions & { readonly maxPoints?: number } = {},
): FigureBlock {
  const id = options.id ?? "cumulative-returns";
  const cols = toLongColumns(input.index, input.series, options.maxPoints ?? 500);
  // With no finite value Plot would invent a degenerate axis; give it a sensible empty one.
  const empty = !cols.y.some(Number.isFinite);
  const assets = input.series.map((s) => s.asset);
  const svg = renderPlot({
    width: options.width ?? DEFAULT_WIDTH,
    height: 380,
    marginLeft: 50,
    x: { type: "utc", label: null },
    y: {
      percent: true,
      grid: true,
      label: "Cumulative return (%)",
      ...(empty ? { domain: [-0.1, 0.1] } : {}),
    },
    color: { type: "categorical", domain: assets, range: [...SERIES_COLORS], legend: true },
    marks: [
      Plot.ruleY([0], { stroke: "#888" }),
      Plot.lineY({ length: cols.y.length }, {
        x: cols.x,
        y: cols.y,
        z: cols.z,
        stroke: cols.z,
        strokeWidth: 1.25,
      }),
    ],
  }, id);
  return {
    type: "figure",
    id,
    title: options.title ?? "Cumulative returns",
    caption: options.caption ??
      "Growth of one unit held from the first bar, as a percentage; a break in a line is missing " +
        "data, and the first bar after it carries the price move across the gap.",
    svg,
    data: {
      columns: [
        { key: "asset", label: "Asset", format: "text", digits: 0 },
        { key: "final", label: "Final", format: "percent", digits: 2 },
        { key: "min", label: "Lowest", format: "percent", digits: 2 },
        { key: "max", label: "Highest", format: "percent", digits: 2 },
      ],
      rows: input.series.map((s) => {
        const st = summarize(s.values);
        return [s.asset, st.last, st.min, st.max];
      }),
    },
  };
}
