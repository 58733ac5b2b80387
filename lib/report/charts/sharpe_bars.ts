/**
 * Chart: per-asset Sharpe ratios as horizontal bars.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { ASSET_COLUMN, column, type FigureBlock } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH, figureBlock, type FigureOptions } from "./figure.ts";
import { labelMargin } from "./series.ts";

/** One asset's Sharpe ratio; NaN when undefined (e.g. zero volatility). */
export interface SharpeRow {
  readonly asset: string;
  readonly sharpe: number;
}

/**
 * Horizontal bar chart of Sharpe ratios, highest first, blue when positive and red when
 * negative. Assets with an undefined ratio are left out of the chart and listed with a null
 * value in the data summary.
 *
 * @example Two assets
 * ```ts
 * import { sharpeBarChart } from "@lib/report/charts/sharpe_bars.ts";
 * import assert from "node:assert/strict";
 * const fig = sharpeBarChart([{ asset: "A", sharpe: 1.5 }, { asset: "B", sharpe: -0.3 }]);
 * assert.deepEqual(fig.data.rows, [["A", 1.5], ["B", -0.3]]);
 * ```
 */
export function sharpeBarChart(
  rows: readonly SharpeRow[],
  options: FigureOptions = {},
): FigureBlock {
  const id = options.id ?? "sharpe";
  const defined = rows.filter((r) => Number.isFinite(r.sharpe));
  const order = [...defined].sort((a, b) => b.sharpe - a.sharpe || cmp(a.asset, b.asset));
  const svg = renderPlot({
    width: options.width ?? DEFAULT_WIDTH,
    height: Math.max(120, (order.length > 40 ? 12 : 22) * order.length + 50),
    marginLeft: labelMargin(order.map((r) => r.asset)),
    x: { grid: true, label: "Sharpe ratio (annualized, 365 days)" },
    y: { domain: order.map((r) => r.asset), label: null },
    marks: [
      Plot.barX({ length: order.length }, {
        x: order.map((r) => r.sharpe),
        y: order.map((r) => r.asset),
        fill: order.map((r) => (r.sharpe >= 0 ? "#4e79a7" : "#e15759")),
      }),
      Plot.ruleX([0]),
    ],
  }, id);
  return figureBlock(
    id,
    options,
    {
      title: "Sharpe ratio by asset",
      caption: "Annualized log return (over elapsed time, moves across gaps included) over " +
        "annualized volatility of one-period returns (365-day year, risk-free rate 0).",
    },
    svg,
    {
      columns: [ASSET_COLUMN, column("sharpe", "Sharpe", "number", 2)],
      rows: rows.map((r) => [r.asset, r.sharpe]),
    },
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
