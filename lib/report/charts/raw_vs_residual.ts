/**
 * Chart: an asset's cumulative raw log return next to its cumulative residual (factor-hedged)
 * log return.
 *
 * @module
 */
import { column, type FigureBlock } from "../model.ts";
import { figureBlock, type FigureOptions } from "./figure.ts";
import { multiLinePlot } from "./multi_line.ts";
import { summarize } from "./series.ts";

/** Input of {@link rawVsResidualChart}. */
export interface RawVsResidualInput {
  /** Time of each value, UTC epoch ms, ascending. */
  readonly index: ArrayLike<number>;
  /** The asset shown (escaped in the SVG). */
  readonly asset: string;
  /** Cumulative raw log return at each bar (NaN before the first counted bar). */
  readonly raw: ArrayLike<number>;
  /** Cumulative residual log return at each bar, on the same bars as `raw`. */
  readonly residual: ArrayLike<number>;
  /** The factors removed, for the caption (e.g. `BTCUSDT and ETHUSDT`). */
  readonly factors: string;
}

/**
 * Two lines: the running sum of an asset's log returns and the running sum of its residual
 * returns after the factor model, over the same bars. The gap between them is what the
 * factors explain; a residual line that still trends is the asset's own return. The data
 * summary has one row per line: final, lowest and highest value. O(bars).
 *
 * @example Raw return explained away
 * ```ts
 * import { rawVsResidualChart } from "@lib/report/charts/raw_vs_residual.ts";
 * import assert from "node:assert/strict";
 * const fig = rawVsResidualChart({
 *   index: [0, 3_600_000], asset: "SOL", factors: "BTC",
 *   raw: [0.01, 0.03], residual: [0, 0.001],
 * });
 * assert.deepEqual(fig.data.rows.map((r) => r[0]), ["raw", "residual"]);
 * assert.equal(fig.data.rows[0]![1], 0.03);
 * ```
 */
export function rawVsResidualChart(
  input: RawVsResidualInput,
  options: FigureOptions & { readonly maxPoints?: number } = {},
): FigureBlock {
  const id = options.id ?? "raw-vs-residual";
  const series = [
    { asset: `${input.asset} raw`, values: input.raw },
    { asset: `${input.asset} residual`, values: input.residual },
  ];
  const { svg, points } = multiLinePlot(input.index, series, { ...options, id }, {
    yLabel: "Cumulative log return",
    emptyDomain: [-0.1, 0.1],
    reference: { y: 0, dashed: false },
  });
  const row = (name: string, v: ArrayLike<number>) => {
    const s = summarize(v);
    return [name, s.last, s.min, s.max];
  };
  return figureBlock(
    id,
    options,
    {
      title: `Raw vs residual cumulative return: ${input.asset}`,
      caption: `Running sums of ${input.asset}'s one-bar log returns and of its residual ` +
        `returns after removing ${input.factors}, over the bars where the residual is defined.`,
    },
    svg,
    {
      columns: [
        column("line", "Line", "text"),
        column("final", "Final", "number", 4),
        column("min", "Lowest", "number", 4),
        column("max", "Highest", "number", 4),
      ],
      rows: [row("raw", input.raw), row("residual", input.residual)],
    },
    points,
  );
}
