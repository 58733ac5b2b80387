/**
 * Inputs and reference values for the risk-model tests: hourly log returns of the 126-pair NFI
 * universe built as tests/oracles/risk_models.py builds them (files in name order, closes on
 * the complete hourly grid via tests/_shared/hourly_grid.ts, `r_t = ln c_t - ln c_{t-1}`, NaN
 * across a gap), and the oracle file it wrote. Files are read on the first call (inside a
 * realDataTest body), then cached.
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { gridCloses } from "../_shared/hourly_grid.ts";
import { realPath } from "../_shared/real_data.ts";

/** Hourly log returns, asset-major, by symbol. */
export interface NfiReturns {
  readonly assets: readonly string[];
  readonly length: number;
  readonly bySymbol: ReadonlyMap<string, Float64Array>;
  readonly columns: readonly Float64Array[];
}

let cached: NfiReturns | undefined;

/** Load (once) the 126 NFI hourly log-return columns. */
export function nfiReturns(): NfiReturns {
  if (cached) return cached;
  const dir = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  const assets = files.map((f) => f.split("-")[0]!.replace("_", ""));
  const grid = gridCloses(files.map((f) => join(dir, f)), assets);
  const columns = grid.closes.map((c) => {
    const out = new Float64Array(grid.length).fill(NaN);
    for (let t = 1; t < grid.length; t++) out[t] = Math.log(c[t]!) - Math.log(c[t - 1]!);
    return out;
  });
  cached = {
    assets,
    length: grid.length,
    bySymbol: new Map(assets.map((a, i) => [a, columns[i]!])),
    columns,
  };
  return cached;
}

/** The columns of the given symbols, in that order. */
export function pick(symbols: readonly string[]): Float64Array[] {
  const r = nfiReturns();
  return symbols.map((s) => {
    const col = r.bySymbol.get(s);
    if (col === undefined) throw new Error(`no returns for ${s}`);
    return col;
  });
}

type Cell = number | null;
/** A matrix as written by the oracle (null = NaN). */
export type OracleMatrix = Cell[][];
/** Count, sum, sum of |v| and of v^2 over the finite entries. */
export interface Aggregate {
  count: number;
  sum: number;
  sumAbs: number;
  sumSq: number;
}

interface ShrinkageCase {
  nobs: number;
  ledoitWolf: { shrinkage: number; covariance: OracleMatrix };
  oas: { shrinkage: number; covariance: OracleMatrix };
  constantCorrelation: {
    shrinkage: number;
    averageCorrelation: number;
    covariance: OracleMatrix;
  };
}

/** One EWMA specification: our options, and pandas' matrices at `rows`. */
export interface EwmaCase {
  name: string;
  options: Record<string, number | boolean>;
  rows: number[];
  path: OracleMatrix[];
}

interface Sampled {
  aggregate: Aggregate;
  cells: Cell[];
}

/** tests/oracles/risk_models.json. */
export interface RiskOracle {
  oracle: string;
  gridStart: number;
  gridLength: number;
  cases:
    & Record<"majors" | "nan", {
      assets: string[];
      sampleCovariance: OracleMatrix;
      sampleCovarianceDdof0?: OracleMatrix;
      assumeCentered?: {
        ledoitWolf: OracleMatrix;
        ledoitWolfShrinkage: number;
        oas: OracleMatrix;
        oasShrinkage: number;
      };
      shrinkage: ShrinkageCase;
      ewma: EwmaCase[];
    }>
    & {
      window: { assets: string[]; start: number; stop: number; ewma: EwmaCase[] };
    };
  all: {
    assets: string[];
    cells: [number, number][];
    nobs: number;
    sampleCovariance: Sampled;
    ewmaHalfLife168: Sampled;
    ledoitWolf: Sampled & { shrinkage: number };
    oas: Sampled & { shrinkage: number };
    constantCorrelation: Sampled & { shrinkage: number; averageCorrelation: number };
    pairwiseCorrelationMinEigenvalue: number;
    nearestCorrelation: Sampled & { iterations: number; minEigenvalueOfPsdIterate: number };
  };
  nearestCorrelation: Record<string, {
    input: number[][];
    weights: number[] | null;
    inputMinEigenvalue: number;
    nearest: number[][];
    iterations: number;
  }>;
}

let oracle: RiskOracle | undefined;

/** Read tests/oracles/risk_models.json (once). */
export function riskOracle(): RiskOracle {
  oracle ??= JSON.parse(
    readFileSync(new URL("../oracles/risk_models.json", import.meta.url), "utf8"),
  ) as RiskOracle;
  return oracle;
}

/**
 * Largest |ours - theirs| / scale over the matrix, where scale is `sqrt(|S_ii S_jj|)` of the
 * oracle's diagonal (so a covariance cell is compared relative to its assets' variances);
 * asserts NaN exactly where the oracle has null.
 */
export function maxScaledError(
  ours: readonly Float64Array[],
  theirs: OracleMatrix,
  what: string,
): number {
  assert.equal(ours.length, theirs.length, `${what}: size`);
  let worst = 0;
  for (let i = 0; i < theirs.length; i++) {
    for (let j = 0; j < theirs.length; j++) {
      const e = theirs[i]![j]!, v = ours[i]![j]!;
      if (e === null) {
        assert.ok(Number.isNaN(v), `${what} (${i}, ${j}): ${v}, oracle NaN`);
        continue;
      }
      assert.ok(Number.isFinite(v), `${what} (${i}, ${j}): ${v}, oracle ${e}`);
      const di = theirs[i]![i], dj = theirs[j]![j];
      const scale = di != null && dj != null && di * dj > 0
        ? Math.sqrt(Math.abs(di * dj))
        : Math.max(Math.abs(e), 1e-300);
      worst = Math.max(worst, Math.abs(v - e) / scale);
    }
  }
  return worst;
}

/** The same four numbers as the oracle's `aggregate` for a matrix. */
export function aggregate(m: readonly Float64Array[]): Aggregate {
  let count = 0, sum = 0, sumAbs = 0, sumSq = 0;
  for (const row of m) {
    for (const v of row) {
      if (!Number.isFinite(v)) continue;
      count++;
      sum += v;
      sumAbs += Math.abs(v);
      sumSq += v * v;
    }
  }
  return { count, sum, sumAbs, sumSq };
}

/** Assert an aggregate matches within relative `tol` (count exactly). */
export function assertAggregate(a: Aggregate, e: Aggregate, tol: number, what: string) {
  assert.equal(a.count, e.count, `${what}: finite cells`);
  for (const key of ["sumAbs", "sumSq"] as const) {
    assert.ok(
      Math.abs(a[key] - e[key]) <= tol * e[key],
      `${what}: ${key} ${a[key]} vs ${e[key]}`,
    );
  }
  assert.ok(Math.abs(a.sum - e.sum) <= tol * e.sumAbs, `${what}: sum ${a.sum} vs ${e.sum}`);
}
