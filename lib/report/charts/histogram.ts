/**
 * Chart: histogram of a sample (per-bar returns, IC values) with a normal curve of the same
 * mean and standard deviation.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { column, type FigureBlock } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH, figureBlock, type FigureOptions } from "./figure.ts";

/** Options of {@link histogramChart}. */
export interface HistogramOptions extends FigureOptions {
  /** Number of equal-width bins between the smallest and largest finite value. @default 50 */
  readonly bins?: number;
  /** Label of the x axis. @default "Value" */
  readonly xLabel?: string;
  /** Values are fractions shown as percentages. @default true */
  readonly percent?: boolean;
  /** Vertical marks at given values (e.g. the mean and the 95% VaR), each labelled. @default [] */
  readonly marks?: readonly { readonly label: string; readonly value: number }[];
}

/**
 * Histogram of the finite values in `bins` equal-width bins (counts as a share of all
 * values), with the density of a normal distribution of the same mean and sample standard
 * deviation (ddof 1) over it, so fat tails and skew show against the bell curve. The data table
 * lists every bin: its lower and upper edge, count and share. Deterministic: bins are computed
 * here, not by Plot. O(n).
 *
 * @example Ten values in five bins
 * ```ts
 * import { histogramChart } from "@lib/report/charts/histogram.ts";
 * import assert from "node:assert/strict";
 * const fig = histogramChart([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { bins: 5, percent: false });
 * assert.deepEqual(fig.data.rows.map((r) => r[2]), [2, 2, 2, 2, 2]);
 * ```
 */
export function histogramChart(
  values: ArrayLike<number>,
  options: HistogramOptions = {},
): FigureBlock {
  const id = options.id ?? "histogram";
  const nb = options.bins ?? 50;
  if (!Number.isInteger(nb) || nb < 1) {
    throw new RangeError(`Cannot draw a histogram: bins must be an integer >= 1, got ${nb}`);
  }
  const percent = options.percent ?? true;
  let lo = Infinity, hi = -Infinity, n = 0, s = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    s += v;
    n++;
  }
  const mean = n > 0 ? s / n : NaN;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) ss += (v - mean) ** 2;
  }
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
  if (n === 0) {
    lo = -1;
    hi = 1;
  } else if (!(hi > lo)) {
    lo -= 0.5 * (Math.abs(lo) || 1);
    hi += 0.5 * (Math.abs(hi) || 1);
  }
  const width = (hi - lo) / nb;
  const counts = new Float64Array(nb);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    counts[Math.min(nb - 1, Math.floor((v - lo) / width))]! += 1;
  }
  const x1 = Array.from({ length: nb }, (_, k) => lo + k * width);
  const x2 = x1.map((x) => x + width);
  const share = Array.from(counts, (c) => (n > 0 ? c / n : 0));
  const curveX: number[] = [], curveY: number[] = [];
  if (sd > 0) {
    for (let k = 0; k <= 200; k++) {
      const x = lo + (hi - lo) * k / 200;
      curveX.push(x);
      curveY.push(width * Math.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI)));
    }
  }
  const marks = options.marks ?? [];
  const svg = renderPlot({
    width: options.width ?? DEFAULT_WIDTH,
    height: 300,
    marginLeft: 56,
    x: {
      label: (options.xLabel ?? "Value") + (percent ? " (%)" : ""),
      ...(percent ? { percent: true } : {}),
    },
    y: { grid: true, label: "Share of values (%)", percent: true },
    marks: [
      Plot.rectY({ length: nb }, {
        x1,
        x2,
        y1: x1.map(() => 0),
        y2: share,
        fill: "#4e79a7",
        fillOpacity: 0.7,
      }),
      Plot.lineY({ length: curveX.length }, {
        x: curveX,
        y: curveY,
        stroke: "#333",
        strokeWidth: 1.25,
      }),
      Plot.ruleX({ length: marks.length }, {
        x: marks.map((m) => m.value),
        stroke: "#e15759",
        strokeDasharray: "4,3",
      }),
      Plot.text({ length: marks.length }, {
        x: marks.map((m) => m.value),
        y: marks.map(() => Math.max(...share, 0)),
        text: marks.map((m) => m.label),
        textAnchor: "start",
        dx: 4,
        fill: "#e15759",
      }),
      Plot.ruleY([0]),
    ],
  }, id);
  const fmt = percent ? "percent" : "number";
  return figureBlock(
    id,
    options,
    {
      title: "Distribution",
      caption:
        `Histogram of ${n} values in ${nb} equal bins (bars: share of values in each bin); ` +
        `the line is a normal distribution with the same mean and standard deviation.`,
    },
    svg,
    {
      columns: [
        column("from", "From", fmt, percent ? 3 : 4),
        column("to", "To", fmt, percent ? 3 : 4),
        column("count", "Count", "integer"),
        column("share", "Share", "percent", 2),
      ],
      rows: x1.map((x, k) => [x, x2[k]!, counts[k]!, share[k]!]),
    },
  );
}
