/**
 * Stored open interest and liquidations as features on a panel's grid, without lookahead:
 * a bar's value uses only rows stamped before the bar's end (its close), like funding
 * (`loadFundingOnGrid`). For event definitions (open-interest shocks, liquidation cascades)
 * and research.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs } from "../core/freq.ts";
import { type OpenInterestPeriod, readOpenInterest } from "../store/perp_open_interest.ts";
import { readLiquidations } from "../store/perp_liquidations.ts";
import { fundingKnownAt } from "./funding_on_grid.ts";

/** A panel's grid: venue, assets, bar open times and frequency. */
export interface PerpGrid {
  readonly venue: string;
  readonly assets: readonly string[];
  readonly index: ArrayLike<number>;
  readonly freq: Freq;
}

function gridEnd(g: PerpGrid): number {
  const n = g.index.length;
  return n > 0 ? g.index[n - 1]! + freqMs(g.freq) : 0;
}

/**
 * Per asset, the last open-interest observation (contracts) stamped before each bar's end;
 * NaN before the first one (and for an asset with none stored). Observations from before the
 * grid carry in. Cost: one indexed read per asset, O(T + rows).
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeOpenInterest } from "@lib/store/perp_open_interest.ts";
 * import { loadOpenInterestOnGrid } from "@lib/panel/load_perp_series.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const H = 3_600_000, t0 = Date.UTC(2025, 0, 1);
 * writeOpenInterest(db, [{ ts: t0 + H, openInterest: 10 }], { venue: "v", symbol: "S", period: "1h", source: "doc" });
 * const oi = loadOpenInterestOnGrid(db, { venue: "v", assets: ["S"], index: [t0, t0 + H], freq: "1h" }, "1h");
 * assert.ok(Number.isNaN(oi[0]![0]!));
 * assert.equal(oi[0]![1], 10);
 * ```
 */
export function loadOpenInterestOnGrid(
  db: DatabaseSync,
  grid: PerpGrid,
  period: OpenInterestPeriod,
): Float64Array[] {
  const end = gridEnd(grid);
  return grid.assets.map((symbol) => {
    const o = readOpenInterest(db, { venue: grid.venue, symbol, period }, { to: end });
    return fundingKnownAt(grid.index, o.ts, o.openInterest, { end });
  });
}

/** Liquidated notional per bar and side, per asset (see {@link loadLiquidationsOnGrid}). */
export interface LiquidationsOnGrid {
  /** Notional (price x filled quantity) of `sell` liquidations (longs closed), per bar. */
  readonly longsLiquidated: readonly Float64Array[];
  /** Notional of `buy` liquidations (shorts closed), per bar. */
  readonly shortsLiquidated: readonly Float64Array[];
  /** Orders per bar. */
  readonly orders: readonly Float64Array[];
}

/**
 * Per asset and bar, the notional of the stored liquidation orders whose trade time falls in
 * the bar (`open <= ts < end`), split by side: a `sell` liquidation closes a long, a `buy` one
 * a short. Known at the bar's close. The stream is a sample (Binance pushes at most one order
 * per symbol per second), so read these as a lower bound. Cost: one indexed read per asset,
 * O(T + orders).
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeLiquidations } from "@lib/store/perp_liquidations.ts";
 * import { loadLiquidationsOnGrid } from "@lib/panel/load_perp_series.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const H = 3_600_000, t0 = Date.UTC(2025, 0, 1);
 * const o = { symbol: "S", ts: t0 + H + 5, side: "sell" as const, orderType: "LIMIT", timeInForce: "IOC",
 *   price: 100, avgPrice: 100, qty: 2, lastFilledQty: 2, filledQty: 2, status: "FILLED", eventTime: t0 + H + 6 };
 * writeLiquidations(db, [o], { venue: "v", source: "doc" });
 * const l = loadLiquidationsOnGrid(db, { venue: "v", assets: ["S"], index: [t0, t0 + H], freq: "1h" });
 * assert.deepEqual([...l.longsLiquidated[0]!], [0, 200]);
 * assert.deepEqual([...l.shortsLiquidated[0]!], [0, 0]);
 * ```
 */
export function loadLiquidationsOnGrid(db: DatabaseSync, grid: PerpGrid): LiquidationsOnGrid {
  const n = grid.index.length;
  const end = gridEnd(grid);
  const from = n > 0 ? grid.index[0]! : 0;
  const longs: Float64Array[] = [], shorts: Float64Array[] = [], orders: Float64Array[] = [];
  for (const symbol of grid.assets) {
    const L = new Float64Array(n), S = new Float64Array(n), C = new Float64Array(n);
    let t = 0;
    for (const r of readLiquidations(db, grid.venue, symbol, { from, to: end })) {
      while (t + 1 < n && grid.index[t + 1]! <= r.ts) t++;
      const notional = r.price * r.filledQty;
      if (r.side === "sell") L[t] = L[t]! + notional;
      else S[t] = S[t]! + notional;
      C[t] = C[t]! + 1;
    }
    longs.push(L);
    shorts.push(S);
    orders.push(C);
  }
  return { longsLiquidated: longs, shortsLiquidated: shorts, orders };
}
