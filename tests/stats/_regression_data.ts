/**
 * Shared by the regression tests: the oracle written by tests/oracles/regression.py and the same
 * real series it used (SOL on BTC and ETH hourly log returns, Binance spot, one full UTC grid).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { loadRealHourlyReturns, type RealReturns } from "./_real_returns.ts";

const HOUR = 3_600_000;

// deno-lint-ignore no-explicit-any
export const oracle: any = JSON.parse(
  readFileSync(new URL("../oracles/regression.json", import.meta.url), "utf8"),
);

let cached: RealReturns | null = null;
function real(): RealReturns {
  cached ??= loadRealHourlyReturns(["BTC", "ETH", "SOL"]);
  return cached;
}

/** Grid rows [firstTs, firstTs + length hours): y = SOL, xs = [BTC, ETH] (copies, NaN kept). */
export function segment(firstTs: number, length: number) {
  const r = real();
  const lo = (firstTs - r.firstTs) / HOUR;
  const cut = (a: string) => r.columns[a]!.slice(lo, lo + length);
  return { y: cut("SOL"), xs: [cut("BTC"), cut("ETH")] };
}

/** The first `n` grid rows from `firstTs` on where SOL, BTC and ETH are all finite. */
export function completeRows(firstTs: number, n: number) {
  const r = real();
  const y = new Float64Array(n), b = new Float64Array(n), e = new Float64Array(n);
  let m = 0;
  for (let t = (firstTs - r.firstTs) / HOUR; t < r.length && m < n; t++) {
    const s = r.columns.SOL![t]!, bt = r.columns.BTC![t]!, et = r.columns.ETH![t]!;
    if (Number.isFinite(s) && Number.isFinite(bt) && Number.isFinite(et)) {
      y[m] = s;
      b[m] = bt;
      e[m] = et;
      m++;
    }
  }
  if (m < n) throw new Error(`only ${m} complete rows from ${firstTs}, wanted ${n}`);
  return { y, xs: [b, e] };
}

/** Assert |actual - expected| <= rel |expected| + abs. */
export function near(actual: number, expected: number, rel: number, abs: number, what: string) {
  if (!(Math.abs(actual - expected) <= rel * Math.abs(expected) + abs)) {
    throw new Error(`${what}: ${actual} vs oracle ${expected} (rel ${rel}, abs ${abs})`);
  }
}
