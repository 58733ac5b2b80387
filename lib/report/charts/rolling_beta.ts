/**
 * Chart: rolling beta of each asset to a benchmark, one line each.
 *
 * @module
 */
import type { FigureBlock } from "../model.ts";
import { betaLinesFigure } from "./_beta_lines.ts";
import type { FigureOptions } from "./figure.ts";
import type { NamedSeries } from "./series.ts";

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
  return betaLinesFigure(
    options.id ?? "rolling-beta",
    input.index,
    input.series,
    options,
    `Beta to ${input.benchmark}`,
    {
      title: `Rolling beta to ${input.benchmark}`,
      caption: `OLS slope of each asset's log returns on ${input.benchmark}'s over the trailing ` +
        `${input.window} bars; the dashed line marks beta 1.`,
    },
  );
}
