/**
 * Chart: the underwater curve (drawdown from the running high) of a strategy.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { column, type FigureBlock } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH, figureBlock, type FigureOptions } from "./figure.ts";
import { plottedPoints, toLongColumns } from "./series.ts";

/** Input of {@link underwaterChart}. */
export interface UnderwaterInput {
  /** Time of each value, UTC epoch ms, ascending. */
  readonly index: ArrayLike<number>;
  /** Drawdown from the running high at each time, a fraction <= 0 (`drawdowns().underwater`). */
  readonly underwater: ArrayLike<number>;
}

/**
 * Filled area of the drawdown below the running high (percent, 0 at a new high), thinned to
 * about `maxPoints` points (default 500) keeping the shallowest and deepest point of each
 * stretch of bars (`decimationIndices`), so a one-bar crash is drawn to its full depth; the
 * data summary states the deepest point and its time. O(n).
 *
 * @example A 20% drawdown
 * ```ts
 * import { underwaterChart } from "@lib/report/charts/underwater.ts";
 * import assert from "node:assert/strict";
 * const fig = underwaterChart({ index: [0, 3_600_000, 7_200_000], underwater: [0, -0.2, -0.1] });
 * assert.equal(fig.data.rows[0]![0], -0.2);
 * ```
 */
export function underwaterChart(
  input: UnderwaterInput,
  options: FigureOptions & { readonly maxPoints?: number } = {},
): FigureBlock {
  const id = options.id ?? "underwater";
  const cols = toLongColumns(
    input.index,
    [{ asset: "drawdown", values: input.underwater }],
    options.maxPoints ?? 500,
  );
  let min = 0, minAt = NaN, sum = 0, under = 0, n = 0;
  for (let i = 0; i < input.underwater.length; i++) {
    const v = input.underwater[i]!;
    if (!Number.isFinite(v)) continue;
    n++;
    if (v < 0) under++;
    sum += v;
    if (v < min) {
      min = v;
      minAt = input.index[i]!;
    }
  }
  const svg = renderPlot({
    width: options.width ?? DEFAULT_WIDTH,
    height: 260,
    marginLeft: 56,
    x: { type: "utc", label: null },
    y: {
      percent: true,
      grid: true,
      label: "Drawdown (%)",
      // with percent: true Plot scales the data by 100 first, so the domain is in percent
      domain: [Math.min(min, -0.0001) * 100, 0],
    },
    marks: [
      Plot.areaY({ length: cols.y.length }, {
        x: cols.x,
        y: cols.y,
        fill: "#e15759",
        fillOpacity: 0.5,
      }),
      Plot.lineY({ length: cols.y.length }, { x: cols.x, y: cols.y, stroke: "#e15759" }),
      Plot.ruleY([0], { stroke: "#888" }),
    ],
  }, id);
  return figureBlock(
    id,
    options,
    {
      title: "Underwater (drawdown from the running high)",
      caption: "Equity at each bar's close over its highest value so far (starting at the " +
        "initial equity), minus 1: 0 at a new high, -20% when 20% below it.",
    },
    svg,
    {
      columns: [
        column("max_drawdown", "Deepest", "percent", 2),
        column("at", "At", "datetime"),
        column("mean_drawdown", "Mean drawdown", "percent", 2),
        column("time_under", "Share of bars below a high", "percent", 1),
      ],
      rows: [[min, minAt, n > 0 ? sum / n : NaN, n > 0 ? under / n : NaN]],
    },
    plottedPoints(cols.x, cols.y, cols.z),
  );
}
