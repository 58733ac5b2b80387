/**
 * The multi-line time-series plot shared by the cumulative return, beta and residual charts.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { TidyTable } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH } from "./figure.ts";
import {
  decimationIndices,
  type NamedSeries,
  plottedPoints,
  SERIES_COLORS,
  summarize,
  toLongColumns,
} from "./series.ts";

/** Where and how large {@link multiLineSvg} draws: the chart's id and its caller's options. */
export interface MultiLineFigure {
  /** Prefix of the ids inside the SVG (the figure's block id). */
  readonly id: string;
  /** Width in px. Default {@link DEFAULT_WIDTH}. */
  readonly width?: number;
  /** At most about this many points per line (see {@link toLongColumns}). Default 500. */
  readonly maxPoints?: number;
  /**
   * Most series drawn one line each with a legend entry. Above it the chart shows the
   * {@link MANY_SERIES_HIGHLIGHT} highest and lowest series by last value as lines, and the
   * cross-section of ALL series as a median line and a 10-90% band. Default
   * {@link MAX_LEGEND_SERIES}.
   */
  readonly maxSeries?: number;
}

/** Default most series with a legend entry each: beyond about 12 colors no one can match them. */
export const MAX_LEGEND_SERIES = 12;

/** Lines drawn at each end (highest and lowest by last value) when series are summarized. */
export const MANY_SERIES_HIGHLIGHT = 5;

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
  /**
   * When the series are summarized (more than `maxSeries`) and `1 + y` spans at least a
   * factor of 10 (see {@link growthNeedsLog}), draw `1 + y` on a log axis labelled
   * `growthLabel`: cumulative returns of a broad universe span several orders of magnitude,
   * and one coin's 6,000x would flatten every other line on a linear axis. Default: linear.
   */
  readonly growthLabel?: string;
}

/**
 * True when the growth `1 + v` of the finite values spans at least a factor of 10, so a log
 * axis reads better than a linear one (a narrower range would get only one or two labelled
 * ticks on a log axis).
 *
 * @example A 20x winner needs a log axis, a +/-30% range does not
 * ```ts
 * import { growthNeedsLog } from "@lib/report/charts/multi_line.ts";
 * import assert from "node:assert/strict";
 * assert.equal(growthNeedsLog([{ asset: "A", values: [0, 19] }, { asset: "B", values: [0, -0.3] }]), true);
 * assert.equal(growthNeedsLog([{ asset: "A", values: [0, 0.3, NaN, -0.3] }]), false);
 * ```
 */
export function growthNeedsLog(series: readonly NamedSeries[]): boolean {
  let lo = Infinity, hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      const g = 1 + s.values[i]!;
      if (!(g > 0) || !Number.isFinite(g)) continue;
      if (g < lo) lo = g;
      if (g > hi) hi = g;
    }
  }
  return hi / lo >= 10;
}

/**
 * SVG of one line per series on a UTC time axis, with a categorical legend in the
 * {@link SERIES_COLORS} palette, a y grid and a horizontal reference line; NaN values break a
 * line. With more than `maxSeries` series (default 12), a 126-entry legend nobody can read is
 * replaced by a summary: the median and the 10th-90th percentile band of all series at each
 * time, plus the {@link MANY_SERIES_HIGHLIGHT} highest and lowest series by their last value,
 * each with a legend entry. Throws when a series' length differs from the index.
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
 *
 * @example Thirty series: a band, a median and ten named lines
 * ```ts
 * import { multiLineSvg } from "@lib/report/charts/multi_line.ts";
 * import assert from "node:assert/strict";
 * const series = Array.from({ length: 30 }, (_, k) => ({ asset: `A${k}`, values: [0, k] }));
 * const svg = multiLineSvg([0, 3_600_000], series, { id: "many" }, {
 *   yLabel: "Value", emptyDomain: [-1, 1], reference: { y: 0, dashed: false },
 * });
 * assert.match(svg, /median of 30/);
 * assert.match(svg, />A29</);
 * assert.doesNotMatch(svg, />A15</);
 * ```
 */
export function multiLineSvg(
  index: ArrayLike<number>,
  series: readonly NamedSeries[],
  figure: MultiLineFigure,
  options: MultiLineOptions,
): string {
  return multiLinePlot(index, series, figure, options).svg;
}

/** What {@link multiLinePlot} draws: the SVG and the points it plots. */
export interface MultiLinePlot {
  readonly svg: string;
  /**
   * The points drawn, after thinning, in long format: `time` (ISO 8601 UTC), `series` (the
   * legend entry), `y` (as plotted: `1 + y` on a growth log axis; null breaks the line); with
   * more than `maxSeries` series, the median rows also carry the band, `y_lo` and `y_hi`
   * (10th and 90th percentiles; null on the highlighted lines' rows).
   */
  readonly points: TidyTable;
}

/**
 * {@link multiLineSvg} together with the points it draws, so a figure's tidy table in
 * `report.json` is the plotted data (pandas redraws the chart from it).
 *
 * @example Two short lines: one row per plotted point
 * ```ts
 * import { multiLinePlot } from "@lib/report/charts/multi_line.ts";
 * import assert from "node:assert/strict";
 * const series = [{ asset: "A", values: [0, 1] }, { asset: "B", values: [0, NaN] }];
 * const { points } = multiLinePlot([0, 3_600_000], series, { id: "lines" }, {
 *   yLabel: "Value", emptyDomain: [-1, 1], reference: { y: 0, dashed: false },
 * });
 * assert.deepEqual(points.rows.map((r) => [r.series, r.y]), [["A", 0], ["A", 1], ["B", 0], ["B", null]]);
 * assert.equal(points.rows[1]!.time, "1970-01-01T01:00:00.000Z");
 * ```
 */
