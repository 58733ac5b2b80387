/**
 * Hourly log returns of a few real Binance spot assets on one full UTC hourly grid, the same
 * construction as tests/oracles/stats_real.py: the grid runs from the first to the last candle
 * over all assets, a missing candle is NaN, and a return touching a missing close is NaN.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { realPath } from "../_shared/real_data.ts";

const HOUR = 3_600_000;

/** Log-return columns on a common grid. */
export interface RealReturns {
  readonly firstTs: number;
  readonly columns: Record<string, Float64Array>;
  readonly length: number;
}

/** Load `<asset>_USDT-1h.json` for each asset and build aligned hourly log returns. */
export function loadRealHourlyReturns(assets: readonly string[]): RealReturns {
  const raw = assets.map((a) => {
    const file = realPath("ohlcv", "binance_spot_2017-2022_djienne", `${a}_USDT-1h.json`);
    return JSON.parse(readFileSync(file, "utf8")) as number[][];
  });
  let first = Infinity, last = -Infinity;
  for (const rows of raw) {
    first = Math.min(first, rows[0]![0]!);
    last = Math.max(last, rows[rows.length - 1]![0]!);
  }
  const n = (last - first) / HOUR + 1;
  const columns: Record<string, Float64Array> = {};
  raw.forEach((rows, k) => {
    const close = new Float64Array(n).fill(NaN);
    for (const r of rows) close[(r[0]! - first) / HOUR] = r[4]!;
    const ret = new Float64Array(n).fill(NaN);
    for (let i = 1; i < n; i++) ret[i] = Math.log(close[i]!) - Math.log(close[i - 1]!);
    columns[assets[k]!] = ret;
  });
  return { firstTs: first, columns, length: n };
}
