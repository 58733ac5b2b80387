/**
 * The basis of a perpetual future against its spot market, per bar: `(perp - spot) / spot`,
 * from two close series on the same grid (e.g. a `binance_futures` and a `binance` panel
 * column). Positive: the perp trades rich (longs tend to pay funding); negative: cheap. It uses
 * bar `t`'s closes only, so it is known at bar `t`'s close.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Freq } from "../core/freq.ts";
import { readBars } from "../store/bars.ts";

/**
 * `(perp[t] - spot[t]) / spot[t]`; NaN where either is missing (NaN) or spot is not > 0.
 * Cost: O(T).
 *
 * @example
 * ```ts
 * import { basis } from "@lib/panel/basis.ts";
 * import assert from "node:assert/strict";
 * const b = basis(Float64Array.of(101, 99, NaN), Float64Array.of(100, 100, 100));
 * assert.ok(Math.abs(b[0]! - 0.01) < 1e-15 && Math.abs(b[1]! + 0.01) < 1e-15);
 * assert.ok(Number.isNaN(b[2]!));
 * ```
 */
export function basis(perp: ArrayLike<number>, spot: ArrayLike<number>): Float64Array {
  if (perp.length !== spot.length) {
    throw new RangeError(
      `Cannot compute the basis: perp and spot must be on the same grid, got ${perp.length} ` +
        `and ${spot.length} bars (align them first, e.g. with alignToGrid)`,
    );
  }
  const out = new Float64Array(perp.length);
  for (let t = 0; t < perp.length; t++) {
    const p = perp[t]!, s = spot[t]!;
    out[t] = s > 0 && Number.isFinite(p) && Number.isFinite(s) ? (p - s) / s : NaN;
  }
  return out;
}

/** The basis of one symbol as a series: bar open times and the basis at each bar's close. */
export interface BasisSeries {
  readonly symbol: string;
  readonly ts: Float64Array;
  readonly perpClose: Float64Array;
  readonly spotClose: Float64Array;
  readonly basis: Float64Array;
}

/**
 * Load the perp and spot bars of `symbol` from the store and return the basis on the perp's
 * grid (bars the spot series lacks are NaN, never filled from a neighbour).
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { loadBasis } from "@lib/panel/basis.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * for (const [venue, c] of [["binance_futures", 101], ["binance", 100]] as const) {
 *   const b = allocBars({ venue, symbol: "BTCUSDT", freq: "1h" }, 1);
 *   b.ts[0] = Date.UTC(2025, 0, 1); b.open[0] = b.high[0] = b.low[0] = b.close[0] = c; b.volume[0] = 1;
 *   writeBars(db, b, { source: "doc" });
 * }
 * const s = loadBasis(db, { symbol: "BTCUSDT", freq: "1h", perpVenue: "binance_futures", spotVenue: "binance" });
 * assert.ok(Math.abs(s.basis[0]! - 0.01) < 1e-12);
 * ```
 */
export function loadBasis(
  db: DatabaseSync,
  o: {
    readonly symbol: string;
    readonly freq: Freq;
    readonly perpVenue: string;
    readonly spotVenue: string;
    readonly from?: number | undefined;
    readonly to?: number | undefined;
  },
): BasisSeries {
  const window = { from: o.from, to: o.to };
  const perp = readBars(db, { venue: o.perpVenue, symbol: o.symbol, freq: o.freq }, window);
  const spot = readBars(db, { venue: o.spotVenue, symbol: o.symbol, freq: o.freq }, window);
  const spotClose = new Float64Array(perp.ts.length).fill(NaN);
  let j = 0;
  for (let i = 0; i < perp.ts.length; i++) {
    while (j < spot.ts.length && spot.ts[j]! < perp.ts[i]!) j++;
    if (j < spot.ts.length && spot.ts[j] === perp.ts[i]) spotClose[i] = spot.close[j]!;
  }
  return {
    symbol: o.symbol,
    ts: perp.ts,
    perpClose: perp.close,
    spotClose,
    basis: basis(perp.close, spotClose),
  };
}
