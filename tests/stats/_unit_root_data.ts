/**
 * The real log-price inputs of tests/oracles/unit_root.py, rebuilt the same way: a "series" is
 * log(close) of consecutive candle rows [offset, offset + length) of one freqtrade file (or its
 * log returns); a "pair" is the inner join on open time of y and every x, then the same slice.
 * Files are read with lib/ingest's own parser.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { parseFreqtradeJson } from "@lib/ingest/mod.ts";
import { realPath } from "../_shared/real_data.ts";

export interface SeriesSpec {
  name: string;
  source: "djienne" | "nfi";
  asset: string;
  freq: string;
  offset: number;
  length: number;
  diff?: boolean;
}

export interface PairSpec {
  name: string;
  source: "djienne" | "nfi";
  y: string;
  x: string[];
  offset: number;
  length: number;
}

function file(source: string, asset: string, freq: string): string {
  return source === "djienne"
    ? realPath("ohlcv", "binance_spot_2017-2022_djienne", `${asset}_USDT-${freq}.json`)
    : realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h", `${asset}_USDT-1h.json`);
}

const cache = new Map<string, { ts: Float64Array; close: Float64Array }>();

function candles(source: string, asset: string, freq: string) {
  const f = file(source, asset, freq);
  let c = cache.get(f);
  if (!c) {
    const p = parseFreqtradeJson(readFileSync(f, "utf8"));
    if (p.problems.length > 0) throw new Error(`${f}: ${p.problems.length} malformed rows`);
    c = { ts: p.ts, close: p.close };
    cache.set(f, c);
  }
  return c;
}

/** The oracle's series: log closes (or log returns with `diff`). */
export function loadSeries(spec: SeriesSpec): Float64Array {
  const { close } = candles(spec.source, spec.asset, spec.freq);
  const x = close.slice(spec.offset, spec.offset + spec.length).map(Math.log);
  if (x.length !== spec.length) throw new Error(`${spec.name}: ${x.length} rows`);
  if (!spec.diff) return x;
  return x.slice(1).map((v, i) => v - x[i]!);
}

/** The oracle's pair: log closes of y and each x on the rows where all exist. */
export function loadPair(spec: PairSpec): { y: Float64Array; xs: Float64Array[] } {
  const ys = candles(spec.source, spec.y, "1h");
  const maps = spec.x.map((a) => {
    const c = candles(spec.source, a, "1h");
    const m = new Map<number, number>();
    for (let i = 0; i < c.ts.length; i++) m.set(c.ts[i]!, c.close[i]!);
    return m;
  });
  const y: number[] = [];
  const xs: number[][] = spec.x.map(() => []);
  for (let i = 0; i < ys.ts.length; i++) {
    const t = ys.ts[i]!;
    if (!maps.every((m) => m.has(t))) continue;
    y.push(ys.close[i]!);
    maps.forEach((m, j) => xs[j]!.push(m.get(t)!));
  }
  const cut = (a: number[]) =>
    Float64Array.from(a.slice(spec.offset, spec.offset + spec.length), Math.log);
  const out = { y: cut(y), xs: xs.map(cut) };
  if (out.y.length !== spec.length) throw new Error(`${spec.name}: ${out.y.length} rows`);
  return out;
}
