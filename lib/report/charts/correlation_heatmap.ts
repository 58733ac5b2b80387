/**
 * Chart: a correlation matrix as a heatmap with the value printed in each cell.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { ASSET_COLUMN, type Cell, type Column, column, type FigureBlock } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { figureBlock, type FigureOptions } from "./figure.ts";
import { labelMargin } from "./series.ts";

/** Input of {@link correlationHeatmapChart}. */
export interface CorrelationInput {
  /** Asset names, in matrix order. */
  readonly assets: readonly string[];
  /** `matrix[i][j]`: correlation of asset i with asset j, in [-1, 1]; NaN when undefined. */
  readonly matrix: readonly ArrayLike<number>[];
}

/**
 * Heatmap of a correlation matrix on a diverging red-blue scale fixed to [-1, 1] in bands of
 * 0.2 (so colors compare across reports), each cell labelled with its value to 2 decimals. The width follows
 * the number of assets unless given. The data summary is the matrix itself.
 *
 * @example Two assets
 * ```ts
 * import { correlationHeatmapChart } from "@lib/report/charts/correlation_heatmap.ts";
 * import assert from "node:assert/strict";
 * const fig = correlationHeatmapChart({ assets: ["A", "B"], matrix: [[1, 0.5], [0.5, 1]] });
 * assert.deepEqual(fig.data.rows[1], ["B", 0.5, 1]);
 * assert.match(fig.svg, />0\.50</);
 * ```
 */
export function correlationHeatmapChart(
  input: CorrelationInput,
  options: FigureOptions = {},
): FigureBlock {
  const id = options.id ?? "correlation";
  const n = input.assets.length;
  if (input.matrix.length !== n || input.matrix.some((r) => r.length !== n)) {
    throw new RangeError(
      `Cannot draw a correlation heatmap: the matrix must be ${n} x ${n} (one row and column ` +
        `per asset)`,
    );
  }
  const m = n * n;
  const xs: string[] = new Array(m);
  const ys: string[] = new Array(m);
  const vs = new Float64Array(m);
  const labels: string[] = new Array(m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = i * n + j;
      const v = input.matrix[i]![j]!;
      xs[k] = input.assets[j]!;
      ys[k] = input.assets[i]!;
      vs[k] = v;
      labels[k] = Number.isFinite(v) ? v.toFixed(2) : "–";
    }
  }
  // Up to 20 assets each cell is big enough to print its value; beyond, cells shrink so the
  // whole matrix fits a wide window (about 1,400 px), values stay in the data table, and the
  // assets are ordered by their mean correlation with the others so blocks of co-moving
  // assets show as blocks of color.
  const big = n <= 20;
  const cell = big ? 34 : Math.max(8, Math.floor(1400 / n));
  const order = big ? [...input.assets] : byMeanCorrelation(input.assets, input.matrix);
  const marginLeft = labelMargin(input.assets);
  // Rotated by 45 degrees, a label needs about 0.7 of its length below the axis.
  const marginBottom = Math.round(0.7 * marginLeft) + 10, marginTop = 10;
  const side = Math.max(cell * n, 120);
  const svg = renderPlot({
    width: options.width ?? side + marginLeft + 20,
    height: side + marginTop + marginBottom,
    marginLeft,
    marginBottom,
    marginTop,
    x: { domain: order, label: null, tickRotate: -45 },
    y: { domain: order, label: null },
    // Quantized into 10 bands of 0.2: Plot draws a continuous legend on a canvas, which a
    // server-side DOM does not have (and which would inline a bitmap).
    color: {
      type: "quantize",
      scheme: "rdbu",
      domain: [-1, 1],
      n: 10,
      legend: true,
      label: "Correlation",
    },
    marks: [
      Plot.cell({ length: m }, { x: xs, y: ys, fill: vs, inset: big ? 0.5 : 0 }),
      ...(big
        ? [Plot.text({ length: m }, {
          x: xs,
          y: ys,
          text: labels,
          fontSize: 9,
          fill: Array.from(vs, (v) => (Math.abs(v) > 0.6 ? "white" : "black")),
        })]
        : []),
    ],
  }, id);
  const columns: Column[] = [
    ASSET_COLUMN,
    ...input.assets.map((a, j) => column(`c${j}`, a, "number", 2)),
  ];
  const rows: Cell[][] = input.assets.map((a, i) => [a, ...Array.from(input.matrix[i]!)]);
  return figureBlock(
    id,
    options,
    {
      title: "Correlation of returns",
      caption:
        "Pearson correlation of one-period log returns over the bars where both assets have data." +
        (big
          ? ""
          : ` With ${n} assets the values are in the table below, and the assets are ordered ` +
            "by their mean correlation with the others (highest first)."),
    },
    svg,
    { columns, rows },
  );
}

/** Assets by their mean finite correlation with the others, highest first (ties: input order). */
function byMeanCorrelation(
  assets: readonly string[],
  matrix: readonly ArrayLike<number>[],
): string[] {
  const mean = assets.map((_, i) => {
    let sum = 0, count = 0;
    for (let j = 0; j < assets.length; j++) {
      const v = matrix[i]![j]!;
      if (i !== j && Number.isFinite(v)) {
        sum += v;
        count++;
      }
    }
    return count > 0 ? sum / count : -Infinity;
  });
  return assets.map((a, i) => ({ a, i })).sort((x, y) => mean[y.i]! - mean[x.i]! || x.i - y.i)
    .map((x) => x.a);
}
