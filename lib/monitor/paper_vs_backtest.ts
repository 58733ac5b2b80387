/**
 * The paper book of the pairs rule beside the backtest of the same rule on the same bars.
 *
 * @module
 */
import { backtestStrategy } from "../backtest/strategies/backtest_strategy.ts";
import { pairsMeanReversion } from "../backtest/strategies/pairs_mean_reversion.ts";
import type { StrategyRun } from "../backtest/strategies/types.ts";
import { initialPaperState, PAPER_DEFAULTS } from "./_paper_book.ts";
import { advancePaperRule } from "./paper_rule.ts";
import type { PaperBars, PaperMark, PaperOptions } from "./paper_types.ts";

/** What {@link paperVsBacktest} returns: both series on the bars' grid. */
export interface PaperComparison {
  /** Bar open times of the compared rows. */
  readonly ts: Float64Array;
  /** Paper equity marked at each close before its fill (NaN for a row with no mark). */
  readonly paperEquity: Float64Array;
  /** `backtestStrategy(...).backtest.equity` of the same rule, costs and starting equity. */
  readonly backtestEquity: Float64Array;
  /** Equity changes from the row before (the first row: from the starting equity). */
  readonly paperPnl: Float64Array;
  readonly backtestPnl: Float64Array;
  /** Largest |paper - backtest| equity over the rows with a paper mark, quote currency. */
  readonly maxAbsDifference: number;
  /** The backtest run itself (its trade log, costs per model, rules). */
  readonly backtest: StrategyRun;
  /** The differences by design, one sentence each (see `advancePaperRule`). */
  readonly notes: readonly string[];
}

/** The designed differences, as {@link PaperComparison.notes} states them. */
export const PAPER_VS_BACKTEST_NOTES: readonly string[] = [
  "Both fill the decision made at a bar's close at the next bar's close, on both legs, with the same cost models, and trade back to the targets at every bar.",
  "The paper equity of a row is marked at that bar's close before its fill; the backtest's equity of the row is the same quantity.",
  "The backtest books a fill's costs in the row of the bar the fill opens (the next row); the paper book pays them at the fill, so the costs of the last row's fill appear only on the paper side.",
  "The backtest sells a leg whose data ends before the last bar at its last close; the paper book cannot know that live and keeps the position marked at its last close.",
];

/**
 * Run the backtest of the pairs rule (`pairsMeanReversion` + `backtestStrategy`, default lag 1
 * and every-bar rebalancing) on `bars` with the paper options' rule, costs and starting equity,
 * and set it beside the paper book's marks: the ones given (the stored marks of a live account,
 * whose first mark must be row 0 of `bars`) or, without `marks`, a fresh paper run on the same
 * bars. On the rows both have, the two equity series agree to rounding (a test holds them
 * within 1e-9 relative); `notes` states the designed differences.
 *
 * @example The paper book and the backtest agree
 * ```ts
 * import { paperVsBacktest } from "@lib/monitor/paper_vs_backtest.ts";
 * import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
 * import assert from "node:assert/strict";
 * const n = 500;
 * const x = Array.from({ length: n }, (_, t) => 100 * Math.exp(0.001 * t + 0.02 * Math.sin(t / 9)));
 * const y = x.map((p, t) => 2 * p * Math.exp(0.03 * Math.sin(t / 5)));
 * const bars = { ts: Array.from({ length: n }, (_, t) => t * 3_600_000), y, x, barMs: 3_600_000 };
 * const c = paperVsBacktest(bars, {
 *   rule: { hedgeWindow: 100, zWindow: 50, entry: 1.2, exit: 0.3 },
 *   costs: [feeCost({ venue: "binance" })],
 * });
 * assert.ok(c.backtest.tradeLog.summary.count > 0);
 * assert.ok(c.maxAbsDifference < 1e-9 * 1_000_000);
 * ```
 */
export function paperVsBacktest(
  bars: PaperBars,
  options: PaperOptions = {},
  marks?: readonly PaperMark[],
): PaperComparison {
  const n = bars.ts.length;
  const initialEquity = options.initialEquity ?? PAPER_DEFAULTS.initialEquity;
  const targets = pairsMeanReversion({ y: bars.y, x: bars.x }, options.rule ?? {});
  const backtest = backtestStrategy(
    { close: [bars.y, bars.x], index: bars.ts, assets: ["y", "x"] },
    targets,
    { costs: options.costs ?? [], initialEquity },
  );
  const paperMarks = marks ??
    advancePaperRule(initialPaperState({ initialEquity }), bars, options).marks;
  if (paperMarks.length > 0 && paperMarks[0]!.ts !== bars.ts[0]) {
    throw new RangeError(
      `Cannot compare paper and backtest: the first paper mark is at ${
        paperMarks[0]!.ts
      } but the bars start at ${bars.ts[0]}; pass the bars from the account's first bar`,
    );
  }
  const ts = Float64Array.from(bars.ts);
  const paperEquity = new Float64Array(n).fill(NaN);
  for (const m of paperMarks) {
    if (m.row >= n || bars.ts[m.row] !== m.ts) {
      throw new RangeError(
        `Cannot compare paper and backtest: mark at row ${m.row} (${m.ts}) is not on the bars' grid`,
      );
    }
    paperEquity[m.row] = m.equity;
  }
  const backtestEquity = Float64Array.from(backtest.backtest.equity);
  const pnl = (eq: Float64Array) =>
    Float64Array.from(eq, (v, t) => v - (t === 0 ? initialEquity : eq[t - 1]!));
  let maxAbsDifference = 0;
  for (let t = 0; t < n; t++) {
    const p = paperEquity[t]!;
    if (p !== p) continue;
    const d = Math.abs(p - backtestEquity[t]!);
    if (d > maxAbsDifference || d !== d) maxAbsDifference = d;
  }
  return {
    ts,
    paperEquity,
    backtestEquity,
    paperPnl: pnl(paperEquity),
    backtestPnl: pnl(backtestEquity),
    maxAbsDifference,
    backtest,
    notes: PAPER_VS_BACKTEST_NOTES,
  };
}
