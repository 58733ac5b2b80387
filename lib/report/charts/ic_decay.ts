/**
 * Chart: how each signal's mean information coefficient changes with the forward-return
 * horizon.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { column, type FigureBlock } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH, figureBlock, type FigureOptions } from "./figure.ts";
import { SERIES_COLORS } from "./series.ts";

/** One point of an IC decay curve. */
export interface IcDecayPoint {
  /** The signal name; escaped in the SVG. */
  readonly signal: string;
  /** Forward-return horizon in bars. */
  readonly horizon: number;
  /** Mean IC at that horizon; NaN when undefined (the line breaks). */
  readonly ic: number;
}

/**
 * One line with dots per signal: mean IC (y) against horizon (x, log scale in bars), with a
 * reference line at 0. A signal whose IC fades fast is a short-lived one; a rising curve is a
 * slow signal. The data summary has one row per point. O(points).
 *
 * @example Two horizons of one signal
 * ```ts
 * import { icDecayChart } from "@lib/report/charts/ic_decay.ts";
 * import assert from "node:assert/strict";
 * const fig = icDecayChart([
 *   { signal: "momentum_24", horizon: 1, ic: 0.01 },
 *   { signal: "momentum_24", horizon: 24, ic: 0.03 },
 * ]);
 * assert.equal(fig.data.rows.length, 2);
 * ```
 */
export function icDecayChart(
  points: readonly IcDecayPoint[],
  options: FigureOptions = {},
): FigureBlock {
  const id = options.id ?? "ic-decay";
  const signals = [...new Set(points.map((p) => p.signal))];
  const horizons = [...new Set(points.map((p) => p.horizon))].sort((a, b) => a - b);
  const finite = points.filter((p) => Number.isFinite(p.ic));
  const lo = horizons[0] ?? 1, hi = horizons[horizons.length - 1] ?? 1;
  const svg = renderPlot({
    width: options.width ?? DEFAULT_WIDTH,
    height: 340,
    marginLeft: 56,
    x: {
      type: "log",
      label: "Horizon (bars)",
      domain: lo === hi ? [lo / 2, hi * 2] : [lo, hi],
      ticks: horizons,
      tickFormat: (d: number) => String(d),
    },
    y: {
      grid: true,
      label: "Mean rank IC",
      ...(finite.length === 0 ? { domain: [-0.05, 0.05] } : {}),
    },
    color: {
      type: "categorical",
      domain: signals,
      range: [...SERIES_COLORS],
      legend: true,
    },
    marks: [
      Plot.ruleY([0], { stroke: "#888" }),
      Plot.lineY({ length: points.length }, {
        x: points.map((p) => p.horizon),
        y: points.map((p) => p.ic),
        z: points.map((p) => p.signal),
        stroke: points.map((p) => p.signal),
        strokeWidth: 1.5,
      }),
      Plot.dot({ length: finite.length }, {
        x: finite.map((p) => p.horizon),
        y: finite.map((p) => p.ic),
        fill: finite.map((p) => p.signal),
        r: 3,
      }),
    ],
  }, id);
  return figureBlock(
    id,
    options,
    {
      title: "IC decay over horizons",
      caption: "Mean rank IC of each signal against forward log returns over h bars, for each " +
        "horizon h; the horizons overlap, so neighbouring points are not independent.",
    },
    svg,
    {
      columns: [
        column("signal", "Signal", "text"),
        column("horizon", "Horizon (bars)", "integer"),
        column("mean_ic", "Mean IC", "number", 4),
      ],
      rows: points.map((p) => [p.signal, p.horizon, p.ic]),
    },
  );
}
