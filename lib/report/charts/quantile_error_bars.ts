/**
 * Chart: demeaned mean forward return by signal quantile with error bars.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { column, type FigureBlock } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH, figureBlock, type FigureOptions } from "./figure.ts";

/** One quantile bucket of {@link quantileErrorBarChart}. */
export interface QuantileErrorBar {
  /** 1-based bucket (1 = lowest signal). */
  readonly quantile: number;
  /** Mean over bars of the bucket's demeaned forward return. */
  readonly mean: number;
  /** Standard error of that mean (std / sqrt(bars), ddof 1). */
  readonly stdError: number;
  /** Bars the mean is over. */
  readonly n: number;
}

/**
 * Bars of each quantile's mean demeaned forward return with +/- 1 standard error whiskers (as
 * alphalens' `plot_quantile_returns_bar` with `demeaned=True` and its standard error), so a
 * monotonic staircase can be told from noise. O(quantiles).
 *
 * @example Five buckets
 * ```ts
 * import { quantileErrorBarChart } from "@lib/report/charts/quantile_error_bars.ts";
 * import assert from "node:assert/strict";
 * const fig = quantileErrorBarChart([1, 2, 3, 4, 5].map((q) => ({
 *   quantile: q, mean: (q - 3) / 1000, stdError: 0.0004, n: 100 })), 1);
 * assert.equal(fig.data.rows.length, 5);
 * ```
 */
export function quantileErrorBarChart(
  rows: readonly QuantileErrorBar[],
  horizon: number,
  options: FigureOptions = {},
): FigureBlock {
  const id = options.id ?? "quantile-error-bars";
  const names = rows.map((r) => `Q${r.quantile}`);
  const ok = rows.filter((r) => Number.isFinite(r.mean));
  const lo = ok.map((r) => r.mean - (Number.isFinite(r.stdError) ? r.stdError : 0));
  const hi = ok.map((r) => r.mean + (Number.isFinite(r.stdError) ? r.stdError : 0));
  const svg = renderPlot({
    width: options.width ?? DEFAULT_WIDTH,
    height: 300,
    marginLeft: 60,
    x: { domain: names, label: "Signal quantile (Q1 lowest)" },
    y: {
      grid: true,
      percent: true,
      label: `Demeaned ${horizon}-bar forward return (%)`,
      ...(ok.length === 0 ? { domain: [-0.1, 0.1] } : {}), // percent units (data x 100)
    },
    marks: [
      Plot.barY({ length: ok.length }, {
        x: ok.map((r) => `Q${r.quantile}`),
        y: ok.map((r) => r.mean),
        fill: ok.map((r) => (r.mean >= 0 ? "#4e79a7" : "#e15759")),
        fillOpacity: 0.8,
      }),
      Plot.ruleX({ length: ok.length }, {
        x: ok.map((r) => `Q${r.quantile}`),
        y1: lo,
        y2: hi,
        stroke: "#222",
        strokeWidth: 1.5,
      }),
      Plot.ruleY([0]),
    ],
  }, id);
  return figureBlock(
    id,
    options,
    {
      title: `Mean demeaned ${horizon}-bar forward return by quantile`,
      caption: "At each bar, each bucket's equal-weight mean forward log return minus the mean " +
        "over all bucketed assets; bars: its mean over time, whiskers: +/- one standard error.",
    },
    svg,
    {
      columns: [
        column("quantile", "Quantile", "integer"),
        column("mean", "Mean", "percent", 4),
        column("std_error", "Std error", "percent", 4),
        column("n", "Bars", "integer"),
      ],
      rows: rows.map((r) => [r.quantile, r.mean, r.stdError, r.n]),
    },
  );
}
