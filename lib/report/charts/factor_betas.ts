/**
 * Chart: rolling factor betas (to BTC or ETH) of each asset over time, one line each.
 *
 * @module
 */
import type { FigureBlock } from "../model.ts";
import type { FigureOptions } from "./figure.ts";
import { betaLinesFigure } from "./_beta_lines.ts";
import type { NamedSeries } from "./series.ts";

/** Input of {@link factorBetasChart}. */
export interface FactorBetasInput {
  /** Time of each value, UTC epoch ms, ascending. */
  readonly index: ArrayLike<number>;
  /** Per asset, its beta to {@link FactorBetasInput.factor} at each bar; NaN where not fitted. */
  readonly series: readonly NamedSeries[];
  /** The factor asset (e.g. `BTCUSDT`), for the axis label and title. */
  readonly factor: string;
  /** Rolling window in bars, for the caption. */
  readonly window: number;
  /** True when the fit at t uses bars up to t-1 only (the factor model's default). */
  readonly causal: boolean;
}

/**
 * Multi-line chart of the rolling betas of a multi-factor model to one factor, with a dashed
 * reference line at 1, thinned to at most `maxPoints` points per line (default 500). Use it
 * to see how an asset's exposure drifts; the data summary has one row per asset: last, mean,
 * lowest and highest beta. O(assets x bars).
 *
 * @example One asset's beta to BTC
 * ```ts
 * import { factorBetasChart } from "@lib/report/charts/factor_betas.ts";
 * import assert from "node:assert/strict";
 * const fig = factorBetasChart({
 *   index: [0, 3_600_000, 7_200_000], factor: "BTC", window: 2, causal: true,
 *   series: [{ asset: "SOL", values: [NaN, 1.1, 1.3] }],
 * });
 * assert.equal(fig.id, "factor-betas-btc");
 * assert.equal(fig.data.rows[0]![1], 1.3);
 * ```
 */
export function factorBetasChart(
  input: FactorBetasInput,
  options: FigureOptions & { readonly maxPoints?: number } = {},
): FigureBlock {
  return betaLinesFigure(
    options.id ?? `factor-betas-${slug(input.factor)}`,
    input.index,
    input.series,
    options,
    `Beta to ${input.factor}`,
    {
      title: `Factor betas to ${input.factor} over time`,
      caption: `Slope on ${input.factor}'s log returns in each asset's rolling ` +
        `${input.window}-bar regression on the factors, fitted on the window ending at ` +
        `${input.causal ? "t-1 (causal)" : "t (inclusive)"}; the dashed line marks beta 1.`,
    },
  );
}

/**
 * A string as an id fragment: lower-case a-z and 0-9, other runs of characters as one `-`,
 * never empty (`x` for a name with nothing usable).
 *
 * @example
 * ```ts
 * import { slug } from "@lib/report/charts/factor_betas.ts";
 * import assert from "node:assert/strict";
 * assert.equal(slug("BTC/USDT"), "btc-usdt");
 * assert.equal(slug("<script>"), "script");
 * assert.equal(slug("☃"), "x");
 * ```
 */
export function slug(s: string): string {
  const t = s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return t === "" ? "x" : t.slice(0, 48);
}
