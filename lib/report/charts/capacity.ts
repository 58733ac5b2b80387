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
  /**
   * Fill ratio of each run (`fillRatio` of lib/backtest/costs/capacity_curve.ts): the gross
   * exposure held over the bars / the gross exposure the targets asked for, 1 when every order
   * filled; below 1 when a participation cap left the book under-invested. Labelled on each
   * dot and tabled when given. @default none
   */
  readonly fillRatio?: ArrayLike<number> | undefined;
}

/**
 * A fill ratio below this share of the smallest capital's reads as an under-invested book in
 * the caption (and the smallest capital's own below it is explained).
 */
export const CAPACITY_UNDER_INVESTED = 0.95;

/**
 * Net Sharpe ratio against the capital deployed, on a log capital axis, one dot per run joined
 * by a line; the data table has every run's capital, net Sharpe, net return and net CAGR.
 * Size-dependent costs (impact, DEX curves, participation caps) usually make it fall; where it
 * crosses the Sharpe a researcher needs is the strategy's capacity. The caption says what the
 * data do (see {@link describeCapacity}): falls, rises, stays flat, and where it crosses zero.
 * O(runs).
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
  const fills = input.fillRatio === undefined ? undefined : Array.from(input.fillRatio);
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
      ...(fills === undefined ? [] : [
        Plot.text({ length: m }, {
          x,
          y: y.map((v, i) => (ok[i] ? v : NaN)),
          text: fills.map((f) => (Number.isFinite(f) ? `fill ${(f * 100).toFixed(0)}%` : "")),
          dy: -10,
          fontSize: 10,
          fill: "#555",
        }),
      ]),
    ],
  }, id);
  return figureBlock(
    id,
    options,
    {
      title: "Capacity: net Sharpe against capital",
      caption: "The backtest rerun at each starting capital with the same cost models. " +
        describeCapacity(input) +
        (fills === undefined
          ? ""
          : " Each dot is labelled with its fill ratio (gross exposure held / gross exposure " +
            "targeted, over all bars)."),
    },
    svg,
    {
      columns: [
        column("capital", "Capital", "number", 0),
        column("net_sharpe", "Net Sharpe", "number", 2),
        column("net_return", "Net return", "percent", 2),
        column("net_cagr", "Net CAGR", "percent", 2),
        ...(fills === undefined ? [] : [column("fill_ratio", "Fill ratio", "percent", 1)]),
      ],
      rows: x.map((c, i) => [
        c,
        y[i]!,
        input.netReturn[i]!,
        input.netCagr[i]!,
        ...(fills === undefined ? [] : [fills[i]!]),
      ]),
    },
  );
}

/** Net Sharpe changes smaller than this between the first and last run read as flat. */
export const CAPACITY_FLAT_TOLERANCE = 0.01;

/**
 * One sentence on the shape of a capacity curve, from its data: whether the net Sharpe falls,
 * rises or stays flat (the last run's against the first's, within
 * {@link CAPACITY_FLAT_TOLERANCE}), with both values and capitals, and each capital where it
 * crosses zero (interpolated linearly in log capital between the two runs around the sign
 * change); where a non-monotone curve peaks or bottoms, and why the ends alone mislead; a
 * clause on costs that follows the direction (costs take a larger share when it falls; they
 * do not lower it when it rises or stays flat); and, with fill ratios, the first capital whose
 * fill ratio is below {@link CAPACITY_UNDER_INVESTED} times the smallest capital's (the
 * participation cap leaving the book under-invested). Runs with a non-finite Sharpe are skipped; fewer than two finite runs are
 * said so.
 *
 * @example A curve that falls through zero, and a flat one
 * ```ts
 * import { describeCapacity } from "@lib/report/charts/capacity.ts";
 * import assert from "node:assert/strict";
 * const capital = [1e4, 1e6, 1e8];
 * assert.ok(describeCapacity({ capital, netSharpe: [2, 1, -1] }).startsWith(
 *   "The net Sharpe ratio falls from 2.00 at $10,000 to -1.00 at $100,000,000; it crosses " +
 *   "zero at about $10,000,000 (log-linear between the runs at $1,000,000 and $100,000,000)."));
 * assert.match(describeCapacity({ capital, netSharpe: [1.2, 1.2, 1.2] }), /is flat at 1.20/);
 * // rising, with the book under-invested at the largest capital
 * const up = describeCapacity({ capital, netSharpe: [0.5, 0.8, 1.1], fillRatio: [1, 0.99, 0.6] });
 * assert.match(up, /do not lower the net Sharpe ratio/);
 * assert.match(up, /From \$100,000,000 the participation cap leaves the book under-invested: 60%/);
 * ```
 */
