/**
 * Chart: normal Q-Q plot of a sample (IC values, returns).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { normalQuantile } from "../../stats/distributions.ts";
import { column, type FigureBlock } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH, figureBlock, type FigureOptions } from "./figure.ts";

/** Options of {@link qqPlotChart}. */
export interface QqPlotOptions extends FigureOptions {
  /** Most points drawn (evenly spaced order statistics, always the two ends). @default 500 */
  readonly maxPoints?: number;
  /** Label of the sample axis. @default "Sample quantile" */
  readonly yLabel?: string;
}

/**
 * Normal Q-Q plot: the sorted finite values against the standard normal quantiles at the
 * plotting positions `(i + 0.5) / n` (scipy `probplot` uses Filliben's; the difference is
 * invisible at chart scale), with the line `mean + sd * z` a normal sample would follow. Points
 * bending away at the ends are fat tails (as alphalens' IC Q-Q plot shows). The data table has
 * the sample's mean, standard deviation and n. O(n log n).
 *
 * @example A symmetric sample
 * ```ts
 * import { qqPlotChart } from "@lib/report/charts/qq_plot.ts";
 * import assert from "node:assert/strict";
 * const fig = qqPlotChart([-0.02, -0.01, 0, 0.01, 0.02]);
 * assert.equal(fig.data.rows[0]![2], 5);
 * ```
 */
export function qqPlotChart(values: ArrayLike<number>, options: QqPlotOptions = {}): FigureBlock {
  const id = options.id ?? "qq-plot";
  const v = Float64Array.from(Array.from(values).filter((x) => Number.isFinite(x))).sort();
  const n = v.length;
  let s = 0;
  for (const x of v) s += x;
  const mean = n > 0 ? s / n : NaN;
  let ss = 0;
  for (const x of v) ss += (x - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
  const maxPoints = options.maxPoints ?? 500;
  const step = Math.max(1, Math.ceil(n / maxPoints));
  const zs: number[] = [], qs: number[] = [];
  for (let i = 0; i < n; i += step) {
    zs.push(normalQuantile((i + 0.5) / n));
    qs.push(v[i]!);
  }
  if (n > 0 && (n - 1) % step !== 0) {
    zs.push(normalQuantile((n - 0.5) / n));
    qs.push(v[n - 1]!);
  }
  const zEnd = n > 0 ? Math.abs(zs[0]!) : 3;
  const line = sd > 0 ? [-zEnd, zEnd].map((z) => ({ z, q: mean + sd * z })) : [];
  const svg = renderPlot({
    width: Math.min(options.width ?? DEFAULT_WIDTH, 640),
    height: 380,
    marginLeft: 60,
    x: { grid: true, label: "Normal quantile" },
    y: {
      grid: true,
      label: options.yLabel ?? "Sample quantile",
      ...(n === 0 ? { domain: [-1, 1] } : {}),
    },
    marks: [
      Plot.line(line, { x: "z", y: "q", stroke: "#e15759", strokeDasharray: "4,3" }),
      Plot.dot({ length: zs.length }, { x: zs, y: qs, r: 2, fill: "#4e79a7" }),
    ],
  }, id);
  return figureBlock(
    id,
    options,
    {
      title: "Normal Q-Q plot",
      caption: "Sorted values against the quantiles of a standard normal distribution; the " +
        "dashed line is where a normal sample with the same mean and standard deviation would " +
        "lie. Ends bending away from it are fatter tails than normal.",
    },
    svg,
    {
      columns: [
        column("mean", "Mean", "number", 4),
        column("std", "Std", "number", 4),
        column("n", "n", "integer"),
      ],
      rows: [[mean, sd, n]],
    },
  );
}
