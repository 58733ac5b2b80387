/**
 * Real hourly closes and volumes placed on one full UTC hourly grid, the construction the Python
 * oracles use (tests/oracles/stats_real.py, pairs.py, cross_section.py): freqtrade JSON files read with lib/ingest's own
 * parser (parseFreqtradeJson), a grid from the first to the last candle over all the files, NaN
 * where a candle is missing.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { parseFreqtradeJson } from "@lib/ingest/mod.ts";
import { realPath } from "./real_data.ts";

const HOUR = 3_600_000;

/** Closes of several assets on one hourly grid. */
export interface GridCloses {
  readonly names: readonly string[];
  readonly firstTs: number;
  readonly length: number;
  /** One close series per name (NaN where a candle is missing). */
  readonly closes: readonly Float64Array[];
  /** One volume series per name (NaN where a candle is missing). */
  readonly volumes: readonly Float64Array[];
}

/** Place the given freqtrade files (one per name) on one grid; throws on a malformed file. */
export function gridCloses(files: readonly string[], names: readonly string[]): GridCloses {
  const parsed = files.map((file) => {
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
  const closes: Float64Array[] = [], volumes: Float64Array[] = [];
  for (const p of parsed) {
    const c = new Float64Array(n).fill(NaN), v = new Float64Array(n).fill(NaN);
    for (let i = 0; i < p.n; i++) {
      const t = (p.ts[i]! - first) / HOUR;
      c[t] = p.close[i]!;
      v[t] = p.volume[i]!;
    }
    closes.push(c);
    volumes.push(v);
  }
  return { names, firstTs: first, length: n, closes, volumes };
}

/** djienne long-history hourly closes (`BTC`, `ETH`, ...: `<asset>_USDT-1h.json`). */
export function djienneCloses(assets: readonly string[]): GridCloses {
  return gridCloses(
    assets.map((a) => realPath("ohlcv", "binance_spot_2017-2022_djienne", `${a}_USDT-1h.json`)),
    assets,
  );
}
