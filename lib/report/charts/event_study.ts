/**
 * Chart: the cumulative average abnormal return around an event, with its confidence band.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { column, type FigureBlock } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH, figureBlock, type FigureOptions } from "./figure.ts";

/** What {@link eventStudyChart} draws (from `eventStudy`). */
export interface EventStudyChartInput {
  /** The definition's name; escaped in the SVG. */
  readonly name: string;
  /** Event-window offsets in bars (0 = the bar whose close reveals the event). */
  readonly offsets: ArrayLike<number>;
  readonly caar: ArrayLike<number>;
  readonly lower: ArrayLike<number>;
  readonly upper: ArrayLike<number>;
  /** Events studied. */
  readonly events: number;
}

/**
 * CAAR (y, percent) against the event-window offset (x, bars) as a line over its shaded band,
 * with reference lines at 0 and at the event bar. A drift before 0 is information that leaked
 * before the flag (or a flag that reacts late); the part after 0 is what a trade can earn
 * before costs. The data summary has one row per offset. O(offsets).
 *
 * @example
 * ```ts
 * import { eventStudyChart } from "@lib/report/charts/event_study.ts";
 * import assert from "node:assert/strict";
 * const fig = eventStudyChart({ name: "jump-4sd", offsets: [-1, 0, 1], caar: [0, 0.01, 0.02],
 *   lower: [-0.01, 0, 0.01], upper: [0.01, 0.02, 0.03], events: 12 }, { id: "ev-jump" });
 * assert.equal(fig.data.rows.length, 3);
 * assert.match(fig.svg, /<svg/);
 * ```
 */
export function eventStudyChart(
  input: EventStudyChartInput,
  options: FigureOptions = {},
): FigureBlock {
  const id = options.id ?? "event-study";
  const n = input.offsets.length;
  const x = Array.from({ length: n }, (_, i) => input.offsets[i]!);
  const pct = (a: ArrayLike<number>) => Array.from({ length: n }, (_, i) => a[i]! * 100);
  const y = pct(input.caar), lo = pct(input.lower), hi = pct(input.upper);
  const svg = renderPlot({
    width: options.width ?? DEFAULT_WIDTH,
    height: 300,
    marginLeft: 56,
    x: { label: "Bars from the event", grid: true },
    y: { label: "CAAR (%)", grid: true },
    marks: [
      Plot.areaY({ length: n }, { x, y1: lo, y2: hi, fill: "#4e79a7", fillOpacity: 0.2 }),
      Plot.ruleY([0], { stroke: "#888" }),
      Plot.ruleX([0], { stroke: "#888", strokeDasharray: "4,3" }),
      Plot.lineY({ length: n }, { x, y, stroke: "#4e79a7", strokeWidth: 1.8 }),
    ],
  }, id);
  return figureBlock(
    id,
    options,
    {
      title: `${input.name}: cumulative average abnormal return`,
      caption: `${input.events} events; abnormal returns against the market model fitted before ` +
        `each event, cumulated from the first bar of the window; the band is the 95% normal ` +
        `interval from the events' cross-sectional standard error.`,
    },
    svg,
    {
      columns: [
        column("offset", "Bars from the event", "integer"),
        column("caar", "CAAR", "percent", 3),
        column("lower", "Lower", "percent", 3),
        column("upper", "Upper", "percent", 3),
      ],
      rows: x.map((o, i) => [o, input.caar[i]!, input.lower[i]!, input.upper[i]!]),
    },
  );
}
