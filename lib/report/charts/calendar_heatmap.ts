/**
 * Chart: a year x month heatmap (monthly returns, monthly mean IC).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { column, type FigureBlock } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH, figureBlock, type FigureOptions } from "./figure.ts";

/** One year of a {@link calendarHeatmapChart}. */
export interface CalendarHeatmapRow {
  readonly year: number;
  /** Value of each month January..December; NaN where there is none (the cell is left blank). */
  readonly months: readonly number[];
  /** The year's own value (its compounded return, its mean IC), shown in the table. */
  readonly total: number;
}

/** What the cells of a {@link calendarHeatmapChart} hold. */
export interface CalendarHeatmapOptions extends FigureOptions {
  /** Label of the values (title and table); each cell is labelled with its value, no color legend. @default "Return" */
  readonly valueLabel?: string;
  /** Values are fractions shown as percentages. @default true */
  readonly percent?: boolean;
  /** Decimals of the cell labels and the table. @default 1 (percent) or 3 */
  readonly digits?: number;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Heatmap with one row per year and one column per month, colored on a diverging red-blue
 * scale symmetric around 0 (red below), each cell labelled with its value; the data table lists
 * every year with its twelve months and its total. O(years).
 *
 * @example Two years of monthly returns
 * ```ts
 * import { calendarHeatmapChart } from "@lib/report/charts/calendar_heatmap.ts";
 * import assert from "node:assert/strict";
 * const nan = NaN;
 * const fig = calendarHeatmapChart([
 *   { year: 2020, months: [nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, 0.05, -0.02], total: 0.029 },
 *   { year: 2021, months: [0.1, -0.05, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan], total: 0.045 },
 * ]);
 * assert.equal(fig.data.rows.length, 2);
 * assert.match(fig.svg, /Nov/);
 * ```
 */
export function calendarHeatmapChart(
  rows: readonly CalendarHeatmapRow[],
  options: CalendarHeatmapOptions = {},
): FigureBlock {
  const id = options.id ?? "calendar-heatmap";
  const percent = options.percent ?? true;
  const digits = options.digits ?? (percent ? 1 : 3);
  const label = options.valueLabel ?? "Return";
  const x: string[] = [], y: string[] = [], v: number[] = [], text: string[] = [];
  let extent = 0;
  for (const r of rows) {
    r.months.forEach((m, k) => {
      if (!Number.isFinite(m)) return;
      x.push(MONTHS[k]!);
      y.push(String(r.year));
      v.push(m);
      text.push(percent ? `${(m * 100).toFixed(digits)}%` : m.toFixed(digits));
      extent = Math.max(extent, Math.abs(m));
    });
  }
  if (!(extent > 0)) extent = 0.01;
  const years = rows.map((r) => String(r.year));
  const svg = renderPlot({
    width: options.width ?? DEFAULT_WIDTH,
    height: Math.max(120, 34 * years.length + 70),
    marginLeft: 50,
    padding: 0.05,
    x: { domain: MONTHS, label: null },
    y: { domain: years, label: null },
    color: {
      type: "linear",
      scheme: "rdbu",
      domain: [-extent, extent],
      label,
    },
    marks: [
      Plot.cell({ length: v.length }, { x, y, fill: v }),
      Plot.text({ length: v.length }, {
        x,
        y,
        text,
        // white on the saturated ends of the scale, dark on the pale middle
        fill: v.map((m) => (Math.abs(m) > 0.55 * extent ? "#fff" : "#222")),
        fontSize: 10,
      }),
    ],
  }, id);
  const fmt = percent ? "percent" : "number";
  return figureBlock(
    id,
    options,
    {
      title: `Monthly ${label.toLowerCase()}`,
      caption: "One row per UTC calendar year, one cell per month (blank: no bars in the month); " +
        "blue above 0, red below, on a scale symmetric around 0.",
    },
    svg,
    {
      columns: [
        column("year", "Year", "integer"),
        ...MONTHS.map((m) => column(m.toLowerCase(), m, fmt, digits)),
        column("total", "Year", fmt, digits),
      ],
      rows: rows.map((r) => [r.year, ...MONTHS.map((_, k) => r.months[k] ?? NaN), r.total]),
    },
  );
}
