/**
 * Real hourly closes for the pairs tests, built exactly as tests/oracles/pairs.py builds them:
 * freqtrade JSON files read with lib/ingest's parser, placed on one full UTC hourly grid from
 * the first to the last candle over the assets (a missing candle is NaN).
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { parseFreqtradeJson } from "@lib/ingest/mod.ts";
import { realPath } from "../_shared/real_data.ts";

const HOUR = 3_600_000;

/** Closes of several assets on one hourly grid. */
export interface GridCloses {
  readonly names: readonly string[];
  readonly firstTs: number;
  readonly length: number;
  /** One close series per name (NaN where a candle is missing). */
  readonly closes: readonly Float64Array[];
}

/** Place the given freqtrade files on one grid. */
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
  const closes = parsed.map((p) => {
    const c = new Float64Array(n).fill(NaN);
    for (let i = 0; i < p.n; i++) c[(p.ts[i]! - first) / HOUR] = p.close[i]!;
    return c;
  });
  return { names, firstTs: first, length: n, closes };
}

/** djienne long-history hourly closes (`BTC`, `ETH`, ...). */
export function djienneCloses(assets: readonly string[]): GridCloses {
  return gridCloses(
    assets.map((a) => realPath("ohlcv", "binance_spot_2017-2022_djienne", `${a}_USDT-1h.json`)),
    assets,
  );
}

/** The NFI 126-asset hourly universe (or its first `limit` files by name). */
export function nfiCloses(limit = Infinity): GridCloses {
  const dir = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort().slice(0, limit);
  return gridCloses(files.map((f) => `${dir}/${f}`), files.map((f) => f.split("_")[0]!));
}

/** Natural logs, NaN kept. */
export function logOf(a: Float64Array): Float64Array {
  return a.map((v) => Math.log(v));
}
