/**
 * Chart: cumulative returns of several assets, one line each.
 *
 * @module
 */
import { ASSET_COLUMN, column, type FigureBlock } from "../model.ts";
import { figureBlock, type FigureOptions } from "./figure.ts";
import {
  growthNeedsLog,
  MANY_SERIES_HIGHLIGHT,
  MAX_LEGEND_SERIES,
  multiLinePlot,
} from "./multi_line.ts";
import { type NamedSeries, summaryRows } from "./series.ts";

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
  options: FigureOptions & { readonly maxPoints?: number; readonly maxSeries?: number } = {},
): FigureBlock {
  const id = options.id ?? "cumulative-returns";
  const { svg, points } = multiLinePlot(input.index, input.series, { ...options, id }, {
    yLabel: "Cumulative return (%)",
    percent: true,
    emptyDomain: [-0.1, 0.1],
    reference: { y: 0, dashed: false },
    growthLabel: "Growth of 1 (log scale)",
  });
  const n = input.series.length;
  const many = n > (options.maxSeries ?? MAX_LEGEND_SERIES)
    ? ` With ${n} assets, the chart shows ` +
      (growthNeedsLog(input.series)
        ? "the growth of one unit (1 + cumulative return) on a log scale: "
        : "") +
      `the median and the 10-90% band of all ${n}, and the ${MANY_SERIES_HIGHLIGHT} highest ` +
      `and lowest by final return; the table below lists every asset.`
    : "";
  return figureBlock(
    id,
    options,
    {
      title: "Cumulative returns",
      caption: "Growth of one unit held from the first bar, as a percentage; a break in a line " +
        "is missing data, and the first bar after it carries the price move across the gap." +
        many,
    },
    svg,
    {
      columns: [
        ASSET_COLUMN,
        column("final", "Final", "percent", 2),
        column("min", "Lowest", "percent", 2),
        column("max", "Highest", "percent", 2),
      ],
      rows: summaryRows(input.series, ["last", "min", "max"]),
    },
    points,
  );
}
