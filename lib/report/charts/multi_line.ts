/**
 * The multi-line time-series plot shared by the cumulative return and rolling beta charts.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH } from "./figure.ts";
import { type NamedSeries, SERIES_COLORS, toLongColumns } from "./series.ts";

/** Where and how large {@link multiLineSvg} draws: the chart's id and its caller's options. */
export interface MultiLineFigure {
  /** Prefix of the ids inside the SVG (the figure's block id). */
  readonly id: string;
  /** Width in px. Default {@link DEFAULT_WIDTH}. */
  readonly width?: number;
  /** At most about this many points per line (see {@link toLongColumns}). Default 500. */
  readonly maxPoints?: number;
}

/** What a multi-line chart shows on its y axis. */
export interface MultiLineOptions {
  /** Label of the y axis. */
  readonly yLabel: string;
  /** Show the y values as percentages (they are fractions). Default false. */
  readonly percent?: boolean;
  /** The y domain used when no value is finite, instead of a degenerate axis. */
  readonly emptyDomain: readonly [number, number];
  /** A horizontal grey reference line at this y value, dashed when `dashed` is true. */
  readonly reference: { readonly y: number; readonly dashed: boolean };
}

/**
 * SVG of one line per series on a UTC time axis, with a categorical legend in the
 * {@link SERIES_COLORS} palette, a y grid and a horizontal reference line; NaN values break a
 * line. Throws when a series' length differs from the index.
 *
 * @example Two series with a reference line at 0
 * ```ts
 * import { multiLineSvg } from "@lib/report/charts/multi_line.ts";
 * import assert from "node:assert/strict";
 * const series = [{ asset: "A", values: [0, 1] }, { asset: "B", values: [0, -1] }];
 * const svg = multiLineSvg([0, 3_600_000], series, { id: "lines", width: 400 }, {
 *   yLabel: "Value", emptyDomain: [-1, 1], reference: { y: 0, dashed: false },
 * });
 * assert.match(svg, /<svg/);
 * ```
 */
export function multiLineSvg(
  index: ArrayLike<number>,
  series: readonly NamedSeries[],
  figure: MultiLineFigure,
  options: MultiLineOptions,
): string {
  const cols = toLongColumns(index, series, figure.maxPoints ?? 500);
  const empty = !cols.y.some(Number.isFinite);
  const { y, dashed } = options.reference;
  return renderPlot({
    width: figure.width ?? DEFAULT_WIDTH,
    height: 380,
    marginLeft: 50,
    x: { type: "utc", label: null },
    y: {
      ...(options.percent === true ? { percent: true } : {}),
      grid: true,
      label: options.yLabel,
      ...(empty ? { domain: [...options.emptyDomain] } : {}),
    },
    color: {
      type: "categorical",
      domain: series.map((s) => s.asset),
      range: [...SERIES_COLORS],
      legend: true,
    },
    marks: [
      Plot.ruleY([y], { stroke: "#888", ...(dashed ? { strokeDasharray: "4,3" } : {}) }),
      Plot.lineY({ length: cols.y.length }, {
        x: cols.x,
        y: cols.y,
        z: cols.z,
        stroke: cols.z,
        strokeWidth: 1.25,
      }),
    ],
  }, figure.id);
}
