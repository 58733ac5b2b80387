/**
 * Real hourly closes for the pairs tests, built exactly as tests/oracles/pairs.py builds them
 * (see tests/_shared/hourly_grid.ts; the djienne histories come from there too).
 *
 * @module
 */
import { readdirSync } from "node:fs";
import { realPath } from "../_shared/real_data.ts";
import { type GridCloses, gridCloses } from "../_shared/hourly_grid.ts";

export { djienneCloses } from "../_shared/hourly_grid.ts";

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
