/**
 * Chart: one or more named series over time with a stated y axis (rolling Sharpe, exposure,
 * turnover, an IC series and its rolling mean).
 *
 * @module
 */
import { ASSET_COLUMN, column, type FigureBlock } from "../model.ts";
import { figureBlock, type FigureOptions } from "./figure.ts";
import { multiLinePlot } from "./multi_line.ts";
import { type NamedSeries, summaryRows } from "./series.ts";

/** Options of {@link timeSeriesChart}. */
export interface TimeSeriesOptions extends FigureOptions {
  /** Label of the y axis. @default "Value" */
  readonly yLabel?: string;
  /** Values are fractions shown as percentages. @default false */
  readonly percent?: boolean;
  /** A grey reference line at this value. @default 0 */
  readonly reference?: number;
  /** At most about this many points per line. @default 500 */
  readonly maxPoints?: number;
}

/**
 * Lines of named series on a UTC time axis (see `multiLineSvg`: NaN breaks a line, a legend per
 * series), with a reference line; the data table has each series' last, mean, lowest and
 * highest value. O(n x series).
 *
 * @example A rolling Sharpe ratio
 * ```ts
 * import { timeSeriesChart } from "@lib/report/charts/time_series.ts";
 * import assert from "node:assert/strict";
 * const fig = timeSeriesChart([0, 3_600_000, 7_200_000], [{ asset: "Sharpe", values: [NaN, 1.2, 0.8] }],
 *   { yLabel: "Sharpe" });
 * assert.deepEqual(fig.data.rows[0], ["Sharpe", 0.8, 1, 0.8, 1.2]);
 * ```
 */
export function timeSeriesChart(
  index: ArrayLike<number>,
  series: readonly NamedSeries[],
  options: TimeSeriesOptions = {},
): FigureBlock {
  const id = options.id ?? "time-series";
  const yLabel = options.yLabel ?? "Value";
  const percent = options.percent ?? false;
  const { svg, points } = multiLinePlot(index, series, { ...options, id }, {
    yLabel: yLabel + (percent ? " (%)" : ""),
    percent,
    emptyDomain: [-1, 1],
    reference: { y: options.reference ?? 0, dashed: true },
  });
  const fmt = percent ? "percent" : "number";
  const digits = percent ? 2 : 3;
  return figureBlock(
    id,
    options,
    { title: yLabel, caption: "One line per series; a break in a line is a missing value." },
    svg,
    {
      columns: [
        { ...ASSET_COLUMN, label: "Series" },
        column("last", "Last", fmt, digits),
        column("mean", "Mean", fmt, digits),
        column("min", "Lowest", fmt, digits),
        column("max", "Highest", fmt, digits),
      ],
      rows: summaryRows(series, ["last", "mean", "min", "max"]),
    },
    points,
  );
}
