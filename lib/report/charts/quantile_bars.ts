/**
 * Chart: mean forward return of each signal quantile (bucket), one group of bars per signal.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { column, type FigureBlock } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH, figureBlock, type FigureOptions } from "./figure.ts";
import { labelMargin } from "./series.ts";

/** One signal's bucket means, bottom bucket first. */
export interface QuantileBarsRow {
  /** The signal name; escaped in the SVG. */
  readonly signal: string;
  /** Mean forward log return of each bucket, Q1 (lowest signal) first; NaN when empty. */
  readonly means: ArrayLike<number>;
  /** Mean of the top-minus-bottom spread per bar. */
  readonly longShortMean: number;
  /** Newey-West t-stat of the long-short mean. */
  readonly longShortTStat: number;
}

/**
 * Grouped horizontal bars: for each signal (in the order given), the mean forward log return
 * of each quantile bucket, Q1 = lowest signal values (red) to the top bucket (blue). A monotone staircase is what a useful
 * signal looks like; the data summary has one row per signal with every bucket's mean and the
 * long-short (top minus bottom) mean and t-stat. O(signals x quantiles).
 *
 * @example One signal, five buckets
 * ```ts
 * import { quantileBarChart } from "@lib/report/charts/quantile_bars.ts";
 * import assert from "node:assert/strict";
 * const fig = quantileBarChart([{
 *   signal: "momentum_24", means: [-0.002, -0.001, 0, 0.001, 0.002],
 *   longShortMean: 0.004, longShortTStat: 2.5,
 * }], 24);
 * assert.equal(fig.data.columns.length, 8);
 * assert.equal(fig.data.rows[0]![1], -0.002);
 * ```
 */
export function quantileBarChart(
  rows: readonly QuantileBarsRow[],
  horizon: number,
  options: FigureOptions = {},
): FigureBlock {
  const id = options.id ?? "quantile-returns";
  const q = rows.reduce((m, r) => Math.max(m, r.means.length), 0);
  const names = Array.from({ length: q }, (_, k) => `Q${k + 1}`);
  const signals = rows.map((r) => r.signal);
  const x: number[] = [], y: string[] = [], fy: string[] = [];
  for (const r of rows) {
    for (let k = 0; k < r.means.length; k++) {
      const v = r.means[k]!;
      if (!Number.isFinite(v)) continue;
      x.push(v);
      y.push(names[k]!);
      fy.push(r.signal);
    }
  }
  const svg = renderPlot({
    width: options.width ?? DEFAULT_WIDTH,
    height: Math.max(140, rows.length * (12 * q + 12) + 60),
    marginLeft: labelMargin(signals) + 10,
    x: { grid: true, label: `Mean ${horizon}-bar forward log return (%)`, percent: true },
    y: { domain: names, label: null, axis: null },
    fy: { domain: signals, label: null },
    facet: { marginLeft: labelMargin(signals) },
    color: { type: "categorical", domain: names, range: quantileColors(q), legend: true },
    marks: [
      Plot.barX({ length: x.length }, { x, y, fy, fill: y }),
      Plot.ruleX([0]),
    ],
  }, id);
  return figureBlock(
    id,
    options,
    {
      title: `Mean ${horizon}-bar forward return by signal quantile`,
      caption: `At each bar the assets are split into ${q} buckets by the signal (Q1 lowest); ` +
        `each bar of the chart is the mean ${horizon}-bar forward log return of a bucket, ` +
        `pooled over every asset and bar.`,
    },
    svg,
    {
      columns: [
        column("signal", "Signal", "text"),
        ...names.map((n, k) => column(`q${k + 1}`, n, "percent", 3)),
        column("long_short", "Top - bottom", "percent", 3),
        column("long_short_t_nw", "t (Newey-West)", "number", 2),
      ],
      rows: rows.map((r) => [
        r.signal,
        ...names.map((_, k) => (k < r.means.length ? r.means[k]! : NaN)),
        r.longShortMean,
        r.longShortTStat,
      ]),
    },
  );
}

/** `q` colors from red (Q1, lowest signal) through grey to blue (top bucket). */
function quantileColors(q: number): string[] {
  const lo = [225, 87, 89], mid = [186, 176, 172], hi = [78, 121, 167];
  return Array.from({ length: q }, (_, k) => {
    const f = q === 1 ? 1 : k / (q - 1);
    const [a, b, g] = f < 0.5 ? [lo, mid, 2 * f] : [mid, hi, 2 * f - 1];
    const c = a!.map((v, i) => Math.round(v + (b![i]! - v) * (g as number)));
    return `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
  });
}
