/**
 * A paper book's live mark between bar closes, and its round trips from its fills.
 *
 * @module
 */
import type { PaperFill, PaperState } from "./paper_types.ts";

/** What {@link markPaper} returns. */
export interface PaperLiveMark {
  /** Cash + units x the given prices (quote currency). */
  readonly equity: number;
  /** Value of the legs held, y and x (signed, quote). */
  readonly valueY: number;
  readonly valueX: number;
  /** `equity - state.equity`: the change since the last bar's mark. */
  readonly sinceLastBar: number;
}

/**
 * Mark a paper book to the latest trade prices between bar closes (what the page shows live).
 * A non-finite or missing price keeps the leg at its last bar close.
 *
 * @example
 * ```ts
 * import { initialPaperState, markPaper } from "@lib/monitor/mod.ts";
 * import assert from "node:assert/strict";
 * const s = { ...initialPaperState({ initialEquity: 1000 }), cash: 500, unitsY: 10, priceY: 50, priceX: 20, equity: 1000 };
 * assert.equal(markPaper(s, 51, NaN).equity, 1010);
 * ```
 */
export function markPaper(state: PaperState, priceY: number, priceX: number): PaperLiveMark {
  const py = Number.isFinite(priceY) && priceY > 0 ? priceY : state.priceY;
  const px = Number.isFinite(priceX) && priceX > 0 ? priceX : state.priceX;
  const valueY = state.unitsY === 0 ? 0 : state.unitsY * py;
  const valueX = state.unitsX === 0 ? 0 : state.unitsX * px;
  const equity = state.cash + valueY + valueX;
  return { equity, valueY, valueX, sinceLastBar: equity - state.equity };
}

/** One round trip of a paper book. */
export interface PaperTrade {
  /** Fill time of the opening fill (bar open time of the bar whose close filled it). */
  readonly entryTs: number;
  /** Fill time of the closing fill; null while open. */
  readonly exitTs: number | null;
  /**
   * Sign of the first leg held after the opening fill, y then x (the backtest trade log's
   * convention): long the spread when y is bought; when y had no bar at that close, x's sign.
   */
  readonly side: "long" | "short";
  /** Units of y and x right after the opening fill. */
  readonly unitsY: number;
  readonly unitsX: number;
  /** Volume-weighted price of the opening units of each leg (the entry fills' prices). */
  readonly entryPriceY: number;
  readonly entryPriceX: number;
  /** Prices of the closing fills (the marks given for an open trade). */
  readonly exitPriceY: number;
  readonly exitPriceX: number;
  /** Costs paid over the trade (entry, rebalancing and exit fills), quote. */
  readonly cost: number;
  /** Net P&L in quote: the cash flows of its fills, plus the marked value while open. */
  readonly netPnl: number;
  readonly open: boolean;
}

/**
 * Cut a book's fills (oldest first) into round trips: a trade opens at the fill that takes the
 * book from no units to some and closes at the fill that brings both legs back to 0. Rebalancing
 * fills in between belong to the trade. An open trade is marked at `markY`/`markX`.
 *
 * @example
 * ```ts
 * import { paperTrades } from "@lib/monitor/paper_trades.ts";
 * import assert from "node:assert/strict";
 * const f = (ts: number, leg: 0 | 1, qty: number, price: number) =>
 *   ({ ts, row: ts, leg, qty, price, tradedWeight: 0, cost: 1, costs: { fees: 1 }, orderId: null });
 * const trades = paperTrades([f(1, 0, 2, 10), f(1, 1, -4, 5), f(5, 0, -2, 12), f(5, 1, 4, 5)], NaN, NaN);
 * assert.equal(trades.length, 1);
 * assert.equal(trades[0]!.netPnl, 2 * (12 - 10) - 4);
 * assert.equal(trades[0]!.side, "long");
 * ```
 */
export function paperTrades(
  fills: readonly PaperFill[],
  markY: number,
  markX: number,
): PaperTrade[] {
  const out: PaperTrade[] = [];
  const eps = 1e-12;
  let units = [0, 0];
  let cur: {
    entryTs: number;
    unitsY: number;
    unitsX: number;
    entryPriceY: number;
    entryPriceX: number;
    cash: number;
    cost: number;
    lastPrice: [number, number];
  } | undefined;
  let i = 0;
  while (i < fills.length) {
    const ts = fills[i]!.ts;
    const group: PaperFill[] = [];
    while (i < fills.length && fills[i]!.ts === ts) group.push(fills[i++]!);
    const before = units.slice();
    for (const f of group) units[f.leg] = units[f.leg]! + f.qty;
    units = units.map((u, a) => (Math.abs(u) <= eps * Math.abs(before[a]! || 1) ? 0 : u));
    const flatBefore = before[0] === 0 && before[1] === 0;
    const flatAfter = units[0] === 0 && units[1] === 0;
    if (flatBefore && flatAfter) continue;
    if (flatBefore) {
      const py = group.find((f) => f.leg === 0)?.price ?? NaN;
      const px = group.find((f) => f.leg === 1)?.price ?? NaN;
      cur = {
        entryTs: ts,
        unitsY: units[0]!,
        unitsX: units[1]!,
        entryPriceY: py,
        entryPriceX: px,
        cash: 0,
        cost: 0,
        lastPrice: [py, px],
      };
    }
    for (const f of group) {
      cur!.cash -= f.qty * f.price + f.cost;
      cur!.cost += f.cost;
      cur!.lastPrice[f.leg] = f.price;
    }
    if (flatAfter) {
      const c = cur!;
      out.push({
        entryTs: c.entryTs,
        exitTs: ts,
        side: (c.unitsY !== 0 ? c.unitsY : c.unitsX) > 0 ? "long" : "short",
        unitsY: c.unitsY,
        unitsX: c.unitsX,
        entryPriceY: c.entryPriceY,
        entryPriceX: c.entryPriceX,
        exitPriceY: c.lastPrice[0],
        exitPriceX: c.lastPrice[1],
        cost: c.cost,
        netPnl: c.cash,
        open: false,
      });
      cur = undefined;
    }
  }
  if (cur !== undefined) {
    const py = Number.isFinite(markY) ? markY : cur.lastPrice[0];
    const px = Number.isFinite(markX) ? markX : cur.lastPrice[1];
    const value = (units[0] === 0 ? 0 : units[0]! * py) + (units[1] === 0 ? 0 : units[1]! * px);
    out.push({
      entryTs: cur.entryTs,
      exitTs: null,
      side: (cur.unitsY !== 0 ? cur.unitsY : cur.unitsX) > 0 ? "long" : "short",
      unitsY: cur.unitsY,
      unitsX: cur.unitsX,
      entryPriceY: cur.entryPriceY,
      entryPriceX: cur.entryPriceX,
      exitPriceY: py,
      exitPriceX: px,
      cost: cur.cost,
      netPnl: cur.cash + value,
      open: true,
    });
  }
  return out;
}
