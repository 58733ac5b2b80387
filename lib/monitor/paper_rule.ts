/**
 * Paper trading of the pairs z-score rule, bar by bar, as the backtest trades it.
 *
 * @module
 */
import { pairsMeanReversion } from "../backtest/strategies/pairs_mean_reversion.ts";
import { checkPaperInput, PaperBook } from "./_paper_book.ts";
import type {
  PaperAction,
  PaperBars,
  PaperFill,
  PaperMark,
  PaperOptions,
  PaperOrder,
  PaperState,
  PaperStep,
} from "./paper_types.ts";

/**
 * Advance the rule's paper book over the rows of `bars` it has not processed yet (from
 * `state.row` to the last row) and return the new state with the orders, fills and marks to
 * append. Pure and deterministic: the same bars, options and state give the same step, so a
 * monitor killed at any point resumes from its last stored mark and ends exactly where an
 * uninterrupted one would.
 *
 * The rule is `pairsMeanReversion` (lib/backtest/strategies) with `options.rule`, run on the
 * whole history each call (it is causal, so a row's decision never changes when later bars
 * arrive). That costs O(n) per call whatever the number of new rows: about 5 ms for 10,000 bars
 * and 60-90 ms for 100,000 on one core here, so a book on 1-second bars grows costly after a day
 * or two (a week of 1-minute bars is 10,000). It is not made incremental on purpose: the
 * rolling estimators' rounding depends on where a series starts, and computing on the whole
 * history is what makes a resumed book equal, bit for bit, to one that never stopped.
 *
 * Its target weights `[w_y, w_x]` decided at the close of row t are filled at the close of
 * row t + 1 (the NEXT bar), on both legs, in units: `units = w * equity / close`, with the cost
 * models of `options.costs` paid from cash. The book trades back to the targets at every bar (the backtest's default `rebalance: "every-bar"`: small rebalancing fills keep the
 * weights while a trade is open); a leg without a bar at a close keeps its units and trades at
 * its next bar. Each row's mark (cash + units x last closes, BEFORE that close's fill) is the
 * backtest's `equity[row]` of the same rule on the same bars (`paperVsBacktest` checks it).
 *
 * Designed differences from `backtestStrategy`: (1) the backtest books the costs of the fill at
 * the close of row t in its row t + 1 (the bar the fill opens); the paper book pays them at the
 * fill, so they are in its cash and the row's `cost`, and the last row's fill (which the
 * backtest never charges, having no next row) is paid too; (2) the backtest knows where the
 * data ends and sells a leg whose data ended early at its last close; the paper book cannot
 * know that live and keeps the position (marked at the last close).
 *
 * @example Fills happen at the close after the decision
 * ```ts
 * import { advancePaperRule, initialPaperState } from "@lib/monitor/mod.ts";
 * import assert from "node:assert/strict";
 * const n = 400;
 * const x = Array.from({ length: n }, (_, t) => 100 * Math.exp(0.001 * t + 0.02 * Math.sin(t / 9)));
 * const y = x.map((p, t) => 2 * p * Math.exp(0.03 * Math.sin(t / 5)));
 * const bars = { ts: Array.from({ length: n }, (_, t) => t * 60_000), y, x, barMs: 60_000 };
 * const rule = { hedgeWindow: 100, zWindow: 50, entry: 1.2, exit: 0.3 };
 * const step = advancePaperRule(initialPaperState(), bars, { rule });
 * const open = step.orders[0]!;
 * assert.equal(open.action === "open-long" || open.action === "open-short", true);
 * assert.equal(step.fills.find((f) => f.orderId === open.id)!.ts, open.decidedTs + 60_000);
 * assert.equal(step.state.row, n);
 * ```
 */
export function advancePaperRule(
  state: PaperState,
  bars: PaperBars,
  options: PaperOptions = {},
): PaperStep {
  checkPaperInput(bars, state);
  const n = bars.ts.length;
  const book = new PaperBook(state, options);
  if (state.row >= n) return { state, orders: [], fills: [], marks: [] };
  const r = pairsMeanReversion({ y: bars.y, x: bars.x }, options.rule ?? {});
  const [wy, wx] = r.weights as [Float64Array, Float64Array];
  const stops = new Set(r.stops);
  const orders: PaperOrder[] = [], fills: PaperFill[] = [], marks: PaperMark[] = [];
  const ts = bars.ts;
  for (let t = state.row; t < n; t++) {
    book.mark(bars, t);
    let cost = 0;
    if (t >= 1) {
      const decided = r.position[t - 1]!, before = t >= 2 ? r.position[t - 2]! : 0;
      const orderId = decided !== before ? ruleOrderId(ts[t - 1]!) : null;
      const f = book.fill(bars, t, wy[t - 1]!, wx[t - 1]!, orderId);
      cost = f.cost;
      for (const x of f.fills) fills.push(x);
    }
    const pos = r.position[t]! as -1 | 0 | 1, prev = t >= 1 ? r.position[t - 1]! : 0;
    if (pos !== prev) {
      const action: PaperAction = pos === 1
        ? "open-long"
        : pos === -1
        ? "open-short"
        : stops.has(t)
        ? "stop"
        : "exit";
      orders.push({
        id: ruleOrderId(ts[t]!),
        source: "rule",
        action,
        decidedTs: ts[t]!,
        targetY: wy[t]!,
        targetX: wx[t]!,
        hedgeRatio: r.hedgeRatio[t]!,
        z: r.zScore[t]!,
      });
    }
    book.position = pos;
    marks.push(book.toMark(t, cost, r.zScore[t]!, r.hedgeRatio[t]!));
  }
  return { state: book.state(), orders, fills, marks };
}

/** The id of the rule's order decided at the close of the bar opening at `ts`. */
export function ruleOrderId(ts: number): string {
  return `rule/${ts}`;
}
