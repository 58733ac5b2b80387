/**
 * Manual paper orders on a pair (opened and closed by hand from the page), filled at the next
 * bar's close with the same costs as the rule's book.
 *
 * @module
 */
import {
  PAIRS_MEAN_REVERSION_DEFAULTS,
  pairsMeanReversion,
} from "../backtest/strategies/pairs_mean_reversion.ts";
import { checkPaperInput, PaperBook } from "./_paper_book.ts";
import type {
  PaperBars,
  PaperFill,
  PaperMark,
  PaperOptions,
  PaperOrder,
  PaperState,
  PaperStep,
} from "./paper_types.ts";

/** A manual order as the page sends it. */
export interface ManualOrderRequest {
  /** A unique id (the API's idempotency key): placing the same id twice stores one order. */
  readonly id: string;
  /** `open-long`: long the spread (long y, short beta x); `open-short`; `close`: flat. */
  readonly action: "open-long" | "open-short" | "close";
  /** Gross exposure `|w_y| + |w_x|` as a fraction of the book's equity. @default the rule's `gross` (1) */
  readonly gross?: number;
}

/**
 * Build a manual order decided at the close of the LAST row of `bars` (the bar just closed),
 * sized like the rule (`options.rule.sizing`, beta or dollar) with the hedge ratio the rule
 * knows at that row: `w_y = p g / (1 + |beta|)`, `w_x = -p beta g / (1 + |beta|)` for `beta`.
 * It is filled at the next bar's close by {@link advancePaperManual}.
 *
 * @example
 * ```ts
 * import { manualOrder } from "@lib/monitor/paper_manual.ts";
 * import assert from "node:assert/strict";
 * const n = 300;
 * const x = Array.from({ length: n }, (_, t) => 100 * Math.exp(0.02 * Math.sin(t / 9)));
 * const y = x.map((p, t) => 2 * p * Math.exp(0.03 * Math.sin(t / 5)));
 * const bars = { ts: Array.from({ length: n }, (_, t) => t * 60_000), y, x, barMs: 60_000 };
 * const o = manualOrder(bars, { id: "m1", action: "open-short" }, { rule: { hedgeWindow: 100, zWindow: 50 } });
 * assert.equal(o.decidedTs, (n - 1) * 60_000);
 * assert.ok(o.targetY < 0 && Math.abs(Math.abs(o.targetY) + Math.abs(o.targetX) - 1) < 1e-12);
 * ```
 */
export function manualOrder(
  bars: PaperBars,
  request: ManualOrderRequest,
  options: PaperOptions = {},
): PaperOrder {
  const n = bars.ts.length;
  const what = "place a manual paper order";
  if (typeof request.id !== "string" || request.id === "") {
    throw new RangeError(`Cannot ${what}: give it an id`);
  }
  if (!["open-long", "open-short", "close"].includes(request.action)) {
    throw new RangeError(
      `Cannot ${what}: action must be open-long, open-short or close, got ${request.action}`,
    );
  }
  if (n === 0) throw new RangeError(`Cannot ${what}: no bar has closed yet`);
  const rule = options.rule ?? {};
  const gross = request.gross ?? rule.gross ?? PAIRS_MEAN_REVERSION_DEFAULTS.gross;
  if (!(gross > 0) || !Number.isFinite(gross)) {
    throw new RangeError(`Cannot ${what}: gross must be a finite number > 0, got ${gross}`);
  }
  const r = pairsMeanReversion({ y: bars.y, x: bars.x }, rule);
  const t = n - 1;
  let beta = NaN;
  for (let s = t; s >= 0 && beta !== beta; s--) beta = r.hedgeRatio[s]!;
  const z = r.zScore[t]!;
  const base = { id: request.id, source: "manual" as const, decidedTs: bars.ts[t]!, z };
  if (request.action === "close") {
    return { ...base, action: "close", targetY: 0, targetX: 0, hedgeRatio: beta };
  }
  const p = request.action === "open-long" ? 1 : -1;
  const sizing = rule.sizing ?? PAIRS_MEAN_REVERSION_DEFAULTS.sizing;
  if (beta !== beta) {
    throw new RangeError(
      `Cannot ${what}: the hedge ratio is not known yet (the rule's hedge window is still ` +
        `filling: ${n} bars); wait for more bars`,
    );
  }
  if (sizing === "dollar") {
    return {
      ...base,
      action: request.action,
      targetY: (p * gross) / 2,
      targetX: (-Math.sign(beta) * p * gross) / 2,
      hedgeRatio: beta,
    };
  }
  const s = gross / (1 + Math.abs(beta));
  return {
    ...base,
    action: request.action,
    targetY: p * s,
    targetX: -p * beta * s,
    hedgeRatio: beta,
  };
}

