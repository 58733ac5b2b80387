/**
 * Chart: one vertical bar per labelled value (yearly returns, costs by model).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { column, type FigureBlock } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH, figureBlock, type FigureOptions } from "./figure.ts";

/** One bar of a {@link valueBarChart}. */
export interface ValueBar {
  /** Label under the bar (escaped in the SVG); unique. */
  readonly label: string;
  /** Height; NaN leaves the bar out (the table still lists it). */
  readonly value: number;
}

/** Options of {@link valueBarChart}. */
export interface ValueBarOptions extends FigureOptions {
  /** Label of the y axis and of the table's value column. @default "Value" */
  readonly yLabel?: string;
  /** Values are fractions shown as percentages. @default true */
  readonly percent?: boolean;
}

/**
 * Vertical bars in the order given, blue when positive and red when negative, with a rule at
 * 0; the data table lists every label and value. O(bars).
 *
 * @example Two years
 * ```ts
 * import { valueBarChart } from "@lib/report/charts/value_bars.ts";
 * import assert from "node:assert/strict";
 * const fig = valueBarChart([{ label: "2020", value: 0.3 }, { label: "2021", value: -0.1 }]);
 * assert.deepEqual(fig.data.rows, [["2020", 0.3], ["2021", -0.1]]);
 * ```
 */
export function valueBarChart(
  bars: readonly ValueBar[],
  options: ValueBarOptions = {},
): FigureBlock {
  const id = options.id ?? "value-bars";
  const percent = options.percent ?? true;
  const yLabel = options.yLabel ?? "Value";
  const shown = bars.filter((b) => Number.isFinite(b.value));
  const svg = renderPlot({
    width: options.width ?? DEFAULT_WIDTH,
    height: 280,
    marginLeft: 56,
    x: { domain: bars.map((b) => b.label), label: null },
    y: {
      grid: true,
      label: yLabel + (percent ? " (%)" : ""),
      ...(percent ? { percent: true } : {}),
      // Plot's percent option scales the data by 100 first: the domain is in shown units
      ...(shown.length === 0 ? { domain: percent ? [-1, 1] : [-0.01, 0.01] } : {}),
    },
    marks: [
      Plot.barY({ length: shown.length }, {
        x: shown.map((b) => b.label),
        y: shown.map((b) => b.value),
        fill: shown.map((b) => (b.value >= 0 ? "#4e79a7" : "#e15759")),
      }),
      Plot.ruleY([0], { stroke: "#888" }),
    ],
  }, id);
  return figureBlock(
    id,
    options,
    { title: yLabel, caption: "One bar per label; blue above 0, red below." },
    svg,
    {
      columns: [
        column("label", "Label", "text"),
        column("value", yLabel, percent ? "percent" : "number", percent ? 2 : 4),
      ],
      rows: bars.map((b) => [b.label, b.value]),
    },
  );
}