export function multiLinePlot(
  index: ArrayLike<number>,
  series: readonly NamedSeries[],
  figure: MultiLineFigure,
  options: MultiLineOptions,
): MultiLinePlot {
  const maxSeries = figure.maxSeries ?? MAX_LEGEND_SERIES;
  if (series.length > maxSeries) return manySeriesPlot(index, series, figure, options);
  const cols = toLongColumns(index, series, figure.maxPoints ?? 500);
  const empty = !cols.y.some(Number.isFinite);
  const { y, dashed } = options.reference;
  const svg = renderPlot({
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
  return { svg, points: plottedPoints(cols.x, cols.y, cols.z) };
}

/** The `k`-quantile (0..1) of sorted finite values, linear between order statistics. */
function quantileSorted(sorted: readonly number[], k: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * k;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function manySeriesPlot(
  index: ArrayLike<number>,
  series: readonly NamedSeries[],
  figure: MultiLineFigure,
  options: MultiLineOptions,
): MultiLinePlot {
  const n = index.length;
  const log = options.growthLabel !== undefined && growthNeedsLog(series);
  const tf = (v: number) => (log ? 1 + v : v);
  // Highlight the highest and lowest series by last value (ties: input order).
  const ranked = series
    .map((s, i) => ({ s, i, last: summarize(s.values).last }))
    .filter((r) => Number.isFinite(r.last))
    .sort((a, b) => b.last - a.last || a.i - b.i);
  const k = Math.min(MANY_SERIES_HIGHLIGHT, Math.floor(ranked.length / 2));
  const chosen = [...ranked.slice(0, k), ...ranked.slice(ranked.length - k)].map((r) => r.s);
  const lines = toLongColumns(index, chosen, figure.maxPoints ?? 500);
  const ly = Float64Array.from(lines.y, tf);
  // The cross-section at each time: median and 10-90% band of every series, then thinned
  // keeping each stretch's lowest and highest median (decimationIndices), so a market-wide
  // one-bar crash stays in the median line.
  const allLo = new Float64Array(n), allMid = new Float64Array(n), allHi = new Float64Array(n);
  const column: number[] = [];
  for (let t = 0; t < n; t++) {
    column.length = 0;
    for (const s of series) {
      const v = s.values[t]!;
      if (Number.isFinite(v)) column.push(tf(v));
    }
    column.sort((a, b) => a - b);
    const enough = column.length >= 3;
    allLo[t] = enough ? quantileSorted(column, 0.1) : NaN;
    allMid[t] = enough ? quantileSorted(column, 0.5) : NaN;
    allHi[t] = enough ? quantileSorted(column, 0.9) : NaN;
  }
  const times: Date[] = [], lo: number[] = [], mid: number[] = [], hi: number[] = [];
  for (const t of decimationIndices(allMid, figure.maxPoints ?? 500)) {
    times.push(new Date(index[t]!));
    lo.push(allLo[t]!);
    mid.push(allMid[t]!);
    hi.push(allHi[t]!);
  }
  const median = `median of ${series.length}`;
  const band = "10-90% of them";
  const finite = [...ly, ...lo, ...hi].filter((v) => Number.isFinite(v) && (!log || v > 0));
  const empty = finite.length === 0;
  const { y, dashed } = options.reference;
  const names = chosen.map((s) => s.asset);
  const svg = renderPlot({
    width: figure.width ?? DEFAULT_WIDTH,
    height: 420,
    marginLeft: 56,
    x: { type: "utc", label: null },
    y: log
      ? {
        type: "log",
        grid: true,
        label: options.growthLabel,
        ...(empty ? { domain: [0.5, 2] } : {}),
      }
      : {
        ...(options.percent === true ? { percent: true } : {}),
        grid: true,
        label: options.yLabel,
        ...(empty ? { domain: [...options.emptyDomain] } : {}),
      },
    color: {
      type: "categorical",
      domain: [...names, median, band],
      range: [...SERIES_COLORS.slice(0, names.length), "#333", "#cfd6de"],
      legend: true,
    },
    marks: [
      Plot.areaY({ length: times.length }, {
        x: times,
        y1: lo,
        y2: hi,
        fill: times.map(() => band),
        fillOpacity: 0.8,
      }),
      Plot.ruleY([tf(y)], { stroke: "#888", ...(dashed ? { strokeDasharray: "4,3" } : {}) }),
      Plot.lineY({ length: times.length }, {
        x: times,
        y: mid,
        stroke: times.map(() => median),
        strokeWidth: 2,
      }),
      Plot.lineY({ length: ly.length }, {
        x: lines.x,
        y: ly,
        z: lines.z,
        stroke: lines.z,
        strokeWidth: 1.25,
      }),
    ],
  }, figure.id);
  return {
    svg,
    points: plottedPoints(lines.x, ly, lines.z, { x: times, name: median, mid, lo, hi }),
  };
}
