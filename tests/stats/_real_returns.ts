/**
 * Hourly closes and log returns of a few real Binance spot assets on one full UTC hourly grid,
 * the same construction as tests/oracles/stats_real.py: the grid runs from the first to the
 * last candle over all assets, a missing candle is NaN, and a return touching a missing close
 * is NaN. The freqtrade files are read with lib/ingest's own parser (parseFreqtradeJson).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { parseFreqtradeJson } from "@lib/ingest/mod.ts";
import { logReturns } from "@lib/panel/mod.ts";
import { realPath } from "../_shared/real_data.ts";

const HOUR = 3_600_000;

/** Closes and log-return columns on a common grid. */
export interface RealReturns {
  readonly firstTs: number;
  /** Strict one-period log returns (NaN across gaps), by asset. */
  readonly columns: Record<string, Float64Array>;
  /** Closes on the grid (NaN where a candle is missing), by asset. */
  readonly closes: Record<string, Float64Array>;
  readonly length: number;
}

/** Load `<asset>_USDT-1h.json` for each asset and build aligned hourly closes and log returns. */
export function loadRealHourlyReturns(assets: readonly string[]): RealReturns {
  const parsed = assets.map((a) => {
    const file = realPath("ohlcv", "binance_spot_2017-2022_djienne", `${a}_USDT-1h.json`);
    const p = parseFreqtradeJson(readFileSync(file, "utf8"));
    if (p.problems.length > 0 || p.n === 0) {
      throw new Error(`${file}: ${p.problems.length} malformed rows, ${p.n} parsed`);
    }
    return p;
  });
  let first = Infinity, last = -Infinity;
  for (const p of parsed) {
    first = Math.min(first, p.ts[0]!);
    last = Math.max(last, p.ts[p.n - 1]!);
  }
  const n = (last - first) / HOUR + 1;
  const columns: Record<string, Float64Array> = {};
  const closes: Record<string, Float64Array> = {};
  parsed.forEach((p, k) => {
    const close = new Float64Array(n).fill(NaN);
    for (let i = 0; i < p.n; i++) close[(p.ts[i]! - first) / HOUR] = p.close[i]!;
    closes[assets[k]!] = close;
    columns[assets[k]!] = logReturns(close);
  });
  return { firstTs: first, columns, closes, length: n };
}
