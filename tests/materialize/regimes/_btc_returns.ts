/**
 * The series tests/oracles/regimes.py uses: NFI BTC/USDT hourly closes, percent log returns of
 * consecutive candles one hour apart (the file's 6 gaps dropped).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { parseFreqtradeJson } from "@lib/ingest/mod.ts";
import { realPath } from "../../_shared/real_data.ts";

/** Percent log returns (100 x log(c[i+1] / c[i])) and the oracle JSON. */
export function btcPercentReturns(): Float64Array {
  const p = parseFreqtradeJson(
    readFileSync(
      realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h", "BTC_USDT-1h.json"),
      "utf8",
    ),
  );
  const out: number[] = [];
  for (let i = 1; i < p.n; i++) {
    if (p.ts[i]! - p.ts[i - 1]! === 3_600_000) {
      out.push(100 * Math.log(p.close[i]! / p.close[i - 1]!));
    }
  }
  return Float64Array.from(out);
}

/** tests/oracles/regimes.json (statsmodels 0.13.5, pandas, numpy). */
// deno-lint-ignore no-explicit-any
export const ORACLE: any = JSON.parse(
  Deno.readTextFileSync(new URL("../../oracles/regimes.json", import.meta.url)),
);
