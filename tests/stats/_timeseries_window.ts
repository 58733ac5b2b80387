/**
 * The real window the time-series oracle (tests/oracles/timeseries.py) uses: hourly log closes of
 * BTC, ETH, LTC and BNB on one UTC grid, the first N consecutive hours where all four are present.
 *
 * @module
 */
import { loadRealHourlyReturns } from "./_real_returns.ts";

/** Contiguous log-price window shared by the time-series tests. */
export interface LogPriceWindow {
  readonly firstTs: number;
  /** Log closes by asset, length N, all finite. */
  readonly logPrices: Record<string, Float64Array>;
}

export const WINDOW_ASSETS = ["BTC", "ETH", "LTC", "BNB"] as const;

/** Load the first run of `n` hours where every asset has a close. */
export function loadLogPriceWindow(n: number): LogPriceWindow {
  const r = loadRealHourlyReturns(WINDOW_ASSETS);
  let run = 0;
  for (let t = 0; t < r.length; t++) {
    const ok = WINDOW_ASSETS.every((a) => Number.isFinite(r.closes[a]![t]!));
    run = ok ? run + 1 : 0;
    if (run === n) {
      const start = t - n + 1;
      const logPrices: Record<string, Float64Array> = {};
      for (const a of WINDOW_ASSETS) {
        logPrices[a] = r.closes[a]!.slice(start, start + n).map(Math.log);
      }
      return { firstTs: r.firstTs + start * 3_600_000, logPrices };
    }
  }
  throw new Error(`no run of ${n} hours with all of ${WINDOW_ASSETS.join(", ")} present`);
}
