/**
 * Helpers for simulation tests: put a simulated series back on the full time grid.
 *
 * @module
 */
import type { SimMarket } from "@lib/sim/mod.ts";
import { inverse, Matrix } from "ml-matrix";

/** Close prices of `symbol` on the truth grid, NaN where the bar is missing (a gap). */
export function closeOnGrid(m: SimMarket, symbol: string): Float64Array {
  const b = m.bars[m.symbols.indexOf(symbol)]!;
  const ts = m.truth.ts, step = ts[1]! - ts[0]!;
  const out = new Float64Array(ts.length).fill(NaN);
  for (let i = 0; i < b.ts.length; i++) out[(b.ts[i]! - ts[0]!) / step] = b.close[i]!;
  return out;
}

/** Log returns close-to-close on the grid; NaN when either close is missing; r[0] is NaN. */
export function logReturnsOnGrid(m: SimMarket, symbol: string): Float64Array {
  const c = closeOnGrid(m, symbol);
  const r = new Float64Array(c.length).fill(NaN);
  for (let t = 1; t < c.length; t++) r[t] = Math.log(c[t]!) - Math.log(c[t - 1]!);
  return r;
}

/**
 * OLS of `y` on `[1, x1, x2]` over rows where all three are finite, via ml-matrix (a maintained
 * linear-algebra library): coefficients, their standard errors and the residual variance.
 */
export function ols2(y: Float64Array, x1: Float64Array, x2: Float64Array) {
  // accumulate X'X and X'y in one pass (no 43k-row matrix); ml-matrix inverts the 3x3
  const xtx = [[0, 0, 0], [0, 0, 0], [0, 0, 0]], xty = [0, 0, 0];
  let n = 0;
  for (let t = 0; t < y.length; t++) {
    const row = [1, x1[t]!, x2[t]!];
    if (!Number.isFinite(y[t]!) || !Number.isFinite(row[1]!) || !Number.isFinite(row[2]!)) continue;
    n++;
    for (let i = 0; i < 3; i++) {
      xty[i]! += row[i]! * y[t]!;
      for (let j = 0; j < 3; j++) xtx[i]![j]! += row[i]! * row[j]!;
    }
  }
  const inv = inverse(new Matrix(xtx));
  const coef = [0, 1, 2].map((i) => [0, 1, 2].reduce((s, j) => s + inv.get(i, j) * xty[j]!, 0));
  let rss = 0;
  for (let t = 0; t < y.length; t++) {
    if (!Number.isFinite(y[t]!) || !Number.isFinite(x1[t]!) || !Number.isFinite(x2[t]!)) continue;
    const e = y[t]! - coef[0]! - coef[1]! * x1[t]! - coef[2]! * x2[t]!;
    rss += e * e;
  }
  const s2 = rss / (n - 3);
  return { coef, se: [0, 1, 2].map((i) => Math.sqrt(s2 * inv.get(i, i))), n };
}
