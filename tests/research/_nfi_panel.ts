/**
 * The 126-asset NFI hourly universe (Binance spot, 2020-12-01 -> 2021-07-17) as a Panel, built
 * directly from the freqtrade JSON files with the product's parser (parseFreqtradeJson) and
 * fromColumns: ~1 s instead of a store import, and the same construction as
 * tests/oracles/signals.py (full hourly grid from the first to the last bar over all assets,
 * missing bar = NaN, symbol = file name without "_" and "-1h.json": AAVE_USDT-1h.json ->
 * AAVEUSDT). Read lazily, inside a realDataTest body.
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseFreqtradeJson } from "@lib/ingest/mod.ts";
import { fromColumns } from "@lib/panel/from_columns.ts";
import type { Panel } from "@lib/panel/types.ts";
import { realPath } from "../_shared/real_data.ts";

const HOUR = 3_600_000;

let cached: Panel | undefined;

/** The NFI hourly panel (memoized per test process). */
export function nfiPanel(): Panel {
  if (cached !== undefined) return cached;
  const dir = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  const parsed = files.map((f) => {
    const p = parseFreqtradeJson(readFileSync(join(dir, f), "utf8"));
    if (p.problems.length > 0 || p.n === 0) {
      throw new Error(`${f}: ${p.problems.length} malformed rows, ${p.n} parsed`);
    }
    return p;
  });
  let first = Infinity, last = -Infinity;
  for (const p of parsed) {
    first = Math.min(first, p.ts[0]!);
    last = Math.max(last, p.ts[p.n - 1]!);
  }
  const T = (last - first) / HOUR + 1;
  const index = Float64Array.from({ length: T }, (_, i) => first + i * HOUR);
  const place = (pick: (p: (typeof parsed)[number]) => Float64Array) =>
    parsed.map((p) => {
      const col = new Float64Array(T).fill(NaN);
      const src = pick(p);
      for (let i = 0; i < p.n; i++) col[(p.ts[i]! - first) / HOUR] = src[i]!;
      return col;
    });
  cached = fromColumns({
    freq: "1h",
    venue: "binance",
    assets: files.map((f) => f.split("-")[0]!.replace("_", "")),
    index,
    open: place((p) => p.open),
    high: place((p) => p.high),
    low: place((p) => p.low),
    close: place((p) => p.close),
    volume: place((p) => p.volume),
  });
  return cached;
}