/**
 * Advance the manual book over the rows of `bars` it has not processed yet. `orders` are the
 * manual orders not yet filled (the store's `pendingManualOrders`; any order decided before
 * the state's last bar is ignored as already handled). At each row's close the LATEST order
 * decided before that row is filled to its target weights on both legs (earlier ones it
 * replaced are not filled), with `options.costs` paid from cash; between orders the units are
 * held as they are (no rebalancing: a manual position is what was bought). Marks, as for the
 * rule's book, are taken at each close before its fill.
 *
 * @example Open at the next close, then close
 * ```ts
 * import { advancePaperManual, initialPaperState } from "@lib/monitor/mod.ts";
 * import assert from "node:assert/strict";
 * const bars = { ts: [0, 60_000, 120_000, 180_000], y: [10, 11, 12, 12], x: [5, 5, 5, 5], barMs: 60_000 };
 * const orders = [
 *   { id: "a", source: "manual" as const, action: "open-long" as const, decidedTs: 0, targetY: 0.5, targetX: -0.5, hedgeRatio: 1, z: NaN },
 *   { id: "b", source: "manual" as const, action: "close" as const, decidedTs: 120_000, targetY: 0, targetX: 0, hedgeRatio: 1, z: NaN },
 * ];
 * const step = advancePaperManual(initialPaperState({ initialEquity: 1000 }), bars, orders);
 * assert.deepEqual(step.fills.map((f) => [f.ts, f.orderId, f.qty]), [
 *   [60_000, "a", 500 / 11], [60_000, "a", -100], [180_000, "b", -500 / 11], [180_000, "b", 100],
 * ]);
 * assert.equal(step.state.cash, 1000 + (500 / 11) * (12 - 11));
 * ```
 */
export function advancePaperManual(
  state: PaperState,
  bars: PaperBars,
  orders: readonly PaperOrder[],
  options: PaperOptions = {},
): PaperStep {
  checkPaperInput(bars, state);
  const n = bars.ts.length;
  if (state.row >= n) return { state, orders: [], fills: [], marks: [] };
  const book = new PaperBook(state, options);
  const pending = orders
    .filter((o) => state.ts === null || o.decidedTs >= state.ts)
    .slice()
    .sort((a, b) => a.decidedTs - b.decidedTs);
  let r: ReturnType<typeof pairsMeanReversion> | undefined;
  try {
    r = pairsMeanReversion({ y: bars.y, x: bars.x }, options.rule ?? {});
  } catch {
    r = undefined; // too few bars for the rule's windows: the marks carry NaN z and ratio
  }
  const fills: PaperFill[] = [], marks: PaperMark[] = [];
  let next = 0;
  for (let t = state.row; t < n; t++) {
    book.mark(bars, t);
    let due: PaperOrder | undefined;
    while (next < pending.length && pending[next]!.decidedTs < bars.ts[t]!) due = pending[next++];
    const f = due === undefined
      ? book.fill(bars, t, null, null, null) // holding: only costs of holding, if any
      : book.fill(bars, t, due.targetY, due.targetX, due.id);
    const cost = f.cost;
    for (const x of f.fills) fills.push(x);
    if (due !== undefined) {
      book.position = due.action === "open-long" ? 1 : due.action === "open-short" ? -1 : 0;
    }
    marks.push(book.toMark(t, cost, r?.zScore[t] ?? NaN, r?.hedgeRatio[t] ?? NaN));
  }
  return { state: book.state(), orders: [], fills, marks };
}