export function describeCapacity(
  input: Pick<CapacityChartInput, "capital" | "netSharpe" | "fillRatio">,
): string {
  const pts: [number, number][] = [];
  const fillAt: number[] = [];
  for (let i = 0; i < input.capital.length; i++) {
    const c = input.capital[i]!, s = input.netSharpe[i]!;
    if (Number.isFinite(c) && c > 0 && Number.isFinite(s)) {
      pts.push([c, s]);
      fillAt.push(input.fillRatio === undefined ? NaN : input.fillRatio[i]!);
    }
  }
  if (pts.length < 2) {
    return `The net Sharpe ratio is finite at ${pts.length} of ${input.capital.length} ` +
      "capitals, too few to say how it changes with capital.";
  }
  const [c0, s0] = pts[0]!, [c1, s1] = pts[pts.length - 1]!;
  const d = s1 - s0;
  const at = (s: number, c: number) => `${s.toFixed(2)} at ${money(c)}`;
  let text = Math.abs(d) < CAPACITY_FLAT_TOLERANCE
    ? `The net Sharpe ratio is flat at ${s0.toFixed(2)} from ${money(c0)} to ${money(c1)} ` +
      `(it moves by less than ${CAPACITY_FLAT_TOLERANCE})`
    : `The net Sharpe ratio ${d < 0 ? "falls" : "rises"} from ${at(s0, c0)} to ${at(s1, c1)}`;
  const crossings: string[] = [];
  for (let i = 1; i < pts.length; i++) {
    const [ca, sa] = pts[i - 1]!, [cb, sb] = pts[i]!;
    if (sa === 0 || Math.sign(sa) === Math.sign(sb) || sb === 0) {
      if (sb === 0) crossings.push(`reaches zero at ${money(cb)}`);
      continue;
    }
    const f = sa / (sa - sb);
    const c = Math.exp(Math.log(ca) + f * (Math.log(cb) - Math.log(ca)));
    crossings.push(
      `crosses zero at about ${money(c)} (log-linear between the runs at ${money(ca)} and ` +
        `${money(cb)})`,
    );
  }
  if (crossings.length > 0) text += `; it ${crossings.join("; it ")}`;
  text += ".";
  // not monotone: say where it turns instead of implying a steady slope
  const turns: string[] = [];
  for (let i = 1; i + 1 < pts.length; i++) {
    const a = pts[i]![1] - pts[i - 1]![1], b = pts[i + 1]![1] - pts[i]![1];
    if (Math.abs(a) < CAPACITY_FLAT_TOLERANCE || Math.abs(b) < CAPACITY_FLAT_TOLERANCE) continue;
    if (Math.sign(a) !== Math.sign(b)) {
      turns.push(`${a > 0 ? "peaks" : "bottoms"} at ${at(pts[i]![1], pts[i]![0])}`);
    }
  }
  if (turns.length > 0) {
    text += ` It is not monotone: it ${turns.join(" and ")}, so the ends alone do not describe ` +
      "it; a larger book changes which orders fill (a participation cap) and the path of the " +
      "positions, not only their cost, and one sample of returns is noisy.";
  }
  // the clause on costs follows the data
  if (Math.abs(d) >= CAPACITY_FLAT_TOLERANCE && d < 0) {
    text += " Size-dependent costs (impact, participation caps) take a larger share of the " +
      "returns as the capital grows.";
  } else {
    text += ` Size-dependent costs do not lower the net Sharpe ratio from ${money(c0)} to ` +
      `${money(c1)} here: costs grow with the capital, but returns and risk scale too.`;
  }
  const pct = (f: number) => `${(f * 100).toFixed(0)}%`;
  const base = fillAt[0]!;
  if (base < CAPACITY_UNDER_INVESTED) {
    text += ` Even at ${money(c0)} ${pct(base)} of the targeted gross exposure is held: orders ` +
      "wait where an asset has no bar or its liquidity (ADV) is not known yet.";
  }
  const under = fillAt.findIndex((f) => f < CAPACITY_UNDER_INVESTED * base);
  if (under >= 0) {
    const last = fillAt[fillAt.length - 1]!;
    text += ` From ${money(pts[under]![0])} the participation cap leaves the book ` +
      `under-invested: ${pct(fillAt[under]!)} of the targeted gross exposure is held there` +
      (under === fillAt.length - 1 ? "" : `, ${pct(last)} at ${money(c1)}`) +
      `, against ${pct(base)} at ${money(c0)}, so those runs trade a smaller, different book ` +
      "and their Sharpe ratio is not the strategy's at that size.";
  }
  return text;
}

/** Capital in quote currency, rounded to 2 significant digits above 1,000, with separators. */
function money(c: number): string {
  const r = c >= 1000 ? Number(c.toPrecision(2)) : Math.round(c);
  return "$" + r.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
