/**
 * Chart: a pair's spread z-score with the entry and exit bands and the bars where a position
 * opened and closed.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { column, type FigureBlock } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH, figureBlock, type FigureOptions } from "./figure.ts";
import { plottedPoints, toLongColumns } from "./series.ts";

/** Input of {@link spreadZScoreChart}. */
export interface SpreadZScoreInput {
  /** Time of each value, UTC epoch ms, ascending. */
  readonly index: ArrayLike<number>;
  /** The pair, e.g. `ETHUSDT ~ BTCUSDT`; escaped in the SVG. */
  readonly pair: string;
  /** The spread's z-score at each bar (NaN where undefined). */
  readonly z: ArrayLike<number>;
  /** Entry threshold: a position opens when |z| reaches it. */
  readonly entry: number;
  /** Exit threshold: a position closes when z is back within it of 0. */
  readonly exit: number;
  /** Bars (indices into `index`) where a position opened. */
  readonly entries: ArrayLike<number>;
  /** Bars where a position closed on the exit rule. */
  readonly exits: ArrayLike<number>;
  /** The z-score window in bars, for the caption. */
  readonly window: number;
}

/**
 * The z-score as a line (thinned to at most `maxPoints` points, default 1,000), dashed red
 * lines at ±entry, dashed grey lines at ±exit, green dots where a position opened and black
 * dots where it closed (markers are never thinned). The data summary has one row per entry or
 * exit: its time, kind and z-score. O(bars).
 *
 * @example One round trip
 * ```ts
 * import { spreadZScoreChart } from "@lib/report/charts/spread_zscore.ts";
 * import assert from "node:assert/strict";
 * const h = 3_600_000;
 * const fig = spreadZScoreChart({
 *   index: [0, h, 2 * h, 3 * h], pair: "B ~ A", z: [0, 2.2, 1, 0.2],
 *   entry: 2, exit: 0.5, entries: [1], exits: [3], window: 24,
 * });
 * assert.deepEqual(fig.data.rows, [[h, "entry", 2.2], [3 * h, "exit", 0.2]]);
 * ```
 */
export function spreadZScoreChart(
  input: SpreadZScoreInput,
  options: FigureOptions & { readonly maxPoints?: number } = {},
): FigureBlock {
  const id = options.id ?? "spread-zscore";
  const { index, z, entry, exit } = input;
  const cols = toLongColumns(index, [{ asset: input.pair, values: z }], options.maxPoints ?? 1000);
  const events: { t: number; kind: "entry" | "exit" }[] = [
    ...Array.from(input.entries, (t) => ({ t, kind: "entry" as const })),
    ...Array.from(input.exits, (t) => ({ t, kind: "exit" as const })),
  ].sort((a, b) => a.t - b.t || (a.kind < b.kind ? -1 : 1));
  const marker = (kind: "entry" | "exit") => {
    const ev = events.filter((e) => e.kind === kind && Number.isFinite(z[e.t]!));
    return Plot.dot({ length: ev.length }, {
      x: ev.map((e) => new Date(index[e.t]!)),
      y: ev.map((e) => z[e.t]!),
      fill: kind === "entry" ? "#59a14f" : "#222",
      r: kind === "entry" ? 3.5 : 2.5,
    });
  };
  const plotted = events.filter((e) => Number.isFinite(z[e.t]!));
  const empty = !cols.y.some(Number.isFinite);
  const svg = renderPlot({
    width: options.width ?? DEFAULT_WIDTH,
    height: 340,
    marginLeft: 44,
    x: { type: "utc", label: null },
    y: { grid: true, label: "Spread z-score", ...(empty ? { domain: [-3, 3] } : {}) },
    marks: [
      Plot.ruleY([0], { stroke: "#888" }),
      Plot.ruleY([-entry, entry], { stroke: "#e15759", strokeDasharray: "5,3" }),
      Plot.ruleY([-exit, exit], { stroke: "#999", strokeDasharray: "2,3" }),
      Plot.lineY({ length: cols.y.length }, {
        x: cols.x,
        y: cols.y,
        stroke: "#4e79a7",
        strokeWidth: 1,
      }),
      marker("entry"),
      marker("exit"),
    ],
  }, id);
  return figureBlock(
    id,
    options,
    {
      title: `Spread z-score: ${input.pair}`,
      caption: `Z-score of the spread against the mean and standard deviation of the ` +
        `${input.window} bars before each bar; red dashed lines at ±${entry} (enter: short the ` +
        `spread above +${entry}, long below -${entry}), grey dotted lines at ±${exit} (exit); ` +
        `green dots mark entries, black dots exits.`,
    },
    svg,
    {
      columns: [
        column("time", "Time", "datetime"),
        column("event", "Event", "text"),
        column("z", "Z-score", "number", 2),
      ],
      rows: events.map((e) => [index[e.t]!, e.kind, z[e.t]!]),
    },
    // the line's points, then the entry and exit markers at their own z
    plottedPoints(
      [...cols.x, ...plotted.map((e) => new Date(index[e.t]!))],
      [...cols.y, ...plotted.map((e) => z[e.t]!)],
      [...cols.z, ...plotted.map((e) => e.kind)],
    ),
  );
}
