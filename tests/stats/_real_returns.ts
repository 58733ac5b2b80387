/**
 * Hourly closes and log returns of a few real Binance spot assets on one full UTC hourly grid,
 * the same construction as tests/oracles/stats_real.py: the grid runs from the first to the
 * last candle over all assets, a missing candle is NaN, and a return touching a missing close
 * is NaN (the grid is tests/_shared/hourly_grid.ts's).
 *
 * @module
 */
import { logReturns } from "@lib/panel/mod.ts";
import { djienneCloses } from "../_shared/hourly_grid.ts";

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
  const grid = djienneCloses(assets);
  const columns: Record<string, Float64Array> = {};
  const closes: Record<string, Float64Array> = {};
  grid.closes.forEach((close, k) => {
    closes[assets[k]!] = close;
    columns[assets[k]!] = logReturns(close);
  });
  return { firstTs: grid.firstTs, columns, closes, length: grid.length };
}
