/**
 * Chart: mean information coefficient of each signal, one bar per forward-return horizon.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { column, type FigureBlock } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH, figureBlock, type FigureOptions } from "./figure.ts";
import { labelMargin } from "./series.ts";

/** One signal's mean IC at one horizon, with the statistics shown beside it. */
export interface IcBarRow {
  /** The signal name (e.g. `momentum_24`); escaped in the SVG. */
  readonly signal: string;
  /** Forward-return horizon in bars. */
  readonly horizon: number;
  /** Mean IC; NaN when undefined (the bar is left out). */
  readonly ic: number;
  /** Newey-West t-stat of the mean IC. */
  readonly tStat: number;
}

/**
 * Grouped horizontal bars: one group per signal (in the order given), one bar per horizon,
 * blue when the mean IC is positive and red when negative. The data summary lists every row,
 * undefined ones included. O(rows).
 *
 * @example Two signals at one horizon
 * ```ts
 * import { icBarChart } from "@lib/report/charts/ic_bars.ts";
 * import assert from "node:assert/strict";
 * const fig = icBarChart([
 *   { signal: "momentum_24", horizon: 24, ic: 0.03, tStat: 2.1 },
 *   { signal: "reversal_1", horizon: 24, ic: -0.01, tStat: -0.8 },
 * ]);
 * assert.equal(fig.data.rows.length, 2);
 * assert.match(fig.svg, /momentum_24/);
 * ```
 */
export function icBarChart(rows: readonly IcBarRow[], options: FigureOptions = {}): FigureBlock {
  const id = options.id ?? "ic-bars";
  const signals = [...new Set(rows.map((r) => r.signal))];
  const horizons = [...new Set(rows.map((r) => r.horizon))].sort((a, b) => a - b);
  const label = (h: number) => `${h} bar${h === 1 ? "" : "s"}`;
  const shown = rows.filter((r) => Number.isFinite(r.ic));
  const svg = renderPlot({
    width: options.width ?? DEFAULT_WIDTH,
    height: Math.max(140, signals.length * (14 * horizons.length + 10) + 60),
    marginLeft: labelMargin(signals) + 50,
    x: { grid: true, label: "Mean rank IC" },
    y: { domain: horizons.map(label), label: null, axis: null },
    fy: { domain: signals, label: null },
    facet: { marginLeft: labelMargin(signals) },
    color: {
      type: "categorical",
      domain: horizons.map(label),
      range: ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#9c755f", "#76b7b2"],
      legend: true,
    },
    marks: [
      Plot.barX({ length: shown.length }, {
        x: shown.map((r) => r.ic),
        y: shown.map((r) => label(r.horizon)),
        fy: shown.map((r) => r.signal),
        fill: shown.map((r) => label(r.horizon)),
      }),
      Plot.ruleX([0]),
    ],
  }, id);
  return figureBlock(
    id,
    options,
    {
      title: "Information coefficient by signal",
      caption: "Mean Spearman rank correlation, across assets at each bar, between the signal " +
        "and the forward log return over the horizon; one bar per horizon.",
    },
    svg,
    {
      columns: [
        column("signal", "Signal", "text"),
        column("horizon", "Horizon (bars)", "integer"),
        column("mean_ic", "Mean IC", "number", 4),
        column("t_nw", "t (Newey-West)", "number", 2),
      ],
      rows: rows.map((r) => [r.signal, r.horizon, r.ic, r.tStat]),
    },
  );
}
