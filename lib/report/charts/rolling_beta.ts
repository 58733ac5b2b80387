/**
 * Chart: rolling beta of each asset to a benchmark, one line each.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { FigureBlock } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH, type FigureOptions } from "./figure.ts";
import { type NamedSeries, SERIES_COLORS, summarize, toLongColumns } from "./series.ts";

/** Input of {@link rollingBetaChart}. */
export interface RollingBetaInput {
  /** Time of each value, UTC epoch ms, ascending. */
  readonly index: ArrayLike<number>;
  /** Per asset, its rolling beta at each time; NaN before the window fills. */
  readonly series: readonly NamedSeries[];
  /** Name of the benchmark (e.g. `BTC`), for the axis label. */
  readonly benchmark: string;
  /** Window length in bars, for the caption. */
  readonly window: number;
}

/**
 * Multi-line chart of rolling betas with a dashed reference line at 1, thinned to at most
 * `maxPoints` points per line (default 500). The data summary has one row per asset: last,
 * mean, lowest and highest beta.
 *
 * @example One asset, NaN before the window fills
 * ```ts
 * import { rollingBetaChart } from "@lib/report/charts/rolling_beta.ts";
 * import assert from "node:assert/strict";
 * const fig = rollingBetaChart({
 *   index: [0, 3_600_000, 7_200_000], benchmark: "BTC", window: 2,
 *   series: [{ asset: "ETH", values: [NaN, 1.2, 1.4] }],
 * });
 * assert.deepEqual(fig.data.rows[0], ["ETH", 1.4, 1.2999999999999998, 1.2, 1.4]);
 * ```
 */
export function rollingBetaChart(
  input: RollingBetaInput,
  options: FigureOptions & { readonly maxPoints?: number } = {},
): FigureBlock {
  const id = options.id ?? "rolling-beta";
  const cols = toLongColumns(input.index, input.series, options.maxPoints ?? 500);
  // With no finite value Plot would invent a degenerate axis; give it a sensible empty one.
  const empty = !cols.y.some(Number.isFinite);
  const svg = renderPlot({
    width: options.width ?? DEFAULT_WIDTH,
    height: 380,
    marginLeft: 50,
    x: { type: "utc", label: null },
    y: { grid: true, label: `Beta to ${input.benchmark}`, ...(empty ? { domain: [0, 2] } : {}) },
    color: {
      type: "categorical",
      domain: input.series.map((s) => s.asset),
      range: [...SERIES_COLORS],
      legend: true,
    },
    marks: [
      Plot.ruleY([1], { stroke: "#888", strokeDasharray: "4,3" }),
      Plot.lineY({ length: cols.y.length }, {
        x: cols.x,
        y: cols.y,
        z: cols.z,
        stroke: cols.z,
        strokeWidth: 1.25,
      }),
    ],
  }, id);
  return {
    type: "figure",
    id,
    title: options.title ?? `Rolling beta to ${input.benchmark}`,
    caption: options.caption ??
      `OLS slope of each asset's log returns on ${input.benchmark}'s over the trailing ` +
        `${input.window} bars; the dashed line marks beta 1.`,
    svg,
    data: {
      columns: [
        { key: "asset", label: "Asset", format: "text", digits: 0 },
        { key: "last", label: "Last", format: "number", digits: 3 },
        { key: "mean", label: "Mean", format: "number", digits: 3 },
        { key: "min", label: "Lowest", format: "number", digits: 3 },
        { key: "max", label: "Highest", format: "number", digits: 3 },
      ],
      rows: input.series.map((s) => {
        const st = summarize(s.values);
        return [s.asset, st.last, st.mean, st.min, st.max];
      }),
    },
  };
}
