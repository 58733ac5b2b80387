/**
 * The 126-pair NFI hourly universe as asset-major panels of closes, volumes and the simple
 * signals the cross-section oracle uses, built exactly as tests/oracles/cross_section.py builds
 * them: files in name order, parsed with lib/ingest's parseFreqtradeJson (JSON.parse rounds
 * decimals correctly, like Python's json.load), placed on the complete hourly grid from the first
 * to the last candle of the universe (a missing candle is NaN; tests/_shared/hourly_grid.ts).
 *
 * Files are read on the first call (inside a realDataTest body), then cached.
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gridCloses } from "../_shared/hourly_grid.ts";
import { realPath } from "../_shared/real_data.ts";

/** Asset-major panels `[asset][t]` on one grid. */
export interface NfiSignals {
  readonly assets: readonly string[];
  readonly firstTs: number;
  readonly length: number;
  readonly close: Float64Array[];
  readonly volume: Float64Array[];
  /** `ln(close[t] / close[t-1])`, NaN across gaps. */
  readonly rev1: Float64Array[];
  /** `ln(close[t] / close[t-24])`. */
  readonly mom24: Float64Array[];
  /** `ln(close[t] / close[t-168])`. */
  readonly mom168: Float64Array[];
  /** `ln(sum close*volume over t-23..t)`, NaN if a bar is missing or the sum is 0. */
  readonly dv24: Float64Array[];
  /** `mom24[t-24]`. */
  readonly mom24l: Float64Array[];
}

let cached: NfiSignals | undefined;

/** Load (once) the NFI closes, volumes and derived signals. */
export function loadNfiSignals(): NfiSignals {
  if (cached) return cached;
  const dir = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  const assets = files.map((f) => f.split("-")[0]!.replace("_", ""));
  const grid = gridCloses(files.map((f) => join(dir, f)), assets);
  const n = grid.length;
  const close = [...grid.closes], volume = [...grid.volumes];
  const lagLog = (lag: number) =>
    close.map((c) => {
      const out = new Float64Array(n).fill(NaN);
      for (let t = lag; t < n; t++) out[t] = Math.log(c[t]! / c[t - lag]!);
      return out;
    });
  const mom24 = lagLog(24);
  const dv24 = close.map((c, a) => {
    const v = volume[a]!;
    const out = new Float64Array(n).fill(NaN);
    for (let t = 23; t < n; t++) {
      let s = 0;
      for (let i = t - 23; i <= t; i++) s += c[i]! * v[i]!;
      const l = Math.log(s);
      out[t] = Number.isFinite(l) ? l : NaN;
    }
    return out;
  });
  const mom24l = mom24.map((m) => {
    const out = new Float64Array(n).fill(NaN);
    out.set(m.subarray(0, n - 24), 24);
    return out;
  });
  cached = {
    assets,
    firstTs: grid.firstTs,
    length: n,
    close,
    volume,
    rev1: lagLog(1),
    mom24,
    mom168: lagLog(168),
    dv24,
    mom24l,
  };
  return cached;
}

/** The oracle file written by tests/oracles/cross_section.py. */
export interface CrossSectionOracle {
  oracle: string;
  assets: string[];
  gridStart: number;
  gridLength: number;
  samples: {
    row: number;
    winsorize: (number | null)[];
    zscore: (number | null)[];
    neutralize: (number | null)[];
    orthogonalize: (number | null)[][];
  }[];
  aggregates: Record<"winsorize" | "zscore" | "neutralize", Aggregate> & {
    orthogonalize: Aggregate[];
  };
  orthogonalize: {
    periods: number;
    before: number[][];
    after: number[][];
    averageAbsCorrelationBefore: number;
    averageAbsCorrelationAfter: number;
  };
  forward: Record<string, {
    strict: Aggregate;
    fromCloses: Aggregate;
    fromClosesOnly: number;
    samples: { row: number; strict: (number | null)[]; fromCloses: (number | null)[] }[];
  }>;
}

/** Count, sum of |v| and sum of v^2 over the finite values of a panel. */
export interface Aggregate {
  count: number;
  sumAbs: number;
  sumSq: number;
}

/** Read tests/oracles/cross_section.json. */
export function readCrossSectionOracle(): CrossSectionOracle {
  return JSON.parse(
    readFileSync(new URL("../oracles/cross_section.json", import.meta.url), "utf8"),
  ) as CrossSectionOracle;
}

/** The same three numbers for our panel. */
export function aggregate(panel: readonly Float64Array[]): Aggregate {
  let count = 0, sumAbs = 0, sumSq = 0;
  for (const s of panel) {
    for (const v of s) {
      if (Number.isFinite(v)) {
        count++;
        sumAbs += Math.abs(v);
        sumSq += v * v;
      }
    }
  }
  return { count, sumAbs, sumSq };
}

/** The cross-section at t of an asset-major panel, as a new array. */
export function crossSection(panel: readonly Float64Array[], t: number): Float64Array {
  return Float64Array.from(panel, (s) => s[t]!);
}
