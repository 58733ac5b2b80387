/**
 * Chart: a strategy's capacity curve (net Sharpe and net return against capital deployed).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { column, type FigureBlock } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH, figureBlock, type FigureOptions } from "./figure.ts";

/** Input of {@link capacityChart}: `capacityCurve`'s result fits. */
export interface CapacityChartInput {
  /** Starting equity of each run, ascending. */
  readonly capital: ArrayLike<number>;
  /** Annualized net Sharpe ratio of each run. */
  readonly netSharpe: ArrayLike<number>;
  /** Total net return of each run. */
  readonly netReturn: ArrayLike<number>;
  /** Compound annual net return of each run. */
  readonly netCagr: ArrayLike<number>;
}

/**
 * Net Sharpe ratio against the capital deployed, on a log capital axis, one dot per run joined
 * by a line; the data table has every run's capital, net Sharpe, net return and net CAGR.
 * Size-dependent costs (impact, DEX curves, participation caps) make it fall; where it crosses
 * the Sharpe a researcher needs is the strategy's capacity. O(runs).
 *
 * @example Three capitals
 * ```ts
 * import { capacityChart } from "@lib/report/charts/capacity.ts";
 * import assert from "node:assert/strict";
 * const fig = capacityChart({ capital: [1e5, 1e6, 1e7], netSharpe: [2, 1.5, 0.2],
 *   netReturn: [0.3, 0.2, 0.01], netCagr: [0.3, 0.2, 0.01] });
 * assert.equal(fig.data.rows.length, 3);
 * ```
 */
export function capacityChart(input: CapacityChartInput, options: FigureOptions = {}): FigureBlock {
  const id = options.id ?? "capacity";
  const m = input.capital.length;
  const x = Array.from(input.capital), y = Array.from(input.netSharpe);
  const ok = y.map((v) => Number.isFinite(v));
  const lo = x[0] ?? 1, hi = x[m - 1] ?? 10;
  const svg = renderPlot({
    width: options.width ?? DEFAULT_WIDTH,
    height: 300,
    marginLeft: 56,
    x: {
      type: "log",
      label: "Capital deployed (quote currency, log scale)",
      domain: lo === hi ? [lo / 2, hi * 2] : [lo, hi],
    },
    y: {
      grid: true,
      label: "Net Sharpe ratio (annualized)",
      ...(ok.some(Boolean) ? {} : { domain: [-1, 1] }),
    },
    marks: [
      Plot.ruleY([0], { stroke: "#888" }),
      Plot.lineY({ length: m }, { x, y, stroke: "#4e79a7", strokeWidth: 1.5 }),
      Plot.dot({ length: m }, { x, y: y.map((v, i) => (ok[i] ? v : NaN)), fill: "#4e79a7", r: 3 }),
    ],
  }, id);
  return figureBlock(
    id,
    options,
    {
      title: "Capacity: net Sharpe against capital",
      caption: "The backtest rerun at each starting capital with the same cost models; " +
        "size-dependent costs grow faster than the capital, so the net Sharpe ratio falls.",
    },
    svg,
    {
      columns: [
        column("capital", "Capital", "number", 0),
        column("net_sharpe", "Net Sharpe", "number", 2),
        column("net_return", "Net return", "percent", 2),
        column("net_cagr", "Net CAGR", "percent", 2),
      ],
      rows: x.map((c, i) => [c, y[i]!, input.netReturn[i]!, input.netCagr[i]!]),
    },
  );
}
